// Bidirectional breadth-first search for the fewest-hops route between two node sets: one search grows from
// the sources, one from the targets, each expanding a whole level at a time (the smaller frontier first) until
// they meet. On large sparse graphs this touches a tiny part of the graph compared with a one-sided search.

import { type Arcs, arcsFor, type Found, routeThrough, type SearchSpec } from './paths-common.js';

/** One side of a bidirectional search. */
class Side {
  head = 0;
  tail = 0;
  hops = 0;
  constructor(
    readonly arcs: Arcs,
    readonly queue: Uint32Array,
    readonly seen: Uint32Array,
    readonly parent: Int32Array,
  ) {}
}

export function bidirectionalBfs(s: SearchSpec): Found {
  const { g, ws } = s;
  const stamp = ws.next();
  const f = new Side(arcsFor(g, s.direction), ws.queueF, ws.seenF, ws.parentF);
  const b = new Side(arcsFor(g, s.direction, true), ws.queueB, ws.seenB, ws.parentB);
  for (const u of s.sources) {
    ws.seenF[u] = stamp;
    ws.parentF[u] = -1;
    f.queue[f.tail++] = u;
  }
  for (const u of s.targets) {
    ws.seenB[u] = stamp;
    ws.parentB[u] = -1;
    if (ws.seenF[u] === stamp) return { route: routeThrough(g, ws, u), depthCut: false };
    b.queue[b.tail++] = u;
  }
  // The first meeting is a shortest route: every level of both sides is complete before the next starts.
  while (f.head < f.tail && b.head < b.tail) {
    if (f.hops + b.hops >= s.maxHops) return { route: null, depthCut: true };
    const forward = f.tail - f.head <= b.tail - b.head;
    const meet = forward ? expandLevel(s, f, b, stamp) : expandLevel(s, b, f, stamp);
    if (meet >= 0) return { route: routeThrough(g, ws, meet), depthCut: false };
    if (meet === -2) break;
  }
  return { route: null, depthCut: false };
}

/** Expands one whole level of side `a`; returns the node where it meets `b`, -1 if none, -2 when out of budget. */
function expandLevel(s: SearchSpec, a: Side, b: Side, stamp: number): number {
  const { queue, seen, parent } = a;
  const other = b.seen;
  const directed = a.arcs.directed;
  const { bannedNode, bannedEdge, budget } = s;
  const end = a.tail;
  let tail = a.tail;
  try {
    while (a.head < end) {
      const u = queue[a.head++] as number;
      if (!budget.visit()) return -2;
      for (let pass = 0; pass < 2; pass++) {
        const adj = pass === 0 ? a.arcs.first : a.arcs.second;
        if (adj === null) break;
        const { offsets, nodes, edges } = adj;
        const last = offsets[u + 1] as number;
        for (let i = offsets[u] as number; i < last; i++) {
          const v = nodes[i] as number;
          if (seen[v] === stamp) continue;
          const e = edges[i] as number;
          if (pass === 1 && directed[e] === 0) continue;
          if (bannedEdge !== null && bannedEdge[e] === 1) continue;
          if (bannedNode !== null && bannedNode[v] === 1) continue;
          seen[v] = stamp;
          parent[v] = e;
          if (other[v] === stamp) return v;
          queue[tail++] = v;
        }
      }
    }
    a.hops++;
    return -1;
  } finally {
    a.tail = tail;
  }
}
