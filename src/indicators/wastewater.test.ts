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

  it('derives each default factor from its molar masses and excreted fraction, to the figures it is written with', () => {
    // By hand for cocaine: 303.35 / 289.33 = 1.04846; / 0.45 = 2.32991, written 2.33. Heroin through morphine:
    // 369.41 / 285.34 = 1.29463; / 0.42 = 3.08245, written 3.1. THC through THC-COOH: 314.46 / 344.45 = 0.91293;
    // / 0.006 = 152.156, written 152. Amphetamine measured unchanged: 1 / 0.30 = 3.333, written 3.3.
    const hand: Record<string, number> = {
      cocaine: 2.32991,
      heroin: 3.08245,
      cannabis: 152.1556,
      amphetamine: 3.3333,
    };
    for (const [name, value] of Object.entries(hand)) {
      const f = correctionFactor(name);
      expect(f.molar_mass.parent / f.molar_mass.residue / f.excreted).toBeCloseTo(value, 3);
    }
    for (const f of correctionFactors()) {
      const exact = f.molar_mass.parent / f.molar_mass.residue / f.excreted;
      const digits = String(f.factor).replace('.', '').replace(/^0+/, '').length;
      expect(Number(exact.toPrecision(digits)), f.substance).toBe(f.factor);
    }
  });

  it('states the cocaine factor with its spread: 2.33 commonly, up to 3.59 in later literature', () => {
    const f = correctionFactor('cocaine');
    expect(f.range).toEqual([2.33, 3.59]);
    expect(f.sources.map((s) => s.factor)).toEqual([2.33, 3.59]);
    expect(f.uncertainty).toMatch(/2\.33-3\.59/);
    // 400 mg benzoylecgonine: 932 mg cocaine (2.33), up to 1436 mg (3.59), 54% more.
    expect(consumption(400, 'cocaine')).toEqual({ value: 400 * 2.33, low: 400 * 2.33, high: 400 * 3.59 });
    expect(3.59 / 2.33).toBeCloseTo(1.54, 2);
  });

  it('estimates heroin from morphine only on a load net of medicinal morphine and codeine', () => {
    expect(() => consumption(100, 'heroin')).toThrow(expect.objectContaining({ code: 'VALUE_INVALID' }));
    // 40 mg morphine per 1000 people per day left after the therapeutic share, x 3.1 = 124 mg heroin.
    expect(consumption(40, 'heroin', { net: true }).value).toBeCloseTo(124, 9);
    expect(correctionFactor('heroin')).toMatchObject({
      residue: 'morphine',
      net_load: expect.stringMatching(/codeine/),
    });
  });

  it('carries the load interval with the factor range', () => {
    const c = consumption({ value: 100, low: 80, high: 130 }, 'MDMA');
    const f = correctionFactor('mdma');
    expect(c).toEqual({ value: 100 * f.factor, low: 80 * f.range[0], high: 130 * f.range[1] });
  });

  it('has a cited factor inside its range for every substance of the EMCDDA extract, and heroin', () => {
    const names = correctionFactors().map((f) => f.substance);
    expect(names.sort()).toEqual(['MDMA', 'amphetamine', 'cannabis', 'cocaine', 'heroin', 'methamphetamine']);
    for (const f of correctionFactors()) {
      expect(f.range[0]).toBeLessThanOrEqual(f.factor);
      expect(f.factor).toBeLessThanOrEqual(f.range[1]);
      expect(f.sources.length).toBeGreaterThan(0);
      for (const s of f.sources) expect(s.doi).toMatch(/^10\.\d{4,}\//);
      // The default factor and both ends of the range each come from a cited source.
      const cited = f.sources.map((s) => s.factor);
      for (const x of [f.factor, ...f.range]) expect(cited, f.substance).toContain(x);
      expect(f.uncertainty.length).toBeGreaterThan(20);
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
