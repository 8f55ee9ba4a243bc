// The mapping reader: an analyst's own CSV or XLSX case sheet, turned into FtM entities by a YAML mapping file.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { NexusError } from '../model/errors.js';
import { checkHeader, type Encoding, loadMapping, type Mapping, mapRow } from './mapping.js';
import {
  type Origin,
  type Reader,
  type ReaderOptions,
  type ReadItem,
  type Reject,
  reject,
} from './reader.js';

// Caps that keep a hostile or broken file from exhausting memory; Excel itself stops at 1,048,576 rows.
const MAX_RECORD_BYTES = 8 * 1024 * 1024;
const MAX_COLUMNS = 2000;
const MAX_XLSX_ROWS = 1_048_576;
const SNIFF_BYTES = 8192;

export const mappingReader: Reader = {
  format: 'mapping',
  read: readAll,
};

async function* readAll(paths: readonly string[], opts: ReaderOptions): AsyncIterable<ReadItem> {
  const mappingPath = opts.options.get('mapping');
  if (mappingPath === undefined || mappingPath === '') {
    throw new NexusError(
      'USAGE_INVALID',
      'ingest.mapping: the mapping reader needs a mapping file (option "mapping")',
    );
  }
  // The whole mapping is validated before any source file is opened.
  const mapping = await loadMapping(mappingPath);
  for (const path of paths) {
    const kind = await sniff(path, mapping.csv.encoding);
    if (kind === 'xlsx') yield* readXlsx(path, mapping, opts);
    else yield* readCsv(path, mapping, opts);
  }
}

/** Decides CSV or XLSX from the extension, and refuses files whose bytes contradict it. */
async function sniff(path: string, encoding: Encoding): Promise<'csv' | 'xlsx'> {
  const name = basename(path);
  const head = Buffer.alloc(SNIFF_BYTES);
  let size: number;
  try {
    const handle = await open(path, 'r');
    try {
      size = (await handle.read(head, 0, SNIFF_BYTES, 0)).bytesRead;
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw new NexusError(
      'SOURCE_UNREADABLE',
      `ingest.mapping: cannot open ${name}: ${(err as Error).message}`,
      { file: path },
    );
  }
  const bytes = head.subarray(0, size);
  const isZip = size >= 4 && bytes.readUInt32BE(0) === 0x504b0304;
  const isOle = size >= 4 && bytes.readUInt32BE(0) === 0xd0cf11e0;
  const ext = extname(path).toLowerCase();
  const mismatch = (what: string) =>
    new NexusError(
      'FORMAT_MISMATCH',
      `ingest.mapping: ${name} is named ${ext || 'without an extension'} but ${what}`,
      { file: path },
    );
  if (isOle) throw mismatch('is a legacy binary Office file (.xls); save it as .xlsx or .csv');
  if (ext === '.xlsx' || ext === '.xlsm') {
    if (!isZip) throw mismatch('is not an XLSX workbook (not a ZIP archive)');
    return 'xlsx';
  }
  if (isZip) {
    if (ext === '.csv' || ext === '.tsv' || ext === '.txt')
      throw mismatch('is a ZIP archive (an XLSX workbook?), not text');
    return 'xlsx';
  }
  // NUL bytes do not occur in 8-bit or UTF-8 text; UTF-16 text is full of them.
  if (encoding !== 'utf-16le' && bytes.includes(0)) throw mismatch('holds binary data, not text');
  return 'csv';
}

/** The row's entities as one record, or a reject when the row had data but no entity's keys were filled. */
function rowItem(
  mapping: Mapping,
  origin: Origin,
  cells: Map<string, string>,
  isoColumns?: Set<string>,
  extra: Reject[] = [],
): ReadItem | undefined {
  const where = { line: origin.line, record: origin.record };
  if ([...cells.values()].every((v) => v.trim() === '') && extra.length === 0) return undefined;
  const { entities, problems } = mapRow(mapping, cells, isoColumns);
  if (entities.length === 0) {
    return reject(
      origin.file,
      'RECORD_INVALID',
      'the row produced no entity: every mapped entity has empty key columns',
      where,
    );
  }
  const all = [
    ...extra,
    ...problems.map((p) => reject(origin.file, p.code, p.reason, { ...where, field: p.field })),
  ];
  return { kind: 'record', origin, entities, ...(all.length > 0 ? { problems: all } : {}) };
}

async function* readCsv(path: string, mapping: Mapping, opts: ReaderOptions): AsyncIterable<ReadItem> {
  const name = basename(path);
  const parser = parse({
    delimiter: mapping.csv.delimiter,
    bom: true,
    info: true,
    relax_column_count: false,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  // Skipped records are announced out of band; they are queued and merged back in line order.
  const skipped: Array<{ line: number; item: Reject; fatal: boolean }> = [];
  parser.on('skip', (err: CsvError) => {
    const line = typeof err.lines === 'number' ? err.lines : undefined;
    const fatal = err.code === 'CSV_MAX_RECORD_SIZE';
    const reason = fatal ? `${err.message}; the rest of the file was not read` : err.message;
    skipped.push({
      line: line ?? 0,
      item: reject(path, fatal ? 'LIMIT_REACHED' : 'RECORD_INVALID', reason, { line }),
      fatal,
    });
  });
  const source = createReadStream(path);
  pipeline(source, decodeChunks(name, mapping.csv.encoding, opts), parser).catch(() => {
    // The error reaches the loop below through the destroyed parser.
  });
  let header: string[] | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      opts.signal?.throwIfAborted();
      // info.lines is where the record ends; a quoted field can span lines, and the start is what people look for.
      const line = info.lines - record.reduce((n, field) => n + countNewlines(field), 0);
      for (let next = skipped[0]; next !== undefined && next.line < line; next = skipped[0]) {
        skipped.shift();
        yield next.item;
        if (next.fatal) return;
      }
      if (header === undefined) {
        if (record.length > MAX_COLUMNS)
          throw limit(name, `the header has ${record.length} columns (at most ${MAX_COLUMNS})`);
        header = record.map((h) => h.trim());
        checkHeader(mapping, header, name);
        continue;
      }
      const cells = new Map<string, string>();
      header.forEach((column, i) => {
        if (!cells.has(column)) cells.set(column, record[i] ?? '');
      });
      const item = rowItem(mapping, { file: path, line }, cells);
      if (item) yield item;
    }
  } catch (err) {
    if (err instanceof NexusError || opts.signal?.aborted) throw err;
    if (err instanceof CsvError) {
      // Errors csv-parse cannot skip past (an unclosed quote at the end) end the file with a reject.
      yield reject(path, 'RECORD_INVALID', `${err.message}; the rest of the file was not read`, {
        line: typeof err.lines === 'number' ? err.lines : undefined,
      });
      return;
    }
    throw new NexusError(
      'SOURCE_UNREADABLE',
      `ingest.mapping: cannot read ${name}: ${(err as Error).message}`,
      { file: path },
    );
  } finally {
    source.destroy();
  }
  for (const next of skipped) {
    yield next.item;
    if (next.fatal) return;
  }
  if (header === undefined) checkHeader(mapping, [], name);
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function limit(name: string, what: string): NexusError {
  return new NexusError('LIMIT_REACHED', `ingest.mapping: ${name}: ${what}`, { file: name });
}

/**
 * Decodes the file strictly in the configured encoding. Chunk boundaries are handled here rather than by a
 * streaming decoder so that, on a bad byte, the exact byte offset and line can be named.
 */
function decodeChunks(name: string, encoding: Encoding, opts: ReaderOptions) {
  return async function* (chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
    const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
    let carry: Uint8Array = new Uint8Array(0);
    let offset = 0;
    let lines = 0;
    const decode = (bytes: Uint8Array): string => {
      try {
        return decoder.decode(bytes);
      } catch {
        const bad = firstBadByte(bytes, encoding);
        const before = new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes.subarray(0, bad), {
          stream: true,
        });
        const line = lines + countNewlines(before) + 1;
        throw new NexusError(
          'ENCODING_INVALID',
          `ingest.mapping: ${name}: line ${line}, byte ${offset + bad}: not valid ${encoding}`,
          {
            file: name,
            line,
            byte: offset + bad,
          },
        );
      }
    };
    for await (const chunk of chunks) {
      opts.onBytes(chunk.length);
      const bytes = concat(carry, chunk);
      const keep = incompleteTail(bytes, encoding);
      const whole = bytes.subarray(0, bytes.length - keep);
      carry = bytes.slice(bytes.length - keep);
      const text = decode(whole);
      offset += whole.length;
      lines += countNewlines(text);
      if (text !== '') yield text;
    }
    if (carry.length > 0) yield decode(carry);
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** How many bytes at the end of `bytes` begin a character that the next chunk completes. */
function incompleteTail(bytes: Uint8Array, encoding: Encoding): number {
  if (encoding === 'utf-16le') {
    let keep = bytes.length % 2;
    const end = bytes.length - keep;
    // A high surrogate waits for its low half.
    if (end >= 2 && ((bytes[end - 1] ?? 0) & 0xfc) === 0xd8) keep += 2;
    return keep;
  }
  if (encoding !== 'utf-8') return 0;
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const b = bytes[bytes.length - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** The offset of the first byte that makes `bytes` undecodable; a streaming decoder only fails on real errors. */
function firstBadByte(bytes: Uint8Array, encoding: Encoding): number {
  let lo = 1;
  let hi = bytes.length;
  const fails = (n: number) => {
    try {
      new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, n), {
        stream: true,
      });
      return false;
    } catch {
      return true;
    }
  };
  if (!fails(hi)) return hi; // only the incomplete end is wrong
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fails(mid)) hi = mid;
    else lo = mid + 1;
  }
  const at = lo - 1;
  if (encoding !== 'utf-8') return at;
  // A byte that breaks a multi-byte sequence is reported at the sequence's lead byte, where the damage starts.
  for (let back = 1; back <= 3 && at - back >= 0; back++) {
    const b = bytes[at - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? at - back : at;
  }
  return at;
}

type CellValue = ExcelJS.CellValue;

/** Cell text as the analyst sees it; typed date cells come back as ISO dates and are flagged as such. */
function cellText(value: CellValue): { text: string; iso?: boolean } {
  if (value === null || value === undefined) return { text: '' };
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return { text: '' };
    const iso = value.toISOString();
    return { text: iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19), iso: true };
  }
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'number' || typeof value === 'boolean') return { text: String(value) };
  if ('richText' in value) return { text: value.richText.map((r) => r.text).join('') };
  // A formula's cached result is what the sheet showed; the formula itself is not data.
  if ('formula' in value || 'sharedFormula' in value) return cellText((value.result ?? null) as CellValue);
  if ('hyperlink' in value) return { text: String(value.text ?? '') };
  if ('error' in value) return { text: '' };
  return { text: '' };
}

async function* readXlsx(path: string, mapping: Mapping, opts: ReaderOptions): AsyncIterable<ReadItem> {
  const name = basename(path);
  const source = createReadStream(path);
  source.on('data', (chunk) => opts.onBytes(chunk.length));
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(source as unknown as Readable, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // needed to tell date cells from numbers
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const names: string[] = [];
  let found = false;
  try {
    for await (const sheet of workbook) {
      const sheetName = (sheet as unknown as { name?: string }).name ?? `Sheet${names.length + 1}`;
      names.push(sheetName);
      if (mapping.sheet !== undefined ? sheetName !== mapping.sheet : names.length > 1) continue;
      found = true;
      let header: string[] | undefined;
      let rowNumber = 0;
      for await (const row of sheet) {
        opts.signal?.throwIfAborted();
        rowNumber = Number.isFinite(row.number) ? row.number : rowNumber + 1;
        if (rowNumber > MAX_XLSX_ROWS)
          throw limit(name, `sheet "${sheetName}" has more than ${MAX_XLSX_ROWS} rows`);
        const origin: Origin = { file: path, record: `${sheetName}!${rowNumber}` };
        const texts = new Map<number, { text: string; iso?: boolean }>();
        row.eachCell({ includeEmpty: false }, (cell, col) => {
          texts.set(col, cellText(cell.value));
        });
        if (header === undefined) {
          const width = Math.max(0, ...texts.keys());
          if (width > MAX_COLUMNS)
            throw limit(name, `the header row has ${width} columns (at most ${MAX_COLUMNS})`);
          header = Array.from({ length: width }, (_, i) => (texts.get(i + 1)?.text ?? '').trim());
          checkHeader(mapping, header, `${name} (sheet ${sheetName})`);
          continue;
        }
        const cells = new Map<string, string>();
        const isoColumns = new Set<string>();
        const extra: Reject[] = [];
        for (const [col, cell] of texts) {
          const column = header[col - 1];
          if (column === undefined || column === '') {
            const reason = `a value in column ${col} is outside the header and was not read`;
            if (cell.text.trim() !== '')
              extra.push(reject(path, 'RECORD_INVALID', reason, { record: origin.record }));
            continue;
          }
          if (cells.has(column)) continue;
          cells.set(column, cell.text);
          if (cell.iso) isoColumns.add(column);
        }
        const item = rowItem(mapping, origin, cells, isoColumns, extra);
        if (item) yield item;
      }
      if (header === undefined) checkHeader(mapping, [], `${name} (sheet ${sheetName})`);
      break;
    }
  } catch (err) {
    if (err instanceof NexusError || opts.signal?.aborted) throw err;
    throw new NexusError(
      'FORMAT_MISMATCH',
      `ingest.mapping: ${name} is not a readable XLSX workbook: ${(err as Error).message}`,
      { file: path },
    );
  } finally {
    source.destroy();
  }
  if (names.length === 0) {
    throw new NexusError('FORMAT_MISMATCH', `ingest.mapping: ${name} is a ZIP archive without worksheets`, {
      file: path,
    });
  }
  if (!found) {
    const have = names.map((n) => `"${n}"`).join(', ');
    const message = `ingest.mapping: ${mapping.file}: sheet: ${name} has no sheet "${mapping.sheet}" (it has ${have})`;
    throw new NexusError('MAPPING_INVALID', message, { file: mapping.file, path: 'sheet' });
  }
}
