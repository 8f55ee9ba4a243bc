// FtM mapping files: parsing and validating the YAML that turns an analyst's spreadsheet rows into FtM entities.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { cleanIsoDate } from '../model/dates.js';
import { NexusError } from '../model/errors.js';
import { getSchema, hasSchema, schemaProperties } from '../model/ftm.js';
import { stableId } from '../model/ids.js';
import { cleanValue } from '../model/values.js';
import { addValue, type EntityRecord, newEntity } from './reader.js';

export const ENCODINGS = ['utf-8', 'latin1', 'windows-1252', 'utf-16le'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export type ValueSource =
  | { kind: 'columns'; columns: string[] }
  | { kind: 'literal'; values: string[] }
  | { kind: 'template'; parts: Array<string | { column: string }> }
  | { kind: 'entity'; entity: string };

export interface PropertyMapping {
  /** FtM property name. */
  name: string;
  /** Where it sits in the mapping file, e.g. `entities.suspect.properties.birthDate`. */
  path: string;
  source: ValueSource;
  split?: string;
  format?: DateFormat;
}

export interface EntityMapping {
  name: string;
  schema: string;
  keys: string[];
  /** Hashed into the id with the keys; defaults to the entity name, shared to make two mappings one entity. */
  keyLiteral: string;
  prefix: string;
  properties: PropertyMapping[];
}

export interface Mapping {
  /** The mapping file's name, for messages. */
  file: string;
  csv: { delimiter: string; encoding: Encoding };
  sheet?: string;
  entities: EntityMapping[];
  /** Every column the mapping reads -> the first mapping path that reads it. */
  columns: Map<string, string>;
}

/** A date format in strptime spelling, compiled once at load. */
export interface DateFormat {
  text: string;
  regex: RegExp;
  fields: string[];
}

// The user-keyed levels (entity and property names) stay Maps, so `__proto__` is only ever a name; the fixed
// levels become strict objects, so a misspelt option is an error rather than silently ignored.
const strictMap = <T extends z.core.$ZodLooseShape>(shape: T) =>
  z
    .map(z.string(), z.unknown())
    .transform((m) => Object.fromEntries(m))
    .pipe(z.strictObject(shape));
const text = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const columnName = z.union([z.string(), z.number()]).transform(String).pipe(z.string().trim().min(1));

const propertySpec = strictMap({
  column: columnName.optional(),
  columns: z.array(columnName).min(1).optional(),
  literal: text.optional(),
  literals: z.array(text).min(1).optional(),
  template: z.string().min(1).optional(),
  entity: z.string().min(1).optional(),
  format: z.string().min(1).optional(),
  split: z.string().min(1).optional(),
});
type PropertySpec = z.infer<typeof propertySpec>;

const entitySpec = strictMap({
  schema: z.string().min(1),
  keys: z.array(columnName).min(1),
  key_literal: z.string().min(1).optional(),
  id_prefix: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits and . _ - only')
    .optional(),
  properties: z.map(z.string(), propertySpec).optional(),
});

const mappingSpec = strictMap({
  csv: strictMap({
    delimiter: z
      .string()
      .min(1)
      .max(4)
      .refine((d) => !/["\r\n]/.test(d), 'a delimiter cannot hold a quote or a line break')
      .optional(),
    encoding: z.string().toLowerCase().pipe(z.enum(ENCODINGS)).optional(),
  }).optional(),
  sheet: z.string().min(1).optional(),
  entities: z.map(z.string().min(1), entitySpec).refine((m) => m.size > 0, 'at least one entity is needed'),
});

function invalid(file: string, path: string, message: string, more = 0): NexusError {
  const extra = more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : '';
  return new NexusError(
    'MAPPING_INVALID',
    `ingest.mapping: ${file}: ${path || '(top)'}: ${message}${extra}`,
    { file, path },
  );
}

/** Reads and validates a mapping file. Throws NexusError(MAPPING_INVALID). */
export async function loadMapping(path: string): Promise<Mapping> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (err) {
    throw invalid(basename(path), '', `cannot read the mapping file: ${(err as Error).message}`);
  }
  return parseMapping(content, basename(path));
}

/** Parses and validates mapping YAML; `file` names it in messages. Throws NexusError(MAPPING_INVALID). */
export function parseMapping(yamlText: string, file: string): Mapping {
  const doc = parseDocument(yamlText, { uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    throw invalid(
      file,
      `line ${yamlError.linePos?.[0]?.line ?? '?'}`,
      yamlError.message.split('\n')[0] ?? '',
    );
  }
  const parsed = mappingSpec.safeParse(doc.toJS({ mapAsMap: true, maxAliasCount: 50 }));
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    throw invalid(file, first?.path.map(String).join('.') ?? '', describeIssue(first), rest.length);
  }
  const spec = parsed.data;
  // Every problem is collected, so the message can say how many more there are.
  const problems: Array<{ path: string; message: string }> = [];
  const fail = (path: string, message: string) => problems.push({ path, message });
  const entities: EntityMapping[] = [];
  const columns = new Map<string, string>();
  const useColumn = (column: string, path: string) => {
    if (!columns.has(column)) columns.set(column, path);
  };
  for (const [name, ent] of spec.entities) {
    const base = `entities.${name}`;
    if (!hasSchema(ent.schema)) {
      fail(`${base}.schema`, `unknown FtM schema "${ent.schema}"`);
      continue;
    }
    const schema = getSchema(ent.schema);
    if (schema.abstract) fail(`${base}.schema`, `"${ent.schema}" is abstract; use a concrete schema`);
    ent.keys.forEach((key, i) => {
      useColumn(key, `${base}.keys.${i}`);
    });
    const props: PropertyMapping[] = [];
    for (const [propName, pspec] of ent.properties ?? new Map<string, PropertySpec>()) {
      const path = `${base}.properties.${propName}`;
      const prop = schemaProperties(schema).get(propName);
      if (prop === undefined || prop.stub) {
        fail(path, `"${propName}" is not a property of ${schema.name}`);
        continue;
      }
      const result = compileProperty(propName, path, pspec, prop.type.name, (m) => fail(path, m));
      if (result === undefined) continue;
      const src = result.source;
      if (src.kind === 'entity') {
        const target = spec.entities.get(src.entity);
        const range = prop.hasRange ? prop.getRange() : undefined;
        if (target === undefined) fail(`${path}.entity`, `no mapped entity is called "${src.entity}"`);
        else if (src.entity === name) fail(`${path}.entity`, 'an entity cannot point at itself');
        else if (range && hasSchema(target.schema) && !getSchema(target.schema).isA(range)) {
          fail(`${path}.entity`, `${propName} needs a ${range.name}; "${src.entity}" is a ${target.schema}`);
        }
      } else if (src.kind === 'literal') {
        // Literals are constants of the mapping, so a bad one is a mapping error, not a thousand row errors.
        for (const value of src.values) {
          const cleaned = cleanValue(prop, value);
          if (!cleaned.ok) fail(`${path}.literal`, cleaned.reason);
        }
      } else if (src.kind === 'columns') {
        for (const c of src.columns)
          useColumn(c, `${path}.${pspec.column !== undefined ? 'column' : 'columns'}`);
      } else {
        for (const part of src.parts)
          if (typeof part !== 'string') useColumn(part.column, `${path}.template`);
      }
      props.push(result);
    }
    const keyLiteral = ent.key_literal ?? name;
    entities.push({
      name,
      schema: schema.name,
      keys: ent.keys,
      keyLiteral,
      prefix: ent.id_prefix ?? 'map',
      properties: props,
    });
  }
  const [first, ...rest] = problems;
  if (first) throw invalid(file, first.path, first.message, rest.length);
  const csv = { delimiter: spec.csv?.delimiter ?? ',', encoding: spec.csv?.encoding ?? 'utf-8' };
  return { file, csv, sheet: spec.sheet, entities, columns };
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'invalid mapping';
  if (issue.code === 'unrecognized_keys')
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

function compileProperty(
  name: string,
  path: string,
  spec: PropertySpec,
  type: string,
  fail: (m: string) => void,
): PropertyMapping | undefined {
  const given = (['column', 'columns', 'literal', 'literals', 'template', 'entity'] as const).filter(
    (k) => spec[k] !== undefined,
  );
  if (given.length !== 1) {
    fail(
      `give exactly one of column, columns, literal, literals, template or entity (got ${given.length === 0 ? 'none' : given.join(', ')})`,
    );
    return undefined;
  }
  let source: ValueSource;
  if (spec.column !== undefined || spec.columns !== undefined)
    source = { kind: 'columns', columns: spec.columns ?? [spec.column ?? ''] };
  else if (spec.literal !== undefined || spec.literals !== undefined)
    source = { kind: 'literal', values: spec.literals ?? [spec.literal ?? ''] };
  else if (spec.template !== undefined) {
    const parts = compileTemplate(spec.template);
    if (typeof parts === 'string') return void fail(parts);
    source = { kind: 'template', parts };
  } else {
    if (type !== 'entity')
      return void fail(`"${name}" is not an entity property, so it cannot take "entity:"`);
    source = { kind: 'entity', entity: spec.entity ?? '' };
  }
  const out: PropertyMapping = { name, path, source };
  if (spec.split !== undefined || spec.format !== undefined) {
    if (source.kind === 'literal' || source.kind === 'entity')
      return void fail('split and format apply to column, columns and template values only');
  }
  if (spec.split !== undefined) out.split = spec.split;
  if (spec.format !== undefined) {
    if (type !== 'date') return void fail(`format applies to date properties; "${name}" is a ${type}`);
    const format = compileDateFormat(spec.format);
    if (typeof format === 'string') return void fail(format);
    out.format = format;
  }
  return out;
}

function compileTemplate(template: string): Array<string | { column: string }> | string {
  const parts: Array<string | { column: string }> = [];
  const re = /\{([^{}]*)\}/g;
  let last = 0;
  for (let m = re.exec(template); m !== null; m = re.exec(template)) {
    parts.push(template.slice(last, m.index));
    const column = (m[1] ?? '').trim();
    if (column === '') return 'template has an empty {} placeholder';
    parts.push({ column });
    last = m.index + m[0].length;
  }
  parts.push(template.slice(last));
  if (parts.some((p) => typeof p === 'string' && /[{}]/.test(p))) return 'template has an unbalanced { or }';
  if (!parts.some((p) => typeof p !== 'string')) return 'template names no {column}';
  return parts.filter((p) => p !== '');
}

// strptime directive -> what it matches; %y and %B fill the same fields as %Y and %b.
const DIRECTIVES = new Map<string, string>([
  ['Y', '(\\d{4})'],
  ['y', '(\\d{2})'],
  ['m', '(\\d{1,2})'],
  ['d', '(\\d{1,2})'],
  ['H', '(\\d{1,2})'],
  ['M', '(\\d{1,2})'],
  ['S', '(\\d{1,2})'],
  ['b', '([A-Za-z]{3,9})\\.?'],
  ['B', '([A-Za-z]{3,9})'],
]);
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Compiles a strptime-style format (%Y %y %m %d %b %B %H %M %S %%); returns a message when it is unusable. */
export function compileDateFormat(format: string): DateFormat | string {
  let source = '';
  const fields: string[] = [];
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] ?? '';
    if (ch !== '%') {
      source += /\s/.test(ch) ? '\\s+' : ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
      continue;
    }
    const d = format[++i] ?? '';
    if (d === '%') source += '%';
    else {
      const pattern = DIRECTIVES.get(d);
      if (pattern === undefined) return `date format "${format}": unsupported directive %${d}`;
      const field = d === 'y' ? 'Y' : d === 'B' ? 'b' : d;
      if (fields.includes(field)) return `date format "${format}": %${d} given twice`;
      fields.push(field);
      source += pattern;
    }
  }
  const has = (f: string) => fields.includes(f);
  if (!has('Y')) return `date format "${format}": a year (%Y or %y) is needed`;
  if ((has('d') && !has('m') && !has('b')) || (has('H') && !has('d')))
    return `date format "${format}": leaves a gap (e.g. a day without a month)`;
  return { text: format, regex: new RegExp(`^${source.replace(/(\\s\+)+/g, '\\s+')}$`, 'i'), fields };
}

/** Parses `value` with a compiled format into an FtM ISO date prefix, or undefined when it does not fit. */
export function applyDateFormat(format: DateFormat, value: string): string | undefined {
  const m = format.regex.exec(value.trim());
  if (!m) return undefined;
  const got = new Map<string, string>();
  format.fields.forEach((f, i) => {
    got.set(f, m[i + 1] ?? '');
  });
  let year = got.get('Y') ?? '';
  // POSIX strptime pivot: 69-99 are 19xx, 00-68 are 20xx.
  if (year.length === 2) year = String(Number(year) < 69 ? 2000 + Number(year) : 1900 + Number(year));
  let month = got.get('m');
  const monthName = got.get('b');
  if (monthName !== undefined) {
    const index = MONTHS.indexOf(monthName.slice(0, 3).toLowerCase());
    if (index < 0 || (month !== undefined && Number(month) !== index + 1)) return undefined;
    month = String(index + 1);
  }
  const pad = (s: string | undefined) => (s ?? '0').padStart(2, '0');
  let iso = year;
  if (month !== undefined) iso += `-${pad(month)}`;
  if (got.has('d')) iso += `-${pad(got.get('d'))}`;
  if (got.has('H')) iso += `T${pad(got.get('H'))}:${pad(got.get('M'))}:${pad(got.get('S'))}`;
  return cleanIsoDate(iso);
}

/** Checks a file's header against the mapping, before any row is read. Throws COLUMN_MISSING or RECORD_INVALID. */
export function checkHeader(mapping: Mapping, header: readonly string[], source: string): void {
  const seen = new Set<string>();
  for (const column of header) {
    if (seen.has(column) && mapping.columns.has(column)) {
      const message = `ingest.mapping: ${source}: the header has column "${column}" twice, so the mapping is ambiguous`;
      throw new NexusError('RECORD_INVALID', message, { file: source, column });
    }
    seen.add(column);
  }
  for (const [column, path] of mapping.columns) {
    if (seen.has(column)) continue;
    const message = `ingest.mapping: ${mapping.file}: ${path}: column "${column}" is not in the header of ${source}`;
    throw new NexusError('COLUMN_MISSING', message, { file: mapping.file, path, column, source });
  }
}

/** One cell-level problem found while mapping a row; the reader adds the file and line. */
export interface RowProblem {
  field: string;
  code: string;
  reason: string;
}

/**
 * Maps one row (column -> cell text) to entities. `isoColumns` names cells that already hold ISO dates (typed
 * XLSX date cells), which a date format is not applied to.
 */
export function mapRow(
  mapping: Mapping,
  cells: ReadonlyMap<string, string>,
  isoColumns?: ReadonlySet<string>,
): { entities: EntityRecord[]; problems: RowProblem[] } {
  const cell = (column: string) => (cells.get(column) ?? '').trim();
  const ids = new Map<string, string>();
  for (const ent of mapping.entities) {
    const keys = ent.keys.map(cell);
    // Ids are hashed, so any key text (quotes, SQL, control characters) gives a valid id.
    if (keys.some((k) => k !== '')) ids.set(ent.name, stableId(ent.prefix, ent.keyLiteral, ...keys));
  }
  const problems: RowProblem[] = [];
  const problem = (field: string, code: string, reason: string) => problems.push({ field, code, reason });
  const row = { cell, ids, isoColumns };
  const byId = new Map<string, EntityRecord>();
  const entities: EntityRecord[] = [];
  for (const ent of mapping.entities) {
    const id = ids.get(ent.name);
    if (id === undefined) continue;
    let record = byId.get(id);
    // Two mappings keyed to the same id in one row (a suspect listed as their own associate) are one entity.
    if (record === undefined || record.schema !== ent.schema) {
      record = newEntity(id, ent.schema);
      byId.set(id, record);
      entities.push(record);
    }
    for (const prop of ent.properties) {
      for (const value of propertyValues(prop, row, mapping, problem)) addValue(record, prop.name, value);
    }
  }
  return { entities, problems };
}

function propertyValues(
  prop: PropertyMapping,
  row: {
    cell: (column: string) => string;
    ids: ReadonlyMap<string, string>;
    isoColumns?: ReadonlySet<string>;
  },
  mapping: Mapping,
  problem: (field: string, code: string, reason: string) => void,
): string[] {
  const src = prop.source;
  if (src.kind === 'literal') return src.values;
  if (src.kind === 'entity') {
    const id = row.ids.get(src.entity);
    if (id !== undefined) return [id];
    const keys = mapping.entities.find((e) => e.name === src.entity)?.keys ?? [];
    problem(
      prop.path,
      'ENTITY_NOT_FOUND',
      `left out: the row has no "${src.entity}" (${keys.join(', ')} empty)`,
    );
    return [];
  }
  let raw: Array<{ text: string; column?: string }> = [];
  if (src.kind === 'columns') raw = src.columns.map((column) => ({ text: row.cell(column), column }));
  else {
    // A template with an empty placeholder would make a misleading half-sentence, so it gives nothing.
    const filled = src.parts.map((p) => (typeof p === 'string' ? p : row.cell(p.column)));
    if (src.parts.every((p, i) => typeof p === 'string' || filled[i] !== ''))
      raw = [{ text: filled.join('') }];
  }
  const out: string[] = [];
  for (const { text, column } of raw) {
    const pieces = (prop.split === undefined ? [text] : text.split(prop.split)).map((p) => p.trim());
    for (const piece of pieces.filter((p) => p !== '')) {
      if (prop.format === undefined) {
        out.push(piece);
        continue;
      }
      const typed = column !== undefined && row.isoColumns?.has(column);
      const iso = typed ? cleanIsoDate(piece) : applyDateFormat(prop.format, piece);
      if (iso !== undefined) out.push(iso);
      else {
        const where = column === undefined ? 'template' : `column "${column}"`;
        problem(
          prop.path,
          'VALUE_INVALID',
          `${where}: "${clip(piece)}" does not match date format "${prop.format.text}"`,
        );
      }
    }
  }
  return out;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
