import { describe, expect, it } from 'vitest';
import { EidSlots, eidSlots } from './eid-slots.js';

// The same answers as a Map from eid to first slot, whatever the eids: dense, sparse, beyond 32 bits, repeated.
function agrees(slots: EidSlots, eids: readonly number[]): void {
  const map = new Map<number, number>();
  const wrong: string[] = [];
  eids.forEach((eid, k) => {
    const want = map.get(eid) ?? -1;
    if (want < 0) map.set(eid, k);
    const got = slots.claim(eid, k);
    if (got !== want && wrong.length < 5) wrong.push(`eid ${eid}: ${got}, not ${want}`);
  });
  expect(wrong).toEqual([]);
}

describe('eid slots', () => {
  it('give each eid the slot it was first given, as a Map would', () => {
    let seed = Number(process.env.NEXUS_FUZZ_SEED ?? 7);
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const slots = new EidSlots();
    for (let round = 0; round < 30; round++) {
      const n = 1 + Math.floor(random() * 5000);
      const span = [100, 10_000, 2 ** 31, 2 ** 40][round % 4] as number;
      // A few thousand draws from a small span repeat many eids; from a large one, few.
      const eids = Array.from({ length: n }, () => 1 + Math.floor(random() * span));
      // Consecutive eids, as one key's postings often are, probe the hash's spread.
      for (let k = 0; k < n / 4; k++) eids.push(1_000_000 + k);
      slots.reset(eids.length);
      agrees(slots, eids);
    }
  });

  it('forget everything at each reset, and grow for more eids', () => {
    const slots = new EidSlots();
    slots.reset(4);
    expect(slots.claim(42, 0)).toBe(-1);
    expect(slots.claim(42, 1)).toBe(0);
    // Eids alike in their low 32 bits (which the hash reads) are still told apart.
    expect(slots.claim(42 + 2 ** 32, 2)).toBe(-1);
    expect(slots.claim(42 + 2 ** 32, 3)).toBe(2);
    expect(slots.claim(42, 4)).toBe(0);
    slots.reset(100_000);
    expect(slots.claim(42, 7)).toBe(-1);
    slots.reset(100_000);
    agrees(
      slots,
      Array.from({ length: 100_000 }, (_, k) => k * 3),
    );
  });

  it('make a table of its own for a ranking too large to keep', () => {
    const big = eidSlots(600_000);
    expect(big).not.toBe(eidSlots(10));
    expect(eidSlots(10)).toBe(eidSlots(20));
    agrees(
      big,
      Array.from({ length: 600_000 }, (_, k) => 2 ** 33 + k),
    );
  });
});
