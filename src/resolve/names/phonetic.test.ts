import { describe, expect, it } from 'vitest';
import { abjadKeyVariants, phoneticKey, skeletonKey } from './phonetic.js';

describe('phoneticKey', () => {
  it('merges spellings of one sound', () => {
    expect(phoneticKey('scholz')).toBe(phoneticKey('schulze'));
    expect(phoneticKey('khaled')).toBe(phoneticKey('haled'));
    expect(phoneticKey('wallmart')).toBe(phoneticKey('walmart'));
    expect(phoneticKey('sergei')).toBe(phoneticKey('sergey'));
    expect(phoneticKey('')).toBe('');
  });
  it('keeps different consonants apart', () => {
    expect(phoneticKey('merkel')).not.toBe(phoneticKey('mercaz'));
  });
  it('builds a vowel-free skeleton for Arabic-script comparisons', () => {
    expect(skeletonKey('mohamed')).toBe('mhmd');
    expect(skeletonKey('ahmed')).toBe(skeletonKey('hmd'));
    // Arabic script writes p as b, v as f and g as gh; the Latin transliterations of the Arabic spellings on the right.
    expect(skeletonKey('vladimir')).toBe(skeletonKey('fladimir'));
    expect(skeletonKey('pranab')).toBe(skeletonKey('branab'));
    expect(skeletonKey('gandhi')).toBe(skeletonKey('ghandi'));
    expect(skeletonKey('turchynov')).toBe(skeletonKey('turtshinuf'));
    expect(skeletonKey('coleridge')).toBe(skeletonKey('kulridj'));
    expect(skeletonKey('jamal')).not.toBe(skeletonKey('kamal'));
  });
  it('gives the Latin keys an Arabic-script key may stand for, at most eight, itself first', () => {
    expect(abjadKeyVariants('fldmr')).toEqual(['fldmr', 'vldmr']);
    expect(abjadKeyVariants('btn')).toEqual(['btn', 'ptn']);
    expect(abjadKeyVariants('mhmd')).toEqual(['mhmd']);
    const many = abjadKeyVariants('kbfkbf');
    expect(many).toHaveLength(8);
    expect(many[0]).toBe('kbfkbf');
    expect(new Set(many).size).toBe(8);
    expect(many).toContain('gpvkbf');
  });
});
