// Betweenness on graphs counted by hand (path, star, bridge, diamond, directed cycle, weighted detour), and the
// sampled estimate's bound, seed and budget behaviour.
import { describe, expect, it } from 'vitest';
import { type Graph, graphFromEdges } from '../graph.js';
import { Budget } from '../limits.js';
import { betweenness } from './betweenness.js';

const scores = (g: Graph, weighted = false): number[] => [...betweenness(g, { weighted }).scores];

/** Two triangles a-b-c and d-e-f joined by the bridge c-d. */
const bridged = graphFromEdges([
  ['a', 'b'],
  ['b', 'c'],
  ['c', 'a'],
  ['c', 'd'],
  ['d', 'e'],
  ['e', 'f'],
  ['f', 'd'],
]);

describe('betweenness (exact)', () => {
  it('counts each unordered pair once on undirected graphs (path, star)', () => {
    const path = graphFromEdges([
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
    ]);
    expect(scores(path)).toEqual([0, 2, 2, 0]);
    const star = graphFromEdges([
      ['hub', 'a'],
      ['hub', 'b'],
      ['hub', 'c'],
    ]);
    expect(scores(star)).toEqual([3, 0, 0, 0]);
  });

  it('credits the bridge ends with every pair across (3 x 2 = 6)', () => {
    expect(scores(bridged)).toEqual([0, 0, 6, 6, 0, 0]);
  });

  it('splits credit between equal shortest paths (diamond)', () => {
    const diamond = graphFromEdges([
      ['0', '1'],
      ['0', '2'],
      ['1', '3'],
      ['2', '3'],
    ]);
    expect(scores(diamond)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('follows directed edges by direction and counts ordered pairs', () => {
    const cycle = graphFromEdges(
      [
        ['0', '1'],
        ['1', '2'],
        ['2', '0'],
      ],
      { directed: true },
    );
    expect(scores(cycle)).toEqual([1, 1, 1]);
    const triangle = graphFromEdges([
      ['0', '1'],
      ['1', '2'],
      ['2', '0'],
    ]);
    expect(scores(triangle)).toEqual([0, 0, 0]);
  });

  it('weighted: a heavy tie is short (length 1/w), so a light direct edge is bypassed', () => {
    // a-c has weight 0.25 (length 4); a-b-c has length 2.
    const g = graphFromEdges([
      ['a', 'b', 1],
      ['b', 'c', 1],
      ['a', 'c', 0.25],
    ]);
    expect(scores(g, true)).toEqual([0, 1, 0]);
    expect(scores(g, false)).toEqual([0, 0, 0]);
  });

  it('weighted: equal-length paths share the credit', () => {
    // 0-1-3 has length 1/2 + 1/2 = 1; 0-2-3 has 1/3 + 1/1.5 = 1 up to rounding (weights 3 and 1.5).
    const g = graphFromEdges([
      ['0', '1', 2],
      ['0', '2', 3],
      ['1', '3', 2],
      ['2', '3', 1.5],
    ]);
    const result = scores(g, true);
    expect(result[1]).toBeCloseTo(0.5, 12);
    expect(result[2]).toBeCloseTo(0.5, 12);
  });
});

describe('betweenness (sampled)', () => {
  const ring = graphFromEdges(
    Array.from({ length: 40 }, (_, i): [string, string] => [`n${i}`, `n${(i + 1) % 40}`]),
  );

  it('is exact with samples >= n and reports no bound', () => {
    const r = betweenness(bridged, { samples: 100 });
    expect(r.exact).toBe(true);
    expect(r.samples).toBe(6);
    expect(r.errorBound).toBeNull();
  });

  it('states the Hoeffding bound and stays within it; same seed, same answer', () => {
    const exact = betweenness(ring).scores;
    const r = betweenness(ring, { samples: 10, seed: 3 });
    expect(r.exact).toBe(false);
    expect(r.samples).toBe(10);
    const n = 40;
    expect(r.errorBound).toBeCloseTo((n / (n - 1)) * Math.sqrt(Math.log((2 * n) / 0.05) / 20), 12);
    const pairs = ((n - 1) * (n - 2)) / 2;
    for (let v = 0; v < n; v++)
      expect(Math.abs((r.scores[v] as number) - (exact[v] as number)) / pairs).toBeLessThanOrEqual(
        r.errorBound as number,
      );
    // On a ring every source adds the same total dependency, so the scaled total is exact.
    const total = (x: Float64Array): number => x.reduce((a, b) => a + b, 0);
    expect(total(r.scores)).toBeCloseTo(total(exact), 9);
    expect([...betweenness(ring, { samples: 10, seed: 3 }).scores]).toEqual([...r.scores]);
  });

  it('stops at the budget, keeping the finished sources as a sample', () => {
    const path = graphFromEdges([
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
    ]);
    // Each source settles 4 nodes: two sources finish within 10, the third is cut off and dropped.
    for (const weighted of [false, true]) {
      const r = betweenness(path, { budget: new Budget({ maxNodes: 10 }), weighted });
      expect(r.exact).toBe(false);
      expect(r.samples).toBe(2);
      expect(r.limit).toEqual({ code: 'LIMIT_REACHED', cap: 'nodes', value: 10 });
      expect(r.errorBound).toBeGreaterThan(0);
    }
  });
});
