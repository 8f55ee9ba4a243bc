// The HTTP app in-process (no sockets): the yente /match shape, limits, the error map and injection-safe logs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperator, makeContext } from '../access/index.js';
import { ingest } from '../ingest/index.js';
import { type MatchResponse, updateMatchIndex } from '../resolve/index.js';
import { SqliteStore, type Store } from '../store/index.js';
import { createApp, formatLogLine } from './app.js';

const FIXTURE = 'test/fixtures/ftm/case.ftm.jsonl';
const SECRET_NAME = 'Vasilisa Kestrelova Hiddenova';
const reader = makeContext({ user: 'svc-test', clearance: 'OFFICIAL-SENSITIVE', purpose: 'test' });

let store: SqliteStore;

beforeAll(async () => {
  store = new SqliteStore({ path: ':memory:' });
  const m = await store.migrate();
  if (m.error) throw m.error;
  const op = localOperator('tester', 'test setup');
  await ingest(op, store, {
    dataset: 'case',
    format: 'ftm',
    paths: [FIXTURE],
    marking: 'OFFICIAL-SENSITIVE',
  });
  const dir = mkdtempSync(join(tmpdir(), 'nexus-serve-'));
  const secret = join(dir, 'secret.ftm.jsonl');
  writeFileSync(
    secret,
    `${JSON.stringify({ id: 'hidden-p1', schema: 'Person', properties: { name: [SECRET_NAME] } })}\n`,
  );
  await ingest(op, store, { dataset: 'hidden', format: 'ftm', paths: [secret], marking: 'SECRET' });
  await updateMatchIndex(op, store);
});

afterAll(async () => {
  await store.close();
});

function setup(s: Store = store) {
  const lines: object[] = [];
  let n = 0;
  const app = createApp({
    store: s,
    contextFor: (_req, requestId) => ({ ...reader, requestId }),
    requestId: () => `req-${++n}`,
    clock: () => new Date('2026-01-01T00:00:00Z'),
    log: (line) => lines.push(line),
    maxBodyBytes: 64 * 1024,
  });
  return { app, lines };
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function person(name: string) {
  return { schema: 'Person', properties: { name: [name] } };
}

describe('POST /match/:dataset', () => {
  it('answers a yente-shaped request with the known entity, in the yente response shape', async () => {
    const { app } = setup();
    const res = await app.request('/match/default?threshold=0.5&limit=3', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ queries: { q1: person('Ruslan Tamirovich Belov') } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-1');
    const body = (await res.json()) as MatchResponse;
    expect(Object.keys(body).sort()).toEqual(['limit', 'matcher', 'responses']);
    expect(body.limit).toBe(3);
    const q1 = body.responses.q1;
    expect(q1?.status).toBe(200);
    expect(q1?.query).toMatchObject({ schema: 'Person' });
    expect(q1).toBeDefined();
    const hit = q1?.results.find((r) => r.id === 'case-p1');
    expect(hit).toMatchObject({ schema: 'Person', datasets: ['case'], match: true });
    expect(typeof hit?.score).toBe('number');
    expect(typeof hit?.features).toBe('object');
  });

  it('clamps a limit above 10 to 10, as yente does', async () => {
    const { app } = setup();
    const res = await app.request('/match/case?limit=50', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ queries: { q: person('Ruslan Belov') } }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as MatchResponse).limit).toBe(10);
  });

  it('scores only what the service account may see', async () => {
    const ask = (app: ReturnType<typeof setup>['app']) =>
      app.request('/match/default?threshold=0', {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ queries: { q: person(SECRET_NAME) } }),
      });
    const cleared = createApp({
      store,
      contextFor: (_req, requestId) => ({ ...localOperator('op', 'test'), requestId }),
    });
    const seen = (await (await ask(cleared)).json()) as MatchResponse;
    expect(seen.responses.q?.results.map((r) => r.id)).toContain('hidden-p1');
    const res = await ask(setup().app);
    expect(res.status).toBe(200);
    const unseen = (await res.json()) as MatchResponse;
    expect(unseen.responses.q?.results).toEqual([]);
    expect(JSON.stringify(unseen.responses.q?.results)).not.toContain('hidden');
  });

  it.each([
    ['more than 100 queries', '/match/default', JSON_HEADERS, manyQueries(101)],
    ['invalid JSON', '/match/default', JSON_HEADERS, '{"queries": {'],
    ['a non-JSON content type', '/match/default', { 'content-type': 'text/plain' }, '{"queries": {}}'],
    ['no content type', '/match/default', {}, '{"queries": {}}'],
    ['a threshold above 1', '/match/default?threshold=1.5', JSON_HEADERS, '{"queries": {}}'],
    ['an empty threshold', '/match/default?threshold=', JSON_HEADERS, '{"queries": {}}'],
    ['a limit of 0', '/match/default?limit=0', JSON_HEADERS, '{"queries": {}}'],
    ['a bad changed_since', '/match/default?changed_since=yesterday', JSON_HEADERS, '{"queries": {}}'],
  ])('refuses %s with 400 {status, detail}', async (_what, path, headers, body) => {
    const { app } = setup();
    const res = await app.request(path, { method: 'POST', headers, body });
    expect(res.status).toBe(400);
    const answer = await res.json();
    expect(answer).toEqual({ status: 400, detail: expect.any(String) });
    expect(res.headers.get('x-request-id')).toMatch(/^req-/);
  });

  it('refuses an oversize body with 413, whether chunked or declared', async () => {
    const { app } = setup();
    const big = JSON.stringify({ queries: { q: person('x'.repeat(100 * 1024)) } });
    const chunks = [big.slice(0, 40_000), big.slice(40_000)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const chunked = await app.request('/match/default', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await chunked.json()).toEqual({ status: 413, detail: expect.any(String) });
    const declared = await app.request('/match/default', {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'content-length': String(10 * 1024 * 1024) },
      body: '{}',
    });
    expect(declared.status).toBe(413);
  });

  it('answers 404 for an unknown dataset, 405 for GET, 404 for an unknown route, in one shape', async () => {
    const { app } = setup();
    const unknown = await app.request('/match/no_such_list', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ queries: {} }),
    });
    expect(unknown.status).toBe(404);
    const unknownBody = await unknown.json();
    expect(unknownBody).toEqual({ status: 404, detail: expect.any(String) });
    const hostile = await app.request('/match/%27%3B%20drop%20table%20statements%3B--', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ queries: {} }),
    });
    expect(hostile.status).toBe(404);
    expect(await hostile.json()).toEqual(unknownBody);
    const get = await app.request('/match/default');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const nowhere = await app.request('/../etc/passwd');
    expect(nowhere.status).toBe(404);
    expect(await nowhere.json()).toEqual({ status: 404, detail: 'not found' });
  });
});

function manyQueries(n: number): string {
  const queries: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) queries[`q${i}`] = person(`Name ${i}`);
  return JSON.stringify({ queries });
}

describe('errors and logs', () => {
  it('turns an unexpected error into a bare 500 with a request id, and keeps serving (R18)', async () => {
    const canary = 'CANARY-5e1f SELECT * FROM statements /home/secret/nexus.db';
    const broken = Object.create(store) as Store;
    broken.datasets = async () => {
      throw new Error(canary);
    };
    const { app, lines } = setup(broken);
    const res = await app.request('/match/case', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ queries: { q: person('Ruslan Belov') } }),
    });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('CANARY');
    expect(text).not.toContain('SELECT');
    expect(text).not.toContain('/home');
    expect(JSON.parse(text)).toEqual({ status: 500, detail: 'internal error', request_id: 'req-1' });
    expect(res.headers.get('x-request-id')).toBe('req-1');
    expect(lines.some((l) => JSON.stringify(l).includes('CANARY'))).toBe(true);
    expect((await app.request('/health')).status).toBe(200);
  });

  it('reports ok on /health, and 503 degraded when the store has stopped writing', async () => {
    const { app } = setup();
    const ok = await app.request('/health');
    expect(await ok.json()).toEqual({ status: 'ok' });
    const failing = Object.create(store) as Store;
    Object.defineProperty(failing, 'health', { value: { ok: false, reason: 'SQLITE_IOERR at /data' } });
    const degraded = await setup(failing).app.request('/health');
    expect(degraded.status).toBe(503);
    expect(await degraded.json()).toEqual({ status: 'degraded' });
  });

  it('writes one parseable JSON line per request whatever the path and headers hold, never the body (R19)', async () => {
    const { app, lines } = setup();
    await app.request('/match/x%0D%0A%7B%22status%22%3A200%7D%E2%80%A8?limit=1', {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'user-agent': '\u001b[31mred\u001b[0m evil\t' },
      body: JSON.stringify({ queries: { q: person('BODYCANARY Person') } }),
    });
    // The fetch Headers class refuses CR/LF, but another adapter or a lenient proxy might not: forge one.
    const forged = new Request('http://localhost/health');
    const real = forged.headers;
    Object.defineProperty(forged, 'headers', {
      value: new Proxy(real, {
        get: (target, prop) =>
          prop === 'get'
            ? (name: string) =>
                name === 'user-agent' ? 'x\r\n{"status":200,"forged":true}\r\n' : target.get(name)
            : Reflect.get(target, prop, target),
      }),
    });
    await app.request(forged);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const text = formatLogLine(line);
      // No raw control characters (CR, LF, ESC, ...) nor the Unicode line separators survive serialisation.
      expect([...text].filter((ch) => ch < ' ' || ch === '\u2028' || ch === '\u2029')).toEqual([]);
      const parsed = JSON.parse(text);
      expect(Object.keys(parsed)).toEqual(
        expect.arrayContaining(['time', 'request_id', 'method', 'path', 'status', 'ms']),
      );
      expect(parsed).not.toHaveProperty('forged');
      expect(text).not.toContain('BODYCANARY');
    }
    const first = JSON.parse(formatLogLine(lines[0] as object));
    expect(first.status).toBe(404);
    expect(first.path).toMatch(/^\/match\/x\r\n\{"status"[^\r\n]*\u2028$/);
    expect(JSON.parse(formatLogLine(lines[1] as object)).user_agent).toContain('\r\n');
  });
});
