// Shortest path between two node sets. Fewest hops: bidirectional breadth-first search, one side grown from
// the sources and one from the targets until they meet, which on large sparse graphs touches a tiny part of the
// graph. Weighted (1 / strength per edge, see paths-common.ts): `limits.maxDepth` caps the hops of an answer,
// so the answer is the cheapest route of at most that many edges (a cheaper, longer route is not looked for);
// a hop-layered search from both ends finds it while the cap is small, bidirectional Dijkstra beyond that.

import type { Graph } from './graph.js';
import { Budget, type LimitReached, type Limits } from './limits.js';
import { bidirectionalBfs } from './paths-bfs.js';
import {
  type Direction,
  depthLimit,
  type Found,
  nodeList,
  type Path,
  pathCost,
  type SearchResult,
  type SearchSpec,
  withLimit,
} from './paths-common.js';
import { bidirectionalDijkstra, layeredSearch } from './paths-dijkstra.js';
import { Workspace } from './paths-work.js';

export interface PathOptions {
  /** Default 'both': any edge in either direction; 'out' follows edges forward, 'in' backward. */
  direction?: Direction;
  /** Minimise the sum of 1 / strength instead of hops. */
  weighted?: boolean;
  limits?: Limits;
}

/**
 * The cheapest path from any source to any target (fewest hops, or least 1 / strength when weighted), null
 * when none exists within the limits. A node in both sets gives a path of no edges.
 */
export function shortestPath(
  g: Graph,
  from: number[] | number,
  to: number[] | number,
  options: PathOptions = {},
): { path: Path | null; limit?: LimitReached } {
  const budget = new Budget(options.limits);
  const result = findPath({
    g,
    ws: Workspace.of(g),
    budget,
    direction: options.direction ?? 'both',
    weighted: options.weighted ?? false,
    sources: nodeList(g, from, 'from'),
    targets: nodeList(g, to, 'to'),
    maxHops: budget.limits.maxDepth,
    bannedNode: null,
    bannedEdge: null,
  });
  const limit = budget.reached ?? (result.depthCut ? depthLimit(budget.limits.maxDepth) : undefined);
  return withLimit({ path: result.path }, limit);
}

/** Above this hop cap a weighted search runs Dijkstra first: the layered search grows with the cap. */
const LAYERED_MAX_HOPS = 12;

export function findPath(s: SearchSpec): SearchResult {
  if (s.sources.length === 0 || s.targets.length === 0) return { path: null, depthCut: false };
  if (!s.weighted) return finish(s, bidirectionalBfs(s));
  if (s.maxHops <= LAYERED_MAX_HOPS) return finish(s, layeredSearch(s));
  const found = finish(s, bidirectionalDijkstra(s));
  if (found.path === null || found.path.edges.length <= s.maxHops) return found;
  if (s.budget.reached) return { path: null, depthCut: false };
  const capped = finish(s, layeredSearch(s)).path;
  return { path: capped, depthCut: capped === null };
}

function finish(s: SearchSpec, found: Found): SearchResult {
  const r = found.route;
  const path = r ? { nodes: r.nodes, edges: r.edges, cost: pathCost(s.g, r.edges, s.weighted) } : null;
  return { path, depthCut: found.depthCut };
}
