// The Theil-Sen slope (Theil 1950; Sen 1968) with Sen's distribution-free confidence interval, as Gilbert (1987,
// "Statistical Methods for Environmental Pollution Monitoring", chapter 16, pp. 217-219) sets it out.
import { NexusError } from '../model/index.js';
import { tieGroups, varianceOfS } from './mann-kendall.js';
import { normalQuantile } from './normal.js';

export interface TheilSen {
  n: number;
  /** The median of the N' pairwise slopes (y_j - y_i)/(t_j - t_i) over pairs with t_j != t_i. */
  slope: number;
  /** The median of y - slope * t, so that intercept + slope * t is the fitted line. */
  intercept: number;
  /**
   * The 1 - alpha confidence limits of the slope: with C = z(1 - alpha/2) sqrt(Var S), M1 = (N' - C)/2 and
   * M2 = (N' + C)/2, the M1-th and (M2 + 1)-th smallest slopes (Gilbert 1987), M1 and M2 rounded to the nearest
   * integer (halves up). Null when the ranks fall outside 1..N' (too few points for that confidence).
   */
  low: number | null;
  high: number | null;
  alpha: number;
  /** N': pairs with different times. */
  pairs: number;
  /** Var(S) with ties in times and values taken out (Sen 1968, eq. 2.6). */
  variance: number;
}

function median(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function sortedMedian(values: readonly number[]): number {
  return median(Float64Array.from(values).sort());
}

/** Times in any unit (decimal years give slopes per year); values finite. */
export function theilSen(
  times: readonly number[],
  values: readonly number[],
  options: { alpha?: number } = {},
): TheilSen {
  const alpha = options.alpha ?? 0.05;
  const n = values.length;
  if (times.length !== n)
    throw new NexusError('USAGE_INVALID', `indicators.theilSen: ${times.length} times for ${n} values`);
  if (!(alpha > 0 && alpha < 1))
    throw new NexusError('USAGE_INVALID', 'indicators.theilSen: alpha must be in (0, 1)');
  if ([...times, ...values].some((v) => !Number.isFinite(v)))
    throw new NexusError(
      'VALUE_INVALID',
      'indicators.theilSen: every time and value must be a finite number',
    );
  // A typed array sorts numerically in native code: thousands of points give millions of pairs.
  const all = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n - 1; i++)
    for (let j = i + 1; j < n; j++) {
      const dt = (times[j] as number) - (times[i] as number);
      if (dt !== 0) all[k++] = ((values[j] as number) - (values[i] as number)) / dt;
    }
  const slopes = all.subarray(0, k).sort();
  const slope = median(slopes);
  const intercept = Number.isNaN(slope)
    ? Number.NaN
    : sortedMedian(values.map((y, i) => y - slope * (times[i] as number)));
  // Sen (1968) eq. 2.6: ties in t and in y both reduce the variance.
  const variance =
    varianceOfS(n, tieGroups(values)) - (varianceOfS(n, []) - varianceOfS(n, tieGroups(times)));
  const c = normalQuantile(1 - alpha / 2) * Math.sqrt(Math.max(variance, 0));
  const pairs = slopes.length;
  const m1 = Math.round((pairs - c) / 2);
  const m2 = Math.round((pairs + c) / 2);
  const bounded = pairs > 0 && m1 >= 1 && m2 + 1 <= pairs;
  return {
    n,
    slope,
    intercept,
    low: bounded ? (slopes[m1 - 1] as number) : null,
    high: bounded ? (slopes[m2] as number) : null,
    alpha,
    pairs,
    variance,
  };
}
