import { describe, expect, it } from 'vitest';
import { BoundedCache } from './memo.js';

describe('BoundedCache', () => {
  it('keeps recent and recently used entries and drops the oldest generation when full', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    // The young generation is full: 'c' starts a new one, and a and b age.
    cache.set('c', 3);
    expect(cache.get('a')).toBe(1); // found among the aged, and made young again
    cache.set('d', 4); // young holds c and a: full, so a new generation begins and b is dropped
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.get('d')).toBe(4);
  });
});
