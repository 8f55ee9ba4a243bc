// Mann-Kendall against worked examples from the literature, and its exact distribution against brute force.
import { describe, expect, it } from 'vitest';
import { exactTwoSidedP, mannKendall, varianceOfS } from './mann-kendall.js';

describe('mannKendall', () => {
  it('matches the worked example of EPA QA/G-9S (2006), p. 109: S = 22, Var(S) = 155.33, Z = 1.685', () => {
    // US EPA, "Data Quality Assessment: Statistical Methods for Practitioners" (EPA QA/G-9S, 2006): 11 values with
    // a tie of four 10s and a tie of two 15s.
    const r = mannKendall([10, 10, 10, 5, 10, 20, 18, 17, 15, 24, 15]);
    expect(r.s).toBe(22);
    expect(r.ties).toEqual([4, 2]);
    expect(r.variance).toBeCloseTo(155.33, 2);
    expect(r.z).toBeCloseTo(1.685, 3);
    expect(r.method).toBe('normal');
    // Two-sided p from Z: 2 (1 - Phi(1.685)).
    expect(r.p).toBeCloseTo(0.092, 3);
  });

  it('matches the worked "by hand" example of Little (College of the Holy Cross): S = 54, Z = 2.9058, p ~ .0018 one-sided', () => {
    // https://mathcs.holycross.edu/~little/Montserrat/MannKendallByHand.txt: 14 values, one pair tied (12.9),
    // V = 14*13*33/18 - 2*1*9/18, Z = (S - 1)/sqrt(V).
    const r = mannKendall([
      12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7,
    ]);
    expect(r.s).toBe(54);
    expect(r.variance).toBeCloseTo((14 * 13 * 33) / 18 - (2 * 1 * 9) / 18, 10);
    expect(r.z).toBeCloseTo(2.9058, 4);
    expect(r.p / 2).toBeCloseTo(0.0018, 4);
  });

  it("gives the exact probabilities of Kendall's S that Gilbert (1987) tabulates for n = 4", () => {
    // One-sided P(S >= s) for n = 4: s = 0 .625, 2 .375, 4 .167, 6 .042 (15, 9, 4, 1 of the 24 orderings).
    expect(exactTwoSidedP(4, 6) / 2).toBeCloseTo(0.042, 3);
    expect(exactTwoSidedP(4, 4) / 2).toBeCloseTo(0.167, 3);
    expect(exactTwoSidedP(4, 2) / 2).toBeCloseTo(0.375, 3);
    expect(exactTwoSidedP(4, 0)).toBe(1);
    const r = mannKendall([1, 2, 3, 4]);
    expect(r).toMatchObject({ s: 6, method: 'exact', tau: 1 });
    expect(r.p).toBeCloseTo(2 / 24, 12);
  });

  it('counts the exact distribution as brute force over every ordering does (n = 3..7)', () => {
    const permutations = (n: number): number[][] => {
      if (n === 0) return [[]];
      return permutations(n - 1).flatMap((p) =>
        Array.from({ length: n }, (_, i) => [...p.slice(0, i), n, ...p.slice(i)]),
      );
    };
    const sOf = (x: number[]) => {
      let s = 0;
      for (let i = 0; i < x.length; i++)
        for (let j = i + 1; j < x.length; j++) s += Math.sign((x[j] as number) - (x[i] as number));
      return s;
    };
    for (let n = 3; n <= 7; n++) {
      const all = permutations(n).map(sOf);
      for (const s of new Set(all))
        expect(exactTwoSidedP(n, s), `n=${n} S=${s}`).toBeCloseTo(
          all.filter((x) => Math.abs(x) >= Math.abs(s)).length / all.length,
          12,
        );
    }
  });

  it('uses the normal approximation beyond n = 10 or with ties, and handles flat and tiny series', () => {
    expect(mannKendall(Array.from({ length: 11 }, (_, i) => i)).method).toBe('normal');
    expect(mannKendall([1, 1, 2, 3]).method).toBe('normal');
    expect(mannKendall([5, 5, 5, 5])).toMatchObject({ s: 0, z: 0, p: 1, tau: 0 });
    expect(mannKendall([1])).toMatchObject({ n: 1, s: 0, p: 1 });
    expect(mannKendall([3, 2, 1, 0, -1, -2]).s).toBe(-15);
    expect(varianceOfS(10, [])).toBe(125);
    expect(() => mannKendall([1, Number.NaN])).toThrow(expect.objectContaining({ code: 'VALUE_INVALID' }));
  });

  it('can leave out the continuity correction, which scipy.stats.kendalltau does not apply', () => {
    const r = mannKendall(
      [12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7],
      {
        continuity: false,
      },
    );
    expect(r.z).toBeCloseTo(54 / Math.sqrt(332.6666666666667), 12);
  });
});
