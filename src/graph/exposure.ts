// State-proxy exposure: how strongly each entity is tied to a hostile state's seed set, and the path that
// explains it. A seed scores 1; each hop multiplies by the strength of its tie (data/edges.json), so exposure
// decays with distance and travels further through ownership, family and payments than through unknown links.
// Ties carry exposure both ways (an owner of a sanctioned firm is as exposed as a firm a sanctioned owner holds).
import { getSchema, hasSchema } from '../model/index.js';
import settings from './data/edges.json' with { type: 'json' };
import type { Graph } from './graph.js';
import { Budget, type LimitReached, type Limits } from './limits.js';
import { MinHeap } from './paths-work.js';
import type { Projection } from './project.js';
import { findSeeds, type SeedReason, stateRule } from './seeds.js';

export interface ExposureOptions {
  /** Entity ids to use as the seed set instead of a state's rules ("who is tied to this entity, and how"). */
  seedIds?: readonly string[];
  /** Hops from a seed at most (default 4). */
  maxHops?: number;
  /** Scores below this are not followed further (default 0.01). */
  minScore?: number;
  limits?: Limits;
}

export interface Exposure {
  state: string;
  seeds: Map<number, SeedReason[]>;
  /** 0 where unreached. */
  score: Float64Array;
  hops: Uint8Array;
  /** The edge and node before each node on its best path from a seed, -1 at seeds and unreached nodes. */
  viaEdge: Int32Array;
  viaNode: Int32Array;
  limit?: LimitReached;
}

const STRENGTH = new Map(Object.entries(settings.strength));

/** How strongly an edge kind carries exposure. */
export function strengthOf(kind: string): number {
  return STRENGTH.get(kind) ?? settings.reference;
}

export function exposure(p: Projection, state: string, options: ExposureOptions = {}): Exposure {
  const g = p.graph;
  const maxHops = options.maxHops ?? 4;
  const minScore = options.minScore ?? 0.01;
  const budget = new Budget(options.limits);
  const seeds = options.seedIds ? chosenSeeds(p, options.seedIds) : findSeeds(p, stateRule(state));
  const kindStrength = Float64Array.from(g.a.kinds, (k) => strengthOf(k));
  const score = new Float64Array(g.n);
  const hops = new Uint8Array(g.n);
  const viaEdge = new Int32Array(g.n).fill(-1);
  const viaNode = new Int32Array(g.n).fill(-1);
  const done = new Uint8Array(g.n);
  const heap = new MinHeap();
  // Best-first on -log(score): the first time a node is popped its score is the best any path within the hop
  // cap found for it.
  for (const u of seeds.keys()) {
    score[u] = 1;
    heap.push(0, u);
  }
  const relax = (u: number, v: number, e: number) => {
    const s = (score[u] as number) * (kindStrength[g.a.kind[e] as number] as number);
    if (s < minScore || s <= (score[v] as number) || done[v]) return;
    score[v] = s;
    hops[v] = (hops[u] as number) + 1;
    viaEdge[v] = e;
    viaNode[v] = u;
    heap.push(-Math.log(s), v);
  };
  while (heap.size > 0) {
    const u = heap.pop();
    if (done[u]) continue;
    done[u] = 1;
    if (!budget.visit()) break;
    if ((hops[u] as number) >= maxHops) continue;
    for (let i = g.out.offsets[u] as number; i < (g.out.offsets[u + 1] as number); i++)
      relax(u, g.out.nodes[i] as number, g.out.edges[i] as number);
    // Directed edges into u carry exposure back to their source too; undirected ones were already in `out`.
    for (let i = g.in.offsets[u] as number; i < (g.in.offsets[u + 1] as number); i++) {
      const e = g.in.edges[i] as number;
      if (g.a.directed[e]) relax(u, g.in.nodes[i] as number, e);
    }
  }
  return { state, seeds, score, hops, viaEdge, viaNode, limit: budget.reached };
}

function chosenSeeds(p: Projection, ids: readonly string[]): Map<number, SeedReason[]> {
  const seeds = new Map<number, SeedReason[]>();
  for (const id of ids) {
    const node = p.graph.node(id);
    if (node !== undefined) seeds.set(node, [{ rule: 'chosen', text: 'chosen as a seed', evidence: id }]);
  }
  return seeds;
}

/** The best path from a seed to `node`: nodes from the seed on, and the edges between them. */
export function exposurePath(x: Exposure, node: number): { nodes: number[]; edges: number[] } {
  const nodes = [node];
  const edges: number[] = [];
  for (let u = node; (x.viaNode[u] as number) >= 0; u = x.viaNode[u] as number) {
    edges.push(x.viaEdge[u] as number);
    nodes.push(x.viaNode[u] as number);
    if (nodes.length > 255) break;
  }
  return { nodes: nodes.reverse(), edges: edges.reverse() };
}

export interface RankedExposure {
  node: number;
  score: number;
  hops: number;
  seed: boolean;
  proxy: boolean;
}

const CRIME = /^crime(\.|$)/;
const ACTORS = ['LegalEntity', 'Vessel', 'Airplane', 'CryptoWallet'].map((s) => getSchema(s));

/** People, companies, groups and the assets that act for them; not sanctions, addresses or documents. */
export function isActor(schema: string): boolean {
  if (!hasSchema(schema)) return false;
  const s = getSchema(schema);
  return ACTORS.some((a) => s.isA(a));
}

/**
 * Proxy candidates: entities with crime topics, or members of a group with crime topics (an OCG), that a state
 * reaches; seeds themselves are state organs, not proxies.
 */
export function isProxyCandidate(p: Projection, x: Exposure, node: number): boolean {
  if (x.seeds.has(node) || (x.score[node] as number) <= 0) return false;
  if (p.nodes.topicsOf(node).some((t) => CRIME.test(t))) return true;
  const g: Graph = p.graph;
  const membership = g.a.kinds.indexOf('Membership');
  if (membership < 0) return false;
  for (let i = g.out.offsets[node] as number; i < (g.out.offsets[node + 1] as number); i++) {
    const e = g.out.edges[i] as number;
    if (g.a.kind[e] === membership && p.nodes.topicsOf(g.out.nodes[i] as number).some((t) => CRIME.test(t)))
      return true;
  }
  return false;
}

/** Reached entities by score, best first (seeds included unless asked not to). */
export function rankExposure(
  p: Projection,
  x: Exposure,
  options: { limit?: number; proxiesOnly?: boolean; includeSeeds?: boolean } = {},
): RankedExposure[] {
  const out: RankedExposure[] = [];
  for (let u = 0; u < x.score.length; u++) {
    if ((x.score[u] as number) <= 0) continue;
    const seed = x.seeds.has(u);
    if (seed && options.includeSeeds === false) continue;
    if (!isActor(p.nodes.schemaOf(u))) continue;
    const proxy = isProxyCandidate(p, x, u);
    if (options.proxiesOnly && !proxy) continue;
    out.push({ node: u, score: x.score[u] as number, hops: x.hops[u] as number, seed, proxy });
  }
  out.sort(
    (a, b) => b.score - a.score || a.hops - b.hops || p.graph.id(a.node).localeCompare(p.graph.id(b.node)),
  );
  return out.slice(0, options.limit ?? 100);
}
