// Maps single STIX 2.x objects to FtM entity records: which types are kept, as which schema, with which properties.
import { countryCode } from '../model/countries.js';
import { cleanIsoDate } from '../model/dates.js';
import { entityIdProblem, stableId } from '../model/ids.js';
import { isAdmiraltyLabel } from './admiralty.js';
import { addValue, type EntityRecord, newEntity } from './reader.js';
import { statedAttributions } from './stix-attribution.js';

export type StixObject = Record<string, unknown>;

/** What the mapper needs from the rest of the bundle. */
export interface MapContext {
  /** identity id -> name, for `publisher` (who created the object). */
  identities: ReadonlyMap<string, string>;
  /** marking-definition id -> the object, for TLP levels the bundle defines itself. */
  markings: ReadonlyMap<string, StixObject>;
}

// Reads only own properties: a `__proto__` or `constructor` key in the JSON is data, never an inherited value.
export function own(o: StixObject, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

export function isObject(v: unknown): v is StixObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(o: StixObject, key: string): string | undefined {
  const v = own(o, key);
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function strings(o: StixObject, key: string): string[] {
  const v = own(o, key);
  if (typeof v === 'string') return v.trim() === '' ? [] : [v];
  if (!Array.isArray(v)) return [];
  return v.filter((x): x is string => typeof x === 'string' && x.trim() !== '');
}

/** Labels other than Admiralty machine tags, which become the grading and its note (src/ingest/admiralty.ts). */
function plainLabels(o: StixObject): string[] {
  return strings(o, 'labels').filter((l) => !isAdmiraltyLabel(l));
}

/** The FtM id of a STIX object: readable (`stix-intrusion-set--<uuid>`) and the same in 2.0 and 2.1 files. */
export function entityId(stixId: string): string {
  const id = `stix-${stixId}`;
  return entityIdProblem(id) === undefined ? id : stableId('stix', stixId);
}

/**
 * Kept STIX types and their FtM schema. FtM 3.8 has no software schema: malware and tools become `Asset`
 * (a thing a group holds and uses, which FtM can link with UnknownLink); a technique or mitigation is neither a
 * party nor a thing, so those are skipped rather than forced into a schema that screening would then match on.
 */
const SCHEMA: ReadonlyMap<string, string> = new Map([
  ['intrusion-set', 'Organization'],
  ['threat-actor', 'Organization'],
  ['identity', 'Organization'],
  ['campaign', 'Event'],
  ['malware', 'Asset'],
  ['tool', 'Asset'],
  ['location', 'Address'],
]);

/** Types that are cybercrime by nature; a tool (PsExec, Net) is legitimate software until a group uses it. */
const CYBER = new Set(['intrusion-set', 'threat-actor', 'campaign', 'malware']);

const SKIP_WHY: ReadonlyMap<string, string> = new Map([
  ['attack-pattern', 'a technique is a behaviour, not a party or thing; FtM has no schema for it'],
  ['course-of-action', 'a mitigation is advice; FtM has no schema for it'],
  ['marking-definition', 'markings are kept on the entities they mark (TLP in notes)'],
  ['x-mitre-tactic', 'ATT&CK matrix structure, not intelligence about a party'],
  ['x-mitre-matrix', 'ATT&CK matrix structure, not intelligence about a party'],
  ['x-mitre-collection', 'ATT&CK matrix structure, not intelligence about a party'],
  ['x-mitre-data-source', 'detection metadata, not intelligence about a party'],
  ['x-mitre-data-component', 'detection metadata, not intelligence about a party'],
  ['x-mitre-detection-strategy', 'detection metadata, not intelligence about a party'],
  ['x-mitre-analytic', 'detection metadata, not intelligence about a party'],
  ['x-mitre-asset', 'an ICS device class, not a specific asset'],
  ['indicator', 'detection patterns are not mapped yet'],
  ['observed-data', 'observations are not mapped yet'],
  ['sighting', 'sightings are not mapped yet'],
  ['report', 'reports are not mapped yet'],
  ['vulnerability', 'FtM has no schema for a vulnerability'],
]);

/** Why an object of this type is not kept, or undefined when it is. */
export function skipReason(type: string): string | undefined {
  if (SCHEMA.has(type)) return undefined;
  return SKIP_WHY.get(type) ?? `STIX type "${type}" has no FtM mapping`;
}

// The TLP marking-definition ids the STIX specifications fix (TLP 1.0 in STIX 2.0/2.1, TLP 2.0 extension).
const TLP_IDS: ReadonlyMap<string, string> = new Map([
  ['marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9', 'TLP:WHITE'],
  ['marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', 'TLP:GREEN'],
  ['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82', 'TLP:AMBER'],
  ['marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed', 'TLP:RED'],
  ['marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487', 'TLP:CLEAR'],
  ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb', 'TLP:GREEN'],
  ['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421', 'TLP:AMBER'],
  ['marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003', 'TLP:AMBER+STRICT'],
  ['marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1', 'TLP:RED'],
]);

function tlpOf(markingId: string, ctx: MapContext): string | undefined {
  const fixed = TLP_IDS.get(markingId);
  if (fixed !== undefined) return fixed;
  const def = ctx.markings.get(markingId);
  if (def === undefined) return undefined;
  const body = own(def, 'definition');
  if (str(def, 'definition_type') === 'tlp' && isObject(body)) {
    const level = str(body, 'tlp');
    if (level !== undefined) return `TLP:${level.toUpperCase()}`;
  }
  const name = str(def, 'name');
  if (name !== undefined && /^TLP:/i.test(name)) return name.toUpperCase();
  const extensions = own(def, 'extensions');
  if (isObject(extensions)) {
    for (const ext of Object.values(extensions)) {
      const level = isObject(ext) ? str(ext, 'tlp_2_0') : undefined;
      if (level !== undefined) return `TLP:${level.toUpperCase()}`;
    }
  }
  return undefined;
}

/** TLP levels on the object, as `TLP:AMBER` labels (kept in notes until markings are mapped). */
export function tlpLabels(o: StixObject, ctx: MapContext): string[] {
  const out: string[] = [];
  for (const ref of strings(o, 'object_marking_refs')) {
    const tlp = tlpOf(ref, ctx);
    if (tlp !== undefined && !out.includes(tlp)) out.push(tlp);
  }
  return out;
}

/** External references: catalogue ids (`mitre-attack G0032`) and source urls. */
function references(o: StixObject): {
  ids: Array<{ source: string; id: string }>;
  urls: string[];
  citeUrls: string[];
} {
  const ids: Array<{ source: string; id: string }> = [];
  const urls: string[] = [];
  const citeUrls: string[] = [];
  const refs = own(o, 'external_references');
  if (!Array.isArray(refs)) return { ids, urls, citeUrls };
  for (const ref of refs) {
    if (!isObject(ref)) continue;
    const externalId = str(ref, 'external_id');
    const url = str(ref, 'url');
    if (externalId !== undefined) ids.push({ source: str(ref, 'source_name') ?? 'external', id: externalId });
    if (url !== undefined) (externalId !== undefined ? urls : citeUrls).push(url);
  }
  return { ids, urls, citeUrls };
}

/** Properties every mapped STIX object shares: dates, source, publisher, markings, url. */
function addCommon(entity: EntityRecord, o: StixObject, ctx: MapContext): void {
  const refs = references(o);
  // A catalogue entry's own url is its source; citations stand in only when there is no catalogue entry.
  for (const url of refs.urls.length > 0 ? refs.urls : refs.citeUrls) addValue(entity, 'sourceUrl', url);
  const creator = str(o, 'created_by_ref');
  if (creator !== undefined) addValue(entity, 'publisher', ctx.identities.get(creator));
  addValue(entity, 'modifiedAt', str(o, 'modified'));
  addValue(entity, 'description', str(o, 'description'));
  const created = cleanIsoDate(str(o, 'created') ?? '');
  const modified = cleanIsoDate(str(o, 'modified') ?? '');
  if (created !== undefined) entity.firstSeen = created;
  const last = modified ?? created;
  if (last !== undefined) entity.lastSeen = last;
  if (entity.schema !== 'UnknownLink') {
    addValue(entity, 'createdAt', str(o, 'created'));
    for (const { source, id } of refs.ids) addValue(entity, 'notes', `${source} id ${id}`);
    for (const tlp of tlpLabels(o, ctx)) addValue(entity, 'notes', `marking: ${tlp}`);
  }
}

function addNames(entity: EntityRecord, o: StixObject): void {
  const name = str(o, 'name');
  addValue(entity, 'name', name);
  for (const alias of [...strings(o, 'aliases'), ...strings(o, 'x_mitre_aliases')]) {
    if (alias !== name) addValue(entity, 'alias', alias);
  }
}

/** Records a country the source states for a group, with why, so the claim stays traceable to its source. */
export function addAttributedCountry(entity: EntityRecord, code: string, why: string): void {
  addValue(entity, 'country', code);
  addValue(entity, 'notes', `attributed country ${code}: ${why}`);
}

function mapGroup(entity: EntityRecord, o: StixObject, ctx: MapContext): void {
  const refs = references(o);
  const catalogue = refs.ids.find((r) => r.source === 'mitre-attack') ?? refs.ids[0];
  addValue(entity, 'idNumber', catalogue?.id);
  for (const kind of [...strings(o, 'threat_actor_types'), ...plainLabels(o)])
    addValue(entity, 'keywords', kind);
  const motivation = str(o, 'primary_motivation');
  if (motivation !== undefined) addValue(entity, 'notes', `primary motivation: ${motivation}`);
  // Some producers (OpenCTI exports, hand-made bundles) put a country straight on the group.
  const stated = str(o, 'country');
  const code = stated === undefined ? undefined : countryCode(stated);
  if (code !== undefined)
    addAttributedCountry(entity, code, `stated in the STIX "country" field (${stated})`);
  const by = ctx.identities.get(str(o, 'created_by_ref') ?? '');
  for (const a of statedAttributions(str(o, 'description') ?? '')) {
    addAttributedCountry(
      entity,
      a.country,
      `stated in the description${by ? ` by ${by}` : ''}: "${a.phrase}"`,
    );
  }
}

function mapLocation(entity: EntityRecord, o: StixObject): void {
  const country = str(o, 'country');
  const code = country === undefined ? undefined : countryCode(country);
  addValue(entity, 'country', code ?? country);
  addValue(entity, 'city', str(o, 'city'));
  addValue(entity, 'region', str(o, 'region') ?? str(o, 'administrative_area'));
  addValue(entity, 'street', str(o, 'street_address'));
  addValue(entity, 'postalCode', str(o, 'postal_code'));
  for (const key of ['latitude', 'longitude']) {
    const v = own(o, key);
    if (typeof v === 'number' || typeof v === 'string') addValue(entity, key, String(v));
  }
  const parts = ['name', 'street_address', 'city', 'administrative_area', 'region', 'country'].map((k) =>
    str(o, k),
  );
  addValue(entity, 'full', str(o, 'name') ?? parts.filter((p) => p !== undefined).join(', '));
}

/**
 * The entity for a kept STIX domain object, or a string saying which required field is missing.
 * Callers have checked `skipReason(type) === undefined`.
 */
export function mapObject(
  o: StixObject,
  type: string,
  stixId: string,
  ctx: MapContext,
): EntityRecord | string {
  let schema = SCHEMA.get(type) ?? 'Organization';
  if (type === 'identity' && str(o, 'identity_class') === 'individual') schema = 'Person';
  const entity = newEntity(entityId(stixId), schema);
  if (schema !== 'Address' && str(o, 'name') === undefined) return 'name';
  addNames(entity, o);
  addCommon(entity, o, ctx);
  if (CYBER.has(type)) addValue(entity, 'topics', 'crime.cyber');
  switch (type) {
    case 'intrusion-set':
    case 'threat-actor':
      mapGroup(entity, o, ctx);
      break;
    case 'campaign':
      addValue(entity, 'startDate', str(o, 'first_seen'));
      addValue(entity, 'endDate', str(o, 'last_seen'));
      break;
    case 'malware':
    case 'tool':
      for (const kind of [...strings(o, 'malware_types'), ...strings(o, 'tool_types'), ...plainLabels(o)])
        addValue(entity, 'keywords', kind);
      break;
    case 'identity':
      for (const sector of strings(o, 'sectors')) addValue(entity, 'sector', sector);
      addValue(entity, 'notes', str(o, 'contact_information'));
      break;
    case 'location':
      mapLocation(entity, o);
      break;
  }
  return entity;
}

/** An UnknownLink for a STIX relationship whose two ends are kept entities. */
export function mapRelationship(
  o: StixObject,
  stixId: string,
  subject: string,
  object: string,
  ctx: MapContext,
) {
  const link = newEntity(entityId(stixId), 'UnknownLink');
  addValue(link, 'subject', subject);
  addValue(link, 'object', object);
  addValue(link, 'role', str(o, 'relationship_type'));
  addValue(link, 'recordId', stixId);
  addValue(link, 'startDate', str(o, 'start_time'));
  addValue(link, 'endDate', str(o, 'stop_time'));
  addCommon(link, o, ctx);
  return link;
}
