// What the store says, per threat area: entity counts by topic and dataset, sanctions by programme and year,
// hostile-state exposure (seeds, listings, proxy candidates and an explaining path), crypto seeds and traced
// volume, and indicator series with their trends. Everything is read with the caller's context, so a reader
// never sees (or counts) more than they may, and everything is sorted so the same store gives the same answer.
import type { AccessContext } from '../access/index.js';
import {
  exposure,
  findSeeds,
  GraphService,
  type HopView,
  rankExposure,
  STATES,
  stateRule,
} from '../graph/index.js';
import { type Trend, trend } from '../indicators/index.js';
import type { Entity } from '../model/index.js';
import type { Store, StoredSeries, StoredSeriesPoint } from '../store/index.js';
import { TraceService } from '../trace/index.js';
import { seriesMatches, THREAT_AREAS, type ThreatArea } from './areas.js';
import { type DerivedCounts, deriveCounts, type Investigation } from './derived.js';
import { highest } from './high-water.js';

export { highest };

export interface EvidenceItem {
  kind: 'series' | 'entity' | 'entities' | 'sanctions' | 'analysis';
  /** A series id, an entity id, or the analysis run (`exposure:ru`, `trace:state:kp`, `search:topics=...`). */
  ref: string;
  text: string;
  marking: string;
  /** Distinct 3x5x2 codes of the statements or batches behind it; `ungraded` for none. */
  grading: string[];
  datasets: string[];
  statements?: number;
  trend?: TrendSummary;
}

export interface TrendSummary {
  mann_kendall_p: number | null;
  theil_sen_slope: number | null;
  direction: string;
  n: number;
  first: string | null;
  last: string | null;
  change_percent: number | null;
}

export interface SeriesData {
  id: string;
  dataset: string;
  name: string;
  unit: string;
  area: string;
  country: string;
  subject: string;
  source: string;
  marking: string;
  grading: string[];
  /** The datasets behind a series counted from the store (derived.ts); `[dataset]` when absent. */
  datasets?: string[];
  fictional: boolean;
  /** [period, value] in period order, partial periods included (marked in `partial`). */
  points: [string, number][];
  partial: string[];
  trend: Trend;
}

export interface StateEvidence {
  code: string;
  label: string;
  seeds: number;
  /** Distinct Sanction records that tie a seed to the state. */
  listings: number;
  proxies: number;
  /** The best proxy candidate's path from a seed. */
  path: HopView[];
  proxy: { id: string; caption: string; score: number } | null;
  wallets: number;
  traced: { chain: string; asset: string; total: string; reached: number; flows: FlowEdge[] } | null;
  marking: string;
}

export interface FlowEdge {
  from: string;
  to: string;
  amount: string;
  label: string;
}

export interface AreaEvidence {
  area: ThreatArea;
  total: number;
  byTopic: { value: string; count: number }[];
  byDataset: { value: string; count: number }[];
  examples: EvidenceItem[];
  series: SeriesData[];
  /** Monthly counts of the area's records and investigations from the store (derived.ts); not scored. */
  derived: SeriesData[];
  marking: string;
}

export interface SanctionCount {
  programme: string;
  year: string;
  count: number;
}

export interface Evidence {
  datasets: { name: string; title: string; fictional: boolean; entities: number; statements: number }[];
  areas: AreaEvidence[];
  sanctions: SanctionCount[];
  sanctionsMarking: string;
  states: StateEvidence[];
  campaigns: { count: number; members: number; marking: string };
  labels: { category: string; count: number }[];
  /** Every series read: the areas' own and those the claims and the signal scan need. */
  series: SeriesData[];
  /** Series counted from the store: records and investigations by threat area and month (derived.ts). */
  derived: SeriesData[];
  investigations: Investigation[];
  /** The month the caseload of investigations is read at (the last month of the store's data). */
  lastMonth: string | null;
  marking: string;
}

export interface GatherOptions {
  /** Leave out points and sanctions after this year. */
  year?: number;
  alpha?: number;
}

function gradings(codes: Iterable<string | null>): string[] {
  return [...new Set([...codes].map((g) => g ?? 'ungraded'))].sort();
}

export function entityItem(e: Entity, text: string): EvidenceItem {
  return {
    kind: 'entity',
    ref: e.id,
    text,
    marking: highest(e.statements.map((s) => s.marking)),
    grading: gradings(e.statements.map((s) => s.grading)),
    datasets: [...new Set(e.statements.map((s) => s.dataset))].sort(),
    statements: e.statements.length,
  };
}

export function trendSummary(t: Trend): TrendSummary {
  return {
    mann_kendall_p: t.mannKendall?.p ?? null,
    theil_sen_slope: t.theilSen?.slope ?? null,
    direction: t.direction,
    n: t.n,
    first: t.first,
    last: t.last,
    change_percent: t.change?.percent ?? null,
  };
}

export function seriesItem(s: SeriesData, text?: string): EvidenceItem {
  return {
    kind: 'series',
    ref: s.id,
    text: text ?? s.name,
    marking: s.marking,
    grading: s.grading,
    datasets: s.datasets ?? [s.dataset],
    statements: s.points.length,
    trend: trendSummary(s.trend),
  };
}

/**
 * Series read besides the areas' own: people per boat, recorded crime and fraud for the claims, and every city's
 * every substance for the claims (cocaine) and the signal scan (a substance appearing where it was absent).
 */
function wanted(s: StoredSeries): boolean {
  return (
    s.id.startsWith('small-boats/') ||
    s.id.startsWith('wastewater/') ||
    /\/all-crime$/.test(s.id) ||
    s.subject.toLowerCase() === 'fraud' ||
    THREAT_AREAS.some((a) => a.series.some((l) => seriesMatches(l, s)))
  );
}

async function readSeries(
  store: Store,
  ctx: AccessContext,
  fictional: Set<string>,
  opts: GatherOptions,
): Promise<SeriesData[]> {
  const list = (await store.listSeries(ctx)).filter(
    (s) => wanted(s) && !(s.id.startsWith('small-boats/') && !s.id.endsWith('/year')),
  );
  list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.dataset < b.dataset ? -1 : 1));
  const byKey = new Map<string, StoredSeriesPoint[]>();
  const ids = [...new Set(list.map((s) => s.id))];
  for (let i = 0; i < ids.length; i += 200)
    for (const p of await store.seriesPoints(ctx, ids.slice(i, i + 200))) {
      const k = `${p.dataset}\u0000${p.series}`;
      const l = byKey.get(k) ?? [];
      l.push(p);
      byKey.set(k, l);
    }
  const out: SeriesData[] = [];
  for (const s of list) {
    const pts = (byKey.get(`${s.dataset}\u0000${s.id}`) ?? [])
      .filter((p) => opts.year === undefined || Number(p.period.slice(0, 4)) <= opts.year)
      .sort((a, b) => (a.period < b.period ? -1 : 1));
    if (pts.length === 0) continue;
    out.push({
      id: s.id,
      dataset: s.dataset,
      name: s.name,
      unit: s.unit,
      area: s.area,
      country: s.country,
      subject: s.subject,
      source: s.source,
      marking: highest([s.marking, ...pts.map((p) => p.marking)]),
      grading: gradings([s.grading]),
      fictional: fictional.has(s.dataset),
      points: pts.map((p) => [p.period, p.value]),
      partial: pts.filter((p) => p.partial).map((p) => p.period),
      trend: trend(pts, { alpha: opts.alpha ?? 0.05 }),
    });
  }
  return out;
}

async function areaEvidence(
  store: Store,
  ctx: AccessContext,
  area: ThreatArea,
  series: SeriesData[],
  counts: DerivedCounts,
): Promise<AreaEvidence> {
  const all = await store.search(ctx, { topics: area.topics, limit: 25 });
  const markings = [all.marking];
  const byTopic: { value: string; count: number }[] = [];
  for (const t of area.topics) {
    const r = await store.search(ctx, { topics: [t], limit: 1 });
    markings.push(r.marking);
    if (r.total > 0) byTopic.push({ value: t, count: r.total });
  }
  byTopic.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
  const byDataset = [...all.facets.datasets].sort(
    (a, b) => b.count - a.count || (a.value < b.value ? -1 : 1),
  );
  const ids = all.hits.map((h) => h.id).sort();
  const entities = await store.getEntities(ctx, ids.slice(0, 5));
  const examples = [...entities.values()]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((e) => {
      const topics = (e.properties.get('topics') ?? []).filter((t) => area.topics.includes(t)).sort();
      return entityItem(e, `${e.schema.name} "${e.caption}" (${topics.join(', ')})`);
    });
  const own = series.filter((s) => area.series.some((l) => seriesMatches(l, s)));
  const derived = counts.series.filter((s) => s.area === area.id);
  return {
    area,
    total: all.total,
    byTopic,
    byDataset,
    examples,
    series: own,
    derived,
    marking: highest([
      ...markings,
      ...examples.map((x) => x.marking),
      ...own.map((s) => s.marking),
      ...derived.map((s) => s.marking),
    ]),
  };
}

async function sanctionCounts(
  store: Store,
  ctx: AccessContext,
  opts: GatherOptions,
): Promise<{ counts: SanctionCount[]; marking: string }> {
  const counts = new Map<string, number>();
  const markings = new Set<string>();
  let after: string | null = null;
  for (let pages = 0; pages < 500; pages++) {
    const page = await store.listEntities(ctx, { schema: 'Sanction' }, { limit: 1000, after });
    for (const e of page.items) {
      const props = e.properties;
      const programmes = [...new Set([...(props.get('program') ?? []), ...(props.get('programId') ?? [])])];
      const dates = [
        ...(props.get('listingDate') ?? []),
        ...(props.get('startDate') ?? []),
        ...(props.get('date') ?? []),
      ]
        .map((d) => d.slice(0, 4))
        .filter((y) => /^\d{4}$/.test(y))
        .sort();
      const year = dates[0] ?? 'unknown';
      if (opts.year !== undefined && year !== 'unknown' && Number(year) > opts.year) continue;
      for (const s of e.statements) markings.add(s.marking);
      for (const p of programmes.length ? programmes : ['(none stated)']) {
        const k = `${p}\u0000${year}`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
    }
    if (!page.next) break;
    after = page.next;
  }
  const list = [...counts].map(([k, count]) => {
    const [programme, year] = k.split('\u0000') as [string, string];
    return { programme, year, count };
  });
  list.sort((a, b) =>
    a.programme < b.programme ? -1 : a.programme > b.programme ? 1 : a.year < b.year ? -1 : 1,
  );
  return { counts: list, marking: highest(markings) };
}

async function stateEvidence(
  ctx: AccessContext,
  graph: GraphService,
  tracer: TraceService,
): Promise<StateEvidence[]> {
  const p = await graph.projection(ctx);
  let ledgers: Awaited<ReturnType<TraceService['ledgers']>> | undefined;
  try {
    ledgers = await tracer.ledgers(ctx);
  } catch {
    ledgers = undefined;
  }
  const out: StateEvidence[] = [];
  for (const code of [...STATES.keys()].sort()) {
    const rule = stateRule(code);
    const seeds = findSeeds(p, rule);
    const listings = new Set<string>();
    for (const reasons of seeds.values())
      for (const r of reasons) if (r.rule === 'sanction') listings.add(r.evidence);
    const x = exposure(p, code);
    const proxies = rankExposure(p, x, { limit: 1_000_000, proxiesOnly: true });
    const answer = await graph.exposure(ctx, { state: code, proxiesOnly: true, limit: 1 });
    const best = answer.entities[0];
    const markings = [answer.marking];
    const wallets = await tracer.expandSeeds(ctx, [`state:${code}`], {});
    let traced: StateEvidence['traced'] = null;
    if (wallets.length && ledgers && ledgers.ledgers.size > 0) {
      try {
        const t = await tracer.trace(ctx, { from: [`state:${code}`], model: 'haircut', maxHops: 6 });
        markings.push(t.marking);
        const flows: FlowEdge[] = [];
        for (const r of [...t.reached].sort((a, b) => (a.address < b.address ? -1 : 1)).slice(0, 12)) {
          const last = r.path[r.path.length - 1];
          if (last)
            flows.push({
              from: last.from,
              to: last.to,
              amount: last.tainted,
              label: [...r.labels.map((l) => l.category), ...r.entities.map((e) => e.caption)].join(', '),
            });
        }
        traced = {
          chain: t.chain,
          asset: t.asset,
          total: t.totals.seeded ?? '0',
          reached: t.reached.length,
          flows,
        };
      } catch {
        traced = null;
      }
    }
    out.push({
      code,
      label: rule.label,
      seeds: seeds.size,
      listings: listings.size,
      proxies: proxies.length,
      path: best?.path ?? [],
      proxy: best ? { id: best.id, caption: best.caption, score: best.score } : null,
      wallets: wallets.length,
      traced,
      marking: highest(markings),
    });
  }
  return out;
}

export async function gatherEvidence(
  store: Store,
  ctx: AccessContext,
  opts: GatherOptions = {},
): Promise<Evidence> {
  const infos = await store.datasets(ctx);
  const stats = await store.stats(ctx);
  const fictional = new Set(infos.filter((d) => d.fictional).map((d) => d.name));
  const datasets = infos
    .map((d) => ({
      name: d.name,
      title: d.title,
      fictional: d.fictional,
      entities: stats.datasets[d.name]?.entities ?? 0,
      statements: stats.datasets[d.name]?.statements ?? 0,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const series = await readSeries(store, ctx, fictional, opts);
  for (const s of await store.listSeries(ctx))
    if (!datasets.some((d) => d.name === s.dataset))
      datasets.push({ name: s.dataset, title: s.dataset, fictional: false, entities: 0, statements: 0 });
  datasets.sort((a, b) => (a.name < b.name ? -1 : 1));
  const counts = await deriveCounts(store, ctx, fictional, opts);
  const areas: AreaEvidence[] = [];
  for (const a of THREAT_AREAS) areas.push(await areaEvidence(store, ctx, a, series, counts));
  const sanctions = await sanctionCounts(store, ctx, opts);
  const graph = new GraphService(store);
  const tracer = new TraceService(store, graph);
  const states = await stateEvidence(ctx, graph, tracer);
  const camp = await graph.campaigns(ctx);
  const labels = new Map<string, number>();
  const labelList = await store.addressLabels(ctx, {});
  for (const l of labelList) labels.set(l.category, (labels.get(l.category) ?? 0) + 1);
  const marking = highest([
    ...areas.map((a) => a.marking),
    ...series.map((s) => s.marking),
    counts.marking,
    sanctions.marking,
    ...states.map((s) => s.marking),
    camp.marking,
    ...labelList.map((l) => l.marking),
  ]);
  return {
    datasets,
    areas,
    sanctions: sanctions.counts,
    sanctionsMarking: sanctions.marking,
    states,
    campaigns: {
      count: camp.campaigns.length,
      members: camp.campaigns.reduce((n, c) => n + c.members.length, 0),
      marking: camp.marking,
    },
    labels: [...labels]
      .map(([category, count]) => ({ category, count }))
      .sort((a, b) => (a.category < b.category ? -1 : 1)),
    series,
    derived: counts.series,
    investigations: counts.investigations,
    lastMonth: counts.lastMonth,
    marking,
  };
}
