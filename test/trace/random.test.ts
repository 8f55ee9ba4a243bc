// The engine against a plain reference on random ledgers (UTXO and transfers, fees, tied times, amounts above
// 2^53), and the invariants: value conservation per transaction and overall, poison >= haircut and FIFO per
// address, and backward traces as the adjoint of forward ones.
import { describe, expect, it } from 'vitest';
import { type Ledger, type TaintModel, type TraceResult, trace } from '../../src/trace/index.js';
import { type Ev, ledgerOf, referenceForward, rng } from './helpers.js';

interface GenOptions {
  addresses: number;
  events: number;
  seed: number;
  /** Multiply amounts by this (10^12 puts many above 2^53). */
  scale?: bigint;
  /** Only from a lower-numbered address to a higher one (no cycles), the last address a sink. */
  layered?: boolean;
}

function generate(o: GenOptions): Ledger {
  const r = rng(o.seed);
  const pick = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo));
  const scale = o.scale ?? 1n;
  const events: Ev[] = [];
  for (let i = 0; i < o.events; i++) {
    const nIn = r() < 0.6 ? 1 : pick(1, 4);
    const nOut = r() < 0.5 ? 1 : pick(1, 4);
    const ins: [string, bigint][] = [];
    let low = o.addresses;
    for (let k = 0; k < nIn; k++) {
      const a = o.layered ? pick(0, o.addresses - 2) : pick(0, o.addresses);
      low = Math.min(low, a);
      ins.push([`a${a}`, BigInt(pick(1, 1000)) * scale]);
    }
    const total = ins.reduce((s, [, v]) => s + v, 0n);
    const fee = r() < 0.3 ? total / BigInt(pick(20, 200)) : 0n;
    let left = total - fee;
    const outs: [string, bigint][] = [];
    for (let k = 0; k < nOut && left > 0n; k++) {
      const part = k === nOut - 1 ? left : (left * BigInt(pick(1, 100))) / 100n;
      if (part <= 0n) continue;
      const b = o.layered
        ? pick(Math.max(...ins.map(([a]) => Number(a.slice(1)))) + 1, o.addresses)
        : pick(0, o.addresses);
      outs.push([`a${b}`, part]);
      left -= part;
    }
    if (outs.length === 0) continue;
    // Tied times on purpose: order within a time is the order of adding.
    events.push([`tx${i}`, pick(0, o.events / 3), ins, outs]);
  }
  return ledgerOf(events);
}

const MODELS: TaintModel[] = ['poison', 'haircut', 'fifo'];
const NO_CAPS = { maxHops: 1_000_000 };

function taintOf(r: TraceResult): Map<string, bigint> {
  return new Map(r.reached.map((x) => [x.address, x.tainted]));
}

describe('forward traces equal a brute-force reference', () => {
  const cases = [
    { addresses: 30, events: 200, seed: 1 },
    { addresses: 80, events: 600, seed: 2 },
    { addresses: 15, events: 300, seed: 3 },
    { addresses: 50, events: 400, seed: 4, scale: 10n ** 15n },
  ];
  for (const c of cases)
    for (const model of MODELS)
      it(`${model}, ${c.addresses} addresses, ${c.events} events, seed ${c.seed}${c.scale ? ', wei-sized' : ''}`, () => {
        const L = generate(c);
        const seeds = ['a0', 'a1', 'a7'];
        const ref = referenceForward(L, model, seeds);
        const r = trace(L, { model, seeds, ...NO_CAPS });
        expect(r.limitReached).toBe(false);
        // The general engine (any size of amount) and the all-doubles fast path agree to the unit.
        const general = trace(L, { model, seeds, ...NO_CAPS, engine: 'general' });
        expect(general.reached).toEqual(r.reached);
        expect(general.flows).toEqual(r.flows);
        expect({ ...general.totals }).toEqual({ ...r.totals });
        expect(taintOf(r)).toEqual(ref.tainted);
        expect(new Map(r.reached.map((x) => [x.address, x.held]))).toEqual(ref.held);
        expect(r.totals.seeded).toBe(ref.seeded);
        expect(r.totals.returned).toBe(ref.returned);
        if (model !== 'poison') {
          expect(r.totals.fees).toBe(ref.fees);
          // Per transaction: taint out never exceeds taint in.
          for (const [tin, tout] of ref.perTx) expect(tout <= tin).toBe(true);
          // Overall: every unit seeded is held somewhere, paid as a fee or returned to a seed.
          expect(r.totals.held + r.totals.fees + r.totals.returned).toBe(r.totals.seeded);
          expect(r.reached.every((x) => (x.held ?? 0n) <= x.tainted || x.stoppedAt)).toBe(true);
        }
        // Flows: all of them explained, and the tainted part of any flow is within its amount.
        expect(r.flows.every((f) => f.tainted > 0n && f.tainted <= f.amount)).toBe(true);
        expect(r.reached.every((x) => x.tainted <= x.received && x.share > 0 && x.share <= 1)).toBe(true);
      });
});

describe('invariants under caps and across models', () => {
  it('poison >= FIFO and poison >= haircut, per address', () => {
    for (const seed of [11, 12, 13]) {
      const L = generate({ addresses: 60, events: 500, seed });
      const p = taintOf(trace(L, { model: 'poison', seeds: ['a3'], ...NO_CAPS }));
      for (const model of ['haircut', 'fifo'] as const)
        for (const [a, v] of taintOf(trace(L, { model, seeds: ['a3'], ...NO_CAPS })))
          expect((p.get(a) ?? 0n) >= v, `${model} ${a}`).toBe(true);
    }
  });
  it('conservation holds when caps cut the trace short: held + fees + returned + withheld = seeded', () => {
    const L = generate({ addresses: 200, events: 3000, seed: 21 });
    for (const model of ['haircut', 'fifo'] as const)
      for (const caps of [
        { maxHops: 1 },
        { maxHops: 3 },
        { maxAddresses: 10 },
        { maxHops: 2, maxAddresses: 25 },
      ]) {
        const r = trace(L, { model, seeds: ['a0', 'a5'], ...caps });
        expect(r.limitReached, JSON.stringify(caps)).toBe(true);
        const general = trace(L, { model, seeds: ['a0', 'a5'], ...caps, engine: 'general' });
        expect(general.reached).toEqual(r.reached);
        expect(general.totals).toEqual(r.totals);
        const t = r.totals;
        expect(t.held + t.fees + t.returned + t.withheld, `${model} ${JSON.stringify(caps)}`).toBe(t.seeded);
        if (caps.maxAddresses) expect(r.reached.length).toBeLessThanOrEqual(caps.maxAddresses);
        if (caps.maxHops) expect(Math.max(...r.reached.map((x) => x.hops))).toBeLessThanOrEqual(caps.maxHops);
      }
  });
  it('the fast path and the general engine agree under windows, caps and stops', () => {
    const L = generate({ addresses: 120, events: 2000, seed: 51 });
    const variants = [
      { since: 200 },
      { until: 400 },
      { since: 100, until: 500, maxHops: 3 },
      { maxHops: 2 },
      { maxAddresses: 15 },
      { stopAt: ['a3', 'a4'], maxHops: 5 },
      { flows: 'all' as const },
    ];
    for (const model of ['poison', 'haircut'] as const)
      for (const v of variants) {
        const o = { model, seeds: ['a0', 'a9'], ...v };
        const fast = trace(L, o);
        const general = trace(L, { ...o, engine: 'general' });
        expect(general.reached, `${model} ${JSON.stringify(v)}`).toEqual(fast.reached);
        expect(general.flows).toEqual(fast.flows);
        expect(general.totals).toEqual(fast.totals);
        expect(general.limits).toEqual(fast.limits);
      }
  });
  it('stop addresses hold what reaches them and pass nothing on', () => {
    const L = generate({ addresses: 40, events: 400, seed: 31 });
    const stopAt = ['a10', 'a11', 'a12'];
    for (const model of MODELS) {
      const r = trace(L, { model, seeds: ['a0'], stopAt, ...NO_CAPS });
      for (const x of r.reached) expect(x.stoppedAt === true, x.address).toBe(stopAt.includes(x.address));
      expect(r.flows.some((f) => stopAt.includes(f.from))).toBe(false);
    }
  });
});

describe('backward traces are the adjoint of forward ones', () => {
  for (const seed of [41, 42, 43])
    it(`layered ledger, seed ${seed}`, () => {
      const n = 25;
      const L = generate({ addresses: n, events: 250, seed, layered: true, scale: 1000n });
      const target = `a${n - 1}`;
      const back = new Map(
        ['haircut', 'fifo', 'poison'].map((m) => [
          m,
          trace(L, { model: m as TaintModel, direction: 'backward', seeds: [target], ...NO_CAPS }),
        ]),
      );
      for (let i = 0; i < n - 1; i++) {
        const src = `a${i}`;
        if (L.id(src) < 0) continue;
        // FIFO: what the source sent that ended at the target equals what a forward trace from it delivers.
        const fwdFifo = taintOf(trace(L, { model: 'fifo', seeds: [src], ...NO_CAPS })).get(target) ?? 0n;
        expect(taintOf(back.get('fifo') as TraceResult).get(src) ?? 0n, `fifo ${src}`).toBe(fwdFifo);
        // Haircut: the same, up to rounding to whole base units along the way.
        const fwdHair = taintOf(trace(L, { model: 'haircut', seeds: [src], ...NO_CAPS })).get(target) ?? 0n;
        const backHair = taintOf(back.get('haircut') as TraceResult).get(src) ?? 0n;
        const diff = fwdHair > backHair ? fwdHair - backHair : backHair - fwdHair;
        expect(diff <= 100n, `haircut ${src}: forward ${fwdHair}, backward ${backHair}`).toBe(true);
        // Poison: an ancestor exactly when a forward poison trace from it reaches the target.
        const reaches = taintOf(trace(L, { model: 'poison', seeds: [src], ...NO_CAPS })).has(target);
        expect(taintOf(back.get('poison') as TraceResult).has(src), `poison ${src}`).toBe(reaches);
      }
      // Without cycles, no address can have sent the targets more than they received.
      for (const m of ['haircut', 'fifo'] as const) {
        const r = back.get(m) as TraceResult;
        expect(r.reached.every((x) => x.tainted <= r.totals.seeded && x.share <= 1)).toBe(true);
      }
    });
});
