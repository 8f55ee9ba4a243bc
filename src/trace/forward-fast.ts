// The forward trace's fast path for poison and haircut on ledgers whose values all fit in doubles
// (Ledger.doubles): the algorithm of forward.ts with every amount a plain number, and its per-address state
// packed so that touching an address reads one or two cache lines, so the loop over events allocates nothing
// and stays in memory it has just used. The random tests check both engines against the same reference.
//
// Per address, one 64-byte record seen as doubles F[8a..8a+3] = [balance, tainted balance, tainted received,
// largest tainted arrival] and int32s I[16a+8..16a+15] = [hop, next input position, next output position,
// next input position to schedule, event scheduled, flow giving the hop, largest flow, first unapplied
// event]; `follow` says whether its spends are events to visit (a seed, or reached, under the hop cap and
// holding taint).
import { GrowFloat64, GrowInt32, IntHeap } from './arrays.js';
import {
  ACTIVE,
  type Cap,
  type EngineInput,
  type EngineOutcome,
  FlowTable,
  HAIRCUT,
  NO_HOP,
  SEED,
  STOP,
  STOPPED,
  UNTOUCHED,
} from './engine.js';
import { mulDivNum } from './exact.js';
import type { Ledger } from './ledger.js';

const NEVER = 0x7fffffff;
// F slots.
const BAL = 0;
const TNT = 1;
const RECV = 2;
const BEST_T = 3;
// I slots: in the same 64-byte record, after the four doubles.
const HOP = 8;
const IN_POS = 9;
const OUT_POS = 10;
const NEXT_POS = 11;
const SCHED = 12;
const HOP_FLOW = 13;
const BEST_FLOW = 14;
const PEND = 15;

interface Workspace {
  state: Uint8Array;
  follow: Uint8Array;
  F: Float64Array;
  I: Int32Array;
  when: Int32Array;
  processed: Uint8Array;
}

/**
 * Per-ledger working memory, kept between traces (traces are synchronous, so one at a time uses it) and
 * cleared for each: allocating a few hundred megabytes anew per trace costs more than clearing them, not
 * least in the garbage collections that large allocations provoke.
 */
const workspaces = new WeakMap<Ledger, Workspace>();

function workspace(L: Ledger): Workspace {
  let ws = workspaces.get(L);
  if (ws) {
    ws.state.fill(0);
    ws.follow.fill(0);
    ws.F.fill(0);
    ws.processed.fill(0);
    return ws;
  }
  const n = L.addressCount;
  const records = new ArrayBuffer(n * 64);
  ws = {
    state: new Uint8Array(n),
    follow: new Uint8Array(n),
    F: new Float64Array(records),
    I: new Int32Array(records),
    when: new Int32Array(n),
    processed: new Uint8Array(L.eventCount),
  };
  workspaces.set(L, ws);
  return ws;
}

export function traceForwardFast(L: Ledger, input: EngineInput): EngineOutcome {
  return new FastForward(L, input).run();
}

class FastForward {
  private readonly evIn: Int32Array;
  private readonly evOut: Int32Array;
  private readonly inAddr: Int32Array;
  private readonly inAmt: Float64Array;
  private readonly outAddr: Int32Array;
  private readonly outAmt: Float64Array;
  private readonly inNext: Int32Array;
  private readonly outNext: Int32Array;
  private readonly adIn: Int32Array;
  private readonly adInEv: Int32Array;
  private readonly adInAmt: Float64Array;
  private readonly adOut: Int32Array;
  private readonly adOutEv: Int32Array;
  private readonly adOutAmt: Float64Array;

  private readonly haircut: boolean;
  private readonly kind: Uint8Array;
  private readonly maxHops: number;
  private readonly start: number;
  private readonly end: number;

  private readonly state: Uint8Array;
  private readonly follow: Uint8Array;
  private readonly F: Float64Array;
  private readonly I: Int32Array;
  private readonly when: Int32Array;
  private readonly processed: Uint8Array;
  private readonly seededArr = new Map<number, number>();

  private readonly fEvent = new GrowInt32();
  private readonly fFrom = new GrowInt32();
  private readonly fTo = new GrowInt32();
  private readonly fLeg = new GrowInt32();
  private readonly fHops = new GrowInt32();
  private readonly fParent = new GrowInt32();
  private readonly fTaint = new GrowFloat64();

  private readonly heap = new IntHeap();
  private sweep = false;
  private readonly reached = new GrowInt32();
  private readonly caps = new Set<Cap>();
  private withheld = 0;
  private fees = 0;
  private returned = 0;
  private stopping = false;
  /** Poison, to the ledger's end: balances at the end are the ledger's closing balances. */
  private closing = false;
  private events = 0;
  private outT = new Float64Array(16);

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
    this.inNext = L.inNext;
    this.outNext = L.outNext;
    this.adIn = L.adIn;
    this.adInEv = L.adInEv;
    this.adInAmt = L.adInAmt;
    this.adOut = L.adOut;
    this.adOutEv = L.adOutEv;
    this.adOutAmt = L.adOutAmt;
    this.haircut = input.model === HAIRCUT;
    this.kind = input.kind;
    this.maxHops = input.maxHops;
    this.start = input.start;
    this.end = input.end;
    const ws = workspace(L);
    this.state = ws.state;
    this.follow = ws.follow;
    this.F = ws.F;
    this.I = ws.I;
    this.when = ws.when;
    this.processed = ws.processed;
  }

  run(): EngineOutcome {
    const { clock } = this.input;
    const I = this.I;
    for (const s of this.input.seeds) {
      I[16 * s + HOP] = 0;
      I[16 * s + NEXT_POS] = this.adIn[s] as number;
      I[16 * s + SCHED] = -1;
      I[16 * s + HOP_FLOW] = -1;
      this.follow[s] = 1;
      this.seededArr.set(s, 0);
      this.schedule(s, this.start - 1);
    }
    let cur = this.start;
    let windowStart = this.start;
    let windowCount = 0;
    const heap = this.heap;
    while (!this.stopping && heap.size > 0) {
      const e = heap.pop();
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
      const end = this.end;
      const evIn = this.evIn;
      const inAddr = this.inAddr;
      const follow = this.follow;
      const processed = this.processed;
      for (let e = cur; e < end; e++) {
        cur = e + 1;
        if (processed[e]) continue;
        const i1 = evIn[e + 1] as number;
        let go = false;
        for (let l = evIn[e] as number; l < i1; l++)
          if (follow[inAddr[l] as number]) {
            go = true;
            break;
          }
        if (!go) continue;
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
    const reached = Array.from(this.reached.done());
    // Bring up to date what the result reports. An address at the hop cap: its spends since (withheld). Under
    // haircut, any other address's tainted balance is already current (what it has not had applied is clean
    // receipts, and spends while it held no taint); under poison, its balance at the end of the ledger is its
    // closing balance.
    this.closing = !this.haircut && until === this.L.eventCount;
    for (const a of reached)
      if (
        this.state[a] === ACTIVE &&
        ((this.I[16 * a + HOP] as number) >= this.maxHops || (!this.haircut && !this.closing))
      )
        this.sync(a, until, false);
    return this.outcome(reached);
  }

  private outcome(reached: number[]): EngineOutcome {
    const I = this.I;
    const F = this.F;
    const flows = new FlowTable();
    for (let f = 0; f < this.fEvent.n; f++)
      flows.add(
        this.fEvent.a[f] as number,
        this.fFrom.a[f] as number,
        this.fTo.a[f] as number,
        this.fLeg.a[f] as number,
        this.fHops.a[f] as number,
        this.fParent.a[f] as number,
        this.fTaint.a[f] as number,
      );
    return {
      state: this.state,
      hop: (a) => I[16 * a + HOP] as number,
      reached,
      tainted: (a) => F[8 * a + RECV] as number,
      held: (a) =>
        this.state[a] !== ACTIVE
          ? (F[8 * a + RECV] as number)
          : this.haircut
            ? (F[8 * a + TNT] as number)
            : this.closing && (I[16 * a + HOP] as number) < this.maxHops
              ? (this.L.closingCol[a] as number)
              : (F[8 * a + BAL] as number),
      when: this.when,
      seeded: this.seededArr,
      flows,
      hopFlow: (a) => (this.kind[a] === SEED ? -1 : (I[16 * a + HOP_FLOW] as number)),
      bestFlow: (a) => (this.kind[a] === SEED ? -1 : (I[16 * a + BEST_FLOW] as number)),
      caps: this.caps,
      withheld: this.withheld,
      fees: this.fees,
      returned: this.returned,
      unattributed: 0,
      events: this.events,
      mode: this.sweep ? 'sweep' : 'heap',
    };
  }

  /** Whether the address's spends are events to visit; kept up to date wherever its hop or taint changes. */
  private refresh(a: number): void {
    this.follow[a] =
      this.kind[a] === SEED ||
      (this.state[a] === ACTIVE &&
        (this.I[16 * a + HOP] as number) < this.maxHops &&
        (!this.haircut || (this.F[8 * a + TNT] as number) > 0))
        ? 1
        : 0;
  }

  private schedule(a: number, e: number): void {
    if (this.sweep) return;
    const I = this.I;
    let p = I[16 * a + NEXT_POS] as number;
    const p1 = this.adIn[a + 1] as number;
    const inEv = this.adInEv;
    while (p < p1 && (inEv[p] as number) <= e) p++;
    I[16 * a + NEXT_POS] = p;
    if (p === p1) return;
    const next = inEv[p] as number;
    if (next < this.start || next >= this.end || I[16 * a + SCHED] === next) return;
    I[16 * a + SCHED] = next;
    this.heap.push(next);
  }

  private process(e: number): void {
    this.processed[e] = 1;
    this.events++;
    const haircut = this.haircut;
    const kind = this.kind;
    const state = this.state;
    const F = this.F;
    const I = this.I;
    const maxHops = this.maxHops;
    const i0 = this.evIn[e] as number;
    const i1 = this.evIn[e + 1] as number;
    const o0 = this.evOut[e] as number;
    const o1 = this.evOut[e + 1] as number;
    let totalIn = 0;
    let taintIn = 0;
    let bestHop = NO_HOP;
    let bestFrom = -1;

    for (let l = i0; l < i1; l++) {
      const a = this.inAddr[l] as number;
      const amt = this.inAmt[l] as number;
      totalIn += amt;
      if (kind[a] === SEED) {
        this.seededArr.set(a, (this.seededArr.get(a) as number) + amt);
        taintIn += amt;
        if (bestHop > 0) {
          bestHop = 0;
          bestFrom = a;
        }
        continue;
      }
      if (state[a] !== ACTIVE) continue;
      if ((I[16 * a + PEND] as number) < e) this.sync(a, e, false);
      const f = 8 * a;
      let b = F[f + BAL] as number;
      if (b < amt) b = amt;
      let t: number;
      if (haircut) {
        const t0 = F[f + TNT] as number;
        t = t0 === 0 ? 0 : t0 === b ? amt : mulDivNum(amt, t0, b);
        if (t !== 0) F[f + TNT] = t0 - t;
      } else t = amt;
      F[f + BAL] = b - amt;
      I[16 * a + IN_POS] = (I[16 * a + IN_POS] as number) + 1;
      I[16 * a + PEND] = this.inNext[l] as number;
      if (t === 0) continue;
      const h = I[16 * a + HOP] as number;
      if (h >= maxHops) {
        this.withheld += t;
        this.caps.add('hops');
        continue;
      }
      taintIn += t;
      if (h < bestHop) {
        bestHop = h;
        bestFrom = a;
      }
    }

    const nOut = o1 - o0;
    if (this.outT.length < nOut) this.outT = new Float64Array(nOut * 2);
    const outT = this.outT;
    let out = 0;
    for (let k = 0; k < nOut; k++) {
      const amt = this.outAmt[o0 + k] as number;
      const t = taintIn === 0 ? 0 : !haircut || taintIn === totalIn ? amt : mulDivNum(amt, taintIn, totalIn);
      outT[k] = t;
      out += t;
    }
    if (haircut && taintIn !== 0) this.fees += taintIn - out;

    // Reach the addresses that receive taint first, so every leg of this event is applied to them below.
    if (taintIn !== 0)
      for (let k = 0; k < nOut; k++) {
        if (outT[k] === 0) continue;
        const a = this.outAddr[o0 + k] as number;
        if (kind[a] === SEED || state[a] !== UNTOUCHED) continue;
        if (!this.reach(a, e)) {
          this.withheld += outT[k] as number;
          outT[k] = 0;
        }
      }
    for (let k = 0; k < nOut; k++) {
      const leg = o0 + k;
      const a = this.outAddr[leg] as number;
      const t = outT[k] as number;
      if (kind[a] === SEED) {
        this.returned += t;
        continue;
      }
      const st = state[a];
      if (st === UNTOUCHED) continue;
      const f = 8 * a;
      if (st === ACTIVE) {
        if ((I[16 * a + PEND] as number) < e) this.sync(a, e, false);
        F[f + BAL] = (F[f + BAL] as number) + (this.outAmt[leg] as number);
        if (haircut && t !== 0) F[f + TNT] = (F[f + TNT] as number) + t;
        I[16 * a + OUT_POS] = (I[16 * a + OUT_POS] as number) + 1;
        I[16 * a + PEND] = this.outNext[leg] as number;
      }
      if (t === 0) continue;
      F[f + RECV] = (F[f + RECV] as number) + t;
      this.evidence(e, bestFrom, a, leg, t);
      if (st === ACTIVE) {
        this.refresh(a);
        if ((I[16 * a + HOP] as number) < maxHops) this.schedule(a, e);
      }
    }

    for (let l = i0; l < i1; l++) {
      const a = this.inAddr[l] as number;
      if (kind[a] === SEED) this.schedule(a, e);
      else if (state[a] === ACTIVE) {
        this.refresh(a);
        if (this.follow[a]) this.schedule(a, e);
      }
    }
  }

  private reach(a: number, e: number): boolean {
    if (this.reached.n >= this.input.maxAddresses) {
      this.caps.add('addresses');
      this.stopping = true;
      return false;
    }
    this.reached.push(a);
    this.when[a] = e;
    const I = this.I;
    const s = 16 * a;
    I[s + HOP] = NO_HOP;
    I[s + HOP_FLOW] = -1;
    I[s + BEST_FLOW] = -1;
    I[s + SCHED] = -1;
    if (this.kind[a] === STOP) {
      this.state[a] = STOPPED;
      return true;
    }
    this.state[a] = ACTIVE;
    this.F[8 * a + BAL] = this.L.openingCol[a] as number;
    I[s + IN_POS] = this.adIn[a] as number;
    I[s + OUT_POS] = this.adOut[a] as number;
    I[s + NEXT_POS] = this.adIn[a] as number;
    // Everything before this event, and its own spends in this event, happened while it was clean.
    this.sync(a, e, true);
    return true;
  }

  /**
   * Applies to an active address, in order, its legs not yet applied before event e (and its inputs in e when
   * `inclusive`, on reaching it): its clean past, clean receipts, and spends while at the hop cap (withheld).
   * Legs of the events visited are applied there, so whatever is left here was not visited.
   */
  private sync(a: number, e: number, inclusive: boolean): void {
    const I = this.I;
    const F = this.F;
    let i = I[16 * a + IN_POS] as number;
    let j = I[16 * a + OUT_POS] as number;
    const i1 = this.adIn[a + 1] as number;
    const j1 = this.adOut[a + 1] as number;
    const inEv = this.adInEv;
    const outEv = this.adOutEv;
    const inAmt = this.adInAmt;
    const outAmt = this.adOutAmt;
    const haircut = this.haircut;
    let b = F[8 * a + BAL] as number;
    let t = haircut ? (F[8 * a + TNT] as number) : 0;
    let withheld = 0;
    let ie = i < i1 ? (inEv[i] as number) : NEVER;
    let oe = j < j1 ? (outEv[j] as number) : NEVER;
    for (;;) {
      const inOk = ie < e || (inclusive && ie === e);
      const outOk = oe < e;
      if (inOk && (ie <= oe || !outOk)) {
        const amt = inAmt[i++] as number;
        if (b < amt) b = amt;
        if (haircut) {
          if (t !== 0) {
            const x = t === b ? amt : mulDivNum(amt, t, b);
            t -= x;
            withheld += x;
          }
        } else if (!inclusive) withheld += amt;
        b -= amt;
        ie = i < i1 ? (inEv[i] as number) : NEVER;
      } else if (outOk) {
        b += outAmt[j++] as number;
        oe = j < j1 ? (outEv[j] as number) : NEVER;
      } else break;
    }
    I[16 * a + IN_POS] = i;
    I[16 * a + OUT_POS] = j;
    I[16 * a + PEND] = ie < oe ? ie : oe;
    F[8 * a + BAL] = b;
    if (haircut) F[8 * a + TNT] = t;
    if (withheld !== 0) {
      this.withheld += withheld;
      this.caps.add('hops');
    }
  }

  private evidence(e: number, from: number, to: number, leg: number, t: number): void {
    const I = this.I;
    const F = this.F;
    const hops = (I[16 * from + HOP] as number) + 1;
    const parent = this.kind[from] === SEED ? -1 : (I[16 * from + HOP_FLOW] as number);
    const better = hops < (I[16 * to + HOP] as number);
    let f = -1;
    if (this.input.allFlows || better) f = this.flow(e, from, to, leg, hops, parent, t);
    if (better) {
      I[16 * to + HOP] = hops;
      I[16 * to + HOP_FLOW] = f;
    }
    if ((I[16 * to + BEST_FLOW] as number) < 0 || t > (F[8 * to + BEST_T] as number)) {
      if (f < 0) f = this.flow(e, from, to, leg, hops, parent, t);
      I[16 * to + BEST_FLOW] = f;
      F[8 * to + BEST_T] = t;
    }
  }

  private flow(
    e: number,
    from: number,
    to: number,
    leg: number,
    hops: number,
    parent: number,
    t: number,
  ): number {
    this.fEvent.push(e);
    this.fFrom.push(from);
    this.fTo.push(to);
    this.fLeg.push(leg);
    this.fHops.push(hops);
    this.fParent.push(parent);
    this.fTaint.push(t);
    return this.fEvent.n - 1;
  }
}
