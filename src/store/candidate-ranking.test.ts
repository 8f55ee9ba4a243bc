// The lazily ordered ranking against a plain sort of every entity, on random postings with many tied weights.
// NEXUS_FUZZ_ITERATIONS=100000 npx vitest run src/store/candidate-ranking.test.ts runs more cases on demand.
import { describe, expect, it } from 'vitest';
import { type Ranked, rankByKeys } from './candidate-ranking.js';

const ITERATIONS = Number(process.env.NEXUS_FUZZ_ITERATIONS ?? 300);
const SEED = Number(process.env.NEXUS_FUZZ_SEED ?? 7);

function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a % n;
  };
}

/** What the ranking must equal: every entity's summed weight, rarest key first, all of them sorted. */
function oracle(
  keys: string[],
  df: Map<string, number>,
  postings: Map<string, number[]>,
  total: number,
): Ranked[] {
  const present = keys.filter((k) => df.has(k)).sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0));
  const score = new Map<number, Ranked>();
  for (const key of present) {
    const weight = Math.log(1 + total / (df.get(key) ?? total));
    for (const eid of postings.get(key) ?? []) {
      const s = score.get(eid);
      if (s) {
        s.weight += weight;
        s.keys++;
      } else score.set(eid, { eid, weight, keys: 1 });
    }
  }
  return [...score.values()].sort((a, b) => b.weight - a.weight || a.eid - b.eid);
}

describe('rankByKeys', () => {
  it('reads out the same order as sorting every entity, however far it is read', () => {
    const next = random(SEED);
    for (let case_ = 0; case_ < ITERATIONS; case_++) {
      const keyCount = 1 + next(8);
      const keys = Array.from({ length: keyCount }, (_, i) => `k${i}`);
      const df = new Map<string, number>();
      const postings = new Map<string, number[]>();
      // Few distinct frequencies and a small eid range: many entities tie on weight and share keys.
      for (const key of keys) {
        if (next(6) === 0) continue;
        const n = 1 + next(4) * 10;
        df.set(key, n);
        const eids = new Set<number>();
        for (let j = 0; j < Math.min(n, next(60)); j++) eids.add(next(80));
        postings.set(key, [...eids]);
      }
      const expected = oracle(keys, df, postings, 1000);
      const ranked = rankByKeys(keys, df, postings, 1000);
      expect(ranked.length).toBe(expected.length);
      // Read a prefix first, then all of it, as candidate picking reads in tranches.
      const prefix = next(expected.length + 1);
      for (let i = 0; i < prefix; i++) expect(ranked.at(i)).toEqual(expected[i]);
      for (let i = 0; i < expected.length; i++) expect(ranked.at(i)).toEqual(expected[i]);
      expect(ranked.at(expected.length)).toBeUndefined();
    }
  });

  it('ranks an entity under two keys above one under either, and ties by the lower eid', () => {
    const df = new Map([
      ['rare', 2],
      ['common', 100],
    ]);
    const postings = new Map([
      ['rare', [9, 4]],
      ['common', [4, 7, 3]],
    ]);
    const ranked = rankByKeys(['common', 'rare', 'absent'], df, postings, 1000);
    expect([0, 1, 2, 3].map((i) => ranked.at(i)?.eid)).toEqual([4, 9, 3, 7]);
    expect(ranked.at(0)?.keys).toBe(2);
    expect(ranked.at(0)?.weight).toBe(Math.log(1 + 1000 / 2) + Math.log(1 + 1000 / 100));
  });
});
