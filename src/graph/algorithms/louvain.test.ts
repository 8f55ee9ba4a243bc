// Louvain communities and modularity on graphs with known answers: cliques joined by bridges, a ring of
// cliques, self-loops, directed edges, and no edges at all.
import { describe, expect, it } from 'vitest';
import { graphFromEdges } from '../graph.js';
import { louvain, modularity } from './louvain.js';

type Edge = [string, string, number?];

function clique(prefix: string, size: number): Edge[] {
  const edges: Edge[] = [];
  for (let i = 0; i < size; i++)
    for (let j = i + 1; j < size; j++) edges.push([`${prefix}${i}`, `${prefix}${j}`]);
  return edges;
}

/** Two 4-cliques joined by one bridge: 13 edges. */
const twoCliques = graphFromEdges([...clique('a', 4), ...clique('b', 4), ['a3', 'b0']]);

describe('modularity', () => {
  it('matches the hand count: two 4-cliques + bridge split in two is 2 (12/26 - (13/26)^2) = 11/26', () => {
    expect(modularity(twoCliques, [0, 0, 0, 0, 1, 1, 1, 1])).toBeCloseTo(11 / 26, 14);
    expect(modularity(twoCliques, new Uint32Array(8))).toBeCloseTo(0, 14);
  });

  it('is -sum (k/2m)^2 for singletons, scaled by the resolution', () => {
    const triangle = graphFromEdges(clique('t', 3));
    expect(modularity(triangle, [0, 1, 2])).toBeCloseTo(-1 / 3, 14);
    expect(modularity(triangle, [0, 1, 2], 2)).toBeCloseTo(-2 / 3, 14);
  });

  it('counts a self-loop twice, as igraph does', () => {
    const g = graphFromEdges([
      ['0', '1', 1],
      ['1', '2', 2],
      ['2', '0', 1],
      ['2', '3', 3],
      ['3', '3', 5],
    ]);
    // m = 12; {0,1,2}: in 8, tot 11; {3}: in 10, tot 13. Also igraph's g.modularity(...) = 0.2465277...
    expect(modularity(g, [0, 0, 0, 1])).toBeCloseTo(18 / 24 - (121 + 169) / 576, 14);
  });

  it('is NaN without edges (as igraph)', () => {
    expect(modularity(graphFromEdges([]), [])).toBeNaN();
  });
});

describe('louvain', () => {
  it('splits two cliques at the bridge, numbered by size then smallest node', () => {
    const r = louvain(twoCliques);
    expect([...r.membership]).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(r.count).toBe(2);
    expect(r.modularity).toBeCloseTo(11 / 26, 14);
    expect(r.levels).toBeGreaterThanOrEqual(1);
  });

  it('finds each clique of a ring of six 5-cliques (Q = 6 (20/132 - (22/132)^2))', () => {
    const edges: Edge[] = [];
    for (let c = 0; c < 6; c++) {
      edges.push(...clique(`c${c}-`, 5));
      edges.push([`c${c}-4`, `c${(c + 1) % 6}-0`]);
    }
    const g = graphFromEdges(edges);
    for (const seed of [1, 2, 3]) {
      const r = louvain(g, { seed });
      expect(r.count).toBe(6);
      expect(r.modularity).toBeCloseTo(6 * (20 / 132 - (22 / 132) ** 2), 12);
      for (let v = 0; v < g.n; v++) expect(r.membership[v]).toBe(r.membership[v - (v % 5)]);
    }
  });

  it('merges into bigger communities at low resolution, smaller at high', () => {
    expect(louvain(twoCliques, { resolution: 0.01 }).count).toBe(1);
    expect(louvain(twoCliques, { resolution: 10 }).count).toBeGreaterThan(2);
  });

  it('treats directed edges as undirected with their weight', () => {
    const directed = graphFromEdges([...clique('a', 4), ...clique('b', 4), ['a3', 'b0']], { directed: true });
    const r = louvain(directed);
    expect([...r.membership]).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(r.modularity).toBeCloseTo(11 / 26, 14);
  });

  it('follows weights: a heavy cross edge pulls its ends together', () => {
    // Path a-b-c-d with b-c much heavier than the ends.
    const g = graphFromEdges([
      ['a', 'b', 1],
      ['b', 'c', 10],
      ['c', 'd', 1],
    ]);
    const r = louvain(g);
    expect(r.membership[1]).toBe(r.membership[2]);
    expect(r.modularity).toBeCloseTo(modularity(g, r.membership), 14);
  });

  it('is deterministic for a seed', () => {
    const edges: Edge[] = [];
    for (let i = 0; i < 60; i++) edges.push([`n${i}`, `n${(i * 7 + 3) % 60}`], [`n${i}`, `n${(i + 1) % 60}`]);
    const g = graphFromEdges(edges);
    expect([...louvain(g, { seed: 9 }).membership]).toEqual([...louvain(g, { seed: 9 }).membership]);
  });

  it('leaves nodes alone when there are no edges', () => {
    const g = graphFromEdges([['x', 'x', 0]]);
    const r = louvain(g);
    expect(r.count).toBe(1);
    expect(r.levels).toBe(0);
    expect(r.modularity).toBeNaN();
  });
});
