// Centrality rankings, brokers and enablers, and community summaries over a projection.
import { NexusError } from '../model/index.js';
import { betweenness, components, coreness, degree, louvain, pagerank } from './algorithms/index.js';
import { type NodeView, nodeView } from './explain.js';
import { Budget, type LimitReached, type Limits } from './limits.js';
import type { Projection } from './project.js';

export const METRICS = ['degree', 'pagerank', 'betweenness', 'kcore', 'brokers'] as const;
export type Metric = (typeof METRICS)[number];

/** Above this many nodes betweenness is sampled unless the caller asks for a sample size. */
export const EXACT_BETWEENNESS_MAX = 5000;
const DEFAULT_SAMPLES = 256;

export interface CentralityOptions {
  metric: Metric;
  /** Sources sampled for betweenness; exact for small graphs when absent. */
  samples?: number;
  limits?: Limits;
}

export interface Scored extends NodeView {
  score: number;
  /** For brokers: the enabler roles (topics) that raised the score. */
  roles?: string[];
}

export interface Centrality {
  metric: Metric;
  scores: Float64Array;
  exact: boolean;
  samples?: number;
  errorBound?: number | null;
  limit?: LimitReached;
}

// Professional enablers (DOMAIN.md): lawyers, accountants, advisers, company formation agents.
const ENABLER_TOPICS = new Set(['role.lawyer', 'role.acct', 'fin.adivsor', 'fin.advisor', 'corp.shell']);

export function centrality(p: Projection, options: CentralityOptions): Centrality {
  const g = p.graph;
  switch (options.metric) {
    case 'degree':
      return { metric: 'degree', scores: degree(g, 'all'), exact: true };
    case 'pagerank':
      return { metric: 'pagerank', scores: pagerank(g, { damping: 0.85, weighted: true }), exact: true };
    case 'kcore':
      return { metric: 'kcore', scores: Float64Array.from(coreness(g)), exact: true };
    case 'betweenness':
    case 'brokers': {
      const samples = options.samples ?? (g.n > EXACT_BETWEENNESS_MAX ? DEFAULT_SAMPLES : undefined);
      const budget = new Budget(options.limits);
      const b = betweenness(g, { samples, budget });
      const scores = b.scores;
      if (options.metric === 'brokers') {
        // A broker bridges groups; an enabler role doubles the weight of that position.
        for (let u = 0; u < g.n; u++)
          if (p.nodes.topicsOf(u).some((t) => ENABLER_TOPICS.has(t)))
            scores[u] = (scores[u] as number) * 2 + 1;
      }
      return {
        metric: options.metric,
        scores,
        exact: b.exact,
        samples: b.samples,
        errorBound: b.errorBound,
        limit: b.limit,
      };
    }
    default:
      throw new NexusError('USAGE_INVALID', `centrality: unknown metric "${String(options.metric)}"`);
  }
}

/** Nodes by score, best first (ties by id), at most `limit` (all when 0). */
export function ranking(p: Projection, scores: Float64Array, limit = 0, metric?: Metric): Scored[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort(
    (a, b) => (scores[b] as number) - (scores[a] as number) || p.graph.id(a).localeCompare(p.graph.id(b)),
  );
  const top = limit > 0 ? order.slice(0, limit) : order;
  return top.map((u) => {
    const roles = metric === 'brokers' ? p.nodes.topicsOf(u).filter((t) => ENABLER_TOPICS.has(t)) : [];
    return { ...nodeView(p, u), score: scores[u] as number, ...(roles.length ? { roles } : {}) };
  });
}

export interface CommunitySummary {
  id: string;
  size: number;
  members: string[];
  /** Members' topics with how many members carry each. */
  topics: Record<string, number>;
  /** Members with the most ties inside the community. */
  leaders: (NodeView & { ties: number })[];
  /** Members with the most ties to other communities. */
  brokers: (NodeView & { external: number })[];
}

export interface Communities {
  modularity: number;
  levels: number;
  components: number;
  communities: CommunitySummary[];
}

export function communities(
  p: Projection,
  options: { resolution?: number; seed?: number; top?: number } = {},
): Communities {
  const g = p.graph;
  const result = louvain(g, { resolution: options.resolution, seed: options.seed });
  const top = options.top ?? 5;
  const members: number[][] = Array.from({ length: result.count }, () => []);
  for (let u = 0; u < g.n; u++) members[result.membership[u] as number]?.push(u);
  const inside = new Float64Array(g.n);
  const outside = new Float64Array(g.n);
  for (let e = 0; e < g.m; e++) {
    const s = g.a.src[e] as number;
    const d = g.a.dst[e] as number;
    const same = result.membership[s] === result.membership[d];
    const into = same ? inside : outside;
    into[s] = (into[s] as number) + 1;
    into[d] = (into[d] as number) + 1;
  }
  const summaries = members.map((list, c) => {
    const topics: Record<string, number> = {};
    for (const u of list) for (const t of p.nodes.topicsOf(u)) topics[t] = (topics[t] ?? 0) + 1;
    const byInside = [...list].sort((a, b) => (inside[b] as number) - (inside[a] as number) || a - b);
    const byOutside = list.filter((u) => (outside[u] as number) > 0);
    byOutside.sort((a, b) => (outside[b] as number) - (outside[a] as number) || a - b);
    return {
      id: `c${c}`,
      size: list.length,
      members: list.map((u) => g.id(u)),
      topics,
      leaders: byInside.slice(0, top).map((u) => ({ ...nodeView(p, u), ties: inside[u] as number })),
      brokers: byOutside.slice(0, top).map((u) => ({ ...nodeView(p, u), external: outside[u] as number })),
    };
  });
  return {
    modularity: result.modularity,
    levels: result.levels,
    components: components(g).count,
    communities: summaries,
  };
}
