// Link-analysis commands: paths, ego networks, state exposure, centrality, communities, campaigns, graph export.
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { type DisclosureTerms, disclosureTerms, withCeiling } from '../../access/index.js';
import {
  GraphService,
  type HopView,
  type LimitReached,
  louvain,
  METRICS,
  type Metric,
  pagerank,
  writeGEXF,
  writeGraphML,
} from '../../graph/index.js';
import { NexusError } from '../../model/index.js';
import { type CommandEnv, json, withStore } from '../io.js';

const scopeOptions = {
  dataset: { type: 'string', multiple: true },
  json: { type: 'boolean', default: false },
  'timeout-ms': { type: 'string' },
  'max-nodes': { type: 'string' },
} as const;

function int(value: string | undefined, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new NexusError('USAGE_INVALID', `${name} must be an integer >= ${min}`);
  return n;
}

function limitsFrom(values: { 'timeout-ms'?: string; 'max-nodes'?: string }) {
  return {
    maxMs: int(values['timeout-ms'], '--timeout-ms', 1),
    maxNodes: int(values['max-nodes'], '--max-nodes', 1),
  };
}

function hopText(h: HopView): string {
  const arrow = h.direction === 'forward' ? '->' : h.direction === 'backward' ? '<-' : '--';
  const ev = h.evidence.entity
    ? `${h.evidence.entity.schema} ${h.evidence.entity.id} [${h.evidence.entity.datasets.join(', ')}; ${h.evidence.entity.marking}${h.evidence.entity.grading.length ? `; ${h.evidence.entity.grading.join(' ')}` : ''}]`
    : h.evidence.shared
      ? `shared ${h.evidence.shared.type} ${h.evidence.shared.value}`
      : 'no evidence record';
  return `    ${arrow} ${h.kind}${h.date ? ` (${h.date})` : ''} ${arrow} ${h.to.caption} <${h.to.id}>   evidence: ${ev}`;
}

function limitText(limit: LimitReached | undefined): string {
  return limit ? `LIMIT_REACHED: ${limit.cap} cap (${limit.value}); the answer is partial\n` : '';
}

export const pathsHelp = `nexus paths FROM TO [--max-hops N] [--k K] [--all] [--time-ordered] [--weighted]
                  [--direction both|out|in] [--dataset D]... [--json]

How FROM and TO are connected: the K shortest loopless paths (default 1), or with --all every simple path
of at most N hops (default 6), or with --time-ordered paths whose dated edges run forward in time.
FROM and TO are entity ids (a comma-separated list for a set). --weighted treats edge weights as tie
strengths (cost 1/strength). Every hop shows the record that asserts it, its datasets, marking and grading.`;

export async function pathsCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...scopeOptions,
      'max-hops': { type: 'string' },
      k: { type: 'string' },
      all: { type: 'boolean', default: false },
      'time-ordered': { type: 'boolean', default: false },
      weighted: { type: 'boolean', default: false },
      direction: { type: 'string', default: 'both' },
    },
  });
  const [from, to] = positionals;
  if (!from || !to) throw new NexusError('USAGE_INVALID', 'paths: give FROM and TO entity ids');
  const direction = values.direction;
  if (direction !== 'both' && direction !== 'out' && direction !== 'in')
    throw new NexusError('USAGE_INVALID', 'paths: --direction is both, out or in');
  return withStore(c, async (store) => {
    const answer = await new GraphService(store).paths(c.ctx, {
      from: from.split(','),
      to: to.split(','),
      datasets: values.dataset,
      k: int(values.k, '--k', 1),
      all: values.all,
      timeOrdered: values['time-ordered'],
      weighted: values.weighted,
      direction,
      maxHops: int(values['max-hops'], '--max-hops', 1),
      limits: limitsFrom(values),
    });
    if (values.json) {
      c.io.stdout(json(answer));
      return 0;
    }
    c.io.stdout(`marking: ${answer.marking}\n${limitText(answer.limit)}`);
    if (answer.paths.length === 0) c.io.stdout('no path found\n');
    answer.paths.forEach((p, i) => {
      const start = p.hops[0]?.from ?? answer.from[0];
      c.io.stdout(
        `path ${i + 1}: ${p.hops.length} hops, cost ${p.cost}\n    ${start?.caption} <${start?.id}>\n`,
      );
      for (const h of p.hops) c.io.stdout(`${hopText(h)}\n`);
    });
    return 0;
  });
}

export const exposureHelp = `nexus exposure --state ru|cn|kp|ir [--from ID]... [--proxies] [--limit N] [--max-hops N]
                     [--dataset D]... [--json]

Ranks entities by their exposure to a hostile state: seeds are entities tied to it directly (sanctions under
its programmes, state topics with its country, attributed intrusion sets, ownership by a seed); exposure
decays with each hop by the strength of the tie (ownership, family and payments carry most). Each entity
comes with the best path from a seed and the evidence of every hop. --from uses chosen entities as the seeds;
--proxies lists only proxy candidates (crime topics or membership of a criminal group).`;

export async function exposureCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...scopeOptions,
      state: { type: 'string' },
      from: { type: 'string', multiple: true },
      proxies: { type: 'boolean', default: false },
      'no-seeds': { type: 'boolean', default: false },
      limit: { type: 'string' },
      'max-hops': { type: 'string' },
    },
  });
  if (!values.state && !values.from)
    throw new NexusError('USAGE_INVALID', 'exposure: give --state ru|cn|kp|ir or --from ID');
  return withStore(c, async (store) => {
    const answer = await new GraphService(store).exposure(c.ctx, {
      state: values.state ?? 'chosen',
      seedIds: values.from,
      datasets: values.dataset,
      proxiesOnly: values.proxies,
      includeSeeds: !values['no-seeds'],
      limit: int(values.limit, '--limit', 1),
      maxHops: int(values['max-hops'], '--max-hops', 1),
      limits: limitsFrom(values),
    });
    if (values.json) {
      c.io.stdout(json(answer));
      return 0;
    }
    c.io.stdout(
      `marking: ${answer.marking}\nstate: ${answer.state}; seeds: ${answer.seeds}\n${limitText(answer.limit)}`,
    );
    for (const e of answer.entities) {
      const tags = [e.seed ? 'seed' : '', e.proxy ? 'PROXY CANDIDATE' : ''].filter(Boolean).join(', ');
      c.io.stdout(`${e.score.toFixed(3)}  ${e.caption} <${e.id}> ${e.schema}${tags ? ` [${tags}]` : ''}\n`);
      const origin = e.path[0]?.from ?? e;
      c.io.stdout(`    seed ${origin.caption}: ${e.reasons.map((r) => r.text).join('; ')}\n`);
      for (const h of e.path) c.io.stdout(`${hopText(h)}\n`);
    }
    return 0;
  });
}

export const centralityHelp = `nexus centrality --metric degree|pagerank|betweenness|kcore|brokers [--samples K] [--limit N]
                       [--dataset D]... [--json]

Scores every node; --json prints [{"id", "caption", "score"}] sorted by score (all nodes unless --limit).
PageRank uses edge weights with damping 0.85. Betweenness is exact up to 5,000 nodes and sampled (256 sources,
or --samples K) above, with a 95% error bound on stderr. brokers = betweenness raised for enabler roles
(lawyers, accountants, advisers, shell-company formation).`;

export async function centralityCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...scopeOptions,
      metric: { type: 'string', default: 'pagerank' },
      samples: { type: 'string' },
      limit: { type: 'string' },
    },
  });
  const metric = values.metric as Metric;
  if (!METRICS.includes(metric))
    throw new NexusError('USAGE_INVALID', `centrality: --metric is one of ${METRICS.join(', ')}`);
  return withStore(c, async (store) => {
    const answer = await new GraphService(store).centrality(c.ctx, {
      metric,
      datasets: values.dataset,
      samples: int(values.samples, '--samples', 1),
      limit: int(values.limit, '--limit', 1) ?? (values.json ? 0 : 25),
      limits: limitsFrom(values),
    });
    const note = `marking: ${answer.marking}; metric ${metric}${answer.exact ? '' : `, sampled ${answer.samples} sources, 95% error bound ${answer.errorBound?.toFixed(4)} (normalised)`}\n${limitText(answer.limit)}`;
    if (values.json) {
      c.io.stderr(note);
      c.io.stdout(
        json(
          answer.scores.map((s) => ({
            id: s.id,
            caption: s.caption,
            score: s.score,
            ...(s.roles ? { roles: s.roles } : {}),
          })),
        ),
      );
      return 0;
    }
    c.io.stdout(note);
    for (const s of answer.scores)
      c.io.stdout(
        `${s.score.toPrecision(6).padStart(14)}  ${s.caption} <${s.id}>${s.roles ? ` [${s.roles.join(', ')}]` : ''}\n`,
      );
    return 0;
  });
}

export async function communitiesCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...scopeOptions, resolution: { type: 'string' }, seed: { type: 'string' } },
  });
  return withStore(c, async (store) => {
    const resolution = values.resolution === undefined ? undefined : Number(values.resolution);
    if (resolution !== undefined && !(resolution > 0))
      throw new NexusError('USAGE_INVALID', 'communities: --resolution must be a positive number');
    const answer = await new GraphService(store).communities(c.ctx, {
      datasets: values.dataset,
      resolution,
      seed: int(values.seed, '--seed', 0),
    });
    if (values.json) {
      c.io.stdout(json(answer));
      return 0;
    }
    c.io.stdout(
      `marking: ${answer.marking}\nmodularity ${answer.modularity.toFixed(4)}; ${answer.communities.length} communities; ${answer.components} connected components\n`,
    );
    for (const cm of answer.communities.slice(0, 30)) {
      const topics = Object.entries(cm.topics)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([t, n]) => `${t} ${n}`);
      c.io.stdout(`${cm.id}: ${cm.size} members${topics.length ? `; topics ${topics.join(', ')}` : ''}\n`);
      c.io.stdout(`    leaders: ${cm.leaders.map((l) => `${l.caption} (${l.ties})`).join(', ')}\n`);
      if (cm.brokers.length)
        c.io.stdout(
          `    brokers: ${cm.brokers.map((b) => `${b.caption} (${b.external} outside)`).join(', ')}\n`,
        );
    }
    return 0;
  });
}

export async function campaignsCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { ...scopeOptions } });
  return withStore(c, async (store) => {
    const answer = await new GraphService(store).campaigns(c.ctx, { datasets: values.dataset });
    if (values.json) {
      c.io.stdout(json(answer));
      return 0;
    }
    c.io.stdout(`marking: ${answer.marking}\n${answer.campaigns.length} campaigns\n`);
    for (const cm of answer.campaigns) {
      c.io.stdout(
        `${cm.id}: ${cm.members.length} members (${Object.entries(cm.schemata)
          .map(([s, n]) => `${n} ${s}`)
          .join(', ')})\n`,
      );
      c.io.stdout(
        `    shared: ${cm.shared
          .slice(0, 6)
          .map((s) => `${s.type} ${s.value} x${s.holders}`)
          .join('; ')}\n`,
      );
      c.io.stdout(
        `    members: ${cm.members
          .slice(0, 10)
          .map((m) => m.caption)
          .join('; ')}${cm.members.length > 10 ? '; ...' : ''}\n`,
      );
    }
    return 0;
  });
}

export async function expandCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...scopeOptions, depth: { type: 'string' } },
  });
  if (positionals.length === 0) throw new NexusError('USAGE_INVALID', 'expand: give one or more entity ids');
  return withStore(c, async (store) => {
    const answer = await new GraphService(store).expand(c.ctx, {
      ids: positionals,
      depth: int(values.depth, '--depth', 0),
      datasets: values.dataset,
      limits: limitsFrom(values),
    });
    if (values.json) {
      c.io.stdout(json(answer));
      return 0;
    }
    c.io.stdout(
      `marking: ${answer.marking}\n${limitText(answer.limit)}${answer.nodes.length} nodes, ${answer.edges.length} edges\n`,
    );
    for (const n of answer.nodes)
      c.io.stdout(`  ${'  '.repeat(n.depth)}${n.caption} <${n.id}> ${n.schema}\n`);
    return 0;
  });
}

/** `nexus export --format graphml|gexf`: the visible graph (or a dataset's) with PageRank and community. */
export async function exportGraph(
  c: CommandEnv,
  format: 'graphml' | 'gexf',
  datasets: string[] | undefined,
  output: string | undefined,
  terms: DisclosureTerms & { ceiling?: string | undefined } = {},
): Promise<number> {
  const ctx = withCeiling(c.ctx, terms.ceiling);
  return withStore(c, async (store) => {
    const p = await new GraphService(store).projection(ctx, { datasets });
    // Refused before a byte is written when C-coded intelligence would leave without its terms (R10).
    const handling = disclosureTerms(p.conditional, terms, 'export');
    const file = output ? createWriteStream(output) : undefined;
    const write = (chunk: string) => (file ? file.write(chunk) : c.io.stdout(chunk));
    const nodeScores = { pagerank: pagerank(p.graph), community: louvain(p.graph).membership };
    const options = {
      nodeScores,
      marking: p.marking,
      title: `Nexus graph${datasets ? ` (${datasets.join(', ')})` : ''}`,
      ...(handling ? { handling } : {}),
    };
    if (format === 'graphml') writeGraphML(p.graph, p.nodes, write, options);
    else writeGEXF(p.graph, p.nodes, write, options);
    if (file) await new Promise<void>((ok) => file.end(ok));
    c.io.stderr(
      `marking: ${p.marking}; ${p.graph.n} nodes, ${p.graph.m} edges${handling ? `\nhandling: ${handling}` : ''}\n`,
    );
    return 0;
  });
}
