// The /api routes in-process: answers and their shapes, access (SECRET data is nowhere for an OFFICIAL reader),
// the review queue, screening one entity, and hostile input.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AccessContext, localOperator, makeContext } from '../access/index.js';
import { newEntity, type SourceRecord } from '../ingest/reader.js';
import { validateRecord } from '../ingest/validate.js';
import { updateMatchIndex } from '../resolve/index.js';
import { type RecordStatements, SqliteStore } from '../store/index.js';
import type { EntityAnswer } from './api-routes.js';
import { createApp } from './app.js';

const official = makeContext({ user: 'analyst', clearance: 'OFFICIAL', purpose: 'test' });
const operator = localOperator('tester', 'test setup');
const JSON_HEADERS = { 'content-type': 'application/json' };

let store: SqliteStore;
let line = 0;

function rec(
  id: string,
  schema: string,
  props: Record<string, string[]>,
  dataset: string,
  marking = 'OFFICIAL',
): RecordStatements {
  const e = newEntity(id, schema);
  for (const [k, v] of Object.entries(props)) e.properties.set(k, v);
  const source: SourceRecord = {
    kind: 'record',
    origin: { file: `${dataset}.jsonl`, line: ++line },
    entities: [e],
  };
  const v = validateRecord(source, { dataset, marking, grading: '2BP', now: '2026-01-01T00:00:00' });
  if (v.rejects.length) throw new Error(JSON.stringify(v.rejects));
  return { groups: v.groups };
}

async function load(store: SqliteStore) {
  const put = (dataset: string, records: RecordStatements[]) =>
    store.putStatements(operator, { dataset, records });
  await put('case', [
    rec(
      'p1',
      'Person',
      { name: ['Ruslan Belov'], birthDate: ['1979-03-02'], nationality: ['ru'], topics: ['sanction'] },
      'case',
    ),
    rec('c1', 'Company', { name: ['Severny Trade LLC'], jurisdiction: ['ru'] }, 'case'),
    rec('o1', 'Ownership', { owner: ['p1'], asset: ['c1'], percentage: ['60'] }, 'case'),
    rec(
      's1',
      'Sanction',
      {
        entity: ['p1'],
        program: ['RUSSIA-EO14024'],
        authority: ['OFAC'],
        listingDate: ['2022-04-06'],
        reason: ['Oligarch'],
      },
      'case',
    ),
    rec('m1', 'Person', { name: ['Mara Quell'] }, 'case'),
    rec('m2', 'Person', { name: ['Mara Quel'] }, 'case'),
  ]);
  await put('lists', [
    rec(
      'l1',
      'Person',
      {
        name: ['Ruslan Tamirovich Belov'],
        birthDate: ['1979-03-02'],
        nationality: ['ru'],
        topics: ['sanction'],
      },
      'lists',
    ),
  ]);
  // The SECRET strand: an entity of its own, a link to p1 and an alias on p1; none of it exists for OFFICIAL.
  await put('hidden', [
    rec(
      'h1',
      'Person',
      { name: ['Vasilisa Hiddenova'], nationality: ['kp'], topics: ['role.spy'] },
      'hidden',
      'SECRET',
    ),
    rec('h-link', 'UnknownLink', { subject: ['h1'], object: ['p1'] }, 'hidden', 'SECRET'),
    rec('p1', 'Person', { alias: ['Canaryalias Belov'] }, 'hidden', 'SECRET'),
  ]);
  await store.upsertDataset(operator, { name: 'case', title: 'Case KESTREL', fictional: true });
  await store.upsertDataset(operator, { name: 'lists', title: 'Sanctions list', fictional: false });
  await store.upsertDataset(operator, { name: 'hidden', title: 'CANARYDATASET', fictional: false });
  await updateMatchIndex(operator, store);
}

beforeAll(async () => {
  store = new SqliteStore({ path: ':memory:' });
  const m = await store.migrate();
  if (m.error) throw m.error;
  await load(store);
  await store.putSuggestions(operator, [{ a: 'p1', b: 'l1', score: 0.91, explanation: 'names aligned 3/3' }]);
});

afterAll(async () => {
  await store.close();
});

function appFor(ctx: AccessContext = official, s: SqliteStore = store) {
  let n = 0;
  return createApp({
    store: s,
    contextFor: (_req, requestId) => ({ ...ctx, requestId }),
    requestId: () => `req-${++n}`,
  });
}

async function get(path: string, ctx: AccessContext = official) {
  const res = await appFor(ctx).request(path);
  const text = await res.text();
  const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  return { status: res.status, text, body };
}

async function post(path: string, body: unknown, headers: Record<string, string> = JSON_HEADERS) {
  const res = await appFor().request(path, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /api/datasets and /api/stats', () => {
  it('lists the visible datasets with the fictional flag and visible counts', async () => {
    const r = await get('/api/datasets');
    expect(r.status).toBe(200);
    const datasets = r.body.datasets as Record<string, unknown>[];
    expect(datasets.map((d) => d.name)).toEqual(['case', 'lists']);
    expect(datasets[0]).toMatchObject({ name: 'case', title: 'Case KESTREL', fictional: true, entities: 6 });
    expect(datasets[0]?.statements).toBeGreaterThan(6);
    expect(datasets[1]).toMatchObject({ fictional: false, entities: 1 });
    expect(Object.keys(datasets[0] ?? {}).sort()).toEqual(
      ['created_at', 'entities', 'fictional', 'marking', 'name', 'statements', 'title', 'updated_at'].sort(),
    );
    expect(datasets.map((d) => d.marking)).toEqual(['OFFICIAL', 'OFFICIAL']);
    expect(r.text).not.toMatch(/hidden|CANARY|SECRET/);
    const all = await get('/api/datasets', operator);
    expect(
      (all.body.datasets as { name: string; marking: string }[]).map((d) => [d.name, d.marking]),
    ).toEqual([
      ['case', 'OFFICIAL'],
      ['hidden', 'SECRET'],
      ['lists', 'OFFICIAL'],
    ]);
  });

  it("marks each dataset with the highest marking the reader sees in it, never above the reader's clearance", async () => {
    const s = new SqliteStore({ path: ':memory:' });
    try {
      await s.migrate();
      const markings = [
        'OFFICIAL',
        'OFFICIAL-SENSITIVE',
        'SECRET',
        'SECRET UK EYES ONLY',
        'OFFICIAL PERSONAL',
      ];
      await s.putStatements(operator, {
        dataset: 'mixed',
        records: markings.map((m, i) => rec(`x${i}`, 'Person', { name: [`Mixed ${i}`] }, 'mixed', m)),
      });
      await s.putStatements(operator, {
        dataset: 'plain',
        records: [rec('y1', 'Person', { name: ['Plain One'] }, 'plain')],
      });
      await s.upsertDataset(operator, { name: 'mixed', title: 'Mixed', fictional: false });
      await s.upsertDataset(operator, { name: 'plain', title: 'Plain', fictional: false });
      const readers: [AccessContext, string][] = [
        [official, 'OFFICIAL'],
        [makeContext({ user: 'a', clearance: 'OFFICIAL-SENSITIVE', purpose: 't' }), 'OFFICIAL-SENSITIVE'],
        [makeContext({ user: 'b', clearance: 'SECRET', purpose: 't' }), 'SECRET'],
        [
          makeContext({
            user: 'c',
            clearance: 'SECRET',
            caveats: ['UK EYES ONLY', 'PERSONAL'],
            purpose: 't',
          }),
          'SECRET PERSONAL UK EYES ONLY',
        ],
        [operator, 'SECRET PERSONAL SENSITIVE UK EYES ONLY'],
      ];
      for (const [reader, mixed] of readers) {
        const res = await appFor(reader, s).request('/api/datasets');
        const body = (await res.json()) as { datasets: { name: string; marking: string }[] };
        expect(body.datasets.map((d) => [d.name, d.marking])).toEqual([
          ['mixed', mixed],
          ['plain', 'OFFICIAL'],
        ]);
      }
    } finally {
      await s.close();
    }
  });

  it('answers from cache per reader until the store changes', async () => {
    const s = new SqliteStore({ path: ':memory:' });
    try {
      await s.migrate();
      await load(s);
      const stats = vi.spyOn(s, 'stats');
      const app = appFor(official, s);
      const read = async (path: string) =>
        (await (await app.request(path)).json()) as Record<string, unknown>;
      const first = await read('/api/stats');
      await read('/api/datasets');
      expect(await read('/api/stats')).toEqual(first);
      // One count for this reader, then answers from cache (an OFFICIAL reader without caveats needs no probes).
      expect(stats).toHaveBeenCalledTimes(1);

      // Another reader on the same server: its own answer, not the first reader's.
      const secretApp = createApp({
        store: s,
        contextFor: (_req, requestId) => ({ ...operator, requestId }),
      });
      const secretStats = (await (await secretApp.request('/api/stats')).json()) as { datasets: object };
      expect(Object.keys(secretStats.datasets)).toContain('hidden');

      await s.putStatements(operator, {
        dataset: 'case',
        records: [rec('new1', 'Person', { name: ['Fresh Face'] }, 'case')],
      });
      const after = (await read('/api/stats')) as { datasets: Record<string, { entities: number }> };
      expect(after.datasets.case?.entities).toBe(7);
      const listed = (await read('/api/datasets')) as { datasets: { name: string; entities: number }[] };
      expect(listed.datasets.find((d) => d.name === 'case')?.entities).toBe(7);
      // A SECRET write changes nothing this reader sees, but the answer is counted again, and still right.
      await s.putStatements(operator, {
        dataset: 'case',
        records: [rec('new2', 'Person', { name: ['Hidden Face'] }, 'case', 'SECRET')],
      });
      expect(((await read('/api/stats')) as typeof after).datasets.case?.entities).toBe(7);
      // A title needs no new statement to show.
      await s.upsertDataset(operator, { name: 'case', title: 'Case OSPREY', fictional: true });
      const renamed = (await read('/api/datasets')) as { datasets: { name: string; title: string }[] };
      expect(renamed.datasets.find((d) => d.name === 'case')?.title).toBe('Case OSPREY');
    } finally {
      await s.close();
    }
  });

  it('counts only what the reader may see', async () => {
    const r = await get('/api/stats');
    expect(r.status).toBe(200);
    expect(r.body).toEqual(await store.stats(official));
    expect(Object.keys(r.body.datasets as object)).toEqual(['case', 'lists']);
    expect((r.body.entities as Record<string, number>).UnknownLink).toBeUndefined();
  });
});

describe('GET /api/entities/{id}', () => {
  it('answers the entity with the provenance of every value, references and sanctions', async () => {
    const r = await get('/api/entities/p1');
    expect(r.status).toBe(200);
    const e = r.body as unknown as EntityAnswer;
    expect(e).toMatchObject({ id: 'p1', schema: 'Person', caption: 'Ruslan Belov', referents: [] });
    expect(e.marking).toBe('OFFICIAL');
    expect(e.datasets).toEqual(['case']);
    expect(e.properties.name).toEqual([
      {
        value: 'Ruslan Belov',
        dataset: 'case',
        origin: expect.stringMatching(/^case\.jsonl:\d+$/),
        first_seen: '2026-01-01T00:00:00',
        last_seen: '2026-01-01T00:00:00',
        marking: 'OFFICIAL',
        grading: '2BP',
        statement_id: expect.stringMatching(/^[0-9a-f]{40}$/),
      },
    ]);
    expect(e.properties.id).toBeUndefined();
    expect(e.references).toEqual([
      { id: 'o1', schema: 'Ownership', prop: 'owner', caption: expect.any(String) },
      { id: 's1', schema: 'Sanction', prop: 'entity', caption: expect.any(String) },
    ]);
    expect(e.references_total).toBe(2);
    expect(e.sanctions).toEqual([
      {
        id: 's1',
        caption: expect.any(String),
        program: ['RUSSIA-EO14024'],
        authority: ['OFAC'],
        listing_date: '2022-04-06',
        end_date: null,
        reason: ['Oligarch'],
        datasets: ['case'],
      },
    ]);
    expect(r.text).not.toMatch(/Canaryalias|h-link|Hiddenova|hidden/);
  });

  it('marks the answer with the highest marking inside it', async () => {
    const e = (await get('/api/entities/p1', operator)).body as unknown as EntityAnswer;
    expect(e.marking).toBe('SECRET');
    expect(e.properties.alias?.[0]).toMatchObject({ value: 'Canaryalias Belov', marking: 'SECRET' });
    expect(e.references.map((x) => x.id)).toEqual(['h-link', 'o1', 's1']);
    // An OFFICIAL entity referenced only by a SECRET link is SECRET as an answer for those who may see the link.
    const h = (await get('/api/entities/c1', operator)).body as unknown as EntityAnswer;
    expect(h.references.map((x) => x.id)).toEqual(['o1']);
    expect(h.marking).toBe('OFFICIAL');
  });

  it('answers a missing and an invisible entity identically with 404', async () => {
    const missing = await get('/api/entities/nobody');
    const hidden = await get('/api/entities/h1');
    expect(missing.status).toBe(404);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
    expect(hidden.body).toEqual({ status: 404, detail: 'entity not found' });
    expect((await get('/api/entities/h1', operator)).status).toBe(200);
  });

  it('finds a merged entity by its canonical id or any record, and refuses contradicting judgements (409)', async () => {
    const s = new SqliteStore({ path: ':memory:' });
    await s.migrate();
    await load(s);
    const app = appFor(official, s);
    const judge = (judgement: string) =>
      app.request('/api/xref/judge', {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ a: 'm1', b: 'm2', judgement, reason: 'same person' }),
      });
    const merged = await judge('match');
    expect(merged.status).toBe(200);
    const result = (await merged.json()) as { canonical: string };
    expect(result).toMatchObject({
      a: 'm1',
      b: 'm2',
      judgement: 'match',
      canonical: expect.stringMatching(/^NX-/),
    });
    for (const id of ['m1', 'm2', result.canonical]) {
      const res = await app.request(`/api/entities/${id}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: result.canonical, referents: ['m1', 'm2'] });
    }
    const conflict = await judge('no-match');
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toEqual({ status: 409, detail: expect.stringContaining('unmerge') });
    await s.close();
  });

  it.each([
    ['a quote', "/api/entities/a'b"],
    ['an encoded quote and SQL', '/api/entities/x%22%3B%20DROP%20TABLE%20statements%3B--'],
    ['an encoded ../', '/api/entities/..%2F..%2Fetc%2Fpasswd'],
    ['NUL', '/api/entities/p1%00'],
    ['over 200 characters', `/api/entities/${'a'.repeat(201)}`],
    ['a quote (match)', "/api/entities/a'b/match"],
  ])('refuses an id with %s with 400 and never echoes it', async (_what, path) => {
    const r = await get(path);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ status: 400, detail: expect.any(String) });
    expect(r.text).not.toMatch(/DROP|passwd|aaaaaaaaaa/);
  });
});

describe('GET /api/search', () => {
  it('answers hits, total, facets and marking; values of a filter are alternatives, filters combine', async () => {
    const r = await get('/api/search?q=belov');
    expect(r.status).toBe(200);
    const body = r.body as {
      total: number;
      limit: number;
      offset: number;
      marking: string;
      hits: { id: string; highlight: { text: string; match: boolean }[] }[];
      facets: Record<string, { value: string; count: number }[]>;
    };
    expect(body.total).toBe(2);
    expect(body.limit).toBe(20);
    expect(body.offset).toBe(0);
    expect(body.marking).toBe('OFFICIAL');
    expect(body.hits.map((h) => h.id).sort()).toEqual(['l1', 'p1']);
    expect(body.hits.find((h) => h.id === 'p1')?.highlight).toEqual([
      { text: 'Ruslan ', match: false },
      { text: 'Belov', match: true },
    ]);
    expect(body.facets).toEqual({
      schema: [{ value: 'Person', count: 2 }],
      topics: [{ value: 'sanction', count: 2 }],
      countries: [{ value: 'ru', count: 2 }],
      datasets: [
        { value: 'case', count: 1 },
        { value: 'lists', count: 1 },
      ],
    });
    const ids = async (path: string) =>
      ((await get(path)).body.hits as { id: string }[]).map((h) => h.id).sort();
    expect(await ids('/api/search?topic=sanction&country=RU&dataset=lists')).toEqual(['l1']);
    expect(await ids('/api/search?dataset=lists&dataset=case&schema=Company')).toEqual(['c1']);
    expect(await ids('/api/search?dataset=lists,case&q=belov')).toEqual(['l1', 'p1']);
    expect(await ids('/api/search?q=belov&limit=1&offset=1')).toHaveLength(1);
    // Unknown parameters are ignored.
    expect((await get('/api/search?q=belov&fuzzy=true&cutoff=1')).status).toBe(200);
  });

  it('leaves SECRET entities and facts out of hits and counts for an OFFICIAL reader', async () => {
    const hidden = await get('/api/search?q=hiddenova');
    expect(hidden.body).toMatchObject({ total: 0, hits: [] });
    expect((await get('/api/search?q=canaryalias')).body.total).toBe(0);
    const browse = await get('/api/search?limit=100');
    expect(browse.status).toBe(200);
    expect(browse.text).not.toMatch(/Hiddenova|h-link|hidden|role\.spy|"kp"|Canary/);
    expect(browse.body.total).toBe(7);
    const cleared = await get('/api/search?limit=100', operator);
    expect(cleared.body.total).toBe(9);
    expect(cleared.body.marking).toBe('SECRET');
    expect(cleared.text).toContain('role.spy');
  });

  it.each([
    ['a limit over 100', '/api/search?q=a&limit=1000', 'limit'],
    ['a limit of 0', '/api/search?limit=0', 'limit'],
    ['a huge offset', '/api/search?offset=99999999999', 'offset'],
    ['a negative offset', '/api/search?offset=-1', 'offset'],
    ['a limit that is not a number', '/api/search?limit=ten', 'limit'],
    ['an unknown schema', '/api/search?schema=Dragon', 'schema'],
    ['a q over 200 characters', `/api/search?q=${'x'.repeat(201)}`, 'q'],
    [
      'too many datasets',
      `/api/search?dataset=${Array.from({ length: 51 }, (_, i) => `d${i}`).join(',')}`,
      'dataset',
    ],
  ])('refuses %s with a 400 naming the parameter', async (_what, path, name) => {
    const r = await get(path);
    expect(r.status).toBe(400);
    expect(String(r.body.detail)).toContain(name);
  });
});

describe('the review queue: GET /api/xref/next and POST /api/xref/judge', () => {
  it('answers 204 when there is nothing to review', async () => {
    const empty = new SqliteStore({ path: ':memory:' });
    await empty.migrate();
    const res = await appFor(official, empty).request('/api/xref/next');
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(res.headers.get('x-request-id')).toBe('req-1');
    await empty.close();
  });

  it('offers the best suggestion side by side, takes a judgement, then offers nothing', async () => {
    const s = new SqliteStore({ path: ':memory:' });
    await s.migrate();
    await load(s);
    await s.putSuggestions(operator, [
      { a: 'p1', b: 'l1', score: 0.91, explanation: 'CANARYALIAS aligned 3/3' },
      { a: 'p1', b: 'h1', score: 0.95, explanation: 'CANARYSUGGESTION' },
      { a: 'm1', b: 'm2', score: 0.9, explanation: 'names aligned 2/2' },
    ]);
    const app = appFor(official, s);
    const res = await app.request('/api/xref/next');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('CANARY');
    const next = JSON.parse(text) as { records: EntityAnswer[] } & Record<string, unknown>;
    // p1 holds a SECRET alias, so a suggestion scored on it (p1-l1) is not offered to an OFFICIAL reader (R8).
    expect(next).toMatchObject({ a: 'm1', b: 'm2', score: 0.9, explanation: 'names aligned 2/2', skip: 0 });
    expect(next.marking).toBe('OFFICIAL');
    expect(next.records.map((r) => r.id)).toEqual(['m1', 'm2']);
    expect((await appFor(localOperator('op', 'test'), s).request('/api/xref/next?skip=1')).status).toBe(200);
    expect((await app.request('/api/xref/next?skip=1')).status).toBe(204);
    const judged = await app.request('/api/xref/judge', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ a: next.a, b: next.b, judgement: 'no-match', reason: 'different fathers' }),
    });
    expect(judged.status).toBe(200);
    expect(await judged.json()).toEqual({ a: 'm1', b: 'm2', judgement: 'no-match', canonical: null });
    const after = await app.request('/api/xref/next');
    expect(after.status).toBe(204);
    expect((await s.judgements(operator, 'm1'))[0]).toMatchObject({
      user: 'analyst',
      reason: 'different fathers',
    });
    await s.close();
  });

  it.each([
    ['an unknown field', { a: 'p1', b: 'l1', judgement: 'unsure', admin: true }, 'admin'],
    ['a bad judgement', { a: 'p1', b: 'l1', judgement: 'maybe' }, 'judgement'],
    ['a missing id', { a: 'p1', judgement: 'unsure' }, 'b'],
    ['an id with a quote', { a: "p1'--", b: 'l1', judgement: 'unsure' }, 'a'],
    ['an id with ../', { a: '../p1', b: 'l1', judgement: 'unsure' }, 'a'],
    ['a reason that is not text', { a: 'p1', b: 'l1', judgement: 'unsure', reason: 5 }, 'reason'],
    ['an array', [], 'body'],
  ])('refuses %s with 400', async (_what, body, name) => {
    const r = await post('/api/xref/judge', body);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ status: 400, detail: expect.stringContaining(name) });
  });

  it('refuses bodies that are not JSON, too large, and other methods', async () => {
    expect((await post('/api/xref/judge', '{"a":', JSON_HEADERS)).status).toBe(400);
    expect((await post('/api/xref/judge', { a: 'p1', b: 'l1', judgement: 'unsure' }, {})).status).toBe(400);
    const big = await post('/api/xref/judge', {
      a: 'p1',
      b: 'l1',
      judgement: 'unsure',
      reason: 'x'.repeat(20_000),
    });
    expect(big.status).toBe(413);
    expect(big.body).toEqual({ status: 413, detail: expect.any(String) });
    const declared = await appFor().request('/api/xref/judge', {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'content-length': String(50 * 1024 * 1024) },
      body: '{}',
    });
    expect(declared.status).toBe(413);
    const wrong = await appFor().request('/api/xref/judge');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });

  it('answers a judgement on an invisible record like one on a missing record (404)', async () => {
    const hidden = await post('/api/xref/judge', { a: 'p1', b: 'h1', judgement: 'unsure' });
    const missing = await post('/api/xref/judge', { a: 'p1', b: 'zz1', judgement: 'unsure' });
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(String(hidden.body.detail)).not.toContain('Hiddenova');
  });
});

describe('GET /api/entities/{id}/match', () => {
  it('screens the entity against the lists, leaving itself out', async () => {
    const r = await get('/api/entities/p1/match');
    expect(r.status).toBe(200);
    const body = r.body as {
      entity: { id: string };
      results: { id: string; score: number; match: boolean }[];
      marking: string;
      limit: number;
    };
    expect(body.entity).toEqual({ id: 'p1', schema: 'Person', caption: 'Ruslan Belov' });
    expect(body.results.map((x) => x.id)).toContain('l1');
    expect(body.results.map((x) => x.id)).not.toContain('p1');
    expect(body.results[0]).toMatchObject({ id: 'l1', match: true });
    expect(body.marking).toBe('OFFICIAL');
    expect(body.limit).toBe(5);
    expect(r.text).not.toMatch(/Hiddenova|Canary/);
    const listed = await get('/api/entities/p1/match?dataset=lists&threshold=0.5&limit=1');
    expect((listed.body.results as { id: string }[]).map((x) => x.id)).toEqual(['l1']);
  });

  it('answers 404 for an invisible entity or dataset, 400 for what cannot be screened or bad parameters', async () => {
    expect((await get('/api/entities/h1/match')).status).toBe(404);
    const hiddenSet = await get('/api/entities/p1/match?dataset=hidden');
    const noSet = await get('/api/entities/p1/match?dataset=nope');
    expect(hiddenSet.status).toBe(404);
    expect(hiddenSet.body).toEqual(noSet.body);
    expect((await get('/api/entities/o1/match')).status).toBe(400);
    expect((await get('/api/entities/p1/match?threshold=2')).status).toBe(400);
  });
});
