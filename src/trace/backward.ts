// Backward tracing: where did the funds that reached the targets come from?
//
// The mirror of the forward trace: events are visited from the latest down (a heap of event numbers, latest
// first), starting from every receipt of the targets in the window. Each visited event carries a demand on
// its outputs (the part of them that ends at the targets), which goes to its inputs and from there to the
// receipts of the input addresses that funded it:
// - poison: every input of an event with any demanded output is an ancestor, and all its receipts before
//   that are demanded in full;
// - haircut: the exact adjoint of the forward pool: going back in time, an address holds a demanded mass M
//   inside its balance B; a spend with demand x adds x to M, a receipt r takes floor(r * M / B) of it (its
//   share of the pool), and a transaction gives its inputs the value-weighted share of its outputs' demand;
// - FIFO: exact ranges: a demanded range of a spend maps, by the address's stream of receipts (opening
//   balance first, then receipts in order: the k-th unit spent is the k-th unit received), to ranges of the
//   receipts that funded it, and through each transaction by position.
// Value that goes back to an opening balance, a mint or before the window is `unattributed`.

import { IntHeap } from './arrays.js';
import {
  ACTIVE,
  type Cap,
  type EngineInput,
  type EngineOutcome,
  FIFO,
  FlowTable,
  HAIRCUT,
  NO_HOP,
  POISON,
  SEED,
  STOP,
  STOPPED,
  scratch,
  UNTOUCHED,
} from './engine.js';
import { type Amt, AmtArray, add, decode, min, mulDiv, sub } from './exact.js';
import type { Ledger } from './ledger.js';

export function traceBackward(L: Ledger, input: EngineInput): EngineOutcome {
  return new Backward(L, input).run();
}

class Backward {
  private readonly model: number;
  private readonly kind: Uint8Array;
  private readonly maxHops: number;
  private readonly start: number;
  private readonly end: number;
  private readonly bigs: readonly bigint[];

  private readonly state: Uint8Array;
  private readonly hop: Int32Array;
  private readonly when: Int32Array;
  private readonly processed: Uint8Array;
  private readonly attrib: AmtArray;
  /** Haircut: balance at the backward position, and the demanded mass inside it. */
  private readonly bal: AmtArray;
  private readonly mass: AmtArray;
  /** Backward cursors: legs at positions below these are not yet applied (haircut). */
  private readonly inPos: Int32Array;
  private readonly outPos: Int32Array;
  /** Backward cursor for scheduling receipts, and the event last scheduled. */
  private readonly schedPos: Int32Array;
  private readonly scheduled: Int32Array;
  /** FIFO: demanded ranges per output leg, [lo, hi, lo, hi...] relative to the leg. */
  private readonly pending = new Map<number, Amt[]>();
  /** FIFO: per address, the stream start of each receipt (after the opening balance) and each spend. */
  private readonly streams = new Map<number, { recv: Amt[]; spend: Amt[] }>();
  private readonly hopFlow: Int32Array;
  private readonly bestFlow: Int32Array;

  private readonly flows = new FlowTable();
  private readonly heap = new IntHeap();
  private readonly reached: number[] = [];
  private readonly seeded = new Map<number, Amt>();
  private readonly caps = new Set<Cap>();
  private withheld: Amt = 0;
  private unattributed: Amt = 0;
  private stopping = false;
  private events = 0;
  private readonly last: number;

  // Per-event scratch (FIFO): demanded ranges in transaction positions, with the hop and address they lead to.
  private dLo: Amt[] = [];
  private dHi: Amt[] = [];
  private dHop: number[] = [];
  private dTo: number[] = [];
  private readonly rel: Amt[] = [];

  constructor(
    private readonly L: Ledger,
    private readonly input: EngineInput,
  ) {
    this.model = input.model;
    this.kind = input.kind;
    this.maxHops = input.maxHops;
    this.start = input.start;
    this.end = input.end;
    this.bigs = L.bigs;
    const ws = scratch(L);
    const haircut = this.model === HAIRCUT;
    this.state = ws.bytes('state');
    this.hop = ws.int32('hop', NO_HOP);
    this.when = ws.int32('when', -1);
    this.processed = ws.perEvent('processed');
    this.attrib = ws.amounts('attrib');
    this.bal = haircut ? ws.amounts('bal') : new AmtArray(0);
    this.mass = haircut ? ws.amounts('mass') : new AmtArray(0);
    this.inPos = haircut ? ws.int32('inPos', 0) : new Int32Array(0);
    this.outPos = haircut ? ws.int32('outPos', 0) : new Int32Array(0);
    this.schedPos = ws.int32('schedPos', 0);
    this.scheduled = ws.int32('scheduled', -1);
    this.hopFlow = ws.int32('hopFlow', -1);
    this.bestFlow = ws.int32('bestFlow', -1);
    this.last = L.eventCount - 1;
  }

  run(): EngineOutcome {
    const L = this.L;
    const { clock } = this.input;
    for (const t of this.input.seeds) {
      this.hop[t] = 0;
      this.schedPos[t] = L.adOut[t + 1] as number;
      let got: Amt = 0;
      for (let p = L.adOut[t] as number; p < (L.adOut[t + 1] as number); p++) {
        const ev = L.adOutEv[p] as number;
        if (ev >= this.start && ev < this.end) got = add(got, decode(L.adOutAmt[p] as number, this.bigs));
      }
      this.seeded.set(t, got);
      this.scheduleReceipt(t, this.end);
    }
    let cur = this.end;
    while (this.heap.size > 0) {
      const e = this.last - this.heap.pop();
      if (this.processed[e]) continue;
      this.process(e);
      cur = e;
      if (this.stopping) break;
      if (!clock.ok()) {
        this.caps.add('time');
        this.stopping = true;
        break;
      }
    }
    const downTo = this.stopping ? cur : this.start;
    if (this.model === HAIRCUT) {
      // Drain what is left down to the window's start; what remains was there before: unattributed.
      for (const a of this.reached) {
        if (this.state[a] !== ACTIVE) continue;
        this.sync(a, downTo - 1, false, false);
        this.unattributed = add(this.unattributed, this.mass.get(a));
      }
    }
    return {
      state: this.state,
      hop: (a) => this.hop[a] as number,
      reached: this.reached,
      tainted: (a) => this.attrib.get(a),
      when: this.when,
      seeded: this.seeded,
      flows: this.flows,
      hopFlow: (a) => this.hopFlow[a] as number,
      bestFlow: (a) => this.bestFlow[a] as number,
      caps: this.caps,
      withheld: this.withheld,
      fees: 0,
      returned: 0,
      unattributed: this.unattributed,
      events: this.events,
      mode: 'heap',
    };
  }

  private followed(a: number): boolean {
    return (this.hop[a] as number) < this.maxHops;
  }

  /** Puts the address's latest receipt before event e (and in the window) on the heap. */
  private scheduleReceipt(a: number, e: number): void {
    const L = this.L;
    let p = this.schedPos[a] as number;
    const p0 = L.adOut[a] as number;
    while (p > p0 && (L.adOutEv[p - 1] as number) >= e) p--;
    this.schedPos[a] = p;
    if (p === p0) return;
    const ev = L.adOutEv[p - 1] as number;
    if (ev < this.start || this.scheduled[a] === ev) return;
    this.scheduled[a] = ev;
    this.heap.push(this.last - ev);
  }

  private push(e: number): void {
    this.heap.push(this.last - e);
  }

  private process(e: number): void {
    const L = this.L;
    this.processed[e] = 1;
    this.events++;
    const model = this.model;
    const i0 = L.evIn[e] as number;
    const i1 = L.evIn[e + 1] as number;
    const o0 = L.evOut[e] as number;
    const o1 = L.evOut[e + 1] as number;
    let demand: Amt = 0;
    let bestHop = NO_HOP;
    let bestTo = -1;
    const fifo = model === FIFO;
    if (fifo) {
      this.dLo.length = 0;
      this.dHi.length = 0;
      this.dHop.length = 0;
      this.dTo.length = 0;
    }

    // Outputs: the demand on each.
    let pos: Amt = 0;
    for (let leg = o0; leg < o1; leg++) {
      const a = L.outAddr[leg] as number;
      const amt = decode(L.outAmt[leg] as number, this.bigs);
      let d: Amt = 0;
      if (this.kind[a] === SEED) {
        d = amt;
        if (fifo) this.addDemand(pos, add(pos, amt), 0, a);
      } else if (this.state[a] === ACTIVE) {
        if (model === POISON) {
          if (this.followed(a)) d = amt;
        } else if (model === HAIRCUT) {
          this.sync(a, e, false, false);
          const b = this.bal.get(a);
          const m = this.mass.get(a);
          const part = m === 0 ? 0 : mulDiv(amt, m, b);
          if (part !== 0) this.mass.set(a, sub(m, part));
          this.bal.set(a, sub(b, min(amt, b)));
          if (part !== 0 && !this.followed(a)) {
            this.withheld = add(this.withheld, part);
            this.caps.add('hops');
          } else d = part;
        } else {
          const ranges = this.pending.get(leg);
          if (ranges) {
            this.pending.delete(leg);
            sortRanges(ranges);
            for (let r = 0; r < ranges.length; r += 2) {
              const lo = ranges[r] as Amt;
              const hi = ranges[r + 1] as Amt;
              d = add(d, sub(hi, lo));
              this.addDemand(add(pos, lo), add(pos, hi), this.hop[a] as number, a);
            }
          }
        }
      }
      if (d !== 0) {
        demand = add(demand, d);
        const h = this.hop[a] as number;
        if (h < bestHop) {
          bestHop = h;
          bestTo = a;
        }
      }
      pos = add(pos, amt);
    }

    if (demand !== 0 && i0 === i1) this.unattributed = add(this.unattributed, demand); // a mint

    // Inputs: the demand each carries, followed back to the receipts that funded it.
    let totalIn: Amt = 0;
    if (model === HAIRCUT && demand !== 0)
      for (let l = i0; l < i1; l++) totalIn = add(totalIn, decode(L.inAmt[l] as number, this.bigs));
    let q = 0; // FIFO: next demanded range
    pos = 0;
    for (let l = i0; l < i1; l++) {
      const a = L.inAddr[l] as number;
      const amt = decode(L.inAmt[l] as number, this.bigs);
      let x: Amt = 0;
      let to = bestTo;
      if (demand !== 0) {
        if (model === POISON) x = amt;
        else if (model === HAIRCUT) x = mulDiv(amt, demand, totalIn);
        else {
          // The demanded ranges overlapping [pos, pos + amt), relative to this input.
          const end = add(pos, amt);
          this.rel.length = 0;
          let toHop = NO_HOP;
          to = -1;
          while (q < this.dLo.length && (this.dHi[q] as Amt) <= pos) q++;
          for (let r = q; r < this.dLo.length && (this.dLo[r] as Amt) < end; r++) {
            const lo = (this.dLo[r] as Amt) > pos ? (this.dLo[r] as Amt) : pos;
            const hi = min(this.dHi[r] as Amt, end);
            if (!(lo < hi)) continue;
            this.rel.push(sub(lo, pos), sub(hi, pos));
            x = add(x, sub(hi, lo));
            if ((this.dHop[r] as number) < toHop) {
              toHop = this.dHop[r] as number;
              to = this.dTo[r] as number;
            }
          }
          pos = end;
        }
      }
      const k = this.kind[a];
      if (k === SEED) continue; // value moving between targets is counted once, at the first target
      if (x !== 0 && this.state[a] === UNTOUCHED) {
        if (!this.reach(a, e)) {
          this.withheld = add(this.withheld, x);
          continue;
        }
        // Its earlier input legs in this event were passed while it was untouched: apply them now.
        if (model === HAIRCUT)
          for (let p = i0; p < l; p++)
            if (L.inAddr[p] === a)
              this.bal.set(a, add(this.bal.get(a), decode(L.inAmt[p] as number, this.bigs)));
      }
      const st = this.state[a];
      if (st === ACTIVE && model === HAIRCUT) {
        this.sync(a, e, true, false);
        if (x !== 0) this.mass.set(a, add(this.mass.get(a), x));
        this.bal.set(a, add(this.bal.get(a), amt));
      }
      if (x === 0) continue;
      this.attrib.set(a, add(this.attrib.get(a), x));
      this.evidence(e, a, to, l, x);
      if (st !== ACTIVE) continue;
      if (model === FIFO) this.mapBack(a, l, e, this.followed(a));
      else if (this.followed(a)) this.scheduleReceipt(a, e);
      else if (model === POISON && this.hasReceiptBefore(a, e)) this.caps.add('hops');
    }

    // Targets, and outputs that still carry demand (FIFO schedules exact receipts instead): their next earlier
    // receipt.
    for (let leg = o0; leg < o1; leg++) {
      const a = L.outAddr[leg] as number;
      if (this.kind[a] === SEED) this.scheduleReceipt(a, e);
      else if (
        model !== FIFO &&
        this.state[a] === ACTIVE &&
        this.followed(a) &&
        (model === POISON || this.mass.positive(a))
      )
        this.scheduleReceipt(a, e);
    }
  }

  private addDemand(lo: Amt, hi: Amt, hop: number, to: number): void {
    this.dLo.push(lo);
    this.dHi.push(hi);
    this.dHop.push(hop);
    this.dTo.push(to);
  }

  private hasReceiptBefore(a: number, e: number): boolean {
    const L = this.L;
    const p0 = L.adOut[a] as number;
    if (p0 === (L.adOut[a + 1] as number)) return false;
    const first = L.adOutEv[p0] as number;
    return first < e && first >= this.start;
  }

  /**
   * FIFO: maps the demanded ranges (this.rel) of input leg `leg` of address a to the receipts that funded it,
   * and follows them there unless the address is at the hop cap (then they are withheld).
   */
  private mapBack(a: number, leg: number, e: number, follow: boolean): void {
    const L = this.L;
    const s = this.stream(a);
    const k = indexOf(L.adInLegs, L.adIn[a] as number, L.adIn[a + 1] as number, leg);
    const base = s.spend[k] as Amt;
    const r0 = L.adOut[a] as number;
    const nR = (L.adOut[a + 1] as number) - r0;
    for (let r = 0; r < this.rel.length; r += 2) {
      let lo = add(base, this.rel[r] as Amt);
      const hi = add(base, this.rel[r + 1] as Amt);
      // Below the first receipt's start: the opening balance, funds from before the data.
      const first = s.recv[0] as Amt;
      if (lo < first) {
        this.unattributed = add(this.unattributed, sub(min(hi, first), lo));
        lo = first;
      }
      if (!(lo < hi)) continue;
      // The receipt holding position lo: the last with start <= lo.
      let i = upper(s.recv, 0, nR, lo) - 1;
      while (lo < hi && i < nR) {
        const rs = s.recv[i] as Amt;
        const re = s.recv[i + 1] as Amt;
        const pieceHi = min(hi, re);
        const outLeg = L.adOutLegs[r0 + i] as number;
        const ev = L.outEv[outLeg] as number;
        if (ev < this.start) this.unattributed = add(this.unattributed, sub(pieceHi, lo));
        else if (!follow) {
          this.withheld = add(this.withheld, sub(pieceHi, lo));
          this.caps.add('hops');
        } else if (ev < e) {
          let ranges = this.pending.get(outLeg);
          if (!ranges) {
            ranges = [];
            this.pending.set(outLeg, ranges);
            this.push(ev);
          }
          ranges.push(sub(lo, rs), sub(pieceHi, rs));
        }
        lo = pieceHi;
        i++;
      }
    }
  }

  /** FIFO: the address's receipt stream positions (recv has one more entry: the end) and spend positions. */
  private stream(a: number): { recv: Amt[]; spend: Amt[] } {
    let s = this.streams.get(a);
    if (s) return s;
    const L = this.L;
    const recv: Amt[] = [];
    let p: Amt = decode(L.openingCol[a] as number, this.bigs);
    for (let i = L.adOut[a] as number; i < (L.adOut[a + 1] as number); i++) {
      recv.push(p);
      p = add(p, decode(L.adOutAmt[i] as number, this.bigs));
    }
    recv.push(p);
    const spend: Amt[] = [];
    let c: Amt = 0;
    for (let i = L.adIn[a] as number; i < (L.adIn[a + 1] as number); i++) {
      spend.push(c);
      c = add(c, decode(L.adInAmt[i] as number, this.bigs));
    }
    s = { recv, spend };
    this.streams.set(a, s);
    return s;
  }

  private reach(a: number, e: number): boolean {
    if (this.reached.length >= this.input.maxAddresses) {
      this.caps.add('addresses');
      this.stopping = true;
      return false;
    }
    this.reached.push(a);
    this.when[a] = e;
    if (this.kind[a] === STOP) {
      this.state[a] = STOPPED;
      return true;
    }
    this.state[a] = ACTIVE;
    this.schedPos[a] = this.L.adOut[a + 1] as number;
    if (this.model === HAIRCUT) {
      this.bal.set(a, decode(this.L.closingCol[a] as number, this.bigs));
      this.inPos[a] = this.L.adIn[a + 1] as number;
      this.outPos[a] = this.L.adOut[a + 1] as number;
      this.sync(a, e, true, true);
    }
    return true;
  }

  /**
   * Haircut: walks an active address's legs backward, applying those after event e (and its outputs in e
   * when `withOutputsAt`) that it has not had applied: all of them on reaching it, else those of events not
   * visited. A receipt not visited while the address carries demand is one beyond the hop cap: withheld.
   */
  private sync(a: number, e: number, withOutputsAt: boolean, all: boolean): void {
    const L = this.L;
    let i = this.inPos[a] as number;
    let j = this.outPos[a] as number;
    const i0 = L.adIn[a] as number;
    const j0 = L.adOut[a] as number;
    for (;;) {
      const ie = i > i0 ? (L.adInEv[i - 1] as number) : -1;
      const oe = j > j0 ? (L.adOutEv[j - 1] as number) : -1;
      const outOk = oe > e || (withOutputsAt && oe === e);
      const inOk = ie > e;
      if (outOk && (oe >= ie || !inOk)) {
        const v = L.adOutAmt[--j] as number;
        if (all || !this.processed[oe]) {
          const amt = decode(v, this.bigs);
          const b = this.bal.get(a);
          const m = this.mass.get(a);
          if (m !== 0) {
            const part = mulDiv(amt, m, b);
            if (part !== 0) {
              this.mass.set(a, sub(m, part));
              this.withheld = add(this.withheld, part);
              this.caps.add('hops');
            }
          }
          this.bal.set(a, sub(b, min(amt, b)));
        }
      } else if (inOk) {
        const v = L.adInAmt[--i] as number;
        if (all || !this.processed[ie]) this.bal.set(a, add(this.bal.get(a), decode(v, this.bigs)));
      } else break;
    }
    this.inPos[a] = i;
    this.outPos[a] = j;
  }

  private evidence(e: number, from: number, to: number, leg: number, x: Amt): void {
    const hops = (this.hop[to] as number) + 1;
    const parent = this.kind[to] === SEED ? -1 : (this.hopFlow[to] as number);
    let f = -1;
    const better = hops < (this.hop[from] as number);
    if (this.input.allFlows || better) f = this.flows.add(e, from, to, leg, hops, parent, x);
    if (better) {
      const wasFollowed = this.followed(from);
      this.hop[from] = hops;
      this.hopFlow[from] = f;
      if (!wasFollowed && this.followed(from) && this.state[from] === ACTIVE && this.model !== FIFO)
        this.scheduleReceipt(from, e);
    }
    const best = this.bestFlow[from] as number;
    if (best < 0 || x > (this.flows.tainted[best] as Amt)) {
      if (f < 0) f = this.flows.add(e, from, to, leg, hops, parent, x);
      this.bestFlow[from] = f;
    }
  }
}

/** Position of `value` in the ascending run items[from..to) (it is there). */
function indexOf(items: Int32Array, from: number, to: number, value: number): number {
  let lo = from;
  let hi = to - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((items[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo - from;
}

/** The first index in [from, to) whose value is above x (to when none). */
function upper(values: Amt[], from: number, to: number, x: Amt): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as Amt) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sorts [lo, hi, lo, hi...] pairs by lo, in place. */
function sortRanges(r: Amt[]): void {
  if (r.length <= 2) return;
  const pairs: [Amt, Amt][] = [];
  for (let i = 0; i < r.length; i += 2) pairs.push([r[i] as Amt, r[i + 1] as Amt]);
  pairs.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  for (let i = 0; i < pairs.length; i++) {
    r[2 * i] = (pairs[i] as [Amt, Amt])[0];
    r[2 * i + 1] = (pairs[i] as [Amt, Amt])[1];
  }
}
