// The indicator parts of GET /assess, read defensively: emerging signals and anomalies (`signals`), how many cities'
// wastewater loads rise, fall or stay level per substance (`wastewater_trends`), the monthly series counted from the
// store (`series` with ids `derived/...`) with their trends, and the investigations counted (`investigations`).

import { count, isObj, list, num, type ReportEvidence, readEvidence, str, strs } from './loose.js';

export interface ReportSignal {
  kind: string;
  series: string;
  /** Threat area id; '' when the series is tied to none. */
  area: string;
  period: string;
  text: string;
  marking: string;
  evidence: ReportEvidence[];
}

export interface WastewaterRow {
  substance: string;
  /** `gb` (UK cities) or `all` (every city loaded). */
  scope: string;
  cities: number;
  rising: number;
  falling: number;
  level: number;
  insufficient: number;
}

export interface SeriesTrend {
  direction: string;
  p: number | null;
  slope: number | null;
  n: number;
  changePercent: number | null;
}

export interface DerivedSeries {
  id: string;
  name: string;
  unit: string;
  area: string;
  marking: string;
  /** [decimal year, value], in time order. */
  points: [number, number][];
  trend: SeriesTrend;
}

export interface Investigations {
  count: number;
  schemata: string[];
  definition: string;
  asOfMonth: string;
}

export interface ReportIndicators {
  signals: ReportSignal[];
  wastewater: WastewaterRow[];
  derived: DerivedSeries[];
  investigations: Investigations;
}

function readTrend(v: unknown): SeriesTrend {
  const t = isObj(v) ? v : {};
  return {
    direction: str(t.direction) ?? 'insufficient',
    p: num(t.mann_kendall_p) ?? null,
    slope: num(t.theil_sen_slope) ?? null,
    n: count(t.n),
    changePercent: num(t.change_percent) ?? null,
  };
}

function readPoints(v: unknown): [number, number][] {
  return list(v)
    .filter(
      (p): p is [number, number] => Array.isArray(p) && num(p[0]) !== undefined && num(p[1]) !== undefined,
    )
    .map(([t, y]) => [t, y] as [number, number])
    .sort((a, b) => a[0] - b[0]);
}

export function readIndicators(body: unknown): ReportIndicators {
  const b = isObj(body) ? body : {};
  const signals = list(b.signals)
    .filter(isObj)
    .map((s) => ({
      kind: str(s.kind) ?? '',
      series: str(s.series) ?? '',
      area: str(s.area) ?? '',
      period: str(s.period) ?? '',
      text: str(s.text) ?? '',
      marking: str(s.marking) ?? '',
      evidence: readEvidence(s.evidence),
    }))
    .filter((s) => s.text !== '');
  const wastewater = list(b.wastewater_trends)
    .filter(isObj)
    .map((w) => ({
      substance: str(w.substance) ?? '',
      scope: str(w.scope) ?? '',
      cities: count(w.cities),
      rising: count(w.rising),
      falling: count(w.falling),
      level: count(w.level),
      insufficient: count(w.insufficient),
    }))
    .filter((w) => w.substance !== '');
  const derived = list(b.series)
    .filter(isObj)
    .filter((s) => (str(s.id) ?? '').startsWith('derived/'))
    .map((s) => ({
      id: str(s.id) ?? '',
      name: str(s.name) ?? str(s.id) ?? '',
      unit: str(s.unit) ?? '',
      area: str(s.area) ?? '',
      marking: str(s.marking) ?? '',
      points: readPoints(s.points),
      trend: readTrend(s.trend),
    }));
  const inv = isObj(b.investigations) ? b.investigations : {};
  return {
    signals,
    wastewater,
    derived,
    investigations: {
      count: count(inv.count),
      schemata: strs(inv.schemata),
      definition: str(inv.definition) ?? '',
      asOfMonth: str(inv.as_of_month) ?? '',
    },
  };
}

/** Signals grouped by threat area, in the order the areas are given (then any other area, then none). */
export function signalsByArea(
  signals: readonly ReportSignal[],
  areas: readonly { id: string; label: string }[],
): { area: string; label: string; signals: ReportSignal[] }[] {
  const ids = [...new Set(signals.map((s) => s.area))];
  const rank = (id: string) => {
    const i = areas.findIndex((a) => a.id === id);
    return id === '' ? Number.MAX_SAFE_INTEGER : i < 0 ? areas.length : i;
  };
  return ids
    .sort((x, y) => rank(x) - rank(y) || (x < y ? -1 : x > y ? 1 : 0))
    .map((id) => ({
      area: id,
      label: id === '' ? 'No threat area' : (areas.find((a) => a.id === id)?.label ?? id),
      signals: signals.filter((s) => s.area === id),
    }));
}

/** A trend in words: "rising (Mann-Kendall p = 0.012; Theil-Sen 3.5 records/month a year)". */
export function trendWords(t: SeriesTrend, unit: string): string {
  if (t.direction === 'insufficient' || t.p === null) return `too few points (${t.n}) for a trend test`;
  const slope = t.slope === null ? '' : `; Theil-Sen ${Number(t.slope.toPrecision(3))} ${unit} a year`;
  return `${t.direction} (Mann-Kendall p = ${Number(t.p.toPrecision(2))}${slope})`;
}
