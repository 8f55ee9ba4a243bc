// The match scorer: main features, qualifiers, schema compatibility, clamping and explanations.
import { describe, expect, it } from 'vitest';
import type { Subject } from './features.js';
import { compatibleSchemata, DEFAULT_SCORING, describeMatcher, scoreMatch, withThreshold } from './scorer.js';

const subject = (schema: string, props: Record<string, string[]>): Subject => ({
  schema,
  properties: new Map(Object.entries(props)),
});
const person = (props: Record<string, string[]>) => subject('Person', props);

describe('scoreMatch', () => {
  it('matches the same person and explains every feature', () => {
    const r = scoreMatch(
      person({ name: ['Kim Jong Un'], birthDate: ['1984-01-08'], nationality: ['kp'] }),
      person({ name: ['KIM Jong-un'], birthDate: ['1984-01-08'], nationality: ['kp'] }),
    );
    expect(r.match).toBe(true);
    expect(r.score).toBeGreaterThanOrEqual(0.9);
    expect(r.features.name_match).toBeGreaterThan(0.8);
    expect(r.explanation.join('\n')).toMatch(/name: 'Kim Jong Un' ~ 'KIM Jong-un'/);
    expect(r.explanation).toContain('birth date: 1984-01-08 = 1984-01-08 (+)');
    expect(r.explanation).toContain('nationality: kp = kp');
  });

  it('subtracts qualifiers: country, birth year and gender mismatches', () => {
    const base = scoreMatch(person({ name: ['Ruslan Belov'] }), person({ name: ['Ruslan Belov'] }));
    const worse = scoreMatch(
      person({ name: ['Ruslan Belov'], nationality: ['ru'], birthDate: ['1979'], gender: ['male'] }),
      person({ name: ['Ruslan Belov'], nationality: ['ua'], birthDate: ['1990'], gender: ['female'] }),
    );
    const p = DEFAULT_SCORING.penalties;
    expect(worse.score).toBeCloseTo(
      Math.max(0, base.score - p.countryMismatch - p.birthYearDisjoint - p.genderMismatch),
      3,
    );
    expect(worse.match).toBe(false);
    expect(worse.features).toMatchObject({ country_mismatch: 1, dob_year_disjoint: 1, gender_mismatch: 1 });
  });

  it('lets an equal identifier lift a weak name, and a wallet match a wallet', () => {
    const r = scoreMatch(
      person({ name: ['A. Smith'], passportNumber: ['X 1234 567'] }),
      person({ name: ['Zhang Wei'], passportNumber: ['x1234567'] }),
    );
    expect(r.score).toBeGreaterThanOrEqual(DEFAULT_SCORING.main.identifier - 1e-9);
    expect(r.match).toBe(true);
    const w = scoreMatch(
      subject('CryptoWallet', { publicKey: ['0xDEADbeef00112233'] }),
      subject('CryptoWallet', { publicKey: ['0xdeadbeef00112233'] }),
    );
    expect(w.features.crypto_wallet_match).toBe(1);
    expect(w.match).toBe(true);
  });

  it('lets an equal e-mail support an agreeing name, but never carry a different name', () => {
    const q = person({ name: ['Robert Alan'], email: ['robert255@smith.net'] });
    const without = scoreMatch(q, person({ name: ['Rob Allen'] }));
    const withEmail = scoreMatch(q, person({ name: ['Rob Allen'], email: ['Robert255@smith.net'] }));
    expect(withEmail.score).toBeCloseTo(Math.min(1, without.score + DEFAULT_SCORING.support.email), 4);
    expect(withEmail.features.email_match).toBe(1);
    const stranger = scoreMatch(q, person({ name: ['Zhang Wei'], email: ['robert255@smith.net'] }));
    expect(stranger.features.email_match).toBeUndefined();
    expect(stranger.match).toBe(false);
  });

  it('never matches a Person with a Company, but a LegalEntity with both', () => {
    const r = scoreMatch(
      person({ name: ['Severny Trade'] }),
      subject('Company', { name: ['Severny Trade'] }),
    );
    expect(r).toMatchObject({ score: 0, match: false });
    expect(compatibleSchemata('Person')).not.toContain('Company');
    expect(compatibleSchemata('LegalEntity')).toEqual(
      expect.arrayContaining(['Person', 'Company', 'Organization']),
    );
    expect(compatibleSchemata('Dragon')).toEqual([]);
  });

  it('keeps scores in [0, 1] on hostile input and honours the threshold', () => {
    const hostile: Subject = {
      schema: 'Person',
      properties: new Map([
        ['__proto__', ['x']],
        ['name', ['😀😀😀', 'x'.repeat(10_000)]],
        ['birthDate', ['not a date']],
        ['nationality', ['Atlantis']],
      ]),
    };
    for (const other of [hostile, person({ name: ['x'.repeat(10_000)] }), person({})]) {
      const r = scoreMatch(hostile, other);
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
    }
    const same = [person({ name: ['Ruslan Belov'] }), person({ name: ['Ruslan Belov'] })] as const;
    expect(scoreMatch(...same, withThreshold(1.01)).match).toBe(false);
    expect(scoreMatch(...same, withThreshold(0)).match).toBe(true);
  });

  it('describes its features with coefficients for the yente matcher block', () => {
    const m = describeMatcher();
    expect(m.country_mismatch?.coefficient).toBeLessThan(0);
    expect(m.name_match?.description).not.toBe('');
  });
});
