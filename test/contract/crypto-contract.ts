// The crypto part of the Store contract: transfers and labels stored exactly, deduplicated, and filtered like
// statements by the reader's clearance.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localOperator, makeContext } from '../../src/access/index.js';
import type { CryptoTx, Store, StoredCryptoTx } from '../../src/store/index.js';

const T0 = Date.UTC(2025, 0, 1);

function transfer(tx: string, from: string, to: string, amount: string, minutes = 0): CryptoTx {
  return {
    chain: 'ethereum',
    asset: 'ETH',
    tx,
    time: T0 + minutes * 60_000,
    legs: [{ leg: 0, n: 0, from, to, amount }],
  };
}

async function scan(store: Store, ctx = localOperator('t', 't'), options = {}): Promise<StoredCryptoTx[]> {
  const out: StoredCryptoTx[] = [];
  for await (const batch of store.scanTransfers(ctx, { batch: 2, ...options })) out.push(...batch);
  return out;
}

export function runCryptoContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store crypto contract: ${name}`, () => {
    let store: Store;
    const op = localOperator('ops', 'contract');
    const official = makeContext({ user: 'a', clearance: 'OFFICIAL', purpose: 'contract' });

    beforeEach(async () => {
      store = await makeStore();
      expect((await store.migrate()).error).toBeUndefined();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores transfers and UTXO transactions exactly, grouped per transaction in store order', async () => {
      const wei = '123456789012345678901234567';
      const utxo: CryptoTx = {
        chain: 'bitcoin',
        asset: 'BTC',
        tx: 'u1',
        time: T0 + 5,
        legs: [
          { leg: 1, n: 0, from: 'bc1a', to: null, amount: '70000' },
          { leg: 1, n: 1, from: 'bc1b', to: null, amount: '40000' },
          { leg: 2, n: 0, from: null, to: 'bc1c', amount: '100000' },
          { leg: 2, n: 1, from: null, to: 'bc1a', amount: '9000' },
        ],
      };
      const r = await store.putTransfers(op, {
        dataset: 'chain',
        origin: 'fixture.csv',
        marking: 'OFFICIAL',
        grading: null,
        txs: [transfer('t1', '0xa', '0xb', wei), utxo, transfer('t2', '0xb', '0xc', '5', 1)],
      });
      expect(r).toMatchObject({ newPerTx: [1, 4, 1], legsWritten: 6, addressesCreated: 6, conflicts: [] });
      const all = await scan(store);
      expect(all.map((t) => t.tx)).toEqual(['t1', 'u1', 't2']);
      expect(all[0]?.legs[0]).toEqual({ leg: 0, n: 0, from: '0xa', to: '0xb', amount: wei });
      expect(all[1]?.legs.map((l) => [l.leg, l.n, l.from, l.to, l.amount])).toEqual([
        [1, 0, 'bc1a', null, '70000'],
        [1, 1, 'bc1b', null, '40000'],
        [2, 0, null, 'bc1c', '100000'],
        [2, 1, null, 'bc1a', '9000'],
      ]);
      expect(all[1]).toMatchObject({ chain: 'bitcoin', asset: 'BTC', dataset: 'chain', marking: 'OFFICIAL' });
      expect((await scan(store, op, { chain: 'bitcoin' })).map((t) => t.tx)).toEqual(['u1']);
      expect((await scan(store, op, { asset: 'ETH' })).map((t) => t.tx)).toEqual(['t1', 't2']);
      expect(await scan(store, op, { datasets: ['other'] })).toEqual([]);
    });

    it('adds nothing on a second load and reports a conflicting amount or time instead of overwriting', async () => {
      const batch = {
        dataset: 'chain',
        origin: 'f',
        marking: 'OFFICIAL',
        grading: null,
        txs: [transfer('t1', '0xa', '0xb', '10')],
      };
      await store.putTransfers(op, batch);
      const again = await store.putTransfers(op, batch);
      expect(again).toMatchObject({ newPerTx: [0], legsWritten: 0, conflicts: [] });
      const changed = await store.putTransfers(op, { ...batch, txs: [transfer('t1', '0xa', '0xb', '11')] });
      expect(changed.conflicts).toEqual([
        { tx: 't1', index: 0, reason: expect.stringContaining('amount 10') },
      ]);
      expect((await scan(store))[0]?.legs[0]?.amount).toBe('10');
    });

    it('shows transfers and labels only within the reader clearance, and commits the checkpoint', async () => {
      await store.putTransfers(op, {
        dataset: 'case',
        origin: 'f',
        marking: 'SECRET',
        grading: '2BP',
        txs: [transfer('hidden', '0xa', '0xb', '1')],
        checkpoint: { sourceKey: 'k1', dataset: 'case', itemsDone: 1, complete: false },
      });
      await store.putTransfers(op, {
        dataset: 'open',
        origin: 'f',
        marking: 'OFFICIAL',
        grading: null,
        txs: [transfer('open', '0xa', '0xb', '1')],
      });
      expect((await scan(store, official)).map((t) => t.tx)).toEqual(['open']);
      expect((await scan(store)).map((t) => t.tx)).toEqual(['hidden', 'open']);
      expect(await store.getCheckpoint(op, 'k1')).toMatchObject({ itemsDone: 1, complete: false });
      const labels = { dataset: 'labels', origin: 'labels.csv', grading: null };
      expect(
        await store.putAddressLabels(op, {
          ...labels,
          marking: 'OFFICIAL',
          labels: [{ chain: 'ethereum', address: '0xb', label: 'Tornado Cash', category: 'mixer' }],
        }),
      ).toBe(1);
      await store.putAddressLabels(op, {
        ...labels,
        marking: 'SECRET',
        labels: [{ chain: 'ethereum', address: '0xa', label: 'Lazarus Group', category: 'sanctioned' }],
      });
      expect((await store.addressLabels(official)).map((l) => l.label)).toEqual(['Tornado Cash']);
      expect((await store.addressLabels(op, { addresses: ['0xa'] })).map((l) => l.label)).toEqual([
        'Lazarus Group',
      ]);
      const before = await store.version(op);
      await store.putTransfers(op, {
        ...labels,
        marking: 'OFFICIAL',
        txs: [transfer('t9', '0xc', '0xd', '3')],
      });
      expect(await store.version(op)).not.toBe(before);
    });
  });
}
