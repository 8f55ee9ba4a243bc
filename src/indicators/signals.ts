// Emerging signals (a substance or series appearing where it was absent) and simple anomalies (points far from
// the trend, by a robust z-score of their residuals).
import type { ValuePoint } from './change.js';
import { sortedMedian, theilSen } from './theil-sen.js';
import { decimalYear } from './time.js';

export interface SignalSeries {
  id: string;
  area: string;
  subject: string;
  points: readonly ValuePoint[];
}

export interface EmergingSignal {
  /**
   * `new-in-area`: the series' first point comes after periods in which its area reported other series but not this
   * one (a substance first found in a city's wastewater). `after-zero`: a series at zero for a run of periods turns
   * positive. Absence means "not reported": a series that starts late may be one a lab began to analyse late.
   */
  kind: 'new-in-area' | 'after-zero';
  series: string;
  area: string;
  subject: string;
  /** The period it appeared in, and its value then. */
  period: string;
  value: number;
  /** The periods before it in which it was absent (not reported, or zero). */
  absent: string[];
}

export interface SignalOptions {
  /** Periods of absence needed before an appearance counts (default 2). */
  minAbsent?: number;
  /** Only appearances in or after this period (default all). */
  since?: string;
}

function byPeriod(a: ValuePoint, b: ValuePoint): number {
  return a.period < b.period ? -1 : a.period > b.period ? 1 : 0;
}

export function emergingSignals(
  series: readonly SignalSeries[],
  options: SignalOptions = {},
): EmergingSignal[] {
  const minAbsent = options.minAbsent ?? 2;
  const since = options.since ?? '';
  const monitored = new Map<string, Set<string>>();
  for (const s of series) {
    const periods = monitored.get(s.area) ?? new Set<string>();
    for (const p of s.points) periods.add(p.period);
    monitored.set(s.area, periods);
  }
  const out: EmergingSignal[] = [];
  for (const s of series) {
    const points = [...s.points].sort(byPeriod);
    const first = points[0];
    if (!first) continue;
    const base = { series: s.id, area: s.area, subject: s.subject };
    const before = [...(monitored.get(s.area) ?? [])].filter((p) => p < first.period).sort();
    if (before.length >= minAbsent && first.period >= since)
      out.push({ kind: 'new-in-area', ...base, period: first.period, value: first.value, absent: before });
    let zeros: string[] = [];
    for (const p of points) {
      if (p.value === 0) zeros.push(p.period);
      else {
        if (zeros.length >= minAbsent && p.value > 0 && p.period >= since)
          out.push({ kind: 'after-zero', ...base, period: p.period, value: p.value, absent: zeros });
        zeros = [];
      }
    }
  }
  return out.sort(
    (a, b) =>
      byPeriod(a, b) || (a.area < b.area ? -1 : a.area > b.area ? 1 : 0) || (a.series < b.series ? -1 : 1),
  );
}

export interface Anomaly {
  period: string;
  value: number;
  /** The Theil-Sen line's value for the period. */
  expected: number;
  residual: number;
  /** The modified z-score 0.6745 (r - median r) / MAD (Iglewicz & Hoaglin 1993). */
  score: number;
}

export interface AnomalyResult {
  anomalies: Anomaly[];
  /** Median absolute deviation of the residuals; scores need it above zero. */
  mad: number;
  threshold: number;
  /** Why nothing was scored, when nothing could be. */
  note: string | null;
}

/**
 * Points whose residual from the Theil-Sen line has a modified z-score beyond the threshold (3.5, as Iglewicz &
 * Hoaglin 1993 recommend). Median and MAD, unlike mean and sd, are not pulled by the outliers they look for.
 */
export function anomalies(
  points: readonly ValuePoint[],
  options: { threshold?: number; minPoints?: number } = {},
): AnomalyResult {
  const threshold = options.threshold ?? 3.5;
  // Fewer points give a MAD too unstable to score by: on six yearly points a steady trend flags its own steps.
  const minPoints = options.minPoints ?? 8;
  const sorted = [...points].sort(byPeriod);
  if (sorted.length < minPoints)
    return { anomalies: [], mad: 0, threshold, note: `${sorted.length} points; anomalies need ${minPoints}` };
  const times = sorted.map((p) => decimalYear(p.period));
  const fit = theilSen(
    times,
    sorted.map((p) => p.value),
  );
  const expected = times.map((t) => fit.intercept + fit.slope * t);
  const residuals = sorted.map((p, i) => p.value - (expected[i] as number));
  const centre = sortedMedian(residuals);
  const mad = sortedMedian(residuals.map((r) => Math.abs(r - centre)));
  if (!(mad > 0))
    return {
      anomalies: [],
      mad,
      threshold,
      note: 'half the points or more lie on the line (MAD 0): no scale',
    };
  const found: Anomaly[] = [];
  sorted.forEach((p, i) => {
    const residual = residuals[i] as number;
    const score = (0.6745 * (residual - centre)) / mad;
    if (Math.abs(score) > threshold)
      found.push({ period: p.period, value: p.value, expected: expected[i] as number, residual, score });
  });
  return { anomalies: found, mad, threshold, note: null };
}
