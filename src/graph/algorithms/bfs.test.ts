// Hop distances on small hand-made graphs: path, directed cycle with a feeder, disconnected parts, depth cap.
import { describe, expect, it } from 'vitest';
import { graphFromEdges } from '../graph.js';
import { bfsDistances } from './bfs.js';

describe('bfsDistances', () => {
  const path = graphFromEdges([
    ['a', 'b'],
    ['b', 'c'],
    ['c', 'd'],
  ]);

  it('counts hops along an undirected path, either way', () => {
    expect([...bfsDistances(path, 0)]).toEqual([0, 1, 2, 3]);
    expect([...bfsDistances(path, 3)]).toEqual([3, 2, 1, 0]);
  });

  it('stops at maxDepth, leaving further nodes at -1', () => {
    expect([...bfsDistances(path, 0, { maxDepth: 2 })]).toEqual([0, 1, 2, -1]);
    expect([...bfsDistances(path, 1, { maxDepth: 0 })]).toEqual([-1, 0, -1, -1]);
  });

  it('follows directed edges by direction, against it, or both', () => {
    // 0 -> 1 -> 2 -> 0, and 3 -> 0
    const g = graphFromEdges(
      [
        ['0', '1'],
        ['1', '2'],
        ['2', '0'],
        ['3', '0'],
      ],
      { directed: true },
    );
    expect([...bfsDistances(g, 0)]).toEqual([0, 1, 2, -1]);
    expect([...bfsDistances(g, 0, { direction: 'in' })]).toEqual([0, 2, 1, 1]);
    expect([...bfsDistances(g, 0, { direction: 'both' })]).toEqual([0, 1, 1, 1]);
  });

  it('leaves other components unreached', () => {
    const g = graphFromEdges([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect([...bfsDistances(g, 2)]).toEqual([-1, -1, 0, 1]);
  });

  it('rejects a node that does not exist', () => {
    expect(() => bfsDistances(path, 4)).toThrow(RangeError);
    expect(() => bfsDistances(path, -1)).toThrow(RangeError);
  });
});
