import { describe, expect, it } from 'vitest';
import { confusableLevenshtein, editSimilarity, jaro, jaroWinkler } from './distance.js';

describe('jaroWinkler', () => {
  it('gives the published textbook values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
    expect(jaro('abc', 'xyz')).toBe(0);
  });
  it('is 0 for empty input and bounded for huge input', () => {
    expect(jaroWinkler('', '')).toBe(0);
    expect(jaroWinkler('a'.repeat(10_000), 'a'.repeat(9_000))).toBe(1);
  });
});

describe('confusableLevenshtein', () => {
  it('charges look-alikes less than other substitutions', () => {
    expect(confusableLevenshtein('ig0r', 'igor')).toBeCloseTo(0.3);
    expect(confusableLevenshtein('rnadrid', 'madrid')).toBeCloseTo(0.3);
    expect(confusableLevenshtein('igxr', 'igor')).toBe(1);
    expect(confusableLevenshtein('asasd', 'assad')).toBe(1);
  });
  it('turns distance into a 0..1 similarity', () => {
    expect(editSimilarity('', '')).toBe(0);
    expect(editSimilarity('scholz', 'scholz')).toBe(1);
    expect(editSimilarity('abc', 'xyz')).toBe(0);
  });
});

describe('editSimilarity with a floor', () => {
  it('gives the exact similarity at or above the floor and 0 below it, whatever the strings', () => {
    // Letters chosen so that look-alikes (rn/m, cl/d, 0/o), transpositions and repeats come up often.
    const letters = 'rnmcldo0aeiu';
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const word = (): string =>
      Array.from({ length: 1 + next(12) }, () => letters[next(letters.length)]).join('');
    let below = 0;
    let above = 0;
    for (let k = 0; k < 20_000; k++) {
      const a = word();
      // Half the pairs are near copies, so both sides of each floor are exercised.
      const b = next(2) === 0 ? word() : a.slice(0, next(a.length + 1)) + word().slice(0, next(3));
      const exact = editSimilarity(a, b);
      for (const floor of [0.6, 0.65, 0.85]) {
        const bounded = editSimilarity(a, b, floor);
        if (exact >= floor) {
          expect(bounded, `${a} ~ ${b} at ${floor}`).toBe(exact);
          above++;
        } else {
          expect(bounded, `${a} ~ ${b} at ${floor}`).toBe(0);
          below++;
        }
      }
    }
    expect(below).toBeGreaterThan(1000);
    expect(above).toBeGreaterThan(1000);
  });
  it('stops early only above the bound', () => {
    expect(confusableLevenshtein('abcdefgh', 'zyxwvuts', 2)).toBeGreaterThan(2);
    expect(confusableLevenshtein('rnarn', 'mam', 1)).toBeCloseTo(0.6, 10);
  });
});
