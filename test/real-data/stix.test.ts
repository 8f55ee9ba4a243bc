// Reads MITRE ATT&CK's real STIX bundles through the STIX reader and checks counts, mappings and attributions.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EntityRecord, ReadItem, Reject, SourceRecord } from '../../src/ingest/reader.js';
import { stixReader } from '../../src/ingest/stix-reader.js';
import { getProperty, getSchema } from '../../src/model/ftm.js';
import { DATA_DIR } from './data-dir.js';

const DIR = join(DATA_DIR, 'mitre-attack-stix');
const SUBSET21 = join(DIR, 'enterprise-attack-groups-subset.stix21.json');
const SUBSET20 = join(DIR, 'enterprise-attack-groups-subset.stix20.json');
const ALL = join(DIR, 'enterprise-attack-intrusion-sets-all.stix20.json');
const ICS = join(DIR, 'ics-attack.json');

async function readAll(path: string): Promise<{ items: ReadItem[]; bytes: number }> {
  const items: ReadItem[] = [];
  let bytes = 0;
  const onBytes = (n: number): void => {
    bytes += n;
  };
  const opts = { onBytes, options: new Map<string, string>() };
  for await (const item of stixReader.read([path], opts)) items.push(item);
  return { items, bytes };
}

const records = (items: ReadItem[]) => items.filter((i): i is SourceRecord => i.kind === 'record');
const rejects = (items: ReadItem[]) => items.filter((i): i is Reject => i.kind === 'reject');
const entities = (items: ReadItem[]) => records(items).flatMap((r) => r.entities);
const values = (e: EntityRecord | undefined, prop: string) => e?.properties.get(prop) ?? [];
const ofType = (items: ReadItem[], stixType: string) =>
  entities(items).filter((e) => e.id.startsWith(`stix-${stixType}--`));
const links = (items: ReadItem[], role: string) =>
  entities(items).filter((e) => e.schema === 'UnknownLink' && values(e, 'role')[0] === role);
const group = (items: ReadItem[], name: string) =>
  ofType(items, 'intrusion-set').find((e) => values(e, 'name')[0] === name);

function countries(items: ReadItem[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of ofType(items, 'intrusion-set'))
    out[String(values(e, 'name')[0])] = values(e, 'country').map(String);
  return out;
}

function assertPropertiesExist(list: EntityRecord[]): void {
  for (const e of list) {
    const schema = getSchema(e.schema);
    expect(schema.abstract, e.schema).toBe(false);
    for (const prop of e.properties.keys())
      expect(getProperty(schema, prop), `${e.schema}.${prop}`).toBeDefined();
  }
}

// The attribution each of the 28 subset groups should get from its MITRE description (SOURCE.md lists them).
const SUBSET_COUNTRIES: Record<string, string[]> = {
  'Lazarus Group': ['kp'],
  APT38: ['kp'],
  Andariel: ['kp'],
  Kimsuky: ['kp'],
  'Moonstone Sleet': ['kp'],
  'Contagious Interview': ['kp'],
  APT28: ['ru'],
  APT29: ['ru'],
  'Sandworm Team': ['ru'],
  Turla: ['ru'],
  'Gamaredon Group': ['ru'],
  'Star Blizzard': ['ru'],
  'Ember Bear': ['ru'],
  APT41: ['cn'],
  'Volt Typhoon': ['cn'],
  MuddyWater: ['ir'],
  'Magic Hound': ['ir'],
  // "Russia-based" criminal groups: a stated base, not state sponsorship; the note quotes which.
  'Wizard Spider': ['ru'],
  'Indrik Spider': ['ru'],
  FIN7: [],
  FIN6: [],
  TA505: [],
  'Scattered Spider': [],
  LAPSUS$: [],
  Carbanak: [],
  'Cobalt Group': [],
  // Targets Russian banks: must not be attributed to Russia.
  Silence: [],
  Evilnum: [],
};

describe.skipIf(!existsSync(DIR))(`MITRE ATT&CK STIX data (skipped when ${DIR} is absent)`, async () => {
  const subset = existsSync(SUBSET21) ? await readAll(SUBSET21) : { items: [], bytes: 0 };

  it('reads every object of the groups subset (STIX 2.1 envelope) into a record or a reject', () => {
    expect(subset.bytes).toBeGreaterThan(5_000_000);
    expect(subset.items).toHaveLength(3001);
    expect(ofType(subset.items, 'intrusion-set')).toHaveLength(28);
    expect(ofType(subset.items, 'campaign')).toHaveLength(12);
    expect(ofType(subset.items, 'malware')).toHaveLength(203);
    expect(ofType(subset.items, 'tool')).toHaveLength(59);
    expect(ofType(subset.items, 'identity')).toHaveLength(1);
    // 2251 uses + 12 attributed-to; uses of the 419 techniques are rejected, since techniques are not kept.
    expect(links(subset.items, 'uses')).toHaveLength(423);
    expect(links(subset.items, 'attributed-to')).toHaveLength(12);
    const rj = rejects(subset.items);
    expect(rj.every((r) => r.code === 'RECORD_SKIPPED')).toBe(true);
    expect(rj.filter((r) => r.reason.startsWith('attack-pattern '))).toHaveLength(419);
    expect(rj.filter((r) => r.reason.startsWith('relationship '))).toHaveLength(1828);
    expect(rj).toHaveLength(419 + 14 + 1 + 1 + 1828);
  });

  it('maps Lazarus Group (G0032) to an Organization with aliases, topic, id, source and country kp', () => {
    const lazarus = group(subset.items, 'Lazarus Group');
    expect(lazarus?.schema).toBe('Organization');
    expect(lazarus?.id).toBe('stix-intrusion-set--c93fccb1-e8e8-42cf-ae33-2ad1d183913a');
    expect(values(lazarus, 'topics')).toEqual(['crime.cyber']);
    expect(values(lazarus, 'idNumber')).toEqual(['G0032']);
    expect(values(lazarus, 'sourceUrl')).toEqual(['https://attack.mitre.org/groups/G0032']);
    expect(values(lazarus, 'alias')).toEqual(
      expect.arrayContaining([
        'HIDDEN COBRA',
        'ZINC',
        'Labyrinth Chollima',
        'Guardians of Peace',
        'Diamond Sleet',
      ]),
    );
    expect(values(lazarus, 'alias')).not.toContain('Lazarus Group');
    expect(values(lazarus, 'country')).toEqual(['kp']);
    expect(values(lazarus, 'publisher')).toEqual(['The MITRE Corporation']);
    expect(values(lazarus, 'notes')).toContain(
      'attributed country kp: stated in the description by The MITRE Corporation: "North Korean state-sponsored cyber threat group"',
    );
    expect(String(values(lazarus, 'createdAt')[0])).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('attributes each subset group as its MITRE description states, never by the countries it targets', () => {
    expect(countries(subset.items)).toEqual(SUBSET_COUNTRIES);
    const apt28 = group(subset.items, 'APT28');
    expect(values(apt28, 'notes').join('\n')).toContain(
      "attributed to Russia's General Staff Main Intelligence Directorate",
    );
  });

  it('links a group to the malware it uses with an UnknownLink of role uses', () => {
    const lazarus = group(subset.items, 'Lazarus Group');
    const software = new Map(
      entities(subset.items)
        .filter((e) => e.schema === 'Asset')
        .map((e) => [e.id, e]),
    );
    const uses = links(subset.items, 'uses').filter((l) => values(l, 'subject')[0] === lazarus?.id);
    const malware = uses.filter((l) => String(values(l, 'object')[0]).startsWith('stix-malware--'));
    expect(malware.length).toBeGreaterThan(10);
    const first = malware[0];
    const target = software.get(String(values(first, 'object')[0]));
    expect(target?.schema).toBe('Asset');
    expect(values(target, 'topics')).toEqual(['crime.cyber']);
    expect(String(values(first, 'recordId')[0])).toMatch(/^relationship--/);
  });

  it('links each campaign to its group with attributed-to', () => {
    const dreamJob = ofType(subset.items, 'campaign').find(
      (e) => values(e, 'name')[0] === 'Operation Dream Job',
    );
    expect(dreamJob?.schema).toBe('Event');
    expect(values(dreamJob, 'startDate')).toEqual(['2019-09-01T04:00:00.000Z']);
    const link = links(subset.items, 'attributed-to').find((l) => values(l, 'subject')[0] === dreamJob?.id);
    expect(values(link, 'object')).toEqual([group(subset.items, 'Lazarus Group')?.id]);
  });

  it('gives the same entities from the STIX 2.0 envelope as from the 2.1 one', async () => {
    const v20 = await readAll(SUBSET20);
    expect(entities(v20.items)).toEqual(entities(subset.items));
    expect(rejects(v20.items).map((r) => r.code)).toEqual(rejects(subset.items).map((r) => r.code));
  });

  it('reads all 187 enterprise intrusion sets, rejecting the 6 revoked and 9 deprecated', async () => {
    const { items } = await readAll(ALL);
    const sets = ofType(items, 'intrusion-set');
    expect(sets.length + rejects(items).filter((r) => r.reason.startsWith('intrusion-set ')).length).toBe(
      187,
    );
    expect(sets).toHaveLength(172);
    expect(rejects(items).filter((r) => / skipped: revoked$/.test(r.reason))).toHaveLength(6);
    expect(rejects(items).filter((r) => / skipped: deprecated/.test(r.reason))).toHaveLength(9);
    const byCountry = new Map<string, number>();
    for (const list of Object.values(countries(items)))
      for (const c of list) byCountry.set(c, (byCountry.get(c) ?? 0) + 1);
    expect(Object.fromEntries(byCountry)).toEqual({
      kp: 8,
      ru: 12,
      cn: 42,
      ir: 16,
      pk: 3,
      vn: 1,
      in: 1,
      kr: 2,
      tr: 1,
      lb: 3,
      ng: 1,
      br: 1,
    });
    const c = countries(items);
    expect(c['Volt Typhoon']).toEqual(['cn']);
    expect(c.MuddyWater).toEqual(['ir']);
    expect(c.APT33).toEqual(['ir']);
    expect(c.APT37).toEqual(['kp']);
    // Victims in Russia, China and Iran; Chinese-speaking; motivations only "overlap" with China's.
    expect(c.Strider).toEqual([]);
    expect(c.Rocke).toEqual([]);
    expect(c['Scarlet Mimic']).toEqual([]);
    assertPropertiesExist(entities(items));
  });

  it('reads the ICS bundle: groups, software and campaigns kept, the ICS matrix rejected by type', async () => {
    const { items } = await readAll(ICS);
    expect(items).toHaveLength(1825);
    expect(ofType(items, 'intrusion-set')).toHaveLength(14);
    expect(ofType(items, 'malware')).toHaveLength(23);
    expect(ofType(items, 'campaign')).toHaveLength(7);
    expect(links(items, 'uses')).toHaveLength(21);
    expect(links(items, 'attributed-to')).toHaveLength(5);
    const codes = new Set(rejects(items).map((r) => r.code));
    expect([...codes]).toEqual(['RECORD_SKIPPED']);
    expect(rejects(items).filter((r) => r.reason.startsWith('x-mitre-asset '))).toHaveLength(18);
    const c = countries(items);
    expect(c['Sandworm Team']).toEqual(['ru']);
    expect(c.CyberAv3ngers).toEqual(['ir']);
    expect(c['Lazarus Group']).toEqual(['kp']);
    assertPropertiesExist(entities(items));
  });

  it('uses only properties that exist on each schema', () => {
    assertPropertiesExist(entities(subset.items));
  });
});
