// Node degree and strength (weighted degree) with igraph's conventions.
//
// 'out' counts directed edges leaving the node, 'in' directed edges arriving, and both count every undirected
// edge touching the node; 'all' counts every edge touching the node once (in + out for directed edges). A
// self-loop touches its node twice, so it adds 2 (or twice its weight) in 'all', and in every mode when it is
// undirected, as igraph's degree() and strength() do with loops=True.
import type { Graph } from '../graph.js';

export function degree(g: Graph, mode: 'in' | 'out' | 'all' = 'all', weighted = false): Float64Array {
  const { src, dst, weight, directed } = g.a;
  const result = new Float64Array(g.n);
  for (let e = 0; e < g.m; e++) {
    const s = src[e] as number;
    const d = dst[e] as number;
    const w = weighted ? (weight[e] as number) : 1;
    if (mode === 'all' || directed[e] === 0) {
      result[s] = (result[s] as number) + w;
      result[d] = (result[d] as number) + w;
    } else if (mode === 'out') {
      result[s] = (result[s] as number) + w;
    } else {
      result[d] = (result[d] as number) + w;
    }
  }
  return result;
}
