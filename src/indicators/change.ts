// Percentage change between two periods, with an interval: from the Theil-Sen line and Sen's slope limits (what the
// trend statistics use), or by a seeded bootstrap where the raw observations of both periods are at hand.
import { NexusError, Random } from '../model/index.js';
import { sortedMedian, theilSen } from './theil-sen.js';
import { decimalYear } from './time.js';

export interface PercentChange {
  from: string;
  to: string;
  /** 100 * (level at `to` / level at `from` - 1). */
  percent: number;
  /** Interval at 1 - alpha; null when it cannot be had (too few points, or a level at or below zero). */
  low: number | null;
  high: number | null;
  alpha: number;
  method: 'theil-sen' | 'bootstrap';
  /** Points (theil-sen) or draws (bootstrap) behind it. */
  n: number;
}

export interface ValuePoint {
  period: string;
  value: number;
}

/** 100 * b (t2 - t1) / L(t1), where L(t1) = median(y - b (t - t1)) is the line's level at t1 for slope b. */
function lineChange(times: number[], values: number[], b: number, t1: number, t2: number): number | null {
  const level = sortedMedian(values.map((y, i) => y - b * ((times[i] as number) - t1)));
  if (!(level > 0)) return null;
  return (100 * b * (t2 - t1)) / level;
}

/**
 * The percentage change of the Theil-Sen line fitted to the points from `from` to `to` (inclusive), between those two
 * periods. The interval puts Sen's confidence limits of the slope in place of the slope, each with its own level
 * (the median residual), so it carries the scatter about the trend but not the measurement error of each point.
 * The change grows with the slope while the level stays positive, so the limits come out in order.
 */
export function percentChange(
  points: readonly ValuePoint[],
  from: string,
  to: string,
  options: { alpha?: number } = {},
): PercentChange {
  const change = trendChange(points, from, to, options);
  if (change === null)
    throw new NexusError(
      'VALUE_INVALID',
      `indicators.percentChange: no positive level between ${from} and ${to}`,
    );
  return change;
}

/** As percentChange, but null instead of an error when the line has no positive level at `from`. */
export function trendChange(
  points: readonly ValuePoint[],
  from: string,
  to: string,
  options: { alpha?: number } = {},
): PercentChange | null {
  const alpha = options.alpha ?? 0.05;
  if (!(from < to))
    throw new NexusError('USAGE_INVALID', `indicators.percentChange: "${from}" is not before "${to}"`);
  const inside = points.filter((p) => p.period >= from && p.period <= to);
  const times = inside.map((p) => decimalYear(p.period));
  const values = inside.map((p) => p.value);
  const t1 = decimalYear(from);
  const t2 = decimalYear(to);
  const fit = theilSen(times, values, { alpha });
  const percent = Number.isNaN(fit.slope) ? null : lineChange(times, values, fit.slope, t1, t2);
  if (percent === null) return null;
  const low = fit.low === null ? null : lineChange(times, values, fit.low, t1, t2);
  const high = fit.high === null ? null : lineChange(times, values, fit.high, t1, t2);
  const bounded = low !== null && high !== null;
  return {
    from,
    to,
    percent,
    low: bounded ? low : null,
    high: bounded ? high : null,
    alpha,
    method: 'theil-sen',
    n: inside.length,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** The q-quantile of sorted values, interpolating between order statistics (type 7 of Hyndman & Fan 1996). */
export function quantile(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

/**
 * 100 * (mean(after) / mean(before) - 1) with a percentile bootstrap interval (Efron & Tibshirani 1993, ch. 13):
 * each draw resamples both periods' observations with replacement, from a fixed seed, so the same data always
 * give the same interval.
 */
export function bootstrapPercentChange(
  before: readonly number[],
  after: readonly number[],
  options: { from?: string; to?: string; alpha?: number; draws?: number; seed?: number } = {},
): PercentChange {
  const alpha = options.alpha ?? 0.05;
  const draws = options.draws ?? 10_000;
  if (before.length === 0 || after.length === 0)
    throw new NexusError(
      'USAGE_INVALID',
      'indicators.bootstrapPercentChange: both periods need observations',
    );
  const base = mean(before);
  if (!(base > 0))
    throw new NexusError(
      'VALUE_INVALID',
      'indicators.bootstrapPercentChange: the first period has no positive mean',
    );
  const random = new Random(options.seed ?? 20_240_101);
  const resampledMean = (xs: readonly number[]) => {
    let sum = 0;
    for (let i = 0; i < xs.length; i++) sum += xs[Math.floor(random.next() * xs.length)] as number;
    return sum / xs.length;
  };
  const changes: number[] = [];
  for (let d = 0; d < draws; d++) {
    const b = resampledMean(before);
    if (b > 0) changes.push(100 * (resampledMean(after) / b - 1));
  }
  changes.sort((a, b) => a - b);
  return {
    from: options.from ?? 'before',
    to: options.to ?? 'after',
    percent: 100 * (mean(after) / base - 1),
    low: changes.length ? quantile(changes, alpha / 2) : null,
    high: changes.length ? quantile(changes, 1 - alpha / 2) : null,
    alpha,
    method: 'bootstrap',
    n: changes.length,
  };
}
