// The `grading` query parameter in-process: it narrows every authenticated read (entity pages, search, stats, the
// graph, screening) to statements so graded, a bad one is a 400, and the --no-auth service account honours it too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperator, makeContext, parseGradingFilter, withGrading } from '../access/index.js';
import { DUMMY_HASH, hashToken, newToken } from '../access/passwords.js';
import { newEntity } from '../ingest/reader.js';
import { validateRecord } from '../ingest/validate.js';
import { updateMatchIndex } from '../resolve/index.js';
import { type RecordStatements, SqliteStore } from '../store/index.js';
import { createApp } from './app.js';
import { requestGrading, serviceAccount } from './grading-param.js';

const operator = localOperator('tester', 'test setup');
let store: SqliteStore;
let bearer: Record<string, string>;
let line = 0;

function rec(id: string, schema: string, props: Record<string, string[]>, grading: string | null) {
  const e = newEntity(id, schema);
  for (const [k, v] of Object.entries(props)) e.properties.set(k, v);
  const v = validateRecord(
    { kind: 'record', origin: { file: 'graded.jsonl', line: ++line }, entities: [e] },
    { dataset: 'graded', marking: 'OFFICIAL', grading, now: '2026-01-01T00:00:00' },
  );
  if (v.rejects.length) throw new Error(JSON.stringify(v.rejects));
  return { groups: v.groups } satisfies RecordStatements;
}

beforeAll(async () => {
  store = new SqliteStore({ path: ':memory:' });
  const m = await store.migrate();
  if (m.error) throw m.error;
  await store.upsertDataset(operator, { name: 'graded', title: 'Graded', fictional: false });
  await store.putStatements(operator, {
    dataset: 'graded',
    records: [
      rec('g-a', 'Person', { name: ['Alpha Graded'], nationality: ['ru'] }, '1AP'),
      rec('g-a', 'Person', { alias: ['Alpha Otherwise'] }, '2CP'),
      rec('g-b', 'Person', { name: ['Bravo Graded'] }, '2BP'),
      rec('g-c', 'Person', { name: ['Charlie Graded'] }, '3CP'),
      rec('g-u', 'Person', { name: ['Ungraded Person'] }, null),
      rec('g-ab', 'UnknownLink', { subject: ['g-a'], object: ['g-b'] }, '2AP'),
      rec('g-ac', 'UnknownLink', { subject: ['g-a'], object: ['g-c'] }, '3DP'),
    ],
  });
  // Built through a filtered context on purpose: the index must still hold every record's keys (the screening test
  // below finds a record this filter leaves out).
  await updateMatchIndex(withGrading(operator, parseGradingFilter('A')), store);
  await store.putUser(operator, {
    name: 'alice',
    role: 'analyst',
    clearance: 'OFFICIAL',
    passwordHash: DUMMY_HASH,
  });
  const token = newToken();
  await store.createSession(operator, {
    user: 'alice',
    tokenHash: hashToken(token),
    kind: 'token',
    expiresAt: null,
  });
  bearer = { authorization: `Bearer ${token}` };
});

afterAll(async () => {
  await store.close();
});

type Provenance = { value: string; grading: string | null };
type EntityJson = { properties: Record<string, Provenance[]> };

describe('?grading= on the authenticated API', () => {
  const app = () => createApp({ store, auth: {}, web: false, uploads: false });

  it('narrows /api/entities/{id} to the statements so graded', async () => {
    const a = app();
    const wide = (await (await a.request('/api/entities/g-a', { headers: bearer })).json()) as EntityJson;
    expect(Object.keys(wide.properties).sort()).toEqual(['alias', 'name', 'nationality']);
    const res = await a.request('/api/entities/g-a?grading=AB', { headers: bearer });
    expect(res.status).toBe(200);
    const narrow = (await res.json()) as EntityJson;
    expect(Object.keys(narrow.properties).sort()).toEqual(['name', 'nationality']);
    for (const values of Object.values(narrow.properties))
      for (const v of values) expect(v.grading).toMatch(/^[123][AB][PC]$/);
    expect(narrow.properties.name?.map((v) => v.value)).toEqual(['Alpha Graded']);
    // An entity with nothing that passes does not exist for this request.
    expect((await a.request('/api/entities/g-c?grading=AB', { headers: bearer })).status).toBe(404);
    expect((await a.request('/api/entities/g-u?grading=AB', { headers: bearer })).status).toBe(404);
    expect((await a.request('/api/entities/g-u?grading=AB%2Bungraded', { headers: bearer })).status).toBe(
      200,
    );
    // Blank is no filter.
    expect((await a.request('/api/entities/g-c?grading=', { headers: bearer })).status).toBe(200);
  });

  it('answers 400 to a grading filter that is not one, naming it', async () => {
    const a = app();
    const res = await a.request('/api/entities/g-a?grading=ZZ', { headers: bearer });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { status: number; detail: string };
    expect(body.status).toBe(400);
    expect(body.detail).toContain('"ZZ"');
    for (const url of ['/api/stats?grading=2BP', '/api/search?grading=A1', '/graph/campaigns?grading=F'])
      expect((await a.request(url, { headers: bearer })).status, url).toBe(400);
    expect((await a.request('/api/stats?grading=A&grading=B', { headers: bearer })).status).toBe(400);
    // Without credentials the answer stays 401: nothing is parsed for a caller who is not signed in.
    expect((await a.request('/api/stats?grading=ZZ')).status).toBe(401);
  });

  it('narrows search, its facets and the counts', async () => {
    const a = app();
    const get = async (url: string) => (await a.request(url, { headers: bearer })).json() as Promise<never>;
    const wide: { total: number; facets: { countries: unknown[] } } = await get('/api/search?q=graded');
    const narrow: { total: number; hits: { id: string }[] } = await get('/api/search?q=graded&grading=AB');
    expect(wide.total).toBe(3);
    expect(narrow.total).toBe(2);
    expect(narrow.hits.map((h) => h.id).sort()).toEqual(['g-a', 'g-b']);
    const one: { facets: { countries: unknown[] } } = await get('/api/search?q=graded&grading=1');
    expect(one.facets.countries).toEqual([{ value: 'ru', count: 1 }]);
    const stats: { statements: number } = await get('/api/stats?grading=3');
    expect(stats.statements).toBe(5);
    const datasets: { datasets: { statements: number }[] } = await get('/api/datasets?grading=ungraded');
    expect(datasets.datasets.map((d) => d.statements)).toEqual([2]);
  });

  it('gives the graph only the ties so graded, cached apart from the unfiltered projection', async () => {
    const a = app();
    const nodes = async (url: string) => {
      const res = await a.request(url, { headers: bearer });
      expect(res.status, url).toBe(200);
      return ((await res.json()) as { nodes: { id: string }[] }).nodes.map((n) => n.id).sort();
    };
    expect(await nodes('/graph/expand?id=g-a')).toEqual(['g-a', 'g-b', 'g-c']);
    expect(await nodes('/graph/expand?id=g-a&grading=12')).toEqual(['g-a', 'g-b']);
    expect(await nodes('/graph/expand?id=g-a&grading=A')).toEqual(['g-a']);
    expect(await nodes('/graph/expand?id=g-a')).toEqual(['g-a', 'g-b', 'g-c']);
  });

  it('narrows screening (POST /match) too, but leaves POST /api/ingest its own grading code', async () => {
    const a = app();
    const match = async (query: string) => {
      const res = await a.request(`/match/default${query}`, {
        method: 'POST',
        headers: { ...bearer, 'content-type': 'application/json' },
        body: JSON.stringify({
          queries: { q: { schema: 'Person', properties: { name: ['Charlie Graded'] } } },
        }),
      });
      expect(res.status, query).toBe(200);
      const body = (await res.json()) as { responses: { q: { results: { id: string }[] } } };
      return body.responses.q.results.map((r) => r.id);
    };
    expect(await match('')).toContain('g-c');
    expect(await match('?grading=AB')).not.toContain('g-c');
    const upload = new Request('http://localhost/api/ingest?dataset=x&grading=2BP', { method: 'POST' });
    expect(requestGrading(upload)).toBeUndefined();
    expect(requestGrading(new Request('http://localhost/api/stats?grading=ab'))).toEqual(
      parseGradingFilter('AB'),
    );
  });
});

describe('?grading= with nexus serve --no-auth', () => {
  it('puts the request filter on top of the service account, which may carry one of its own', async () => {
    const base = makeContext({ user: 'svc', clearance: 'OFFICIAL', purpose: 'test' });
    const account = withGrading(base, parseGradingFilter('AB+ungraded'));
    const app = createApp({ store, contextFor: serviceAccount(account), web: false, uploads: false });
    const props = async (url: string) => {
      const res = await app.request(url);
      return res.status === 200
        ? Object.keys(((await res.json()) as EntityJson).properties).sort()
        : res.status;
    };
    expect(await props('/api/entities/g-a')).toEqual(['name', 'nationality']);
    expect(await props('/api/entities/g-u')).toEqual(['name']);
    expect(await props('/api/entities/g-u?grading=1')).toBe(404);
    expect(await props('/api/entities/g-b?grading=1')).toBe(404);
    expect(await props('/api/entities/g-b?grading=2')).toEqual(['name']);
    expect(await props('/api/entities/g-c?grading=C')).toBe(404);
    expect(await props('/api/entities/g-a?grading=ZZ')).toBe(400);
  });
});
