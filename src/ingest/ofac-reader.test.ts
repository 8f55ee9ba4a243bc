// Unit tests of the OFAC legacy CSV reader on hand-written fixtures (test/fixtures/ofac) and generated hostile files.
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isNexusError } from '../model/errors.js';
import { getProperty, getSchema } from '../model/ftm.js';
import { ofacReader } from './ofac-reader.js';
import { hasCompanyForm, splitPrograms } from './ofac-remarks.js';
import type { EntityRecord, ReadItem, Reject, SourceRecord } from './reader.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/ofac/', import.meta.url));
const SDN = join(FIXTURES, 'sdn');
const CONS = join(FIXTURES, 'cons');

async function collect(paths: string[], onBytes: (n: number) => void = () => {}): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for await (const item of ofacReader.read(paths, { onBytes, options: new Map() })) items.push(item);
  return items;
}

const recordsOf = (items: ReadItem[]) => items.filter((i): i is SourceRecord => i.kind === 'record');
const rejectsOf = (items: ReadItem[]) => items.filter((i): i is Reject => i.kind === 'reject');
const entitiesOf = (items: ReadItem[]) => recordsOf(items).flatMap((r) => r.entities);
const prop = (e: EntityRecord | undefined, name: string) => e?.properties.get(name) ?? [];

function recordFor(items: ReadItem[], entNum: string): SourceRecord {
  const rec = recordsOf(items).find((r) => r.origin.record === entNum);
  if (!rec) throw new Error(`no record ${entNum}`);
  return rec;
}

function ofSchema(rec: SourceRecord, schema: string): EntityRecord[] {
  return rec.entities.filter((e) => e.schema === schema);
}

async function codeOf(paths: string[]): Promise<string> {
  try {
    await collect(paths);
  } catch (err) {
    if (isNexusError(err)) return err.code;
    throw err;
  }
  return 'no error';
}

function tempDir(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-ofac-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const ROW = (n: number, name: string) =>
  `${n},"${name}","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- `;

describe('ofacReader on the SDN fixture', async () => {
  const items = await collect([SDN]);

  it('yields one record per valid main row, with the main file and its 1-based line', () => {
    const recs = recordsOf(items);
    expect(recs.map((r) => r.origin.record)).toEqual([
      '1001',
      '1002',
      '1003',
      '1004',
      '1005',
      '1006',
      '1007',
    ]);
    expect(recs.map((r) => r.origin.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(recs.every((r) => r.origin.file.endsWith('sdn.csv'))).toBe(true);
  });

  it('decodes CP1252 and maps an individual with its remarks to Person, Passport and Identification', () => {
    const rec = recordFor(items, '1001');
    const [person] = ofSchema(rec, 'Person');
    expect(person?.id).toBe('ofac-1001');
    expect(prop(person, 'name')).toEqual(['MUÑOZ GARCÍA, José Luis']);
    expect(prop(person, 'lastName')).toEqual(['MUÑOZ GARCÍA']);
    expect(prop(person, 'firstName')).toEqual(['José Luis']);
    expect(prop(person, 'position')).toEqual(['Financial Operator']);
    expect(prop(person, 'birthDate')).toEqual(['1970-01-12', '1968']);
    expect(prop(person, 'birthPlace')).toEqual(['Medellín, Colombia']);
    expect(prop(person, 'nationality')).toEqual(['co']);
    expect(prop(person, 'citizenship')).toEqual(['es']);
    expect(prop(person, 'gender')).toEqual(['male']);
    expect(prop(person, 'weakAlias')).toEqual(['EL PATRON']);
    expect(prop(person, 'alias')).toEqual(['MUÑOZ, Pepe']);
    expect(prop(person, 'topics')).toEqual(['sanction']);
    expect(prop(person, 'country')).toEqual(['co']);
    expect(prop(person, 'address')).toEqual(['Calle 10 # 43-12, Medellín, Antioquia, Colombia']);
    const [passport] = ofSchema(rec, 'Passport');
    expect(prop(passport, 'holder')).toEqual(['ofac-1001']);
    expect(prop(passport, 'number')).toEqual(['AB123456']);
    expect(prop(passport, 'country')).toEqual(['co']);
    expect(prop(passport, 'startDate')).toEqual(['2010-02-01']);
    expect(prop(passport, 'endDate')).toEqual(['2020-01-31']);
    const [cedula] = ofSchema(rec, 'Identification');
    expect(prop(cedula, 'number')).toEqual(['71234567']);
    expect(prop(cedula, 'type')).toEqual(['Cedula No.']);
    const [link] = ofSchema(rec, 'UnknownLink');
    expect(prop(link, 'subject')).toEqual(['ofac-1001']);
    expect(prop(link, 'object')).toEqual(['ofac-1002']);
    // The title repeated in the remarks is not duplicated into notes; the Linked To text is kept.
    expect(prop(person, 'notes')).toEqual(['Linked To: ÑANDÚ TRADING S.A']);
  });

  it('makes one Sanction per programme, with OFAC as authority and the remark provisions', () => {
    const rec = recordFor(items, '1003');
    const sanctions = ofSchema(rec, 'Sanction');
    expect(sanctions.map((s) => prop(s, 'program')[0])).toEqual(['DPRK3', 'CYBER2']);
    for (const s of sanctions) {
      expect(prop(s, 'entity')).toEqual(['ofac-1003']);
      expect(prop(s, 'authority')).toEqual(['Office of Foreign Assets Control']);
      expect(prop(s, 'country')).toEqual(['us']);
      expect(prop(s, 'sourceUrl')).toEqual(['https://sanctionssearch.ofac.treas.gov/Details.aspx?id=1003']);
      expect(prop(s, 'provisions')[0]).toMatch(/^Secondary sanctions risk/);
    }
    expect(new Set(sanctions.map((s) => s.id)).size).toBe(2);
  });

  it('turns Digital Currency Address remarks into CryptoWallets, including one continued in sdn_comments.csv', () => {
    const rec = recordFor(items, '1003');
    const wallets = ofSchema(rec, 'CryptoWallet');
    expect(wallets.map((w) => [prop(w, 'currency')[0], prop(w, 'publicKey')[0]])).toEqual([
      ['XBT', '1ExampleBtcAddr111111111111111111'],
      ['ETH', '0x00000000000000000000000000000000000000aa'],
      ['LTC', 'LExampleLtcAddr22222222222222222'],
    ]);
    for (const w of wallets) {
      expect(prop(w, 'holder')).toEqual(['ofac-1003']);
      expect(prop(w, 'topics')).toEqual(['sanction']);
    }
    const [org] = ofSchema(rec, 'Organization');
    expect(prop(org, 'alias')).toEqual(['HIDDEN COBRA EXAMPLE', 'APT EXAMPLE', 'ODD TYPE NAME']);
    // An unresolvable Linked To stays a note and makes no link.
    expect(prop(org, 'notes')).toEqual(['Linked To: NOBODY KNOWN']);
    expect(ofSchema(rec, 'UnknownLink')).toEqual([]);
  });

  it('classifies entities by company-form words', () => {
    expect(recordFor(items, '1002').entities[0]?.schema).toBe('Company');
    expect(recordFor(items, '1006').entities[0]?.schema).toBe('Organization');
    expect(hasCompanyForm('ANGLO-CARIBBEAN CO., LTD.')).toBe(true);
    expect(hasCompanyForm('OPERADORA NUEVA GRANADA, S.A. DE C.V.')).toBe(true);
    expect(hasCompanyForm('LASHKAR E-TAYYIBA')).toBe(false);
    const [company] = recordFor(items, '1002').entities;
    expect(prop(company, 'taxNumber')).toEqual(['800123456-7']);
    expect(prop(company, 'swiftBic')).toEqual(['NANDCOBB']);
    expect(prop(company, 'website')).toEqual(['www.nandu.example']);
    expect(prop(company, 'email')).toEqual(['info@nandu.example']);
    expect(prop(company, 'phone')).toEqual(['5745551234']);
    expect(prop(company, 'incorporationDate')).toEqual(['2004']);
    expect(prop(company, 'previousName')).toEqual(['ÑANDÚ IMPORTS LTDA.']);
  });

  it('maps vessel columns and remarks, and the owner when the owner is itself listed', () => {
    const [vessel] = recordFor(items, '1004').entities;
    expect(vessel?.schema).toBe('Vessel');
    expect(prop(vessel, 'callSign')).toEqual(['9BXX1']);
    expect(prop(vessel, 'type')).toEqual(['Crude Oil Tanker']);
    expect(prop(vessel, 'tonnage')).toEqual(['99144']);
    expect(prop(vessel, 'grossRegisteredTonnage')).toEqual(['56068']);
    expect(prop(vessel, 'flag')).toEqual(['ir']);
    expect(prop(vessel, 'pastFlags')).toEqual(['mt']);
    expect(prop(vessel, 'imoNumber')).toEqual(['9187629']);
    expect(prop(vessel, 'mmsi')).toEqual(['572469210']);
    expect(prop(vessel, 'owner')).toEqual(['ofac-1002']);
    expect(prop(vessel, 'previousName')).toEqual(['OLD SEA']);
    expect(prop(vessel, 'notes')).toContain('Vessel owner: ÑANDÚ TRADING S.A.');
  });

  it('maps aircraft remarks onto Airplane', () => {
    const [plane] = recordFor(items, '1005').entities;
    expect(plane?.schema).toBe('Airplane');
    expect(prop(plane, 'model')).toEqual(['IL76-TD']);
    expect(prop(plane, 'serialNumber')).toEqual(['1023409321']);
    expect(prop(plane, 'buildDate')).toEqual(['1992']);
    expect(prop(plane, 'registrationNumber')).toEqual(['EP-XYZ']);
    expect(prop(plane, 'operator')).toEqual(['ofac-1003']);
  });

  it('keeps what it cannot interpret, and reports unknown countries as value problems', () => {
    const rec = recordFor(items, '1006');
    const [org] = rec.entities;
    expect(prop(org, 'notes')).toEqual(['All offices worldwide', 'Chinese Commercial Code 1234 5678']);
    expect(prop(org, 'address')).toEqual([
      '1 Example Street, Atlantis, Atlantis Republic',
      'Gaza Strip, Region: Gaza',
    ]);
    expect(prop(org, 'country')).toEqual([]);
    // `Region: Gaza` is a region, not an unknown country: one problem only.
    expect(rec.problems?.map((p) => [p.field, p.code, p.line, p.file.endsWith('add.csv')])).toEqual([
      ['country', 'VALUE_INVALID', 4, true],
    ]);
    const odd = recordFor(items, '1003').problems ?? [];
    expect(odd.map((p) => [p.field, p.code, p.line])).toEqual([['alt_type', 'VALUE_INVALID', 5]]);
  });

  it('reads `__proto__` as plain text, without touching Object.prototype', () => {
    const rec = recordFor(items, '1007');
    const [person] = rec.entities;
    expect(prop(person, 'name')).toEqual(['__proto__']);
    expect(prop(person, 'notes')).toEqual(['constructor', '__proto__ 1', 'nationality possibly Palestinian']);
    expect(prop(person, 'birthDate')).toEqual(['1960', '1962']);
    expect(rec.problems?.map((p) => p.field)).toEqual(['nationality']);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('rejects malformed main rows and orphaned side rows with file, line and field', () => {
    const rejects = rejectsOf(items).map((r) => [r.file.split('/').pop(), r.line, r.field, r.code]);
    expect(rejects).toEqual([
      ['sdn.csv', 8, 'columns', 'RECORD_INVALID'],
      ['sdn.csv', 9, 'ent_num', 'RECORD_INVALID'],
      ['add.csv', 6, 'ent_num', 'ENTITY_NOT_FOUND'],
    ]);
  });

  it('uses only properties that exist on each schema', () => {
    for (const e of entitiesOf(items)) {
      for (const name of e.properties.keys())
        expect(getProperty(getSchema(e.schema), name), `${e.schema}.${name}`).toBeDefined();
    }
  });

  it('reports every byte of the files it read', async () => {
    let bytes = 0;
    await collect([SDN], (n) => {
      bytes += n;
    });
    const total = readdirSync(SDN).reduce((sum, f) => sum + statSync(join(SDN, f)).size, 0);
    expect(bytes).toBe(total);
  });

  it('is deterministic', async () => {
    expect(JSON.stringify(await collect([SDN]), (_k, v) => (v instanceof Map ? [...v] : v))).toBe(
      JSON.stringify(items, (_k, v) => (v instanceof Map ? [...v] : v)),
    );
  });
});

describe('ofacReader file discovery', () => {
  it('reads the consolidated set, and both sets when both are given', async () => {
    const cons = await collect([CONS]);
    expect(recordsOf(cons).map((r) => r.origin.record)).toEqual(['9639', '9700']);
    const bank = recordFor(cons, '9700');
    expect(bank.entities[0]?.schema).toBe('Company');
    expect(prop(bank.entities[0], 'registrationNumber')).toEqual(['1027700000000']);
    expect(prop(bank.entities[0], 'classification')).toEqual(['Financial Institution']);
    expect(ofSchema(bank, 'Sanction').map((s) => prop(s, 'program')[0])).toEqual([
      'UKRAINE-EO13662',
      'RUSSIA-EO14024',
    ]);
    expect(rejectsOf(cons)).toEqual([]);
    expect(recordsOf(await collect([SDN, CONS]))).toHaveLength(9);
  });

  it('accepts the individual files as paths', async () => {
    const items = await collect([join(SDN, 'sdn.csv'), join(SDN, 'alt.csv')]);
    expect(recordsOf(items)).toHaveLength(7);
    expect(prop(recordFor(items, '1001').entities[0], 'alias')).toEqual(['MUÑOZ, Pepe']);
    expect(prop(recordFor(items, '1001').entities[0], 'address')).toEqual([]);
  });

  it('throws typed errors when the source cannot be read at all', async () => {
    expect(await codeOf([join(SDN, 'add.csv')])).toBe('SOURCE_UNREADABLE');
    expect(await codeOf([join(FIXTURES, 'does-not-exist')])).toBe('SOURCE_UNREADABLE');
    expect(await codeOf([tempDir({})])).toBe('SOURCE_UNREADABLE');
    expect(await codeOf([join(tempDir({ 'list.csv': ROW(1, 'A') }), 'list.csv')])).toBe('FORMAT_MISMATCH');
  });

  it('splits programme lists', () => {
    expect(splitPrograms('SDGT] [IRGC] [IFSR')).toEqual(['SDGT', 'IRGC', 'IFSR']);
    expect(splitPrograms('CAATSA - RUSSIA; UKRAINE-EO13661')).toEqual(['CAATSA - RUSSIA', 'UKRAINE-EO13661']);
    expect(splitPrograms('-0- ')).toEqual([]);
  });
});

describe('ofacReader on hostile input', () => {
  it('a file cut mid-quote: earlier rows are read, the cut row is a RECORD_INVALID reject', async () => {
    const dir = tempDir({
      'sdn.csv': `${ROW(1, 'ONE, A')}\r\n${ROW(2, 'TWO, B')}\r\n3,"THREE, C","individual","SD`,
    });
    const items = await collect([dir]);
    expect(recordsOf(items).map((r) => r.origin.record)).toEqual(['1', '2']);
    expect(rejectsOf(items).map((r) => [r.line, r.field, r.code])).toEqual([[3, 'row', 'RECORD_INVALID']]);
  });

  it('a ZIP named sdn.csv is FORMAT_MISMATCH', async () => {
    const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x21, 0x00]);
    expect(await codeOf([tempDir({ 'sdn.csv': zip })])).toBe('FORMAT_MISMATCH');
    expect(await codeOf([tempDir({ 'sdn.csv': ROW(1, 'A, B'), 'alt.csv': zip })])).toBe('FORMAT_MISMATCH');
  });

  it('binary bytes with NULs are ENCODING_INVALID', async () => {
    const bin = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(await codeOf([tempDir({ 'sdn.csv': bin })])).toBe('ENCODING_INVALID');
  });

  it('a row with too few columns, a repeated ent_num and a bad side row are rejects; the rest is read', async () => {
    const dir = tempDir({
      'sdn.csv': `${ROW(1, 'ONE, A')}\n1,"DUP"\n${ROW(1, 'ONE AGAIN, A')}\n\n${ROW(2, '__proto__')}\n`,
      'alt.csv': '1,10,"aka","ALIAS ONE",-0- \n__proto__,11,"aka","X",-0- \n',
    });
    const items = await collect([dir]);
    expect(recordsOf(items).map((r) => r.origin.record)).toEqual(['1', '2']);
    expect(prop(recordFor(items, '1').entities[0], 'alias')).toEqual(['ALIAS ONE']);
    expect(rejectsOf(items).map((r) => [r.file.split('/').pop(), r.line, r.field, r.code])).toEqual([
      ['alt.csv', 2, 'ent_num', 'RECORD_INVALID'],
      ['sdn.csv', 2, 'columns', 'RECORD_INVALID'],
      ['sdn.csv', 3, 'ent_num', 'RECORD_INVALID'],
    ]);
  });

  it('a UTF-8 file is read as UTF-8, not as CP1252 mojibake', async () => {
    const items = await collect([tempDir({ 'sdn.csv': Buffer.from(ROW(1, 'MUÑOZ, José'), 'utf8') })]);
    expect(prop(recordFor(items, '1').entities[0], 'name')).toEqual(['MUÑOZ, José']);
  });
});
