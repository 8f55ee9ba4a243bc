// The ledger: validation with typed errors, time order with ties in insertion order, compact transaction ids,
// per-address indexes and balances, exact amounts of any size.
import { describe, expect, it } from 'vitest';
import { isNexusError, NexusError } from '../../src/model/index.js';
import { LedgerBuilder } from '../../src/trace/index.js';
import { ledgerOf, rng, t } from './helpers.js';

function rejection(f: () => unknown): NexusError {
  try {
    f();
  } catch (err) {
    if (err instanceof NexusError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('LedgerBuilder validation', () => {
  const b = new LedgerBuilder({ chain: 'BTC', asset: 'BTC' });
  const ok = {
    tx: 'ok',
    time: 1,
    inputs: [{ address: 'A', amount: 10n }],
    outputs: [{ address: 'B', amount: 9n }],
  };
  const cases: [string, object, string][] = [
    ['negative amount', { inputs: [{ address: 'A', amount: -5n }] }, 'inputs[0].amount'],
    ['zero amount', { outputs: [{ address: 'B', amount: 0n }] }, 'outputs[0].amount'],
    ['fractional number', { outputs: [{ address: 'B', amount: 1.5 }] }, 'outputs[0].amount'],
    ['unsafe number', { inputs: [{ address: 'A', amount: 2 ** 60 }] }, 'inputs[0].amount'],
    ['amount as text', { inputs: [{ address: 'A', amount: '10' }] }, 'inputs[0].amount'],
    [
      'outputs exceeding inputs',
      {
        outputs: [
          { address: 'B', amount: 6n },
          { address: 'C', amount: 5n },
        ],
      },
      'outputs',
    ],
    ['NaN time', { time: Number.NaN }, 'time'],
    ['infinite time', { time: Number.POSITIVE_INFINITY }, 'time'],
    ['time as text', { time: '2024-01-01' }, 'time'],
    ['empty address', { outputs: [{ address: '', amount: 1n }] }, 'outputs[0].address'],
    ['no outputs', { outputs: [] }, 'outputs'],
    ['inputs not a list', { inputs: undefined }, 'inputs'],
  ];
  for (const [name, patch, field] of cases)
    it(`rejects ${name} as RECORD_INVALID naming tx and ${field}`, () => {
      const before = b.size;
      const err = rejection(() => b.add({ ...ok, tx: 'deadbeef', ...patch } as never));
      expect(err.code).toBe('RECORD_INVALID');
      expect(err.message).toContain("'deadbeef'");
      expect(err.message).toContain(field);
      expect(err.details).toMatchObject({ tx: 'deadbeef', field });
      expect(b.size).toBe(before);
    });
  it('rejects an empty tx id, and transfers with the same checks', () => {
    expect(
      isNexusError(
        rejection(() => b.add({ ...ok, tx: '' })),
        'RECORD_INVALID',
      ),
    ).toBe(true);
    expect(rejection(() => b.addTransfer('t', 1, 'A', 'B', -1n)).details).toMatchObject({ field: 'amount' });
    expect(rejection(() => b.addTransfer('t', 1, '', 'B', 1n)).details).toMatchObject({ field: 'from' });
    expect(rejection(() => b.addTransfer('t', Number.NaN, 'A', 'B', 1n)).details).toMatchObject({
      field: 'time',
    });
  });
  it('accepts a mint (no inputs), equal totals and fees', () => {
    const m = new LedgerBuilder({ chain: 'BTC', asset: 'BTC' });
    m.add({ tx: 'coinbase', time: 0, inputs: [], outputs: [{ address: 'M', amount: 625_000_000n }] });
    m.add(ok);
    m.addTransfer('x', 2, 'B', 'C', 9);
    const L = m.build();
    expect(L.eventCount).toBe(3);
    expect(L.event(0).inputs).toEqual([]);
    expect(() => m.add(ok)).toThrow(/already built/);
  });
});

describe('Ledger layout', () => {
  it('orders events by time, ties in the order added, and indexes each address', () => {
    const L = ledgerOf([
      t('c', 5, 'A', 'B', 3),
      t('a', 1, 'X', 'A', 10),
      t('b', 5, 'B', 'A', 2),
      t('d', -2, 'Z', 'A', 1),
      t('e', 1.5, 'A', 'Z', 4),
    ]);
    expect(Array.from({ length: L.eventCount }, (_, e) => L.tx(e))).toEqual(['d', 'a', 'e', 'c', 'b']);
    expect(Array.from(L.evTime)).toEqual([-2, 1, 1.5, 5, 5]);
    const A = L.id('A');
    expect(L.degree(A)).toEqual({ inputs: 2, outputs: 3 });
    expect(L.received(A)).toBe(13n);
    expect(L.sent(A)).toBe(7n);
    expect(L.opening(A)).toBe(0n);
    expect(L.closing(A)).toBe(6n);
    // B spends 2 having received 3 just before (same time, added first): no opening balance needed.
    expect(L.opening(L.id('B'))).toBe(0n);
    expect(L.opening(L.id('X'))).toBe(10n);
    expect(L.id('nobody')).toBe(-1);
    expect(L.firstAtOrAfter(5)).toBe(3);
    expect(L.firstAfter(5)).toBe(5);
    expect(L.firstAtOrAfter(1.2)).toBe(2);
    expect(L.event(3)).toEqual({
      index: 3,
      tx: 'c',
      time: 5,
      inputs: [{ address: 'A', amount: 3n }],
      outputs: [{ address: 'B', amount: 3n }],
    });
  });
  it('sorts large shuffled input the same as a stable comparison sort', () => {
    const r = rng(5);
    const b = new LedgerBuilder({ chain: 'ETH', asset: 'ETH' });
    const times: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const time = r() < 0.1 ? -Math.floor(r() * 1e6) : r() < 0.5 ? Math.floor(r() * 1000) : r() * 1e12;
      times.push(time);
      b.addTransfer(`t${i}`, time, `a${i % 97}`, `a${(i * 7) % 89}`, i + 1);
    }
    const L = b.build();
    const expected = times.map((time, i) => [time, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    expect(Array.from({ length: L.eventCount }, (_, e) => L.insertion(e))).toEqual(
      expected.map(([, i]) => i),
    );
    expect(Array.from({ length: L.eventCount }, (_, e) => L.tx(e))).toEqual(expected.map(([, i]) => `t${i}`));
  });
  it('keeps transaction ids exactly, hex ones packed', () => {
    const ids = [
      'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
      '0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060',
      '0xABCDEF',
      'abc',
      '0x',
      'Tx-Ünïcode-✓',
      '00',
    ];
    const b = new LedgerBuilder({ chain: 'ETH', asset: 'ETH' });
    for (const [i, id] of ids.entries()) b.addTransfer(id, i, 'A', 'B', 1);
    const L = b.build();
    expect(ids.map((_, e) => L.tx(e))).toEqual(ids);
    expect(L.stats()).toMatchObject({
      events: ids.length,
      addresses: 2,
      inputs: ids.length,
      outputs: ids.length,
    });
  });
  it('keeps amounts beyond 2^64 exact, on the fast path below 2^53', () => {
    const wei = 2n ** 70n + 12345n;
    const L = ledgerOf([
      ['big', 1, [['A', wei]], [['B', wei - 21_000n * 10n ** 9n]]],
      t('small', 2, 'B', 'C', 2 ** 53 - 1),
    ]);
    expect(L.event(0).outputs[0]?.amount).toBe(wei - 21_000n * 10n ** 9n);
    expect(L.received(L.id('B'))).toBe(wei - 21_000n * 10n ** 9n);
    expect(L.closing(L.id('B'))).toBe(wei - 21_000n * 10n ** 9n - (2n ** 53n - 1n));
    expect(L.opening(L.id('A'))).toBe(wei);
    expect(L.stats().bigAmounts).toBeGreaterThan(0);
  });
});
