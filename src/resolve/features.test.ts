// Feature comparisons on ordinary and hostile values: dates, countries, gender, identifiers, wallets, addresses.
import { describe, expect, it } from 'vitest';
import {
  addressFeature,
  birthDateFeature,
  countryFeature,
  emailFeature,
  genderFeature,
  identifierFeature,
  namesOf,
  normalizeIdentifier,
  type Subject,
  walletFeature,
} from './features.js';

const subject = (schema: string, props: Record<string, string[]>): Subject => ({
  schema,
  properties: new Map(Object.entries(props)),
});
const person = (props: Record<string, string[]>) => subject('Person', props);
const ids = { exclude: new Set(['programId', 'publicKey']), minLength: 4 };

describe('birthDateFeature', () => {
  it('tells an exact day, a same-year date, an agreeing partial date and disjoint years apart', () => {
    const q = person({ birthDate: ['1984-01-08'] });
    expect(birthDateFeature(q, person({ birthDate: ['1984-01-08'] }))).toMatchObject({
      outcome: 'match',
      score: 1,
    });
    expect(birthDateFeature(q, person({ birthDate: ['1984-05-02'] }))).toMatchObject({
      outcome: 'partial',
      score: 0.5,
    });
    expect(birthDateFeature(q, person({ birthDate: ['1984'] }))).toMatchObject({
      outcome: 'partial',
      score: 0.8,
    });
    expect(birthDateFeature(q, person({ birthDate: ['1990', '1991-02-03'] }))).toMatchObject({
      outcome: 'mismatch',
    });
  });

  it('ignores invalid dates and says nothing when a side has none', () => {
    expect(
      birthDateFeature(person({ birthDate: ['not a date', '1984-02-30'] }), person({ birthDate: ['1984'] })),
    ).toBeUndefined();
    expect(birthDateFeature(person({}), person({ birthDate: ['1984'] }))).toBeUndefined();
  });
});

describe('countryFeature and genderFeature', () => {
  it('compares country codes and names across nationality, citizenship, country and jurisdiction', () => {
    expect(
      countryFeature(person({ nationality: ['kp'] }), person({ citizenship: ['North Korea'] })),
    ).toMatchObject({
      outcome: 'match',
    });
    expect(countryFeature(person({ nationality: ['Iraq'] }), person({ country: ['sy'] }))).toMatchObject({
      outcome: 'mismatch',
    });
    expect(
      countryFeature(person({ nationality: ['Atlantis'] }), person({ country: ['sy'] })),
    ).toBeUndefined();
  });

  it('flags a gender mismatch only when both sides state one', () => {
    expect(genderFeature(person({ gender: ['male'] }), person({ gender: ['female'] }))?.outcome).toBe(
      'mismatch',
    );
    expect(genderFeature(person({ gender: ['M'] }), person({ gender: ['male'] }))?.outcome).toBe('match');
    expect(genderFeature(person({ gender: ['other'] }), person({ gender: ['male'] }))).toBeUndefined();
  });
});

describe('identifierFeature and walletFeature', () => {
  it('equates identifiers without spaces, punctuation or case, across identifier properties', () => {
    expect(normalizeIdentifier(' ab-123 456 ')).toBe('AB123456');
    const r = identifierFeature(
      person({ passportNumber: ['AB 123-456'] }),
      person({ idNumber: ['ab123456'] }),
      ids,
    );
    expect(r?.outcome).toBe('match');
    expect(r?.explanation).toContain('passportNumber');
  });

  it('ignores excluded and too-short identifiers, and reports different registry numbers', () => {
    expect(
      identifierFeature(person({ idNumber: ['12'] }), person({ idNumber: ['12'] }), ids),
    ).toBeUndefined();
    const company = (n: string) => subject('Company', { registrationNumber: [n] });
    expect(
      identifierFeature(
        company('1027700000000'),
        company('1027700000001'),
        ids,
        new Set(['registrationNumber']),
      )?.outcome,
    ).toBe('mismatch');
  });

  it('matches wallets, hex addresses case-insensitively', () => {
    const w = (a: string) => subject('CryptoWallet', { publicKey: [a] });
    expect(walletFeature(w('0xAbCdEf0123456789'), w('0xabcdef0123456789'))?.outcome).toBe('match');
    expect(
      walletFeature(w('1BoatSLRHtKNngkdXEeobR76b53LETtpyT'), w('1boatslrhtknngkdxeeobr76b53lettpyt'))
        ?.outcome,
    ).toBe('mismatch');
  });
});

describe('addressFeature and namesOf', () => {
  it('scores address token overlap', () => {
    const r = addressFeature(
      person({ address: ['12 Baker Street, London'] }),
      person({ address: ['Baker Street 12, London NW1'] }),
    );
    expect(r?.score).toBe(1);
  });

  it('builds names from first/middle/last names and survives hostile values', () => {
    expect(namesOf(person({ firstName: ['Jong'], lastName: ['Kim'], middleName: ['Un'] }))).toEqual([
      'Jong Kim',
      'Jong Un Kim',
    ]);
    const hostile: Subject = {
      schema: 'Person',
      properties: new Map([
        ['__proto__', ['x']],
        ['name', ['😀😀', 'x'.repeat(10_000)]],
      ]),
    };
    const names = namesOf(hostile);
    expect(names).toHaveLength(2);
    expect(names.every((n) => n.length <= 1000)).toBe(true);
    expect(Object.prototype).not.toHaveProperty('x');
  });
});

describe('emailFeature', () => {
  it('matches addresses apart from case, brackets and mailto:, and ignores what is not an address', () => {
    const q = person({ email: ['Robert25@Smith.NET'] });
    expect(emailFeature(q, person({ email: ['<robert25@smith.net>'] }))).toMatchObject({ outcome: 'match' });
    expect(emailFeature(q, person({ email: ['mailto:robert25@smith.net'] }))).toMatchObject({
      outcome: 'match',
    });
    expect(emailFeature(q, person({ email: ['roberta25@smith.net'] }))).toMatchObject({
      outcome: 'mismatch',
    });
    expect(emailFeature(q, person({ email: ['not an address'] }))).toBeUndefined();
    expect(emailFeature(q, person({}))).toBeUndefined();
  });
});
