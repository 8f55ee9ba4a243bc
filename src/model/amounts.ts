// Exact crypto amounts: decimal text in an asset's units <-> integer base units (satoshi, wei) as bigint.
import table from './data/assets.json' with { type: 'json' };
import { NexusError } from './errors.js';

const DECIMALS: ReadonlyMap<string, number> = new Map(Object.entries(table.assets));
const DECIMAL = /^(\d{1,60})(?:\.(\d{1,40}))?$/;

/** Base-unit decimals of a known asset (`BTC` 8, `ETH` 18), or undefined. */
export function assetDecimals(asset: string): number | undefined {
  return DECIMALS.get(asset.toUpperCase());
}

export function knownAssets(): string[] {
  return [...DECIMALS.keys()];
}

/**
 * Parses `0.5`, `12`, `0.000000010` into base units of the asset. VALUE_INVALID for a negative, zero (unless
 * allowed), exponent, empty or over-precise amount, or an unknown asset.
 */
export function parseAmount(text: string, asset: string, options: { allowZero?: boolean } = {}): bigint {
  const decimals = assetDecimals(asset);
  if (decimals === undefined)
    throw new NexusError(
      'VALUE_INVALID',
      `amount: unknown asset "${asset.slice(0, 20)}"; known: ${knownAssets().join(', ')}`,
    );
  const m = DECIMAL.exec(text.trim());
  if (!m)
    throw new NexusError('VALUE_INVALID', `amount: "${text.slice(0, 40)}" is not a positive decimal number`);
  const whole = m[1] as string;
  const frac = m[2] ?? '';
  if (frac.replace(/0+$/, '').length > decimals)
    throw new NexusError(
      'VALUE_INVALID',
      `amount: "${text.slice(0, 40)}" has more than ${decimals} decimals for ${asset}`,
    );
  const units =
    BigInt(whole) * 10n ** BigInt(decimals) + BigInt((frac + '0'.repeat(decimals)).slice(0, decimals) || '0');
  if (units === 0n && !options.allowZero)
    throw new NexusError('VALUE_INVALID', `amount: "${text.slice(0, 40)}" is zero`);
  return units;
}

/** Base units as a decimal string in the asset's units, without trailing zeros: 50000000n BTC -> `0.5`. */
export function formatAmount(units: bigint, asset: string): string {
  const decimals = assetDecimals(asset) ?? 0;
  const negative = units < 0n;
  const abs = negative ? -units : units;
  if (decimals === 0) return `${negative ? '-' : ''}${abs}`;
  const s = abs.toString().padStart(decimals + 1, '0');
  const whole = s.slice(0, s.length - decimals);
  const frac = s.slice(s.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}
