// Time-ordered paths: routes whose edge dates never go backwards, such as money or calls moving forward in
// time. An edge without a date (NO_TIME) cannot be used, since nothing says when it happened. By default the
// answer is the earliest-arrival path to each target (arrival = date of the last edge, ties broken by fewer
// hops), found by a label-setting search in arrival order; with `all` it is every time-ordered simple path.

import { type Graph, NO_TIME } from './graph.js';
import { Budget, type LimitReached, type Limits } from './limits.js';
import {
  arcsFor,
  type Direction,
  depthLimit,
  markNodes,
  nodeList,
  type Path,
  withLimit,
} from './paths-common.js';
import { enumeratePaths, type Route } from './paths-enum.js';
import { Labels, MinHeap } from './paths-work.js';

/** A time-ordered path; cost is hops, departure and arrival the days of its first and last edges. */
export interface TimedPath extends Path {
  departure: number;
  arrival: number;
}

export interface TimeOptions {
  /** Most edges in a path; default (and at most) limits.maxDepth. */
  maxHops?: number;
  /** Default 'both'; use 'out' to follow flows along their direction. */
  direction?: Direction;
  /** Each edge strictly later than the one before (default false: the same day is allowed). */
  strict?: boolean;
  /** Every time-ordered simple path up to limits.maxResults, instead of the earliest arrival per target. */
  all?: boolean;
  limits?: Limits;
}

/**
 * Paths from any source to any target whose edge times are non-decreasing, sorted by arrival then hops:
 * the earliest-arrival path to each reachable target, or with `all` every such path. A path has at least
 * one edge, ends at the first target it reaches and passes through no other source.
 */
export function timeOrderedPaths(
  g: Graph,
  from: number[] | number,
  to: number[] | number,
  options: TimeOptions = {},
): { paths: TimedPath[]; limit?: LimitReached } {
  const budget = new Budget(options.limits);
  const wanted = options.maxHops ?? budget.limits.maxDepth;
  const maxHops = Math.min(wanted, budget.limits.maxDepth);
  const sources = nodeList(g, from, 'from');
  const targets = nodeList(g, to, 'to');
  const direction = options.direction ?? 'both';
  const strict = options.strict ?? false;
  const found = options.all
    ? enumeratePaths(g, { sources, targets, maxHops, direction, budget, timed: { strict } })
    : earliestArrival(g, sources, targets, maxHops, direction, strict, budget);
  const time = g.a.time;
  const paths = found.routes.map((r) => ({
    nodes: r.nodes,
    edges: r.edges,
    cost: r.edges.length,
    departure: time[r.edges[0] as number] as number,
    arrival: time[r.edges[r.edges.length - 1] as number] as number,
  }));
  paths.sort((a, b) => a.arrival - b.arrival || a.cost - b.cost);
  const limit = found.limit ?? (maxHops < wanted ? depthLimit(budget.limits.maxDepth) : undefined);
  return withLimit({ paths }, limit);
}

function earliestArrival(
  g: Graph,
  sources: number[],
  targets: number[],
  maxHops: number,
  direction: Direction,
  strict: boolean,
  budget: Budget,
): { routes: Route[]; limit?: LimitReached } {
  const routes: Route[] = [];
  const isTarget = markNodes(g.n, targets);
  const isSource = markNodes(g.n, sources);
  // Labels are popped by arrival, then hops. A non-target node keeps the fewest hops of its popped labels: a
  // later label with no fewer hops arrives no earlier and can do nothing more, so it is dropped.
  const minHops = new Int32Array(g.n).fill(0x7fffffff);
  const reported = new Uint8Array(g.n);
  const hopCap = Math.max(0, Math.min(maxHops, g.n, 1 << 20));
  const key = (arrival: number, hops: number) => arrival * (hopCap + 1) + hops;
  const labels = new Labels();
  const heap = new MinHeap();
  for (const s of sources)
    heap.push(Number.NEGATIVE_INFINITY, labels.add(s, -1, -1, 0, Number.NEGATIVE_INFINITY));
  let open = targets.length;
  const maxResults = budget.limits.maxResults;
  const time = g.a.time;
  const { first, second, directed } = arcsFor(g, direction);
  while (heap.size > 0 && open > 0) {
    const id = heap.pop();
    const u = labels.node[id] as number;
    const h = labels.hops[id] as number;
    if (h > 0 && isTarget[u] === 1) {
      // A target ends a path; the first label popped for it is its earliest arrival.
      if (reported[u] === 1) continue;
      const route = labels.route(id);
      if (route.nodes[0] === u) continue; // a loop back to where it started
      if (routes.length >= maxResults)
        return { routes, limit: { code: 'LIMIT_REACHED', cap: 'results', value: maxResults } };
      reported[u] = 1;
      open--;
      routes.push(route);
      continue;
    }
    if ((minHops[u] as number) <= h) continue;
    minHops[u] = h;
    if (!budget.visit()) break;
    if (h >= hopCap) continue;
    const arrived = labels.cost[id] as number;
    for (let pass = 0; pass < 2; pass++) {
      const adj = pass === 0 ? first : second;
      if (adj === null) break;
      const last = adj.offsets[u + 1] as number;
      for (let i = adj.offsets[u] as number; i < last; i++) {
        const e = adj.edges[i] as number;
        if (pass === 1 && directed[e] === 0) continue;
        const t = time[e] as number;
        if (t === NO_TIME || t < arrived || (strict && t === arrived)) continue;
        const v = adj.nodes[i] as number;
        if (isTarget[v] === 1) {
          if (reported[v] === 1) continue;
        } else if (isSource[v] === 1 || (minHops[v] as number) <= h + 1) continue;
        heap.push(key(t, h + 1), labels.add(v, id, e, h + 1, t));
      }
    }
  }
  return withLimit({ routes }, budget.reached);
}
