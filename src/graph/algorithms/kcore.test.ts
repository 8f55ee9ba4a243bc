// Coreness on hand-made graphs: triangle with a tail, clique with a pendant, two triangles joined by a bridge.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, graphFromEdges } from '../graph.js';
import { coreness } from './kcore.js';

const g = (edges: [string, string][], directed = false) => graphFromEdges(edges, { directed });

describe('coreness', () => {
  it('peels a tail off a triangle', () => {
    const tri = g([
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'a'],
      ['c', 'd'],
      ['d', 'e'],
    ]);
    expect([...coreness(tri)]).toEqual([2, 2, 2, 1, 1]);
  });

  it('finds the 3-core of a 4-clique with a pendant', () => {
    const k4 = g([
      ['a', 'b'],
      ['a', 'c'],
      ['a', 'd'],
      ['b', 'c'],
      ['b', 'd'],
      ['c', 'd'],
      ['d', 'p'],
    ]);
    expect([...coreness(k4)]).toEqual([3, 3, 3, 3, 1]);
  });

  it('is not the degree: bridge ends of degree 3 are still in the 2-core', () => {
    const bridged = g([
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'a'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
      ['f', 'd'],
    ]);
    expect([...coreness(bridged)]).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('ignores direction but counts a mutual pair twice (igraph mode="all")', () => {
    const d = g(
      [
        ['a', 'b'],
        ['b', 'a'],
        ['b', 'c'],
      ],
      true,
    );
    expect([...coreness(d)]).toEqual([2, 2, 1]);
  });

  it('gives 0 to an isolated node and counts a self-loop twice (igraph)', () => {
    const b = new GraphBuilder();
    const [x, y, z, loner] = [b.node('x'), b.node('y'), b.node('z'), b.node('loner')];
    b.edge(x, y, { kind: 'link', directed: false });
    b.edge(z, z, { kind: 'link', directed: false });
    expect([...coreness(b.build())]).toEqual([1, 1, 2, 0]);
    expect(loner).toBe(3);
    expect(coreness(graphFromEdges([])).length).toBe(0);
  });
});
