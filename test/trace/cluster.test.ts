// Common-input-ownership clustering: inputs of one transaction are one wallet, CoinJoin-like rounds left out.
import { describe, expect, it } from 'vitest';
import { clusterAddresses, LedgerBuilder, looksLikeCoinJoin } from '../../src/trace/index.js';

function ledger(coinjoin = true) {
  const b = new LedgerBuilder({ chain: 'bitcoin', asset: 'BTC' });
  // a and b sign one transaction: one wallet. Then b and c: the wallet grows to a, b, c.
  b.add({
    tx: 't1',
    time: 1,
    inputs: [
      { address: 'a', amount: 5 },
      { address: 'b', amount: 5 },
    ],
    outputs: [{ address: 'x', amount: 9 }],
  });
  b.add({
    tx: 't2',
    time: 2,
    inputs: [
      { address: 'b', amount: 1 },
      { address: 'c', amount: 3 },
    ],
    outputs: [{ address: 'y', amount: 4 }],
  });
  // d alone: no cluster.
  b.add({ tx: 't3', time: 3, inputs: [{ address: 'd', amount: 2 }], outputs: [{ address: 'z', amount: 2 }] });
  if (coinjoin)
    // Three strangers mix into three equal outputs: a CoinJoin round, which must not join them.
    b.add({
      tx: 'cj',
      time: 4,
      inputs: [
        { address: 'p', amount: 11 },
        { address: 'q', amount: 12 },
        { address: 'c', amount: 10 },
      ],
      outputs: [
        { address: 'o1', amount: 10 },
        { address: 'o2', amount: 10 },
        { address: 'o3', amount: 10 },
        { address: 'chg', amount: 3 },
      ],
    });
  return b.build();
}

describe('common-input-ownership clustering', () => {
  it('joins inputs across transactions, transitively, and leaves CoinJoin-like rounds out', () => {
    const l = ledger();
    const c = clusterAddresses(l);
    const named = c.clusters.map((ids) => ids.map((i) => l.address(i)).sort());
    expect(named).toEqual([['a', 'b', 'c']]);
    expect(c).toMatchObject({ merging: 2, coinjoins: 1 });
    expect(looksLikeCoinJoin(l, l.eventCount - 1)).toBe(true);
    expect(looksLikeCoinJoin(l, 0)).toBe(false);
  });

  it('joins through a CoinJoin when told to include it', () => {
    const l = ledger();
    const c = clusterAddresses(l, { excludeCoinJoin: false });
    expect(c.clusters.map((ids) => ids.map((i) => l.address(i)).sort())).toEqual([['a', 'b', 'c', 'p', 'q']]);
    expect(c.coinjoins).toBe(0);
  });

  it('gives the same clusters whatever the order of merges, with the smallest id as the root', () => {
    const l = ledger(false);
    const c = clusterAddresses(l, { minSize: 1 });
    const root = (a: string) => c.root[l.id(a)];
    expect(root('a')).toBe(root('c'));
    expect(root('d')).not.toBe(root('a'));
    expect(c.clusters.length).toBe(l.addressCount - 2);
  });
});
