// Breadth-first hop distances from one node, over out-arcs, in-arcs or both, optionally stopped at a depth.
import type { Adjacency, Graph } from '../graph.js';

export interface BfsOptions {
  /** Which arcs to follow: 'out' (the default), 'in' (against direction) or 'both' (ignore direction). */
  direction?: 'out' | 'in' | 'both';
  /** Nodes further than this many hops are left unreached. */
  maxDepth?: number;
}

/** Hops from `source` to every node, -1 when unreachable (or beyond maxDepth). */
export function bfsDistances(g: Graph, source: number, options: BfsOptions = {}): Int32Array {
  const n = g.n;
  if (!Number.isInteger(source) || source < 0 || source >= n) throw new RangeError(`no node ${source}`);
  const direction = options.direction ?? 'out';
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  const adjacencies: Adjacency[] =
    direction === 'out' ? [g.out] : direction === 'in' ? [g.in] : [g.out, g.in];
  const dist = new Int32Array(n).fill(-1);
  const queue = new Uint32Array(n);
  dist[source] = 0;
  queue[0] = source;
  let head = 0;
  let tail = 1;
  while (head < tail) {
    const u = queue[head++] as number;
    const next = (dist[u] as number) + 1;
    if (next > maxDepth) break; // BFS order: every later node is at least as deep
    for (const { offsets, nodes } of adjacencies) {
      const end = offsets[u + 1] as number;
      for (let k = offsets[u] as number; k < end; k++) {
        const v = nodes[k] as number;
        if (dist[v] === -1) {
          dist[v] = next;
          queue[tail++] = v;
        }
      }
    }
  }
  return dist;
}
