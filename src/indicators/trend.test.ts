// Percentage change with its interval, the direction of a trend, and the tally of areas.
import { describe, expect, it } from 'vitest';
import { bootstrapPercentChange, percentChange, trendChange } from './change.js';
import { normalQuantile, normalUpper } from './normal.js';
import { countDirections, trend } from './trend.js';

const yearly = (start: number, values: number[]) =>
  values.map((value, i) => ({ period: `${start + i}-01-01`, value }));

describe('percentChange (Theil-Sen line)', () => {
  it('is exact on a straight line', () => {
    const c = percentChange(yearly(2015, [100, 110, 120, 130, 140]), '2015-01-01', '2019-01-01');
    expect(c).toMatchObject({ percent: 40, low: 40, high: 40, method: 'theil-sen', n: 5 });
  });

  it("works the interval from Sen's slope limits, each with its own level (worked by hand)", () => {
    // Slopes of 100 120 110 140 130 (2015-2019), ordered: -10 -10 3.33 5 7.5 10 10 13.33 20 30; median 8.75.
    // Level in 2015 = median(y - 8.75 (t - 2015)) = 100, so the change is 8.75 * 4 / 100 = 35%.
    // 95% limits of the slope (1st and 10th): -10, level median(y + 10 dt) = 130 -> -40/130 = -30.77%;
    // 30, level median(y - 30 dt) = 50 -> 120/50 = 240%.
    const c = percentChange(yearly(2015, [100, 120, 110, 140, 130]), '2015-01-01', '2019-01-01');
    expect(c.percent).toBeCloseTo(35, 10);
    expect(c.low).toBeCloseTo(-30.769, 3);
    expect(c.high).toBeCloseTo(240, 10);
  });

  it('uses only the points between the two periods, and refuses a reversed or level-less span', () => {
    const points = yearly(2010, [500, 1, 2, 3, 4, 5, 6]);
    expect(percentChange(points, '2011-01-01', '2016-01-01').percent).toBeCloseTo(500, 10);
    expect(() => percentChange(points, '2016-01-01', '2011-01-01')).toThrow(
      expect.objectContaining({ code: 'USAGE_INVALID' }),
    );
    expect(trendChange(yearly(2010, [0, 0, 0, 0]), '2010-01-01', '2013-01-01')).toBeNull();
  });
});

describe('bootstrapPercentChange', () => {
  const before = [400, 420, 390, 450, 600, 380, 410];
  const after = [480, 500, 470, 560, 700, 450, 490];

  it('gives the change of the means with a percentile interval that a fixed seed repeats', () => {
    const a = bootstrapPercentChange(before, after, { seed: 7 });
    const b = bootstrapPercentChange(before, after, { seed: 7 });
    expect(a).toEqual(b);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(a.percent).toBeCloseTo(100 * (mean(after) / mean(before) - 1), 10);
    expect(a.low as number).toBeLessThan(a.percent);
    expect(a.high as number).toBeGreaterThan(a.percent);
    expect(a.n).toBe(10_000);
    expect(bootstrapPercentChange(before, after, { seed: 8 }).low).not.toBe(a.low);
  });

  it('collapses to a point when nothing varies, and refuses empty periods', () => {
    expect(bootstrapPercentChange([2, 2], [3, 3], { draws: 50 })).toMatchObject({
      percent: 50,
      low: 50,
      high: 50,
    });
    expect(() => bootstrapPercentChange([], [1])).toThrow(expect.objectContaining({ code: 'USAGE_INVALID' }));
  });
});

describe('trend', () => {
  it('calls a monotone series rising or falling at alpha 0.05, a noisy one level, a short one insufficient', () => {
    const up = trend(yearly(2011, [10, 12, 13, 15, 18, 23]));
    expect(up.direction).toBe('rising');
    expect(up.mannKendall?.p).toBeCloseTo(2 / 720, 12);
    expect(up.theilSen?.slope).toBeGreaterThan(0);
    expect(up.change?.from).toBe('2011-01-01');
    expect(trend(yearly(2011, [9, 7, 6, 4, 3])).direction).toBe('falling');
    expect(trend(yearly(2011, [5, 9, 4, 8, 5, 7])).direction).toBe('level');
    expect(trend(yearly(2011, [1, 2, 3]))).toMatchObject({
      direction: 'insufficient',
      mannKendall: null,
      n: 3,
    });
    // Four points can never reach p < 0.05 (the exact minimum is 2/24).
    expect(trend(yearly(2011, [1, 2, 3, 4])).direction).toBe('level');
  });

  it('leaves partial periods out unless told, sorting points by period', () => {
    const points = [
      ...yearly(2018, [7, 11, 13, 28, 41]).reverse(),
      { period: '2023-01-01', value: 2, partial: true },
    ];
    const t = trend(points);
    expect(t).toMatchObject({ n: 5, first: '2018-01-01', last: '2022-01-01', excluded: ['2023-01-01'] });
    expect(t.direction).toBe('rising');
    expect(trend(points, { includePartial: true }).n).toBe(6);
  });

  it('counts areas rising, falling, level and insufficient', () => {
    const d = ['rising', 'rising', 'level', 'falling', 'insufficient'] as const;
    expect(countDirections(d.map((direction) => ({ direction })))).toEqual({
      rising: 2,
      falling: 1,
      level: 1,
      insufficient: 1,
    });
  });
});

describe('normal distribution', () => {
  it('gives the textbook quantiles and tails', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.644854, 6);
    expect(normalUpper(1.959964)).toBeCloseTo(0.025, 7);
    expect(normalUpper(8)).toBeCloseTo(6.22096e-16, 20);
  });
});
