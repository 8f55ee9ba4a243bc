// Every simple path of at most maxHops edges between two node sets, by depth-first search on typed-array
// stacks. A breadth-first pass backwards from the targets first gives each node its hop distance to the
// nearest target, so a branch is cut as soon as it cannot reach a target within the hops left.
//
// With node sets a path starts at a source, ends at the first target it reaches and never passes through
// another source. The same search, with a rule that edge times never decrease, lists time-ordered paths.

import { type Graph, NO_TIME } from './graph.js';
import { Budget, type LimitReached, type Limits } from './limits.js';
import {
  arcsFor,
  byCostThenHops,
  type Direction,
  depthLimit,
  markNodes,
  nodeList,
  type Path,
  pathCost,
  withLimit,
} from './paths-common.js';

export interface AllPathsOptions {
  direction?: Direction;
  /** Cost as the sum of 1 / strength rather than hops (only the order and `cost` change). */
  weighted?: boolean;
  limits?: Limits;
}

/**
 * Every simple path of at most maxHops edges from any source to any target, cheapest first (cost, then
 * hops). Stops with `limit` at limits.maxResults paths, or when the node or time budget runs out; maxHops
 * above limits.maxDepth is lowered to it (and reported as a depth limit).
 */
export function allPaths(
  g: Graph,
  from: number[] | number,
  to: number[] | number,
  maxHops: number,
  options: AllPathsOptions = {},
): { paths: Path[]; limit?: LimitReached } {
  const budget = new Budget(options.limits);
  const hops = Math.min(maxHops, budget.limits.maxDepth);
  const found = enumeratePaths(g, {
    sources: nodeList(g, from, 'from'),
    targets: nodeList(g, to, 'to'),
    maxHops: hops,
    direction: options.direction ?? 'both',
    budget,
    timed: null,
  });
  const weighted = options.weighted ?? false;
  const paths = found.routes
    .map((r) => ({ ...r, cost: pathCost(g, r.edges, weighted) }))
    .sort(byCostThenHops);
  const limit = found.limit ?? (hops < maxHops ? depthLimit(budget.limits.maxDepth) : undefined);
  return withLimit({ paths }, limit);
}

export interface EnumSpec {
  sources: number[];
  targets: number[];
  maxHops: number;
  direction: Direction;
  budget: Budget;
  /** When set, edge times must not decrease along a path (strictly increase when strict); NO_TIME is unusable. */
  timed: { strict: boolean } | null;
}

export interface Route {
  nodes: number[];
  edges: number[];
}

export function enumeratePaths(g: Graph, s: EnumSpec): { routes: Route[]; limit?: LimitReached } {
  const { budget, maxHops, timed } = s;
  const routes: Route[] = [];
  const isTarget = markNodes(g.n, s.targets);
  const isSource = markNodes(g.n, s.sources);
  const toTarget = hopsToTargets(g, s);
  if (budget.reached) return { routes, limit: budget.reached };
  const time = g.a.time;
  const strict = timed?.strict ?? false;
  const { first, second, directed } = arcsFor(g, s.direction);
  const other = second ?? first;
  const depth = Math.max(0, Math.min(maxHops, g.n));
  const stackNode = new Int32Array(depth + 1);
  const stackEdge = new Int32Array(depth + 1);
  const stackTime = new Float64Array(depth + 1);
  const cursor = new Int32Array(depth + 1);
  const onPath = new Uint8Array(g.n);
  const maxResults = budget.limits.maxResults;
  let limit: LimitReached | undefined;

  const emit = (d: number, e: number, v: number): boolean => {
    if (routes.length >= maxResults) {
      limit = { code: 'LIMIT_REACHED', cap: 'results', value: maxResults };
      return false;
    }
    const nodes = Array.from(stackNode.subarray(0, d + 1));
    const edges = Array.from(stackEdge.subarray(0, d));
    if (e >= 0) {
      nodes.push(v);
      edges.push(e);
    }
    routes.push({ nodes, edges });
    return true;
  };

  search: for (const start of s.sources) {
    stackNode[0] = start;
    if (isTarget[start] === 1 && !timed) {
      if (!emit(0, -1, -1)) break;
      continue;
    }
    const reach = toTarget[start] as number;
    if (reach < 0 || reach > maxHops || maxHops < 1) continue;
    if (!budget.visit()) break;
    let d = 0;
    stackTime[0] = Number.NEGATIVE_INFINITY;
    cursor[0] = 0;
    onPath[start] = 1;
    while (d >= 0) {
      const u = stackNode[d] as number;
      const len1 = (first.offsets[u + 1] as number) - (first.offsets[u] as number);
      const len2 = second ? (second.offsets[u + 1] as number) - (second.offsets[u] as number) : 0;
      let next = -1;
      let edge = -1;
      while (next < 0) {
        const p = cursor[d] as number;
        if (p >= len1 + len2) break;
        cursor[d] = p + 1;
        let v: number;
        let e: number;
        if (p < len1) {
          const i = (first.offsets[u] as number) + p;
          v = first.nodes[i] as number;
          e = first.edges[i] as number;
        } else {
          const i = (other.offsets[u] as number) + p - len1;
          e = other.edges[i] as number;
          if (directed[e] === 0) continue;
          v = other.nodes[i] as number;
        }
        if (onPath[v] === 1) continue;
        if (timed) {
          const t = time[e] as number;
          const last = stackTime[d] as number;
          if (t === NO_TIME || t < last || (strict && t === last)) continue;
        }
        if (isTarget[v] === 1) {
          if (!emit(d, e, v)) break search;
          continue;
        }
        if (isSource[v] === 1) continue;
        const left = toTarget[v] as number;
        if (left < 0 || left + d + 1 > maxHops) continue;
        next = v;
        edge = e;
      }
      if (next < 0) {
        onPath[u] = 0;
        d--;
        continue;
      }
      if (!budget.visit()) {
        limit = budget.reached;
        break search;
      }
      stackEdge[d] = edge;
      d++;
      stackNode[d] = next;
      stackTime[d] = time[edge] as number;
      cursor[d] = 0;
      onPath[next] = 1;
    }
  }
  return withLimit({ routes }, limit ?? budget.reached);
}

/** Hops from each node to the nearest target along the search direction (-1: not within maxHops). */
function hopsToTargets(g: Graph, s: EnumSpec): Int32Array {
  const dist = new Int32Array(g.n).fill(-1);
  const queue = new Uint32Array(g.n);
  const { first, second, directed } = arcsFor(g, s.direction, true);
  const time = g.a.time;
  let tail = 0;
  for (const t of s.targets) {
    dist[t] = 0;
    queue[tail++] = t;
  }
  for (let head = 0; head < tail; head++) {
    const u = queue[head] as number;
    const du = dist[u] as number;
    if (du >= s.maxHops) break;
    if (!s.budget.visit()) break;
    for (let pass = 0; pass < 2; pass++) {
      const adj = pass === 0 ? first : second;
      if (adj === null) break;
      const last = adj.offsets[u + 1] as number;
      for (let i = adj.offsets[u] as number; i < last; i++) {
        const v = adj.nodes[i] as number;
        if (dist[v] !== -1) continue;
        const e = adj.edges[i] as number;
        if (pass === 1 && directed[e] === 0) continue;
        if (s.timed && time[e] === NO_TIME) continue;
        dist[v] = du + 1;
        queue[tail++] = v;
      }
    }
  }
  return dist;
}
