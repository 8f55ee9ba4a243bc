// trace(ledger, options): taint models poison, haircut and FIFO, forward from seeds or backward from targets,
// with caps on hops, addresses and time, and the transactions that justify every address reached.
//
// Conventions (README.md in this folder has the full summary):
// - Hops: a seed (or target) is hop 0; an address that receives taint from a hop-h address in a transaction is
//   at hop h + 1 (its lowest over the trace). Addresses up to maxHops are reported; only those below it are
//   followed further. Taint that a capped address spends on is `withheld`, and the result says LIMIT_REACHED.
// - Forward, a seed's spends from `since` (default: all) are wholly tainted whatever their origin, and
//   `seeded` is their total. Value sent back into a seed is `returned`, not followed again.
// - Funds from before the data are unknown and clean: an address that spends more than it received in the
//   ledger gets an opening balance, the least that keeps it from going negative, held from the start (under
//   FIFO its oldest lot, under haircut part of its pool).
// - stopAt addresses (exchanges, mixers, bridges) are reported with stoppedAt when reached; taint stops there.
import { formatUnits, NexusError } from '../model/index.js';
import { stableOrder } from './arrays.js';
import { traceBackward } from './backward.js';
import { type Cap, Clock, type EngineOutcome, FIFO, HAIRCUT, POISON, SEED, STOP, STOPPED } from './engine.js';
import { type Amt, add, big, decode, ratio } from './exact.js';
import { traceForward } from './forward.js';
import { traceForwardFast } from './forward-fast.js';
import type { Ledger } from './ledger.js';

export type TaintModel = 'poison' | 'haircut' | 'fifo';
export type TraceDirection = 'forward' | 'backward';

export interface TraceOptions {
  model: TaintModel;
  /** Default 'forward'. */
  direction?: TraceDirection;
  /** Seed addresses (forward) or target addresses (backward). Addresses not in the ledger are listed in `missing`. */
  seeds: Iterable<string>;
  /** Events before this time are left out (forward: the seeds' funds from this time are tainted). */
  since?: number;
  /** Events after this time are left out (backward: the targets' receipts up to this time are traced). */
  until?: number;
  /** Default 10; at least 1. */
  maxHops?: number;
  /** Addresses reached at most (seeds and targets not counted); default 1,000,000. */
  maxAddresses?: number;
  /** Wall-clock milliseconds; default 30,000. */
  maxMs?: number;
  /** Service addresses where tracing stops; reached ones are reported with stoppedAt. */
  stopAt?: Iterable<string>;
  /** 'evidence' (default): per address the flow that gives its hops and its largest, with their chains back to
   * a seed; 'all': every tainted flow of every visited transaction. */
  flows?: 'evidence' | 'all';
  /** 'auto' (default) takes the all-doubles fast path where it applies; 'general' never does (for tests). */
  engine?: 'auto' | 'general';
  /** Clock, for tests. */
  now?: () => number;
}

export const DEFAULT_TRACE_LIMITS = { maxHops: 10, maxAddresses: 1_000_000, maxMs: 30_000 } as const;

export interface ReachedAddress {
  address: string;
  /**
   * Forward: tainted value the address received (base units). Backward: value it sent that is attributed to
   * the targets' receipts.
   */
  tainted: bigint;
  /** Total the address received in the window (base units). */
  received: bigint;
  /** Forward: tainted / received. Backward: tainted / the targets' total received in the window. */
  share: number;
  hops: number;
  /** Forward only: tainted value still at the address at the end of the trace (poison: its whole balance). */
  held?: bigint;
  /** Present (true) for a stopAt address. */
  stoppedAt?: boolean;
  /** Forward: time of the first tainted arrival. Backward: time of its latest contribution. */
  time: number;
}

export interface TraceFlow {
  tx: string;
  /** The event's number in the ledger. */
  event: number;
  time: number;
  /** Forward: the tainted input's address; backward: the contributing address. */
  from: string;
  /** Forward: the receiving address; backward: the output address nearer the targets. */
  to: string;
  /** Forward: the output's amount; backward: what `from` put into the transaction. */
  amount: bigint;
  /** Forward: the tainted part of the output; backward: the part of `amount` attributed to the targets. */
  tainted: bigint;
  /** Hops of the reached address (`to` forward, `from` backward) by this flow. */
  hops: number;
}

export interface TraceLimit {
  code: 'LIMIT_REACHED';
  cap: Cap;
  value: number;
}

export interface TraceTotals {
  /** Forward: what the seeds spent in the window. Backward: what the targets received in it. */
  seeded: bigint;
  /** Forward haircut and FIFO: taint held at the reached addresses at the end. */
  held: bigint;
  /** Forward haircut and FIFO: taint paid as transaction fees (haircut: with rounding dust). */
  fees: bigint;
  /** Taint (forward) or demand (backward) not followed because of a cap. */
  withheld: bigint;
  /** Forward: taint sent back into seeds. */
  returned: bigint;
  /** Backward: demand that goes back to opening balances, mints or funds from before the window. */
  unattributed: bigint;
}

export interface TraceResult {
  model: TaintModel;
  direction: TraceDirection;
  chain: string;
  asset: string;
  /** Seeds (targets) found in the ledger, with what they seeded (received). */
  seeds: { address: string; amount: bigint }[];
  /** Seeds not in the ledger. */
  missing: string[];
  /** Sorted by hops, then tainted (largest first), then the order in which they were reached. */
  reached: ReachedAddress[];
  /** Sorted by event (then as recorded). Built on first read (an enumerable getter), as there can be many. */
  flows: TraceFlow[];
  totals: TraceTotals;
  limitReached: boolean;
  limits: TraceLimit[];
  stats: { events: number; addresses: number; ms: number; mode: 'heap' | 'sweep' };
}

const MODELS: Record<TaintModel, number> = { poison: POISON, haircut: HAIRCUT, fifo: FIFO };

function usage(message: string): never {
  throw new NexusError('USAGE_INVALID', `trace: ${message}`);
}

function limit(name: string, value: number | undefined, fallback: number, least: number): number {
  if (value === undefined) return fallback;
  if (
    !(typeof value === 'number' && (Number.isInteger(value) || value === Number.POSITIVE_INFINITY)) ||
    value < least
  )
    usage(`${name} must be an integer of at least ${least}, got ${String(value)}`);
  return value;
}

/** Traces taint through the ledger under one model and direction. Pure: the ledger is not changed. */
export function trace(ledger: Ledger, options: TraceOptions): TraceResult {
  const now = options.now ?? Date.now;
  const began = now();
  const model = MODELS[options.model];
  if (model === undefined) usage(`model must be poison, haircut or fifo, got ${String(options.model)}`);
  const direction = options.direction ?? 'forward';
  if (direction !== 'forward' && direction !== 'backward')
    usage(`direction must be forward or backward, got ${String(direction)}`);
  const maxHops = Math.min(limit('maxHops', options.maxHops, DEFAULT_TRACE_LIMITS.maxHops, 1), 0x7ffffffe);
  const maxAddresses = limit('maxAddresses', options.maxAddresses, DEFAULT_TRACE_LIMITS.maxAddresses, 0);
  const maxMs = limit('maxMs', options.maxMs, DEFAULT_TRACE_LIMITS.maxMs, 0);
  for (const [name, t] of [
    ['since', options.since],
    ['until', options.until],
  ] as const)
    if (t !== undefined && (typeof t !== 'number' || Number.isNaN(t))) usage(`${name} must be a number`);
  const flowsMode = options.flows ?? 'evidence';
  if (flowsMode !== 'evidence' && flowsMode !== 'all') usage(`flows must be evidence or all`);

  const kind = new Uint8Array(ledger.addressCount);
  for (const a of options.stopAt ?? []) {
    const id = ledger.id(a);
    if (id >= 0) kind[id] = STOP;
  }
  const seeds: number[] = [];
  const missing: string[] = [];
  for (const a of new Set(options.seeds)) {
    const id = ledger.id(a);
    if (id < 0) missing.push(a);
    else {
      kind[id] = SEED;
      seeds.push(id);
    }
  }
  const start = options.since === undefined ? 0 : ledger.firstAtOrAfter(options.since);
  const end = options.until === undefined ? ledger.eventCount : ledger.firstAfter(options.until);
  const input = {
    model,
    kind,
    seeds,
    start,
    end,
    maxHops,
    maxAddresses,
    clock: new Clock(maxMs, now),
    allFlows: flowsMode === 'all',
  };
  const fast = options.engine !== 'general' && ledger.doubles && model !== FIFO;
  const out =
    direction === 'backward'
      ? traceBackward(ledger, input)
      : fast
        ? traceForwardFast(ledger, input)
        : traceForward(ledger, input);
  return assemble(ledger, options.model, direction, out, {
    seeds,
    missing,
    start,
    end,
    caps: { hops: maxHops, addresses: maxAddresses, time: maxMs },
    ms: now() - began,
    allFlows: input.allFlows,
  });
}

interface Context {
  seeds: number[];
  missing: string[];
  start: number;
  end: number;
  caps: Record<Cap, number>;
  ms: number;
  allFlows: boolean;
}

function assemble(
  L: Ledger,
  model: TaintModel,
  direction: TraceDirection,
  out: EngineOutcome,
  ctx: Context,
): TraceResult {
  const forward = direction === 'forward';
  let seeded: Amt = 0;
  const seeds = ctx.seeds.map((s) => {
    const amount = out.seeded.get(s) ?? 0;
    seeded = add(seeded, amount);
    return { address: L.address(s), amount: big(amount) };
  });
  const whole = ctx.start === 0 && ctx.end === L.eventCount;
  const receivedIn = (a: number): Amt => {
    if (whole) return decode(L.receivedCol[a] as number, L.bigs);
    let sum: Amt = 0;
    for (let p = L.adOut[a] as number; p < (L.adOut[a + 1] as number); p++) {
      const ev = L.adOutEv[p] as number;
      if (ev >= ctx.start && ev < ctx.end) sum = add(sum, decode(L.adOutAmt[p] as number, L.bigs));
    }
    return sum;
  };
  // Sort first, on numbers, with stable radix passes: by tainted (largest first, as doubles), then by hops;
  // ties keep the order in which the addresses were reached. Then build the rows in that order.
  const ids = out.reached;
  const taint: Amt[] = ids.map((a) => out.tainted(a));
  const byTaint = stableOrder(
    Float64Array.from(taint, (v) => -Number(v)),
    ids.length,
  );
  const hops = Int32Array.from(ids, (a) => out.hop(a));
  const order = byHops(byTaint ?? identity(ids.length), hops);
  let heldTotal: Amt = 0;
  const reached: ReachedAddress[] = new Array(ids.length);
  for (let r = 0; r < order.length; r++) {
    const i = order[r] as number;
    const a = ids[i] as number;
    const tainted = taint[i] as Amt;
    const received = receivedIn(a);
    const row: ReachedAddress = {
      address: L.address(a),
      tainted: big(tainted),
      received: big(received),
      share: forward ? ratio(tainted, received) : ratio(tainted, seeded),
      hops: hops[i] as number,
      time: L.time(out.when[a] as number),
    };
    if (out.held) {
      const held = out.held(a);
      row.held = big(held);
      heldTotal = add(heldTotal, held);
    }
    if (out.state[a] === STOPPED) row.stoppedAt = true;
    reached[r] = row;
  }

  // Flows: every flow (all), or the evidence of each reached address with its chain back to a seed; in event
  // order. Materialised on first read, since a wide trace has hundreds of thousands.
  const table = out.flows;
  const keep = new Uint8Array(table.size);
  if (ctx.allFlows) keep.fill(1);
  else {
    const parent = table.parent.a;
    for (const a of out.reached)
      for (const start of [out.hopFlow(a), out.bestFlow(a)])
        for (let f = start; f >= 0 && !keep[f]; f = parent[f] as number) keep[f] = 1;
  }
  let flowsCache: TraceFlow[] | undefined;
  const materialise = (): TraceFlow[] => {
    if (flowsCache) return flowsCache;
    const chosen: number[] = [];
    for (let f = 0; f < keep.length; f++) if (keep[f]) chosen.push(f);
    const events = Float64Array.from(chosen, (f) => table.event.a[f] as number);
    const sorted = stableOrder(events, chosen.length);
    flowsCache = (sorted ? Array.from(sorted, (k) => chosen[k] as number) : chosen).map((f) => {
      const e = table.event.a[f] as number;
      const leg = table.leg.a[f] as number;
      return {
        tx: L.tx(e),
        event: e,
        time: L.time(e),
        from: L.address(table.from.a[f] as number),
        to: L.address(table.to.a[f] as number),
        amount: big(forward ? L.outAmount(leg) : L.inAmount(leg)),
        tainted: big(table.tainted[f] as Amt),
        hops: table.hops.a[f] as number,
      };
    });
    return flowsCache;
  };

  const limits: TraceLimit[] = (['hops', 'addresses', 'time'] as const)
    .filter((c) => out.caps.has(c))
    .map((cap) => ({ code: 'LIMIT_REACHED', cap, value: ctx.caps[cap] }));
  const result: TraceResult = {
    model,
    direction,
    chain: L.chain,
    asset: L.asset,
    seeds,
    missing: ctx.missing,
    reached,
    flows: [],
    totals: {
      seeded: big(seeded),
      held: big(heldTotal),
      fees: big(out.fees),
      withheld: big(out.withheld),
      returned: big(out.returned),
      unattributed: big(out.unattributed),
    },
    limitReached: limits.length > 0,
    limits,
    stats: { events: out.events, addresses: out.reached.length, ms: ctx.ms, mode: out.mode },
  };
  Object.defineProperty(result, 'flows', {
    get: materialise,
    set(v: TraceFlow[]) {
      flowsCache = v;
    },
    enumerable: true,
    configurable: true,
  });
  return result;
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** `order` stably regrouped by hops[order[k]] (a counting sort). */
function byHops(order: Int32Array, hops: Int32Array): Int32Array {
  let max = 0;
  for (const h of hops) if (h > max) max = h;
  const start = new Int32Array(max + 2);
  for (const h of hops) start[h + 1] = (start[h + 1] as number) + 1;
  for (let h = 0; h <= max; h++) start[h + 1] = (start[h + 1] as number) + (start[h] as number);
  const out = new Int32Array(order.length);
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    const h = hops[i] as number;
    out[start[h] as number] = i;
    start[h] = (start[h] as number) + 1;
  }
  return out;
}

/**
 * A TraceResult as JSON-ready data: amounts as decimal strings in the asset's units (`decimals` places), keys
 * in snake_case where the CLI contract has them (`limit_reached`).
 */
export function traceJson(result: TraceResult, decimals: number): Record<string, unknown> {
  const amount = (v: bigint): string => formatUnits(v, decimals);
  return {
    model: result.model,
    direction: result.direction,
    chain: result.chain,
    asset: result.asset,
    seeds: result.seeds.map((s) => ({ address: s.address, amount: amount(s.amount) })),
    missing: result.missing,
    reached: result.reached.map((r) => ({
      address: r.address,
      tainted: amount(r.tainted),
      received: amount(r.received),
      share: r.share,
      hops: r.hops,
      ...(r.held === undefined ? {} : { held: amount(r.held) }),
      ...(r.stoppedAt ? { stopped_at: true } : {}),
      time: r.time,
    })),
    flows: result.flows.map((f) => ({
      tx: f.tx,
      time: f.time,
      from: f.from,
      to: f.to,
      amount: amount(f.amount),
      tainted: amount(f.tainted),
      hops: f.hops,
    })),
    totals: Object.fromEntries(Object.entries(result.totals).map(([k, v]) => [k, amount(v)])),
    limit_reached: result.limitReached,
    limits: result.limits,
    stats: result.stats,
  };
}
