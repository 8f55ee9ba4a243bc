// The k shortest loopless paths between two node sets (Yen's algorithm, with Lawler's rule of spurring a path
// only from the point where it left its parent). Each spur search is the bidirectional search of
// paths-shortest.ts run with the root's nodes and the already-taken next edges banned.
//
// Paths are distinct as edge sequences (two parallel edges give two paths). With node sets, a path starts at a
// source, ends at the first target it reaches and never passes through another source; the choice of source
// is treated as a first step from a virtual root, so alternatives from other sources are found as well.

import type { Graph } from './graph.js';
import { Budget, type LimitReached } from './limits.js';
import {
  byCostThenHops,
  depthLimit,
  nodeList,
  type Path,
  pathCost,
  type SearchSpec,
  withLimit,
} from './paths-common.js';
import { findPath, type PathOptions } from './paths-shortest.js';
import { Workspace } from './paths-work.js';

interface Ranked {
  path: Path;
  /** Position of the spur node this path was found from (-1: the virtual root before the source). */
  spur: number;
  key: string;
}

/**
 * Up to k loopless paths from any source to any target, cheapest first (cost, then hops). Fewer come back
 * when fewer exist; `limits.maxResults` caps k, `limits.maxDepth` the hops of each path.
 */
export function kShortestPaths(
  g: Graph,
  from: number[] | number,
  to: number[] | number,
  k: number,
  options: PathOptions = {},
): { paths: Path[]; limit?: LimitReached } {
  const budget = new Budget(options.limits);
  const sources = nodeList(g, from, 'from');
  const targets = nodeList(g, to, 'to');
  const want = Math.min(Math.max(0, Math.floor(k)), budget.limits.maxResults);
  const maxHops = budget.limits.maxDepth;
  const isTarget = new Uint8Array(g.n);
  for (const t of targets) isTarget[t] = 1;
  // Sources are never intermediate nodes.
  const bannedNode = new Uint8Array(g.n);
  for (const s of sources) if (isTarget[s] === 0) bannedNode[s] = 1;
  const bannedEdge = new Uint8Array(g.m);
  const spec: SearchSpec = {
    g,
    ws: Workspace.of(g),
    budget,
    direction: options.direction ?? 'both',
    weighted: options.weighted ?? false,
    sources,
    targets,
    maxHops,
    bannedNode,
    bannedEdge,
  };
  const accepted: Ranked[] = [];
  const candidates: Ranked[] = [];
  const keys = new Set<string>();
  let depthCut = false;

  /** A search from `seeds`, which are unbanned while it runs (sources are banned only as intermediates). */
  const search = (seeds: number[], hops: number) => {
    const unbanned = seeds.filter((u) => bannedNode[u] === 1);
    for (const u of unbanned) bannedNode[u] = 0;
    const r = findPath({ ...spec, sources: seeds, maxHops: hops });
    for (const u of unbanned) bannedNode[u] = 1;
    return r;
  };

  const first = want > 0 ? search(sources, maxHops) : { path: null, depthCut: false };
  depthCut ||= first.depthCut;
  if (first.path) {
    const key = keyOf(first.path);
    keys.add(key);
    accepted.push({ path: first.path, spur: -1, key });
  }

  while (accepted.length > 0 && accepted.length < want && !budget.reached) {
    const last = accepted[accepted.length - 1] as Ranked;
    const p = last.path;
    for (let i = last.spur; i < p.nodes.length - 1 && !budget.reached; i++) {
      // Root: nodes 0..i and edges 0..i-1 of p; i = -1 is the virtual root before any source.
      const changed: number[] = [];
      const banned: number[] = [];
      let seeds: number[];
      if (i < 0) {
        const used = new Set(accepted.map((a) => a.path.nodes[0]));
        seeds = sources.filter((s) => !used.has(s));
      } else {
        const spur = p.nodes[i] as number;
        seeds = [spur];
        for (let j = 0; j < i; j++) {
          const u = p.nodes[j] as number;
          if (bannedNode[u] === 0) {
            bannedNode[u] = 1;
            changed.push(u);
          }
        }
        for (const a of accepted) {
          if (sharesRoot(a.path, p, i)) {
            const e = a.path.edges[i] as number;
            if (bannedEdge[e] === 0) {
              bannedEdge[e] = 1;
              banned.push(e);
            }
          }
        }
      }
      const r = seeds.length > 0 ? search(seeds, maxHops - Math.max(0, i)) : null;
      for (const u of changed) bannedNode[u] = 0;
      for (const e of banned) bannedEdge[e] = 0;
      if (!r) continue;
      depthCut ||= r.depthCut;
      if (!r.path || budget.reached) continue;
      const nodes = i > 0 ? [...p.nodes.slice(0, i), ...r.path.nodes] : r.path.nodes;
      const edges = i > 0 ? [...p.edges.slice(0, i), ...r.path.edges] : r.path.edges;
      const path = { nodes, edges, cost: pathCost(g, edges, spec.weighted) };
      const key = keyOf(path);
      if (keys.has(key)) continue;
      keys.add(key);
      candidates.push({ path, spur: i, key });
    }
    if (candidates.length === 0) break;
    let best = 0;
    for (let c = 1; c < candidates.length; c++) {
      if (byCostThenHops((candidates[c] as Ranked).path, (candidates[best] as Ranked).path) < 0) best = c;
    }
    accepted.push(candidates.splice(best, 1)[0] as Ranked);
  }

  let limit = budget.reached;
  if (!limit && want < k && accepted.length === want && want > 0) {
    limit = { code: 'LIMIT_REACHED', cap: 'results', value: budget.limits.maxResults };
  }
  if (!limit && accepted.length < want && depthCut) limit = depthLimit(maxHops);
  const paths = accepted.map((a) => a.path).sort(byCostThenHops);
  return withLimit({ paths }, limit);
}

function keyOf(p: Path): string {
  return `${p.nodes[0]}:${p.edges.join(',')}`;
}

/** True when q starts like p up to node i: same first node and the same first i edges. */
function sharesRoot(q: Path, p: Path, i: number): boolean {
  if (q.nodes[0] !== p.nodes[0] || q.edges.length <= i) return false;
  for (let j = 0; j < i; j++) if (q.edges[j] !== p.edges[j]) return false;
  return true;
}
