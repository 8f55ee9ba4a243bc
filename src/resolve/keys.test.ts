// Blocking keys: names, first/last name combinations, identifiers and wallets, and nothing from hostile values.
import { describe, expect, it } from 'vitest';
import type { Subject } from './features.js';
import { matchKeysFor } from './keys.js';
import { nameKeys } from './names/index.js';

const subject = (schema: string, props: Record<string, string[]>): Subject => ({
  schema,
  properties: new Map(Object.entries(props)),
});

describe('matchKeysFor', () => {
  it('files an entity under the keys of every name, alias and name combination', () => {
    const keys = matchKeysFor(
      subject('Person', {
        name: ['Ruslan Belov'],
        alias: ['Руслан Белов'],
        firstName: ['Tamir'],
        lastName: ['Ivanov'],
      }),
    );
    for (const k of [...nameKeys('Ruslan Belov'), ...nameKeys('Tamir Ivanov'), ...nameKeys('Руслан Белов')])
      expect(keys).toContain(k);
  });

  it('adds normalised identifiers and wallets under their own prefixes', () => {
    const keys = matchKeysFor(
      subject('Company', {
        name: ['Severny Trade LLC'],
        registrationNumber: ['1027-7000 00000'],
        programId: ['SDGT'],
      }),
    );
    expect(keys).toContain('id:1027700000000');
    expect(keys).not.toContain('id:SDGT');
    expect(matchKeysFor(subject('CryptoWallet', { publicKey: ['0xABCDEF0123456789'] }))).toContain(
      'w:0xabcdef0123456789',
    );
  });

  it('survives hostile values: __proto__, emoji, 10 kB names', () => {
    const keys = matchKeysFor({
      schema: 'Person',
      properties: new Map([
        ['__proto__', ['x']],
        ['name', ['😀😀', 'a'.repeat(10_000)]],
      ]),
    });
    expect(Array.isArray(keys)).toBe(true);
    expect(keys.length).toBeLessThanOrEqual(600);
    expect(matchKeysFor(subject('Dragon', { name: ['Smaug'] }))).toEqual(expect.any(Array));
  });
});
