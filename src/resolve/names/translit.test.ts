import { describe, expect, it } from 'vitest';
import { transliterateWord } from './translit.js';

describe('transliterateWord', () => {
  it('romanises each supported script', () => {
    expect(transliterateWord('путин')).toBe('putin');
    expect(transliterateWord('зеленський')).toBe('zelenskiy');
    expect(transliterateWord('νικόλαος')).toBe('nikolaos');
    expect(transliterateWord('김정은')).toBe('kim jeongeun');
    expect(transliterateWord('习近平')).toBe('xi jinping');
    expect(transliterateWord('محمد')).toBe('mhmd');
    expect(transliterateWord('バラク')).toBe('baraku');
    expect(transliterateWord('obama')).toBe('obama');
  });
  it('writes an opening ayn as its vowel and spells out Allah, as Latin spellings do', () => {
    expect(transliterateWord('عبد')).toBe('abd');
    expect(transliterateWord('علي')).toBe('ali');
    expect(transliterateWord('العبيدي')).toBe('al abidi');
    expect(transliterateWord('الله')).toBe('allah');
    expect(transliterateWord('عبدالله')).toBe('abdallah');
    expect(transliterateWord('خيرالله')).toBe('khir allah');
    expect(transliterateWord('عبدالرحمن')).toBe('abd al rhmn');
    // A name ending in lam and ha that is not Allah keeps its letters.
    expect(transliterateWord('جميله')).toBe('jmilh');
    // Ayn inside a word stays unwritten.
    expect(transliterateWord('سعد')).toBe('sd');
  });
  it('leaves what it cannot read', () => {
    expect(transliterateWord('😀')).toBe('😀');
    expect(transliterateWord('')).toBe('');
  });
});
