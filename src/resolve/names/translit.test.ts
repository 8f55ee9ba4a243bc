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
  it('leaves what it cannot read', () => {
    expect(transliterateWord('😀')).toBe('😀');
    expect(transliterateWord('')).toBe('');
  });
});
