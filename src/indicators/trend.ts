// The trend of one series (Mann-Kendall, Theil-Sen, the change over it, a direction) and the tally across areas.
import { type PercentChange, trendChange, type ValuePoint } from './change.js';
import { type MannKendall, mannKendall } from './mann-kendall.js';
import { type TheilSen, theilSen } from './theil-sen.js';
import { decimalYear } from './time.js';

export type Direction = 'rising' | 'falling' | 'level' | 'insufficient';

export interface TrendPoint extends ValuePoint {
  partial?: boolean;
}

export interface Trend {
  /** Points used: complete periods, in period order. */
  n: number;
  first: string | null;
  last: string | null;
  alpha: number;
  /** Null below MIN_TREND_POINTS. */
  mannKendall: MannKendall | null;
  /** Slope per year. */
  theilSen: TheilSen | null;
  /** `rising` / `falling` when Mann-Kendall's two-sided p < alpha, `level` otherwise, `insufficient` with too few points. */
  direction: Direction;
  /** Change of the Theil-Sen line from the first to the last period used; null when it cannot be had. */
  change: PercentChange | null;
  /** Periods left out because the source covers them only in part (a year to date). */
  excluded: string[];
}

/** Fewer points cannot show a trend worth the name (Gilbert's table of Mann-Kendall probabilities starts at 4). */
export const MIN_TREND_POINTS = 4;

export function trend(
  points: readonly TrendPoint[],
  options: { alpha?: number; includePartial?: boolean } = {},
): Trend {
  const alpha = options.alpha ?? 0.05;
  const sorted = [...points].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
  const used = options.includePartial ? sorted : sorted.filter((p) => !p.partial);
  const excluded = options.includePartial ? [] : sorted.filter((p) => p.partial).map((p) => p.period);
  const first = used[0]?.period ?? null;
  const last = used[used.length - 1]?.period ?? null;
  const base = { n: used.length, first, last, alpha, excluded };
  if (used.length < MIN_TREND_POINTS)
    return { ...base, mannKendall: null, theilSen: null, direction: 'insufficient', change: null };
  const values = used.map((p) => p.value);
  const mk = mannKendall(values);
  const ts = theilSen(
    used.map((p) => decimalYear(p.period)),
    values,
    { alpha },
  );
  const direction: Direction = mk.p < alpha ? (mk.s > 0 ? 'rising' : 'falling') : 'level';
  const change = trendChange(used, first as string, last as string, { alpha });
  return { ...base, mannKendall: mk, theilSen: ts, direction, change };
}

/** How many series (areas) rise, fall, stay level, or have too few points. */
export function countDirections(trends: readonly { direction: Direction }[]): Record<Direction, number> {
  const counts: Record<Direction, number> = { rising: 0, falling: 0, level: 0, insufficient: 0 };
  for (const t of trends) counts[t.direction]++;
  return counts;
}
