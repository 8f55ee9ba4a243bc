// Reads OFAC's legacy headerless CSV sets (SDN or consolidated non-SDN) into FtM entities, one record per entry.
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { type CsvError, type Options, parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { countryCode } from '../model/countries.js';
import { NexusError } from '../model/errors.js';
import { stableId } from '../model/ids.js';
import {
  applyRemarks,
  hasCompanyForm,
  hasProp,
  type RemarkContext,
  resolveCountry,
  splitPrograms,
} from './ofac-remarks.js';
import {
  addValue,
  type EntityRecord,
  newEntity,
  type Reader,
  type ReaderOptions,
  type ReadItem,
  type Reject,
  reject,
} from './reader.js';

/** One OFAC file set: the main file and its side files, by base name. */
const FILE_SETS = [
  { main: 'sdn.csv', add: 'add.csv', alt: 'alt.csv', comments: 'sdn_comments.csv' },
  { main: 'cons_prim.csv', add: 'cons_add.csv', alt: 'cons_alt.csv', comments: 'cons_comments.csv' },
] as const;
const KNOWN_NAMES = new Set<string>(FILE_SETS.flatMap((s) => [s.main, s.add, s.alt, s.comments]));

// Column counts of each file kind in OFAC's legacy layout.
const COLUMNS = { main: 12, add: 6, alt: 5, comments: 2 } as const;

const AUTHORITY = 'Office of Foreign Assets Control';
const DETAILS_URL = 'https://sanctionssearch.ofac.treas.gov/Details.aspx?id=';

// Files that are not CSV at all: ZIP (also xlsx), gzip, PDF, OLE2 (xls).
const MAGIC: ReadonlyArray<readonly number[]> = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x05, 0x06],
  [0x1f, 0x8b],
  [0x25, 0x50, 0x44, 0x46],
  [0xd0, 0xcf, 0x11, 0xe0],
];

interface Row {
  kind: 'row';
  file: string;
  values: string[];
  line: number;
}

/** OFAC writes `-0-` (often with a trailing space) for an empty value. */
function clean(value: string | undefined): string {
  const v = (value ?? '').trim();
  return v === '-0-' ? '' : v;
}

const EOF_MARK = String.fromCharCode(0x1a);

/** A blank line or the DOS end-of-file mark (0x1A) that OFAC files end with: no data, nothing to report. */
function isFiller(values: readonly string[]): boolean {
  return values.length === 1 && (values[0] ?? '').replaceAll(EOF_MARK, '').trim() === '';
}

function fail(
  code: 'SOURCE_UNREADABLE' | 'FORMAT_MISMATCH' | 'ENCODING_INVALID',
  path: string,
  why: string,
): never {
  throw new NexusError(code, `ingest.ofac: ${path}: ${why}`, { path });
}

/** Maps known OFAC base names to paths; directories contribute the OFAC files they hold. */
async function locate(paths: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const add = (name: string, path: string): void => {
    if (found.has(name)) fail('SOURCE_UNREADABLE', path, `${name} is given twice (also ${found.get(name)})`);
    found.set(name, path);
  };
  for (const path of paths) {
    const info = await stat(path).catch(() => fail('SOURCE_UNREADABLE', path, 'no such file or directory'));
    if (info.isDirectory()) {
      for (const name of (await readdir(path)).sort()) {
        if (KNOWN_NAMES.has(name.toLowerCase())) add(name.toLowerCase(), join(path, name));
      }
    } else {
      const name = basename(path).toLowerCase();
      if (!KNOWN_NAMES.has(name))
        fail('FORMAT_MISMATCH', path, 'not an OFAC legacy CSV file name (sdn.csv, add.csv, ...)');
      add(name, path);
    }
  }
  return found;
}

/** Checks bytes for binary content and picks the decoding: UTF-8 when valid and non-ASCII, else CP1252. */
class Sniffer {
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private validUtf8 = true;
  private nonAscii = false;
  private first = true;

  constructor(private readonly path: string) {}

  feed(bytes: Uint8Array, last: boolean): void {
    if (this.first && MAGIC.some((sig) => sig.every((b, i) => bytes[i] === b))) {
      fail('FORMAT_MISMATCH', this.path, 'is an archive or binary document, not CSV text');
    }
    this.first = false;
    if (bytes.includes(0))
      fail('ENCODING_INVALID', this.path, 'holds NUL bytes: binary or UTF-16, not CSV text');
    if (!this.nonAscii && bytes.some((b) => b > 0x7f)) this.nonAscii = true;
    if (this.validUtf8) {
      try {
        this.utf8.decode(bytes, { stream: !last });
      } catch {
        this.validUtf8 = false;
      }
    }
  }

  // Legacy OFAC exports are CP1252; newer ones are UTF-8, which CP1252 would turn into mojibake.
  get encoding(): string {
    return this.nonAscii && this.validUtf8 ? 'utf-8' : 'windows-1252';
  }
}

async function sniffStream(path: string): Promise<string> {
  const sniffer = new Sniffer(path);
  for await (const chunk of createReadStream(path)) sniffer.feed(chunk as Buffer, false);
  sniffer.feed(new Uint8Array(0), true);
  return sniffer.encoding;
}

function syntaxReject(file: string, err: CsvError | undefined, line: number): Reject {
  return reject(file, 'RECORD_INVALID', `ingest.ofac: CSV syntax error ${err?.code ?? ''}`.trim(), {
    line,
    field: 'row',
  });
}

/**
 * csv-parse options that turn each record into a Row carrying its first line, and each syntax error into a
 * reject (the parser then resumes at the next record, so one bad quote does not lose the rest of the file).
 */
function rowOptions(file: string, skipped: Reject[]): Options {
  let lastLine = 0;
  const options = {
    relax_column_count: true,
    relax_quotes: true,
    bom: true,
    skip_records_with_error: true,
    on_record: (values: string[], context: { lines: number }): Row => {
      const row: Row = { kind: 'row', file, values, line: lastLine + 1 };
      lastLine = context.lines;
      return row;
    },
    on_skip: (err: CsvError | undefined): undefined => {
      skipped.push(syntaxReject(file, err, lastLine + 1));
      lastLine = Math.max(lastLine + 1, Number(err?.lines ?? 0));
      return undefined;
    },
  };
  // csv-parse types `on_record` as returning a record of the input shape; ours returns a Row, hence the cast.
  return options as unknown as Options;
}

/** Streams the rows of a CSV file, syntax errors as rejects, in line order. */
async function* streamRows(
  path: string,
  encoding: string,
  onBytes?: (n: number) => void,
): AsyncGenerator<Row | Reject> {
  async function* decoded(): AsyncGenerator<string> {
    const decoder = new TextDecoder(encoding);
    for await (const chunk of createReadStream(path)) {
      onBytes?.((chunk as Buffer).length);
      yield decoder.decode(chunk as Buffer, { stream: true });
    }
    const tail = decoder.decode();
    if (tail !== '') yield tail;
  }
  const skipped: Reject[] = [];
  const parser = parse(rowOptions(path, skipped));
  const source = Readable.from(decoded());
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);
  for await (const row of parser as AsyncIterable<Row>) {
    while (skipped.length > 0 && (skipped[0]?.line ?? 0) < row.line) yield skipped.shift() as Reject;
    yield row;
  }
  yield* skipped.splice(0);
}

/** Loads a side file into rows by ent_num; malformed rows become rejects. */
async function loadSide(path: string, columns: number, rejects: Reject[], opts: ReaderOptions) {
  const bytes = await readFile(path).catch(() => fail('SOURCE_UNREADABLE', path, 'cannot be read'));
  const sniffer = new Sniffer(path);
  sniffer.feed(bytes, true);
  const text = new TextDecoder(sniffer.encoding).decode(bytes);
  opts.onBytes(bytes.length);
  const records = parseSync(text, rowOptions(path, rejects)) as unknown as Row[];
  const byEntry = new Map<string, Row[]>();
  for (const row of records) {
    if (isFiller(row.values)) continue;
    const problem = rowProblem(path, row.values, columns, row.line);
    if (problem) {
      rejects.push(problem);
      continue;
    }
    const key = clean(row.values[0]);
    const list = byEntry.get(key);
    if (list) list.push(row);
    else byEntry.set(key, [row]);
  }
  rejects.sort((a, b) => (a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) : 0));
  return byEntry;
}

function rowProblem(
  file: string,
  values: readonly string[],
  columns: number,
  line: number,
): Reject | undefined {
  if (values.length !== columns) {
    return reject(
      file,
      'RECORD_INVALID',
      `ingest.ofac: expected ${columns} columns, found ${values.length}`,
      {
        line,
        field: 'columns',
      },
    );
  }
  if (!/^\d{1,12}$/.test(clean(values[0]))) {
    return reject(file, 'RECORD_INVALID', 'ingest.ofac: ent_num is not a number', { line, field: 'ent_num' });
  }
  return undefined;
}

function foldName(name: string): string {
  return name.toUpperCase().replace(/\s+/g, ' ').trim();
}

/** A first pass over the main file: primary name -> entity ids, so `Linked To: NAME` can point at the entry. */
async function nameIndex(path: string, encoding: string): Promise<Map<string, string[]>> {
  const index = new Map<string, string[]>();
  for await (const row of streamRows(path, encoding)) {
    if (row.kind === 'reject' || row.values.length !== COLUMNS.main) continue;
    const entNum = clean(row.values[0]);
    const key = foldName(clean(row.values[1]));
    if (!/^\d+$/.test(entNum) || key === '') continue;
    const list = index.get(key);
    if (list) list.push(`ofac-${entNum}`);
    else index.set(key, [`ofac-${entNum}`]);
  }
  return index;
}

function schemaFor(type: string, name: string): string | undefined {
  switch (type.toLowerCase()) {
    case 'individual':
      return 'Person';
    case 'vessel':
      return 'Vessel';
    case 'aircraft':
      return 'Airplane';
    case '':
    case 'entity':
      return hasCompanyForm(name) ? 'Company' : 'Organization';
    default:
      return undefined;
  }
}

interface SideData {
  add: Map<string, Row[]>;
  alt: Map<string, Row[]>;
  comments: Map<string, Row[]>;
}

/** Builds every entity one main-file row produces: the entry, its documents, wallets, addresses, sanctions. */
function buildEntry(file: string, row: Row, side: SideData, names: Map<string, string[]>): ReadItem {
  const v = row.values.map(clean);
  const [entNum = '', name = '', type = '', program = '', title = ''] = v;
  const problems: Reject[] = [];
  // Value-level problems, at the main row or at the side-file row the value came from.
  const problem = (
    field: string,
    why: string,
    at: { file: string; line: number } = { file, line: row.line },
  ) => {
    problems.push(
      reject(at.file, 'VALUE_INVALID', `ingest.ofac: ${why}`, { line: at.line, record: entNum, field }),
    );
  };
  if (name === '') {
    return reject(file, 'RECORD_INVALID', 'ingest.ofac: SDN_Name is empty', {
      line: row.line,
      record: entNum,
      field: 'SDN_Name',
    });
  }
  let schema = schemaFor(type, name);
  if (schema === undefined) {
    problem('SDN_Type', `unknown SDN_Type "${type}"`);
    schema = hasCompanyForm(name) ? 'Company' : 'Organization';
  }
  const entity = newEntity(`ofac-${entNum}`, schema);
  const ctx: RemarkContext = {
    entNum,
    entity,
    extra: [],
    provisions: [],
    problems,
    file,
    line: row.line,
    resolve: (n) => {
      const ids = names.get(foldName(n));
      return ids?.length === 1 ? ids[0] : undefined;
    },
  };
  addValue(entity, 'name', name);
  addValue(entity, 'topics', 'sanction');
  addValue(entity, 'sourceUrl', `${DETAILS_URL}${entNum}`);
  if (schema === 'Person') {
    const comma = name.indexOf(',');
    if (comma > 0) {
      addValue(entity, 'lastName', name.slice(0, comma).trim());
      addValue(entity, 'firstName', name.slice(comma + 1).trim());
    }
    addValue(entity, 'position', title);
  } else if (title !== '') addValue(entity, 'notes', `Title: ${title}`);

  // Vessel columns; on other schemata (where they should be empty) they are kept as labelled notes.
  const [callSign = '', vessType = '', tonnage = '', grt = '', flag = '', owner = ''] = v.slice(5, 11);
  const vessel = schema === 'Vessel';
  const vesselProp = (prop: string, label: string, value: string): void => {
    if (value === '') return;
    if (vessel && hasProp(schema, prop)) addValue(entity, prop, value);
    else addValue(entity, 'notes', `${label}: ${value}`);
  };
  vesselProp('callSign', 'Call sign', callSign);
  vesselProp('type', 'Vessel type', vessType);
  // `99,144` is a thousands separator, not a decimal comma.
  vesselProp('tonnage', 'Tonnage', tonnage.replace(/,(?=\d{3}\b)/g, ''));
  vesselProp('grossRegisteredTonnage', 'GRT', grt.replace(/,(?=\d{3}\b)/g, ''));
  if (flag !== '') {
    const code = vessel ? resolveCountry(ctx, 'Vess_flag', flag) : undefined;
    if (code !== undefined) addValue(entity, 'flag', code);
    else addValue(entity, 'notes', `Vessel flag: ${flag}`);
  }
  if (owner !== '') {
    // FtM's `owner` is an entity reference: set it only when the owner is itself an entry of the list.
    addValue(entity, 'notes', `Vessel owner: ${owner}`);
    const ownerId = ctx.resolve(owner);
    if (ownerId !== undefined && ownerId !== entity.id && hasProp(schema, 'owner'))
      addValue(entity, 'owner', ownerId);
  }

  // sdn_comments.csv continues a remark cut at a fixed length, often mid-word: join without a separator.
  let remarks = v[11] ?? '';
  for (const c of take(side.comments, entNum)) remarks += c.values[1] ?? '';
  applyRemarks(remarks, ctx, new Set([title.replace(/\.$/, '')].filter(Boolean)));

  for (const a of take(side.alt, entNum)) {
    const [, altNum = '', altType = '', altName = '', altRemarks = ''] = a.values.map(clean);
    if (altName === '') {
      problem('alt_name', 'alias without a name', a);
      continue;
    }
    const kind = altType.toLowerCase().replace(/\./g, '');
    if (/\bweak\b/i.test(altRemarks)) addValue(entity, 'weakAlias', altName);
    else if (kind === 'fka') addValue(entity, 'previousName', altName);
    else addValue(entity, 'alias', altName);
    if (kind !== 'aka' && kind !== 'fka' && kind !== 'nka') {
      problem('alt_type', `unknown alt_type "${altType}" (alt_num ${altNum})`, a);
    }
    if (altRemarks !== '') addValue(entity, 'notes', `${altName}: ${altRemarks}`);
  }

  const extra: EntityRecord[] = [];
  for (const a of take(side.add, entNum)) {
    const [, addNum = '', street = '', city = '', country = '', addRemarks = ''] = a.values.map(clean);
    const full = [street, city, country].filter(Boolean).join(', ');
    if (full === '' && addRemarks === '') continue;
    let code: string | undefined;
    // `Region: Gaza` names a region, not a state: it stays in the address text and sets no country.
    if (country !== '' && !/^region:/i.test(country)) {
      code = countryCode(country);
      if (code === undefined && !/^(undetermined|none identified)$/i.test(country)) {
        problem('country', `unknown country "${country}" (add_num ${addNum})`, a);
      }
    }
    addValue(entity, 'address', full);
    addValue(entity, 'country', code);
    const address = newEntity(stableId('ofac-address', entNum, addNum), 'Address');
    addValue(address, 'full', full);
    addValue(address, 'street', street);
    addValue(address, 'city', city);
    addValue(address, 'country', code);
    addValue(address, 'remarks', addRemarks);
    addValue(entity, 'addressEntity', address.id);
    extra.push(address);
  }

  const programs = splitPrograms(program);
  if (programs.length === 0) problem('Program', 'entry has no programme');
  for (const p of programs) {
    const sanction = newEntity(stableId('ofac-sanction', entNum, p), 'Sanction');
    addValue(sanction, 'entity', entity.id);
    addValue(sanction, 'authority', AUTHORITY);
    addValue(sanction, 'country', 'us');
    addValue(sanction, 'program', p);
    addValue(sanction, 'programId', p);
    addValue(sanction, 'sourceUrl', `${DETAILS_URL}${entNum}`);
    for (const text of ctx.provisions) addValue(sanction, 'provisions', text);
    extra.push(sanction);
  }

  return {
    kind: 'record',
    origin: { file, line: row.line, record: entNum },
    entities: [entity, ...ctx.extra, ...extra],
    ...(problems.length > 0 ? { problems } : {}),
  };
}

/** Side rows of an entry, removed from the map so that what is left at the end is known to be orphaned. */
function take(map: Map<string, Row[]>, entNum: string): Row[] {
  const rows = map.get(entNum) ?? [];
  map.delete(entNum);
  return rows;
}

async function* readSet(files: Map<string, string>, set: (typeof FILE_SETS)[number], opts: ReaderOptions) {
  const main = files.get(set.main);
  if (main === undefined) return;
  const encoding = await sniffStream(main);
  const sideRejects: Reject[] = [];
  const sidePath = (name: string) => files.get(name);
  const load = async (name: string, columns: number) => {
    const path = sidePath(name);
    return path === undefined ? new Map<string, Row[]>() : loadSide(path, columns, sideRejects, opts);
  };
  const side: SideData = {
    add: await load(set.add, COLUMNS.add),
    alt: await load(set.alt, COLUMNS.alt),
    comments: await load(set.comments, COLUMNS.comments),
  };
  yield* sideRejects;
  const names = await nameIndex(main, encoding);
  const seen = new Set<string>();
  for await (const row of streamRows(main, encoding, (n) => opts.onBytes(n))) {
    opts.signal?.throwIfAborted();
    if (row.kind === 'reject') {
      yield row;
      continue;
    }
    if (isFiller(row.values)) continue;
    const bad = rowProblem(main, row.values, COLUMNS.main, row.line);
    if (bad) {
      yield bad;
      continue;
    }
    const entNum = clean(row.values[0]);
    if (seen.has(entNum)) {
      yield reject(main, 'RECORD_INVALID', 'ingest.ofac: ent_num repeats an earlier row', {
        line: row.line,
        record: entNum,
        field: 'ent_num',
      });
      continue;
    }
    seen.add(entNum);
    yield buildEntry(main, row, side, names);
  }
  // Side rows that no main row claimed: an entry missing from the main file, or a typo in ent_num.
  for (const [name, map] of [
    [set.add, side.add],
    [set.alt, side.alt],
    [set.comments, side.comments],
  ] as const) {
    const orphans = [...map.entries()].flatMap(([entNum, rows]) =>
      rows.map((r) => ({ entNum, line: r.line })),
    );
    orphans.sort((a, b) => a.line - b.line);
    for (const o of orphans) {
      yield reject(
        sidePath(name) ?? name,
        'ENTITY_NOT_FOUND',
        `ingest.ofac: ent_num ${o.entNum} is not in ${set.main}`,
        {
          line: o.line,
          record: o.entNum,
          field: 'ent_num',
        },
      );
    }
  }
}

export const ofacReader: Reader = {
  format: 'ofac',
  async *read(paths: readonly string[], opts: ReaderOptions): AsyncIterable<ReadItem> {
    const files = await locate(paths);
    for (const set of FILE_SETS) {
      const hasSide = [set.add, set.alt, set.comments].some((n) => files.has(n));
      if (!files.has(set.main) && hasSide)
        fail('SOURCE_UNREADABLE', paths.join(', '), `${set.main} is missing`);
    }
    if (!FILE_SETS.some((s) => files.has(s.main))) {
      fail('SOURCE_UNREADABLE', paths.join(', '), 'no sdn.csv or cons_prim.csv found');
    }
    for (const set of FILE_SETS) yield* readSet(files, set, opts);
  },
};
