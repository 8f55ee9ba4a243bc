// Theil-Sen slope and Sen's confidence interval, worked by hand from Gilbert (1987), and the time scale.
import { describe, expect, it } from 'vitest';
import { theilSen } from './theil-sen.js';
import { decimalYear } from './time.js';

describe('theilSen', () => {
  it('follows Gilbert (1987) step by step on a small series', () => {
    // t = 1..5, y = 2 4 3 7 6. The N' = 10 slopes, ordered: -1 -1 0.5 2/3 1 1.5 1.5 5/3 2 4; median (1 + 1.5)/2.
    // Var(S) = 5*4*15/18 = 16.667. At 90%: C = 1.6449 * 4.0825 = 6.715, M1 = (10 - C)/2 = 1.64 -> 2 and
    // M2 = (10 + C)/2 = 8.36 -> 8, so the limits are the 2nd and 9th smallest slopes: -1 and 2.
    // At 95%: C = 8.0015, M1 -> 1, M2 -> 9: the 1st and 10th, -1 and 4.
    const t = [1, 2, 3, 4, 5];
    const y = [2, 4, 3, 7, 6];
    const r90 = theilSen(t, y, { alpha: 0.1 });
    expect(r90).toMatchObject({ n: 5, pairs: 10, slope: 1.25, low: -1, high: 2 });
    expect(r90.variance).toBeCloseTo(16.6667, 4);
    // Intercept: the median of y - 1.25 t = 0.75 1.5 -0.75 2 -0.25.
    expect(r90.intercept).toBe(0.75);
    expect(theilSen(t, y)).toMatchObject({ low: -1, high: 4 });
  });

  it('gives the EPA QA/G-9S series a slope of 1 per step with the limits scipy.stats.theilslopes gives (0, 2)', () => {
    const y = [10, 10, 10, 5, 10, 20, 18, 17, 15, 24, 15];
    const r = theilSen(
      y.map((_, i) => i + 1),
      y,
    );
    expect(r).toMatchObject({ slope: 1, low: 0, high: 2, pairs: 55 });
    expect(r.variance).toBeCloseTo(155.33, 2);
  });

  it('says there is no interval when the ranks fall outside the slopes, and skips pairs at one time', () => {
    expect(theilSen([1, 2, 3, 4], [1, 2, 3, 4])).toMatchObject({ slope: 1, low: null, high: null });
    const tied = theilSen([1, 1, 2, 3, 4, 5, 6], [1, 3, 2, 3, 4, 5, 6]);
    expect(tied.pairs).toBe(20);
    expect(() => theilSen([1, 2], [1])).toThrow(expect.objectContaining({ code: 'USAGE_INVALID' }));
    expect(() => theilSen([1, 2], [1, Number.POSITIVE_INFINITY])).toThrow(
      expect.objectContaining({ code: 'VALUE_INVALID' }),
    );
  });
});

describe('decimalYear', () => {
  it('puts 1 January on the whole year and spaces days within a year', () => {
    expect(decimalYear('2019-01-01')).toBe(2019);
    expect(decimalYear('2019-07-02')).toBeCloseTo(2019 + 182 / 365, 12);
    expect(decimalYear('2020-12-31')).toBeCloseTo(2020 + 365 / 366, 12);
    expect(() => decimalYear('2019')).toThrow(expect.objectContaining({ code: 'VALUE_INVALID' }));
  });
});
