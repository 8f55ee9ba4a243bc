// Shared pieces of the path searches: the direction of travel, node-set arguments, the edge cost model, and
// the description of one search between node sets (SearchSpec) with the route it finds.
//
// Cost model: unweighted searches count hops. Weighted searches read `weight` as a tie STRENGTH (higher =
// stronger) and charge 1 / strength per edge, so a route over strong ties is cheaper than one over weak ties;
// strengths <= 0 (or NaN) count as MIN_STRENGTH, making such an edge very expensive but still usable.

import type { Adjacency, Graph } from './graph.js';
import type { Budget, LimitReached } from './limits.js';
import type { Workspace } from './paths-work.js';

/** Which way edges may be followed: 'out' forward, 'in' backward, 'both' ignoring direction. */
export type Direction = 'out' | 'in' | 'both';

/** A route: edges[i] joins nodes[i] and nodes[i+1]. Cost is hops, or the sum of 1 / strength when weighted. */
export interface Path {
  nodes: number[];
  edges: number[];
  cost: number;
}

/** Strength assumed for edges whose strength is <= 0 or not a number. */
export const MIN_STRENGTH = 1e-6;

/** The weighted cost of crossing an edge of the given strength. */
export function edgeCost(strength: number): number {
  return strength > MIN_STRENGTH ? 1 / strength : 1 / MIN_STRENGTH;
}

/** Hops, or the summed weighted cost of the edges in path order. */
export function pathCost(g: Graph, edges: number[], weighted: boolean): number {
  if (!weighted) return edges.length;
  let cost = 0;
  for (const e of edges) cost += edgeCost(g.a.weight[e] as number);
  return cost;
}

/** Orders paths by cost, then hops. */
export function byCostThenHops(a: Path, b: Path): number {
  return a.cost - b.cost || a.edges.length - b.edges.length;
}

/**
 * The arcs a search follows from a node: one adjacency, or for 'both' the out-arcs plus the in-arcs of
 * directed edges only (an undirected edge already appears among the out-arcs of both its ends). `second` is
 * null when there is one adjacency to scan.
 */
export interface Arcs {
  first: Adjacency;
  second: Adjacency | null;
  directed: Uint8Array;
}

export function arcsFor(g: Graph, direction: Direction, reverse = false): Arcs {
  const directed = g.a.directed;
  const d = reverse ? (direction === 'out' ? 'in' : direction === 'in' ? 'out' : 'both') : direction;
  if (d === 'out') return { first: g.out, second: null, directed };
  if (d === 'in') return { first: g.in, second: null, directed };
  // With no directed edge at all the in-arcs repeat the out-arcs: scan one side only.
  let hasDirected = anyDirected.get(g);
  if (hasDirected === undefined) {
    hasDirected = directed.indexOf(1) !== -1;
    anyDirected.set(g, hasDirected);
  }
  return { first: g.out, second: hasDirected ? g.in : null, directed };
}

const anyDirected = new WeakMap<Graph, boolean>();

/** The other end of edge e from node v. */
export function otherEnd(g: Graph, e: number, v: number): number {
  const s = g.a.src[e] as number;
  return s === v ? (g.a.dst[e] as number) : s;
}

/** A node or list of nodes as a duplicate-free list, checked against the graph. */
export function nodeList(g: Graph, x: number | number[], role: string): number[] {
  const list = typeof x === 'number' ? [x] : x;
  const seen = new Set<number>();
  const out: number[] = [];
  for (const u of list) {
    if (!Number.isInteger(u) || u < 0 || u >= g.n) throw new RangeError(`${role}: no node ${u} in the graph`);
    if (!seen.has(u)) {
      seen.add(u);
      out.push(u);
    }
  }
  return out;
}

/** A byte per node, 1 for the listed nodes. */
export function markNodes(n: number, list: number[]): Uint8Array {
  const mark = new Uint8Array(n);
  for (const u of list) mark[u] = 1;
  return mark;
}

export function depthLimit(value: number): LimitReached {
  return { code: 'LIMIT_REACHED', cap: 'depth', value };
}

/** A result object with `limit` present only when set. */
export function withLimit<T extends object>(
  result: T,
  limit: LimitReached | undefined,
): T & { limit?: LimitReached } {
  return limit ? { ...result, limit } : result;
}

/** One search between node sets, with optional bans (Yen's spur searches); starting nodes must not be banned. */
export interface SearchSpec {
  g: Graph;
  ws: Workspace;
  budget: Budget;
  direction: Direction;
  weighted: boolean;
  sources: number[];
  targets: number[];
  maxHops: number;
  bannedNode: Uint8Array | null;
  bannedEdge: Uint8Array | null;
}

export interface SearchResult {
  path: Path | null;
  /** The hop cap cut the search short (or changed the weighted answer). */
  depthCut: boolean;
}

/** A route found by one search, before its cost is added. */
export interface Found {
  route: { nodes: number[]; edges: number[] } | null;
  depthCut: boolean;
}

/** The route through `meet`: forward parents back to a source, backward parents on to a target. */
export function routeThrough(g: Graph, ws: Workspace, meet: number): { nodes: number[]; edges: number[] } {
  const nodes = [meet];
  const edges: number[] = [];
  let v = meet;
  for (let e = ws.parentF[v] as number; e >= 0; e = ws.parentF[v] as number) {
    edges.push(e);
    v = otherEnd(g, e, v);
    nodes.push(v);
  }
  nodes.reverse();
  edges.reverse();
  v = meet;
  for (let e = ws.parentB[v] as number; e >= 0; e = ws.parentB[v] as number) {
    edges.push(e);
    v = otherEnd(g, e, v);
    nodes.push(v);
  }
  return { nodes, edges };
}
