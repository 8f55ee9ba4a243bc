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
