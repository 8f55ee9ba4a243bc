// Chain data ingest: transfers CSV, UTXO JSON lines and labels, with exact amounts and rejects that say why.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localOperator } from '../access/index.js';
import { SqliteStore, type StoredCryptoTx } from '../store/index.js';
import { ingest } from './pipeline.js';
import type { Reject } from './reader.js';
import { parseTime, splitCsvLine } from './transfers-reader.js';

const op = localOperator('t', 'test');
const DIR = 'test/fixtures/chain';
let store: SqliteStore;

beforeEach(async () => {
  store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
});
afterEach(async () => {
  await store.close();
});

async function all(): Promise<StoredCryptoTx[]> {
  const out: StoredCryptoTx[] = [];
  for await (const b of store.scanTransfers(op)) out.push(...b);
  return out;
}

describe('transfers CSV', () => {
  it('stores exact base units, and rejects bad rows naming line, field and reason', async () => {
    const rejects: Reject[] = [];
    const summary = await ingest(op, store, {
      dataset: 'chain',
      format: 'transfers',
      paths: [`${DIR}/transfers.csv`],
      onReject: (r) => rejects.push(r),
    });
    const txs = await all();
    expect(txs.map((t) => t.tx)).toEqual(['0xt1', '0xt2', '0xt3', '0xt4', '0xt5']);
    expect(txs[2]?.legs[0]?.amount).toBe('20500000000000000000');
    expect(txs[2]?.time).toBe(1735696800_000);
    expect(txs[3]?.legs[0]?.amount).toBe('1');
    expect(txs[4]?.legs[0]).toMatchObject({ to: '0x"odd"', amount: '1500000' });
    expect(summary).toMatchObject({ accepted: 5, duplicates: 1, rejected: 5 });
    const by = (line: number) => rejects.find((r) => r.line === line);
    expect(by(7)).toMatchObject({ file: 'transfers.csv', field: 'amount', code: 'VALUE_INVALID' });
    expect(by(8)?.field).toBe('asset');
    expect(by(8)?.reason).toContain('unknown asset "DOGE"');
    expect(by(9)?.field).toBe('time');
    expect(by(10)?.reason).toContain('19 decimal places, the asset has 18');
    expect(by(11)).toMatchObject({ code: 'TX_CONFLICT', field: 'tx_hash' });
    expect(by(11)?.reason).toContain('already stored with amount 10000000000000000000');
  });

  it('adds nothing when the same file is loaded again', async () => {
    const req = { dataset: 'chain', format: 'transfers', paths: [`${DIR}/transfers.csv`] };
    await ingest(op, store, req);
    const again = await ingest(op, store, req);
    expect(again.accepted).toBe(0);
    expect(again.duplicates).toBe(6);
    expect(again.statements).toBe(0);
  });

  it('names missing columns', async () => {
    const rejects: Reject[] = [];
    await ingest(op, store, {
      dataset: 'chain',
      format: 'transfers',
      paths: [`${DIR}/labels.csv`],
      onReject: (r) => rejects.push(r),
    });
    expect(rejects[0]).toMatchObject({ code: 'COLUMN_MISSING', line: 1 });
    expect(rejects[0]?.reason).toContain('tx_hash, time, from, to, asset, amount');
  });
});

describe('UTXO JSON lines', () => {
  it('keeps inputs and outputs in order, refuses outputs over inputs and transactions without inputs', async () => {
    const rejects: Reject[] = [];
    const summary = await ingest(op, store, {
      dataset: 'btc',
      format: 'utxo',
      paths: [`${DIR}/utxo.jsonl`],
      onReject: (r) => rejects.push(r),
    });
    expect(summary).toMatchObject({ accepted: 2, rejected: 3 });
    const [b1, b4] = await all();
    expect(b1?.legs.map((l) => [l.leg, l.n, l.from ?? l.to, l.amount])).toEqual([
      [1, 0, '1Seed', '70000000'],
      [1, 1, '1Clean', '40000000'],
      [2, 0, '1Dest', '100000000'],
      [2, 1, '1Change', '9000000'],
    ]);
    expect(b4?.legs).toHaveLength(1);
    expect(rejects.map((r) => [r.line, r.code, r.field])).toEqual([
      [2, 'OUTPUTS_EXCEED_INPUTS', 'outputs'],
      [3, 'VALUE_INVALID', 'inputs'],
      [5, 'RECORD_INVALID', undefined],
    ]);
  });
});

describe('address labels', () => {
  it('stores labels by category and rejects unknown categories', async () => {
    const rejects: Reject[] = [];
    await ingest(op, store, {
      dataset: 'labels',
      format: 'labels',
      paths: [`${DIR}/labels.csv`],
      onReject: (r) => rejects.push(r),
    });
    expect((await store.addressLabels(op)).map((l) => [l.address, l.category])).toEqual([
      ['0xexchange', 'exchange'],
      ['0xseed', 'sanctioned'],
    ]);
    expect(rejects[0]).toMatchObject({ line: 4, field: 'category' });
  });
});

describe('parsing helpers', () => {
  it('splits quoted CSV and reads times', () => {
    expect(splitCsvLine('a,"b,c","d""e",')).toEqual(['a', 'b,c', 'd"e', '']);
    expect(splitCsvLine('a,"b')).toBeUndefined();
    expect(parseTime('1700000000')).toBe(1700000000_000);
    expect(parseTime('1700000000123')).toBe(1700000000123);
    expect(parseTime('2025-01-01')).toBe(Date.UTC(2025, 0, 1));
    expect(parseTime('2025-01-01T01:00:00+01:00')).toBe(Date.UTC(2025, 0, 1));
    expect(parseTime('soon')).toBeUndefined();
  });
});
