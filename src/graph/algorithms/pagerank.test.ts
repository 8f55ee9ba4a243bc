// PageRank on graphs solvable by hand: directed cycle, star, dangling node, weighted arcs.
import { describe, expect, it } from 'vitest';
import { graphFromEdges } from '../graph.js';
import { pagerank } from './pagerank.js';

const sum = (x: Float64Array): number => x.reduce((a, b) => a + b, 0);

describe('pagerank', () => {
  it('is uniform on a directed cycle', () => {
    const g = graphFromEdges(
      [
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
      ],
      { directed: true },
    );
    for (const x of pagerank(g)) expect(x).toBeCloseTo(1 / 3, 12);
  });

  it('solves the star: c = 0.0375 + 2.55 l, l = 0.0375 + 0.85 c / 3', () => {
    const star = graphFromEdges([
      ['hub', 'a'],
      ['hub', 'b'],
      ['hub', 'c'],
    ]);
    const pr = pagerank(star);
    const hub = 0.133125 / 0.2775;
    expect(pr[0]).toBeCloseTo(hub, 12);
    for (const leaf of pr.subarray(1)) expect(leaf).toBeCloseTo((1 - hub) / 3, 12);
  });

  it('spreads a dangling node uniformly and still sums to 1', () => {
    // a -> b, b has no out-arc: a = 0.075 + 0.425 b, a + b = 1.
    const g = graphFromEdges([['a', 'b']], { directed: true });
    const pr = pagerank(g);
    expect(pr[0]).toBeCloseTo(0.5 / 1.425, 12);
    expect(pr[1]).toBeCloseTo(1 - 0.5 / 1.425, 12);
    expect(sum(pr)).toBeCloseTo(1, 14);
  });

  it('follows arcs in proportion to weight, or uniformly when unweighted', () => {
    // 0 -> 1 (3), 0 -> 2 (1), 1 -> 0, 2 -> 0: x0 = 0.05 + 0.85 (1 - x0).
    const g = graphFromEdges(
      [
        ['0', '1', 3],
        ['0', '2', 1],
        ['1', '0', 1],
        ['2', '0', 1],
      ],
      { directed: true },
    );
    const x0 = 0.9 / 1.85;
    const weighted = pagerank(g);
    expect(weighted[0]).toBeCloseTo(x0, 12);
    expect(weighted[1]).toBeCloseTo(0.05 + 0.85 * 0.75 * x0, 12);
    expect(weighted[2]).toBeCloseTo(0.05 + 0.85 * 0.25 * x0, 12);
    const plain = pagerank(g, { weighted: false });
    expect(plain[1]).toBeCloseTo((1 - x0) / 2, 12);
    expect(plain[2]).toBeCloseTo((1 - x0) / 2, 12);
  });

  it('counts an undirected self-loop twice, as igraph does', () => {
    const g = graphFromEdges([
      ['0', '1', 1],
      ['1', '2', 2],
      ['2', '0', 1],
      ['2', '3', 3],
      ['3', '3', 5],
    ]);
    // igraph 0.10: Graph(...).pagerank(weights=[1, 2, 1, 3, 5])
    const igraph = [0.12294038967694382, 0.16635985848931195, 0.2703889160350971, 0.44031083579864705];
    const pr = pagerank(g);
    igraph.forEach((x, i) => {
      expect(pr[i]).toBeCloseTo(x, 10);
    });
  });

  it('gives 1/n everywhere with damping 0, and an empty result for an empty graph', () => {
    const g = graphFromEdges([['a', 'b']], { directed: true });
    expect([...pagerank(g, { damping: 0 })]).toEqual([0.5, 0.5]);
    expect(pagerank(graphFromEdges([])).length).toBe(0);
    expect(() => pagerank(g, { damping: 2 })).toThrow(RangeError);
  });
});
