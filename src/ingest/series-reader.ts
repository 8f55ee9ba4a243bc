// Readers of indicator time series: the generic CSV format `series` (series,name,unit,area,period,value[,low,high])
// and the helpers the named real formats share. A reader takes every file of a source at once (points are often
// sums over many rows), yields its rejects as it reads, then each series whole, in id order.
import { basename } from 'node:path';
import type { SeriesFrequency, SeriesInput, SeriesPoint } from '../store/index.js';
import { readLines } from './lines.js';
import { type Reject, reject } from './reader.js';
import { splitCsvLine } from './transfers-reader.js';

export interface SeriesItem {
  kind: 'series';
  series: SeriesInput;
}

export type SeriesReadItem = SeriesItem | Reject;

export interface SeriesReadOptions {
  onBytes(bytes: number): void;
  signal?: AbortSignal;
}

export type SeriesReader = (
  files: readonly string[],
  opts: SeriesReadOptions,
) => AsyncGenerator<SeriesReadItem>;

export const SERIES_COLUMNS = ['series', 'name', 'unit', 'area', 'period', 'value'] as const;
export const SERIES_OPTIONAL_COLUMNS = [
  'low',
  'high',
  'subject',
  'country',
  'frequency',
  'source',
  'partial',
] as const;

const MAX_LINE_BYTES = 1024 * 1024;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?$/;

/** A problem with one field of one row: becomes a reject naming the file, line and field. */
export class RowError extends Error {
  constructor(
    readonly field: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A decimal number as text (no thousands separators, no NaN or Infinity), or undefined. */
export function parseDecimal(text: string | undefined): number | undefined {
  const t = (text ?? '').trim();
  if (!DECIMAL.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

export function decimalField(
  text: string | undefined,
  field: string,
  options: { min?: number } = {},
): number {
  const n = parseDecimal(text);
  if (n === undefined)
    throw new RowError(field, 'VALUE_INVALID', `${field} "${clip(text)}" is not a decimal number`);
  if (options.min !== undefined && n < options.min)
    throw new RowError(field, 'VALUE_INVALID', `${field} ${n} is below ${options.min}`);
  return n;
}

/** A non-negative whole number; blank is `blank` (a count the source leaves empty when there was none). */
export function countField(text: string | undefined, field: string, blank?: number): number {
  const t = (text ?? '').trim();
  if (t === '' && blank !== undefined) return blank;
  if (!/^\d{1,15}$/.test(t))
    throw new RowError(field, 'VALUE_INVALID', `${field} "${clip(text)}" is not a count`);
  return Number(t);
}

export function textField(text: string | undefined, field: string, max = 200): string {
  const t = (text ?? '').trim();
  if (t === '' || t.length > max || CONTROL.test(t))
    throw new RowError(
      field,
      'VALUE_INVALID',
      `${field} must be 1-${max} characters without control characters`,
    );
  return t;
}

function clip(text: string | undefined): string {
  const t = text ?? '';
  return t.length > 40 ? `${t.slice(0, 40)}...` : t;
}

/** Lower-case words joined by `-`, accents folded: `Istanbul (II-VII)` -> `istanbul-ii-vii`. */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

function isoWeekMonday(year: number, week: number): string | undefined {
  // ISO 8601: week 1 holds 4 January; weeks start on Monday.
  const jan4 = Date.UTC(year, 0, 4);
  const dow = (new Date(jan4).getUTCDay() + 6) % 7;
  const monday = jan4 - dow * 86_400_000 + (week - 1) * 7 * 86_400_000;
  const date = new Date(monday).toISOString().slice(0, 10);
  const weeksInYear = hasWeek53(year) ? 53 : 52;
  return week >= 1 && week <= weeksInYear ? date : undefined;
}

function hasWeek53(year: number): boolean {
  // A year has 53 ISO weeks when it starts on a Thursday, or is a leap year starting on a Wednesday.
  const jan1 = new Date(Date.UTC(year, 0, 1)).getUTCDay();
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return jan1 === 4 || (leap && jan1 === 3);
}

function validDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * A period as the ISO date it starts on, with the frequency its form implies: `2019` (year), `2019-Q3` (quarter),
 * `2019-07` (month), `2019-W27` (ISO week, its Monday), `2019-07-01` (day). Undefined when malformed.
 */
export function parsePeriod(text: string): { period: string; frequency: SeriesFrequency } | undefined {
  const t = text.trim();
  let m = /^(\d{4})$/.exec(t);
  if (m) return { period: `${m[1]}-01-01`, frequency: 'year' };
  m = /^(\d{4})-?Q([1-4])$/i.exec(t);
  if (m)
    return {
      period: `${m[1]}-${String((Number(m[2]) - 1) * 3 + 1).padStart(2, '0')}-01`,
      frequency: 'quarter',
    };
  m = /^(\d{4})-(\d{2})$/.exec(t);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12)
    return { period: `${m[1]}-${m[2]}-01`, frequency: 'month' };
  m = /^(\d{4})-?W(\d{2})$/i.exec(t);
  if (m) {
    const monday = isoWeekMonday(Number(m[1]), Number(m[2]));
    return monday ? { period: monday, frequency: 'week' } : undefined;
  }
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (m && validDate(Number(m[1]), Number(m[2]), Number(m[3]))) return { period: t, frequency: 'day' };
  return undefined;
}

/** `3-5,9` from whole numbers. */
export function ranges(numbers: readonly number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    runs.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return runs.join(',');
}

/** `f.csv:3-5,9` from a file and line numbers. */
export function linesOrigin(file: string, lines: readonly number[]): string {
  return `${file}:${ranges(lines)}`;
}

type Meta = Omit<SeriesInput, 'points'>;

/** Collects points per series, refusing a second, different value for a period and metadata that changes. */
export class SeriesBuilder {
  private readonly series = new Map<string, { meta: Meta; points: Map<string, SeriesPoint> }>();

  /** Undefined when taken (or an identical repeat); otherwise why not, as a RowError. */
  add(meta: Meta, point: SeriesPoint): RowError | undefined {
    let s = this.series.get(meta.id);
    if (!s) {
      s = { meta, points: new Map() };
      this.series.set(meta.id, s);
    }
    for (const key of ['name', 'unit', 'area', 'country', 'subject', 'frequency', 'source'] as const)
      if (s.meta[key] !== meta[key])
        return new RowError(
          key,
          'SERIES_INCONSISTENT',
          `series "${meta.id}" has ${key} "${s.meta[key]}" on an earlier row, "${meta[key]}" here`,
        );
    const old = s.points.get(point.period);
    if (old) {
      if (old.value === point.value && old.low === point.low && old.high === point.high) return undefined;
      return new RowError(
        'period',
        'PERIOD_DUPLICATE',
        `series "${meta.id}" already has ${old.value} for ${point.period} (${old.origin ?? 'earlier'})`,
      );
    }
    s.points.set(point.period, point);
    return undefined;
  }

  has(id: string): boolean {
    return this.series.has(id);
  }

  /** Every series, by id, with its points by period. */
  finish(): SeriesInput[] {
    return [...this.series.values()]
      .map(({ meta, points }) => ({
        ...meta,
        points: [...points.values()].sort((a, b) => (a.period < b.period ? -1 : 1)),
      }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

export interface CsvRow {
  kind: 'row';
  file: string;
  line: number;
  cell(column: string): string | undefined;
}

/**
 * The rows of a CSV file with a header, as cells by column name (lower case). Yields a reject for a header missing
 * required columns (and stops), for undecodable lines and unbalanced quotes.
 */
export async function* csvRows(
  path: string,
  required: readonly string[],
  opts: SeriesReadOptions,
): AsyncGenerator<CsvRow | Reject> {
  const file = basename(path);
  let at: Map<string, number> | undefined;
  for await (const l of readLines(path, { ...opts, maxLineBytes: MAX_LINE_BYTES })) {
    opts.signal?.throwIfAborted();
    if (l.text.trim() === '') continue;
    if (!at) {
      const cells = splitCsvLine(l.text) ?? [];
      at = new Map(cells.map((c, i) => [c.trim().toLowerCase(), i]));
      const missing = required.filter((w) => !at?.has(w));
      if (missing.length) {
        yield reject(
          file,
          'COLUMN_MISSING',
          `header lacks ${missing.join(', ')}; expected ${required.join(',')}`,
          {
            line: l.line,
          },
        );
        return;
      }
      continue;
    }
    if (l.badEncoding) {
      yield reject(file, 'ENCODING_INVALID', 'the line is not valid UTF-8', { line: l.line });
      continue;
    }
    const cells = splitCsvLine(l.text);
    if (!cells) {
      yield reject(file, 'RECORD_INVALID', 'unbalanced quotes', { line: l.line });
      continue;
    }
    const columns = at;
    yield { kind: 'row', file, line: l.line, cell: (c: string) => cells[columns.get(c) ?? -1] };
  }
}

/** The header of a CSV file, lower case, or undefined when the file does not look like text CSV. */
export async function csvHeader(path: string): Promise<string[] | undefined> {
  for await (const l of readLines(path, { onBytes: () => {}, maxLineBytes: MAX_LINE_BYTES })) {
    if (l.text.trim() === '') continue;
    if (l.badEncoding) return undefined;
    return (splitCsvLine(l.text) ?? []).map((c) => c.trim().toLowerCase());
  }
  return undefined;
}

const TRUE = new Set(['1', 'true', 'yes', 'y']);
const FALSE = new Set(['', '0', 'false', 'no', 'n']);

/** The generic format: one point per row, `series,name,unit,area,period,value` and optional columns. */
export const readGenericSeries: SeriesReader = async function* (files, opts) {
  const builder = new SeriesBuilder();
  for (const path of files) {
    for await (const row of csvRows(path, SERIES_COLUMNS, opts)) {
      if (row.kind === 'reject') {
        yield row;
        continue;
      }
      try {
        const id = textField(row.cell('series'), 'series');
        const parsed = parsePeriod(row.cell('period') ?? '');
        if (!parsed)
          throw new RowError(
            'period',
            'VALUE_INVALID',
            'period is YYYY, YYYY-Qn, YYYY-MM, YYYY-Www or YYYY-MM-DD',
          );
        const given = (row.cell('frequency') ?? '').trim().toLowerCase();
        const frequency = (given === '' ? parsed.frequency : given) as SeriesFrequency;
        if (!['day', 'week', 'month', 'quarter', 'year', 'irregular'].includes(frequency))
          throw new RowError(
            'frequency',
            'VALUE_INVALID',
            'frequency is day, week, month, quarter, year or irregular',
          );
        if (given !== '' && given !== 'irregular' && given !== parsed.frequency)
          throw new RowError(
            'period',
            'VALUE_INVALID',
            `period "${row.cell('period')}" is not a ${given} period`,
          );
        const value = decimalField(row.cell('value'), 'value');
        const lowText = (row.cell('low') ?? '').trim();
        const highText = (row.cell('high') ?? '').trim();
        const low = lowText === '' ? null : decimalField(lowText, 'low');
        const high = highText === '' ? null : decimalField(highText, 'high');
        if ((low === null) !== (high === null))
          throw new RowError(
            low === null ? 'low' : 'high',
            'VALUE_INVALID',
            'give both low and high, or neither',
          );
        if (low !== null && high !== null && !(low <= value && value <= high))
          throw new RowError(
            'low',
            'VALUE_INVALID',
            `low ${low} <= value ${value} <= high ${high} does not hold`,
          );
        const partialText = (row.cell('partial') ?? '').trim().toLowerCase();
        if (!TRUE.has(partialText) && !FALSE.has(partialText))
          throw new RowError('partial', 'VALUE_INVALID', 'partial is true or false (or blank)');
        const country = (row.cell('country') ?? '').trim().toLowerCase();
        if (country !== '' && !/^[a-z]{2}$/.test(country))
          throw new RowError('country', 'VALUE_INVALID', 'country is an ISO 3166 alpha-2 code such as GB');
        const sourceText = (row.cell('source') ?? '').trim();
        const meta = {
          id,
          name: textField(row.cell('name'), 'name', 500),
          unit: textField(row.cell('unit'), 'unit', 100),
          area: textField(row.cell('area'), 'area'),
          country,
          subject: (row.cell('subject') ?? '').trim() === '' ? '' : textField(row.cell('subject'), 'subject'),
          frequency,
          source: sourceText === '' ? row.file : textField(sourceText, 'source', 500),
        };
        const problem = builder.add(meta, {
          period: parsed.period,
          value,
          low,
          high,
          partial: TRUE.has(partialText),
          origin: `${row.file}:${row.line}`,
        });
        if (problem) throw problem;
      } catch (err) {
        if (!(err instanceof RowError)) throw err;
        yield reject(row.file, err.code, err.message, { line: row.line, field: err.field });
      }
    }
  }
  for (const series of builder.finish()) yield { kind: 'series', series };
};
