// Exact crypto amounts: decimal text <-> integer base units (satoshi, wei, sun...) as bigint, never floats, and
// the decimals of the assets Nexus knows (data/assets.json).

import table from './data/assets.json' with { type: 'json' };
import { NexusError } from './errors.js';

interface AssetRow {
  decimals: number;
  aliases?: string[];
  chains?: Record<string, number>;
}

const ASSETS = new Map<string, AssetRow>();
for (const [code, row] of Object.entries(table.assets as Record<string, AssetRow>)) {
  ASSETS.set(code, row);
  for (const alias of row.aliases ?? []) ASSETS.set(alias, row);
}

/**
 * The decimals of an asset (case-insensitive code or alias: BTC/XBT, ETH, USDT...), on a chain when the token
 * differs per chain (USDT has 6 on ETH and TRX, 18 on BSC); undefined for an asset not in the table.
 */
export function assetDecimals(asset: string, chain?: string): number | undefined {
  const row = ASSETS.get(asset.trim().toUpperCase());
  if (!row) return undefined;
  const perChain = chain === undefined ? undefined : row.chains?.[chain.trim().toUpperCase()];
  return perChain ?? row.decimals;
}

/** Like assetDecimals, but an unknown asset is a VALUE_INVALID error. */
export function requireAssetDecimals(asset: string, chain?: string): number {
  const d = assetDecimals(asset, chain);
  if (d === undefined)
    throw new NexusError('VALUE_INVALID', `unknown asset '${asset}'${chain ? ` on chain '${chain}'` : ''}`, {
      asset,
      chain,
    });
  return d;
}

/** Asset codes in the table, aliases included. */
export function knownAssets(): string[] {
  return [...ASSETS.keys()].sort();
}

const DECIMAL = /^([0-9]+)(?:\.([0-9]+))?$/;

/**
 * A decimal string ("12.5", "0.00000001", "7") in an asset with `decimals` places, as base units. Rejects,
 * with VALUE_INVALID: the empty string, signs, exponents, spaces, separators other than one '.', and more
 * fractional digits than the asset has (even zeros: "1.000000000" is not a BTC amount).
 */
export function parseUnits(text: string, decimals: number): bigint {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 36)
    throw new NexusError('VALUE_INVALID', `decimals must be an integer from 0 to 36, got ${decimals}`);
  const m = DECIMAL.exec(text);
  if (!m) {
    const why =
      text === ''
        ? 'empty'
        : text.startsWith('-')
          ? 'negative'
          : /[eE]/.test(text)
            ? 'exponent notation'
            : 'not a decimal number';
    throw new NexusError('VALUE_INVALID', `amount '${text.slice(0, 60)}': ${why}`, {
      value: text.slice(0, 60),
    });
  }
  const whole = m[1] as string;
  const frac = m[2] ?? '';
  if (frac.length > decimals)
    throw new NexusError(
      'VALUE_INVALID',
      `amount '${text.slice(0, 60)}' has ${frac.length} decimal places, the asset has ${decimals}`,
      { value: text.slice(0, 60), decimals },
    );
  return BigInt(whole + frac.padEnd(decimals, '0'));
}

/** Base units as a decimal string in an asset with `decimals` places: no trailing zeros, no exponent. */
export function formatUnits(units: bigint, decimals: number): string {
  const neg = units < 0n;
  const digits = (neg ? -units : units).toString();
  let out: string;
  if (decimals <= 0) out = digits;
  else {
    const padded = digits.padStart(decimals + 1, '0');
    const whole = padded.slice(0, padded.length - decimals);
    const frac = padded.slice(padded.length - decimals).replace(/0+$/, '');
    out = frac ? `${whole}.${frac}` : whole;
  }
  return neg ? `-${out}` : out;
}

/**
 * A positive amount of an asset as base units: VALUE_INVALID for an unknown asset, zero (unless allowed), or any
 * text parseUnits refuses.
 */
export function parseAmount(
  text: string,
  asset: string,
  options: { chain?: string; allowZero?: boolean } = {},
): bigint {
  const units = parseUnits(text.trim(), requireAssetDecimals(asset, options.chain));
  if (units === 0n && !options.allowZero)
    throw new NexusError('VALUE_INVALID', `amount '${text.slice(0, 60)}' is zero`);
  return units;
}

/** Base units of an asset as a decimal string in its units (`50000000n` BTC -> `0.5`). */
export function formatAmount(units: bigint, asset: string, chain?: string): string {
  return formatUnits(units, assetDecimals(asset, chain) ?? 0);
}

/** EVM addresses (0x and 40 hex digits) are case-insensitive: lower case, so every source meets every other. */
export function normaliseAddress(address: string): string {
  return /^0x[0-9a-fA-F]{40}$/.test(address) ? address.toLowerCase() : address;
}
