// Taint under each model on hand-made transaction graphs whose answers are worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { isNexusError } from '../../src/model/index.js';
import { type TaintModel, type TraceResult, trace, traceJson } from '../../src/trace/index.js';
import { byAddress, ledgerOf, t } from './helpers.js';

const MODELS: TaintModel[] = ['poison', 'haircut', 'fifo'];

/** {address: tainted} of a result. */
function taint(r: TraceResult): Record<string, bigint> {
  return Object.fromEntries(r.reached.map((x) => [x.address, x.tainted]));
}

function hops(r: TraceResult): Record<string, number> {
  return Object.fromEntries(r.reached.map((x) => [x.address, x.hops]));
}

/** Every reached address has a chain of flows back to a seed, each hop one less, each earlier or equal in time. */
function expectExplained(r: TraceResult, seeds: string[]): void {
  for (const row of r.reached) {
    let at = row.address;
    let h = row.hops;
    const forward = r.direction === 'forward';
    // Forward, each step back towards the seed is no later; backward, each step towards the target no earlier.
    let time = forward ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    while (!seeds.includes(at)) {
      const near = r.direction === 'forward' ? 'to' : 'from';
      const far = r.direction === 'forward' ? 'from' : 'to';
      const step = r.flows.find(
        (f) => f[near] === at && f.hops === h && (forward ? f.time <= time : f.time >= time),
      );
      expect(step, `no flow explains ${at} at hop ${h}`).toBeDefined();
      if (!step) return;
      expect(step.tainted > 0n).toBe(true);
      at = step[far];
      time = step.time;
      h--;
    }
    expect(h).toBe(0);
  }
}

describe('a chain: S -> A -> B -> C', () => {
  // S sends 100 to A; A passes 60 on to B, B all 60 to C. Every model: A 100, B 60, C 60, hops 1, 2, 3.
  const L = ledgerOf([t('t1', 1, 'S', 'A', 100), t('t2', 2, 'A', 'B', 60), t('t3', 3, 'B', 'C', 60)]);
  for (const model of MODELS)
    it(model, () => {
      const r = trace(L, { model, seeds: ['S'] });
      expect(taint(r)).toEqual({ A: 100n, B: 60n, C: 60n });
      expect(hops(r)).toEqual({ A: 1, B: 2, C: 3 });
      expect(byAddress(r.reached).A?.share).toBe(1);
      expect(r.totals.seeded).toBe(100n);
      expect(r.limitReached).toBe(false);
      if (model !== 'poison') expect(r.totals.held).toBe(100n); // A keeps 40, C holds 60
      expectExplained(r, ['S']);
    });
});

describe('a split: one UTXO transaction to two outputs', () => {
  // S spends 100: 30 to A, 70 to B, no fee. Every model: A 30, B 70.
  const L = ledgerOf([
    [
      'tx',
      1,
      [['S', 100]],
      [
        ['A', 30],
        ['B', 70],
      ],
    ],
  ]);
  for (const model of MODELS)
    it(model, () => {
      expect(taint(trace(L, { model, seeds: ['S'] }))).toEqual({ A: 30n, B: 70n });
    });
});

describe('a merge of tainted and clean funds', () => {
  // A gets 40 tainted (t1) then 60 clean (t2), then pays 50 to B (t3) and 50 to C (t4).
  // poison: A is tainted, so B and C get 50 each, wholly tainted.
  // haircut: A's pool is 40/100 tainted: B gets 20; A keeps 50 with 20 tainted; C gets 20.
  // FIFO: A's lots [40 T][60 clean]: B takes 40 T + 10 clean = 40; C takes 50 clean = 0 (not reached).
  const L = ledgerOf([
    t('t1', 1, 'S', 'A', 40),
    t('t2', 2, 'X', 'A', 60),
    t('t3', 3, 'A', 'B', 50),
    t('t4', 4, 'A', 'C', 50),
  ]);
  it('poison', () => {
    const r = trace(L, { model: 'poison', seeds: ['S'] });
    expect(taint(r)).toEqual({ A: 40n, B: 50n, C: 50n });
    expect(byAddress(r.reached).A?.share).toBe(0.4);
    expect(byAddress(r.reached).A?.received).toBe(100n);
  });
  it('haircut', () => {
    const r = trace(L, { model: 'haircut', seeds: ['S'] });
    expect(taint(r)).toEqual({ A: 40n, B: 20n, C: 20n });
    expect(byAddress(r.reached).A?.held).toBe(0n);
    expect(r.totals.held).toBe(40n);
  });
  it('fifo', () => {
    const r = trace(L, { model: 'fifo', seeds: ['S'] });
    expect(taint(r)).toEqual({ A: 40n, B: 40n });
    expect(r.totals.held).toBe(40n);
  });
});

describe('FIFO: the order of lots decides', () => {
  // As above, but the clean 60 arrives first: lots [60 clean][40 T]. B takes 50 clean (0), C takes 10 clean and
  // 40 T (40). Haircut does not care about order: B 20, C 20.
  const L = ledgerOf([
    t('t1', 1, 'X', 'A', 60),
    t('t2', 2, 'S', 'A', 40),
    t('t3', 3, 'A', 'B', 50),
    t('t4', 4, 'A', 'C', 50),
  ]);
  it('fifo', () => {
    expect(taint(trace(L, { model: 'fifo', seeds: ['S'] }))).toEqual({ A: 40n, C: 40n });
  });
  it('haircut', () => {
    expect(taint(trace(L, { model: 'haircut', seeds: ['S'] }))).toEqual({ A: 40n, B: 20n, C: 20n });
  });
  it('within a transaction, inputs and outputs pair first-in first-out', () => {
    // Inputs X 30 (clean) then S 70 (tainted); outputs P 50, Q 50. FIFO: P = 30 clean + 20 T, Q = 50 T.
    // Haircut: 70% of each: 35 and 35. Poison: 50 and 50.
    const M = ledgerOf([
      [
        'mix',
        1,
        [
          ['X', 30],
          ['S', 70],
        ],
        [
          ['P', 50],
          ['Q', 50],
        ],
      ],
    ]);
    expect(taint(trace(M, { model: 'fifo', seeds: ['S'] }))).toEqual({ P: 20n, Q: 50n });
    expect(taint(trace(M, { model: 'haircut', seeds: ['S'] }))).toEqual({ P: 35n, Q: 35n });
    expect(taint(trace(M, { model: 'poison', seeds: ['S'] }))).toEqual({ P: 50n, Q: 50n });
  });
});

describe('a UTXO transaction paying a fee', () => {
  // A holds 100 tainted (from S). Then one transaction spends A 100 and X 100 (clean) into B 150 and C 40: fee 10.
  // haircut: half the inputs are tainted: B 75, C 20, fee 5 of taint.
  // FIFO with inputs [A, X]: B takes A's 100 T and 50 of X: 100; C 40 clean: 0; the fee is X's: clean.
  // FIFO with inputs [X, A]: B takes X's 100 and 50 of A: 50; C 40 T: 40; the fee is A's last 10: tainted.
  // poison: B 150, C 40.
  const fee = (first: string, second: string) =>
    ledgerOf([
      t('in', 1, 'S', 'A', 100),
      [
        'pay',
        2,
        [
          [first, 100],
          [second, 100],
        ],
        [
          ['B', 150],
          ['C', 40],
        ],
      ],
    ]);
  it('haircut', () => {
    const r = trace(fee('A', 'X'), { model: 'haircut', seeds: ['S'] });
    expect(taint(r)).toEqual({ A: 100n, B: 75n, C: 20n });
    expect(r.totals.fees).toBe(5n);
    expect(r.totals.held + r.totals.fees).toBe(r.totals.seeded);
  });
  it('fifo, tainted input first', () => {
    const r = trace(fee('A', 'X'), { model: 'fifo', seeds: ['S'] });
    expect(taint(r)).toEqual({ A: 100n, B: 100n });
    expect(r.totals.fees).toBe(0n);
  });
  it('fifo, tainted input last', () => {
    const r = trace(fee('X', 'A'), { model: 'fifo', seeds: ['S'] });
    expect(taint(r)).toEqual({ A: 100n, B: 50n, C: 40n });
    expect(r.totals.fees).toBe(10n);
    expect(r.totals.held + r.totals.fees).toBe(100n);
  });
  it('poison', () => {
    expect(taint(trace(fee('A', 'X'), { model: 'poison', seeds: ['S'] }))).toEqual({
      A: 100n,
      B: 150n,
      C: 40n,
    });
  });
});

describe('a service where tracing stops', () => {
  // S -> A -> EX (an exchange) -> D: EX is reported, flagged, and D is not reached.
  const L = ledgerOf([t('t1', 1, 'S', 'A', 100), t('t2', 2, 'A', 'EX', 100), t('t3', 3, 'EX', 'D', 100)]);
  for (const model of MODELS)
    it(model, () => {
      const r = trace(L, { model, seeds: ['S'], stopAt: ['EX'] });
      expect(taint(r)).toEqual({ A: 100n, EX: 100n });
      expect(byAddress(r.reached).EX?.stoppedAt).toBe(true);
      expect(byAddress(r.reached).A?.stoppedAt).toBeUndefined();
      expect(r.limitReached).toBe(false);
      expectExplained(r, ['S']);
    });
});

describe('a service seen from the other side', () => {
  // X pays EX (an exchange) 50, EX pays the target T 30, Y pays T 20. Backward: EX is reported and flagged, and
  // nothing behind it is traced; Y is a source.
  const L = ledgerOf([t('a', 1, 'X', 'EX', 50), t('b', 2, 'EX', 'T', 30), t('c', 3, 'Y', 'T', 20)]);
  for (const model of MODELS)
    it(model, () => {
      const r = trace(L, { model, direction: 'backward', seeds: ['T'], stopAt: ['EX'] });
      expect(taint(r)).toEqual({ EX: 30n, Y: 20n });
      expect(byAddress(r.reached).EX?.stoppedAt).toBe(true);
      expect(byAddress(r.reached).EX?.share).toBe(0.6);
    });
});

describe('backward: where the funds that reached the target came from', () => {
  // X pays A 10 (t1); A pays W 4 (t2); Y pays A 6 (t3); A pays T 8 (t4); Z pays T 5 (t5). Target T received 13.
  // haircut: A's pool after t2 is 6 (all X), after t3 6 X + 6 Y, so its 8 to T is 4 X + 4 Y.
  // FIFO: A's lots [10 X]; t2 takes 4 of them; then [6 X][6 Y]; the 8 to T is 6 X + 2 Y.
  // poison: every input of an event feeding T, before it: A 8, Z 5, X 10, Y 6.
  const L = ledgerOf([
    t('t1', 1, 'X', 'A', 10),
    t('t2', 2, 'A', 'W', 4),
    t('t3', 3, 'Y', 'A', 6),
    t('t4', 4, 'A', 'T', 8),
    t('t5', 5, 'Z', 'T', 5),
  ]);
  it('haircut', () => {
    const r = trace(L, { model: 'haircut', direction: 'backward', seeds: ['T'] });
    expect(taint(r)).toEqual({ A: 8n, Z: 5n, X: 4n, Y: 4n });
    expect(hops(r)).toEqual({ A: 1, Z: 1, X: 2, Y: 2 });
    expect(r.totals.seeded).toBe(13n);
    expect(byAddress(r.reached).Z?.share).toBeCloseTo(5 / 13, 12);
    expectExplained(r, ['T']);
  });
  it('fifo', () => {
    const r = trace(L, { model: 'fifo', direction: 'backward', seeds: ['T'] });
    expect(taint(r)).toEqual({ A: 8n, Z: 5n, X: 6n, Y: 2n });
    expectExplained(r, ['T']);
  });
  it('poison', () => {
    const r = trace(L, { model: 'poison', direction: 'backward', seeds: ['T'] });
    expect(taint(r)).toEqual({ A: 8n, Z: 5n, X: 10n, Y: 6n });
    expectExplained(r, ['T']);
  });
  it('agrees with forward traces from each source (haircut and FIFO are adjoint)', () => {
    for (const model of ['haircut', 'fifo'] as const) {
      const back = taint(trace(L, { model, direction: 'backward', seeds: ['T'] }));
      for (const src of ['X', 'Y', 'A', 'Z'])
        expect(taint(trace(L, { model, seeds: [src] })).T ?? 0n, `${model} ${src}`).toBe(back[src]);
    }
  });
  it('receipts after `until` are left out; funds from before the data are unattributed', () => {
    // A spends 3 it never received (an opening balance) before X's 10 arrives: lots [3 opening][10 X].
    const M = ledgerOf([t('a', 1, 'X', 'A', 10), t('b', 2, 'A', 'T', 12), t('c', 3, 'Q', 'T', 7)]);
    const r = trace(M, { model: 'fifo', direction: 'backward', seeds: ['T'], until: 2 });
    expect(taint(r)).toEqual({ A: 12n, X: 10n });
    expect(r.totals.seeded).toBe(12n);
    // The trail goes cold at A's opening balance (2) and at X, which spent 10 it never received in the data.
    expect(r.totals.unattributed).toBe(12n);
    const N = ledgerOf([t('o', 0, 'A', 'P', 3), t('a', 1, 'X', 'A', 10), t('b', 2, 'A', 'T', 10)]);
    const s = trace(N, { model: 'fifo', direction: 'backward', seeds: ['T'] });
    // A's opening 3 went to P at t0; T's 10 is X's 10.
    expect(taint(s)).toEqual({ A: 10n, X: 10n });
    const u = trace(N, { model: 'haircut', direction: 'backward', seeds: ['T'] });
    expect(taint(u)).toEqual({ A: 10n, X: 10n });
    const w = trace(ledgerOf([t('a', 1, 'X', 'A', 10), t('b', 2, 'A', 'T', 13)]), {
      model: 'fifo',
      direction: 'backward',
      seeds: ['T'],
    });
    // A spends 13 with only 10 received: 3 come from its opening balance, first in line; X's 10 have no origin
    // in the data either.
    expect(taint(w)).toEqual({ A: 13n, X: 10n });
    expect(w.totals.unattributed).toBe(13n);
  });
});

describe('unknown funds', () => {
  it('an address that spends more than it received has a clean opening balance, its oldest lot', () => {
    // A receives 10 tainted, then spends 8 and 7: it must have held 5 before. FIFO: the 8 takes the 5 clean first
    // and 3 tainted, the 7 takes the remaining 7 tainted. Haircut: the pool is 10/15 tainted when it spends 8: 5
    // (floor of 5.33); the 7 is then the whole rest: 5.
    const L = ledgerOf([t('a', 1, 'S', 'A', 10), t('b', 2, 'A', 'P', 8), t('c', 3, 'A', 'Q', 7)]);
    expect(L.opening(L.id('A'))).toBe(5n);
    expect(taint(trace(L, { model: 'fifo', seeds: ['S'] }))).toEqual({ A: 10n, P: 3n, Q: 7n });
    const h = trace(L, { model: 'haircut', seeds: ['S'] });
    expect(taint(h)).toEqual({ A: 10n, P: 5n, Q: 5n });
    expect(h.totals.held + h.totals.fees).toBe(10n);
  });
  it("a seed's spends are wholly tainted from `since`, whatever it received", () => {
    const L = ledgerOf([t('a', 1, 'S', 'A', 10), t('b', 2, 'S', 'B', 20)]);
    const r = trace(L, { model: 'haircut', seeds: ['S'], since: 2 });
    expect(taint(r)).toEqual({ B: 20n });
    expect(r.seeds).toEqual([{ address: 'S', amount: 20n }]);
  });
});

describe('time window and flows', () => {
  const L = ledgerOf([
    t('a', 1, 'S', 'A', 100),
    t('b', 2, 'A', 'B', 100),
    t('c', 3, 'B', 'C', 100),
    [
      'd',
      4,
      [['C', 100]],
      [
        ['D', 60],
        ['E', 40],
      ],
    ],
  ]);
  it('`until` ends a forward trace', () => {
    for (const model of MODELS)
      expect(taint(trace(L, { model, seeds: ['S'], until: 2 }))).toEqual({ A: 100n, B: 100n });
  });
  it("flows 'all' keeps every tainted flow, evidence mode a subset that still explains everything", () => {
    for (const model of MODELS) {
      const all = trace(L, { model, seeds: ['S'], flows: 'all' });
      const evidence = trace(L, { model, seeds: ['S'] });
      expect(all.flows.map((f) => `${f.tx}:${f.to}`)).toEqual(['a:A', 'b:B', 'c:C', 'd:D', 'd:E']);
      const keys = new Set(all.flows.map((f) => `${f.tx}:${f.to}`));
      expect(evidence.flows.every((f) => keys.has(`${f.tx}:${f.to}`))).toBe(true);
      expectExplained(all, ['S']);
    }
  });
});

describe('caps', () => {
  const chain = ledgerOf([
    t('t1', 1, 'S', 'A', 100),
    t('t2', 2, 'A', 'B', 100),
    t('t3', 3, 'B', 'C', 100),
    t('t4', 4, 'C', 'D', 100),
  ]);
  for (const model of MODELS)
    it(`${model}: maxHops stops the trace, says so, and keeps what it found`, () => {
      const r = trace(chain, { model, seeds: ['S'], maxHops: 2 });
      expect(hops(r)).toEqual({ A: 1, B: 2 });
      expect(r.limitReached).toBe(true);
      expect(r.limits).toEqual([{ code: 'LIMIT_REACHED', cap: 'hops', value: 2 }]);
      expect(r.totals.withheld).toBe(100n);
      const back = trace(chain, { model, direction: 'backward', seeds: ['D'], maxHops: 2 });
      expect(hops(back)).toEqual({ C: 1, B: 2 });
      expect(back.limitReached).toBe(true);
      // Enough hops: no limit.
      expect(trace(chain, { model, seeds: ['S'], maxHops: 4 }).limitReached).toBe(false);
      expect(trace(chain, { model, direction: 'backward', seeds: ['D'], maxHops: 4 }).limitReached).toBe(
        false,
      );
    });
  it('a hop cap is not reached when the capped address spends nothing tainted', () => {
    expect(trace(chain, { model: 'haircut', seeds: ['S'], maxHops: 4 }).limitReached).toBe(false);
    const r = trace(ledgerOf([t('a', 1, 'S', 'A', 5), t('b', 2, 'B', 'C', 5)]), {
      model: 'fifo',
      seeds: ['S'],
      maxHops: 1,
    });
    expect(r.limitReached).toBe(false);
  });
  for (const model of MODELS)
    it(`${model}: maxAddresses`, () => {
      const star = ledgerOf([
        ['fan', 1, [['S', 50]], ['A', 'B', 'C', 'D', 'E'].map((a) => [a, 10] as [string, number])],
      ]);
      const r = trace(star, { model, seeds: ['S'], maxAddresses: 3 });
      expect(r.reached).toHaveLength(3);
      expect(r.limits.map((l) => l.cap)).toEqual(['addresses']);
      expect(trace(star, { model, seeds: ['S'], maxAddresses: 5 }).limitReached).toBe(false);
    });
  it('time', () => {
    // A clock that jumps an hour each reading: the trace stops at its first look and says so.
    let clock = 0;
    const now = () => (clock += 3_600_000);
    const events = Array.from({ length: 600 }, (_, i) =>
      t(`t${i}`, i, i === 0 ? 'S' : `a${i - 1}`, `a${i}`, 1000),
    );
    const r = trace(ledgerOf(events), { model: 'haircut', seeds: ['S'], maxMs: 1000, maxHops: 1000, now });
    expect(r.limits.map((l) => l.cap)).toEqual(['time']);
    expect(r.reached.length).toBeGreaterThan(0);
    expect(r.reached.length).toBeLessThan(600);
  });
});

describe('results', () => {
  it('flows carry tx, addresses, amounts and hops; JSON has decimal strings', () => {
    const L = ledgerOf([
      t('aa01', 1_700_000_000, 'S', 'A', 150_000_000n),
      [
        'bb02',
        1_700_000_100,
        [['A', 150_000_000n]],
        [
          ['B', 100_000_000n],
          ['C', 49_990_000n],
        ],
      ],
    ]);
    const r = trace(L, { model: 'haircut', seeds: ['S'] });
    expect(r.flows).toEqual([
      {
        tx: 'aa01',
        event: 0,
        time: 1_700_000_000,
        from: 'S',
        to: 'A',
        amount: 150_000_000n,
        tainted: 150_000_000n,
        hops: 1,
      },
      {
        tx: 'bb02',
        event: 1,
        time: 1_700_000_100,
        from: 'A',
        to: 'B',
        amount: 100_000_000n,
        tainted: 100_000_000n,
        hops: 2,
      },
      {
        tx: 'bb02',
        event: 1,
        time: 1_700_000_100,
        from: 'A',
        to: 'C',
        amount: 49_990_000n,
        tainted: 49_990_000n,
        hops: 2,
      },
    ]);
    const json = traceJson(r, 8) as {
      reached: { address: string; tainted: string }[];
      limit_reached: boolean;
    };
    expect(json.reached.map((x) => [x.address, x.tainted])).toEqual([
      ['A', '1.5'],
      ['B', '1'],
      ['C', '0.4999'],
    ]);
    expect(json.limit_reached).toBe(false);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
  it('seeds not in the ledger are listed; bad options are USAGE_INVALID', () => {
    const L = ledgerOf([t('a', 1, 'S', 'A', 5)]);
    const r = trace(L, { model: 'poison', seeds: ['S', 'nowhere'] });
    expect(r.missing).toEqual(['nowhere']);
    const bad = (o: object) => {
      try {
        trace(L, { model: 'poison', seeds: ['S'], ...o });
      } catch (err) {
        return isNexusError(err, 'USAGE_INVALID');
      }
      return false;
    };
    expect(bad({ model: 'lifo' })).toBe(true);
    expect(bad({ direction: 'sideways' })).toBe(true);
    expect(bad({ maxHops: 0 })).toBe(true);
    expect(bad({ maxAddresses: -1 })).toBe(true);
  });
  it('amounts above 2^64 (wei) stay exact', () => {
    const big = 123_456_789_012_345_678_901_234_567n;
    const L = ledgerOf(
      [t('a', 1, 'S', 'A', big), t('b', 2, 'X', 'A', big * 3n), t('c', 3, 'A', 'B', big)],
      'ETH',
    );
    const r = trace(L, { model: 'haircut', seeds: ['S'] });
    // A's pool is 1/4 tainted: B gets floor(big / 4).
    expect(taint(r)).toEqual({ A: big, B: big / 4n });
    expect(taint(trace(L, { model: 'fifo', seeds: ['S'] }))).toEqual({ A: big, B: big });
  });
});
