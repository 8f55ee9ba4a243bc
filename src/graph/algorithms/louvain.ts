// Community detection by the Louvain method (Blondel et al. 2008), and Newman's modularity of a partition.
//
// Both work on the undirected weighted view of the graph: every edge, directed or not, joins its two ends
// with its weight. As in igraph, a self-loop of weight w adds 2w to its node's strength and to its community's
// internal weight, and Q = sum over communities c of in(c)/2m - resolution * (tot(c)/2m)^2, where in(c)
// counts each internal edge twice and tot(c) is the community's total strength.
//
// Louvain: move single nodes (in a seeded random order) to the neighbouring community that most increases Q,
// pass after pass until a pass moves nothing or gains less than 1e-7; then merge each community into one
// node and repeat on the smaller graph until a level moves nothing. Finally the partition is carried back
// down the levels, letting nodes of each level move again (multi-level refinement), which can only raise Q.
// All in typed arrays: O(m) memory per level, no per-edge objects.
import type { Graph } from '../graph.js';
import { mulberry32, shuffledRange } from './random.js';

export interface LouvainOptions {
  /** Resolution gamma (1); higher gives smaller communities. */
  resolution?: number;
  /** Seed of the node visiting order (1). */
  seed?: number;
  /** Aggregation levels at most (unbounded). */
  maxLevels?: number;
}

export interface LouvainResult {
  /** Community of each node, numbered 0..count-1 by size, largest first (ties by smallest node). */
  membership: Uint32Array;
  count: number;
  modularity: number;
  /** How many times communities were merged into nodes (0 when no move improved modularity). */
  levels: number;
}

/** A level's local moving stops once a pass raises modularity by less than this. */
const MIN_PASS_GAIN = 1e-7;

/** A symmetric weighted graph: arcs both ways for each edge, self-loops kept apart as 2w in `loops`. */
interface Level {
  n: number;
  offsets: Uint32Array;
  targets: Uint32Array;
  weights: Float64Array;
  loops: Float64Array;
  strength: Float64Array;
}

export function louvain(g: Graph, options: LouvainOptions = {}): LouvainResult {
  const resolution = options.resolution ?? 1;
  const maxLevels = options.maxLevels ?? Number.POSITIVE_INFINITY;
  const random = mulberry32(options.seed ?? 1);
  // Coarsen: move nodes, merge each community into a node, repeat while anything moves.
  const graphs: Level[] = [baseLevel(g)];
  const merges: Uint32Array[] = []; // merges[i]: the node of graphs[i + 1] each node of graphs[i] became
  while (merges.length < maxLevels) {
    const level = graphs[graphs.length - 1] as Level;
    const community = moveNodes(level, resolution, random);
    if (!community) break;
    const next = aggregate(level, community);
    merges.push(community);
    graphs.push(next);
    if (next.n === level.n) break;
  }
  // Refine: carry the coarsest partition down a level at a time, letting single nodes move again (Rotta and
  // Noack's multi-level refinement; it can only raise modularity).
  let membership = identity((graphs[graphs.length - 1] as Level).n);
  for (let i = merges.length - 1; i >= 0; i--) {
    const merge = merges[i] as Uint32Array;
    const projected = new Uint32Array(merge.length);
    for (let u = 0; u < merge.length; u++) projected[u] = membership[merge[u] as number] as number;
    membership = moveNodes(graphs[i] as Level, resolution, random, projected) ?? projected;
  }
  const levels = merges.length;
  const { labels, count } = bySize(membership);
  return { membership: labels, count, modularity: modularity(g, labels, resolution), levels };
}

/**
 * Modularity of a partition on the undirected weighted view: igraph's modularity(membership, weights,
 * resolution) of the graph, or of as_undirected(mode="each") when it has directed edges.
 */
export function modularity(g: Graph, membership: ArrayLike<number>, resolution = 1): number {
  const { src, dst, weight } = g.a;
  let communities = 0;
  for (let v = 0; v < g.n; v++) communities = Math.max(communities, (membership[v] as number) + 1);
  const internal = new Float64Array(communities);
  const total = new Float64Array(communities);
  let m = 0;
  for (let e = 0; e < g.m; e++) {
    const w = weight[e] as number;
    const a = membership[src[e] as number] as number;
    const b = membership[dst[e] as number] as number;
    if (a === b) internal[a] = (internal[a] as number) + 2 * w;
    total[a] = (total[a] as number) + w;
    total[b] = (total[b] as number) + w;
    m += w;
  }
  if (m === 0) return Number.NaN;
  let q = 0;
  for (let c = 0; c < communities; c++) {
    const share = (total[c] as number) / (2 * m);
    q += (internal[c] as number) / (2 * m) - resolution * share * share;
  }
  return q;
}

function baseLevel(g: Graph): Level {
  const { src, dst, weight } = g.a;
  const n = g.n;
  const loops = new Float64Array(n);
  const offsets = new Uint32Array(n + 1);
  for (let e = 0; e < g.m; e++) {
    const s = src[e] as number;
    const d = dst[e] as number;
    if (s === d) continue;
    offsets[s + 1] = (offsets[s + 1] as number) + 1;
    offsets[d + 1] = (offsets[d + 1] as number) + 1;
  }
  for (let u = 0; u < n; u++) offsets[u + 1] = (offsets[u + 1] as number) + (offsets[u] as number);
  const targets = new Uint32Array(offsets[n] as number);
  const weights = new Float64Array(offsets[n] as number);
  const fill = offsets.slice(0, n);
  for (let e = 0; e < g.m; e++) {
    const s = src[e] as number;
    const d = dst[e] as number;
    const w = weight[e] as number;
    if (s === d) {
      loops[s] = (loops[s] as number) + 2 * w;
      continue;
    }
    const at = fill[s] as number;
    targets[at] = d;
    weights[at] = w;
    fill[s] = at + 1;
    const back = fill[d] as number;
    targets[back] = s;
    weights[back] = w;
    fill[d] = back + 1;
  }
  return { n, offsets, targets, weights, loops, strength: strengths(n, offsets, weights, loops) };
}

function strengths(
  n: number,
  offsets: Uint32Array,
  weights: Float64Array,
  loops: Float64Array,
): Float64Array {
  const strength = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    let s = loops[u] as number;
    for (let a = offsets[u] as number; a < (offsets[u + 1] as number); a++) s += weights[a] as number;
    strength[u] = s;
  }
  return strength;
}

/**
 * Local moving: each node joins the neighbouring community with the best modularity gain, repeated until a
 * pass moves nothing or raises Q by less than MIN_PASS_GAIN. Starts from singletons, or from `initial` (labels < n). Returns the community of each
 * node renumbered 0..k-1, or null when nothing moved.
 */
function moveNodes(
  level: Level,
  resolution: number,
  random: () => number,
  initial?: Uint32Array,
): Uint32Array | null {
  const { n, offsets, targets, weights, strength } = level;
  let twoM = 0;
  for (let u = 0; u < n; u++) twoM += strength[u] as number;
  if (twoM <= 0) return null;
  const minGain = 1e-12 * twoM; // ignore gains that are only rounding noise
  const community = initial ? initial.slice() : identity(n);
  const total = new Float64Array(n); // strength of each community
  for (let u = 0; u < n; u++)
    total[community[u] as number] = (total[community[u] as number] as number) + (strength[u] as number);
  const linkTo = new Float64Array(n); // weight from the current node to each neighbouring community
  const seen = new Uint8Array(n);
  const neighbours = new Uint32Array(n);
  const order = shuffledRange(n, random);
  let movedAtAll = false;
  for (;;) {
    let moved = 0;
    let passGain = 0; // in units of weight: the pass raised Q by 2 * passGain / 2m
    for (let i = 0; i < n; i++) {
      const u = order[i] as number;
      const own = community[u] as number;
      const ku = strength[u] as number;
      let count = 0;
      seen[own] = 1;
      neighbours[count++] = own;
      for (let a = offsets[u] as number; a < (offsets[u + 1] as number); a++) {
        const c = community[targets[a] as number] as number;
        if (seen[c] === 0) {
          seen[c] = 1;
          neighbours[count++] = c;
        }
        linkTo[c] = (linkTo[c] as number) + (weights[a] as number);
      }
      total[own] = (total[own] as number) - ku;
      const scale = (resolution * ku) / twoM;
      const stay = (linkTo[own] as number) - scale * (total[own] as number);
      let best = own;
      let bestGain = stay;
      for (let j = 0; j < count; j++) {
        const c = neighbours[j] as number;
        const gain = (linkTo[c] as number) - scale * (total[c] as number);
        if (gain > bestGain + minGain) {
          best = c;
          bestGain = gain;
        }
        linkTo[c] = 0;
        seen[c] = 0;
      }
      total[best] = (total[best] as number) + ku;
      if (best !== own) {
        community[u] = best;
        moved++;
        passGain += bestGain - stay;
      }
    }
    if (moved > 0) movedAtAll = true;
    if (moved === 0 || (2 * passGain) / twoM < MIN_PASS_GAIN) break;
  }
  return movedAtAll ? renumber(community) : null;
}

function identity(n: number): Uint32Array {
  const ids = new Uint32Array(n);
  for (let u = 0; u < n; u++) ids[u] = u;
  return ids;
}

/** Relabels community ids 0..k-1 in order of first appearance. */
function renumber(community: Uint32Array): Uint32Array {
  const map = new Int32Array(community.length).fill(-1);
  let next = 0;
  for (let u = 0; u < community.length; u++) {
    const c = community[u] as number;
    if (map[c] === -1) map[c] = next++;
    community[u] = map[c] as number;
  }
  return community;
}

/** The graph of communities: one node each, arcs summed, internal arcs and loops becoming its loop. */
function aggregate(level: Level, community: Uint32Array): Level {
  const { n, offsets, targets, weights, loops } = level;
  let k = 0;
  for (let u = 0; u < n; u++) k = Math.max(k, (community[u] as number) + 1);
  // Members of each community, by counting sort.
  const start = new Uint32Array(k + 1);
  for (let u = 0; u < n; u++)
    start[(community[u] as number) + 1] = (start[(community[u] as number) + 1] as number) + 1;
  for (let c = 0; c < k; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const members = new Uint32Array(n);
  const fill = start.slice(0, k);
  for (let u = 0; u < n; u++) {
    const c = community[u] as number;
    members[fill[c] as number] = u;
    fill[c] = (fill[c] as number) + 1;
  }

  const newOffsets = new Uint32Array(k + 1);
  const newTargets = new Uint32Array(targets.length);
  const newWeights = new Float64Array(targets.length);
  const newLoops = new Float64Array(k);
  const linkTo = new Float64Array(k);
  const seen = new Uint8Array(k);
  const neighbours = new Uint32Array(k);
  let arcs = 0;
  for (let c = 0; c < k; c++) {
    let count = 0;
    let loop = 0;
    for (let i = start[c] as number; i < (start[c + 1] as number); i++) {
      const u = members[i] as number;
      loop += loops[u] as number;
      for (let a = offsets[u] as number; a < (offsets[u + 1] as number); a++) {
        const d = community[targets[a] as number] as number;
        const w = weights[a] as number;
        if (d === c) loop += w;
        else {
          if (seen[d] === 0) {
            seen[d] = 1;
            neighbours[count++] = d;
          }
          linkTo[d] = (linkTo[d] as number) + w;
        }
      }
    }
    newLoops[c] = loop;
    for (let j = 0; j < count; j++) {
      const d = neighbours[j] as number;
      newTargets[arcs] = d;
      newWeights[arcs] = linkTo[d] as number;
      arcs++;
      linkTo[d] = 0;
      seen[d] = 0;
    }
    newOffsets[c + 1] = arcs;
  }
  const t = newTargets.slice(0, arcs);
  const w = newWeights.slice(0, arcs);
  return {
    n: k,
    offsets: newOffsets,
    targets: t,
    weights: w,
    loops: newLoops,
    strength: strengths(k, newOffsets, w, newLoops),
  };
}

/** Relabels a membership 0..k-1 by community size, largest first, ties by smallest node. */
function bySize(membership: Uint32Array): { labels: Uint32Array; count: number } {
  const n = membership.length;
  let k = 0;
  for (let v = 0; v < n; v++) k = Math.max(k, (membership[v] as number) + 1);
  const size = new Uint32Array(k);
  const first = new Int32Array(k).fill(-1);
  for (let v = 0; v < n; v++) {
    const c = membership[v] as number;
    size[c] = (size[c] as number) + 1;
    if (first[c] === -1) first[c] = v;
  }
  const used: number[] = [];
  for (let c = 0; c < k; c++) if ((size[c] as number) > 0) used.push(c);
  used.sort(
    (a, b) => (size[b] as number) - (size[a] as number) || (first[a] as number) - (first[b] as number),
  );
  const label = new Uint32Array(k);
  used.forEach((c, i) => {
    label[c] = i;
  });
  const labels = new Uint32Array(n);
  for (let v = 0; v < n; v++) labels[v] = label[membership[v] as number] as number;
  return { labels, count: used.length };
}
