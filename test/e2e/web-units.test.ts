// The web UI's DOM-free parts in Node (no browser needed): markings, reading API answers, the explorer's graph
// model and its GraphML export, hash routes and the login redirect, the upload form's rules and job views, what each
// role is offered and how a refusal reads, the audit view's filters and chain report, and the trace view's form,
// answers and flow layout, each with hostile input.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError, describeError, isRoleRefusal } from '../../web/src/api.js';
import { assessUrl, readAssessment, reportForm, reportUrl } from '../../web/src/assess/read.js';
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
import {
  canJudge,
  homeFor,
  ROLE_PERMISSIONS,
  roleAllows,
  VIEW_NEEDS,
  viewAllowed,
} from '../../web/src/roles.js';
import { href, parseHash } from '../../web/src/router.js';
import {
  addDecimal,
  describeSet,
  exposureUrl,
  FLOW,
  formatShare,
  layoutFlow,
  readExposure,
  readTraceAnswer,
  shortAddress,
  TRACE_MAX_ADDRESSES,
  type TraceAnswer,
  type TraceReached,
  traceParams,
  traceState,
  traceUrl,
} from '../../web/src/trace/flow.js';
import type { ExpandAnswer, Hop } from '../../web/src/types.js';
import {
  readAuditPage,
  readChainReport,
  readEntity,
  readJob,
  readJobs,
  readSearch,
  readSuggestion,
  splitExplanation,
} from '../../web/src/types.js';
import {
  AUDIT_PAGE_SIZE,
  auditState,
  auditUrl,
  chainSummary,
  formatUtc,
  sinceToIso,
} from '../../web/src/views/audit.js';
import { threatAreas } from '../../web/src/views/dashboard.js';
import { safeNext } from '../../web/src/views/login.js';
import { readOnlyNote } from '../../web/src/views/review.js';

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

describe('roles in the UI', () => {
  it('offers what the default policy gives each role, no more and no less', () => {
    const policy = JSON.parse(readFileSync('src/access/data/policy.json', 'utf8')) as {
      roles: Record<string, string[]>;
    };
    expect(Object.keys(ROLE_PERMISSIONS).sort()).toEqual(Object.keys(policy.roles).sort());
    for (const [role, perms] of Object.entries(policy.roles))
      expect([...(ROLE_PERMISSIONS[role] ?? [])].sort(), role).toEqual([...perms].sort());
  });

  it('shows an auditor the audit log only, and lands it there', () => {
    const pages = Object.keys(VIEW_NEEDS);
    expect(pages.filter((p) => viewAllowed('auditor', p))).toEqual(['audit']);
    expect(homeFor('auditor')).toBe('audit');
    // Pages that need nothing (login, not found) stay open to everyone.
    expect(viewAllowed('auditor', 'login')).toBe(true);
    expect(canJudge('auditor')).toBe(false);
  });

  it('lets an analyst read the review queue but not decide, and keeps the audit log from the others', () => {
    for (const role of ['analyst', 'reviewer', 'admin']) {
      expect(homeFor(role), role).toBe('');
      expect(viewAllowed(role, 'review'), role).toBe(true);
      expect(viewAllowed(role, 'audit'), role).toBe(false);
    }
    expect(canJudge('analyst')).toBe(false);
    expect(canJudge('reviewer')).toBe(true);
    expect(canJudge('admin')).toBe(true);
    expect(roleAllows('analyst', 'erase')).toBe(false);
    expect(roleAllows('admin', 'erase')).toBe(true);
    expect(readOnlyNote('analyst')).toContain('your role (analyst)');
    expect(readOnlyNote('analyst')).toContain('reviewer role');
  });

  it('leaves an unknown or missing role to the server, never granting the audit log, prototype names included', () => {
    for (const role of [undefined, 'no-such-role', '__proto__', 'constructor', 'hasOwnProperty']) {
      expect(viewAllowed(role, 'search'), String(role)).toBe(true);
      expect(viewAllowed(role, 'audit'), String(role)).toBe(false);
      expect(homeFor(role), String(role)).toBe('');
    }
  });

  it('words a role refusal with the role, apart from CSRF and coded refusals', () => {
    const refused = new ApiError(403, 'the auditor role may not read (dataset.list)', 'req-1');
    expect(isRoleRefusal(refused)).toBe(true);
    expect(describeError(refused, 'auditor')).toBe(
      'Your role (auditor) does not allow this (request req-1).',
    );
    expect(describeError(new ApiError(403, 'the analyst role may not xref.judge'), 'analyst')).toBe(
      'Your role (analyst) does not allow this.',
    );
    expect(describeError(refused, undefined)).toBe('Your role does not allow this (request req-1).');
    const csrf = new ApiError(403, 'missing or wrong X-CSRF-Token header');
    expect(isRoleRefusal(csrf)).toBe(false);
    expect(describeError(csrf, 'analyst')).toMatch(/reload the page/);
    const coded = new ApiError(
      403,
      'the user no longer holds the clearance',
      undefined,
      'JOB_AUTHORITY_CHANGED',
    );
    expect(isRoleRefusal(coded)).toBe(false);
    expect(describeError(coded, 'analyst')).toContain('JOB_AUTHORITY_CHANGED');
    expect(isRoleRefusal(new ApiError(404, 'not found'))).toBe(false);
    expect(isRoleRefusal(new Error('403'))).toBe(false);
  });
});

describe('the audit view', () => {
  const record = {
    seq: 12,
    at: '2026-05-01T09:30:12.345Z',
    user: 'e2e-analyst',
    action: 'entity.search',
    category: 'consultation',
    objects: ['demo_kestrel'],
    purpose: 'investigation',
    requestId: 'req-9',
    outcome: 'ok',
    detail: { q: '<img src=x>', limit: 1, nested: { no: 1 }, gone: null },
    prevHash: 'a'.repeat(64),
    hash: 'b'.repeat(64),
  };

  it('reads a page of records and its next_before, dropping what it cannot trust', () => {
    const page = readAuditPage({
      records: [
        record,
        { seq: 'x' },
        { seq: 1.5 },
        null,
        'junk',
        { seq: 3, objects: 'one', requestId: null },
      ],
      next_before: 3,
    });
    expect(page.records.map((r) => r.seq)).toEqual([12, 3]);
    expect(page.records[0]).toMatchObject({
      user: 'e2e-analyst',
      requestId: 'req-9',
      objects: ['demo_kestrel'],
    });
    // Detail values are kept as text; objects and nulls are left out.
    expect(page.records[0]?.detail).toEqual([
      ['q', '<img src=x>'],
      ['limit', '1'],
    ]);
    expect(page.records[1]).toMatchObject({ objects: ['one'], requestId: undefined, user: '' });
    expect(page.nextBefore).toBe(3);
    expect(readAuditPage({ records: [], next_before: null }).nextBefore).toBeNull();
    expect(readAuditPage({ records: [], next_before: -4 }).nextBefore).toBeNull();
    expect(readAuditPage('nonsense')).toEqual({ records: [], nextBefore: null });
  });

  it('reads the chain report, taking anything but a clear ok as broken', () => {
    const ok = readChainReport({ ok: true, records: 40, head: 'c'.repeat(64), lastSeq: 40 });
    expect(ok).toMatchObject({ ok: true, records: 40, broken: undefined });
    expect(chainSummary(ok)).toBe('Chain intact: 40 records check out, up to record 40.');
    const broken = readChainReport({
      ok: false,
      records: 56,
      head: 'd'.repeat(64),
      lastSeq: 56,
      broken: { seq: 57, reason: 'hash does not match the record (edited)' },
    });
    expect(broken.ok).toBe(false);
    expect(chainSummary(broken)).toBe(
      'Chain broken at record 57: hash does not match the record (edited). The 56 records before it check out.',
    );
    // ok with a broken record, or no answer at all, is not intact.
    expect(readChainReport({ ok: true, records: 3, broken: { seq: 2, reason: 'x' } }).ok).toBe(false);
    expect(readChainReport(null)).toMatchObject({ ok: false, broken: { seq: 1 } });
    expect(readChainReport({ ok: 'true', records: 1 }).ok).toBe(false);
    expect(chainSummary(readChainReport({ ok: true, records: 0, head: '0'.repeat(64), lastSeq: 0 }))).toBe(
      'Chain intact: 0 records check out.',
    );
  });

  it('takes "since" as a UTC date or time, or ISO with a zone, and refuses impossible ones', () => {
    expect(sinceToIso('')).toBeUndefined();
    expect(sinceToIso('  ')).toBeUndefined();
    expect(sinceToIso('2026-05-01')).toBe('2026-05-01T00:00:00.000Z');
    expect(sinceToIso('2026-05-01 09:30')).toBe('2026-05-01T09:30:00.000Z');
    expect(sinceToIso('2026-05-01T09:30:12.5Z')).toBe('2026-05-01T09:30:12.500Z');
    expect(sinceToIso('2026-05-01 09:30 UTC')).toBe('2026-05-01T09:30:00.000Z');
    expect(sinceToIso('2026-05-01T10:30+01:00')).toBe('2026-05-01T09:30:00.000Z');
    expect(sinceToIso('2026-05-01T10:30+0100')).toBe('2026-05-01T09:30:00.000Z');
    for (const bad of [
      '2026-02-30',
      '2026-13-01',
      '2026-05-01 24:00',
      'yesterday',
      '1 May 2026',
      '2026-05-01T09:61',
    ])
      expect(sinceToIso(bad), bad).toBeNull();
  });

  it('reads its filters from the address as the server checks them, and builds the API call', () => {
    const s = auditState(
      new URLSearchParams({
        user: ' e2e-analyst ',
        action: 'entity.read',
        category: 'consultation',
        request_id: 'req-1',
        since: '2026-05-01',
        before: '120',
      }),
    );
    expect(s.problems).toEqual([]);
    expect(s.filters).toEqual({
      user: 'e2e-analyst',
      action: 'entity.read',
      category: 'consultation',
      request_id: 'req-1',
      since: '2026-05-01T00:00:00.000Z',
    });
    expect(s.before).toBe(120);
    expect(auditUrl(s)).toBe(
      `/api/audit?user=e2e-analyst&action=entity.read&category=consultation&request_id=req-1&since=${encodeURIComponent(
        '2026-05-01T00:00:00.000Z',
      )}&before=120&limit=${AUDIT_PAGE_SIZE}`,
    );
    const bad = auditState(
      new URLSearchParams({
        category: 'gossip',
        since: 'soon',
        before: '-1',
        user: 'x'.repeat(201),
        action: '',
      }),
    );
    expect(bad.filters).toEqual({});
    expect(bad.before).toBeUndefined();
    expect(bad.problems).toHaveLength(4);
    expect(auditUrl(bad)).toBe(`/api/audit?limit=${AUDIT_PAGE_SIZE}`);
    expect(auditState(new URLSearchParams('before=1e3')).before).toBeUndefined();
  });

  it('shows times in UTC, and an unreadable one as it came', () => {
    expect(formatUtc('2026-05-01T09:30:12.345Z')).toBe('2026-05-01 09:30:12');
    expect(formatUtc('2026-05-01T10:30:12+01:00')).toBe('2026-05-01 09:30:12');
    expect(formatUtc('not a time')).toBe('not a time');
    expect(formatUtc('')).toBe('');
  });
});

describe('the trace view', () => {
  const step = (tx: string, from: string, to: string, amount: string, tainted = amount) => ({
    tx,
    time: '2025-01-01T00:00:00.000Z',
    from,
    to,
    amount,
    tainted,
  });
  const row = (
    address: string,
    hops: number,
    tainted: string,
    path: ReturnType<typeof step>[],
  ): TraceReached => ({
    address,
    tainted,
    received: tainted,
    share: 1,
    hops,
    stoppedAt: false,
    labels: [],
    entities: [],
    path,
  });
  const answer = (reached: TraceReached[], more: Partial<TraceAnswer> = {}): TraceAnswer => ({
    model: 'haircut',
    direction: 'forward',
    chain: 'ethereum',
    asset: 'ETH',
    seeds: [{ address: '0xseed', amount: '10' }],
    missing: [],
    reached,
    totals: {},
    limitReached: false,
    limits: [],
    marking: 'OFFICIAL',
    ...more,
  });
  /** A link's ends sit on the right edge of its source and the left edge of its target, within their heights. */
  const expectLinkOnNodes = (layout: ReturnType<typeof layoutFlow>, l: (typeof layout.links)[number]) => {
    const [, sx, sy, ...rest] = l.d.split(/[MC, ]+/).map(Number) as number[];
    const [tx, ty] = rest.slice(-2) as [number, number];
    const a = layout.nodes.find((n) => n.address === l.from) as (typeof layout.nodes)[number];
    const b = layout.nodes.find((n) => n.address === l.to) as (typeof layout.nodes)[number];
    expect(sx).toBe(a.x + FLOW.nodeWidth);
    expect(tx).toBe(b.x);
    expect(sy).toBeGreaterThanOrEqual(a.y);
    expect(sy).toBeLessThanOrEqual(a.y + FLOW.nodeHeight);
    expect(ty).toBeGreaterThanOrEqual(b.y);
    expect(ty).toBeLessThanOrEqual(b.y + FLOW.nodeHeight);
  };
  /** The fixture's haircut trace (test/fixtures/chain): seed -> mid -> exchange. */
  const fixture = () =>
    answer([
      row('0xmid', 1, '10', [step('0xt1', '0xseed', '0xmid', '10')]),
      {
        ...row('0xexchange', 2, '5.125', [
          step('0xt1', '0xseed', '0xmid', '10'),
          step('0xt3', '0xmid', '0xexchange', '20.5', '5.125'),
        ]),
        stoppedAt: true,
        labels: [{ label: 'Example Exchange hot wallet', category: 'exchange', dataset: 'labels' }],
      },
    ]);

  it('reads its form from the address as the server checks it, and builds the calls', () => {
    const s = traceState(
      new URLSearchParams(
        'from=0xseed,%20sanctioned&from=state:kp&model=FIFO&direction=backward&asset=ETH&max_hops=3&stop=false&dataset=chain',
      ),
    );
    expect(s.problems).toEqual([]);
    expect(s.form).toEqual({
      from: ['0xseed', 'sanctioned', 'state:kp'],
      model: 'fifo',
      direction: 'backward',
      asset: 'ETH',
      chain: undefined,
      maxHops: 3,
      maxAddresses: TRACE_MAX_ADDRESSES,
      stop: false,
      datasets: ['chain'],
    });
    expect(traceUrl(s.form)).toBe(
      `/trace?from=0xseed&from=sanctioned&from=state%3Akp&model=fifo&direction=backward&asset=ETH&max_hops=3&max_addresses=${TRACE_MAX_ADDRESSES}&stop=false&dataset=chain`,
    );
    // The page's own address leaves the defaults out.
    expect(traceParams(traceState(new URLSearchParams('from=0xa')).form)).toMatchObject({
      from: ['0xa'],
      model: 'haircut',
      direction: undefined,
      stop: undefined,
      max_addresses: undefined,
    });
    expect(exposureUrl('0xmid', s.form, { chain: 'ethereum', asset: '' })).toBe(
      '/trace/exposure?address=0xmid&model=fifo&chain=ethereum&asset=ETH&max_hops=3&stop=false&dataset=chain',
    );
    const bad = traceState(
      new URLSearchParams({
        from: `0xok,${'x'.repeat(201)}`,
        model: 'taint-all',
        direction: 'sideways',
        max_hops: '51',
        max_addresses: '1e3',
        stop: 'maybe',
        dataset: 'Bad Name',
        asset: 'A'.repeat(201),
      }),
    );
    expect(bad.form).toMatchObject({
      from: ['0xok'],
      model: 'haircut',
      direction: 'forward',
      maxHops: undefined,
      maxAddresses: TRACE_MAX_ADDRESSES,
      stop: true,
      datasets: [],
      asset: undefined,
    });
    expect(bad.problems).toHaveLength(8);
    expect(traceState(new URLSearchParams()).form.from).toEqual([]);
  });

  it('reads answers, dropping rows it cannot place and never taking a missing limit flag as "complete"', () => {
    const a = readTraceAnswer({
      model: 'haircut',
      direction: 'sideways',
      chain: 'ethereum',
      asset: 'ETH',
      seeds: [{ address: '0xseed', amount: '10' }, { amount: '1' }],
      missing: ['0xgone', 7],
      reached: [
        {
          address: '0xmid',
          tainted: '10',
          received: '40',
          share: 0.25,
          hops: 1,
          labels: [{ label: '<b>x</b>', category: 'exchange', dataset: 'labels' }],
          entities: [{ id: 'e1', caption: 'Holder', schema: 'Person', wallet: 'w1' }, { caption: 'no id' }],
          path: [{ tx: '0xt1', from: '0xseed', to: '0xmid', amount: '10', tainted: '10' }, { tx: 'half' }],
        },
        { address: '0xnohops', tainted: '1' },
        { address: '0xfrac', hops: 1.5 },
        { address: '0xbadamount', hops: 2, tainted: '1e21', share: -1, stopped_at: 'yes' },
        'junk',
      ],
      totals: { seeded: '10', odd: 'NaN' },
      limits: [{ code: 'LIMIT_REACHED', cap: 'hops', value: 10 }],
      marking: 'OFFICIAL',
    });
    expect(a.direction).toBe('forward');
    expect(a.seeds).toEqual([{ address: '0xseed', amount: '10' }]);
    expect(a.missing).toEqual(['0xgone']);
    expect(a.reached.map((r) => r.address)).toEqual(['0xmid', '0xbadamount']);
    expect(a.reached[0]?.labels[0]?.label).toBe('<b>x</b>');
    expect(a.reached[0]?.entities).toHaveLength(1);
    expect(a.reached[0]?.path).toHaveLength(1);
    expect(a.reached[1]).toMatchObject({ tainted: '0', share: 0, stoppedAt: false });
    expect(a.totals).toEqual({ seeded: '10', odd: '0' });
    expect(a.limitReached).toBe(true);
    expect(readTraceAnswer({ limit_reached: false }).limitReached).toBe(false);
    expect(readTraceAnswer({}).limitReached).toBe(true);
    expect(readTraceAnswer(null).reached).toEqual([]);
    const e = readExposure({
      address: '0xexchange',
      asset: 'ETH',
      received: '20.5',
      sets: [
        {
          set: 'label:sanctioned',
          value: '5.125',
          share: 0.25,
          addresses: [{ address: '0xseed', value: '5.125', hops: 2 }],
        },
        { set: 'state:kp', value: '10', share: 0.5, addresses: [] },
        { value: '1', share: 0.9 },
      ],
      limit_reached: false,
    });
    expect(e.sets.map((s) => s.set)).toEqual(['state:kp', 'label:sanctioned']);
    expect(e.limitReached).toBe(false);
    expect(describeSet('state:kp')).toContain('North Korea');
    expect(describeSet('family:Locky')).toBe('Ransomware family Locky');
    expect(describeSet('state:__proto__')).toBe('state:__proto__');
  });

  it('adds decimal amounts exactly and writes shares and addresses for people', () => {
    expect(addDecimal('10', '0.000000000000000001')).toBe('10.000000000000000001');
    expect(addDecimal('5.125', '4.875')).toBe('10');
    expect(addDecimal('0.1', '0.2')).toBe('0.3');
    expect(addDecimal('123456789012345678901234567890', '1')).toBe('123456789012345678901234567891');
    expect(addDecimal('oops', '2.50')).toBe('2.5');
    expect(formatShare(0.25)).toBe('25.0%');
    expect(formatShare(0.0000123)).toBe('0.0012%');
    expect(formatShare(0)).toBe('0%');
    expect(shortAddress('0xseed')).toBe('0xseed');
    expect(shortAddress('0x1234567890abcdef1234567890abcdef12345678')).toBe('0x1234567890a\u2026345678');
    expect(shortAddress('0x1234567890abcdef1234567890abcdef12345678', 24)).toHaveLength(24);
  });

  it('lays the flow out in columns by hop, one node per address, links from the evidence paths', () => {
    const layout = layoutFlow(fixture());
    const x = (a: string) => layout.nodes.find((n) => n.address === a)?.x;
    expect(layout.nodes.map((n) => [n.address, n.hop, n.column])).toEqual([
      ['0xseed', 0, 0],
      ['0xmid', 1, 1],
      ['0xexchange', 2, 2],
    ]);
    expect(x('0xseed')).toBeLessThan(x('0xmid') as number);
    expect((x('0xexchange') as number) - (x('0xmid') as number)).toBe(FLOW.columnGap);
    expect(layout.columns.map((c) => c.heading)).toEqual(['Seeds', 'Hop 1', 'Hop 2']);
    expect(layout.nodes.find((n) => n.address === '0xexchange')).toMatchObject({
      stop: true,
      amount: '5.125',
    });
    expect(layout.nodes.find((n) => n.address === '0xseed')?.seed).toBe(true);
    // The shared step seed -> mid is one link, not one per path that holds it.
    expect(layout.links.map((l) => [l.from, l.to, l.tainted, l.amount])).toEqual(
      expect.arrayContaining([
        ['0xseed', '0xmid', '10', '10'],
        ['0xmid', '0xexchange', '5.125', '20.5'],
      ]),
    );
    expect(layout.links).toHaveLength(2);
    expect(layout.drawn).toBe(2);
    expect(layout.hidden).toBe(0);
    // Every link runs from the right edge of its source to the left edge of its target.
    for (const l of layout.links) expectLinkOnNodes(layout, l);
    expect(layout.width).toBe(2 * FLOW.margin + 2 * FLOW.columnGap + FLOW.nodeWidth);
  });

  it('puts the targets of a backward trace at the right, so value still flows rightwards', () => {
    const back = answer(
      [
        row('0xmid', 1, '20.5', [step('0xt3', '0xmid', '0xexchange', '20.5')]),
        row('0xclean', 2, '10.5', [
          step('0xt2', '0xclean', '0xmid', '30', '10.5'),
          step('0xt3', '0xmid', '0xexchange', '20.5'),
        ]),
      ],
      { direction: 'backward', seeds: [{ address: '0xexchange', amount: '20.5' }] },
    );
    const layout = layoutFlow(back);
    const col = (a: string) => layout.nodes.find((n) => n.address === a)?.column;
    expect([col('0xclean'), col('0xmid'), col('0xexchange')]).toEqual([0, 1, 2]);
    expect(layout.columns.map((c) => c.heading)).toEqual(['Hop 2', 'Hop 1', 'Targets']);
    for (const l of layout.links) expect(col(l.from) as number).toBeLessThan(col(l.to) as number);
  });

  it('makes link widths proportional to the tainted value, with a floor for the thinnest', () => {
    const reached = [
      row('0xa', 1, '8', [step('t1', '0xseed', '0xa', '8')]),
      row('0xb', 1, '4', [step('t2', '0xseed', '0xb', '4')]),
      row('0xc', 1, '2', [step('t3', '0xseed', '0xc', '2')]),
      row('0xdust', 1, '0.000000000000000001', [step('t4', '0xseed', '0xdust', '0.000000000000000001')]),
    ];
    const layout = layoutFlow(answer(reached));
    const width = (to: string) => layout.links.find((l) => l.to === to)?.width as number;
    expect(width('0xa')).toBe(FLOW.maxLinkWidth);
    expect(width('0xb') / width('0xa')).toBeCloseTo(0.5, 9);
    expect(width('0xc') / width('0xa')).toBeCloseTo(0.25, 9);
    expect(width('0xdust')).toBe(FLOW.minLinkWidth);
    // Largest first down the column, and the thinnest links drawn last (on top).
    expect(layout.nodes.filter((n) => n.hop === 1).map((n) => n.address)).toEqual([
      '0xa',
      '0xb',
      '0xc',
      '0xdust',
    ]);
    expect(layout.links.at(-1)?.to).toBe('0xdust');
    // Two transactions between the same pair are one link carrying their exact sum.
    const twice = layoutFlow(
      answer([
        row('0xa', 1, '0.3', [step('t1', '0xseed', '0xa', '0.1')]),
        row('0xb', 2, '0.2', [step('t1', '0xseed', '0xa', '0.1'), step('t9', '0xa', '0xb', '0.2')]),
        row('0xc', 2, '0.1', [step('t2', '0xseed', '0xa', '0.2'), step('t8', '0xa', '0xc', '0.1')]),
      ]),
    );
    const pair = twice.links.find((l) => l.from === '0xseed' && l.to === '0xa');
    expect(pair).toMatchObject({ txs: ['t1', 't2'], tainted: '0.3' });
  });

  it('caps what it draws for a large trace, keeping every drawn address linked back to a seed', () => {
    // 200 addresses: 40 at hop 1, each passing on to 4 at hop 2, values falling with the index.
    const reached: TraceReached[] = [];
    for (let i = 0; i < 40; i++) {
      const a = `0xa${String(i).padStart(3, '0')}`;
      const first = step(`t${i}`, '0xseed', a, String(1000 - i));
      reached.push(row(a, 1, String(1000 - i), [first]));
      for (let j = 0; j < 4; j++) {
        const b = `${a}b${j}`;
        reached.push(
          row(b, 2, String(900 - i * 4 - j), [first, step(`t${i}-${j}`, a, b, String(900 - i * 4 - j))]),
        );
      }
    }
    const layout = layoutFlow(answer(reached));
    const perColumn = new Map<number, number>();
    for (const n of layout.nodes) perColumn.set(n.column, (perColumn.get(n.column) ?? 0) + 1);
    expect(layout.nodes.length).toBeLessThanOrEqual(60);
    for (const count of perColumn.values()) expect(count).toBeLessThanOrEqual(12);
    expect(layout.drawn + layout.hidden).toBe(200);
    expect(layout.hidden).toBeGreaterThan(150);
    expect(layout.drawn).toBe(layout.nodes.filter((n) => !n.seed).length);
    // The largest are drawn, each with a link in from an address drawn one column to the left.
    const drawn = new Set(layout.nodes.map((n) => n.address));
    expect(drawn.has('0xa000')).toBe(true);
    expect(drawn.has('0xa000b0')).toBe(true);
    for (const n of layout.nodes.filter((n) => !n.seed)) {
      const into = layout.links.filter((l) => l.to === n.address);
      expect(into.length, n.address).toBeGreaterThan(0);
      for (const l of into) expect(layout.nodes.find((m) => m.address === l.from)?.column).toBe(n.column - 1);
    }
    // The links leaving the seed, wider together than it, are spread over its height in the order of their targets.
    const fromSeed = layout.links.filter((l) => l.from === '0xseed');
    expect(fromSeed.length).toBeGreaterThan(1);
    for (const l of layout.links) expectLinkOnNodes(layout, l);
    const starts = fromSeed
      .map((l) => ({
        sy: Number(l.d.split(/[MC, ]+/)[2]),
        y: layout.nodes.find((n) => n.address === l.to)?.y ?? 0,
      }))
      .sort((p, q) => p.y - q.y);
    for (let i = 1; i < starts.length; i++) {
      expect((starts[i] as { sy: number }).sy).toBeGreaterThan((starts[i - 1] as { sy: number }).sy);
    }
    // Rows stay apart: no two nodes of a column overlap.
    for (const c of perColumn.keys()) {
      const ys = layout.nodes
        .filter((n) => n.column === c)
        .map((n) => n.y)
        .sort((p, q) => p - q);
      for (let i = 1; i < ys.length; i++)
        expect((ys[i] as number) - (ys[i - 1] as number)).toBeGreaterThanOrEqual(FLOW.nodeHeight);
    }
    expect(layout.height).toBeLessThan(12 * (FLOW.nodeHeight + FLOW.rowGap) + 100);
    // Tighter caps are kept too.
    const small = layoutFlow(answer(reached), { maxNodes: 5, maxPerColumn: 2 });
    expect(small.nodes.length).toBeLessThanOrEqual(5);
    expect(small.drawn + small.hidden).toBe(200);
  });

  it('draws the seeds alone when nothing was reached, and counts seeds it left out', () => {
    const none = layoutFlow(
      answer([], {
        seeds: [
          { address: '0xs1', amount: '1' },
          { address: '0xs2', amount: '2' },
        ],
      }),
    );
    expect(none.nodes.map((n) => n.address).sort()).toEqual(['0xs1', '0xs2']);
    expect(none.links).toEqual([]);
    const some = layoutFlow(
      answer([row('0xa', 1, '1', [step('t', '0xs1', '0xa', '1')])], {
        seeds: [
          { address: '0xs1', amount: '1' },
          { address: '0xs2', amount: '2' },
        ],
      }),
    );
    expect(some.hiddenSeeds).toBe(1);
  });

  it('is a page for the roles that may use the graph', () => {
    expect(VIEW_NEEDS.trace).toBe('graph');
    expect(viewAllowed('analyst', 'trace')).toBe(true);
    expect(viewAllowed('auditor', 'trace')).toBe(false);
  });
});

describe('the report view', () => {
  const answer = {
    marking: 'SECRET SENSITIVE',
    year: null,
    as_of: null,
    ceiling: null,
    fictional: true,
    judgements: [
      {
        id: 'KJ-cyber-1',
        area: 'cyber',
        text: 'Cybercrime will likely grow.',
        status: 'signed',
        signed_by: 'ana',
        probability: 0.75,
        yardstick: 'likely or probably',
        confidence: 'moderate',
        marking: 'SECRET SENSITIVE',
        evidence: [{ ref: 'cy-1', text: 'a group', marking: 'SECRET', grading: ['1AC'], datasets: ['d'] }],
      },
      { area: 'no id' },
    ],
    areas: [
      {
        id: 'b',
        label: 'B',
        entities: 3,
        score: { total: 12, band: 'medium', confidence: 'low' },
        marking: 'OFFICIAL',
      },
      {
        id: 'a',
        label: 'A',
        entities: 9,
        score: { total: 40, band: 'high', confidence: 'high' },
        marking: 'OFFICIAL',
      },
    ],
    claims: [
      {
        id: 'C1',
        claim: 'It grew.',
        verdict: 'agrees',
        finding: 'It did.',
        marking: 'OFFICIAL',
        evidence: [],
      },
    ],
    datasets: [{ name: 'demo_kestrel', fictional: true }],
  };

  it('reads the judgements, priorities by score and claims, and sees C-coded evidence', () => {
    const a = readAssessment(answer);
    expect(a.marking).toBe('SECRET SENSITIVE');
    expect(a.judgements).toHaveLength(1);
    expect(a.judgements[0]).toMatchObject({
      yardstick: 'likely or probably',
      confidence: 'moderate',
      signedBy: 'ana',
    });
    expect(a.priorities.map((p) => p.id)).toEqual(['a', 'b']);
    expect(a.claims[0]?.verdict).toBe('agrees');
    expect(a.datasets).toEqual(['demo_kestrel']);
    expect(a.conditional).toBe(true);
    expect(readAssessment({ ...answer, judgements: [], claims: [] }).conditional).toBe(false);
  });

  it('survives a malformed answer', () => {
    for (const body of [null, 'x', [], { judgements: 'no', areas: [1], claims: [null] }]) {
      const a = readAssessment(body);
      expect(a.judgements).toEqual([]);
      expect(a.priorities).toEqual([]);
      expect(a.marking).toBeUndefined();
    }
  });

  it('asks with the ceiling and year, and opens the full report with the disclosure terms', () => {
    const f = reportForm(new URLSearchParams('ceiling=OFFICIAL&year=2024&recipient=NCA&conditions=x y'));
    expect(assessUrl(f)).toBe('/assess?ceiling=OFFICIAL&year=2024');
    expect(reportUrl(f)).toBe('/assess/report?ceiling=OFFICIAL&year=2024&recipient=NCA&conditions=x+y');
    expect(reportUrl(reportForm(new URLSearchParams()))).toBe('/assess/report');
  });

  it('is a page for the roles that may read', () => {
    expect(VIEW_NEEDS.report).toBe('read');
    expect(viewAllowed('analyst', 'report')).toBe(true);
    expect(viewAllowed('auditor', 'report')).toBe(false);
  });
});
