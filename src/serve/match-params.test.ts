// The yente query string read into MatchParams: defaults, clamping, repeatable parameters and refusals by code.
import { describe, expect, it } from 'vitest';
import { isNexusError } from '../model/index.js';
import { parseMatchParams } from './match-params.js';

function parse(query: string) {
  return parseMatchParams('default', new URLSearchParams(query));
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isNexusError(err) ? err.code : 'untyped';
  }
  return undefined;
}

describe('parseMatchParams', () => {
  it('applies yente defaults and ignores parameters it does not know', () => {
    expect(parse('cutoff=0.5&fuzzy=true')).toEqual({ dataset: 'default', threshold: 0.7, limit: 5 });
  });

  it('maps every yente parameter, repeatable ones as lists', () => {
    expect(
      parse(
        'algorithm=logic-v2&threshold=0.85&limit=7&topics=sanction&topics=role.pep&include_dataset=a' +
          '&exclude_dataset=b&exclude_dataset=c&exclude_schema=Vessel&changed_since=2024-01-31',
      ),
    ).toEqual({
      dataset: 'default',
      algorithm: 'logic-v2',
      threshold: 0.85,
      limit: 7,
      topics: ['sanction', 'role.pep'],
      includeDataset: ['a'],
      excludeDataset: ['b', 'c'],
      excludeSchema: ['Vessel'],
      changedSince: '2024-01-31',
    });
  });

  it('clamps limit to 10', () => {
    expect(parse('limit=500').limit).toBe(10);
  });

  it.each([
    'threshold=abc',
    'threshold=-0.1',
    'threshold=NaN',
    'limit=1.5',
    'limit=-3',
    'changed_since=2024-13-45',
    `topics=${'x'.repeat(300)}`,
    Array.from({ length: 101 }, (_, i) => `topics=t${i}`).join('&'),
  ])('refuses %s with USAGE_INVALID', (query) => {
    expect(codeOf(() => parse(query))).toBe('USAGE_INVALID');
  });
});
