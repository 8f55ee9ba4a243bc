// Wastewater back-calculation: a worked example of load -> consumption -> national tonnes, and the factor table.
import { describe, expect, it } from 'vitest';
import { consumption, correctionFactor, correctionFactors, nationalTonnes } from './wastewater.js';

describe('wastewater back-calculation', () => {
  it('works a cocaine estimate through by hand', () => {
    // 500 mg benzoylecgonine per 1000 people per day x 2.33 = 1165 mg cocaine (x 3.59 = 1795 at the top of the range).
    const c = consumption(500, 'cocaine');
    expect(c.value).toBeCloseTo(1165, 9);
    expect(c.low).toBeCloseTo(1165, 9);
    expect(c.high).toBeCloseTo(1795, 9);
    // 1165 mg / 1000 people / day for 67 million people: 1.165 mg x 67e6 = 78,055,000 mg a day, x 365 =
    // 28,490,075,000 mg = 28.490075 tonnes a year; 1795 gives 43.896725 tonnes.
    const t = nationalTonnes(c, 67_000_000);
    expect(t).toMatchObject({ unit: 'tonnes/year', basis: 'pure', population: 67_000_000 });
    expect(t.value).toBeCloseTo(28.490075, 9);
    expect(t.high).toBeCloseTo(43.896725, 9);
    // At 60% purity (50-70%): 28.490075 / 0.6 = 47.48346; low 28.490075 / 0.7 = 40.70011; high 43.896725 / 0.5.
    const street = nationalTonnes(c, 67_000_000, { purity: { value: 0.6, low: 0.5, high: 0.7 } });
    expect(street.basis).toBe('street');
    expect(street.value).toBeCloseTo(47.48346, 5);
    expect(street.low).toBeCloseTo(40.70011, 5);
    expect(street.high).toBeCloseTo(87.79345, 5);
  });

  it('carries the load interval with the factor range', () => {
    const c = consumption({ value: 100, low: 80, high: 130 }, 'MDMA');
    const f = correctionFactor('mdma');
    expect(c).toEqual({ value: 100 * f.factor, low: 80 * f.range[0], high: 130 * f.range[1] });
  });

  it('has a cited factor inside its range for every substance of the EMCDDA extract', () => {
    const names = correctionFactors().map((f) => f.substance);
    expect(names.sort()).toEqual(['MDMA', 'amphetamine', 'cannabis', 'cocaine', 'methamphetamine']);
    for (const f of correctionFactors()) {
      expect(f.range[0]).toBeLessThanOrEqual(f.factor);
      expect(f.factor).toBeLessThanOrEqual(f.range[1]);
      expect(f.sources.length).toBeGreaterThan(0);
      for (const s of f.sources) expect(s.doi).toMatch(/^10\.\d{4,}\//);
    }
    expect(correctionFactor('cocaine')).toMatchObject({ residue: 'benzoylecgonine', factor: 2.33 });
    expect(correctionFactor('cannabis').residue).toBe('THC-COOH');
  });

  it('refuses unknown substances, negative loads and impossible purities', () => {
    expect(() => consumption(1, 'ketamine')).toThrow(expect.objectContaining({ code: 'VALUE_INVALID' }));
    expect(() => consumption(-1, 'cocaine')).toThrow(expect.objectContaining({ code: 'VALUE_INVALID' }));
    expect(() => nationalTonnes({ value: 1, low: 1, high: 1 }, 0)).toThrow(
      expect.objectContaining({ code: 'VALUE_INVALID' }),
    );
    expect(() => nationalTonnes({ value: 1, low: 1, high: 1 }, 10, { purity: 1.5 })).toThrow(
      expect.objectContaining({ code: 'VALUE_INVALID' }),
    );
  });
});
