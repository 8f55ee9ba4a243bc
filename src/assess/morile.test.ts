import { describe, expect, it } from 'vitest';
import { band, confidenceFrom, harmScore, MORILE, ruleScore, scoreArea } from './morile.js';

describe('MoRiLE-style scoring', () => {
  it('takes the weighted mean of the harm dimensions (physical weighs 2 by default)', () => {
    const h = harmScore({
      physical: 5,
      psychological: 4,
      financial: 3,
      community: 5,
      scale: 5,
      vulnerability: 4,
    });
    // (5*2 + 4 + 3 + 5 + 5 + 4) / 7 = 31 / 7 = 4.43
    expect(h.value).toBe(4.43);
    expect(h.how.at(-1)).toBe('weighted mean 31 / 7 = 4.43');
    // A dimension left out is not counted, and says so; a score above the scale is clamped.
    const part = harmScore({ physical: 9, financial: 1 });
    expect(part.value).toBe(3.67); // (5*2 + 1) / 3
    expect(part.how).toContain('psychological harm: not scored');
  });

  it('adds the rules that fire to the base and clamps to the scale', () => {
    const l = ruleScore('likelihood', [
      { rule: 'rising_series', why: 'a' },
      { rule: 'entities_present', why: 'b' },
      { rule: 'rising_series', why: 'c' },
    ]);
    expect(l.value).toBe(5); // 3 + 1 + 1 + 1 = 6, clamped
    expect(l.how).toContain('clamped to 5 (scale 1-5)');
    expect(ruleScore('capability', []).value).toBe(MORILE.capability.base);
    expect(ruleScore('likelihood', [{ rule: 'no_evidence', why: '' }]).value).toBe(2);
    expect(ruleScore('likelihood', [{ rule: 'unknown', why: '' }]).value).toBe(3);
  });

  it('multiplies harm, likelihood and capability and bands the product', () => {
    const s = scoreArea(
      harmScore({ physical: 4 }),
      ruleScore('likelihood', []),
      ruleScore('capability', []),
      ['series'],
      false,
    );
    expect(s.total).toBe(24); // 4 x 3 x 2
    expect(s.band).toBe('moderate');
    expect([band(125), band(80), band(79.99), band(45), band(20), band(19.99), band(1)]).toEqual([
      'very high',
      'very high',
      'high',
      'high',
      'moderate',
      'low',
      'low',
    ]);
  });

  it('grades confidence by the kinds of evidence', () => {
    expect(confidenceFrom(['series', 'graph', 'sanctions'], true).level).toBe('high');
    expect(confidenceFrom(['series', 'graph', 'sanctions'], false).level).toBe('moderate');
    expect(confidenceFrom(['series', 'series'], true).level).toBe('low');
    expect(confidenceFrom([], false).level).toBe('low');
  });
});
