// Emerging signals and anomalies for the assessment: the series read (and those counted from the store) scanned
// with src/indicators/signals.ts, each finding worded as a plain sentence with the baseline it departs from and
// the series it rests on. Settings are data (data/derived.json, "signals").
import { anomalies, emergingSignals, type ValuePoint } from '../indicators/index.js';
import { seriesMatches, THREAT_AREAS } from './areas.js';
import table from './data/derived.json' with { type: 'json' };
import { type EvidenceItem, type SeriesData, seriesItem } from './evidence.js';

export interface Family {
  prefix: string;
  /** Threat area of the family's series ('' to take it from the series). */
  area: string;
  /** `city`: a series is new when its city reported other series before; `series`: each series on its own. */
  group: string;
  min_absent: number;
  /** Only appearances in the family's last `recent` periods count. */
  recent: number;
  /** Whether its series are scanned for anomalies. */
  anomalies: boolean;
}

export const SIGNALS: { families: Family[]; anomaly_threshold: number; anomaly_min_points: number } =
  table.signals;

export type SignalKind = 'new-in-area' | 'after-zero' | 'anomaly';

export interface SignalBaseline {
  /** What the value departs from, in words. */
  text: string;
  /** Periods in which the series was absent (not reported, or zero). */
  absent?: string[];
  /** The Theil-Sen line's value for the period, the residual and its modified z-score (anomalies). */
  expected?: number;
  residual?: number;
  score?: number;
  threshold?: number;
  /** Points in the series' history the baseline rests on. */
  points?: number;
}

export interface Signal {
  kind: SignalKind;
  series: string;
  /** Threat area id, or null when the series is tied to none. */
  area: string | null;
  city: string | null;
  country: string | null;
  substance: string | null;
  period: string;
  value: number;
  unit: string;
  baseline: SignalBaseline;
  /** The signal as one plain sentence. */
  text: string;
  marking: string;
  evidence: EvidenceItem[];
}

const num = (x: number) =>
  x.toLocaleString('en-GB', { maximumFractionDigits: Math.abs(x) >= 100 ? 0 : 1, minimumFractionDigits: 0 });

/** A period as its series counts it: `2019` for a year, `2019-03` for a month, the date otherwise. */
export function periodLabel(s: SeriesData, period: string): string {
  if (s.points.every(([p]) => p.endsWith('-01-01'))) return period.slice(0, 4);
  if (s.points.every(([p]) => p.endsWith('-01'))) return period.slice(0, 7);
  return period;
}

function familyOf(s: SeriesData): Family | undefined {
  return SIGNALS.families.find((f) => s.id.startsWith(f.prefix));
}

function areaOf(s: SeriesData, f: Family | undefined): string | null {
  if (f?.area) return f.area;
  if (s.id.startsWith('derived/')) return s.area || null;
  return THREAT_AREAS.find((a) => a.series.some((l) => seriesMatches(l, s)))?.id ?? null;
}

function complete(s: SeriesData): ValuePoint[] {
  return s.points.filter(([p]) => !s.partial.includes(p)).map(([period, value]) => ({ period, value }));
}

function span(s: SeriesData, periods: readonly string[]): string {
  const first = periods[0] as string;
  const last = periods[periods.length - 1] as string;
  return first === last ? periodLabel(s, first) : `${periodLabel(s, first)} to ${periodLabel(s, last)}`;
}

function unitOf(s: SeriesData, n: number): string {
  const label = periodLabel(s, s.points[0]?.[0] ?? '');
  const unit = label.length === 4 ? 'year' : label.length === 7 ? 'month' : 'period';
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

function absentText(s: SeriesData, kind: SignalKind, absent: readonly string[], wastewater: boolean): string {
  const n = unitOf(s, absent.length);
  if (kind === 'after-zero') return `${n} with none (${span(s, absent)})`;
  return wastewater
    ? `${n} in which ${s.area} reported other substances but not ${s.subject} (${span(s, absent)})`
    : `${n} in which the area reported other series but not this one (${span(s, absent)})`;
}

function sentence(
  s: SeriesData,
  kind: SignalKind,
  period: string,
  value: number,
  base: SignalBaseline,
): string {
  const when = periodLabel(s, period);
  const amount = `${num(value)} ${s.unit}`;
  const wastewater = s.id.startsWith('wastewater/');
  if (kind === 'anomaly') {
    const side = (base.residual ?? 0) > 0 ? 'above' : 'below';
    return `${s.name}: ${amount} in ${when}, far ${side} its own trend (about ${num(base.expected ?? 0)} expected from ${base.points} points; modified z-score ${(base.score ?? 0).toFixed(1)}, threshold ${base.threshold}).`;
  }
  if (wastewater && kind === 'new-in-area')
    return `${s.subject} appeared in ${s.area}${s.country ? ` (${s.country.toUpperCase()})` : ''} wastewater in ${when} at ${amount}, after ${base.text}. A lab may have begun to test for it late: absence means not reported.`;
  if (kind === 'after-zero') return `${s.name}: ${amount} in ${when}, after ${base.text}.`;
  return `${s.name} first reported in ${when} at ${amount}, after ${base.text}.`;
}

function sinceOf(list: readonly SeriesData[], recent: number): string {
  const periods = [...new Set(list.flatMap((s) => s.points.map(([p]) => p)))].sort();
  return periods[Math.max(0, periods.length - recent)] ?? '';
}

/** Emerging signals and anomalies over the series, sorted by threat area, kind, series and period. */
export function findSignals(series: readonly SeriesData[]): Signal[] {
  const out: Signal[] = [];
  const push = (s: SeriesData, kind: SignalKind, period: string, value: number, baseline: SignalBaseline) => {
    const f = familyOf(s);
    const wastewater = s.id.startsWith('wastewater/');
    out.push({
      kind,
      series: s.id,
      area: areaOf(s, f),
      city: wastewater ? s.area : null,
      country: s.country || null,
      substance: wastewater ? s.subject : null,
      period,
      value,
      unit: s.unit,
      baseline,
      text: sentence(s, kind, period, value, baseline),
      marking: s.marking,
      evidence: [seriesItem(s)],
    });
  };
  const byId = new Map(series.map((s) => [`${s.dataset}\u0000${s.id}`, s]));
  const since = new Map<Family, string>();
  for (const f of SIGNALS.families) {
    const members = series.filter((s) => familyOf(s) === f);
    if (members.length === 0) continue;
    since.set(f, sinceOf(members, f.recent));
    const found = emergingSignals(
      members.map((s) => ({
        id: `${s.dataset}\u0000${s.id}`,
        area: f.group === 'city' ? `${s.country}/${s.area}` : `${s.dataset}\u0000${s.id}`,
        subject: s.subject,
        points: complete(s),
      })),
      { minAbsent: f.min_absent, since: since.get(f) as string },
    );
    for (const g of found) {
      const s = byId.get(g.series) as SeriesData;
      const text = absentText(s, g.kind, g.absent, s.id.startsWith('wastewater/'));
      push(s, g.kind, g.period, g.value, { text, absent: g.absent });
    }
  }
  for (const s of series) {
    const f = familyOf(s);
    if (!f?.anomalies) continue;
    const r = anomalies(complete(s), {
      threshold: SIGNALS.anomaly_threshold,
      minPoints: SIGNALS.anomaly_min_points,
    });
    for (const a of r.anomalies.filter((x) => x.period >= (since.get(f) ?? '')))
      push(s, 'anomaly', a.period, a.value, {
        text: `the Theil-Sen line through its ${complete(s).length} complete points`,
        expected: a.expected,
        residual: a.residual,
        score: a.score,
        threshold: r.threshold,
        points: complete(s).length,
      });
  }
  const kinds: SignalKind[] = ['new-in-area', 'after-zero', 'anomaly'];
  const key = (x: Signal) => [x.area ?? '~', String(kinds.indexOf(x.kind)), x.series, x.period];
  return out.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++)
      if (ka[i] !== kb[i]) return (ka[i] as string) < (kb[i] as string) ? -1 : 1;
    return 0;
  });
}
