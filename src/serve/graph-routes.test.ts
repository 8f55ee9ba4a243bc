// The /graph API in-process: answers, markings, caps, access and parameter errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperator, makeContext } from '../access/index.js';
import { GraphService, louvain, pagerank, writeGEXF, writeGraphML } from '../graph/index.js';
import { ingest } from '../ingest/index.js';
import { SqliteStore } from '../store/index.js';
import { createApp } from './app.js';

const reader = makeContext({ user: 'svc-test', clearance: 'OFFICIAL', purpose: 'test' });
let store: SqliteStore;

beforeAll(async () => {
  store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
  const op = localOperator('tester', 'test setup');
  await ingest(op, store, {
    dataset: 'grove',
    format: 'adjacency',
    paths: ['test/fixtures/networks/grove.csv'],
  });
});

afterAll(async () => {
  await store.close();
});

function app(graph?: GraphService) {
  return createApp({ store, graph, contextFor: (_req, requestId) => ({ ...reader, requestId }) });
}

async function get(path: string, graph?: GraphService) {
  const res = await app(graph).request(path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & unknown[] };
}

describe('GET /graph/...', () => {
  it('ranks nodes and finds paths between them with evidence and a marking', async () => {
    const c = await get('/graph/centrality?metric=pagerank&limit=2');
    expect(c.status).toBe(200);
    const scores = c.body.scores as { id: string; caption: string; score: number }[];
    expect(scores).toHaveLength(2);
    expect(c.body.marking).toBe('OFFICIAL');
    const all = (await get('/graph/centrality?metric=degree')).body.scores as {
      id: string;
      caption: string;
    }[];
    const id = (caption: string) => all.find((s) => s.caption === caption)?.id as string;
    const p = await get(`/graph/paths?from=${id('Ash')}&to=${id('Damson')}&k=2`);
    expect(p.status).toBe(200);
    const paths = p.body.paths as { hops: { kind: string; evidence: { statements: string[] } }[] }[];
    expect(paths).toHaveLength(2);
    expect(paths[0]?.hops[0]?.kind).toBe('Associate');
    expect(paths[0]?.hops[0]?.evidence.statements.length).toBeGreaterThan(0);
    const ego = await get(`/graph/expand?id=${id('Ash')}&depth=1`);
    expect((ego.body.nodes as unknown[]).length).toBe(3);
  });

  it('answers communities, campaigns, exposure from chosen seeds, and exports', async () => {
    const cm = await get('/graph/communities');
    expect(typeof cm.body.modularity).toBe('number');
    expect((await get('/graph/campaigns')).body.campaigns).toEqual([]);
    const all = (await get('/graph/centrality?metric=degree')).body.scores as {
      id: string;
      caption: string;
    }[];
    const ash = all.find((s) => s.caption === 'Ash')?.id as string;
    const x = await get(`/graph/exposure?from=${ash}`);
    expect(x.status).toBe(200);
    expect((x.body.entities as { id: string; seed: boolean }[]).find((e) => e.id === ash)?.seed).toBe(true);
    const res = await app().request('/graph/export?format=gexf');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-nexus-marking')).toBe('OFFICIAL');
    expect(await res.text()).toContain('<gexf');
  });

  it('refuses bad parameters and unknown entities with clear errors', async () => {
    expect((await get('/graph/centrality?metric=fame')).status).toBe(400);
    expect((await get('/graph/paths?from=a')).status).toBe(400);
    expect((await get('/graph/paths?from=a&to=b&k=0')).status).toBe(400);
    expect((await get('/graph/expand?id=x&depth=99')).status).toBe(400);
    const missing = await get('/graph/paths?from=nobody&to=nobody-else');
    expect(missing.status).toBe(404);
    expect(String(missing.body.detail)).toContain('nobody');
    expect((await get('/graph/exposure?state=xx')).status).toBe(400);
  });

  it('turns away a caller already running the most graph operations allowed (429)', async () => {
    const graph = new GraphService(store);
    let release: () => void = () => {};
    const held = new Promise<void>((ok) => {
      release = ok;
    });
    const busy = [graph.run(reader, () => held), graph.run(reader, () => held)];
    const refused = await get('/graph/communities', graph);
    expect(refused.status).toBe(429);
    release();
    await Promise.all(busy);
    expect((await get('/graph/communities', graph)).status).toBe(200);
  });
});

/** The export as the route wrote it before it streamed: the whole document gathered into one string. */
async function wholeDocument(store: SqliteStore, format: 'graphml' | 'gexf'): Promise<string> {
  const p = await new GraphService(store).projection(reader);
  const chunks: string[] = [];
  const options = {
    nodeScores: { pagerank: pagerank(p.graph), community: louvain(p.graph).membership },
    marking: p.marking,
  };
  (format === 'graphml' ? writeGraphML : writeGEXF)(p.graph, p.nodes, (s) => chunks.push(s), options);
  return chunks.join('');
}

/** Throws on anything that is not well-formed XML; answers the number of elements. */
function wellFormed(xml: string): number {
  const parser = new SaxesParser({ xmlns: true });
  let elements = 0;
  parser.on('error', (err) => {
    throw err;
  });
  parser.on('opentag', () => {
    elements++;
  });
  parser.write(xml).close();
  return elements;
}

/** The body read piece by piece, as a client on a socket would get it. */
async function pieces(res: Response): Promise<string[]> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const out: string[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(decoder.decode(value, { stream: true }));
  }
}

// GEXF dates its file; two writes a midnight apart may differ there and nowhere else.
const undated = (xml: string) => xml.replace(/lastmodifieddate="[^"]*"/, '');

describe('GET /graph/export', () => {
  it('streams exactly the document the writer makes, well-formed, for a small graph', async () => {
    for (const format of ['graphml', 'gexf'] as const) {
      const res = await app().request(`/graph/export?format=${format}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-nexus-marking')).toBe('OFFICIAL');
      const text = (await pieces(res)).join('');
      expect(undated(text)).toBe(undated(await wholeDocument(store, format)));
      expect(wellFormed(text)).toBeGreaterThan(10);
    }
  });

  it('writes a large graph in pieces', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-export-'));
    const big = new SqliteStore({ path: ':memory:' });
    try {
      await big.migrate();
      const ties = Array.from({ length: 1000 }, (_, i) => `person-${i},person-${(i * 7 + 1) % 1000},1`);
      writeFileSync(join(dir, 'ring.csv'), `source,target,weight\n${ties.join('\n')}\n`);
      await ingest(localOperator('tester', 'test setup'), big, {
        dataset: 'ring',
        format: 'edgelist',
        paths: [join(dir, 'ring.csv')],
      });
      const bigApp = createApp({ store: big, contextFor: (_req, requestId) => ({ ...reader, requestId }) });
      const res = await bigApp.request('/graph/export?format=graphml');
      expect(res.status).toBe(200);
      const parts = await pieces(res);
      expect(parts.length).toBeGreaterThan(3);
      const text = parts.join('');
      expect(text).toBe(await wholeDocument(big, 'graphml'));
      expect(wellFormed(text)).toBeGreaterThan(1000);
    } finally {
      await big.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers a refused export as an error, not as a broken document', async () => {
    const res = await app().request('/graph/export?format=pdf');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/json/);
  });
});
