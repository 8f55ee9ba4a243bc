// The Mann-Kendall test for a monotonic trend (Mann 1945; Kendall 1975) with the tie correction, as Gilbert (1987,
// "Statistical Methods for Environmental Pollution Monitoring", chapter 16, pp. 208-213) sets it out.
import { NexusError } from '../model/index.js';
import { normalUpper } from './normal.js';

export interface MannKendall {
  n: number;
  /** S: the sum over pairs i < j of sign(x_j - x_i), values in time order. */
  s: number;
  /** Var(S) under no trend, tie-corrected: [n(n-1)(2n+5) - sum t(t-1)(2t+5)] / 18 over tie groups t. */
  variance: number;
  /** Kendall's tau-b between time and value (time has no ties). */
  tau: number;
  /** The normal score: (S - 1)/sd for S > 0, (S + 1)/sd for S < 0, 0 for S = 0 (continuity-corrected unless told not). */
  z: number;
  /** Two-sided p of no trend. */
  p: number;
  /**
   * `exact` when there are no ties and n <= 10: p from the distribution of S by enumeration (what Gilbert's table of
   * Mann-Kendall probabilities gives for n <= 10); `normal` otherwise: from z, as Gilbert advises beyond n = 10.
   */
  method: 'exact' | 'normal';
  /** Sizes of the groups of tied values (each 2 or more), largest first. */
  ties: number[];
}

export interface MannKendallOptions {
  /** Subtract 1 from |S| before dividing by its sd (default true, as Gilbert 1987). */
  continuity?: boolean;
  /** Use the exact distribution where it applies (default true). */
  exact?: boolean;
}

/** Largest n the exact distribution is enumerated for (n! stays well within a double's exact integers). */
export const EXACT_MAX_N = 10;

function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/** Sizes of groups of equal values. */
export function tieGroups(values: readonly number[]): number[] {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.values()].filter((t) => t > 1).sort((a, b) => b - a);
}

/** Var(S) for n values with the given tie groups. */
export function varianceOfS(n: number, ties: readonly number[]): number {
  let v = n * (n - 1) * (2 * n + 5);
  for (const t of ties) v -= t * (t - 1) * (2 * t + 5);
  return v / 18;
}

/**
 * P(|S| >= |s|) for n values without ties: S = N - 2I where I, the number of inversions of a random permutation,
 * has the Mahonian distribution, counted here by the usual recurrence over n.
 */
export function exactTwoSidedP(n: number, s: number): number {
  const pairs = (n * (n - 1)) / 2;
  let counts = [1];
  for (let m = 2; m <= n; m++) {
    const next = new Array<number>(counts.length + m - 1).fill(0);
    for (let i = 0; i < counts.length; i++)
      for (let k = 0; k < m; k++) next[i + k] = (next[i + k] as number) + (counts[i] as number);
    counts = next;
  }
  let total = 0;
  let tail = 0;
  counts.forEach((c, inversions) => {
    total += c;
    if (Math.abs(pairs - 2 * inversions) >= Math.abs(s)) tail += c;
  });
  return tail / total;
}

/** The test on values in time order (one per period; missing periods simply left out). */
export function mannKendall(values: readonly number[], options: MannKendallOptions = {}): MannKendall {
  const n = values.length;
  if (values.some((v) => !Number.isFinite(v)))
    throw new NexusError('VALUE_INVALID', 'indicators.mannKendall: every value must be a finite number');
  let s = 0;
  for (let i = 0; i < n - 1; i++)
    for (let j = i + 1; j < n; j++) s += sign((values[j] as number) - (values[i] as number));
  const ties = tieGroups(values);
  const variance = varianceOfS(n, ties);
  const pairs = (n * (n - 1)) / 2;
  const tiedPairs = ties.reduce((sum, t) => sum + (t * (t - 1)) / 2, 0);
  const denominator = Math.sqrt(pairs * (pairs - tiedPairs));
  const tau = denominator > 0 ? s / denominator : 0;
  const correction = options.continuity === false ? 0 : 1;
  const sd = Math.sqrt(variance);
  const z = s === 0 || sd === 0 ? 0 : (s - correction * sign(s)) / sd;
  const exact = options.exact !== false && ties.length === 0 && n >= 2 && n <= EXACT_MAX_N;
  const p = n < 2 || sd === 0 ? 1 : exact ? exactTwoSidedP(n, s) : Math.min(1, 2 * normalUpper(Math.abs(z)));
  return { n, s, variance, tau, z, p, method: exact ? 'exact' : 'normal', ties };
}
