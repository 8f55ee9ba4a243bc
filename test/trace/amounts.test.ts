// Decimal amounts in an asset's units <-> exact base units, and the assets' decimals.
import { describe, expect, it } from 'vitest';
import {
  assetDecimals,
  formatUnits as formatAmount,
  isNexusError,
  parseUnits as parseAmount,
  requireAssetDecimals,
} from '../../src/model/index.js';

describe('parseAmount', () => {
  it('reads decimals into base units exactly', () => {
    expect(parseAmount('1', 8)).toBe(100_000_000n);
    expect(parseAmount('0.00000001', 8)).toBe(1n);
    expect(parseAmount('21000000', 8)).toBe(2_100_000_000_000_000n);
    expect(parseAmount('1.5', 18)).toBe(1_500_000_000_000_000_000n);
    expect(parseAmount('123456789.123456789123456789', 18)).toBe(123_456_789_123_456_789_123_456_789n);
    expect(parseAmount('007.10', 6)).toBe(7_100_000n);
    expect(parseAmount('0', 6)).toBe(0n);
    expect(parseAmount('42', 0)).toBe(42n);
  });
  for (const [text, why] of [
    ['', 'empty'],
    ['-1', 'negative'],
    ['-0.5', 'negative'],
    ['1e8', 'exponent'],
    ['1.5E-3', 'exponent'],
    ['1.000000001', 'decimal places'],
    ['1.000000000', 'decimal places'],
    [' 1', 'not a decimal'],
    ['1,5', 'not a decimal'],
    ['+1', 'not a decimal'],
    ['.5', 'not a decimal'],
    ['5.', 'not a decimal'],
    ['0x10', 'not a decimal'],
    ['NaN', 'not a decimal'],
    ['1.2.3', 'not a decimal'],
  ])
    it(`rejects '${text}' (${why})`, () => {
      try {
        parseAmount(text, 8);
        expect.unreachable();
      } catch (err) {
        expect(isNexusError(err, 'VALUE_INVALID')).toBe(true);
        expect((err as Error).message).toContain(why);
      }
    });
});

describe('formatAmount', () => {
  it('writes base units as a decimal without trailing zeros', () => {
    expect(formatAmount(100_000_000n, 8)).toBe('1');
    expect(formatAmount(1n, 8)).toBe('0.00000001');
    expect(formatAmount(150_000_000n, 8)).toBe('1.5');
    expect(formatAmount(0n, 18)).toBe('0');
    expect(formatAmount(123_456_789_123_456_789_123_456_789n, 18)).toBe('123456789.123456789123456789');
    expect(formatAmount(-250n, 2)).toBe('-2.5');
    expect(formatAmount(42n, 0)).toBe('42');
  });
  it('round-trips', () => {
    for (const s of ['0.1', '1', '99999999.99999999', '0.00000123', '5000'])
      expect(formatAmount(parseAmount(s, 8), 8)).toBe(s);
  });
});

describe('asset decimals', () => {
  it('knows the common assets, aliases and per-chain tokens', () => {
    expect(assetDecimals('BTC')).toBe(8);
    expect(assetDecimals('xbt')).toBe(8);
    expect(assetDecimals('ETH')).toBe(18);
    expect(assetDecimals('USDT', 'ETH')).toBe(6);
    expect(assetDecimals('USDT', 'TRX')).toBe(6);
    expect(assetDecimals('USDT', 'BSC')).toBe(18);
    expect(assetDecimals('USDC')).toBe(6);
    for (const [a, d] of [
      ['LTC', 8],
      ['BCH', 8],
      ['TRX', 6],
      ['XMR', 12],
      ['DASH', 8],
      ['ZEC', 8],
      ['BNB', 18],
      ['BSC', 18],
      ['ETC', 18],
      ['XRP', 6],
    ] as const)
      expect(assetDecimals(a), a).toBe(d);
    expect(assetDecimals('DOGE')).toBeUndefined();
    expect(() => requireAssetDecimals('DOGE')).toThrow(/unknown asset 'DOGE'/);
  });
});
