import { describe, expect, it } from 'vitest';
import { makePart } from './parts.js';
import { partSimilarity } from './similarity.js';

const part = (text: string) => makePart(text, 'name', 'latin');

describe('partSimilarity', () => {
  it('gives a word written backwards fuzzy credit, and a word of another length none for it', () => {
    const backwards = partSimilarity(part('nomis'), part('simon'));
    expect(backwards.tier).toBe('fuzzy');
    expect(backwards.score).toBeCloseTo(0.5 ** 0.8, 6);
    // "nomiss" is not "simon" reversed: no reversal credit, and too far apart to score.
    expect(partSimilarity(part('nomiss'), part('simon')).score).toBeLessThan(0.3);
  });
});
