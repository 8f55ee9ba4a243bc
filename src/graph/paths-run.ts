// Chooses the path search a request asks for: k shortest (default one), every path within N hops, or
// time-ordered routes.
import type { Graph } from './graph.js';
import type { LimitReached, Limits } from './limits.js';
import { allPaths, kShortestPaths, type Path, timeOrderedPaths } from './paths.js';

export interface PathSearch {
  k?: number;
  all?: boolean;
  timeOrdered?: boolean;
  weighted?: boolean;
  direction?: 'out' | 'in' | 'both';
  maxHops?: number;
  limits?: Limits;
}

export function findPaths(
  g: Graph,
  from: number[],
  to: number[],
  req: PathSearch,
): { paths: Path[]; limit?: LimitReached } {
  const maxHops = req.maxHops ?? 6;
  const limits: Limits = { ...req.limits, maxDepth: Math.max(req.limits?.maxDepth ?? 0, maxHops) };
  const options = { direction: req.direction ?? 'both', weighted: req.weighted ?? false, limits };
  if (req.timeOrdered) return timeOrderedPaths(g, from, to, { ...options, maxHops, all: req.all });
  if (req.all) return allPaths(g, from, to, maxHops, options);
  return kShortestPaths(g, from, to, req.k ?? 1, { ...options, limits: { ...limits, maxDepth: maxHops } });
}
