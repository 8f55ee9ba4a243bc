// Unit tests of the UN consolidated list reader on small hand-written fixtures, including broken and hostile input.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanIsoDate } from '../model/dates.js';
import { isNexusError } from '../model/errors.js';
import { getProperty, getSchema } from '../model/ftm.js';
import type { EntityRecord, ReadItem, Reject, SourceRecord } from './reader.js';
import { unReader } from './un-reader.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/un');
const fixture = (name: string): string => join(FIXTURES, name);
const tmp = mkdtempSync(join(tmpdir(), 'nexus-un-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function readAll(paths: string[], onBytes: (n: number) => void = () => {}): Promise<ReadItem[]> {
  const out: ReadItem[] = [];
  for await (const item of unReader.read(paths, { onBytes, options: new Map() })) out.push(item);
  return out;
}

/** Reads until the reader throws; returns what came out before and the error. */
async function readUntilError(path: string): Promise<{ items: ReadItem[]; error: unknown }> {
  const items: ReadItem[] = [];
  try {
    for await (const item of unReader.read([path], { onBytes: () => {}, options: new Map() }))
      items.push(item);
  } catch (error) {
    return { items, error };
  }
  return { items, error: undefined };
}

const records = (items: ReadItem[]): SourceRecord[] =>
  items.filter((i): i is SourceRecord => i.kind === 'record');
const rejects = (items: ReadItem[]): Reject[] => items.filter((i): i is Reject => i.kind === 'reject');
const values = (e: EntityRecord | undefined, prop: string): unknown[] => e?.properties.get(prop) ?? [];

function byId(items: ReadItem[], id: string): EntityRecord | undefined {
  return records(items)
    .flatMap((r) => r.entities)
    .find((e) => e.id === id);
}

function ofSchema(record: SourceRecord | undefined, schema: string): EntityRecord[] {
  return record?.entities.filter((e) => e.schema === schema) ?? [];
}

describe('unReader on the small fixture', async () => {
  let bytes = 0;
  const items = await readAll([fixture('consolidated-small.xml')], (n) => {
    bytes += n;
  });
  const recs = records(items);
  const person = byId(items, 'un-9900001');
  const second = byId(items, 'un-9900002');

  it('yields one record per INDIVIDUAL/ENTITY, in file order, with origin line and DATAID', () => {
    expect(unReader.format).toBe('un');
    expect(rejects(items)).toEqual([]);
    expect(recs.map((r) => r.origin)).toEqual([
      { file: fixture('consolidated-small.xml'), line: 4, record: '9900001' },
      { file: fixture('consolidated-small.xml'), line: 83, record: '9900002' },
      { file: fixture('consolidated-small.xml'), line: 135, record: '9900101' },
      { file: fixture('consolidated-small.xml'), line: 165, record: '9900102' },
    ]);
  });

  it('reports every byte it consumed', () => {
    expect(bytes).toBe(statSync(fixture('consolidated-small.xml')).size);
  });

  it('maps an INDIVIDUAL to a Person with names, aliases, birth data, nationality and notes', () => {
    expect(person?.schema).toBe('Person');
    expect(values(person, 'name')).toEqual(['PAK SONG CHOL']);
    expect(values(person, 'firstName')).toEqual(['PAK']);
    expect(values(person, 'secondName')).toEqual(['SONG CHOL']);
    expect(values(person, 'title')).toEqual(['Director']);
    expect(values(person, 'position')).toEqual(['Representative of Example Trading Bank']);
    expect(values(person, 'nationality')).toEqual(["Democratic People's Republic of Korea"]);
    expect(values(person, 'gender')).toEqual(['Male']);
    expect(values(person, 'alias')).toEqual(['Pak Song-Chol', 'Kim Yong Su']);
    expect(values(person, 'weakAlias')).toEqual(['Mr. Pak']);
    // The alias's own date of birth is an alternative birth date of the person.
    expect(values(person, 'birthDate')).toEqual(['1968-07-21', '1969-03-12']);
    expect(values(person, 'birthPlace')).toEqual(["Nampo, Democratic People's Republic of Korea"]);
    expect(values(person, 'birthCountry')).toEqual(["Democratic People's Republic of Korea"]);
    expect(values(person, 'address')).toEqual([
      "Building 7, Example Street, Pyongyang, Democratic People's Republic of Korea",
    ]);
    expect(values(person, 'country')).toEqual(["Democratic People's Republic of Korea"]);
    expect(values(person, 'topics')).toEqual(['sanction']);
    expect(values(person, 'modifiedAt')).toEqual(['2021-11-30']);
    expect(values(person, 'passportNumber')).toEqual(['927000111']);
    expect(values(person, 'idNumber')).toEqual(['KP-55-000']);
    const notes = values(person, 'notes');
    expect(notes[0]).toContain('resolution 2371 (2017)');
    expect(notes).toContain('Address note: as of 2019');
    expect(notes).toContain('Alias Mr. Pak: Call sign');
    // A field the mapping does not know is kept, not dropped.
    expect(notes).toContain('SORT_KEY: PAK SONG CHOL');
  });

  it('makes one Sanction per record with committee, reference, listing and update dates', () => {
    const sanctions = ofSchema(recs[0], 'Sanction');
    expect(sanctions).toHaveLength(1);
    const s = sanctions[0];
    expect(values(s, 'entity')).toEqual(['un-9900001']);
    expect(values(s, 'authority')).toEqual(['United Nations Security Council']);
    expect(values(s, 'program')).toEqual([
      'DPRK',
      'Security Council Committee established pursuant to resolution 1718 (2006)',
    ]);
    expect(values(s, 'unscId')).toEqual(['KPi.901']);
    expect(values(s, 'authorityId')).toEqual(['KPi.901']);
    expect(values(s, 'recordId')).toEqual(['9900001']);
    expect(values(s, 'listingDate')).toEqual(['2017-08-05']);
    expect(values(s, 'modifiedAt')).toEqual(['2018-03-01', '2021-11-30']);
    expect(values(s, 'reason')).toHaveLength(1);
    expect(values(s, 'description')).toEqual([
      'Resolutions: 1718 (2006)',
      'List type: UN List',
      'Version: 1',
    ]);
  });

  it('merges one passport listed under several language labels, and keeps ID cards as Identification', () => {
    const passports = ofSchema(recs[0], 'Passport');
    expect(passports).toHaveLength(1);
    const p = passports[0];
    expect(values(p, 'holder')).toEqual(['un-9900001']);
    expect(values(p, 'number')).toEqual(['927000111']);
    expect(values(p, 'type')).toEqual(['Numéro de passeport', 'Passport']);
    expect(values(p, 'country')).toEqual(["Democratic People's Republic of Korea"]);
    expect(values(p, 'startDate')).toEqual(['2015-02-10']);
    expect(values(p, 'description')).toEqual(['Expires on 10 Feb. 2020']);
    const ids = ofSchema(recs[0], 'Identification');
    expect(ids).toHaveLength(1);
    expect(values(ids[0], 'type')).toEqual(['National Identification Number', 'Citizen card']);
    expect(values(ids[0], 'number')).toEqual(['KP-55-000']);
    expect(values(ids[0], 'description')).toEqual(['City of issue: Pyongyang']);
  });

  it('handles four name parts, original script, several nationalities and every date-of-birth form', () => {
    expect(values(second, 'name')).toEqual(['ABD AL-KARIM YUSUF HAMID AL-EXAMPLI']);
    expect(values(second, 'middleName')).toEqual(['HAMID', 'AL-EXAMPLI']);
    expect(values(second, 'alias')).toEqual(['عبد الكريم يوسف حميد']);
    expect(values(second, 'nationality')).toEqual(['Iraq', 'Syrian Arab Republic']);
    expect(values(second, 'title')).toEqual(['Sheikh']);
    // No GENDER element: the narrative's "Gender: Male" is used.
    expect(values(second, 'gender')).toEqual(['male']);
    // APPROXIMATELY year, BETWEEN as each year of the range, and a date given only as a note.
    expect(values(second, 'birthDate')).toEqual(['1975', '1977', '1978', '1979', '1976-09']);
    expect(values(second, 'notes')).toContain('Date of birth approximately: 1975');
    expect(values(second, 'notes')).toContain('Date of birth note: Sep. 1976');
    expect(values(second, 'birthPlace')).toEqual([]);
    expect(values(second, 'birthCountry')).toEqual(['Iraq']);
    expect(ofSchema(recs[1], 'Passport')).toEqual([]);
    expect(ofSchema(recs[1], 'Identification')).toEqual([]);
    const s = ofSchema(recs[1], 'Sanction')[0];
    expect(values(s, 'program')[1]).toContain('1267 (1999), 1989 (2011) and 2253 (2015)');
    expect(values(s, 'modifiedAt')).toEqual([]);
  });

  it('maps an ENTITY with a legal form to Company, others to Organization, with a.k.a./f.k.a.', () => {
    const company = byId(items, 'un-9900101');
    expect(company?.schema).toBe('Company');
    expect(values(company, 'alias')).toEqual(['Example Ocean Shipping']);
    expect(values(company, 'previousName')).toEqual(['Old Example Maritime']);
    expect(values(company, 'address')).toEqual([
      "Harbour Road 3, Nampo, Democratic People's Republic of Korea",
    ]);
    // An xs:date with a time zone keeps its calendar date.
    expect(values(ofSchema(recs[2], 'Sanction')[0], 'listingDate')).toEqual(['2016-03-02']);
    const org = byId(items, 'un-9900102');
    expect(org?.schema).toBe('Organization');
    expect(values(org, 'previousName')).toEqual(['ELF Movement']);
    expect(values(org, 'country')).toEqual(['Somalia']);
    expect(values(org, 'address')).toEqual([]);
    expect(values(org, 'notes')).toContain('Address note: Tel.: +000 00 000 000');
  });

  it('keeps bad values as problems (and notes) without losing the record', () => {
    const rec = recs[3];
    expect(rec?.problems?.map((p) => [p.field, p.code, p.record])).toEqual([
      ['UN_LIST_TYPE', 'VALUE_INVALID', '9900102'],
      ['LAST_DAY_UPDATED', 'VALUE_INVALID', '9900102'],
    ]);
    const s = ofSchema(rec, 'Sanction')[0];
    expect(values(s, 'program')).toEqual(['Neverland']);
    // "1 Feb. 2019" is not ISO but is a date the reader can read.
    expect(values(s, 'listingDate')).toEqual(['2019-02-01']);
    expect(values(s, 'description')).toContain('LAST_DAY_UPDATED: not a date');
  });

  it('uses only properties that exist on each schema, ISO dates and stable ids', async () => {
    for (const entity of recs.flatMap((r) => r.entities)) {
      const schema = getSchema(entity.schema);
      for (const [prop, vals] of entity.properties) {
        const property = getProperty(schema, prop);
        expect(property, `${entity.schema}.${prop}`).toBeDefined();
        if (property?.type.name === 'date') for (const v of vals) expect(cleanIsoDate(String(v))).toBe(v);
      }
    }
    const again = records(await readAll([fixture('consolidated-small.xml')]));
    expect(again.flatMap((r) => r.entities.map((e) => e.id))).toEqual(
      recs.flatMap((r) => r.entities.map((e) => e.id)),
    );
  });
});

describe('unReader on bad input', () => {
  it('rejects a record without DATAID, naming the field, and keeps the next record', async () => {
    const items = await readAll([fixture('missing-dataid.xml')]);
    const [bad] = rejects(items);
    expect(bad).toMatchObject({
      kind: 'reject',
      file: fixture('missing-dataid.xml'),
      line: 4,
      field: 'DATAID',
      code: 'RECORD_INVALID',
    });
    expect(records(items).map((r) => r.origin.record)).toEqual(['9900502']);
  });

  it('ends a truncated file with FORMAT_MISMATCH after the complete records', async () => {
    const { items, error } = await readUntilError(fixture('truncated.xml'));
    expect(records(items).map((r) => r.origin.record)).toEqual(['9900201']);
    expect(isNexusError(error, 'FORMAT_MISMATCH')).toBe(true);
    expect((error as { details: { file: string; line: number } }).details).toMatchObject({
      file: fixture('truncated.xml'),
    });
    expect((error as { details: { line: number } }).details.line).toBeGreaterThan(1);
  });

  it('fails on mismatched tags with FORMAT_MISMATCH naming file and line', async () => {
    const { items, error } = await readUntilError(fixture('mismatched.xml'));
    expect(items).toEqual([]);
    expect(isNexusError(error, 'FORMAT_MISMATCH')).toBe(true);
    expect((error as { details: unknown }).details).toEqual({ file: fixture('mismatched.xml'), line: 7 });
  });

  it('refuses JSON, binary, empty and non-UN XML files before yielding anything', async () => {
    const binary = join(tmp, 'binary.bin');
    writeFileSync(
      binary,
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
    );
    const empty = join(tmp, 'empty.xml');
    writeFileSync(empty, '  \n');
    for (const path of [fixture('not-xml.json'), binary, empty, fixture('wrong-root.xml')]) {
      const { items, error } = await readUntilError(path);
      expect(items, path).toEqual([]);
      expect(isNexusError(error, 'FORMAT_MISMATCH'), path).toBe(true);
    }
  });

  it('refuses a DOCTYPE with ENTITY declarations (no XXE, no billion laughs)', async () => {
    const { items, error } = await readUntilError(fixture('entities.xml'));
    expect(items).toEqual([]);
    expect(isNexusError(error, 'FORMAT_MISMATCH')).toBe(true);
  });

  it('refuses invalid UTF-8 and non-UTF-8 declarations with ENCODING_INVALID', async () => {
    const latin1 = join(tmp, 'latin1.xml');
    writeFileSync(
      latin1,
      Buffer.concat([
        Buffer.from('<?xml version="1.0"?>\n<CONSOLIDATED_LIST><X>'),
        Buffer.from([0xe9, 0x3c]),
        Buffer.from('/X></CONSOLIDATED_LIST>'),
      ]),
    );
    const declared = join(tmp, 'declared.xml');
    writeFileSync(declared, '<?xml version="1.0" encoding="ISO-8859-1"?>\n<CONSOLIDATED_LIST/>');
    for (const path of [latin1, declared]) {
      const { error } = await readUntilError(path);
      expect(isNexusError(error, 'ENCODING_INVALID'), path).toBe(true);
    }
  });

  it('rejects a record larger than its bound with LIMIT_REACHED and goes on', async () => {
    const big = join(tmp, 'big.xml');
    const huge = 'x'.repeat(2_100_000);
    writeFileSync(
      big,
      `<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><COMMENTS1>${huge}</COMMENTS1></INDIVIDUAL>` +
        '<INDIVIDUAL><DATAID>2</DATAID><FIRST_NAME>SMALL</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>',
    );
    const items = await readAll([big]);
    expect(rejects(items).map((r) => r.code)).toEqual(['LIMIT_REACHED']);
    expect(records(items).map((r) => r.origin.record)).toEqual(['2']);
  });

  it('fails with LIMIT_REACHED on a text run too long to buffer', async () => {
    const run = join(tmp, 'run.xml');
    writeFileSync(
      run,
      `<CONSOLIDATED_LIST><INDIVIDUALS>${' '.repeat(9 * 1024 * 1024)}</INDIVIDUALS></CONSOLIDATED_LIST>`,
    );
    const { items, error } = await readUntilError(run);
    expect(items).toEqual([]);
    expect(isNexusError(error, 'LIMIT_REACHED')).toBe(true);
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const run = async () => {
      for await (const _ of unReader.read([fixture('consolidated-small.xml')], {
        onBytes: () => {},
        options: new Map(),
        signal: controller.signal,
      })) {
        // nothing is expected
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reports a missing file as SOURCE_UNREADABLE', async () => {
    const { error } = await readUntilError(join(tmp, 'no-such-file.xml'));
    expect(isNexusError(error, 'SOURCE_UNREADABLE')).toBe(true);
  });

  it('reads several files as one source, in the order given', async () => {
    const items = await readAll([fixture('missing-dataid.xml'), fixture('consolidated-small.xml')]);
    expect(records(items).map((r) => r.origin.record)).toEqual([
      '9900502',
      '9900001',
      '9900002',
      '9900101',
      '9900102',
    ]);
  });
});
