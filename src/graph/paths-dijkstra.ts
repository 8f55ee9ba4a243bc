// Weighted routes between two node sets (cost 1 / strength per edge, see paths-common.ts): bidirectional
// Dijkstra for the cheapest route whatever its length, and a hop-layered search for the cheapest route of at
// most maxHops edges, which is what a capped query asks and is much cheaper while the cap is small.

import { type Arcs, arcsFor, edgeCost, type Found, routeThrough, type SearchSpec } from './paths-common.js';
import { Labels, type MinHeap } from './paths-work.js';

interface DSide {
  arcs: Arcs;
  heap: MinHeap;
  seen: Uint32Array;
  parent: Int32Array;
  dist: Float64Array;
  done: Uint32Array;
}

export function bidirectionalDijkstra(s: SearchSpec): Found {
  const { g, ws, budget, bannedNode, bannedEdge } = s;
  const stamp = ws.next();
  const [distF, distB, doneF, doneB] = ws.distances();
  const f: DSide = {
    arcs: arcsFor(g, s.direction),
    heap: ws.heapF,
    seen: ws.seenF,
    parent: ws.parentF,
    dist: distF,
    done: doneF,
  };
  const b: DSide = {
    arcs: arcsFor(g, s.direction, true),
    heap: ws.heapB,
    seen: ws.seenB,
    parent: ws.parentB,
    dist: distB,
    done: doneB,
  };
  f.heap.clear();
  b.heap.clear();
  const seed = (side: DSide, u: number) => {
    side.seen[u] = stamp;
    side.parent[u] = -1;
    side.dist[u] = 0;
    side.heap.push(0, u);
  };
  for (const u of s.sources) seed(f, u);
  for (const u of s.targets) {
    seed(b, u);
    if (ws.seenF[u] === stamp) return { route: routeThrough(g, ws, u), depthCut: false };
  }
  const weight = g.a.weight;
  let best = Number.POSITIVE_INFINITY;
  let meet = -1;
  // Stop once no route through unsettled nodes can beat the best meeting found.
  while (f.heap.size > 0 && b.heap.size > 0 && f.heap.topKey + b.heap.topKey < best) {
    const forward = f.heap.size <= b.heap.size;
    const a = forward ? f : b;
    const o = forward ? b : f;
    const key = a.heap.topKey;
    const u = a.heap.pop();
    if (a.done[u] === stamp || key > (a.dist[u] as number)) continue;
    a.done[u] = stamp;
    if (!budget.visit()) break;
    const du = a.dist[u] as number;
    const { seen, parent, dist, heap } = a;
    const directed = a.arcs.directed;
    for (let pass = 0; pass < 2; pass++) {
      const adj = pass === 0 ? a.arcs.first : a.arcs.second;
      if (adj === null) break;
      const { offsets, nodes, edges } = adj;
      const last = offsets[u + 1] as number;
      for (let i = offsets[u] as number; i < last; i++) {
        const e = edges[i] as number;
        if (pass === 1 && directed[e] === 0) continue;
        const v = nodes[i] as number;
        const dv = du + edgeCost(weight[e] as number);
        if (seen[v] === stamp && dv >= (dist[v] as number)) continue;
        if (bannedEdge !== null && bannedEdge[e] === 1) continue;
        if (bannedNode !== null && bannedNode[v] === 1) continue;
        seen[v] = stamp;
        dist[v] = dv;
        parent[v] = e;
        heap.push(dv, v);
        if (o.seen[v] === stamp && dv + (o.dist[v] as number) < best) {
          best = dv + (o.dist[v] as number);
          meet = v;
        }
      }
    }
  }
  return { route: meet >= 0 ? routeThrough(g, ws, meet) : null, depthCut: false };
}

/**
 * Cheapest route of at most maxHops edges, by hop-layered Bellman-Ford from both ends: ceil(H/2) layers from
 * the sources and floor(H/2) from the targets, where after layer h a node holds its cheapest route of at most h
 * hops. A route of L <= H hops splits after hop min(L, ceil(H/2)) into parts each side covers, so the node
 * with the least sum of both sides' costs joins a cheapest route. Only nodes improved in a layer are expanded
 * in the next, so with the default cap of 6 each side reaches 3 hops out and expands only 2.
 */
export function layeredSearch(s: SearchSpec): Found {
  const { g, ws } = s;
  const stamp = ws.next();
  const [bestF, bestB] = ws.bestLabels();
  const labels = new Labels();
  const hopsF = Math.ceil(s.maxHops / 2);
  const f = layers(s, arcsFor(g, s.direction), s.sources, hopsF, ws.seenF, bestF, labels, stamp);
  if (!f) return { route: null, depthCut: false };
  const b = layers(
    s,
    arcsFor(g, s.direction, true),
    s.targets,
    s.maxHops - hopsF,
    ws.seenB,
    bestB,
    labels,
    stamp,
  );
  if (!b) return { route: null, depthCut: false };
  const [few, seenOther] =
    f.touched.length <= b.touched.length ? [f.touched, ws.seenB] : [b.touched, ws.seenF];
  let best = Number.POSITIVE_INFINITY;
  let meet = -1;
  for (const v of few) {
    if (seenOther[v] !== stamp) continue;
    const cost = (labels.cost[bestF[v] as number] as number) + (labels.cost[bestB[v] as number] as number);
    if (cost < best) {
      best = cost;
      meet = v;
    }
  }
  if (meet < 0) return { route: null, depthCut: f.open && b.open };
  const head = labels.route(bestF[meet] as number);
  const tail = labels.route(bestB[meet] as number);
  tail.nodes.reverse();
  tail.edges.reverse();
  return {
    route: withoutLoops(head.nodes.concat(tail.nodes.slice(1)), head.edges.concat(tail.edges)),
    depthCut: false,
  };
}

/**
 * Layers of Bellman-Ford from `seeds`: each node keeps one label per layer at most (improved in place), and
 * best[v] is its cheapest label so far. Returns the nodes reached and whether the last layer still improved
 * something (so more hops could find more); null when the budget ran out.
 */
function layers(
  s: SearchSpec,
  arcs: Arcs,
  seeds: number[],
  count: number,
  seen: Uint32Array,
  best: Int32Array,
  labels: Labels,
  stamp: number,
): { touched: number[]; open: boolean } | null {
  const { bannedNode, bannedEdge, budget } = s;
  const weight = s.g.a.weight;
  const touched: number[] = [];
  let frontier: number[] = [];
  for (const u of seeds) {
    const id = labels.add(u, -1, -1, 0, 0);
    seen[u] = stamp;
    best[u] = id;
    touched.push(u);
    frontier.push(id);
  }
  for (let h = 1; h <= count && frontier.length > 0; h++) {
    const next: number[] = [];
    for (const id of frontier) {
      if (!budget.visit()) return null;
      const u = labels.node[id] as number;
      const cost = labels.cost[id] as number;
      for (let pass = 0; pass < 2; pass++) {
        const adj = pass === 0 ? arcs.first : arcs.second;
        if (adj === null) break;
        const last = adj.offsets[u + 1] as number;
        for (let i = adj.offsets[u] as number; i < last; i++) {
          const e = adj.edges[i] as number;
          if (pass === 1 && arcs.directed[e] === 0) continue;
          if (bannedEdge !== null && bannedEdge[e] === 1) continue;
          const v = adj.nodes[i] as number;
          const c = cost + edgeCost(weight[e] as number);
          if (seen[v] === stamp) {
            const old = best[v] as number;
            if (c >= (labels.cost[old] as number)) continue;
            if (labels.hops[old] === h) {
              labels.parent[old] = id;
              labels.edge[old] = e;
              labels.cost[old] = c;
              continue;
            }
          } else {
            if (bannedNode !== null && bannedNode[v] === 1) continue;
            seen[v] = stamp;
            touched.push(v);
          }
          const label = labels.add(v, id, e, h, c);
          best[v] = label;
          next.push(label);
        }
      }
    }
    frontier = next;
  }
  return { touched, open: frontier.length > 0 };
}

/** The route with any cycle cut out (joining two cheapest halves can revisit a node only on zero-cost ties). */
function withoutLoops(nodes: number[], edges: number[]): { nodes: number[]; edges: number[] } {
  const at = new Map<number, number>();
  const outNodes: number[] = [];
  const outEdges: number[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const v = nodes[i] as number;
    const seenAt = at.get(v);
    if (seenAt !== undefined) {
      for (const u of outNodes.splice(seenAt + 1)) at.delete(u);
      outEdges.length = seenAt;
    } else {
      at.set(v, outNodes.length);
      outNodes.push(v);
    }
    if (i < edges.length) outEdges.push(edges[i] as number);
  }
  return { nodes: outNodes, edges: outEdges };
}
