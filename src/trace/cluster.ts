// Common-input-ownership clustering for UTXO ledgers: the addresses that sign inputs of one transaction are taken
// to be one wallet (Meiklejohn et al. 2013, "A Fistful of Bitcoins"). CoinJoin transactions break that rule (many
// people sign one transaction), so by default transactions that look like one are left out.
import type { Ledger } from './ledger.js';

export interface ClusterOptions {
  /** Leave out CoinJoin-like transactions (default true). */
  excludeCoinJoin?: boolean;
  /** Clusters smaller than this are not listed (default 2). */
  minSize?: number;
}

export interface Clustering {
  /** Cluster number of each address id (its root); an address alone is its own cluster. */
  root: Int32Array;
  /** Clusters of at least minSize addresses, largest first: address ids. */
  clusters: number[][];
  /** Transactions with two or more input addresses that joined clusters. */
  merging: number;
  /** Transactions left out as CoinJoin-like. */
  coinjoins: number;
}

/**
 * CoinJoin-like: at least three distinct input addresses and at least three outputs of one equal value, the
 * shape of Wasabi, Whirlpool and JoinMarket rounds (equal denominations so outputs cannot be told apart).
 */
export function looksLikeCoinJoin(ledger: Ledger, e: number): boolean {
  const inputs = new Set<number>();
  for (let l = ledger.evIn[e] as number; l < (ledger.evIn[e + 1] as number); l++)
    inputs.add(ledger.inAddr[l] as number);
  if (inputs.size < 3) return false;
  const counts = new Map<number, number>();
  let best = 0;
  for (let l = ledger.evOut[e] as number; l < (ledger.evOut[e + 1] as number); l++) {
    const v = ledger.outAmt[l] as number;
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (n > best) best = n;
  }
  return best >= 3;
}

export function clusterAddresses(ledger: Ledger, options: ClusterOptions = {}): Clustering {
  const n = ledger.addressCount;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r] as number;
    // Path halving keeps later finds short.
    while (parent[x] !== r) {
      const next = parent[x] as number;
      parent[x] = r;
      x = next;
    }
    return r;
  };
  const exclude = options.excludeCoinJoin !== false;
  let merging = 0;
  let coinjoins = 0;
  for (let e = 0; e < ledger.eventCount; e++) {
    const from = ledger.evIn[e] as number;
    const to = ledger.evIn[e + 1] as number;
    if (to - from < 2) continue;
    if (exclude && looksLikeCoinJoin(ledger, e)) {
      coinjoins++;
      continue;
    }
    let joined = false;
    const first = find(ledger.inAddr[from] as number);
    let root = first;
    for (let l = from + 1; l < to; l++) {
      const r = find(ledger.inAddr[l] as number);
      if (r === root) continue;
      // The smaller id becomes the root, so the answer does not depend on the order of merges.
      if (r < root) parent[root] = r;
      else parent[r] = root;
      root = Math.min(r, root);
      joined = true;
    }
    if (joined) merging++;
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    parent[i] = r;
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  }
  const minSize = Math.max(1, options.minSize ?? 2);
  const clusters = [...groups.values()]
    .filter((g) => g.length >= minSize)
    .sort((a, b) => b.length - a.length || (a[0] as number) - (b[0] as number));
  return { root: parent, clusters, merging, coinjoins };
}
