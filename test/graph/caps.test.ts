// SECURITY.md R20 on a large generated graph with a dense core: capped searches stop, say LIMIT_REACHED with the cap, and return
// what they found, instead of running on. NEXUS_CAPS_NODES sizes the graph (default 200,000 nodes, 5 edges each).
import { describe, expect, it } from 'vitest';
import {
  allPaths,
  Budget,
  betweenness,
  egoNetwork,
  GraphBuilder,
  timeOrderedPaths,
} from '../../src/graph/index.js';
import { Random } from '../../src/model/index.js';

const N = Number(process.env.NEXUS_CAPS_NODES ?? 200_000);
/** Far above any cap here: a search that ignored its cap would take minutes, not this. */
const GENEROUS_MS = 20_000;

function randomGraph(n: number, perNode: number) {
  const r = new Random(7);
  const b = new GraphBuilder();
  for (let i = 0; i < n; i++) b.node(`n${i}`);
  for (let i = 0; i < n * perNode; i++) {
    const day = 18_000 + r.int(0, 2000);
    b.edge(r.int(0, n - 1), r.int(0, n - 1), {
      kind: 'Payment',
      directed: true,
      date: new Date(day * 86_400_000).toISOString().slice(0, 10),
    });
  }
  // A dense core (a 40-clique, as a tight cell of phones calling each other): billions of simple paths.
  for (let i = 0; i < 40; i++)
    for (let j = i + 1; j < 40; j++) b.edge(i, j, { kind: 'Call', directed: false, date: '2025-01-01' });
  return b.build();
}

describe(`caps on a ${N}-node generated graph`, () => {
  const g = randomGraph(N, 5);

  function timed<T>(fn: () => T): { value: T; ms: number } {
    const t = performance.now();
    const value = fn();
    return { value, ms: performance.now() - t };
  }

  it('all paths: the time cap stops an explosive enumeration', () => {
    const { value, ms } = timed(() =>
      allPaths(g, 0, 1, 8, { limits: { maxDepth: 8, maxMs: 300, maxResults: 1e9 } }),
    );
    expect(value.limit).toMatchObject({ code: 'LIMIT_REACHED' });
    expect(['time', 'nodes']).toContain(value.limit?.cap);
    expect(ms).toBeLessThan(GENEROUS_MS);
  });

  it('all paths: the result cap returns exactly that many', () => {
    const { value } = timed(() => allPaths(g, 0, 1, 6, { limits: { maxResults: 5, maxMs: 60_000 } }));
    expect(value.paths).toHaveLength(5);
    expect(value.limit).toMatchObject({ code: 'LIMIT_REACHED', cap: 'results', value: 5 });
  });

  it('time-ordered paths: the node budget stops the search', () => {
    const { value, ms } = timed(() =>
      timeOrderedPaths(g, [0, 1, 2], [3, 4, 5], {
        all: true,
        maxHops: 8,
        limits: { maxDepth: 8, maxNodes: 20_000 },
      }),
    );
    expect(value.limit?.code).toBe('LIMIT_REACHED');
    expect(ms).toBeLessThan(GENEROUS_MS);
  });

  it('ego network: the node cap returns the nearest nodes first', () => {
    const ego = egoNetwork(g, 0, { depth: 6, maxNodes: 1000 });
    expect(ego.nodes).toHaveLength(1000);
    expect(ego.limit).toMatchObject({ code: 'LIMIT_REACHED', cap: 'nodes', value: 1000 });
    const depths = ego.nodes.map((u) => ego.depthOf.get(u) as number);
    for (let i = 1; i < depths.length; i++) expect(depths[i]).toBeGreaterThanOrEqual(depths[i - 1] as number);
  });

  it('betweenness: a time budget ends exact betweenness early as a valid sample with its error bound', () => {
    const { value, ms } = timed(() => betweenness(g, { budget: new Budget({ maxMs: 300 }) }));
    expect(value.exact).toBe(false);
    expect(value.limit?.code).toBe('LIMIT_REACHED');
    expect(value.samples).toBeLessThan(N);
    expect(value.errorBound === null || value.errorBound > 0).toBe(true);
    expect(ms).toBeLessThan(GENEROUS_MS);
  });
});
