// Forward tracing: where did the seeds' funds go?
//
// Events are visited in time order, and only those that spend taint: a min-heap of event numbers holds, per
// tainted address, its next spending event; when the visited events grow dense, a plain sweep over the rest of
// the window replaces the heap (same events, cheaper per event). A reached address keeps its balance state
// (haircut: balance and tainted balance; FIFO: its queue of lots; poison: its balance) from its opening
// balance on; the events in which it takes part without taint (clean receipts, and spends by an address at
// the hop cap) are applied lazily, in order, before the address is next used.

import { IntHeap } from './arrays.js';
import {
  ACTIVE,
  type Cap,
  type EngineInput,
  type EngineOutcome,
  FIFO,
  FlowTable,
  HAIRCUT,
  Lots,
  NO_HOP,
  POISON,
  SEED,
  Segments,
  STOP,
  STOPPED,
  scratch,
  UNTOUCHED,
} from './engine.js';
import { type Amt, AmtArray, add, decode, min, mulDiv, sub } from './exact.js';
import type { Ledger } from './ledger.js';

const NEVER = 0x7fffffff;

export function traceForward(L: Ledger, input: EngineInput): EngineOutcome {
  return new Forward(L, input).run();
}

class Forward {
  // Ledger arrays, local for speed.
  private readonly evIn: Int32Array;
  private readonly evOut: Int32Array;
  private readonly inAddr: Int32Array;
  private readonly inAmt: Float64Array;
  private readonly outAddr: Int32Array;
  private readonly outAmt: Float64Array;
  private readonly bigs: readonly bigint[];
  private readonly adIn: Int32Array;
  private readonly adOut: Int32Array;

  private readonly model: number;
  private readonly kind: Uint8Array;
  private readonly maxHops: number;
  private readonly start: number;
  private readonly end: number;

  private readonly state: Uint8Array;
  private readonly hop: Int32Array;
  private readonly when: Int32Array;
  private readonly processed: Uint8Array;
  /** Balance (poison, haircut) and tainted balance (haircut). */
  private readonly bal: AmtArray;
  private readonly tnt: AmtArray;
  private readonly recv: AmtArray;
  private readonly lots: Map<number, Lots>;
  /** Next input leg and output leg (positions in adInLegs / adOutLegs) not yet applied to the state. */
  private readonly inPos: Int32Array;
  private readonly outPos: Int32Array;
  /** Next input leg position not yet considered for scheduling, and the event last scheduled. */
  private readonly nextPos: Int32Array;
  private readonly scheduled: Int32Array;
  private readonly hopFlow: Int32Array;
  private readonly bestFlow: Int32Array;

  private readonly flows = new FlowTable();
  private readonly heap = new IntHeap();
  private sweep = false;
  private readonly reached: number[] = [];
  private readonly seeded = new Map<number, Amt>();
  private readonly caps = new Set<Cap>();
  private withheld: Amt = 0;
  private fees: Amt = 0;
  private returned: Amt = 0;
  private stopping = false;
  private events = 0;

  // Per-event scratch.
  private readonly segs = new Segments();
  private readonly pieces = new Segments();
  private readonly pieceStart: number[] = [];
  private readonly outT: Amt[] = [];
  private readonly outFrom: number[] = [];

  constructor(
    private readonly L: Ledger,
    private readonly input: EngineInput,
  ) {
    this.evIn = L.evIn;
    this.evOut = L.evOut;
    this.inAddr = L.inAddr;
    this.inAmt = L.inAmt;
    this.outAddr = L.outAddr;
    this.outAmt = L.outAmt;
    this.bigs = L.bigs;
    this.adIn = L.adIn;
    this.adOut = L.adOut;
    this.model = input.model;
    this.kind = input.kind;
    this.maxHops = input.maxHops;
    this.start = input.start;
    this.end = input.end;
    const ws = scratch(L);
    this.state = ws.bytes('state');
    this.hop = ws.int32('hop', NO_HOP);
    this.when = ws.int32('when', -1);
    this.processed = ws.perEvent('processed');
    this.bal = this.model === FIFO ? new AmtArray(0) : ws.amounts('bal');
    this.tnt = this.model === HAIRCUT ? ws.amounts('tnt') : new AmtArray(0);
    this.recv = ws.amounts('recv');
    this.lots = new Map();
    this.inPos = ws.int32('inPos', 0);
    this.outPos = ws.int32('outPos', 0);
    this.nextPos = ws.int32('nextPos', 0);
    this.scheduled = ws.int32('scheduled', -1);
    this.hopFlow = ws.int32('hopFlow', -1);
    this.bestFlow = ws.int32('bestFlow', -1);
  }

  run(): EngineOutcome {
    const { clock } = this.input;
    for (const s of this.input.seeds) {
      this.hop[s] = 0;
      this.nextPos[s] = this.adIn[s] as number;
      this.seeded.set(s, 0);
      this.schedule(s, this.start - 1);
    }
    let cur = this.start;
    let windowStart = this.start;
    let windowCount = 0;
    while (!this.stopping && this.heap.size > 0) {
      const e = this.heap.pop();
      if (this.processed[e]) continue;
      this.process(e);
      cur = e + 1;
      if (!clock.ok()) {
        this.caps.add('time');
        this.stopping = true;
        break;
      }
      // Dense enough that skipping through the heap costs more than looking at every event: sweep.
      if (++windowCount === 4096) {
        if (e - windowStart < 4096 * 16) {
          this.sweep = true;
          break;
        }
        windowStart = e;
        windowCount = 0;
      }
    }
    if (this.sweep && !this.stopping) {
      for (let e = cur; e < this.end; e++) {
        cur = e + 1;
        if (this.processed[e] || !this.eligible(e)) continue;
        this.process(e);
        if (this.stopping) break;
        if (!clock.ok()) {
          this.caps.add('time');
          this.stopping = true;
          break;
        }
      }
    }
    const until = this.stopping ? cur : this.end;
    for (const a of this.reached) if (this.state[a] === ACTIVE) this.sync(a, until, false, false);
    const held = (a: number): Amt => {
      if (this.state[a] !== ACTIVE) return this.recv.get(a);
      if (this.model === FIFO) return (this.lots.get(a) as Lots).tainted;
      if (this.model === HAIRCUT) return this.tnt.get(a);
      return this.bal.get(a);
    };
    return {
      state: this.state,
      hop: (a) => this.hop[a] as number,
      reached: this.reached,
      tainted: (a) => this.recv.get(a),
      held,
      when: this.when,
      seeded: this.seeded,
      flows: this.flows,
      hopFlow: (a) => this.hopFlow[a] as number,
      bestFlow: (a) => this.bestFlow[a] as number,
      caps: this.caps,
      withheld: this.withheld,
      fees: this.fees,
      returned: this.returned,
      unattributed: 0,
      events: this.events,
      mode: this.sweep ? 'sweep' : 'heap',
    };
  }

  /** Whether event e spends taint that is followed (the sweep's test; the heap schedules exactly these). */
  private eligible(e: number): boolean {
    const i1 = this.evIn[e + 1] as number;
    for (let l = this.evIn[e] as number; l < i1; l++) {
      const a = this.inAddr[l] as number;
      if (this.kind[a] === SEED) return true;
      if (this.state[a] === ACTIVE && (this.hop[a] as number) < this.maxHops && this.hasTaint(a)) return true;
    }
    return false;
  }

  private hasTaint(a: number): boolean {
    if (this.model === POISON) return true;
    if (this.model === HAIRCUT) return this.tnt.positive(a);
    return (this.lots.get(a) as Lots).tainted !== 0;
  }

  /** Puts the address's first spending event after e on the heap. */
  private schedule(a: number, e: number): void {
    if (this.sweep) return;
    let p = this.nextPos[a] as number;
    const p1 = this.adIn[a + 1] as number;
    const inEv = this.L.adInEv;
    while (p < p1 && (inEv[p] as number) <= e) p++;
    this.nextPos[a] = p;
    if (p === p1) return;
    const next = inEv[p] as number;
    if (next < this.start || next >= this.end || this.scheduled[a] === next) return;
    this.scheduled[a] = next;
    this.heap.push(next);
  }

  private process(e: number): void {
    this.processed[e] = 1;
    this.events++;
    const model = this.model;
    const i0 = this.evIn[e] as number;
    const i1 = this.evIn[e + 1] as number;
    const o0 = this.evOut[e] as number;
    const o1 = this.evOut[e + 1] as number;
    const segs = this.segs;
    segs.clear();
    let totalIn: Amt = 0;
    let taintIn: Amt = 0;
    let bestHop = NO_HOP;
    let bestFrom = -1;

    // Inputs: what each takes from its address, and how much of it is followed taint.
    for (let l = i0; l < i1; l++) {
      const a = this.inAddr[l] as number;
      const amt = decode(this.inAmt[l] as number, this.bigs);
      totalIn = add(totalIn, amt);
      if (this.kind[a] === SEED) {
        this.seeded.set(a, add(this.seeded.get(a) ?? 0, amt));
        taintIn = add(taintIn, amt);
        bestHop = 0;
        if (bestFrom < 0 || this.kind[bestFrom] !== SEED) bestFrom = a;
        if (model === FIFO) segs.push(amt, 1, a);
        continue;
      }
      if (this.state[a] !== ACTIVE) {
        if (model === FIFO) segs.push(amt, 0, -1);
        continue;
      }
      this.sync(a, e, false, false);
      const followed = (this.hop[a] as number) < this.maxHops;
      let t: Amt;
      if (model === FIFO) t = (this.lots.get(a) as Lots).take(amt, segs, followed, a);
      else if (model === HAIRCUT) t = this.spendHaircut(a, amt);
      else {
        this.bal.set(a, sub(this.bal.get(a), min(amt, this.bal.get(a))));
        t = amt;
      }
      if (t === 0) continue;
      if (!followed) {
        this.withheld = add(this.withheld, t);
        this.caps.add('hops');
        continue;
      }
      taintIn = add(taintIn, t);
      if ((this.hop[a] as number) < bestHop) {
        bestHop = this.hop[a] as number;
        bestFrom = a;
      }
    }

    // Outputs: the taint each carries.
    const outT = this.outT;
    const outFrom = this.outFrom;
    const nOut = o1 - o0;
    outT.length = nOut;
    outFrom.length = nOut;
    if (model === FIFO) this.mapFifo(o0, o1, totalIn);
    else {
      let out: Amt = 0;
      for (let k = 0; k < nOut; k++) {
        const amt = decode(this.outAmt[o0 + k] as number, this.bigs);
        const t = taintIn === 0 ? 0 : model === POISON ? amt : mulDiv(amt, taintIn, totalIn);
        outT[k] = t;
        outFrom[k] = bestFrom;
        out = add(out, t);
      }
      if (model === HAIRCUT && taintIn !== 0) this.fees = add(this.fees, sub(taintIn, out));
    }

    // Reach the addresses that receive taint first, so every leg of this event is applied to them below.
    for (let k = 0; k < nOut; k++) {
      if (outT[k] === 0) continue;
      const a = this.outAddr[o0 + k] as number;
      if (this.kind[a] === SEED || this.state[a] !== UNTOUCHED) continue;
      if (!this.reach(a, e)) {
        this.withheld = add(this.withheld, outT[k] as Amt);
        outT[k] = 0;
      }
    }
    for (let k = 0; k < nOut; k++) {
      const leg = o0 + k;
      const a = this.outAddr[leg] as number;
      const t = outT[k] as Amt;
      if (this.kind[a] === SEED) {
        if (t !== 0) this.returned = add(this.returned, t);
        continue;
      }
      const st = this.state[a];
      if (st === UNTOUCHED) continue;
      if (st === ACTIVE) {
        this.sync(a, e, false, false);
        const amt = decode(this.outAmt[leg] as number, this.bigs);
        if (model === FIFO) {
          const lots = this.lots.get(a) as Lots;
          const p = this.pieces;
          for (let q = this.pieceStart[k] as number; q < (this.pieceStart[k + 1] as number); q++)
            lots.push(p.len[q] as Amt, p.taint[q] as number);
        } else {
          this.bal.set(a, add(this.bal.get(a), amt));
          if (model === HAIRCUT && t !== 0) this.tnt.set(a, add(this.tnt.get(a), t));
        }
      }
      if (t === 0) continue;
      this.recv.set(a, add(this.recv.get(a), t));
      const from = outFrom[k] as number;
      this.evidence(e, from, a, leg, t);
      if (st === ACTIVE && (this.hop[a] as number) < this.maxHops) this.schedule(a, e);
    }

    // Inputs that still hold followed taint spend again later.
    if (!this.sweep) {
      for (let l = i0; l < i1; l++) {
        const a = this.inAddr[l] as number;
        if (this.kind[a] === SEED) this.schedule(a, e);
        else if (this.state[a] === ACTIVE && (this.hop[a] as number) < this.maxHops && this.hasTaint(a))
          this.schedule(a, e);
      }
    }
  }

  private spendHaircut(a: number, amt: Amt): Amt {
    let b = this.bal.get(a);
    if (b < amt) b = amt; // cannot happen with opening balances; kept as a guard: the excess is clean
    const t0 = this.tnt.get(a);
    const t = t0 === 0 ? 0 : mulDiv(amt, t0, b);
    if (t !== 0) this.tnt.set(a, sub(t0, t));
    this.bal.set(a, sub(b, amt));
    return t;
  }

  /** FIFO within the transaction: output value ranges take the input pieces in order; the rest is the fee. */
  private mapFifo(o0: number, o1: number, totalIn: Amt): void {
    const segs = this.segs;
    const pieces = this.pieces;
    pieces.clear();
    const starts = this.pieceStart;
    starts.length = 0;
    let s = 0;
    let rem: Amt = segs.size > 0 ? (segs.len[0] as Amt) : 0;
    let outTotal: Amt = 0;
    for (let k = 0; k < o1 - o0; k++) {
      starts.push(pieces.size);
      const amt = decode(this.outAmt[o0 + k] as number, this.bigs);
      outTotal = add(outTotal, amt);
      let need = amt;
      let t: Amt = 0;
      let from = -1;
      let fromHop = NO_HOP;
      while (need !== 0 && s < segs.size) {
        const piece = min(rem, need);
        const tainted = segs.taint[s] as number;
        const src = segs.from[s] as number;
        pieces.push(piece, tainted, src);
        if (tainted) {
          t = add(t, piece);
          if ((this.hop[src] as number) < fromHop) {
            fromHop = this.hop[src] as number;
            from = src;
          }
        }
        need = sub(need, piece);
        rem = sub(rem, piece);
        if (rem === 0) {
          s++;
          rem = s < segs.size ? (segs.len[s] as Amt) : 0;
        }
      }
      this.outT[k] = t;
      this.outFrom[k] = from;
    }
    starts.push(pieces.size);
    // The fee: whatever the outputs did not take.
    if (totalIn > outTotal) {
      let fee: Amt = 0;
      if (s < segs.size && segs.taint[s]) fee = rem;
      for (let q = s + 1; q < segs.size; q++) if (segs.taint[q]) fee = add(fee, segs.len[q] as Amt);
      if (fee !== 0) this.fees = add(this.fees, fee);
    }
  }

  /** Marks an address reached (false when the address cap stops the trace). */
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
    const opening = decode(this.L.openingCol[a] as number, this.bigs);
    if (this.model === FIFO) {
      const lots = new Lots();
      lots.push(opening, 0);
      this.lots.set(a, lots);
    } else this.bal.set(a, opening);
    this.inPos[a] = this.adIn[a] as number;
    this.outPos[a] = this.adOut[a] as number;
    this.nextPos[a] = this.adIn[a] as number;
    // Everything before this event, and its own spends in this event, happened while it was clean.
    this.sync(a, e, true, true);
    return true;
  }

  /**
   * Applies to an active address, in order, the legs it has not had applied that come before event e (and its
   * inputs in e when `inclusive`): with `all`, every such leg (its clean past, on reaching it); otherwise the
   * legs of events the trace did not visit: clean receipts, and spends made while at the hop cap.
   */
  private sync(a: number, e: number, inclusive: boolean, all: boolean): void {
    const L = this.L;
    let i = this.inPos[a] as number;
    let j = this.outPos[a] as number;
    const i1 = this.adIn[a + 1] as number;
    const j1 = this.adOut[a + 1] as number;
    for (;;) {
      const ie = i < i1 ? (L.adInEv[i] as number) : NEVER;
      const oe = j < j1 ? (L.adOutEv[j] as number) : NEVER;
      const inOk = ie < e || (inclusive && ie === e);
      const outOk = oe < e;
      if (inOk && (ie <= oe || !outOk)) {
        const v = L.adInAmt[i++] as number;
        if (all || !this.processed[ie]) this.quietSpend(a, decode(v, this.bigs), all);
      } else if (outOk) {
        const v = L.adOutAmt[j++] as number;
        if (all || !this.processed[oe]) {
          const amt = decode(v, this.bigs);
          if (this.model === FIFO) (this.lots.get(a) as Lots).push(amt, 0);
          else this.bal.set(a, add(this.bal.get(a), amt));
        }
      } else break;
    }
    this.inPos[a] = i;
    this.outPos[a] = j;
  }

  /** A spend the trace does not follow: before the address was reached (clean), or while it is at the hop cap. */
  private quietSpend(a: number, amt: Amt, clean: boolean): void {
    let t: Amt;
    if (this.model === FIFO) t = (this.lots.get(a) as Lots).take(amt, null, false, a);
    else if (this.model === HAIRCUT) t = this.spendHaircut(a, amt);
    else {
      this.bal.set(a, sub(this.bal.get(a), min(amt, this.bal.get(a))));
      t = clean ? 0 : amt;
    }
    if (t !== 0) {
      this.withheld = add(this.withheld, t);
      this.caps.add('hops');
    }
  }

  /** Records a tainted arrival: the address's hops and its evidence (the flow giving its hops, the largest). */
  private evidence(e: number, from: number, to: number, leg: number, t: Amt): void {
    const hops = (this.hop[from] as number) + 1;
    const parent = this.hopFlow[from] as number;
    if (this.input.allFlows) {
      const f = this.flows.add(e, from, to, leg, hops, parent, t);
      if (hops < (this.hop[to] as number)) {
        this.hop[to] = hops;
        this.hopFlow[to] = f;
      }
      const best = this.bestFlow[to] as number;
      if (best < 0 || t > (this.flows.tainted[best] as Amt)) this.bestFlow[to] = f;
      return;
    }
    let f = -1;
    if (hops < (this.hop[to] as number)) {
      f = this.flows.add(e, from, to, leg, hops, parent, t);
      this.hop[to] = hops;
      this.hopFlow[to] = f;
    }
    const best = this.bestFlow[to] as number;
    if (best < 0 || t > (this.flows.tainted[best] as Amt)) {
      if (f < 0) f = this.flows.add(e, from, to, leg, hops, parent, t);
      this.bestFlow[to] = f;
    }
  }
}
