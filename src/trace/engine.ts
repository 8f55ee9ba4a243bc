// Pieces shared by the forward and backward engines: address kinds and states, the evidence table of flows,
// FIFO lot queues, the clock budget and the raw outcome that taint.ts turns into a TraceResult.
import { GrowInt32 } from './arrays.js';
import { type Amt, AmtArray, add, min, sub } from './exact.js';
import type { Ledger } from './ledger.js';

export const POISON = 0;
export const HAIRCUT = 1;
export const FIFO = 2;

/** kind[a]: what the caller said an address is. */
export const PLAIN = 0;
export const SEED = 1;
export const STOP = 2;

/** state[a]: what the trace has made of it. */
export const UNTOUCHED = 0;
/** Reached, with its balance (and taint or demand) tracked. */
export const ACTIVE = 1;
/** A stop address (service) reached: its arrivals are counted, nothing more. */
export const STOPPED = 2;

export const NO_HOP = 0x7fffffff;

export type Cap = 'hops' | 'addresses' | 'time';

/** Flows kept as evidence: one row per (event, from, to) with the tainted value and the flow it continues. */
export class FlowTable {
  readonly event = new GrowInt32();
  readonly from = new GrowInt32();
  readonly to = new GrowInt32();
  /** The output leg (forward) or input leg (backward) the amount is read from. */
  readonly leg = new GrowInt32();
  readonly hops = new GrowInt32();
  /** The flow that brought taint to `from` (forward) or carried demand from `to` (backward); -1 at a seed. */
  readonly parent = new GrowInt32();
  readonly tainted: Amt[] = [];

  get size(): number {
    return this.event.n;
  }

  add(
    event: number,
    from: number,
    to: number,
    leg: number,
    hops: number,
    parent: number,
    tainted: Amt,
  ): number {
    this.event.push(event);
    this.from.push(from);
    this.to.push(to);
    this.leg.push(leg);
    this.hops.push(hops);
    this.parent.push(parent);
    this.tainted.push(tainted);
    return this.event.n - 1;
  }
}

/**
 * An address's FIFO queue of received lots, oldest first; each lot wholly tainted or clean. Adjacent lots of
 * the same kind merge, so a queue holds at most one entry per change between tainted and clean.
 */
export class Lots {
  private len: Amt[] = [];
  private taint: number[] = [];
  private head = 0;
  total: Amt = 0;
  tainted: Amt = 0;

  push(amount: Amt, tainted: number): void {
    if (amount === 0) return;
    const n = this.len.length;
    if (n > this.head && this.taint[n - 1] === tainted) this.len[n - 1] = add(this.len[n - 1] as Amt, amount);
    else {
      this.len.push(amount);
      this.taint.push(tainted);
    }
    this.total = add(this.total, amount);
    if (tainted) this.tainted = add(this.tainted, amount);
  }

  /**
   * Takes `amount` from the oldest lots and returns the tainted part of it. With `out`, each piece is appended
   * to it (tainted only when `keepTaint`, with `from` as its source). The ledger's opening balances make a
   * queue always hold enough; should it not, the missing part is clean.
   */
  take(amount: Amt, out: Segments | null, keepTaint: boolean, from: number): Amt {
    let need = amount;
    let tainted: Amt = 0;
    while (need !== 0 && this.head < this.len.length) {
      const lot = this.len[this.head] as Amt;
      const t = this.taint[this.head] as number;
      const piece = min(lot, need);
      if (t) tainted = add(tainted, piece);
      out?.push(piece, t && keepTaint ? 1 : 0, from);
      need = sub(need, piece);
      if (piece === lot) this.head++;
      else this.len[this.head] = sub(lot, piece);
    }
    if (need !== 0) out?.push(need, 0, -1);
    this.total = sub(this.total, sub(amount, need));
    if (tainted !== 0) this.tainted = sub(this.tainted, tainted);
    if (this.head > 64 && this.head * 2 > this.len.length) {
      this.len = this.len.slice(this.head);
      this.taint = this.taint.slice(this.head);
      this.head = 0;
    }
    return tainted;
  }
}

/** A reusable list of value pieces (amount, tainted flag, source address). */
export class Segments {
  len: Amt[] = [];
  taint: number[] = [];
  from: number[] = [];
  size = 0;

  clear(): void {
    this.size = 0;
  }

  push(amount: Amt, tainted: number, from: number): void {
    const i = this.size++;
    this.len[i] = amount;
    this.taint[i] = tainted;
    this.from[i] = from;
  }
}

export class Clock {
  private readonly deadline: number;
  private ticks = 0;

  constructor(
    maxMs: number,
    private readonly now: () => number,
  ) {
    this.deadline = now() + maxMs;
  }

  /** False once the deadline has passed; reads the clock every 256 calls. */
  ok(): boolean {
    if ((++this.ticks & 255) !== 0) return true;
    return this.now() <= this.deadline;
  }
}

export interface EngineInput {
  model: number;
  /** Per address: PLAIN, SEED (forward seeds or backward targets) or STOP. */
  kind: Uint8Array;
  seeds: number[];
  /** Events [start, end) are in the window. */
  start: number;
  end: number;
  maxHops: number;
  maxAddresses: number;
  clock: Clock;
  allFlows: boolean;
}

export interface EngineOutcome {
  state: Uint8Array;
  /** Hops of a seed or reached address. */
  hop: (a: number) => number;
  /** Reached addresses in the order they were reached. */
  reached: number[];
  /** Forward: tainted value received; backward: value attributed to the targets. */
  tainted: (a: number) => Amt;
  /** Forward only: tainted value held at the end. */
  held?: (a: number) => Amt;
  /** Time of the first tainted arrival (forward) or the latest contribution (backward). */
  when: Int32Array;
  /** Per seed address: forward, what it spent in the window; backward, what the target received. */
  seeded: Map<number, Amt>;
  flows: FlowTable;
  /** A reached address's evidence: the flow giving its hops, and its largest (rows of `flows`). */
  hopFlow: (a: number) => number;
  bestFlow: (a: number) => number;
  caps: Set<Cap>;
  withheld: Amt;
  fees: Amt;
  returned: Amt;
  unattributed: Amt;
  events: number;
  mode: 'heap' | 'sweep';
}

/**
 * Per-ledger arrays for the general engines, kept between traces and cleared for each use (traces are
 * synchronous, so one at a time uses them). Allocating tens of megabytes per trace on a large ledger costs
 * more than clearing them, mostly in the full garbage collections that large allocations provoke; with these,
 * a small trace on a large ledger costs little more than the addresses it reaches.
 */
export class Scratch {
  private readonly i32 = new Map<string, Int32Array>();
  private readonly u8 = new Map<string, Uint8Array>();
  private readonly f64 = new Map<string, Float64Array>();

  constructor(
    private readonly addresses: number,
    private readonly events: number,
  ) {}

  /** A per-address int32 array, every entry `value`. */
  int32(name: string, value: number): Int32Array {
    let a = this.i32.get(name);
    if (!a) {
      a = new Int32Array(this.addresses);
      this.i32.set(name, a);
    }
    return a.fill(value);
  }

  /** A zeroed per-address byte array. */
  bytes(name: string): Uint8Array {
    let a = this.u8.get(name);
    if (!a) {
      a = new Uint8Array(this.addresses);
      this.u8.set(name, a);
    }
    return a.fill(0);
  }

  /** A zeroed per-event byte array. */
  perEvent(name: string): Uint8Array {
    let a = this.u8.get(`event:${name}`);
    if (!a) {
      a = new Uint8Array(this.events);
      this.u8.set(`event:${name}`, a);
    }
    return a.fill(0);
  }

  /** A per-address array of amounts, all zero. */
  amounts(name: string): AmtArray {
    let a = this.f64.get(name);
    if (!a) {
      a = new Float64Array(this.addresses);
      this.f64.set(name, a);
    }
    return new AmtArray(a.fill(0));
  }
}

const scratches = new WeakMap<Ledger, Scratch>();

export function scratch(L: Ledger): Scratch {
  let s = scratches.get(L);
  if (!s) {
    s = new Scratch(L.addressCount, L.eventCount);
    scratches.set(L, s);
  }
  return s;
}
