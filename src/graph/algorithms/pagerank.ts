// PageRank with igraph's conventions: a walker follows an out-arc with probability proportional to its weight
// (an undirected edge is an arc both ways), jumps to a uniformly chosen node with probability 1 - damping,
// and jumps uniformly from a node with no outgoing weight (dangling), as igraph's PRPACK does. Sums to 1.
//
// Power iteration, pulling over in-arcs: x'[u] = (1 - d)/n + d * dangling/n + d * sum over arcs v->u of
// x[v] * w(v,u) / out(v), where dangling is the rank held by dangling nodes and out(v) is v's out-strength
// (its inverse precomputed, so the inner loop is one multiply-add per arc). Iteration stops when the L1
// change between iterates is below `tolerance`; the remaining L1 error is then at most d/(1-d) times that.
import type { Graph } from '../graph.js';

export interface PagerankOptions {
  /** Probability of following an arc rather than jumping (0.85). */
  damping?: number;
  /** Follow arcs in proportion to edge weight (true) or uniformly. */
  weighted?: boolean;
  /** Stop when an iteration changes the ranks by less than this in L1 (1e-12). */
  tolerance?: number;
  /** Iterations at most (1000). */
  maxIterations?: number;
}

export function pagerank(g: Graph, options: PagerankOptions = {}): Float64Array {
  const n = g.n;
  const damping = options.damping ?? 0.85;
  const tolerance = options.tolerance ?? 1e-12;
  const maxIterations = options.maxIterations ?? 1000;
  if (!(damping >= 0 && damping <= 1)) throw new RangeError('damping must be in [0, 1]');
  if (n === 0) return new Float64Array(0);
  const { arcWeight, inverseOut } = transitions(g, options.weighted ?? true);
  const { offsets, nodes } = g.in;
  const x = new Float64Array(n).fill(1 / n);
  let share = new Float64Array(n); // x[v] / out(v), 0 for dangling v
  let nextShare = new Float64Array(n);
  let dangling = 0;
  for (let v = 0; v < n; v++) {
    if (inverseOut[v] === 0) dangling += x[v] as number;
    share[v] = (x[v] as number) * (inverseOut[v] as number);
  }
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const base = (1 - damping + damping * dangling) / n;
    let change = 0;
    let nextDangling = 0;
    for (let u = 0; u < n; u++) {
      let sum = 0;
      const end = offsets[u + 1] as number;
      for (let k = offsets[u] as number; k < end; k++)
        sum += (share[nodes[k] as number] as number) * (arcWeight[k] as number);
      const value = base + damping * sum;
      change += Math.abs(value - (x[u] as number));
      x[u] = value;
      const inv = inverseOut[u] as number;
      nextShare[u] = value * inv;
      if (inv === 0) nextDangling += value;
    }
    [share, nextShare] = [nextShare, share];
    dangling = nextDangling;
    if (change < tolerance) break;
  }
  // The fixed point sums to 1; remove rounding drift.
  let total = 0;
  for (let u = 0; u < n; u++) total += x[u] as number;
  for (let u = 0; u < n; u++) x[u] = (x[u] as number) / total;
  return x;
}

/** Per in-arc weight (in g.in order) and 1/out-strength per node (0 when a node has no outgoing weight). */
function transitions(g: Graph, weighted: boolean): { arcWeight: Float32Array; inverseOut: Float64Array } {
  const { src, dst, weight, directed } = g.a;
  const outStrength = new Float64Array(g.n);
  for (let e = 0; e < g.m; e++) {
    const w = weighted ? (weight[e] as number) : 1;
    if (!(w >= 0)) throw new RangeError(`edge ${e} has weight ${w}; PageRank needs weights >= 0`);
    const s = src[e] as number;
    outStrength[s] = (outStrength[s] as number) + w;
    if (directed[e] === 0) {
      const d = dst[e] as number;
      outStrength[d] = (outStrength[d] as number) + w;
    }
  }
  const { offsets, nodes, edges } = g.in;
  const arcWeight = new Float32Array(edges.length).fill(1);
  for (let u = 0; u < g.n; u++) {
    for (let k = offsets[u] as number; k < (offsets[u + 1] as number); k++) {
      // An undirected self-loop is one in-arc but two out-arcs (igraph counts it twice), so it carries 2w.
      const loop = nodes[k] === u && directed[edges[k] as number] === 0;
      if (weighted) arcWeight[k] = (weight[edges[k] as number] as number) * (loop ? 2 : 1);
      else if (loop) arcWeight[k] = 2;
    }
  }
  const inverseOut = new Float64Array(g.n);
  for (let v = 0; v < g.n; v++) {
    const s = outStrength[v] as number;
    inverseOut[v] = s > 0 ? 1 / s : 0;
  }
  return { arcWeight, inverseOut };
}
