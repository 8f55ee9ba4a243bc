// Small builders for hand-made ledgers, and a plain reference tracer (a full sweep with per-address state,
// written for clarity) that the engine is checked against on random ledgers.
import { type Ledger, LedgerBuilder } from '../../src/trace/index.js';

export type Leg = [string, number | bigint];
/** [tx, time, inputs, outputs]; a transfer is [tx, time, [[from, amt]], [[to, amt]]]. */
export type Ev = [string, number, Leg[], Leg[]];

export function ledgerOf(events: Ev[], asset = 'BTC'): Ledger {
  const b = new LedgerBuilder({ chain: 'BTC', asset });
  for (const [tx, time, ins, outs] of events)
    b.add({
      tx,
      time,
      inputs: ins.map(([address, amount]) => ({ address, amount })),
      outputs: outs.map(([address, amount]) => ({ address, amount })),
    });
  return b.build();
}

export function t(tx: string, time: number, from: string, to: string, amount: number | bigint): Ev {
  return [tx, time, [[from, amount]], [[to, amount]]];
}

/** Reached rows as {address: [tainted, hops]} for compact expectations. */
export function byAddress<T extends { address: string }>(rows: T[]): Record<string, T> {
  return Object.fromEntries(rows.map((r) => [r.address, r]));
}

/** A tiny deterministic generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RefOutcome {
  /** Tainted received per address (seeds excluded). */
  tainted: Map<string, bigint>;
  /** Tainted held at the end. */
  held: Map<string, bigint>;
  seeded: bigint;
  fees: bigint;
  returned: bigint;
  /** Per event: [taint into the transaction, taint out of it]. */
  perTx: [bigint, bigint][];
}

/**
 * Forward taint by brute force: every event in order, every address with its state from its opening balance.
 * No caps. Poison: an address is tainted once it receives taint; its spends are then wholly tainted.
 */
export function referenceForward(
  L: Ledger,
  model: 'poison' | 'haircut' | 'fifo',
  seeds: string[],
): RefOutcome {
  const seedSet = new Set(seeds);
  const bal = new Map<string, bigint>();
  const tnt = new Map<string, bigint>();
  const poisoned = new Set<string>();
  const lots = new Map<string, [bigint, boolean][]>();
  const tainted = new Map<string, bigint>();
  let seeded = 0n;
  let fees = 0n;
  let returned = 0n;
  const perTx: [bigint, bigint][] = [];
  for (let id = 0; id < L.addressCount; id++) {
    const a = L.address(id);
    bal.set(a, L.opening(id));
    tnt.set(a, 0n);
    lots.set(a, L.opening(id) > 0n ? [[L.opening(id), false]] : []);
  }
  for (let e = 0; e < L.eventCount; e++) {
    const ev = L.event(e);
    let totalIn = 0n;
    let taintIn = 0n;
    const segs: [bigint, boolean][] = [];
    for (const { address, amount } of ev.inputs) {
      totalIn += amount;
      let tk = 0n;
      if (seedSet.has(address)) {
        tk = amount;
        seeded += amount;
        segs.push([amount, true]);
      } else if (model === 'poison') {
        if (poisoned.has(address)) tk = amount;
      } else if (model === 'haircut') {
        const b = bal.get(address) as bigint;
        const tt = tnt.get(address) as bigint;
        tk = b === 0n ? 0n : (amount * tt) / b;
        tnt.set(address, tt - tk);
      } else {
        const q = lots.get(address) as [bigint, boolean][];
        let need = amount;
        while (need > 0n) {
          const lot = q[0] as [bigint, boolean];
          const piece = lot[0] < need ? lot[0] : need;
          segs.push([piece, lot[1]]);
          if (lot[1]) tk += piece;
          need -= piece;
          if (piece === lot[0]) q.shift();
          else lot[0] -= piece;
        }
      }
      if (!seedSet.has(address)) bal.set(address, (bal.get(address) as bigint) - amount);
      taintIn += tk;
    }
    let taintOut = 0n;
    let si = 0;
    let rem = segs.length ? (segs[0] as [bigint, boolean])[0] : 0n;
    const outT: bigint[] = [];
    const fifoPieces: [bigint, boolean][][] = [];
    for (const { amount } of ev.outputs) {
      let tk = 0n;
      if (model === 'poison') tk = taintIn > 0n ? amount : 0n;
      else if (model === 'haircut') tk = taintIn > 0n ? (amount * taintIn) / totalIn : 0n;
      else {
        let need = amount;
        const pieces: [bigint, boolean][] = [];
        while (need > 0n) {
          const seg = segs[si] as [bigint, boolean];
          const piece = rem < need ? rem : need;
          pieces.push([piece, seg[1]]);
          if (seg[1]) tk += piece;
          need -= piece;
          rem -= piece;
          if (rem === 0n) {
            si++;
            rem = si < segs.length ? (segs[si] as [bigint, boolean])[0] : 0n;
          }
        }
        fifoPieces.push(pieces);
      }
      outT.push(tk);
      taintOut += tk;
    }
    if (model !== 'poison' && taintIn > taintOut) fees += taintIn - taintOut;
    perTx.push([taintIn, taintOut]);
    ev.outputs.forEach(({ address, amount }, k) => {
      const tk = outT[k] as bigint;
      if (seedSet.has(address)) {
        returned += tk;
        return;
      }
      bal.set(address, (bal.get(address) as bigint) + amount);
      if (tk > 0n) {
        tainted.set(address, (tainted.get(address) ?? 0n) + tk);
        poisoned.add(address);
      }
      if (model === 'haircut') tnt.set(address, (tnt.get(address) as bigint) + tk);
      if (model === 'fifo') {
        const q = lots.get(address) as [bigint, boolean][];
        for (const p of fifoPieces[k] as [bigint, boolean][]) q.push([p[0], p[1]]);
      }
    });
  }
  const held = new Map<string, bigint>();
  for (const a of tainted.keys()) {
    if (model === 'poison') held.set(a, bal.get(a) as bigint);
    else if (model === 'haircut') held.set(a, tnt.get(a) as bigint);
    else
      held.set(
        a,
        (lots.get(a) as [bigint, boolean][]).reduce((s, [n, tt]) => (tt ? s + n : s), 0n),
      );
  }
  return { tainted, held, seeded, fees, returned, perTx };
}

/**
 * n account-model transfers with fan-in and fan-out: most senders received recently (value moves on), a few
 * hub addresses (services, 0.1%) take part in a large share, amounts log-uniform 10^4..10^10 base units.
 */
export function transfers(n: number, seed: number): { ledger: Ledger; hubs: string[] } {
  const r = rng(seed);
  const addresses = Math.max(16, Math.floor(n / 5));
  const hubs = Math.max(1, Math.floor(addresses / 1000));
  const recent = new Int32Array(1024);
  let filled = 0;
  let used = hubs;
  const b = new LedgerBuilder({ chain: 'BTC', asset: 'BTC' });
  for (let i = 0; i < n; i++) {
    const u = r();
    const from =
      filled > 0 && u < 0.7
        ? (recent[Math.floor(r() * filled)] as number)
        : u < 0.82
          ? Math.floor(r() * hubs)
          : Math.floor(r() * used);
    const v = r();
    let to =
      v < 0.12
        ? Math.floor(r() * hubs)
        : v < 0.3 && used < addresses
          ? used++
          : hubs + Math.floor(r() * (used - hubs));
    if (to === from) to = (to + 1) % addresses;
    if (to >= used) used = to + 1;
    recent[i % 1024] = to;
    if (filled < 1024) filled++;
    b.addTransfer(
      `t${i.toString(16)}`,
      1_700_000_000 + Math.floor(i / 10),
      `a${from}`,
      `a${to}`,
      Math.floor(10 ** (4 + 6 * r())),
    );
  }
  return { ledger: b.build(), hubs: Array.from({ length: hubs }, (_, i) => `a${i}`) };
}
