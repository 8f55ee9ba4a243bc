import { describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, normalizeWords } from './normalize.js';

describe('normalizeWords', () => {
  it('folds case, accents, apostrophes and punctuation', () => {
    expect(normalizeWords("Al-Qa'ida").map((w) => w.text)).toEqual(['al', 'qaida']);
    expect(normalizeWords('Straße Ørsted').map((w) => w.text)).toEqual(['strasse', 'orsted']);
    expect(normalizeWords('AT&T').map((w) => w.text)).toEqual(['at', 'and', 't']);
  });
  it('marks dotted initials and cross-script words', () => {
    expect(normalizeWords('J. Smith')[0]).toEqual({ text: 'j', origin: 'latin', dotted: true });
    expect(normalizeWords('Иван')[0]?.origin).toBe('cross');
    expect(normalizeWords('محمد')[0]?.origin).toBe('abjad');
  });
  it('survives hostile input', () => {
    expect(normalizeWords('')).toEqual([]);
    expect(normalizeWords('😀')).toEqual([]);
    expect(normalizeWords('a'.repeat(10_000))[0]?.text.length).toBe(MAX_NAME_LENGTH);
  });
});
