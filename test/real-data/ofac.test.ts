// Reads the real OFAC SDN (July 2021) and consolidated non-SDN (Dec 2025) CSV sets through the reader and checks counts.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ofacReader } from '../../src/ingest/ofac-reader.js';
import type { EntityRecord, ReadItem, Reject, SourceRecord } from '../../src/ingest/reader.js';
import { getProperty, getSchema } from '../../src/model/ftm.js';
import { DATA_DIR } from './data-dir.js';

const SDN_DIR = join(DATA_DIR, 'ofac-sdn');
const CONS_DIR = join(DATA_DIR, 'ofac-consolidated-nonsdn');

interface Read {
  records: SourceRecord[];
  rejects: Reject[];
  bytes: number;
}

async function readAll(dir: string): Promise<Read> {
  const out: Read = { records: [], rejects: [], bytes: 0 };
  const opts = { onBytes: (n: number) => (out.bytes += n), options: new Map<string, string>() };
  for await (const item of ofacReader.read([dir], opts) as AsyncIterable<ReadItem>) {
    if (item.kind === 'record') out.records.push(item);
    else out.rejects.push(item);
  }
  return out;
}

const prop = (e: EntityRecord | undefined, name: string) => e?.properties.get(name) ?? [];

function countSchemata(records: SourceRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) for (const e of r.entities) counts.set(e.schema, (counts.get(e.schema) ?? 0) + 1);
  return counts;
}

function csvBytes(dir: string): number {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

function assertKnownProperties(records: SourceRecord[]): void {
  const unknown = new Set<string>();
  for (const r of records) {
    for (const e of r.entities) {
      for (const name of e.properties.keys())
        if (!getProperty(getSchema(e.schema), name)) unknown.add(`${e.schema}.${name}`);
    }
  }
  expect([...unknown]).toEqual([]);
}

describe.skipIf(!existsSync(SDN_DIR))(
  `OFAC SDN legacy CSV, real data (skipped when ${SDN_DIR} is missing)`,
  () => {
    let data: Read;
    const entry = (entNum: string): SourceRecord => {
      const rec = data.records.find((r) => r.origin.record === entNum);
      if (!rec) throw new Error(`entry ${entNum} not read`);
      return rec;
    };
    const ofSchema = (rec: SourceRecord, schema: string) => rec.entities.filter((e) => e.schema === schema);

    beforeAll(async () => {
      data = await readAll(SDN_DIR);
    }, 120_000);

    it('reads every one of the 8976 SDN entries, with no rejects and every byte reported', () => {
      expect(data.records).toHaveLength(8976);
      expect(data.rejects).toEqual([]);
      expect(data.bytes).toBe(csvBytes(SDN_DIR));
      expect(data.records.at(-1)?.origin.line).toBe(8976);
    });

    it('maps SDN_Type to schemata: 4620 Person, 406 Vessel, 277 Airplane, 3673 Company or Organization', () => {
      const counts = countSchemata(data.records);
      expect(counts.get('Person')).toBe(4620);
      expect(counts.get('Vessel')).toBe(406);
      expect(counts.get('Airplane')).toBe(277);
      expect((counts.get('Company') ?? 0) + (counts.get('Organization') ?? 0)).toBe(3673);
      expect(counts.get('Company')).toBe(2218);
      expect(counts.get('Organization')).toBe(1455);
    });

    it('makes one Sanction per programme (10759 from 165 programme strings, 67 distinct programmes)', () => {
      const sanctions = data.records.flatMap((r) => ofSchema(r, 'Sanction'));
      expect(sanctions).toHaveLength(10759);
      expect(new Set(sanctions.map((s) => prop(s, 'program')[0])).size).toBe(67);
      expect(sanctions.every((s) => prop(s, 'authority')[0] === 'Office of Foreign Assets Control')).toBe(
        true,
      );
    });

    it('turns the 97 Digital Currency Address remarks (15 entries) into CryptoWallets, 96 distinct addresses', () => {
      const wallets = data.records.flatMap((r) => ofSchema(r, 'CryptoWallet'));
      expect(wallets).toHaveLength(97);
      expect(new Set(wallets.map((w) => w.id)).size).toBe(96);
      expect(data.records.filter((r) => ofSchema(r, 'CryptoWallet').length > 0)).toHaveLength(15);
      const currencies = new Set(wallets.map((w) => prop(w, 'currency')[0]));
      expect([...currencies].sort()).toEqual([
        'BCH',
        'BSV',
        'BTG',
        'DASH',
        'ETC',
        'ETH',
        'LTC',
        'XBT',
        'XMR',
        'XVG',
        'ZEC',
      ]);
    });

    it('reads a DPRK entry with its aliases, addresses and Sanctions (9345, KOMID)', () => {
      const rec = entry('9345');
      const [komid] = rec.entities;
      expect(komid?.schema).toBe('Company');
      expect(prop(komid, 'name')).toEqual(['KOREA MINING DEVELOPMENT TRADING CORPORATION']);
      expect(prop(komid, 'alias')).toHaveLength(6);
      expect(prop(komid, 'alias')).toContain('CHANGGWANG SINYONG CORPORATION');
      expect(prop(komid, 'country')).toEqual(['kp', 'cn', 'ru', 'ir', 'sy']);
      expect(ofSchema(rec, 'Sanction').map((s) => prop(s, 'program')[0])).toEqual(['NPWMD', 'DPRK2']);
      expect(ofSchema(rec, 'Address')).toHaveLength(5);
    });

    it('reads Lazarus Group and a DPRK cyber actor linked to it, with the remark continued in sdn_comments.csv', () => {
      const lazarus = entry('27307');
      expect(lazarus.entities[0]?.schema).toBe('Organization');
      expect(prop(lazarus.entities[0], 'weakAlias')).toContain('HIDDEN COBRA');
      expect(ofSchema(lazarus, 'Sanction').map((s) => prop(s, 'program')[0])).toEqual(['DPRK3']);

      const tian = entry('28263');
      const [person] = tian.entities;
      expect(person?.schema).toBe('Person');
      expect(prop(person, 'birthDate')).toEqual(['1986-07-12']);
      expect(prop(person, 'nationality')).toEqual(['cn']);
      expect(prop(person, 'gender')).toEqual(['male']);
      // `a.k.a. 'snowsjo` ends sdn.csv's remark and `hn'` starts the overflow row.
      expect(prop(person, 'weakAlias')).toEqual(['tianyinyin0404', 'snowsjohn']);
      expect(ofSchema(tian, 'CryptoWallet').map((w) => prop(w, 'currency')[0])).toEqual(Array(8).fill('XBT'));
      expect(ofSchema(tian, 'UnknownLink').map((l) => prop(l, 'object')[0])).toEqual(['ofac-27307']);
      expect(ofSchema(tian, 'Sanction').map((s) => prop(s, 'program')[0])).toEqual(['DPRK3', 'CYBER2']);
    });

    it('reads a vessel and an aircraft with their identifiers', () => {
      const [artavil] = entry('15036').entities;
      expect(prop(artavil, 'imoNumber')).toEqual(['9187629']);
      expect(prop(artavil, 'mmsi')).toEqual(['572469210']);
      expect(prop(artavil, 'flag')).toEqual(['ir']);
      expect(prop(artavil, 'pastFlags')).toEqual(['mt', 'tv', 'tz']);
      expect(prop(artavil, 'tonnage')).toEqual(['99144']);
      const [plane] = entry('15431').entities;
      expect(plane?.schema).toBe('Airplane');
      expect(prop(plane, 'serialNumber')).toEqual(['1023409321']);
      expect(prop(plane, 'model')).toEqual(['IL76-TD']);
    });

    it('uses only properties that exist on each schema', () => {
      assertKnownProperties(data.records);
    });
  },
);

describe.skipIf(!existsSync(CONS_DIR))(
  `OFAC consolidated non-SDN CSV, real data (skipped when ${CONS_DIR} is missing)`,
  () => {
    let data: Read;
    beforeAll(async () => {
      data = await readAll(CONS_DIR);
    }, 60_000);

    it('reads all 442 entries with no rejects', () => {
      expect(data.records).toHaveLength(442);
      expect(data.rejects).toEqual([]);
      expect(data.bytes).toBe(csvBytes(CONS_DIR));
      expect(countSchemata(data.records).get('Person')).toBe(79);
    });

    it('reads the NS-PLC sample entry', () => {
      const rec = data.records.find((r) => r.origin.record === '9639');
      const [person] = rec?.entities ?? [];
      expect(prop(person, 'name')).toEqual(['HANIYA, Ismail Abdul Salah']);
      expect(prop(person, 'birthDate')).toEqual(['1962']);
      expect(prop(person, 'birthPlace')).toEqual(['Shati']);
      expect(rec?.entities.filter((e) => e.schema === 'Sanction').map((s) => prop(s, 'program')[0])).toEqual([
        'NS-PLC',
      ]);
    });

    it('uses only properties that exist on each schema', () => {
      assertKnownProperties(data.records);
    });
  },
);
