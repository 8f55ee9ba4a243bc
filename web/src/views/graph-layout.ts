// Where the explorer's nodes go when the view grows.
//
// Small views are laid out whole, as they always were: ForceAtlas2 over every node after each change, which lets the
// picture settle into one shape (150 iterations cost ~0.2 s at a few hundred nodes).
//
// Beyond FULL_LAYOUT_MAX nodes, laying out the whole view again for every expansion is what made expanding slow
// (4.6 s of 5.1 s at 5,000 nodes, growing with the view) and it also moved every node the reader had already
// placed in their head. So a large view is laid out *incrementally*, with a cost that depends on the expansion,
// not on the view:
//   1. the new nodes are placed deterministically on a small disc (a sunflower spiral, in the order the server
//      gave them) next to the node they came from, on the side away from the rest of the picture;
//   2. ForceAtlas2 runs on a small graph of the new nodes and the old nodes around them (the node they hang from
//      and the nearest others, held still with FA2's `fixed` attribute, their ties kept so they repel as they
//      would in the whole layout), so the newcomers spread out and settle against what is already there.
// The old nodes never move. Running FA2 over the whole view with the old nodes fixed would not be cheaper (FA2
// still computes every repulsion), and the worker supervisor would only move the same cost off the main thread
// while the picture kept changing under the reader.
import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import { type ExplorerGraph, layout } from '../graph/model.js';

/** Up to this many nodes, the whole view is laid out again after each change. */
export const FULL_LAYOUT_MAX = 600;
/** Old nodes around the newcomers that take part (held still) in their layout, at most. */
const CONTEXT_MAX = 300;
const LOCAL_ITERATIONS = 80;
const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

/**
 * Lays the view out after `added` (graph keys) came in, expanded from `anchor` (a graph key) when there is one.
 * Whole for small views, incrementally for large ones (see above).
 */
export function layoutAfter(g: ExplorerGraph, added: readonly string[], anchor?: string): void {
  if (added.length === 0) return;
  if (g.order <= FULL_LAYOUT_MAX) {
    layout(g);
    return;
  }
  placeIncrementally(g, added, anchor);
}

/** The median length of the ties among old nodes (a sample): the scale of the current picture. */
function typicalTie(g: ExplorerGraph, isNew: Set<string>): number {
  const lengths: number[] = [];
  g.someEdge((_key, _a, source, target, sa, ta) => {
    if (source === target || isNew.has(source) || isNew.has(target)) return false;
    lengths.push(Math.hypot(sa.x - ta.x, sa.y - ta.y));
    return lengths.length >= 2000;
  });
  if (lengths.length === 0) return 1;
  lengths.sort((a, b) => a - b);
  return Math.max(lengths[lengths.length >> 1] ?? 1, 1e-6);
}

function placeIncrementally(g: ExplorerGraph, added: readonly string[], anchor?: string): void {
  const isNew = new Set(added);
  const tie = typicalTie(g, isNew);

  // Each newcomer hangs from an old node: the anchor when tied to it, else its first old neighbour, else (a node
  // reached only through other newcomers, as in the middle of a path) the home of such a neighbour.
  const home = new Map<string, string>();
  const hasAnchor = anchor !== undefined && g.hasNode(anchor) && !isNew.has(anchor);
  for (const key of added) {
    if (hasAnchor && g.areNeighbors(key, anchor)) {
      home.set(key, anchor);
      continue;
    }
    const old = g.findNeighbor(key, (n) => !isNew.has(n));
    if (old !== undefined) home.set(key, old);
  }
  for (let pass = 0; pass < 4 && home.size < added.length; pass++)
    for (const key of added) {
      if (home.has(key)) continue;
      const via = g.findNeighbor(key, (n) => home.has(n));
      if (via !== undefined) home.set(key, home.get(via) as string);
    }

  // The middle of the old picture, to know which way is "outside" from a home.
  let cx = 0;
  let cy = 0;
  let n = 0;
  g.forEachNode((key, a) => {
    if (isNew.has(key)) return;
    cx += a.x;
    cy += a.y;
    n++;
  });
  cx /= n || 1;
  cy /= n || 1;
  const fallbackHome = hasAnchor ? anchor : undefined;

  // 1. A disc per home, next to it on the outer side, with the newcomers on a sunflower spiral.
  const groups = new Map<string, string[]>();
  for (const key of added) {
    const h = home.get(key) ?? fallbackHome ?? '';
    const list = groups.get(h);
    if (list) list.push(key);
    else groups.set(h, [key]);
  }
  const placed = new Map<string, { x: number; y: number }>();
  for (const [h, keys] of groups) {
    const hx = h ? g.getNodeAttribute(h, 'x') : cx;
    const hy = h ? g.getNodeAttribute(h, 'y') : cy;
    let ux = hx - cx;
    let uy = hy - cy;
    const len = Math.hypot(ux, uy);
    if (len > 1e-9) {
      ux /= len;
      uy /= len;
    } else {
      ux = 1;
      uy = 0;
    }
    const radius = tie * 0.5 * Math.sqrt(keys.length);
    const dx = hx + ux * (tie + radius);
    const dy = hy + uy * (tie + radius);
    keys.forEach((key, i) => {
      const r = radius * Math.sqrt((i + 0.5) / keys.length);
      const t = i * GOLDEN_ANGLE;
      placed.set(key, { x: dx + r * Math.cos(t), y: dy + r * Math.sin(t) });
    });
  }

  // 2. ForceAtlas2 on the newcomers and the old nodes nearest to them (held still).
  const local = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  let mx = 0;
  let my = 0;
  for (const p of placed.values()) {
    mx += p.x;
    my += p.y;
  }
  mx /= added.length;
  my /= added.length;
  // Coordinates are taken relative to the anchor (or the newcomers' middle), so FA2's gravity, which pulls to the
  // origin, pulls stray newcomers towards where they belong rather than to the middle of the picture.
  const origin = hasAnchor ? g.getNodeAttributes(anchor) : { x: mx, y: my };
  const [ox, oy] = [origin.x, origin.y];
  for (const [key, p] of placed) local.addNode(key, { x: p.x - ox, y: p.y - oy, fixed: false });
  const context = new Set<string>(home.values());
  if (hasAnchor) context.add(anchor);
  // Then the old nodes nearest to the newcomers' middle: one pass keeps those within a generous radius, the
  // closest of them are taken.
  const reach = (tie * (2 + Math.sqrt(added.length))) ** 2;
  const near: [string, number][] = [];
  g.forEachNode((key, a) => {
    if (isNew.has(key) || context.has(key)) return;
    const d = (a.x - mx) ** 2 + (a.y - my) ** 2;
    if (d <= reach) near.push([key, d]);
  });
  near.sort((p, q) => p[1] - q[1]);
  for (const [key] of near) {
    if (context.size >= CONTEXT_MAX) break;
    context.add(key);
  }
  for (const key of context) {
    const a = g.getNodeAttributes(key);
    local.addNode(key, { x: a.x - ox, y: a.y - oy, fixed: true });
  }
  // Every tie among the local nodes, so the old ones weigh (repel) as they do in the whole picture.
  local.forEachNode((key) => {
    g.forEachNeighbor(key, (other) => {
      if (other !== key && local.hasNode(other) && !local.hasEdge(key, other)) local.addEdge(key, other);
    });
  });
  const settings = forceAtlas2.inferSettings(g);
  forceAtlas2.assign(local, {
    iterations: LOCAL_ITERATIONS,
    settings: {
      ...settings,
      barnesHutOptimize: false,
      strongGravityMode: false,
      gravity: 0.5,
      slowDown: 1 + Math.log(local.order),
      adjustSizes: false,
    },
    getEdgeWeight: null,
  });
  for (const key of added) {
    const a = local.getNodeAttributes(key);
    const x = (a.x as number) + ox;
    const y = (a.y as number) + oy;
    if (Number.isFinite(x) && Number.isFinite(y)) g.mergeNodeAttributes(key, { x, y });
  }
}
