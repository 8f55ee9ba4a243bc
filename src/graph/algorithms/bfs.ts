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
  // One or two adjacencies to follow; `second` repeats `first` when there is only one (and is then skipped).
  const first: Adjacency = direction === 'in' ? g.in : g.out;
  const second: Adjacency = direction === 'both' ? g.in : first;
  const dist = new Int32Array(n).fill(-1);
  const queue = new Uint32Array(n);
  dist[source] = 0;
  queue[0] = source;
  let tail = 1;
  for (let head = 0; head < tail; head++) {
    const u = queue[head] as number;
    const next = (dist[u] as number) + 1;
    if (next > maxDepth) break; // BFS order: every later node is at least as deep
    tail = visit(first, u, next, dist, queue, tail);
    if (second !== first) tail = visit(second, u, next, dist, queue, tail);
  }
  return dist;
}

/** Labels u's unreached neighbours in `adj` with depth `next` and queues them; returns the new queue length. */
function visit(
  adj: Adjacency,
  u: number,
  next: number,
  dist: Int32Array,
  queue: Uint32Array,
  tail: number,
): number {
  const { offsets, nodes } = adj;
  const end = offsets[u + 1] as number;
  let t = tail;
  for (let k = offsets[u] as number; k < end; k++) {
    const v = nodes[k] as number;
    if (dist[v] === -1) {
      dist[v] = next;
      queue[t++] = v;
    }
  }
  return t;
}
