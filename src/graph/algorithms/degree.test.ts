// Degree and strength with igraph's conventions: undirected edges count in every mode, self-loops twice.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, graphFromEdges } from '../graph.js';
import { degree } from './degree.js';

describe('degree', () => {
  it('counts each undirected edge once per end (star)', () => {
    const star = graphFromEdges([
      ['hub', 'a'],
      ['hub', 'b'],
      ['hub', 'c'],
    ]);
    expect([...degree(star)]).toEqual([3, 1, 1, 1]);
    expect([...degree(star, 'out')]).toEqual([3, 1, 1, 1]);
    expect([...degree(star, 'in')]).toEqual([3, 1, 1, 1]);
  });

  it('splits directed edges into in and out, and sums weights for strength', () => {
    // 0 -> 1 (2), 0 -> 2 (3), 2 -> 0 (4)
    const g = graphFromEdges(
      [
        ['0', '1', 2],
        ['0', '2', 3],
        ['2', '0', 4],
      ],
      { directed: true },
    );
    expect([...degree(g, 'out')]).toEqual([2, 0, 1]);
    expect([...degree(g, 'in')]).toEqual([1, 1, 1]);
    expect([...degree(g, 'all')]).toEqual([3, 1, 2]);
    expect([...degree(g, 'out', true)]).toEqual([5, 0, 4]);
    expect([...degree(g, 'in', true)]).toEqual([4, 2, 3]);
    expect([...degree(g, 'all', true)]).toEqual([9, 2, 7]);
  });

  it('counts a self-loop twice and an undirected edge in a mixed graph both ways', () => {
    const b = new GraphBuilder();
    const [x, y, z] = [b.node('x'), b.node('y'), b.node('z')];
    b.edge(x, y, { kind: 'owns', directed: true });
    b.edge(y, z, { kind: 'knows', directed: false });
    b.edge(z, z, { kind: 'knows', directed: false, weight: 5 });
    const g = b.build();
    expect([...degree(g, 'all')]).toEqual([1, 2, 3]);
    expect([...degree(g, 'out')]).toEqual([1, 1, 3]);
    expect([...degree(g, 'in')]).toEqual([0, 2, 3]);
    expect([...degree(g, 'all', true)]).toEqual([1, 2, 11]);
  });
});
