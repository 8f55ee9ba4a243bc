// k-core numbers (coreness) by Batagelj and Zaversnik's O(m) bucket peeling.
//
// Direction is ignored, as igraph's coreness(mode="all"): a node's degree counts every edge touching it (a
// directed edge once at each end, so a mutual pair u->v, v->u counts 2; a self-loop counts 2 but never lowers
// its own node). Nodes are peeled in order of current degree; a node's core number is its degree when peeled.
import type { Graph } from '../graph.js';

export function coreness(g: Graph): Uint32Array {
  const n = g.n;
  const { src, dst, directed } = g.a;
  const deg = new Uint32Array(n);
  for (let e = 0; e < g.m; e++) {
    const s = src[e] as number;
    const d = dst[e] as number;
    deg[s] = (deg[s] as number) + 1;
    deg[d] = (deg[d] as number) + 1;
  }
  let maxDeg = 0;
  for (let v = 0; v < n; v++) maxDeg = Math.max(maxDeg, deg[v] as number);

  // Bucket sort the nodes by degree: `order` lists them, `pos` is each node's place, `start[d]` where degree d begins.
  const start = new Uint32Array(maxDeg + 2);
  for (let v = 0; v < n; v++) start[(deg[v] as number) + 1] = (start[(deg[v] as number) + 1] as number) + 1;
  for (let d = 0; d <= maxDeg; d++) start[d + 1] = (start[d + 1] as number) + (start[d] as number);
  const order = new Uint32Array(n);
  const pos = new Uint32Array(n);
  const fill = start.slice(0, maxDeg + 1);
  for (let v = 0; v < n; v++) {
    const at = fill[deg[v] as number] as number;
    fill[deg[v] as number] = at + 1;
    order[at] = v;
    pos[v] = at;
  }

  // Peel in order; lowering a neighbour's degree moves it to the front of its bucket, then shrinks the bucket.
  const lower = (u: number, v: number): void => {
    const du = deg[u] as number;
    if (du <= (deg[v] as number)) return;
    const pu = pos[u] as number;
    const pw = start[du] as number;
    const w = order[pw] as number;
    if (u !== w) {
      order[pu] = w;
      pos[w] = pu;
      order[pw] = u;
      pos[u] = pw;
    }
    start[du] = pw + 1;
    deg[u] = du - 1;
  };
  const out = g.out;
  const into = g.in;
  const hasDirected = directed.includes(1);
  for (let i = 0; i < n; i++) {
    const v = order[i] as number;
    for (let k = out.offsets[v] as number; k < (out.offsets[v + 1] as number); k++)
      lower(out.nodes[k] as number, v);
    // In-arcs add the directed edges arriving at v; undirected ones were already seen as out-arcs.
    if (hasDirected)
      for (let k = into.offsets[v] as number; k < (into.offsets[v + 1] as number); k++)
        if (directed[into.edges[k] as number] === 1) lower(into.nodes[k] as number, v);
  }
  return deg;
}
