// The web UI's DOM-free parts in Node (no browser needed): markings, reading API answers, the explorer's graph
// model and its GraphML export, hash routes and the login redirect, the upload form's rules and job views, each
// with hostile input.
import { describe, expect, it } from 'vitest';
import {
  communities,
  createGraph,
  edgeKey,
  exposureColour,
  layout,
  mergeExpansion,
  mergePath,
  nodeKey,
  toGraphML,
  xmlEscape,
} from '../../web/src/graph/model.js';
import {
  allowedMarkings,
  datasetProblem,
  formatBytes,
  formatDuration,
  gradingOf,
  ingestUrl,
  percentDone,
  suggestDataset,
} from '../../web/src/jobs.js';
import { highestMarking, markingClass, parseMarking } from '../../web/src/marking.js';
import { href, parseHash } from '../../web/src/router.js';
import type { ExpandAnswer, Hop } from '../../web/src/types.js';
import {
  readEntity,
  readJob,
  readJobs,
  readSearch,
  readSuggestion,
  splitExplanation,
} from '../../web/src/types.js';
import { threatAreas } from '../../web/src/views/dashboard.js';
import { safeNext } from '../../web/src/views/login.js';

describe('markings in the UI', () => {
  it('reads the server forms and names the highest, with every caveat', () => {
    expect(parseMarking('OFFICIAL-SENSITIVE')).toEqual({
      level: 'OFFICIAL',
      rank: 1,
      caveats: ['SENSITIVE'],
    });
    expect(highestMarking(['OFFICIAL-SENSITIVE', 'SECRET'])).toBe('SECRET SENSITIVE');
    expect(highestMarking(['OFFICIAL', 'SECRET UK EYES ONLY', undefined])).toBe('SECRET UK EYES ONLY');
    expect(highestMarking(['OFFICIAL', 'OFFICIAL-SENSITIVE'])).toBe('OFFICIAL-SENSITIVE');
    expect(highestMarking([])).toBeUndefined();
  });

  it('never shows an unreadable marking as a lower one', () => {
    expect(highestMarking(['OFFICIAL', 'COSMIC PURPLE'])).toBe('OFFICIAL + COSMIC PURPLE');
    expect(markingClass('COSMIC PURPLE')).toBe('mk-secret');
    expect(markingClass('TOP SECRET')).toBe('mk-top-secret');
    expect(markingClass('OFFICIAL')).toBe('mk-official');
  });
});

describe('reading API answers', () => {
  it('keeps the provenance of every entity value and lists the datasets it comes from', () => {
    const e = readEntity({
      id: 'p1',
      schema: 'Person',
      caption: 'A',
      marking: 'SECRET',
      datasets: ['demo'],
      properties: {
        name: [{ value: 'A', dataset: 'demo', origin: 'f.jsonl:1', marking: 'SECRET', grading: '1BP' }],
        __proto__: [{ value: 'x', dataset: 'other' }],
      },
      references: [{ id: 'o1', schema: 'Ownership', prop: 'owner', caption: 'owns' }],
      sanctions: [{ id: 's1', program: ['RU'], authority: ['OFAC'], listing_date: '2022-01-01', reason: [] }],
    });
    expect(e.properties.get('name')?.[0]).toMatchObject({
      origin: 'f.jsonl:1',
      grading: '1BP',
      marking: 'SECRET',
    });
    expect(e.references[0]).toMatchObject({ property: 'owner', entity: { id: 'o1', schema: 'Ownership' } });
    expect(e.sanctions[0]).toMatchObject({ program: 'RU', authority: 'OFAC', listingDate: '2022-01-01' });
    expect(Object.getPrototypeOf(e.properties)).toBe(Map.prototype);
  });

  it('reads search hits with highlight parts as text and facets with counts', () => {
    const s = readSearch({
      total: 1,
      hits: [
        { id: 'p1', schema: 'Person', caption: 'A <b>', highlight: [{ text: '<img src=x>', match: true }] },
      ],
      facets: { schema: [{ value: 'Person', count: 1 }], topics: [], countries: [], datasets: [] },
      marking: 'OFFICIAL',
    });
    expect(s.hits[0]?.highlight).toEqual([{ text: '<img src=x>', match: true }]);
    expect(s.facets.schema).toEqual([{ value: 'Person', count: 1, label: undefined }]);
  });

  it('reads a review suggestion whose sides are ids with their records alongside', () => {
    const s = readSuggestion({
      a: 'p1',
      b: 'p2',
      score: 0.975,
      skip: 0,
      marking: 'SECRET',
      explanation:
        "name: 'A B' ~ 'A BB': parts aligned 2/2 (0.93); birth date: 1973 = 1973 (+); score 0.975 >= threshold 0.7: match",
      records: [
        {
          id: 'p1',
          schema: 'Person',
          caption: 'A B',
          datasets: ['d1'],
          properties: { name: [{ value: 'A B' }] },
        },
        {
          id: 'p2',
          schema: 'Person',
          caption: 'A BB',
          datasets: ['d2'],
          properties: { name: [{ value: 'A BB' }] },
        },
      ],
    });
    expect(s?.a).toMatchObject({ id: 'p1', datasets: ['d1'] });
    expect(s?.b.properties.get('name')).toEqual(['A BB']);
    expect(s?.explanation.map((f) => f.name)).toEqual(['name', 'birth date', 'overall']);
    expect(s?.explanation[0]?.score).toBe(0.93);
    expect(readSuggestion(null)).toBeNull();
  });

  it('splits an explanation without inventing scores', () => {
    expect(splitExplanation('nationality: gb = gb')).toEqual([
      { name: 'nationality', score: undefined, text: 'gb = gb' },
    ]);
  });

  it('groups topic facets into threat areas, at zero where nothing is tagged', () => {
    const areas = threatAreas([{ value: 'crime.traffick.drug', count: 10 }]);
    expect(areas.find((a) => a.name === 'Drugs')?.topics[0]).toMatchObject({
      label: 'Drug trafficking',
      count: 10,
    });
    expect(areas.find((a) => a.name === 'Fraud')?.topics.every((t) => t.count === 0)).toBe(true);
  });
});

const expansion: ExpandAnswer = {
  marking: 'OFFICIAL',
  nodes: [
    { id: 'a', caption: 'A', schema: 'Person', marking: 'OFFICIAL', depth: 0 },
    { id: 'b', caption: 'B & <Co>', schema: 'Company', marking: 'SECRET', depth: 1 },
    // Valid entity ids that are also Object.prototype names, which graphology cannot take as keys.
    { id: 'constructor', caption: '"quoted"', schema: 'Person', marking: 'OFFICIAL', depth: 1 },
    { id: 'toString', caption: 'T', schema: 'Person', marking: 'OFFICIAL', depth: 1 },
  ],
  edges: [
    { source: 'a', target: 'b', kind: 'Ownership', directed: true, weight: 1, evidence: 'own-1' },
    {
      source: 'a',
      target: 'constructor',
      kind: 'shared:phone',
      directed: false,
      weight: 0.5,
      evidence: 'value:phone:+44',
    },
    {
      source: 'toString',
      target: 'constructor',
      kind: 'Associate',
      directed: false,
      weight: 1,
      evidence: 'as-1',
    },
    { source: 'a', target: 'toString', kind: 'Family', directed: false, weight: 1, evidence: 'fa-1' },
    { source: 'a', target: 'missing', kind: 'Payment', directed: true, weight: 1, evidence: null },
  ],
};

describe("the explorer's graph model", () => {
  it('merges expansions once, and drops edges to nodes it was not given', () => {
    const g = createGraph();
    expect(mergeExpansion(g, expansion).sort()).toEqual(['a', 'b', 'constructor', 'toString']);
    expect(mergeExpansion(g, expansion)).toEqual([]);
    expect(g.order).toBe(4);
    expect(g.size).toBe(4);
    expect(g.getNodeAttribute(nodeKey('a'), 'expanded')).toBe(true);
    expect(g.degree(nodeKey('constructor'))).toBe(2);
    expect(g.getNodeAttribute(nodeKey('toString'), 'id')).toBe('toString');
  });

  it('adds a path with the tie running the way the hop says, reusing a known edge', () => {
    const g = createGraph();
    mergeExpansion(g, expansion);
    const hop: Hop = {
      from: { id: 'b', caption: 'B', schema: 'Company', marking: 'SECRET' },
      to: { id: 'a', caption: 'A', schema: 'Person', marking: 'OFFICIAL' },
      kind: 'Ownership',
      direction: 'backward',
      evidence: {
        entity: {
          id: 'own-1',
          schema: 'Ownership',
          caption: 'owns',
          datasets: [],
          marking: 'OFFICIAL',
          grading: [],
        },
      },
    };
    const keys = mergePath(g, [hop]);
    expect(keys).toEqual([edgeKey('a', 'b', 'Ownership', 'own-1')]);
    expect(g.size).toBe(4);
    expect(g.getEdgeAttribute(keys[0] as string, 'hop')).toBe(hop);
  });

  it('finds communities on the view and colours exposure from grey to red', () => {
    const g = createGraph();
    mergeExpansion(g, expansion);
    const found = communities(g);
    expect(found.of.size).toBe(4);
    layout(g, 20);
    expect(Number.isFinite(g.getNodeAttribute(nodeKey('constructor'), 'x'))).toBe(true);
    expect(exposureColour(0)).toBe('#c4c8cf');
    expect(exposureColour(1)).toBe('#8b0a0a');
  });

  it('exports GraphML with every text escaped and the marking and fictional datasets stated', () => {
    const g = createGraph();
    mergeExpansion(g, expansion);
    const xml = toGraphML(g, 'SECRET', ['demo_kestrel']);
    expect(xml).toContain('<data key="d_marking">SECRET</data>');
    expect(xml).toContain('FICTIONAL data from demo_kestrel');
    expect(xml).toContain('B &amp; &lt;Co&gt;');
    expect(xml).toContain('&quot;quoted&quot;');
    expect(xml).not.toContain('<Co>');
    expect(xml).toContain('<node id="constructor">');
    expect(xml).toContain('source="toString" target="constructor"');
    expect(xmlEscape('a\u0000b\u0007c')).toBe('a\ufffdb\ufffdc');
  });
});

describe('routes', () => {
  it('round-trips ids with slashes, quotes and spaces', () => {
    const id = "a/b c'd?e#f";
    expect(parseHash(href(['entity', id], { q: 'x y' }))).toEqual({
      path: ['entity', id],
      params: new URLSearchParams({ q: 'x y' }),
    });
  });

  it('sends a reader back after login only to a page of the app', () => {
    expect(safeNext('#/search?q=x')).toBe('#/search?q=x');
    for (const bad of [
      null,
      'https://evil.example/',
      '//evil.example',
      '#//evil.example',
      'javascript:alert(1)',
      '#/login',
    ])
      expect(safeNext(bad), String(bad)).toBe('#/');
  });
});

describe('uploads and jobs', () => {
  it('checks dataset names as the server does and proposes one from the file name', () => {
    expect(datasetProblem('kestrel_2')).toBeUndefined();
    expect(datasetProblem('')).toMatch(/name/);
    expect(datasetProblem('Kestrel')).toMatch(/lower-case/);
    expect(datasetProblem('_x')).toMatch(/Start/);
    expect(datasetProblem('a b')).toMatch(/only/);
    expect(datasetProblem('a'.repeat(65))).toMatch(/64/);
    expect(suggestDataset('Kestrel Case.ftm.jsonl')).toBe('kestrel_case');
    expect(suggestDataset('sdn.csv.zip')).toBe('sdn');
    expect(suggestDataset('Café-Ltd.json')).toBe('cafe-ltd');
    expect(suggestDataset('../../etc/passwd')).toBe('etc_passwd');
    expect(suggestDataset('.json')).toBe('');
  });

  it('offers markings up to the clearance and only with caveats the user holds', () => {
    expect(allowedMarkings({ username: 'a', clearance: 'SECRET', caveats: ['SENSITIVE'] })).toEqual([
      'OFFICIAL',
      'OFFICIAL-SENSITIVE',
      'SECRET',
    ]);
    expect(allowedMarkings({ username: 'a', clearance: 'SECRET', caveats: [] })).toEqual([
      'OFFICIAL',
      'SECRET',
    ]);
    expect(allowedMarkings({ username: 'a', clearance: 'OFFICIAL', caveats: [] })).toEqual(['OFFICIAL']);
    expect(allowedMarkings({ username: 'a', clearance: 'TOP SECRET', caveats: ['SENSITIVE'] })).toHaveLength(
      4,
    );
    // Without a known clearance (no authentication) the server decides; an unreadable one offers nothing.
    expect(allowedMarkings({ username: 'service account' })).toHaveLength(4);
    expect(allowedMarkings({ username: 'a', clearance: 'COSMIC PURPLE' })).toEqual([]);
  });

  it('takes all three parts of a grading or none, and builds the ingest address', () => {
    expect(gradingOf('', '', '')).toEqual({});
    expect(gradingOf('2', 'B', 'P')).toEqual({ code: '2BP' });
    expect(gradingOf('2', '', 'P').problem).toMatch(/all three/);
    expect(gradingOf('4', 'B', 'P').problem).toBeDefined();
    expect(ingestUrl({ dataset: 'd', file: 'a&b=c.csv', format: '', marking: 'OFFICIAL-SENSITIVE' })).toBe(
      '/api/ingest?dataset=d&filename=a%26b%3Dc.csv&marking=OFFICIAL-SENSITIVE',
    );
  });

  it('reads job views, tolerating missing and hostile fields', () => {
    const job = readJob({
      id: 'j1',
      kind: 'ingest',
      user: 'u',
      dataset: 'd',
      state: 'running',
      cancel_requested: true,
      created_at: '2026-01-01T00:00:00Z',
      started_at: null,
      params: { file: 'f.jsonl', bytes: 100, type: 'json', format: 'ftm', marking: 'SECRET', grading: null },
      progress: { records: 5, rejected: 1, bytes: 50, totalBytes: 100, etaSeconds: null, recordsPerSec: 9 },
      summary: null,
      rejects: [
        { file: 'f.jsonl', line: 3, field: 'birthDate', code: 'VALUE_INVALID', reason: 'bad' },
        'junk',
      ],
      error: null,
    });
    expect(job).toMatchObject({ id: 'j1', state: 'running', cancelRequested: true, startedAt: undefined });
    expect(job?.params.grading).toBeUndefined();
    expect(job?.rejects).toEqual([
      { file: 'f.jsonl', line: 3, field: 'birthDate', code: 'VALUE_INVALID', reason: 'bad' },
    ]);
    expect(percentDone(job?.progress ?? null, 'running')).toBe(50);
    expect(percentDone(null, 'done')).toBe(100);
    expect(
      percentDone(
        { ...(job?.progress as NonNullable<typeof job>['progress'] & object), bytes: 0 },
        'running',
      ),
    ).toBeUndefined();
    // An unknown state never reads as still going; a job without an id is dropped.
    expect(readJob({ id: 'x', state: 'exploded' })?.state).toBe('failed');
    expect(readJobs({ jobs: [{ id: 'a' }, { state: 'done' }, null] }).map((j) => j.id)).toEqual(['a']);
    expect(readJobs('nonsense')).toEqual([]);
  });

  it('writes sizes and durations for people', () => {
    expect(formatBytes(680)).toBe('680 bytes');
    expect(formatBytes(20_325_680)).toBe('19 MB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(undefined)).toBe('-');
    expect(formatDuration(75)).toBe('1 min 15 s');
    expect(formatDuration(3700)).toBe('1 h 2 min');
    expect(formatDuration(null)).toBe('-');
  });
});
