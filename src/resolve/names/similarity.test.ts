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

  it('compares Arabic-script words with Latin ones by skeleton, and Arabic-script words with each other as written', () => {
    const arabic = (text: string) => makePart(text, 'name', 'abjad');
    expect(partSimilarity(arabic('fladimir'), part('vladimir'))).toEqual({ score: 0.85, tier: 'phonetic' });
    expect(partSimilarity(arabic('ghandi'), part('gandhi'))).toEqual({ score: 0.85, tier: 'phonetic' });
    // Hebrew writes the vowel u with the letter for v: the consonants of the phonetic keys still agree.
    expect(partSimilarity(arabic('pvtyn'), part('putin')).tier).toBe('phonetic');
    // Persian writes p and b with letters of their own (پ, ب): the skeleton's joined letters do not join them.
    expect(partSimilarity(arabic('pars'), arabic('bars')).tier).not.toBe('phonetic');
    expect(partSimilarity(arabic('pars'), part('bars')).tier).toBe('phonetic');
  });
});
