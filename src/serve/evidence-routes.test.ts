// The evidence routes in-process: document text search with snippets and the documents mentioning an entity, with
// SECRET documents nowhere for an OFFICIAL reader and a hidden entity answering like a missing one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessContext, localOperator, makeContext } from '../access/index.js';
import { newEntity } from '../ingest/reader.js';
import { validateRecord } from '../ingest/validate.js';
import { SqliteStore } from '../store/index.js';
import { createApp } from './app.js';

const official = makeContext({ user: 'analyst', clearance: 'OFFICIAL', purpose: 'test' });
const operator = localOperator('tester', 'test setup');
let store: SqliteStore;

async function put(marking: string, entities: [string, string, Record<string, string[]>][]) {
  const records = entities.map(([id, schema, props]) => {
    const e = newEntity(id, schema);
    for (const [k, v] of Object.entries(props)) e.properties.set(k, v);
    return {
      groups: validateRecord(
        { kind: 'record', origin: { file: 'f' }, entities: [e] },
        { dataset: 'ev', marking, grading: null, now: '2026-01-01T00:00:00' },
      ).groups,
    };
  });
  await store.putStatements(operator, { dataset: 'ev', records });
}

function app(ctx: AccessContext) {
  return createApp({ store, contextFor: (_req, requestId) => ({ ...ctx, requestId }), web: false });
}

beforeAll(async () => {
  store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
  await put('OFFICIAL', [
    ['p1', 'Person', { name: ['Viktor Petrov'] }],
    ['d1', 'PlainText', { fileName: ['memo.txt'], bodyText: ['The memo says Viktor Petrov paid the crew.'] }],
    [
      'm1',
      'Mention',
      { document: ['d1'], resolved: ['p1'], name: ['Viktor Petrov'], textSpan: ['14-27'], matchScore: ['1'] },
    ],
  ]);
  await put('SECRET', [
    ['p2', 'Person', { name: ['Hidden Person'] }],
    ['d2', 'PlainText', { fileName: ['secret.txt'], bodyText: ['CANARY Viktor Petrov met Hidden Person.'] }],
    ['m2', 'Mention', { document: ['d2'], resolved: ['p1'], name: ['Viktor Petrov'], textSpan: ['7-20'] }],
  ]);
});

afterAll(async () => {
  await store.close();
});

describe('GET /api/documents/search', () => {
  it('finds document text with a snippet, and only what the reader may see', async () => {
    const res = await app(official).request('/api/documents/search?q=petrov');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      total: number;
      hits: { id: string; snippet: { text: string; match: boolean }[] }[];
    };
    expect(body.total).toBe(1);
    expect(body.hits[0]?.id).toBe('d1');
    expect(body.hits[0]?.snippet.filter((p) => p.match).map((p) => p.text)).toEqual(['Petrov']);
    expect(JSON.stringify(body)).not.toContain('CANARY');
    const all = (await (await app(operator).request('/api/documents/search?q=petrov')).json()) as {
      total: number;
      marking: string;
    };
    expect(all.total).toBe(2);
    expect(all.marking).toBe('SECRET');
  });

  it('refuses bad paging', async () => {
    expect((await app(official).request('/api/documents/search?q=x&limit=0')).status).toBe(400);
  });
});

describe('GET /api/entities/{id}/documents', () => {
  it('lists the documents mentioning the entity, with the snippet around each mention', async () => {
    const res = await app(official).request('/api/entities/p1/documents');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      total: number;
      marking: string;
      documents: {
        id: string;
        file_name: string;
        mentions: { name: string; spans: string[]; snippet: { text: string; match: boolean }[] }[];
      }[];
    };
    expect(body.total).toBe(1);
    expect(body.marking).toBe('OFFICIAL');
    expect(body.documents[0]?.file_name).toBe('memo.txt');
    expect(body.documents[0]?.mentions[0]?.spans).toEqual(['14-27']);
    expect(body.documents[0]?.mentions[0]?.snippet.find((p) => p.match)?.text).toBe('Viktor Petrov');
    expect(JSON.stringify(body)).not.toContain('CANARY');
  });

  it('answers a hidden entity exactly like a missing one', async () => {
    const hidden = await app(official).request('/api/entities/p2/documents');
    const missing = await app(official).request('/api/entities/nobody/documents');
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    const strip = (t: string) => t.replace(/"request_id":"[^"]*"/, '');
    expect(strip(await hidden.text())).toBe(strip(await missing.text()));
  });
});
