// The link-analysis operations as the CLI and the API offer them: each takes the caller's context, works on the
// projection that context may see, and answers in plain JSON-ready objects that name their marking and any cap
// reached. Projections are cached per (visibility, grading filter, datasets) and rebuilt when the store's version
// moves.
import { type AccessContext, formatGradingFilter } from '../access/index.js';
import { NexusError } from '../model/index.js';
import type { Store } from '../store/index.js';
import { type Campaign, campaigns } from './campaigns.js';
import { describePath, type HopView, markingOf, type NodeView, nodeView } from './explain.js';
import { exposure, exposurePath, rankExposure } from './exposure.js';
import type { LimitReached, Limits } from './limits.js';
import { egoNetwork } from './paths.js';
import { findPaths } from './paths-run.js';
import { type Projection, project } from './project.js';
import type { SeedReason } from './seeds.js';
import {
  type Centrality,
  type CentralityOptions,
  type Communities,
  centrality,
  communities,
  ranking,
  type Scored,
} from './structure.js';

export interface GraphScope {
  datasets?: readonly string[];
}

export interface PathsRequest extends GraphScope {
  from: string[];
  to: string[];
  /** Up to k shortest loopless paths (default 1). */
  k?: number;
  /** Every simple path of at most maxHops, instead of the k shortest. */
  all?: boolean;
  /** Paths whose dated edges run forward in time. */
  timeOrdered?: boolean;
  weighted?: boolean;
  direction?: 'out' | 'in' | 'both';
  maxHops?: number;
  limits?: Limits;
}

export interface PathView {
  cost: number;
  hops: HopView[];
}

export interface PathsAnswer {
  marking: string;
  from: NodeView[];
  to: NodeView[];
  paths: PathView[];
  limit?: LimitReached;
}

export interface ExposureRequest extends GraphScope {
  state: string;
  seedIds?: string[];
  proxiesOnly?: boolean;
  includeSeeds?: boolean;
  limit?: number;
  maxHops?: number;
  limits?: Limits;
}

export interface ExposureEntry extends NodeView {
  score: number;
  hops: number;
  seed: boolean;
  proxy: boolean;
  reasons: SeedReason[];
  topics: string[];
  path: HopView[];
}

export interface ExposureAnswer {
  marking: string;
  state: string;
  seeds: number;
  entities: ExposureEntry[];
  limit?: LimitReached;
}

export interface ExpandAnswer {
  marking: string;
  nodes: (NodeView & { depth: number })[];
  edges: {
    source: string;
    target: string;
    kind: string;
    directed: boolean;
    weight: number;
    evidence: string | null;
  }[];
  limit?: LimitReached;
}

/** At most this many graph operations run at once for one user (SECURITY.md R20). */
export const MAX_RUNS_PER_USER = 2;

interface Cached {
  version: string;
  projection: Promise<Projection>;
}

export class GraphService {
  private readonly cache = new Map<string, Cached>();
  private readonly running = new Map<string, number>();

  constructor(readonly store: Store) {}

  /** The projection the context may see, from cache when the store has not changed since it was built. */
  async projection(ctx: AccessContext, scope: GraphScope = {}): Promise<Projection> {
    const key = JSON.stringify([
      ctx.clearance.rank,
      [...ctx.caveats].sort(),
      [...(scope.datasets ?? [])].sort(),
      // A grading filter changes which statements, so which nodes and edges, the projection holds.
      ctx.grading ? formatGradingFilter(ctx.grading) : null,
    ]);
    const version = await this.store.version(ctx);
    const hit = this.cache.get(key);
    if (hit && hit.version === version) return hit.projection;
    const projection = project(this.store, ctx, { datasets: scope.datasets });
    // One projection per key at a time; a failed build is forgotten so the next call retries.
    this.cache.set(key, { version, projection });
    projection.catch(() => this.cache.delete(key));
    if (this.cache.size > 8) this.cache.delete(this.cache.keys().next().value as string);
    return projection;
  }

  /** Runs one operation under the per-user concurrency cap. */
  async run<T>(ctx: AccessContext, fn: () => Promise<T>): Promise<T> {
    const n = this.running.get(ctx.user) ?? 0;
    if (n >= MAX_RUNS_PER_USER)
      throw new NexusError(
        'LIMIT_REACHED',
        `graph: ${ctx.user} already has ${n} graph operations running; wait for one to finish`,
        { cap: 'runs', value: MAX_RUNS_PER_USER },
      );
    this.running.set(ctx.user, n + 1);
    try {
      return await fn();
    } finally {
      const left = (this.running.get(ctx.user) ?? 1) - 1;
      if (left === 0) this.running.delete(ctx.user);
      else this.running.set(ctx.user, left);
    }
  }

  /** Node indices for entity ids (canonical or any member's id); unknown or invisible ids are a 404. */
  async nodesOf(ctx: AccessContext, p: Projection, ids: string[], role: string): Promise<number[]> {
    const out: number[] = [];
    for (const id of ids) {
      const node = p.graph.node(id) ?? p.graph.node(await this.store.canonicalOf(ctx, id));
      if (node === undefined)
        throw new NexusError('ENTITY_NOT_FOUND', `graph: ${role} entity "${id}" is not in the graph`, { id });
      out.push(node);
    }
    return out;
  }

  async paths(ctx: AccessContext, req: PathsRequest): Promise<PathsAnswer> {
    return this.run(ctx, async () => {
      const p = await this.projection(ctx, req);
      const from = await this.nodesOf(ctx, p, req.from, 'from');
      const to = await this.nodesOf(ctx, p, req.to, 'to');
      const found = findPaths(p.graph, from, to, req);
      const views: PathView[] = [];
      for (const path of found.paths)
        views.push({ cost: path.cost, hops: await describePath(this.store, ctx, p, path) });
      return {
        marking: markingOf(
          views.flatMap((v) => v.hops),
          [...from, ...to].map((u) => nodeView(p, u)),
        ),
        from: from.map((u) => nodeView(p, u)),
        to: to.map((u) => nodeView(p, u)),
        paths: views,
        limit: found.limit,
      };
    });
  }

  async exposure(ctx: AccessContext, req: ExposureRequest): Promise<ExposureAnswer> {
    return this.run(ctx, async () => {
      const p = await this.projection(ctx, req);
      if (req.seedIds) await this.nodesOf(ctx, p, req.seedIds, 'seed');
      const x = exposure(p, req.state, { seedIds: req.seedIds, maxHops: req.maxHops, limits: req.limits });
      const ranked = rankExposure(p, x, {
        limit: req.limit ?? 50,
        proxiesOnly: req.proxiesOnly,
        includeSeeds: req.includeSeeds,
      });
      const entities: ExposureEntry[] = [];
      for (const r of ranked) {
        const path = exposurePath(x, r.node);
        const origin = path.nodes[0] as number;
        entities.push({
          ...nodeView(p, r.node),
          score: Math.round(r.score * 1e6) / 1e6,
          hops: r.hops,
          seed: r.seed,
          proxy: r.proxy,
          reasons: x.seeds.get(origin) ?? [],
          topics: p.nodes.topicsOf(r.node),
          path: await describePath(this.store, ctx, p, path),
        });
      }
      return {
        marking: markingOf(
          entities.flatMap((e) => e.path),
          entities,
        ),
        state: x.state,
        seeds: x.seeds.size,
        entities,
        limit: x.limit,
      };
    });
  }

  async centrality(
    ctx: AccessContext,
    req: GraphScope & CentralityOptions & { limit?: number },
  ): Promise<Omit<Centrality, 'scores'> & { marking: string; scores: Scored[] }> {
    return this.run(ctx, async () => {
      const p = await this.projection(ctx, req);
      const { scores, ...rest } = centrality(p, req);
      const ranked = ranking(p, scores, req.limit ?? 0, req.metric);
      return { ...rest, marking: markingOf([], ranked), scores: ranked };
    });
  }

  async communities(
    ctx: AccessContext,
    req: GraphScope & { resolution?: number; seed?: number },
  ): Promise<Communities & { marking: string }> {
    return this.run(ctx, async () => {
      const p = await this.projection(ctx, req);
      // Every node is in some community, so the answer carries the marking of the whole projection.
      return { marking: p.marking, ...communities(p, req) };
    });
  }

  async expand(
    ctx: AccessContext,
    req: GraphScope & { ids: string[]; depth?: number; direction?: 'out' | 'in' | 'both'; limits?: Limits },
  ): Promise<ExpandAnswer> {
    return this.run(ctx, async () => {
      const p = await this.projection(ctx, req);
      const centre = await this.nodesOf(ctx, p, req.ids, 'centre');
      const depth = req.depth ?? 1;
      const ego = egoNetwork(p.graph, centre, {
        depth,
        direction: req.direction,
        maxNodes: req.limits?.maxNodes ?? 500,
        limits: { ...req.limits, maxDepth: Math.max(depth, 1), maxNodes: undefined },
      });
      const nodes = ego.nodes.map((u) => ({ ...nodeView(p, u), depth: ego.depthOf.get(u) ?? 0 }));
      const g = p.graph;
      const edges = ego.edges.map((e) => ({
        source: g.id(g.a.src[e] as number),
        target: g.id(g.a.dst[e] as number),
        kind: g.kindOf(e),
        directed: g.a.directed[e] === 1,
        weight: g.a.weight[e] as number,
        evidence: g.evidenceOf(e) ?? null,
      }));
      return { marking: markingOf([], nodes), nodes, edges, limit: ego.limit };
    });
  }

  async campaigns(
    ctx: AccessContext,
    scope: GraphScope = {},
  ): Promise<{ marking: string; campaigns: (Omit<Campaign, 'members'> & { members: NodeView[] })[] }> {
    return this.run(ctx, async () => {
      const p = await this.projection(ctx, scope);
      const found = campaigns(p).map((c) => ({ ...c, members: c.members.map((u) => nodeView(p, u)) }));
      return {
        marking: markingOf(
          [],
          found.flatMap((c) => c.members),
        ),
        campaigns: found,
      };
    });
  }
}
