// Unit tests for the grading filter: its compact syntax, its errors, how filters combine and which codes pass.
import { describe, expect, it } from 'vitest';
import { isNexusError } from '../model/index.js';
import { makeContext, withGrading, withoutGrading } from './context.js';
import {
  formatGradingFilter,
  gradingFilterOption,
  gradingPasses,
  intersectGradingFilters,
  parseGradingFilter,
} from './grading-filter.js';

function code(text: string): string | undefined {
  try {
    parseGradingFilter(text);
  } catch (err) {
    return isNexusError(err) ? `${err.code}: ${err.message}` : String(err);
  }
  return undefined;
}

describe('parseGradingFilter', () => {
  it('reads assessments, sources, both, and +ungraded', () => {
    expect(parseGradingFilter('AB')).toEqual({ sources: '123', assessments: 'AB', ungraded: false });
    expect(parseGradingFilter('1AB')).toEqual({ sources: '1', assessments: 'AB', ungraded: false });
    expect(parseGradingFilter('12')).toEqual({ sources: '12', assessments: 'ABCDE', ungraded: false });
    expect(parseGradingFilter('AB+ungraded')).toEqual({ sources: '123', assessments: 'AB', ungraded: true });
    expect(parseGradingFilter('ungraded')).toEqual({ sources: '', assessments: '', ungraded: true });
  });

  it('ignores case, surrounding space, order within a part and repeats', () => {
    expect(parseGradingFilter(' ba+UNGRADED ')).toEqual(parseGradingFilter('AB+ungraded'));
    expect(parseGradingFilter('211ca')).toEqual({ sources: '12', assessments: 'AC', ungraded: false });
  });

  it('refuses anything else with GRADING_INVALID naming the input', () => {
    for (const bad of [
      'ZZ',
      '',
      ' ',
      '4A',
      'AF',
      'A1',
      '2BP',
      '+ungraded',
      'AB+',
      'AB ungraded',
      'all',
      '5x5x5:A11',
    ])
      expect(code(bad), bad).toMatch(
        new RegExp(`^GRADING_INVALID: grading filter "${bad.replace(/[+]/g, '\\+')}"`),
      );
    expect(code('A'.repeat(500))).toMatch(/^GRADING_INVALID: grading filter "A{40}\.\.\." is not valid/);
  });

  it('treats an absent or blank option as no filter', () => {
    expect(gradingFilterOption(undefined)).toBeUndefined();
    expect(gradingFilterOption(null)).toBeUndefined();
    expect(gradingFilterOption('  ')).toBeUndefined();
    expect(gradingFilterOption('ab')).toEqual(parseGradingFilter('AB'));
    expect(() => gradingFilterOption('zz')).toThrow(/GRADING|not valid/);
  });

  it('formats to a stable text that parses back to the same filter', () => {
    for (const text of ['AB', '1AB', '12', 'AB+ungraded', 'ungraded', '123ABCDE', '3E', '1+ungraded']) {
      const f = parseGradingFilter(text);
      expect(parseGradingFilter(formatGradingFilter(f)), text).toEqual(f);
    }
    expect(formatGradingFilter(parseGradingFilter('ba'))).toBe('AB');
    expect(formatGradingFilter(parseGradingFilter('123ABCDE'))).toBe('123');
  });
});

describe('gradingPasses', () => {
  it('passes 3x5x2 codes whose source and assessment are allowed, ungraded ones only when asked, legacy never', () => {
    const ab = parseGradingFilter('AB');
    expect(['1AP', '2BC', '3BP'].map((g) => gradingPasses(ab, g))).toEqual([true, true, true]);
    expect(['1CP', '2EP', '5x5x5:A11', null, ''].map((g) => gradingPasses(ab, g))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    const oneAb = parseGradingFilter('1AB+ungraded');
    expect([gradingPasses(oneAb, '1BP'), gradingPasses(oneAb, '2BP'), gradingPasses(oneAb, null)]).toEqual([
      true,
      false,
      true,
    ]);
    const only = parseGradingFilter('ungraded');
    expect([gradingPasses(only, null), gradingPasses(only, '1AP')]).toEqual([true, false]);
  });
});

describe('combining filters', () => {
  it('only narrows: the intersection of both', () => {
    const both = intersectGradingFilters(parseGradingFilter('12AB+ungraded'), parseGradingFilter('BC'));
    expect(both).toEqual({ sources: '12', assessments: 'B', ungraded: false });
    const none = intersectGradingFilters(parseGradingFilter('1'), parseGradingFilter('2'));
    expect(formatGradingFilter(none)).toBe('none');
    expect(gradingPasses(none, '1AP')).toBe(false);
  });

  it('sits in the access context, which keeps it frozen and narrows it with withGrading', () => {
    const plain = makeContext({ user: 'a', clearance: 'OFFICIAL', purpose: 'test' });
    expect(plain.grading).toBeUndefined();
    expect(withGrading(plain, undefined)).toBe(plain);
    const ctx = makeContext({
      user: 'a',
      clearance: 'OFFICIAL',
      purpose: 'test',
      grading: parseGradingFilter('AB'),
    });
    expect(ctx.grading).toEqual(parseGradingFilter('AB'));
    expect(Object.isFrozen(ctx)).toBe(true);
    const narrowed = withGrading(ctx, parseGradingFilter('1B'));
    expect(narrowed.grading).toEqual({ sources: '1', assessments: 'B', ungraded: false });
    expect(Object.isFrozen(narrowed)).toBe(true);
    expect(narrowed.clearance).toBe(ctx.clearance);
    const whole = withoutGrading(narrowed);
    expect(whole.grading).toBeUndefined();
    expect(whole.user).toBe('a');
    expect(Object.isFrozen(whole)).toBe(true);
    expect(withoutGrading(plain)).toBe(plain);
  });
});
