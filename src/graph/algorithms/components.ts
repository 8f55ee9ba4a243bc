// Weakly connected components (direction ignored), numbered by size, largest first; equal sizes are ordered
// by their smallest node.
import type { Graph } from '../graph.js';

export interface Components {
  count: number;
  /** Component number of each node. */
  membership: Uint32Array;
  /** Node count of each component, by component number (so non-increasing). */
  sizes: number[];
}

export function components(g: Graph): Components {
  const n = g.n;
  const { src, dst } = g.a;
  // Union-find with path halving, the larger root index joining the smaller.
  const parent = new Uint32Array(n);
  for (let v = 0; v < n; v++) parent[v] = v;
  const find = (v: number): number => {
    let x = v;
    while (parent[x] !== x) {
      const up = parent[parent[x] as number] as number;
      parent[x] = up;
      x = up;
    }
    return x;
  };
  for (let e = 0; e < g.m; e++) {
    const a = find(src[e] as number);
    const b = find(dst[e] as number);
    if (a < b) parent[b] = a;
    else if (b < a) parent[a] = b;
  }

  // Roots in order of their smallest node (a root is always its component's smallest node).
  const roots: number[] = [];
  const rootSize = new Uint32Array(n);
  for (let v = 0; v < n; v++) {
    const r = find(v);
    if (r === v) roots.push(v);
    rootSize[r] = (rootSize[r] as number) + 1;
  }
  roots.sort((a, b) => (rootSize[b] as number) - (rootSize[a] as number) || a - b);
  const label = new Uint32Array(n);
  roots.forEach((r, i) => {
    label[r] = i;
  });
  const membership = new Uint32Array(n);
  for (let v = 0; v < n; v++) membership[v] = label[find(v)] as number;
  return { count: roots.length, membership, sizes: roots.map((r) => rootSize[r] as number) };
}
