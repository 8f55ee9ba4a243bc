import { describe, expect, it } from 'vitest';
import { phoneticKey, skeletonKey } from './phonetic.js';

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
  });
});
