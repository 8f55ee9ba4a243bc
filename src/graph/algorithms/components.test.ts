// Weak components: numbering by size, ties by smallest node, direction ignored.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, graphFromEdges } from '../graph.js';
import { components } from './components.js';

describe('components', () => {
  it('numbers components by size, then by smallest node', () => {
    const b = new GraphBuilder();
    for (const id of ['0', '1', '2', '3', '4', '5', '6', '7']) b.node(id);
    const link = (s: number, t: number) => b.edge(s, t, { kind: 'link', directed: false });
    link(0, 1);
    link(6, 7);
    link(2, 3);
    link(4, 3);
    const result = components(b.build());
    expect(result.count).toBe(4);
    expect(result.sizes).toEqual([3, 2, 2, 1]);
    expect([...result.membership]).toEqual([1, 1, 0, 0, 0, 3, 2, 2]);
  });

  it('joins nodes through directed edges either way (weakly connected)', () => {
    const g = graphFromEdges(
      [
        ['a', 'b'],
        ['c', 'b'],
        ['d', 'e'],
      ],
      { directed: true },
    );
    const result = components(g);
    expect([...result.membership]).toEqual([0, 0, 0, 1, 1]);
    expect(result.sizes).toEqual([3, 2]);
  });

  it('handles an empty graph', () => {
    expect(components(graphFromEdges([]))).toEqual({ count: 0, membership: new Uint32Array(0), sizes: [] });
  });
});
