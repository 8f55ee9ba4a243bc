// Readers for research networks: UCINET-style adjacency matrices (`adjacency`) and edge lists (`edgelist`).
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { NexusError } from '../model/errors.js';
import { stableId } from '../model/ids.js';
import {
  addValue,
  type EntityRecord,
  newEntity,
  type Reader,
  type ReaderOptions,
  type ReadItem,
  type Reject,
  reject,
  type SourceRecord,
} from './reader.js';

/** A matrix is held whole (n x n weights, 8 bytes each) until its symmetry is known: 5,000 labels is 200 MB. */
export const MAX_MATRIX_LABELS = 5000;
/** Distinct ties an edge list may hold; each is remembered to spot repeated pairs. */
export const MAX_EDGELIST_TIES = 1_000_000;
const MAX_RECORD_BYTES = 8 * 1024 * 1024;

/**
 * The `summary` value that carries a tie's weight (the graph projection parses `weight=<number>`) and, for a
 * tie with a direction in a schema FtM calls undirected (UnknownLink), the word `directed`.
 */
export function weightSummary(weight: number, directed = false): string {
  return `weight=${formatWeight(weight)}${directed ? '; directed' : ''}`;
}

/** Plain decimal text for a weight (never exponent notation, which the weight convention does not parse). */
function formatWeight(weight: number): string {
  const text = String(weight);
  if (!/e/i.test(text)) return text;
  return weight.toLocaleString('en-US', { useGrouping: false, maximumSignificantDigits: 15 });
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A cell's weight: a finite number of 0 or more, or why it is not one. Empty means 0 (no tie). */
function parseWeight(text: string): { weight: number } | { problem: string } {
  if (text === '') return { weight: 0 };
  if (!NUMBER.test(text)) return { problem: `"${clip(text)}" is not a number` };
  const weight = Number(text);
  if (!Number.isFinite(weight)) return { problem: `${clip(text)} is too large` };
  if (weight < 0) return { problem: `negative weight ${clip(text)}: weights must be 0 or more` };
  return { weight: weight === 0 ? 0 : weight };
}

function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** A node label as written (trimmed, NFC), used for both the id and the name. */
function cleanLabel(text: string): string {
  return text.normalize('NFC').trim();
}

/**
 * The id namespace of a file's nodes: the reader option `network` when given, else the file's name without
 * its extension. A matrix and an edge list of one network get the same Person ids when their namespaces agree.
 */
function networkOf(file: string, opts: ReaderOptions): string {
  const given = opts.options.get('network')?.trim();
  if (given) return given;
  const name = basename(file);
  return name.slice(0, name.length - extname(name).length) || name;
}

/** The Person id of a node: the same network and label always give the same id, whatever the dataset. */
export function networkPersonId(network: string, label: string): string {
  return stableId('net', network, label);
}

function person(network: string, label: string): EntityRecord {
  const entity = newEntity(networkPersonId(network, label), 'Person');
  addValue(entity, 'name', label);
  return entity;
}

function tie(
  id: string,
  schema: 'Associate' | 'UnknownLink',
  from: string,
  to: string,
  weight: number,
): EntityRecord {
  const entity = newEntity(id, schema);
  const [a, b, kind] =
    schema === 'Associate' ? ['person', 'associate', 'relationship'] : ['subject', 'object', 'role'];
  addValue(entity, a, from);
  addValue(entity, b, to);
  addValue(entity, kind, 'tie');
  addValue(entity, 'summary', weightSummary(weight, schema === 'UnknownLink'));
  return entity;
}

interface CsvRow {
  kind: 'row';
  cells: string[];
  line: number;
  /** True when a cell held bytes that are not UTF-8 (decoded as U+FFFD). */
  badEncoding: boolean;
}

interface CsvSkip {
  kind: 'skip';
  item: Reject;
  /** The rest of the file was not read. */
  fatal: boolean;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Streams a CSV file's records with their first line, and the records csv-parse could not take, in line order. */
async function* csvRows(
  file: string,
  delimiter: string,
  opts: ReaderOptions,
): AsyncGenerator<CsvRow | CsvSkip> {
  const parser = parse({
    delimiter,
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  const skipped: Array<CsvSkip & { line: number }> = [];
  parser.on('skip', (err: CsvError) => {
    const line = typeof err.lines === 'number' ? err.lines : undefined;
    const fatal = err.code === 'CSV_MAX_RECORD_SIZE';
    const reason = fatal ? `${err.message}; the rest of the file was not read` : err.message;
    const item = reject(file, fatal ? 'LIMIT_REACHED' : 'RECORD_INVALID', reason, { line });
    skipped.push({ kind: 'skip', item, fatal, line: line ?? 0 });
  });
  const source = createReadStream(file);
  source.on('data', (chunk) => opts.onBytes(chunk.length));
  pipeline(source, parser).catch(() => {
    // The error reaches the loop below through the destroyed parser.
  });
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      opts.signal?.throwIfAborted();
      // info.lines is where the record ends; a quoted field can span lines, and the start is what people look for.
      const line = info.lines - record.reduce((n, cell) => n + countNewlines(cell), 0);
      for (let next = skipped[0]; next !== undefined && next.line < line; next = skipped[0]) {
        skipped.shift();
        yield next;
        if (next.fatal) return;
      }
      yield { kind: 'row', cells: record, line, badEncoding: record.some((c) => c.includes('\uFFFD')) };
    }
  } catch (err) {
    if (err instanceof NexusError || opts.signal?.aborted) throw err;
    if (err instanceof CsvError) {
      const line = typeof err.lines === 'number' ? err.lines : undefined;
      const reason = `${err.message}; the rest of the file was not read`;
      yield { kind: 'skip', item: reject(file, 'RECORD_INVALID', reason, { line }), fatal: true };
      return;
    }
    throw new NexusError('SOURCE_UNREADABLE', `ingest: cannot read ${file}: ${(err as Error).message}`, {
      file,
    });
  } finally {
    source.destroy();
  }
  for (const next of skipped) {
    yield next;
    if (next.fatal) return;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// adjacency: a square matrix, first row and first column the node labels, each cell the weight of the tie i -> j.

export const adjacencyReader: Reader = {
  format: 'adjacency',
  async *read(paths: readonly string[], opts: ReaderOptions): AsyncIterable<ReadItem> {
    for (const file of paths) yield* readMatrix(file, opts);
  },
};

async function* readMatrix(file: string, opts: ReaderOptions): AsyncIterable<ReadItem> {
  const network = networkOf(file, opts);
  const name = basename(file);
  const rejects: Reject[] = [];
  // Column positions 0..n-1; a position whose label is empty or repeated is dropped (undefined).
  let labels: Array<string | undefined> | undefined;
  let n = 0;
  let width = 0; // cells a row must have: the row label and n weights
  let trailing = false;
  let headerLine = 1;
  let weights = new Float64Array(0);
  let rowLine: number[] = [];
  let rows = 0;
  let matched = 0;
  let lastLine = 0;
  for await (const item of csvRows(file, ',', opts)) {
    if (item.kind === 'skip') {
      if (labels === undefined)
        throw new NexusError(
          'FORMAT_MISMATCH',
          `ingest.adjacency: ${name}: the row of labels cannot be read: ${item.item.reason}`,
          { file, line: item.item.line },
        );
      rejects.push(item.item);
      if (item.fatal) break;
      rows++; // the unreadable row still takes its position
      continue;
    }
    const { cells, line } = item;
    lastLine = line;
    if (labels === undefined) {
      if (item.badEncoding)
        throw new NexusError(
          'ENCODING_INVALID',
          `ingest.adjacency: ${name}: line ${line} is not UTF-8 text`,
          {
            file,
            line,
          },
        );
      headerLine = line;
      // The first cell labels the label column (often "" in UCINET exports) and is ignored.
      const raw = cells.slice(1).map(cleanLabel);
      // A comma after the last label (and after each row's last cell) is a trailing delimiter, not a column.
      trailing = raw.length > 1 && raw[raw.length - 1] === '';
      if (trailing) raw.pop();
      n = raw.length;
      if (n === 0)
        throw new NexusError(
          'FORMAT_MISMATCH',
          `ingest.adjacency: ${name}: the first row holds no column labels; not an adjacency matrix`,
          { file, line },
        );
      if (n > MAX_MATRIX_LABELS)
        throw new NexusError(
          'LIMIT_REACHED',
          `ingest.adjacency: ${name}: ${n} column labels (at most ${MAX_MATRIX_LABELS}; a matrix grows as n x n)`,
          { file, line },
        );
      const seen = new Map<string, number>();
      labels = raw.map((label, p): string | undefined => {
        if (label === '') {
          rejects.push(
            reject(
              file,
              'RECORD_INVALID',
              `column ${p + 1} has no label; the column and its row are ignored`,
              {
                line,
                field: `column ${p + 1}`,
              },
            ),
          );
          return undefined;
        }
        const first = seen.get(label);
        if (first !== undefined) {
          const reason = `label "${clip(label)}" repeats column ${first + 1}; column ${p + 1} and its row are ignored`;
          rejects.push(reject(file, 'RECORD_INVALID', reason, { line, field: label }));
          return undefined;
        }
        seen.set(label, p);
        return label;
      });
      width = n + 1;
      weights = new Float64Array(n * n).fill(Number.NaN);
      rowLine = new Array<number>(n).fill(0);
      continue;
    }
    const p = rows++;
    const rowLabel = cleanLabel(cells[0] ?? '');
    const where = { line, field: rowLabel || `row ${p + 1}` };
    if (item.badEncoding) {
      rejects.push(
        reject(file, 'ENCODING_INVALID', 'the row is not valid UTF-8 text; the row is ignored', where),
      );
      continue;
    }
    if (p >= n) {
      const reason = `row ${p + 1} is beyond the ${n} column labels; the matrix is not square and the row is ignored`;
      rejects.push(reject(file, 'RECORD_INVALID', reason, where));
      continue;
    }
    const expected = labels[p];
    if (expected === undefined) {
      const reason = `row ${p + 1} belongs to column ${p + 1}, which was dropped (line ${headerLine}); the row is ignored`;
      rejects.push(reject(file, 'RECORD_INVALID', reason, where));
      continue;
    }
    if (rowLabel !== expected) {
      const reason = `row label "${clip(rowLabel)}" does not match column label "${clip(expected)}" at position ${p + 1}; the row is ignored`;
      rejects.push(reject(file, 'RECORD_INVALID', reason, where));
      continue;
    }
    matched++;
    let row = cells;
    if (trailing && row.length === width + 1 && (row[width] ?? '').trim() === '') row = row.slice(0, width);
    if (row.length !== width) {
      const reason = `the row has ${row.length - 1} cells; the header has ${n} labels; the row is ignored`;
      rejects.push(reject(file, 'RECORD_INVALID', reason, where));
      continue;
    }
    rowLine[p] = line;
    for (let q = 0; q < n; q++) {
      const column = labels[q];
      if (column === undefined) continue;
      const parsed = parseWeight((row[q + 1] ?? '').trim());
      if ('problem' in parsed) {
        const reason = `${parsed.problem}; the cell (${clip(expected)} -> ${clip(column)}) is ignored`;
        rejects.push(reject(file, 'VALUE_INVALID', reason, { line, field: column }));
      } else weights[p * n + q] = parsed.weight;
    }
  }
  if (labels === undefined)
    throw new NexusError('FORMAT_MISMATCH', `ingest.adjacency: ${name}: empty file; no row of labels`, {
      file,
    });
  if (rows > 0 && matched === 0)
    throw new NexusError(
      'FORMAT_MISMATCH',
      `ingest.adjacency: ${name}: no row label matches the column label at its position; not an adjacency ` +
        'matrix (an edge list? use --format edgelist)',
      { file },
    );
  if (rows < n) {
    const missing = labels.slice(rows).filter((l): l is string => l !== undefined);
    const shown = missing.slice(0, 5).map((l) => `"${clip(l, 40)}"`);
    const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
    const reason = `the matrix has ${n} column labels but ${rows} rows; not square: no row for ${shown.join(', ')}${more}`;
    rejects.push(reject(file, 'RECORD_INVALID', reason, { line: lastLine, field: missing[0] }));
  }
  const cols = labels;
  const w = (p: number, q: number) => weights[p * n + q] ?? Number.NaN;

  // Symmetric when every pair whose two cells were both read agrees; unreadable cells do not vote.
  let symmetric = true;
  for (let p = 0; p < n && symmetric; p++)
    for (let q = p + 1; q < n; q++) {
      const a = w(p, q);
      const b = w(q, p);
      if (!Number.isNaN(a) && !Number.isNaN(b) && a !== b) {
        symmetric = false;
        break;
      }
    }

  // Deterministic order, which resuming relies on: rejects in line order, nodes in column order, then ties.
  rejects.sort((x, y) => (x.line ?? 0) - (y.line ?? 0));
  yield* rejects;
  for (let p = 0; p < n; p++) {
    const label = cols[p];
    if (label === undefined) continue;
    const line = rowLine[p] || headerLine;
    const record: SourceRecord = {
      kind: 'record',
      origin: { file, line },
      entities: [person(network, label)],
    };
    const self = w(p, p);
    if (!Number.isNaN(self) && self !== 0) {
      const reason = `a tie of ${label} to itself (weight ${formatWeight(self)}) on the diagonal is not kept`;
      record.problems = [reject(file, 'VALUE_INVALID', reason, { line, field: label })];
    }
    yield record;
  }
  for (let p = 0; p < n; p++) {
    const from = cols[p];
    if (from === undefined) continue;
    for (let q = symmetric ? p + 1 : 0; q < n; q++) {
      const to = cols[q];
      if (to === undefined || q === p) continue;
      let weight = w(p, q);
      let line = rowLine[p] ?? 0;
      if (symmetric && Number.isNaN(weight)) {
        weight = w(q, p);
        line = rowLine[q] ?? 0;
      }
      if (Number.isNaN(weight) || weight === 0) continue;
      const ends = [networkPersonId(network, from), networkPersonId(network, to)] as const;
      const entity = symmetric
        ? tie(stableId('net-assoc', name, from, to), 'Associate', ...ends, weight)
        : tie(stableId('net-link', name, from, to), 'UnknownLink', ...ends, weight);
      yield { kind: 'record', origin: { file, line }, entities: [entity] };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// edgelist: one tie per line, `source,target[,weight[,...]]`, undirected.

export const edgelistReader: Reader = {
  format: 'edgelist',
  async *read(paths: readonly string[], opts: ReaderOptions): AsyncIterable<ReadItem> {
    for (const file of paths) yield* readEdges(file, opts);
  },
};

// Column names that make a two-column first line a header rather than a tie between two such nodes.
const HEADER_PAIRS = new Set([
  'source,target',
  'from,to',
  'src,dst',
  'src,dest',
  'node1,node2',
  'ego,alter',
  'sender,receiver',
  'source,destination',
]);

function isHeader(cells: string[]): boolean {
  const third = cells[2];
  if (third !== undefined && third !== '' && !NUMBER.test(third)) return true;
  return cells.length <= 2 && HEADER_PAIRS.has(`${cells[0] ?? ''},${cells[1] ?? ''}`.toLowerCase());
}

/** Comma, unless the first line has tabs and no comma. */
async function sniffDelimiter(file: string): Promise<string> {
  let head: string;
  try {
    const handle = await open(file, 'r');
    try {
      const buf = Buffer.alloc(4096);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw new NexusError(
      'SOURCE_UNREADABLE',
      `ingest.edgelist: cannot open ${file}: ${(err as Error).message}`,
      {
        file,
      },
    );
  }
  const first = head.split('\n').find((l) => l.trim() !== '') ?? '';
  return !first.includes(',') && first.includes('\t') ? '\t' : ',';
}

async function* readEdges(file: string, opts: ReaderOptions): AsyncIterable<ReadItem> {
  const network = networkOf(file, opts);
  const name = basename(file);
  const delimiter = await sniffDelimiter(file);
  // Each unordered pair's first weight and line: a pair is one Associate, whichever way round and however often.
  const ties = new Map<string, { weight: number; line: number }>();
  let first = true;
  for await (const item of csvRows(file, delimiter, opts)) {
    if (item.kind === 'skip') {
      first = false;
      yield item.item;
      if (item.fatal) return;
      continue;
    }
    const { line } = item;
    const cells = item.cells.map((c) => c.trim());
    if (first) {
      first = false;
      if (item.badEncoding)
        throw new NexusError('ENCODING_INVALID', `ingest.edgelist: ${name}: line ${line} is not UTF-8 text`, {
          file,
          line,
        });
      if (cells[0] === '' && cells.length > 3)
        throw new NexusError(
          'FORMAT_MISMATCH',
          `ingest.edgelist: ${name}: line ${line} starts with an empty cell and ${cells.length - 1} more: an ` +
            'adjacency matrix? use --format adjacency',
          { file, line },
        );
      if (isHeader(cells)) continue;
    }
    if (item.badEncoding) {
      yield reject(file, 'ENCODING_INVALID', 'line is not valid UTF-8 text', { line });
      continue;
    }
    const source = cleanLabel(cells[0] ?? '');
    const target = cleanLabel(cells[1] ?? '');
    if (source === '' || target === '') {
      const field = source === '' ? 'source' : 'target';
      yield reject(file, 'RECORD_INVALID', `the line has no ${field} label`, { line, field });
      continue;
    }
    const parsed = parseWeight(cells[2] ?? '');
    if ('problem' in parsed) {
      yield reject(file, 'RECORD_INVALID', `weight: ${parsed.problem}; the line is ignored`, {
        line,
        field: 'weight',
      });
      continue;
    }
    // A missing or empty weight is 1; an explicit 0 is a listed pair without a tie, as in a matrix.
    const weight = cells[2] === undefined || cells[2] === '' ? 1 : parsed.weight;
    const record: SourceRecord = {
      kind: 'record',
      origin: { file, line },
      entities: [person(network, source)],
    };
    if (target === source) {
      record.problems = [
        reject(file, 'VALUE_INVALID', `a tie of ${clip(source)} to itself is not kept`, {
          line,
          field: 'target',
        }),
      ];
      yield record;
      continue;
    }
    record.entities.push(person(network, target));
    if (weight !== 0) {
      const [a, b] = source < target ? [source, target] : [target, source];
      const id = stableId('net-edge', name, a, b);
      const before = ties.get(id);
      if (before === undefined) {
        if (ties.size >= MAX_EDGELIST_TIES) {
          const reason = `more than ${MAX_EDGELIST_TIES} distinct ties; the rest of the file was not read`;
          yield reject(file, 'LIMIT_REACHED', reason, { line });
          return;
        }
        ties.set(id, { weight, line });
        record.entities.push(
          tie(id, 'Associate', networkPersonId(network, source), networkPersonId(network, target), weight),
        );
      } else if (before.weight !== weight) {
        const reason =
          `weight ${formatWeight(weight)} differs from weight ${formatWeight(before.weight)} given for this pair ` +
          `on line ${before.line}; the first is kept`;
        record.problems = [reject(file, 'VALUE_INVALID', reason, { line, field: 'weight' })];
      }
    }
    yield record;
  }
}
