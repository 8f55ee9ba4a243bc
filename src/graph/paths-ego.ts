// The ego network of a node (or a group of nodes): everything within `depth` hops, grown breadth first so the
// nearest neighbours come first, plus every edge among the nodes returned. A node cap stops the growth
// (reported as a 'nodes' limit) so a hub cannot pull half the graph into a chart.

import type { Graph } from './graph.js';
import { Budget, type LimitReached, type Limits } from './limits.js';
import { arcsFor, type Direction, depthLimit, nodeList, withLimit } from './paths-common.js';

export interface EgoOptions {
  /** Hops from the centre; default 1, at most limits.maxDepth. */
  depth?: number;
  /** Default 'both'; 'out' takes only what the centre points to, 'in' only what points to it. */
  direction?: Direction;
  /** Most nodes returned, centres included; default limits.maxNodes. */
  maxNodes?: number;
  limits?: Limits;
}

export interface EgoNetwork {
  /** Breadth-first order: centres, then depth 1, then depth 2... */
  nodes: number[];
  /** Every edge with both ends among `nodes` (whatever its direction), ascending. */
  edges: number[];
  depthOf: Map<number, number>;
  limit?: LimitReached;
}

export function egoNetwork(g: Graph, center: number | number[], options: EgoOptions = {}): EgoNetwork {
  const budget = new Budget(options.limits);
  const wanted = options.depth ?? 1;
  const depth = Math.max(0, Math.min(wanted, budget.limits.maxDepth));
  const cap = Math.max(0, Math.min(options.maxNodes ?? budget.limits.maxNodes, budget.limits.maxNodes));
  const { first, second, directed } = arcsFor(g, options.direction ?? 'both');
  const inSet = new Uint8Array(g.n);
  const nodes: number[] = [];
  const depthOf = new Map<number, number>();
  let limit: LimitReached | undefined;

  const add = (v: number, d: number): boolean => {
    if (nodes.length >= cap) {
      limit = { code: 'LIMIT_REACHED', cap: 'nodes', value: cap };
      return false;
    }
    inSet[v] = 1;
    nodes.push(v);
    depthOf.set(v, d);
    return true;
  };

  let full = false;
  for (const c of nodeList(g, center, 'center')) {
    if (!add(c, 0)) {
      full = true;
      break;
    }
  }
  let levelStart = 0;
  for (let d = 0; d < depth && !full; d++) {
    const levelEnd = nodes.length;
    for (let k = levelStart; k < levelEnd && !full; k++) {
      const u = nodes[k] as number;
      if (!budget.visit()) {
        limit = budget.reached;
        full = true;
        break;
      }
      for (let pass = 0; pass < 2 && !full; pass++) {
        const adj = pass === 0 ? first : second;
        if (adj === null) break;
        const last = adj.offsets[u + 1] as number;
        for (let i = adj.offsets[u] as number; i < last; i++) {
          const v = adj.nodes[i] as number;
          if (inSet[v] === 1) continue;
          if (pass === 1 && directed[adj.edges[i] as number] === 0) continue;
          if (!add(v, d + 1)) {
            full = true;
            break;
          }
        }
      }
    }
    levelStart = levelEnd;
  }
  // Reaching the depth cap matters only when the last level still had somewhere to go.
  if (!limit && depth < wanted && hasExit(g, nodes.slice(levelStart), inSet, options.direction ?? 'both')) {
    limit = depthLimit(budget.limits.maxDepth);
  }
  return withLimit({ nodes, edges: edgesAmong(g, nodes, inSet), depthOf }, limit);
}

/** Every edge with both ends in the set, each once: an edge is listed from its source's out-arcs. */
function edgesAmong(g: Graph, nodes: number[], inSet: Uint8Array): number[] {
  const edges: number[] = [];
  const { offsets, nodes: ends, edges: ids } = g.out;
  const src = g.a.src;
  for (const u of nodes) {
    const last = offsets[u + 1] as number;
    for (let i = offsets[u] as number; i < last; i++) {
      const e = ids[i] as number;
      if (inSet[ends[i] as number] === 1 && src[e] === u) edges.push(e);
    }
  }
  return edges.sort((a, b) => a - b);
}

function hasExit(g: Graph, frontier: number[], inSet: Uint8Array, direction: Direction): boolean {
  const { first, second } = arcsFor(g, direction);
  for (const u of frontier) {
    for (const adj of second ? [first, second] : [first]) {
      const last = adj.offsets[u + 1] as number;
      for (let i = adj.offsets[u] as number; i < last; i++)
        if (inSet[adj.nodes[i] as number] === 0) return true;
    }
  }
  return false;
}
