// Unit tests for the STIX bundle reader on small invented bundles in test/fixtures/stix/.
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isNexusError } from '../model/errors.js';
import { getProperty, getSchema } from '../model/ftm.js';
import type { EntityRecord, ReadItem, Reject, SourceRecord } from './reader.js';
import { statedAttributions } from './stix-attribution.js';
import { MAX_STIX_BYTES, stixReader } from './stix-reader.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/stix');
const V21 = join(FIXTURES, 'groups.stix21.json');
const V20 = join(FIXTURES, 'groups.stix20.json');
const tmp = mkdtempSync(join(tmpdir(), 'nexus-stix-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function readAll(paths: string[], signal?: AbortSignal): Promise<{ items: ReadItem[]; bytes: number }> {
  const items: ReadItem[] = [];
  let bytes = 0;
  const onBytes = (n: number): void => {
    bytes += n;
  };
  const opts = { onBytes, options: new Map<string, string>(), signal };
  for await (const item of stixReader.read(paths, opts)) items.push(item);
  return { items, bytes };
}

const records = (items: ReadItem[]) => items.filter((i): i is SourceRecord => i.kind === 'record');
const rejects = (items: ReadItem[]) => items.filter((i): i is Reject => i.kind === 'reject');
const entities = (items: ReadItem[]) => records(items).flatMap((r) => r.entities);
const byId = (items: ReadItem[], id: string) => entities(items).find((e) => e.id === id);
const values = (e: EntityRecord | undefined, prop: string) => e?.properties.get(prop) ?? [];

async function errorCode(paths: string[]): Promise<string | undefined> {
  try {
    await readAll(paths);
  } catch (err) {
    return isNexusError(err) ? err.code : `not a NexusError: ${String(err)}`;
  }
  return undefined;
}

/** Every property a reader sets must exist on its (non-abstract) schema, or the pipeline would reject it. */
function assertPropertiesExist(list: EntityRecord[]): void {
  for (const e of list) {
    const schema = getSchema(e.schema);
    expect(schema.abstract, e.schema).toBe(false);
    for (const prop of e.properties.keys())
      expect(getProperty(schema, prop), `${e.schema}.${prop}`).toBeDefined();
  }
}

describe('stixReader on a STIX 2.1 bundle', async () => {
  const { items, bytes } = await readAll([V21]);
  const glass = byId(items, 'stix-intrusion-set--a0000000-0000-4000-8000-000000000001');

  it('reports the bytes it read', () => {
    expect(bytes).toBe(statSync(V21).size);
  });

  it('yields domain objects in bundle order, then relationships in bundle order', () => {
    const order = items.map((i) => (i.kind === 'record' ? i.origin.record : i.record));
    expect(order).toEqual([
      ...Array.from({ length: 13 }, (_, i) => `objects[${i}]`),
      ...Array.from({ length: 7 }, (_, i) => `objects[${i + 13}]`),
    ]);
    expect(items.map((i) => (i.kind === 'record' ? i.entities[0]?.schema : i.code))).toEqual([
      'Organization',
      'RECORD_SKIPPED',
      'Organization',
      'Organization',
      'Organization',
      'Address',
      'Asset',
      'Asset',
      'RECORD_SKIPPED',
      'RECORD_SKIPPED',
      'Event',
      'RECORD_INVALID',
      'RECORD_INVALID',
      'UnknownLink',
      'UnknownLink',
      'RECORD_SKIPPED',
      'UnknownLink',
      'UnknownLink',
      'RECORD_SKIPPED',
      'REFERENCE_MISSING',
    ]);
  });

  it('gives origins with the record index and the line of the object id', () => {
    const lines = readFileSync(V21, 'utf8').split('\n');
    const line =
      lines.findIndex((l) => l.includes('"id": "intrusion-set--a0000000-0000-4000-8000-000000000001"')) + 1;
    const rec = records(items).find((r) => r.entities[0]?.id === glass?.id);
    expect(rec?.origin).toEqual({ file: V21, record: 'objects[2]', line });
  });

  it('maps an intrusion set to an Organization with names, topics, ids, dates and markings', () => {
    expect(glass?.schema).toBe('Organization');
    expect(values(glass, 'name')).toEqual(['Glass Heron']);
    expect(values(glass, 'alias')).toEqual(['BRITTLE CRANE', 'Quiet Lake']);
    expect(values(glass, 'topics')).toEqual(['crime.cyber']);
    expect(values(glass, 'idNumber')).toEqual(['X0001']);
    expect(values(glass, 'sourceUrl')).toEqual(['https://example.test/groups/X0001']);
    expect(values(glass, 'publisher')).toEqual(['Example Threat Research']);
    expect(values(glass, 'createdAt')).toEqual(['2020-05-01T10:00:00.000Z']);
    expect(values(glass, 'modifiedAt')).toEqual(['2024-06-30T12:30:00.500Z']);
    expect(glass?.firstSeen).toBe('2020-05-01T10:00:00');
    expect(glass?.lastSeen).toBe('2024-06-30T12:30:00');
    expect(values(glass, 'notes')).toContain('marking: TLP:AMBER');
    expect(values(glass, 'notes')).toContain('example-catalogue id X0001');
  });

  it('takes the attributed country from the description, with the phrase as justification, not the targets', () => {
    expect(values(glass, 'country')).toEqual(['kp']);
    expect(values(glass, 'notes')).toContain(
      'attributed country kp: stated in the description by Example Threat Research: "North Korean state-sponsored threat group"',
    );
    const copper = byId(items, 'stix-intrusion-set--a0000000-0000-4000-8000-000000000002');
    expect(values(copper, 'country')).toEqual([]);
  });

  it('takes the country of a location the group is attributed-to', () => {
    const marmot = byId(items, 'stix-threat-actor--a0000000-0000-4000-8000-000000000003');
    expect(marmot?.schema).toBe('Organization');
    expect(values(marmot, 'country')).toEqual(['ru']);
    expect(values(marmot, 'keywords')).toEqual(['nation-state']);
    expect(values(marmot, 'notes').join('\n')).toMatch(
      /attributed country ru: attributed-to location--b0000000/,
    );
  });

  it('keeps malware and tools as Assets, campaigns as Events, locations as Addresses', () => {
    const wisp = byId(items, 'stix-malware--c0000000-0000-4000-8000-000000000001');
    expect(wisp?.schema).toBe('Asset');
    expect(values(wisp, 'alias')).toEqual(['WispLock']);
    expect(values(wisp, 'topics')).toEqual(['crime.cyber']);
    expect(values(wisp, 'keywords')).toEqual(['ransomware']);
    const probe = byId(items, 'stix-tool--c0000000-0000-4000-8000-000000000002');
    expect(probe?.schema).toBe('Asset');
    expect(values(probe, 'topics')).toEqual([]);
    const op = byId(items, 'stix-campaign--e0000000-0000-4000-8000-000000000001');
    expect(op?.schema).toBe('Event');
    expect(values(op, 'startDate')).toEqual(['2022-11-01T00:00:00.000Z']);
    expect(values(op, 'endDate')).toEqual(['2023-02-15T00:00:00.000Z']);
    const loc = byId(items, 'stix-location--b0000000-0000-4000-8000-000000000001');
    expect(values(loc, 'country')).toEqual(['ru']);
    expect(values(loc, 'full')).toEqual(['Russian Federation']);
  });

  it('maps relationships to UnknownLinks with the relationship type as role', () => {
    const link = byId(items, 'stix-relationship--f0000000-0000-4000-8000-000000000001');
    expect(link?.schema).toBe('UnknownLink');
    expect(values(link, 'subject')).toEqual([glass?.id]);
    expect(values(link, 'object')).toEqual(['stix-malware--c0000000-0000-4000-8000-000000000001']);
    expect(values(link, 'role')).toEqual(['uses']);
    expect(values(link, 'description')).toEqual(['Glass Heron deployed PaleWisp.']);
    expect(values(link, 'sourceUrl')).toEqual(['https://example.test/report-2023']);
    expect(values(link, 'recordId')).toEqual(['relationship--f0000000-0000-4000-8000-000000000001']);
    const attributed = byId(items, 'stix-relationship--f0000000-0000-4000-8000-000000000004');
    expect(values(attributed, 'role')).toEqual(['attributed-to']);
  });

  it('rejects skipped and revoked objects, bad ids and types, and links to what was not kept', () => {
    const rj = rejects(items);
    expect(rj.find((r) => r.record === 'objects[8]')).toMatchObject({ code: 'RECORD_SKIPPED', file: V21 });
    expect(rj.find((r) => r.record === 'objects[8]')?.reason).toContain(
      'malware--c0000000-0000-4000-8000-000000000003',
    );
    expect(rj.find((r) => r.record === 'objects[9]')?.reason).toContain('attack-pattern');
    expect(rj.find((r) => r.record === 'objects[11]')).toMatchObject({ code: 'RECORD_INVALID', field: 'id' });
    expect(rj.find((r) => r.record === 'objects[12]')).toMatchObject({
      code: 'RECORD_INVALID',
      field: 'type',
    });
    expect(rj.find((r) => r.record === 'objects[15]')).toMatchObject({
      code: 'RECORD_SKIPPED',
      field: 'target_ref',
    });
    expect(rj.find((r) => r.record === 'objects[15]')?.reason).toContain(
      'relationship--f0000000-0000-4000-8000-000000000003',
    );
    expect(rj.find((r) => r.record === 'objects[18]')).toMatchObject({
      code: 'RECORD_SKIPPED',
      field: 'target_ref',
    });
    expect(rj.find((r) => r.record === 'objects[19]')).toMatchObject({
      code: 'REFERENCE_MISSING',
      field: 'target_ref',
    });
  });

  it('uses only properties that exist on each schema', () => {
    assertPropertiesExist(entities(items));
  });
});

describe('stixReader on a STIX 2.0 bundle', async () => {
  const { items } = await readAll([V20]);
  const kite = byId(items, 'stix-intrusion-set--a0000000-0000-4000-8000-000000000010');

  it('keeps the latest version of an object and rejects the older one', () => {
    expect(values(kite, 'name')).toEqual(['Amber Kite']);
    expect(rejects(items).find((r) => r.record === 'objects[2]')?.code).toBe('RECORD_SUPERSEDED');
  });

  it('reads attribution, TLP and MITRE-style x_mitre_aliases', () => {
    expect(values(kite, 'country')).toEqual(['ir']);
    expect(values(kite, 'notes')).toContain('marking: TLP:GREEN');
    const kstr = byId(items, 'stix-malware--c0000000-0000-4000-8000-000000000010');
    expect(values(kstr, 'alias')).toEqual(['KSTR']);
  });

  it('skips deprecated objects and links from skipped mitigations', () => {
    expect(rejects(items).find((r) => r.record === 'objects[3]')).toMatchObject({ code: 'RECORD_SKIPPED' });
    expect(rejects(items).find((r) => r.record === 'objects[5]')).toMatchObject({ code: 'RECORD_SKIPPED' });
    const mitigates = rejects(items).find((r) => r.record === 'objects[7]');
    expect(mitigates).toMatchObject({ code: 'RECORD_SKIPPED', field: 'source_ref' });
    expect(entities(items).filter((e) => e.schema === 'UnknownLink')).toHaveLength(1);
    assertPropertiesExist(entities(items));
  });

  it('reads several files in the order given', async () => {
    const { items: both } = await readAll([V20, V21]);
    expect(both.length).toBe(items.length + 20);
    expect(both[0]?.kind === 'record' ? both[0].origin.file : both[0]?.file).toBe(V20);
  });
});

describe('stixReader on bad input', () => {
  it('refuses truncated JSON, non-bundles and a non-array objects member', async () => {
    // Made at run time: an invalid JSON file in the tree would fail the repository's lint.
    const truncated = join(tmp, 'truncated.json');
    writeFileSync(truncated, readFileSync(V21, 'utf8').slice(0, 1500));
    expect(await errorCode([truncated])).toBe('FORMAT_MISMATCH');
    expect(await errorCode([join(FIXTURES, 'not-a-bundle.json')])).toBe('FORMAT_MISMATCH');
    expect(await errorCode([join(FIXTURES, 'objects-not-array.json')])).toBe('FORMAT_MISMATCH');
  });

  it('reads a bundle without objects as empty', async () => {
    expect((await readAll([join(FIXTURES, 'empty-bundle.json')])).items).toEqual([]);
  });

  it('refuses binary files, invalid UTF-8, missing files and oversized files', async () => {
    const binary = join(tmp, 'image.json');
    writeFileSync(
      binary,
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
    );
    expect(await errorCode([binary])).toBe('FORMAT_MISMATCH');
    const latin1 = join(tmp, 'latin1.json');
    writeFileSync(
      latin1,
      Buffer.from('{"type":"bundle","id":"bundle--x","objects":[],"n":"caf\xe9"}', 'latin1'),
    );
    expect(await errorCode([latin1])).toBe('ENCODING_INVALID');
    expect(await errorCode([join(tmp, 'missing.json')])).toBe('SOURCE_UNREADABLE');
    const huge = join(tmp, 'huge.json');
    writeFileSync(huge, '');
    truncateSync(huge, MAX_STIX_BYTES + 1); // sparse: no disk is used
    expect(await errorCode([huge])).toBe('LIMIT_REACHED');
  });

  it('treats __proto__ keys as plain data and pollutes nothing', async () => {
    const { items } = await readAll([join(FIXTURES, 'proto.json')]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(rejects(items)[0]).toMatchObject({ code: 'RECORD_INVALID', field: 'type', record: 'objects[0]' });
    const finch = byId(items, 'stix-intrusion-set--a0000000-0000-4000-8000-000000000031');
    expect(values(finch, 'country')).toEqual([]);
    expect(values(finch, 'alias')).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(finch?.properties)).toBe(Map.prototype);
    assertPropertiesExist(entities(items));
  });

  it('stops when the signal is aborted', async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(readAll([V21], ctl.signal)).rejects.toThrow();
  });
});

describe('statedAttributions', () => {
  const cases: Array<[string, string[]]> = [
    ['X is a North Korean state-sponsored cyber threat group attributed to the RGB.', ['kp']],
    [
      "X is a threat group that has been attributed to Russia's General Staff Main Intelligence Directorate (GRU).",
      ['ru'],
    ],
    ["X is a People's Republic of China (PRC) state-sponsored actor active since 2021.", ['cn']],
    [
      "X is a cyber espionage group assessed to be a subordinate element within Iran's Ministry of Intelligence.",
      ['ir'],
    ],
    ['X is a group believed to be operating out of Iran.', ['ir']],
    ['X is a suspected Russian cyber espionage group.', ['ru']],
    ['X is a North Korea\u2013aligned threat group active since 2023.', ['kp']],
    ['X is a threat group with likely Chinese origins.', ['cn']],
    ['X is a suspected South Korean threat group.', ['kr']],
    ['X is a financially motivated group targeting Russian organisations and Russia-based banks.', []],
    ['X is a threat group that has targeted victims in Russia, China and Iran.', []],
    ['X is a Russian-speaking cybercriminal group.', []],
    ['X has not been linked to the Chinese government.', []],
    ['X previously overlapped with another North Korean-linked entity, Y.', []],
    ['X is a group targeting organizations located in the United States.', []],
    ['X campaigns align closely with Russian state interests.', []],
  ];
  it.each(cases)('%s -> %j', (text, expected) => {
    expect(statedAttributions(text).map((a) => a.country)).toEqual(expected);
  });

  it('reads MITRE markup: citations and links', () => {
    const text =
      '[APT-X](https://attack.mitre.org/groups/G9999) is an Iranian-sponsored threat group.(Citation: Z)';
    expect(statedAttributions(text)).toEqual([{ country: 'ir', phrase: 'Iranian-sponsored threat group' }]);
  });
});
