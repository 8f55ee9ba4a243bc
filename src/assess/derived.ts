// Counts derived from the store as monthly series (issue 8: "entities and investigations by threat area and
// month"), read with the caller's context so a reader never counts what they may not see.
//
// Entities: a source record belongs to a threat area when a visible statement gives it one of the area's topics
// (data/threat-areas.json); it is counted in the month of the earliest first_seen among those statements, that is
// when the store first knew it as part of the area. A record in two areas counts in both.
//
// Investigations (data/derived.json): entities of an investigation-like FtM schema (Project: "an activity carried
// out by a group of participants", with start and end dates). One belongs to an area when it, or a participant
// tied to it by a ProjectParticipant edge, carries the area's topics; it is counted in the month it started (its
// start date, or its first_seen when none is stated). Case datasets and court cases are not investigations and
// are not counted; a store with no Project has no investigation series, and the report says the data is lacking.
import type { AccessContext } from '../access/index.js';
import { trend } from '../indicators/index.js';
import type { Entity, Statement } from '../model/index.js';
import type { Store } from '../store/index.js';
import { THREAT_AREAS } from './areas.js';
import table from './data/derived.json' with { type: 'json' };
import type { SeriesData } from './evidence.js';
import { highest } from './high-water.js';

export const INVESTIGATIONS = table.investigations;
export const QUADRUPLED = table.quadrupled;

export interface Investigation {
  id: string;
  caption: string;
  schema: string;
  /** Threat areas, sorted. */
  areas: string[];
  /** YYYY-MM it started (or was first seen). */
  start: string;
  dated: 'start date' | 'first seen';
  /** YYYY-MM it ended, or null while open. */
  end: string | null;
  marking: string;
  grading: string[];
  datasets: string[];
}

export interface DerivedCounts {
  /** Entity series (one per area with entities) then investigation series (all, then per area), by id. */
  series: SeriesData[];
  investigations: Investigation[];
  /** The last month of the store's data (entities' or investigations'), the month the caseload is read at. */
  lastMonth: string | null;
  marking: string;
}

interface Tally {
  month: string;
  statements: Statement[];
}

const MONTH = /^(\d{4})(?:-(\d{2}))?/;

/** YYYY-MM of a date or timestamp (a bare year is its January), or null when it is not a date. */
export function monthOf(value: string): string | null {
  const m = MONTH.exec(value);
  if (!m) return null;
  const month = m[2] ?? '01';
  return Number(month) >= 1 && Number(month) <= 12 ? `${m[1]}-${month}` : null;
}

/** Every month from `first` to `last` inclusive, as YYYY-MM. */
export function monthRange(first: string, last: string): string[] {
  const out: string[] = [];
  let y = Number(first.slice(0, 4));
  let m = Number(first.slice(5, 7));
  for (let key = first; key <= last; key = `${y}-${String(m).padStart(2, '0')}`) {
    out.push(key);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

/** Months back from a YYYY-MM. */
export function monthsBefore(month: string, n: number): string {
  const total = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 - n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

async function* visibleEntities(
  store: Store,
  ctx: AccessContext,
  filter: { topic?: string; schema?: string },
): AsyncGenerator<Entity> {
  let after: string | null = null;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await store.listEntities(ctx, filter, { limit: 1000, after });
    yield* page.items;
    if (!page.next) return;
    after = page.next;
  }
}

async function entityTallies(store: Store, ctx: AccessContext): Promise<Map<string, Map<string, Tally>>> {
  const byArea = new Map<string, Map<string, Tally>>();
  for (const area of THREAT_AREAS) {
    const seen = new Map<string, Tally>();
    for (const topic of area.topics)
      for await (const e of visibleEntities(store, ctx, { topic })) {
        if (seen.has(e.id)) continue;
        const marks = e.statements.filter((s) => s.prop === 'topics' && area.topics.includes(s.value));
        const month = marks
          .map((s) => monthOf(s.firstSeen))
          .filter((m) => m !== null)
          .sort()[0];
        if (month) seen.set(e.id, { month, statements: marks });
      }
    byArea.set(area.id, seen);
  }
  return byArea;
}

function topicsOf(e: Entity): Statement[] {
  return e.statements.filter((s) => s.prop === 'topics');
}

async function readInvestigations(store: Store, ctx: AccessContext): Promise<Investigation[]> {
  const out: Investigation[] = [];
  for (const schema of INVESTIGATIONS.schemata)
    for await (const e of visibleEntities(store, ctx, { schema })) {
      const behind: Statement[] = [...e.statements];
      const topics = topicsOf(e).map((s) => s.value);
      for (const edge of INVESTIGATIONS.participant_edges) {
        const refs = (await store.referencing(ctx, e.id))
          .filter((r) => r.schema === edge.schema && r.prop === edge.project)
          .map((r) => r.entityId);
        const edges = await store.getEntities(ctx, sortedSet(refs));
        const who = sortedSet([...edges.values()].flatMap((x) => x.properties.get(edge.participant) ?? []));
        const participants = await store.getEntities(ctx, who);
        for (const x of edges.values()) behind.push(...x.statements);
        for (const p of participants.values()) {
          const marks = topicsOf(p).filter((s) => THREAT_AREAS.some((a) => a.topics.includes(s.value)));
          behind.push(...marks);
          topics.push(...marks.map((s) => s.value));
        }
      }
      const dates = (props: string[]) =>
        props
          .flatMap((p) => e.properties.get(p) ?? [])
          .map(monthOf)
          .filter((m) => m !== null)
          .sort();
      const started = dates(INVESTIGATIONS.start)[0];
      const ended = dates(INVESTIGATIONS.end);
      const start = started ?? monthOf(e.firstSeen);
      if (!start) continue;
      out.push({
        id: e.id,
        caption: e.caption,
        schema: e.schema.name,
        areas: THREAT_AREAS.filter((a) => a.topics.some((t) => topics.includes(t)))
          .map((a) => a.id)
          .sort(),
        start,
        dated: started ? 'start date' : 'first seen',
        end: ended[ended.length - 1] ?? null,
        marking: highest(behind.map((s) => s.marking)),
        grading: sortedSet(behind.map((s) => s.grading ?? 'ungraded')),
        datasets: sortedSet(behind.map((s) => s.dataset)),
      });
    }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Investigations open in a month: started in or before it and not ended before it. */
export function caseload(list: readonly Investigation[], area: string | null, month: string): number {
  return list.filter(
    (i) =>
      (area === null || i.areas.includes(area)) && i.start <= month && (i.end === null || i.end >= month),
  ).length;
}

interface SeriesSpec {
  id: string;
  name: string;
  unit: string;
  area: string;
  subject: string;
  source: string;
  months: string[];
  counted: { month: string; marking: string; grading: string[]; datasets: string[] }[];
}

function monthlySeries(spec: SeriesSpec, fictional: Set<string>, alpha: number): SeriesData {
  const counts = new Map(spec.months.map((m) => [m, 0]));
  for (const c of spec.counted) if (counts.has(c.month)) counts.set(c.month, (counts.get(c.month) ?? 0) + 1);
  const points: [string, number][] = spec.months.map((m) => [`${m}-01`, counts.get(m) ?? 0]);
  const datasets = sortedSet(spec.counted.flatMap((c) => c.datasets));
  return {
    id: spec.id,
    dataset: 'derived',
    datasets,
    name: spec.name,
    unit: spec.unit,
    area: spec.area,
    country: '',
    subject: spec.subject,
    source: spec.source,
    marking: highest(spec.counted.map((c) => c.marking)),
    grading: sortedSet(spec.counted.flatMap((c) => c.grading)),
    fictional: datasets.some((d) => fictional.has(d)),
    points,
    partial: [],
    trend: trend(
      points.map(([period, value]) => ({ period, value })),
      { alpha },
    ),
  };
}

export async function deriveCounts(
  store: Store,
  ctx: AccessContext,
  fictional: Set<string>,
  opts: { year?: number; alpha?: number } = {},
): Promise<DerivedCounts> {
  const alpha = opts.alpha ?? 0.05;
  const inYear = (month: string) => opts.year === undefined || Number(month.slice(0, 4)) <= opts.year;
  const tallies = await entityTallies(store, ctx);
  const investigations = (await readInvestigations(store, ctx)).filter((i) => inYear(i.start));
  const entityMonths = [...tallies.values()]
    .flatMap((t) => [...t.values()].map((x) => x.month))
    .filter(inYear);
  const invMonths = investigations.map((i) => i.start);
  const lastMonth = [...entityMonths, ...invMonths].sort().pop() ?? null;
  const series: SeriesData[] = [];
  const firstEntity = entityMonths.sort()[0];
  if (firstEntity && lastMonth) {
    const months = monthRange(firstEntity, lastMonth);
    for (const area of THREAT_AREAS) {
      const counted = [...(tallies.get(area.id)?.values() ?? [])]
        .filter((t) => inYear(t.month))
        .map((t) => ({
          month: t.month,
          marking: highest(t.statements.map((s) => s.marking)),
          grading: sortedSet(t.statements.map((s) => s.grading ?? 'ungraded')),
          datasets: sortedSet(t.statements.map((s) => s.dataset)),
        }));
      if (counted.length === 0) continue;
      series.push(
        monthlySeries(
          {
            id: `derived/entities/${area.id}/month`,
            name: `${area.label}: records first seen with the area's topics, per month`,
            unit: 'records',
            area: area.id,
            subject: 'entities',
            source: `Counted from the store as the reader sees it: source records carrying ${area.topics.join(', ')}, by the month of the earliest first_seen of those topic statements.`,
            months,
            counted,
          },
          fictional,
          alpha,
        ),
      );
    }
  }
  const firstInv = invMonths.sort()[0];
  if (firstInv && lastMonth) {
    const months = monthRange(firstInv, lastMonth);
    const what = `${INVESTIGATIONS.schemata.join(', ')} entities`;
    for (const area of [null, ...THREAT_AREAS]) {
      const counted = investigations.filter((i) => area === null || i.areas.includes(area.id));
      if (area !== null && counted.length === 0) continue;
      series.push(
        monthlySeries(
          {
            id: `derived/investigations/${area?.id ?? 'all'}/month`,
            name: `${area?.label ?? 'All threat areas'}: investigations started per month`,
            unit: 'investigations',
            area: area?.id ?? '',
            subject: 'investigations',
            source: `Counted from the store as the reader sees it: ${what}${area ? ` that carry, or whose participants carry, ${area.topics.join(', ')}` : ''}, by the month of their start date (first_seen when none is stated).`,
            months,
            counted: counted.map((i) => ({
              month: i.start,
              marking: i.marking,
              grading: i.grading,
              datasets: i.datasets,
            })),
          },
          fictional,
          alpha,
        ),
      );
    }
  }
  return {
    series,
    investigations,
    lastMonth,
    marking: highest([...series.map((s) => s.marking), ...investigations.map((i) => i.marking)]),
  };
}
