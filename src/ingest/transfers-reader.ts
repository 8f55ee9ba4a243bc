// Readers for value moving on chains: account-model transfers (CSV `chain,tx_hash,time,from,to,asset,amount`),
// UTXO transactions (JSON lines with inputs and outputs) and address labels (CSV `chain,address,label,category`).
// Amounts become exact integers in base units; every bad row is a reject naming file, line and field.
import { basename } from 'node:path';
import { assetDecimals, knownAssets, normaliseAddress, parseAmount } from '../model/index.js';
import type { AddressLabel, CryptoTx, TransferLeg } from '../store/index.js';
import { readLines } from './lines.js';
import { type Reject, reject } from './reader.js';

export const TRANSFER_COLUMNS = ['chain', 'tx_hash', 'time', 'from', 'to', 'asset', 'amount'] as const;
export const LABEL_COLUMNS = ['chain', 'address', 'label', 'category'] as const;
export const LABEL_CATEGORIES = [
  'exchange',
  'mixer',
  'bridge',
  'gambling',
  'sanctioned',
  'ransomware',
  'darknet',
  'scam',
  'theft',
  'service',
  'user',
] as const;

const CHAIN = /^[a-z0-9][a-z0-9-]{0,31}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
const TOKEN = /^[\x21-\x7e]{1,128}$/;
const MAX_LINE_BYTES = 1024 * 1024;
const MAX_LEGS = 10_000;

export interface TxItem {
  kind: 'tx';
  tx: CryptoTx;
  line: number;
}

export interface LabelItem {
  kind: 'label';
  label: AddressLabel;
  line: number;
}

export type TransferItem = TxItem | LabelItem | Reject;

interface ReadOptions {
  onBytes(bytes: number): void;
  signal?: AbortSignal;
}

/** Splits one CSV line: commas, fields optionally in double quotes with "" for a quote. Undefined when malformed. */
export function splitCsvLine(line: string): string[] | undefined {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      if (i === line.length) return out;
      if (line[i] !== ',') return undefined;
      i++;
    } else {
      const c = line.indexOf(',', i);
      const field = c < 0 ? line.slice(i) : line.slice(i, c);
      if (field.includes('"')) return undefined;
      out.push(field);
      if (c < 0) return out;
      i = c + 1;
    }
  }
}

/** Unix seconds (up to 11 digits), Unix milliseconds (12-13 digits) or an ISO 8601 date-time with a zone. */
export function parseTime(text: string): number | undefined {
  const t = text.trim();
  if (/^\d{1,11}$/.test(t)) return Number(t) * 1000;
  if (/^\d{12,13}$/.test(t)) return Number(t);
  if (!/^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(?:Z|[+-]\d\d:?\d\d)?)?$/.test(t))
    return undefined;
  const ms = Date.parse(t.length === 10 ? `${t}T00:00:00Z` : /Z|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

class RowError extends Error {
  constructor(
    readonly field: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function chainOf(text: string | undefined): string {
  const chain = (text ?? '').trim().toLowerCase();
  if (!CHAIN.test(chain))
    throw new RowError('chain', 'VALUE_INVALID', 'chain is 1-32 letters, digits or "-"');
  return chain;
}

function token(text: string | undefined, field: string): string {
  const v = (text ?? '').trim();
  if (!TOKEN.test(v))
    throw new RowError(field, 'VALUE_INVALID', `${field} is 1-128 printable characters, no spaces`);
  return v;
}

function addressOf(text: string | undefined, field: string): string {
  return normaliseAddress(token(text, field));
}

function amountOf(text: string | undefined, asset: string, field: string, chain?: string): string {
  try {
    return parseAmount(text ?? '', asset, chain === undefined ? {} : { chain }).toString();
  } catch (err) {
    throw new RowError(field, 'VALUE_INVALID', (err as Error).message);
  }
}

function timeOf(text: string | undefined): number {
  const t = parseTime(text ?? '');
  if (t === undefined)
    throw new RowError(
      'time',
      'VALUE_INVALID',
      'time is Unix seconds or milliseconds, or an ISO 8601 date-time',
    );
  return t;
}

function assetOf(text: string | undefined): string {
  const asset = (text ?? '').trim().toUpperCase();
  if (!/^[A-Z0-9]{1,12}$/.test(asset))
    throw new RowError('asset', 'VALUE_INVALID', 'asset is a ticker such as BTC');
  if (assetDecimals(asset) === undefined)
    throw new RowError(
      'asset',
      'VALUE_INVALID',
      `unknown asset "${asset}"; known: ${knownAssets().join(', ')}`,
    );
  return asset;
}

/** Reads a CSV header into column positions; a reject naming the missing columns when any is absent. */
function columns(
  file: string,
  header: string,
  wanted: readonly string[],
): { at: Map<string, number> } | { missing: Reject } {
  const cells = splitCsvLine(header.replace(/^\uFEFF/, '')) ?? [];
  const at = new Map(cells.map((c, i) => [c.trim().toLowerCase(), i]));
  const missing = wanted.filter((w) => !at.has(w));
  if (missing.length)
    return {
      missing: reject(
        basename(file),
        'COLUMN_MISSING',
        `header lacks ${missing.join(', ')}; expected ${wanted.join(',')}`,
        { line: 1 },
      ),
    };
  return { at };
}

/** Account-model transfers, one per CSV row. */
export async function* readTransfers(file: string, opts: ReadOptions): AsyncGenerator<TransferItem> {
  const name = basename(file);
  let at: Map<string, number> | undefined;
  for await (const l of readLines(file, { ...opts, maxLineBytes: MAX_LINE_BYTES })) {
    opts.signal?.throwIfAborted();
    if (l.text.trim() === '') continue;
    if (!at) {
      const h = columns(file, l.text, TRANSFER_COLUMNS);
      if ('missing' in h) {
        yield h.missing;
        return;
      }
      at = h.at;
      continue;
    }
    if (l.badEncoding) {
      yield reject(name, 'ENCODING_INVALID', 'the line is not valid UTF-8', { line: l.line });
      continue;
    }
    const cells = splitCsvLine(l.text.replace(/\r$/, ''));
    if (!cells) {
      yield reject(name, 'RECORD_INVALID', 'unbalanced quotes', { line: l.line });
      continue;
    }
    const cell = (c: string) => cells[at?.get(c) ?? -1];
    try {
      const asset = assetOf(cell('asset'));
      const chain = chainOf(cell('chain'));
      const from = addressOf(cell('from'), 'from');
      const to = addressOf(cell('to'), 'to');
      const tx: CryptoTx = {
        chain,
        asset,
        tx: token(cell('tx_hash'), 'tx_hash'),
        time: timeOf(cell('time')),
        legs: [{ leg: 0, n: 0, from, to, amount: amountOf(cell('amount'), asset, 'amount', chain) }],
        origin: `${name}:${l.line}`,
      };
      yield { kind: 'tx', tx, line: l.line };
    } catch (err) {
      if (!(err instanceof RowError)) throw err;
      yield reject(name, err.code, err.message, { line: l.line, field: err.field });
    }
  }
}

interface UtxoLeg {
  address?: unknown;
  amount?: unknown;
}

/** UTXO transactions, one JSON object per line: {chain, tx_hash, time, asset, inputs: [...], outputs: [...]}. */
export async function* readUtxo(file: string, opts: ReadOptions): AsyncGenerator<TransferItem> {
  const name = basename(file);
  for await (const l of readLines(file, { ...opts, maxLineBytes: MAX_LINE_BYTES })) {
    opts.signal?.throwIfAborted();
    if (l.text.trim() === '') continue;
    if (l.badEncoding) {
      yield reject(name, 'ENCODING_INVALID', 'the line is not valid UTF-8', { line: l.line });
      continue;
    }
    let o: Record<string, unknown>;
    try {
      const parsed = JSON.parse(l.text) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      o = parsed as Record<string, unknown>;
    } catch {
      yield reject(name, 'RECORD_INVALID', 'the line is not a JSON object', { line: l.line });
      continue;
    }
    try {
      const asset = assetOf(String(o.asset ?? ''));
      const legsOf = (list: unknown, side: 'inputs' | 'outputs'): TransferLeg[] => {
        if (!Array.isArray(list) || list.length > MAX_LEGS)
          throw new RowError(
            side,
            'VALUE_INVALID',
            `${side} is a list of at most ${MAX_LEGS} {address, amount}`,
          );
        return list.map((raw: UtxoLeg, n) => {
          if (typeof raw !== 'object' || raw === null)
            throw new RowError(`${side}.${n}`, 'VALUE_INVALID', 'each leg is {address, amount}');
          const address = addressOf(String(raw.address ?? ''), `${side}.${n}.address`);
          const amount = amountOf(String(raw.amount ?? ''), asset, `${side}.${n}.amount`);
          return side === 'inputs'
            ? { leg: 1, n, from: address, to: null, amount }
            : { leg: 2, n, from: null, to: address, amount };
        });
      };
      const inputs = legsOf(o.inputs, 'inputs');
      const outputs = legsOf(o.outputs, 'outputs');
      const coinbase = o.coinbase === true;
      if (outputs.length === 0) throw new RowError('outputs', 'VALUE_INVALID', 'a transaction needs outputs');
      if (inputs.length === 0 && !coinbase)
        throw new RowError('inputs', 'VALUE_INVALID', 'a transaction needs inputs (or "coinbase": true)');
      const sum = (legs: TransferLeg[]) => legs.reduce((s, x) => s + BigInt(x.amount), 0n);
      if (!coinbase && sum(outputs) > sum(inputs))
        throw new RowError(
          'outputs',
          'OUTPUTS_EXCEED_INPUTS',
          `outputs (${sum(outputs)}) exceed inputs (${sum(inputs)}) in base units`,
        );
      const tx: CryptoTx = {
        chain: chainOf(String(o.chain ?? '')),
        asset,
        tx: token(String(o.tx_hash ?? ''), 'tx_hash'),
        time: timeOf(String(o.time ?? '')),
        legs: [...inputs, ...outputs],
        origin: `${name}:${l.line}`,
      };
      yield { kind: 'tx', tx, line: l.line };
    } catch (err) {
      if (!(err instanceof RowError)) throw err;
      yield reject(name, err.code, err.message, { line: l.line, field: err.field });
    }
  }
}

/** Address labels: CSV chain,address,label,category. */
export async function* readLabels(file: string, opts: ReadOptions): AsyncGenerator<TransferItem> {
  const name = basename(file);
  let at: Map<string, number> | undefined;
  for await (const l of readLines(file, { ...opts, maxLineBytes: MAX_LINE_BYTES })) {
    opts.signal?.throwIfAborted();
    if (l.text.trim() === '') continue;
    if (!at) {
      const h = columns(file, l.text, LABEL_COLUMNS);
      if ('missing' in h) {
        yield h.missing;
        return;
      }
      at = h.at;
      continue;
    }
    const cells = splitCsvLine(l.text.replace(/\r$/, ''));
    if (!cells || l.badEncoding) {
      yield reject(name, 'RECORD_INVALID', 'unbalanced quotes or invalid UTF-8', { line: l.line });
      continue;
    }
    const cell = (c: string) => cells[at?.get(c) ?? -1];
    try {
      const category = (cell('category') ?? '').trim().toLowerCase();
      if (!(LABEL_CATEGORIES as readonly string[]).includes(category))
        throw new RowError('category', 'VALUE_INVALID', `category is one of ${LABEL_CATEGORIES.join(', ')}`);
      const label = (cell('label') ?? '').trim();
      if (label === '' || label.length > 200 || CONTROL.test(label))
        throw new RowError('label', 'VALUE_INVALID', 'label is 1-200 characters without control characters');
      yield {
        kind: 'label',
        label: {
          chain: chainOf(cell('chain')),
          address: addressOf(cell('address'), 'address'),
          label,
          category,
        },
        line: l.line,
      };
    } catch (err) {
      if (!(err instanceof RowError)) throw err;
      yield reject(name, err.code, err.message, { line: l.line, field: err.field });
    }
  }
}

/** Chains of the assets OFAC lists addresses for (file names `sanctioned_addresses_<ASSET>.txt`). */
const ASSET_CHAINS: Readonly<Record<string, string>> = {
  XBT: 'bitcoin',
  BTC: 'bitcoin',
  ETH: 'ethereum',
  USDC: 'ethereum',
  LTC: 'litecoin',
  BCH: 'bitcoin-cash',
  BSV: 'bitcoin-sv',
  BTG: 'bitcoin-gold',
  TRX: 'tron',
  DASH: 'dash',
  XMR: 'monero',
  ZEC: 'zcash',
  ARB: 'arbitrum',
  BSC: 'bsc',
  ETC: 'ethereum-classic',
  XRP: 'ripple',
  XVG: 'verge',
};

/** The chain of a listed address: USDT lives on Ethereum (0x...) and Tron (T...). */
export function chainOfListed(asset: string, address: string): string | undefined {
  if (asset === 'USDT')
    return address.startsWith('0x') ? 'ethereum' : address.startsWith('T') ? 'tron' : undefined;
  return ASSET_CHAINS[asset];
}

/**
 * OFAC's sanctioned address lists as published per asset (`sanctioned_addresses_XBT.txt`: one address per line):
 * each address becomes a `sanctioned` label.
 */
export async function* readAddressList(file: string, opts: ReadOptions): AsyncGenerator<TransferItem> {
  const name = basename(file);
  const asset = /sanctioned_addresses_([A-Z0-9]+)\.txt$/i.exec(name)?.[1]?.toUpperCase() ?? '';
  for await (const l of readLines(file, { ...opts, maxLineBytes: MAX_LINE_BYTES })) {
    opts.signal?.throwIfAborted();
    const address = l.text.trim();
    if (address === '') continue;
    const chain = chainOfListed(asset, address);
    if (!chain || !TOKEN.test(address)) {
      yield reject(name, 'VALUE_INVALID', `no chain known for asset "${asset}" or not an address`, {
        line: l.line,
        field: 'address',
      });
      continue;
    }
    yield {
      kind: 'label',
      label: {
        chain,
        address: normaliseAddress(address),
        label: `OFAC SDN list (${asset})`,
        category: 'sanctioned',
      },
      line: l.line,
    };
  }
}
