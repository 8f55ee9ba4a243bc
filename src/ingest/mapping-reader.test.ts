// Tests for the mapping reader: the NIGHTJAR case sheet as CSV and XLSX, encodings, ragged rows and hostile files.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNexusError } from '../model/errors.js';
import { isValidEntityId, stableId } from '../model/ids.js';
import { mappingReader } from './mapping-reader.js';
import type { EntityRecord, ReadItem, Reject, SourceRecord } from './reader.js';

const FIXTURES = new URL('../../test/fixtures/mapping/', import.meta.url).pathname;
const CASE_CSV = join(FIXTURES, 'nightjar.csv');
const CASE_MAPPING = join(FIXTURES, 'nightjar.yml');
let dir: string;

async function readAll(
  paths: string[],
  mapping: string,
  onBytes: (n: number) => void = () => {},
): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for await (const item of mappingReader.read(paths, { onBytes, options: new Map([['mapping', mapping]]) }))
    items.push(item);
  return items;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    return isNexusError(err) ? err.code : `not a NexusError: ${String(err)}`;
  }
  return undefined;
}

const records = (items: ReadItem[]) => items.filter((i): i is SourceRecord => i.kind === 'record');
const rejects = (items: ReadItem[]) => items.filter((i): i is Reject => i.kind === 'reject');
const problems = (items: ReadItem[]) => records(items).flatMap((r) => r.problems ?? []);
const person = (key: string) => stableId('nightjar', 'person', key);

function write(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const SIMPLE_MAPPING = `entities:
  suspect:
    schema: Person
    keys: [id]
    properties:
      name: { column: name }
      notes: { column: note }
`;

/** The NIGHTJAR sheet as a workbook, after a ReadMe sheet, with one date of birth as a typed date cell. */
async function caseWorkbook(): Promise<string> {
  const rows: string[][] = parse(readFileSync(CASE_CSV, 'utf8'));
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('ReadMe').addRow(['Operation NIGHTJAR - fictional training case']);
  const sheet = workbook.addWorksheet('Subjects');
  rows.forEach((row, i) => {
    const cells: unknown[] = [...row];
    if (i === 1) cells[4] = new Date(Date.UTC(1978, 2, 14));
    sheet.addRow(cells);
  });
  const path = join(dir, 'nightjar.xlsx');
  await workbook.xlsx.writeFile(path);
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nexus-mapping-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function byId(items: ReadItem[]): Map<string, EntityRecord> {
  const out = new Map<string, EntityRecord>();
  for (const r of records(items)) for (const e of r.entities) if (!out.has(e.id)) out.set(e.id, e);
  return out;
}

describe('mapping reader: the NIGHTJAR case sheet', () => {
  it('reads the CSV into people, phones, vehicles, companies and links', async () => {
    let bytes = 0;
    const items = await readAll([CASE_CSV], CASE_MAPPING, (n) => {
      bytes += n;
    });
    expect(bytes).toBe(statSync(CASE_CSV).size);
    expect(rejects(items)).toEqual([]);
    const recs = records(items);
    // Line numbers: the header is line 1 and NJ-005's quoted address spans lines 6 and 7.
    expect(recs.map((r) => r.origin.line)).toEqual([2, 3, 4, 5, 6, 8]);
    expect(recs.every((r) => r.origin.file === CASE_CSV)).toBe(true);

    const all = [...byId(items).values()];
    const count = (schema: string) => all.filter((e) => e.schema === schema).length;
    expect([
      count('Person'),
      count('Associate'),
      count('Vehicle'),
      count('Company'),
      count('Directorship'),
    ]).toEqual([6, 6, 3, 2, 6]);

    const flint = byId(items).get(person('NJ-001'));
    expect(flint?.properties.get('name')).toEqual(['Dorian Flint']);
    expect(flint?.properties.get('alias')).toEqual(['Doz', 'The Heron']);
    expect(flint?.properties.get('birthDate')).toEqual(['1978-03-14']);
    expect(flint?.properties.get('phone')).toEqual(['07700 900101', '07700 900102']);
    expect(flint?.properties.get('topics')).toEqual(['crime.traffick.drug']);
    expect(flint?.properties.get('notes')).toEqual(['Seen at Heronsgate car wash on 2023-05-12']);

    // NJ-002 is Flint's associate on line 2 and a subject on line 3: one id, by the shared key_literal.
    const link = recs[0]?.entities.find((e) => e.schema === 'Associate');
    expect(link?.properties.get('person')).toEqual([person('NJ-001')]);
    expect(link?.properties.get('associate')).toEqual([person('NJ-002')]);
    expect(recs[1]?.entities[0]?.id).toBe(person('NJ-002'));

    const van = all.find(
      (e) => e.schema === 'Vehicle' && e.properties.get('registrationNumber')?.[0] === 'FK70 NJA',
    );
    expect(van?.properties.get('owner')).toEqual([person('NJ-001')]);
    const front = all.find((e) => e.properties.get('name')?.[0] === 'Nightjar Logistics, Ltd');
    expect(front?.schema).toBe('Company');
    const ruth = recs[4]?.entities[0];
    expect(ruth?.properties.get('name')).toEqual(['Ruth "Ma" Okafor-Blythe']);
    expect(ruth?.properties.get('notes')).toEqual(['Seen at Unit 7,\nLowmoor Trading Estate on 2023-07-21']);
  });

  it('reports cell problems with file, line and field while keeping the rows', async () => {
    const found = problems(await readAll([CASE_CSV], CASE_MAPPING)).map(
      (p) => `${p.line} ${p.code} ${p.field}`,
    );
    expect(found).toEqual([
      '4 VALUE_INVALID entities.subject.properties.birthDate',
      '4 ENTITY_NOT_FOUND entities.directorship.properties.organization',
      '5 ENTITY_NOT_FOUND entities.link.properties.associate',
      '6 VALUE_INVALID entities.subject.properties.birthDate',
      '8 ENTITY_NOT_FOUND entities.directorship.properties.organization',
    ]);
    expect(problems(await readAll([CASE_CSV], CASE_MAPPING)).every((p) => p.file === CASE_CSV)).toBe(true);
  });

  it('reads the same case from XLSX, choosing the mapped sheet', async () => {
    const xlsx = await caseWorkbook();
    let bytes = 0;
    const items = await readAll([xlsx], CASE_MAPPING, (n) => {
      bytes += n;
    });
    expect(bytes).toBe(statSync(xlsx).size);
    expect(rejects(items)).toEqual([]);
    expect(records(items).map((r) => r.origin.record)).toEqual([
      'Subjects!2',
      'Subjects!3',
      'Subjects!4',
      'Subjects!5',
      'Subjects!6',
      'Subjects!7',
    ]);
    const fromCsv = [...byId(await readAll([CASE_CSV], CASE_MAPPING)).values()];
    expect([...byId(items).values()]).toEqual(fromCsv);
    expect(problems(items).map((p) => `${p.record} ${p.code}`)).toEqual([
      'Subjects!4 VALUE_INVALID',
      'Subjects!4 ENTITY_NOT_FOUND',
      'Subjects!5 ENTITY_NOT_FOUND',
      'Subjects!6 VALUE_INVALID',
      'Subjects!7 ENTITY_NOT_FOUND',
    ]);
  });

  it('refuses a mapped sheet the workbook does not have', async () => {
    const xlsx = await caseWorkbook();
    const mapping = write(
      'other-sheet.yml',
      readFileSync(CASE_MAPPING, 'utf8').replace('sheet: Subjects', 'sheet: Suspects'),
    );
    expect(await codeOf(readAll([xlsx], mapping))).toBe('MAPPING_INVALID');
  });
});

describe('mapping reader: encodings', () => {
  it('reads a latin-1 file', async () => {
    const items = await readAll([join(FIXTURES, 'latin1.csv')], join(FIXTURES, 'latin1.yml'));
    expect(records(items).map((r) => r.entities[0]?.properties.get('name')?.[0])).toEqual([
      'Jürgen Müller',
      'Zoë Cañete',
    ]);
    expect(records(items)[1]?.entities[0]?.properties.get('address')).toEqual(['Málaga']);
  });

  it('reads UTF-16LE with a byte-order mark', async () => {
    const mapping = write('utf16.yml', `csv: { encoding: utf-16le }\n${SIMPLE_MAPPING}`);
    const body = Buffer.from('\ufeffid,name,note\n1,Łukasz Żak,ok\n', 'utf16le');
    const items = await readAll([write('utf16.csv', body)], mapping);
    expect(records(items)[0]?.entities[0]?.properties.get('name')).toEqual(['Łukasz Żak']);
  });

  it('decodes characters split across read chunks', async () => {
    const lines = ['id,name,note'];
    for (let i = 0; i < 4000; i++) lines.push(`${i},Zoë 😀 ${'é'.repeat(i % 7)},“ok”`);
    const path = write('big.csv', `\ufeff${lines.join('\n')}\n`);
    const items = await readAll([path], write('simple.yml', SIMPLE_MAPPING));
    expect(records(items)).toHaveLength(4000);
    expect(records(items)[3999]?.entities[0]?.properties.get('name')).toEqual([
      `Zoë 😀 ${'é'.repeat(3999 % 7)}`,
    ]);
    expect(records(items)[0]?.entities[0]?.id).toBe(stableId('map', 'suspect', '0'));
  });

  it('refuses invalid UTF-8 with ENCODING_INVALID naming the line and byte', async () => {
    const body = Buffer.concat([
      Buffer.from('id,name,note\n1,ok,x\n2,bad '),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(',y\n'),
    ]);
    const path = write('bad-utf8.csv', body);
    const mapping = write('simple.yml', SIMPLE_MAPPING);
    expect(await codeOf(readAll([path], mapping))).toBe('ENCODING_INVALID');
    try {
      await readAll([path], mapping);
    } catch (err) {
      expect(isNexusError(err) && err.details.line).toBe(3);
      expect(isNexusError(err) && err.details.byte).toBe(26);
    }
  });
  it('names the line and byte of a bad byte far into the file', async () => {
    const head = `id,name,note\n${'1,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaé,x\n'.repeat(2000)}`;
    const body = Buffer.concat([Buffer.from(head), Buffer.from([0x32, 0x2c, 0xe2, 0x82, 0x2c, 0x0a])]);
    try {
      await readAll([write('late-bad.csv', body)], write('simple.yml', SIMPLE_MAPPING));
      expect.unreachable();
    } catch (err) {
      expect(isNexusError(err, 'ENCODING_INVALID')).toBe(true);
      expect(isNexusError(err) && err.details.line).toBe(2002);
      expect(isNexusError(err) && err.details.byte).toBe(Buffer.byteLength(head) + 2);
    }
  });

  it('refuses a file that ends inside a UTF-8 character', async () => {
    const body = Buffer.concat([Buffer.from('id,name,note\n1,x,'), Buffer.from([0xf0, 0x9f])]);
    expect(await codeOf(readAll([write('cut.csv', body)], write('simple.yml', SIMPLE_MAPPING)))).toBe(
      'ENCODING_INVALID',
    );
  });
});

describe('mapping reader: bad and hostile input', () => {
  it('rejects a ragged row with file, line and RECORD_INVALID, and reads on', async () => {
    const path = write('ragged.csv', 'id,name,note\n1,One,a\n2,Two\n3,Three,c,extra\n4,Four,d\n');
    const items = await readAll([path], write('simple.yml', SIMPLE_MAPPING));
    expect(
      items.map((i) =>
        i.kind === 'record' ? `record ${i.origin.line}` : `${i.code} ${i.line} ${i.file === path}`,
      ),
    ).toEqual(['record 2', 'RECORD_INVALID 3 true', 'RECORD_INVALID 4 true', 'record 5']);
  });

  it('refuses a ZIP named .csv with FORMAT_MISMATCH', async () => {
    const zip = readFileSync(await caseWorkbook());
    expect(await codeOf(readAll([write('case.csv', zip)], CASE_MAPPING))).toBe('FORMAT_MISMATCH');
  });

  it('refuses binary data named .csv, and text named .xlsx, with FORMAT_MISMATCH', async () => {
    const binary = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00]);
    expect(await codeOf(readAll([write('elf.csv', binary)], CASE_MAPPING))).toBe('FORMAT_MISMATCH');
    expect(await codeOf(readAll([write('text.xlsx', 'id,name\n1,x\n')], CASE_MAPPING))).toBe(
      'FORMAT_MISMATCH',
    );
  });

  it('refuses a truncated workbook and a ZIP without worksheets with FORMAT_MISMATCH', async () => {
    const full = readFileSync(await caseWorkbook());
    const truncated = write('truncated.xlsx', full.subarray(0, Math.floor(full.length / 2)));
    expect(await codeOf(readAll([truncated], CASE_MAPPING))).toBe('FORMAT_MISMATCH');
    // A stored (uncompressed) ZIP holding one text file, built by hand: not a workbook.
    const name = Buffer.from('notes.txt');
    const data = Buffer.from('hello');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const zip = write('notes.xlsx', Buffer.concat([local, name, data]));
    expect(await codeOf(readAll([zip], CASE_MAPPING))).toBe('FORMAT_MISMATCH');
  });

  it('reports XLSX values outside the header but keeps the row', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Sheet1');
    sheet.addRow(['id', 'name', 'note']);
    sheet.addRow(['1', 'One', 'a', 'stray']);
    const path = join(dir, 'stray.xlsx');
    await workbook.xlsx.writeFile(path);
    const items = await readAll([path], write('simple.yml', SIMPLE_MAPPING));
    expect(records(items)[0]?.entities[0]?.properties.get('name')).toEqual(['One']);
    expect(problems(items).map((p) => `${p.record} ${p.code}`)).toEqual(['Sheet1!2 RECORD_INVALID']);
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    const run = async () => {
      const opts = {
        onBytes: () => {},
        options: new Map([['mapping', CASE_MAPPING]]),
        signal: controller.signal,
      };
      for await (const _ of mappingReader.read([CASE_CSV], opts)) controller.abort();
    };
    await expect(run()).rejects.toThrow();
    expect(await codeOf(run())).not.toBe('SOURCE_UNREADABLE');
  });

  it('refuses a header without a mapped column before yielding any row', async () => {
    const path = write('short-header.csv', 'id,name\n1,One\n');
    const items: ReadItem[] = [];
    const run = async () => {
      for await (const item of mappingReader.read([path], {
        onBytes: () => {},
        options: new Map([['mapping', write('simple.yml', SIMPLE_MAPPING)]]),
      })) {
        items.push(item);
      }
    };
    expect(await codeOf(run())).toBe('COLUMN_MISSING');
    expect(items).toEqual([]);
    expect(await codeOf(readAll([write('empty.csv', '')], write('simple.yml', SIMPLE_MAPPING)))).toBe(
      'COLUMN_MISSING',
    );
  });

  it('validates the mapping before opening any source', async () => {
    const bad = write(
      'bad.yml',
      SIMPLE_MAPPING.replace('name: { column: name }', '__proto__: { column: name }'),
    );
    expect(await codeOf(readAll([join(dir, 'does-not-exist.csv')], bad))).toBe('MAPPING_INVALID');
    expect(
      await codeOf(readAll([join(dir, 'does-not-exist.csv')], write('simple.yml', SIMPLE_MAPPING))),
    ).toBe('SOURCE_UNREADABLE');
  });

  it('needs the mapping option', async () => {
    const run = async () => {
      for await (const _ of mappingReader.read([CASE_CSV], { onBytes: () => {}, options: new Map() })) break;
    };
    expect(await codeOf(run())).toBe('USAGE_INVALID');
  });

  it('reads a formula-looking cell verbatim as data, in CSV and XLSX', async () => {
    const payload = "=cmd|' /C calc'!A0";
    const mapping = write('simple.yml', SIMPLE_MAPPING);
    const csv = await readAll([write('formula.csv', `id,name,note\n1,"${payload}",@SUM(1+1)\n`)], mapping);
    expect(records(csv)[0]?.entities[0]?.properties.get('name')).toEqual([payload]);
    expect(records(csv)[0]?.entities[0]?.properties.get('notes')).toEqual(['@SUM(1+1)']);

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Sheet1');
    sheet.addRow(['id', 'name', 'note']);
    sheet.addRow(['1', payload, { formula: '1+1', result: 2 }]);
    const xlsx = join(dir, 'formula.xlsx');
    await workbook.xlsx.writeFile(xlsx);
    const fromXlsx = records(await readAll([xlsx], mapping))[0]?.entities[0];
    expect(fromXlsx?.properties.get('name')).toEqual([payload]);
    expect(fromXlsx?.properties.get('notes')).toEqual(['2']);
  });

  it('hashes a hostile key into a valid id', async () => {
    const key = "'; drop table statements;--";
    const items = await readAll(
      [write('sqli.csv', `id,name,note\n"${key}",Bobby,\n`)],
      write('simple.yml', SIMPLE_MAPPING),
    );
    const id = records(items)[0]?.entities[0]?.id ?? '';
    expect(isValidEntityId(id)).toBe(true);
    expect(id).toBe(stableId('map', 'suspect', key));
  });

  it('rejects a row that has data but no key, and skips blank rows', async () => {
    const items = await readAll(
      [write('nokey.csv', 'id,name,note\n,Nameless,\n,,\n2,Two,\n')],
      write('simple.yml', SIMPLE_MAPPING),
    );
    expect(
      items.map((i) => (i.kind === 'record' ? `record ${i.origin.line}` : `${i.code} ${i.line}`)),
    ).toEqual(['RECORD_INVALID 2', 'record 4']);
  });

  it('ends a file with an unclosed quote in a reject', async () => {
    const items = await readAll(
      [write('unclosed.csv', 'id,name,note\n1,One,a\n2,"Two,b\n')],
      write('simple.yml', SIMPLE_MAPPING),
    );
    expect(items.map((i) => (i.kind === 'record' ? `record ${i.origin.line}` : i.code))).toEqual([
      'record 2',
      'RECORD_INVALID',
    ]);
  });
});
