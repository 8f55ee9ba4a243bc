import { describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, normalizeWords, splitCompound } from './normalize.js';

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

describe('splitCompound', () => {
  it('splits Arabic compound names written as one Latin word into the parts the Arabic spelling has', () => {
    expect(splitCompound('abdullatif')).toEqual(['abd', 'al', 'latif']);
    expect(splitCompound('abdurrahman')).toEqual(['abd', 'al', 'rahman']);
    expect(splitCompound('abdurahman')).toEqual(['abd', 'al', 'rahman']);
    expect(splitCompound('abdelkader')).toEqual(['abd', 'al', 'kader']);
    expect(splitCompound('shamsuddin')).toEqual(['shams', 'al', 'din']);
    expect(splitCompound('noureddine')).toEqual(['nour', 'al', 'din']);
    expect(splitCompound('najibullah')).toEqual(['najib', 'allah']);
    expect(splitCompound('abdul')).toEqual(['abdal']);
    expect(splitCompound('abdullah')).toEqual(['abdallah']);
    expect(splitCompound('ur')).toEqual(['al']);
  });
  it('leaves other words whole, short heads included', () => {
    for (const w of ['claudine', 'cipolla', 'abdoulaye', 'abdallah', 'mullah', 'saladin', 'bodin', 'abdulov'])
      expect(splitCompound(w), w).toBeUndefined();
  });
});
