// A compact, time-ordered ledger of value-moving events for one asset on one chain.
//
// An event is a transaction: inputs [(address, amount)] and outputs [(address, amount)]. A UTXO transaction
// is one event as it is; an account-model transfer is an event with one input and one output. An event with
// no inputs mints new value (a coinbase). Amounts are exact integers of base units (bigint, or a number that is
// a safe integer); the ledger keeps those up to 2^53 - 1 as doubles and the rest as bigints.
//
// Layout (all typed arrays, no object per event): addresses are interned to ids 0..addressCount-1; events
// are sorted by (time, insertion order) and numbered 0..eventCount-1 in that order, so an event's number is
// its position in time; event e has input legs evIn[e]..evIn[e+1]-1 and output legs evOut[e]..evOut[e+1]-1,
// each leg an address and an amount. Per address, CSR indexes list its input legs (adInLegs from adIn[a]
// to adIn[a+1]-1) and output legs (adOutLegs, adOut), in event order.
//
// The build also replays every address's history once: what it received and sent, its closing balance, and
// its opening balance: the least clean value it must have held before the data begins so that it never
// spends more than it has (funds from before the window are unknown, so treated as clean).
import { NexusError } from '../model/index.js';
import { GrowFloat64, GrowInt32, stableOrder, TxIdPool } from './arrays.js';
import { type Amt, AmtArray, add, big, decode, encode, norm, sub } from './exact.js';

export interface LedgerLeg {
  address: string;
  /** Base units: a positive bigint, or a positive safe integer. */
  amount: bigint | number;
}

export interface LedgerEvent {
  /** Transaction id (hash). Ids need not be unique: several transfers may share one hash. */
  tx: string;
  /** Any finite number, consistently (epoch seconds or milliseconds); only the order matters here. */
  time: number;
  /** Empty for a mint (coinbase). */
  inputs: readonly LedgerLeg[];
  outputs: readonly LedgerLeg[];
}

export interface LedgerEventView {
  index: number;
  tx: string;
  time: number;
  inputs: { address: string; amount: bigint }[];
  outputs: { address: string; amount: bigint }[];
}

export interface LedgerOptions {
  chain: string;
  asset: string;
}

export interface LedgerStats {
  events: number;
  addresses: number;
  inputs: number;
  outputs: number;
  /** Amounts above 2^53 - 1, kept as bigints. */
  bigAmounts: number;
  /** Typed arrays and the transaction id pool; interned address strings and their map come on top. */
  bytes: number;
}

function fail(tx: string, field: string, why: string): never {
  const name = tx.length > 100 ? `${tx.slice(0, 100)}...` : tx;
  throw new NexusError('RECORD_INVALID', `transaction '${name}': ${field} ${why}`, { tx: name, field });
}

function checkAmount(tx: string, field: string, amount: unknown): Amt {
  if (typeof amount === 'bigint') {
    if (amount > 0n) return norm(amount);
  } else if (typeof amount === 'number') {
    if (Number.isSafeInteger(amount) && amount > 0) return amount;
  }
  const shown = typeof amount === 'bigint' || typeof amount === 'number' ? String(amount) : typeof amount;
  return fail(tx, field, `must be a positive whole number of base units, got ${shown}`);
}

function checkAddress(tx: string, field: string, address: unknown): string {
  if (typeof address !== 'string' || address.length === 0) fail(tx, field, 'must be a non-empty string');
  return address;
}

/** Collects events, validating each, and builds the Ledger. Scales to tens of millions of transfers. */
export class LedgerBuilder {
  readonly chain: string;
  readonly asset: string;
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly txs = new TxIdPool();
  private readonly time = new GrowFloat64();
  private readonly inStart = new GrowInt32();
  private readonly outStart = new GrowInt32();
  private readonly inAddr = new GrowInt32();
  private readonly inAmt = new GrowFloat64();
  private readonly outAddr = new GrowInt32();
  private readonly outAmt = new GrowFloat64();
  private readonly bigs: bigint[] = [];
  private readonly scratch: Amt[] = [];
  private built = false;

  constructor(options: LedgerOptions) {
    this.chain = options.chain;
    this.asset = options.asset;
  }

  /** Events added so far. */
  get size(): number {
    return this.time.n;
  }

  /**
   * Adds a transaction; throws RECORD_INVALID (naming the transaction and the field) for an empty id, a time
   * that is not a finite number, no outputs, an empty address, an amount that is not a positive whole number,
   * or outputs worth more than the inputs. A rejected event leaves the builder as it was.
   */
  add(event: LedgerEvent): number {
    this.open();
    const tx = this.checkTx(event?.tx);
    const time = this.checkTime(tx, event.time);
    const { inputs, outputs } = event;
    if (!Array.isArray(inputs)) fail(tx, 'inputs', 'must be a list (empty for a mint)');
    if (!Array.isArray(outputs) || outputs.length === 0) fail(tx, 'outputs', 'must list at least one output');
    const amounts = this.scratch;
    amounts.length = 0;
    let sumIn: Amt = 0;
    for (let i = 0; i < inputs.length; i++) {
      const leg = inputs[i] as LedgerLeg;
      checkAddress(tx, `inputs[${i}].address`, leg?.address);
      const a = checkAmount(tx, `inputs[${i}].amount`, leg.amount);
      amounts.push(a);
      sumIn = add(sumIn, a);
    }
    let sumOut: Amt = 0;
    for (let i = 0; i < outputs.length; i++) {
      const leg = outputs[i] as LedgerLeg;
      checkAddress(tx, `outputs[${i}].address`, leg?.address);
      const a = checkAmount(tx, `outputs[${i}].amount`, leg.amount);
      amounts.push(a);
      sumOut = add(sumOut, a);
    }
    if (inputs.length > 0 && sumOut > sumIn)
      fail(tx, 'outputs', `total ${sumOut} exceeds the inputs' total ${sumIn}`);
    this.time.push(time);
    this.txs.add(tx);
    this.inStart.push(this.inAddr.n);
    this.outStart.push(this.outAddr.n);
    for (let i = 0; i < inputs.length; i++) {
      this.inAddr.push(this.intern((inputs[i] as LedgerLeg).address));
      this.inAmt.push(encode(amounts[i] as Amt, this.bigs));
    }
    for (let i = 0; i < outputs.length; i++) {
      this.outAddr.push(this.intern((outputs[i] as LedgerLeg).address));
      this.outAmt.push(encode(amounts[inputs.length + i] as Amt, this.bigs));
    }
    return this.time.n - 1;
  }

  /** An account-model transfer: one input, one output, the same amount. Same checks as add. */
  addTransfer(tx: string, time: number, from: string, to: string, amount: bigint | number): number {
    this.open();
    this.checkTx(tx);
    const t = this.checkTime(tx, time);
    checkAddress(tx, 'from', from);
    checkAddress(tx, 'to', to);
    const a = encode(checkAmount(tx, 'amount', amount), this.bigs);
    this.time.push(t);
    this.txs.add(tx);
    this.inStart.push(this.inAddr.n);
    this.outStart.push(this.outAddr.n);
    this.inAddr.push(this.intern(from));
    this.inAmt.push(a);
    this.outAddr.push(this.intern(to));
    this.outAmt.push(a);
    return this.time.n - 1;
  }

  /** Sorts, indexes and replays the events into a Ledger; the builder cannot be used afterwards. */
  build(): Ledger {
    this.open();
    this.built = true;
    const n = this.time.n;
    const nIn = this.inAddr.n;
    const nOut = this.outAddr.n;
    const order = stableOrder(this.time.a, n);
    const srcIn = this.inStart.a;
    const srcOut = this.outStart.a;
    const evTime = new Float64Array(n);
    const evTx = new Int32Array(n);
    const evIn = new Int32Array(n + 1);
    const evOut = new Int32Array(n + 1);
    const inAddr = new Int32Array(nIn);
    const inAmt = new Float64Array(nIn);
    const inEv = new Int32Array(nIn);
    const outAddr = new Int32Array(nOut);
    const outAmt = new Float64Array(nOut);
    const outEv = new Int32Array(nOut);
    let pi = 0;
    let po = 0;
    if (!order) {
      // Already in time order (the common case): keep the arrays, just close them and number the legs.
      const inStart = this.inStart.done();
      const outStart = this.outStart.done();
      evIn.set(inStart);
      evOut.set(outStart);
      inAddr.set(this.inAddr.a.subarray(0, nIn));
      inAmt.set(this.inAmt.a.subarray(0, nIn));
      outAddr.set(this.outAddr.a.subarray(0, nOut));
      outAmt.set(this.outAmt.a.subarray(0, nOut));
      evTime.set(this.time.a.subarray(0, n));
      for (let e = 0; e < n; e++) {
        evTx[e] = e;
        for (let l = inStart[e] as number; l < (e + 1 < n ? (inStart[e + 1] as number) : nIn); l++)
          inEv[l] = e;
        for (let l = outStart[e] as number; l < (e + 1 < n ? (outStart[e + 1] as number) : nOut); l++)
          outEv[l] = e;
      }
      pi = nIn;
      po = nOut;
    }
    for (let s = 0; order && s < n; s++) {
      const e = order ? (order[s] as number) : s;
      evTime[s] = this.time.a[e] as number;
      evTx[s] = e;
      evIn[s] = pi;
      evOut[s] = po;
      const i1 = e + 1 < n ? (srcIn[e + 1] as number) : nIn;
      for (let l = srcIn[e] as number; l < i1; l++, pi++) {
        inAddr[pi] = this.inAddr.a[l] as number;
        inAmt[pi] = this.inAmt.a[l] as number;
        inEv[pi] = s;
      }
      const o1 = e + 1 < n ? (srcOut[e + 1] as number) : nOut;
      for (let l = srcOut[e] as number; l < o1; l++, po++) {
        outAddr[po] = this.outAddr.a[l] as number;
        outAmt[po] = this.outAmt.a[l] as number;
        outEv[po] = s;
      }
    }
    evIn[n] = pi;
    evOut[n] = po;
    const nA = this.names.length;
    const ins = csr(nA, inAddr, inEv, inAmt);
    const outs = csr(nA, outAddr, outEv, outAmt);
    this.txs.trim();
    return new Ledger({
      chain: this.chain,
      asset: this.asset,
      names: this.names,
      ids: this.ids,
      txs: this.txs,
      evTime,
      evTx,
      evIn,
      evOut,
      inAddr,
      inAmt,
      inEv,
      outAddr,
      outAmt,
      outEv,
      bigs: this.bigs,
      adIn: ins.start,
      adInLegs: ins.legs,
      adInEv: ins.evs,
      adInAmt: ins.amts,
      adOut: outs.start,
      adOutLegs: outs.legs,
      adOutEv: outs.evs,
      adOutAmt: outs.amts,
    });
  }

  private open(): void {
    if (this.built) throw new NexusError('USAGE_INVALID', 'LedgerBuilder: already built');
  }

  private checkTx(tx: unknown): string {
    if (typeof tx !== 'string' || tx.length === 0)
      throw new NexusError('RECORD_INVALID', 'transaction without an id: tx must be a non-empty string', {
        field: 'tx',
      });
    return tx;
  }

  private checkTime(tx: string, time: unknown): number {
    if (typeof time !== 'number' || !Number.isFinite(time))
      fail(tx, 'time', `must be a finite number, got ${String(time)}`);
    return time === 0 ? 0 : time;
  }

  private intern(address: string): number {
    let id = this.ids.get(address);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(address, id);
      this.names.push(address);
    }
    return id;
  }
}

/** Offsets and positions grouping `of[0..)` by value (0..n-1), positions ascending within a group. */
/**
 * Groups legs by address: offsets, and per position the leg, its event and its amount (legs ascending within
 * an address, so in event order).
 */
function csr(
  n: number,
  of: Int32Array,
  ev: Int32Array,
  amt: Float64Array,
): { start: Int32Array; legs: Int32Array; evs: Int32Array; amts: Float64Array } {
  const start = new Int32Array(n + 1);
  for (let i = 0; i < of.length; i++) {
    const a = (of[i] as number) + 1;
    start[a] = (start[a] as number) + 1;
  }
  for (let a = 0; a < n; a++) start[a + 1] = (start[a + 1] as number) + (start[a] as number);
  const fill = start.slice(0, n);
  const legs = new Int32Array(of.length);
  const evs = new Int32Array(of.length);
  const amts = new Float64Array(of.length);
  for (let i = 0; i < of.length; i++) {
    const a = of[i] as number;
    const p = fill[a] as number;
    legs[p] = i;
    evs[p] = ev[i] as number;
    amts[p] = amt[i] as number;
    fill[a] = p + 1;
  }
  return { start, legs, evs, amts };
}

interface Columns {
  received: Float64Array;
  sent: Float64Array;
  opening: Float64Array;
  closing: Float64Array;
  doubles: boolean;
}

const MAX = Number.MAX_SAFE_INTEGER;

/**
 * Each address's received, sent, opening and closing balance in one pass over the events, in doubles: for a
 * ledger without big amounts, undefined as soon as a total could leave the exact range (then replayExact).
 */
function replayDoubles(p: LedgerParts): Columns | undefined {
  if (p.bigs.length > 0) return undefined;
  const nA = p.names.length;
  const bal = new Float64Array(nA);
  const opening = new Float64Array(nA);
  const received = new Float64Array(nA);
  const sent = new Float64Array(nA);
  const n = p.evTime.length;
  const { evIn, evOut, inAddr, inAmt, outAddr, outAmt } = p;
  for (let e = 0; e < n; e++) {
    let total = 0;
    for (let l = evIn[e] as number; l < (evIn[e + 1] as number); l++) {
      const a = inAddr[l] as number;
      const amt = inAmt[l] as number;
      total += amt;
      sent[a] = (sent[a] as number) + amt;
      const b = bal[a] as number;
      if (b < amt) {
        opening[a] = (opening[a] as number) + (amt - b);
        bal[a] = 0;
      } else bal[a] = b - amt;
    }
    for (let l = evOut[e] as number; l < (evOut[e + 1] as number); l++) {
      const a = outAddr[l] as number;
      const amt = outAmt[l] as number;
      total += amt;
      received[a] = (received[a] as number) + amt;
      bal[a] = (bal[a] as number) + amt;
    }
    if (total > MAX) return undefined;
  }
  // Balances never exceed opening + received, nor sent totals received + opening: all exact when these are.
  for (let a = 0; a < nA; a++)
    if ((opening[a] as number) + (received[a] as number) > MAX || (sent[a] as number) > MAX) return undefined;
  return { received, sent, opening, closing: bal, doubles: true };
}

function replayExact(p: LedgerParts): Columns {
  const nA = p.names.length;
  const bal = new AmtArray(nA);
  const opening = new AmtArray(nA);
  const received = new AmtArray(nA);
  const sent = new AmtArray(nA);
  for (let e = 0; e < p.evTime.length; e++) {
    for (let l = p.evIn[e] as number; l < (p.evIn[e + 1] as number); l++) {
      const a = p.inAddr[l] as number;
      const amt = decode(p.inAmt[l] as number, p.bigs);
      sent.set(a, add(sent.get(a), amt));
      const b = bal.get(a);
      if (b < amt) {
        opening.set(a, add(opening.get(a), sub(amt, b)));
        bal.set(a, 0);
      } else bal.set(a, sub(b, amt));
    }
    for (let l = p.evOut[e] as number; l < (p.evOut[e + 1] as number); l++) {
      const a = p.outAddr[l] as number;
      const amt = decode(p.outAmt[l] as number, p.bigs);
      received.set(a, add(received.get(a), amt));
      bal.set(a, add(bal.get(a), amt));
    }
  }
  const column = (arr: AmtArray): Float64Array => {
    const col = new Float64Array(nA);
    for (let a = 0; a < nA; a++) col[a] = encode(arr.get(a), p.bigs);
    return col;
  };
  return {
    received: column(received),
    sent: column(sent),
    opening: column(opening),
    closing: column(bal),
    doubles: false,
  };
}

/** For every leg, the event of its address's next leg (see Ledger.inNext). */
function nextLegs(p: LedgerParts, adInEv: Int32Array, adOutEv: Int32Array): [Int32Array, Int32Array] {
  const inNext = new Int32Array(p.inAddr.length);
  const outNext = new Int32Array(p.outAddr.length);
  const nA = p.names.length;
  for (let a = 0; a < nA; a++) {
    let i = p.adIn[a] as number;
    let j = p.adOut[a] as number;
    const i1 = p.adIn[a + 1] as number;
    const j1 = p.adOut[a + 1] as number;
    // Walk the address's legs in order, remembering the previous one to point it at the current event.
    let prevIn = -1;
    let prevOut = -1;
    while (i < i1 || j < j1) {
      const ie = i < i1 ? (adInEv[i] as number) : 0x7fffffff;
      const oe = j < j1 ? (adOutEv[j] as number) : 0x7fffffff;
      const ev = ie <= oe ? ie : oe;
      if (prevIn >= 0) inNext[prevIn] = ev;
      if (prevOut >= 0) outNext[prevOut] = ev;
      prevIn = -1;
      prevOut = -1;
      if (ie <= oe) prevIn = p.adInLegs[i++] as number;
      else prevOut = p.adOutLegs[j++] as number;
    }
    if (prevIn >= 0) inNext[prevIn] = 0x7fffffff;
    if (prevOut >= 0) outNext[prevOut] = 0x7fffffff;
  }
  return [inNext, outNext];
}

interface LedgerParts {
  chain: string;
  asset: string;
  names: string[];
  ids: Map<string, number>;
  txs: TxIdPool;
  evTime: Float64Array;
  evTx: Int32Array;
  evIn: Int32Array;
  evOut: Int32Array;
  inAddr: Int32Array;
  inAmt: Float64Array;
  inEv: Int32Array;
  outAddr: Int32Array;
  outAmt: Float64Array;
  outEv: Int32Array;
  bigs: bigint[];
  adIn: Int32Array;
  adInLegs: Int32Array;
  adInEv: Int32Array;
  adInAmt: Float64Array;
  adOut: Int32Array;
  adOutLegs: Int32Array;
  adOutEv: Int32Array;
  adOutAmt: Float64Array;
}

/**
 * The built ledger. Its typed arrays are public for the tracing engine (read-only by convention); use the
 * methods for anything else.
 */
export class Ledger {
  readonly chain: string;
  readonly asset: string;
  readonly eventCount: number;
  readonly addressCount: number;
  /** Event times, ascending. */
  readonly evTime: Float64Array;
  /** First input leg of each event (length eventCount + 1). */
  readonly evIn: Int32Array;
  /** First output leg of each event (length eventCount + 1). */
  readonly evOut: Int32Array;
  readonly inAddr: Int32Array;
  /** Encoded amounts: >= 0 the amount, -(k + 1) for bigs[k]. */
  readonly inAmt: Float64Array;
  /** The event of each input leg. */
  readonly inEv: Int32Array;
  readonly outAddr: Int32Array;
  readonly outAmt: Float64Array;
  readonly outEv: Int32Array;
  readonly bigs: readonly bigint[];
  /**
   * Per address, its input legs adInLegs[adIn[a]..adIn[a+1]-1], in event order, with each one's event and
   * encoded amount beside it (adInEv, adInAmt), so walking an address's history reads memory in order.
   */
  readonly adIn: Int32Array;
  readonly adInLegs: Int32Array;
  readonly adInEv: Int32Array;
  readonly adInAmt: Float64Array;
  /** The same for output legs. */
  readonly adOut: Int32Array;
  readonly adOutLegs: Int32Array;
  readonly adOutEv: Int32Array;
  readonly adOutAmt: Float64Array;
  /**
   * Per input leg and per output leg: the event of the same address's next leg (in time; within an event,
   * inputs before outputs), or 0x7fffffff for its last. Lets a walk through the events know when an address
   * next takes part without looking it up.
   */
  readonly inNext: Int32Array;
  readonly outNext: Int32Array;
  /** Per address (encoded amounts): received, sent, opening and closing balance over the whole ledger. */
  readonly receivedCol: Float64Array;
  readonly sentCol: Float64Array;
  readonly openingCol: Float64Array;
  readonly closingCol: Float64Array;
  /**
   * True when every amount, every transaction's total and every address's opening balance plus receipts are
   * below 2^53: then every balance and taint stays exact in doubles, and tracing takes its fast path.
   */
  readonly doubles: boolean;
  private readonly names: string[];
  private readonly ids: Map<string, number>;
  private readonly txs: TxIdPool;
  private readonly evTx: Int32Array;

  constructor(p: LedgerParts) {
    this.chain = p.chain;
    this.asset = p.asset;
    this.names = p.names;
    this.ids = p.ids;
    this.txs = p.txs;
    this.evTime = p.evTime;
    this.evTx = p.evTx;
    this.evIn = p.evIn;
    this.evOut = p.evOut;
    this.inAddr = p.inAddr;
    this.inAmt = p.inAmt;
    this.inEv = p.inEv;
    this.outAddr = p.outAddr;
    this.outAmt = p.outAmt;
    this.outEv = p.outEv;
    this.bigs = p.bigs;
    this.adIn = p.adIn;
    this.adInLegs = p.adInLegs;
    this.adOut = p.adOut;
    this.adOutLegs = p.adOutLegs;
    this.adInEv = p.adInEv;
    this.adInAmt = p.adInAmt;
    this.adOutEv = p.adOutEv;
    this.adOutAmt = p.adOutAmt;
    [this.inNext, this.outNext] = nextLegs(p, p.adInEv, p.adOutEv);
    this.eventCount = p.evTime.length;
    this.addressCount = p.names.length;
    const cols = replayDoubles(p) ?? replayExact(p);
    this.receivedCol = cols.received;
    this.sentCol = cols.sent;
    this.openingCol = cols.opening;
    this.closingCol = cols.closing;
    this.doubles = cols.doubles;
  }

  /** The id of an address, -1 when the ledger has none. */
  id(address: string): number {
    return this.ids.get(address) ?? -1;
  }

  address(id: number): string {
    return this.names[id] as string;
  }

  tx(event: number): string {
    return this.txs.get(this.evTx[event] as number);
  }

  time(event: number): number {
    return this.evTime[event] as number;
  }

  /** The position in the order of `add` calls of an event. */
  insertion(event: number): number {
    return this.evTx[event] as number;
  }

  inAmount(leg: number): Amt {
    return decode(this.inAmt[leg] as number, this.bigs);
  }

  outAmount(leg: number): Amt {
    return decode(this.outAmt[leg] as number, this.bigs);
  }

  /** One event as plain objects, for explanations (not for loops over the ledger). */
  event(e: number): LedgerEventView {
    const inputs: LedgerEventView['inputs'] = [];
    for (let l = this.evIn[e] as number; l < (this.evIn[e + 1] as number); l++)
      inputs.push({ address: this.address(this.inAddr[l] as number), amount: big(this.inAmount(l)) });
    const outputs: LedgerEventView['outputs'] = [];
    for (let l = this.evOut[e] as number; l < (this.evOut[e + 1] as number); l++)
      outputs.push({ address: this.address(this.outAddr[l] as number), amount: big(this.outAmount(l)) });
    return { index: e, tx: this.tx(e), time: this.time(e), inputs, outputs };
  }

  /** Total an address received over the whole ledger. */
  received(id: number): bigint {
    return big(decode(this.receivedCol[id] as number, this.bigs));
  }

  sent(id: number): bigint {
    return big(decode(this.sentCol[id] as number, this.bigs));
  }

  /** The clean value the address must have held before the data begins (0 for most). */
  opening(id: number): bigint {
    return big(decode(this.openingCol[id] as number, this.bigs));
  }

  /** Balance after the last event: opening + received - sent. */
  closing(id: number): bigint {
    return big(decode(this.closingCol[id] as number, this.bigs));
  }

  /** The first event at or after `time` (eventCount when none). */
  firstAtOrAfter(time: number): number {
    return this.bound(time, false);
  }

  /** The first event after `time` (eventCount when none). */
  firstAfter(time: number): number {
    return this.bound(time, true);
  }

  /** Number of events in which the address is an input, and an output. */
  degree(id: number): { inputs: number; outputs: number } {
    return {
      inputs: (this.adIn[id + 1] as number) - (this.adIn[id] as number),
      outputs: (this.adOut[id + 1] as number) - (this.adOut[id] as number),
    };
  }

  stats(): LedgerStats {
    const arrays = [
      this.evTime,
      this.evTx,
      this.evIn,
      this.evOut,
      this.inAddr,
      this.inAmt,
      this.inEv,
      this.outAddr,
      this.outAmt,
      this.outEv,
      this.adIn,
      this.adInLegs,
      this.adOut,
      this.adOutLegs,
      this.adInEv,
      this.adInAmt,
      this.adOutEv,
      this.adOutAmt,
      this.inNext,
      this.outNext,
      this.receivedCol,
      this.sentCol,
      this.openingCol,
      this.closingCol,
    ];
    return {
      events: this.eventCount,
      addresses: this.addressCount,
      inputs: this.inAddr.length,
      outputs: this.outAddr.length,
      bigAmounts: this.bigs.length,
      bytes: arrays.reduce((s, a) => s + a.byteLength, 0) + this.txs.byteLength,
    };
  }

  private bound(time: number, strict: boolean): number {
    let lo = 0;
    let hi = this.eventCount;
    const t = this.evTime;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = t[mid] as number;
      if (strict ? v <= time : v < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
