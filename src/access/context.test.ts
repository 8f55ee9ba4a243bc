import { describe, expect, it } from 'vitest';
import { localOperator, makeContext, seesEverything, withGrading } from './context.js';
import { parseGradingFilter } from './grading-filter.js';

describe('seesEverything', () => {
  it('holds only for the top level with every caveat and no grading filter', () => {
    const operator = localOperator('op', 'test');
    expect(seesEverything(operator)).toBe(true);
    expect(seesEverything(withGrading(operator, parseGradingFilter('AB')))).toBe(false);
    expect(seesEverything(makeContext({ user: 'u', clearance: 'SECRET', purpose: 'p' }))).toBe(false);
    // The top level without a caveat misses statements that carry it.
    expect(
      seesEverything(
        makeContext({
          user: 'u',
          clearance: 'TOP SECRET',
          caveats: ['SENSITIVE', 'UK EYES ONLY', 'PERSONAL', 'COMMERCIAL'],
          purpose: 'p',
        }),
      ),
    ).toBe(false);
  });
});
