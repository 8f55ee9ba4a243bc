import { describe, expect, it } from 'vitest';
import {
  findIdentifiers,
  validBase58Btc,
  validBech32Btc,
  validIban,
  validImo,
  validLei,
} from './identifiers.js';
import { nameCandidates } from './names.js';

describe('identifiers in text', () => {
  it('keeps only values whose own check passes', () => {
    expect(validIban('GB82WEST12345698765432')).toBe(true);
    expect(validIban('GB82WEST12345698765433')).toBe(false);
    expect(validImo('9074729')).toBe(true);
    expect(validImo('9074728')).toBe(false);
    expect(validLei('5493001KJTIIGC8Y1R12')).toBe(true);
    expect(validLei('5493001KJTIIGC8Y1R13')).toBe(false);
    expect(validBase58Btc('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')).toBe(true);
    expect(validBase58Btc('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3')).toBe(false);
    expect(validBech32Btc('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4')).toBe(true);
    expect(validBech32Btc('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5')).toBe(false);
    // BIP 350 test vector (witness v1, bech32m).
    expect(validBech32Btc('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0')).toBe(true);
  });

  it('finds each kind with its span, normalised', () => {
    const text =
      'Call +44 20 7946 0958 or write to Anna@Example.ORG. Pay GB82 WEST 1234 5698 7654 32 or 0xAbC0000000000000000000000000000000000001; ship IMO 9074729, LEI 5493001KJTIIGC8Y1R12.';
    const found = findIdentifiers(text);
    const byKind = new Map(found.map((f) => [f.kind, f]));
    expect(byKind.get('phone')?.value).toBe('+442079460958');
    expect(byKind.get('email')?.value).toBe('anna@example.org');
    expect(byKind.get('iban')?.value).toBe('GB82WEST12345698765432');
    expect(byKind.get('eth')?.value).toBe('0xabc0000000000000000000000000000000000001');
    expect(byKind.get('imo')?.value).toBe('9074729');
    expect(byKind.get('lei')?.value).toBe('5493001KJTIIGC8Y1R12');
    for (const f of found) expect(text.slice(f.start, f.end).length).toBe(f.end - f.start);
    expect(text.slice(byKind.get('iban')?.start, byKind.get('iban')?.end)).toBe(
      'GB82 WEST 1234 5698 7654 32',
    );
  });

  it('takes no national phone number (its country would be a guess)', () => {
    expect(findIdentifiers('ring 020 7946 0958').filter((f) => f.kind === 'phone')).toEqual([]);
  });
});

describe('name candidates', () => {
  it('takes runs of capitalised words without stop words at the ends, with their positions', () => {
    const text = 'Dear Viktor Petrov,\nthe payment from Northern Shipping Ltd arrived. The KIM Jong Un file.';
    const found = nameCandidates(text, 10);
    expect([...found.keys()]).toEqual(['Viktor Petrov', 'Northern Shipping Ltd', 'KIM Jong Un']);
    const p = found.get('Viktor Petrov')?.[0];
    expect(text.slice(p?.start, p?.end)).toBe('Viktor Petrov');
  });
});
