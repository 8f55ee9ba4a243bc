// Maps one parsed record of the UN Security Council consolidated list to FtM entities: the party, its Sanction, its documents.
import { cleanIsoDate, parseDates } from '../model/dates.js';
import { slugId, stableId } from '../model/ids.js';
import committeeTable from './data/un-committees.json' with { type: 'json' };
import { addValue, type EntityRecord, newEntity, type Reject, reject, type SourceRecord } from './reader.js';
import { isCompanyName } from './un-forms.js';
import { collapse, RecordView, type UnRecord } from './un-record.js';

interface Committee {
  committee: string;
  resolutions: string[];
  subject: string;
  referencePrefix: string;
}

const committees = new Map<string, Committee>(Object.entries(committeeTable.committees));

export const UN_AUTHORITY = 'United Nations Security Council';

/** The committee entry for a UN_LIST_TYPE value (e.g. `DPRK`), or undefined when the table does not know it. */
export function unCommittee(listType: string): Committee | undefined {
  return committees.get(listType);
}

const NAME_PARTS = ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME'] as const;
// UN name parts are positional, not given/family: a Korean FIRST_NAME is the family name, an Arabic FOURTH_NAME is
// often a nisba. So no part is declared a lastName; the full name stays in `name`.
const NAME_PROPS = ['firstName', 'secondName', 'middleName', 'middleName'] as const;
// Matches a narrative that states why the party was listed, which is what Sanction.reason means.
const REASON = /\b(listed|designated)\b[\s\S]{0,200}?\b(pursuant to|under)\b[\s\S]{0,200}?\bresolution/i;
const PREVIOUS_NAME_NOTE = /\b(formerly|previously) listed as\b/i;
const GENDER_NOTE = /\bGender:?\s*(male|female)\b/i;
const PASSPORT = /pass(port|eport)|pasaporte/i;
const XSD_ZONE = /(?<=^\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})$/;
// A birth-year range wider than this is stored as its two ends only, so a typo cannot produce hundreds of values.
const MAX_YEAR_SPAN = 20;

/** Collects the entities and value problems of one record. */
class Builder {
  readonly problems: Reject[] = [];
  readonly entities: EntityRecord[] = [];

  constructor(
    readonly file: string,
    readonly record: string,
  ) {}

  problem(field: string, line: number, reason: string): void {
    this.problems.push(reject(this.file, 'VALUE_INVALID', reason, { line, record: this.record, field }));
  }

  /** An ISO date from a source date field; a bad one becomes a problem and a note on `noteOn`. */
  date(
    field: string,
    line: number,
    raw: string,
    noteOn: EntityRecord,
    noteProp = 'notes',
  ): string | undefined {
    // xs:date may carry a time zone ("2015-03-27-04:00"); the calendar date is what the list states.
    const iso = cleanIsoDate(raw.trim().replace(XSD_ZONE, '')) ?? parseDates(raw)[0];
    if (iso !== undefined) return iso;
    this.problem(field, line, `"${raw}" is not a date`);
    addValue(noteOn, noteProp, `${field}: ${raw}`);
    return undefined;
  }
}

/** Maps one record; a record without DATAID (the list's stable key) or without any name is rejected. */
export function mapUnRecord(rec: UnRecord, file: string): SourceRecord | Reject {
  const view = new RecordView(rec);
  const dataId = view.text('DATAID');
  const reference = view.text('REFERENCE_NUMBER');
  if (dataId === undefined) {
    return reject(file, 'RECORD_INVALID', `${rec.tag} record has no DATAID`, {
      line: rec.line,
      field: 'DATAID',
      ...(reference === undefined ? {} : { record: reference }),
    });
  }
  const nameParts = NAME_PARTS.map((tag) => view.text(tag));
  const name = collapse(nameParts.filter((p) => p !== undefined).join(' '));
  if (name === '') {
    return reject(file, 'RECORD_INVALID', `${rec.tag} record ${dataId} has no name`, {
      line: rec.line,
      record: dataId,
      field: 'FIRST_NAME',
    });
  }
  const b = new Builder(file, dataId);
  const isPerson = rec.tag === 'INDIVIDUAL';
  const party = newEntity(
    slugId('un', dataId),
    isPerson ? 'Person' : isCompanyName(name) ? 'Company' : 'Organization',
  );
  b.entities.push(party);
  addValue(party, 'name', name);
  addValue(party, 'topics', 'sanction');
  if (isPerson) {
    for (const [i, part] of nameParts.entries()) {
      if (part !== undefined) addValue(party, NAME_PROPS[i] ?? 'middleName', collapse(part));
    }
  } else if (name.includes(';')) {
    // One ENTITY row sometimes lists two names joined by ';'; each is a name the party is known by.
    for (const part of name.split(';')) addValue(party, 'alias', collapse(part));
  }
  for (const script of view.texts('NAME_ORIGINAL_SCRIPT')) addValue(party, 'alias', collapse(script));
  for (const comment of view.texts('COMMENTS1')) addValue(party, 'notes', comment);

  if (isPerson) {
    for (const title of view.list('TITLE')) addValue(party, 'title', title);
    for (const position of view.list('DESIGNATION')) addValue(party, 'position', position);
    for (const nationality of view.list('NATIONALITY')) addValue(party, 'nationality', nationality);
    addValue(party, 'gender', view.text('GENDER'));
    // Older entries state the gender only in the narrative ("Gender: male"); the GENDER field wins when present.
    const stated =
      view.text('GENDER') === undefined
        ? GENDER_NOTE.exec(view.texts('COMMENTS1').join(' '))?.[1]
        : undefined;
    addValue(party, 'gender', stated?.toLowerCase());
    mapBirthDates(view, b, party);
    mapBirthPlaces(view, party);
    mapDocuments(view, b, party, dataId);
  }
  mapAliases(view, b, party, isPerson ? 'INDIVIDUAL_ALIAS' : 'ENTITY_ALIAS');
  mapAddresses(view, party, isPerson ? 'INDIVIDUAL_ADDRESS' : 'ENTITY_ADDRESS');

  const sanction = mapSanction(view, b, rec, party, dataId, reference);
  b.entities.splice(1, 0, sanction);
  for (const rest of view.leftovers()) addValue(party, 'notes', rest);
  return {
    kind: 'record',
    origin: { file, line: rec.line, record: dataId },
    entities: b.entities,
    ...(b.problems.length > 0 ? { problems: b.problems } : {}),
  };
}

function mapSanction(
  view: RecordView,
  b: Builder,
  rec: UnRecord,
  party: EntityRecord,
  dataId: string,
  reference: string | undefined,
): EntityRecord {
  const sanction = newEntity(stableId('un-sanction', dataId), 'Sanction');
  addValue(sanction, 'entity', party.id);
  addValue(sanction, 'authority', UN_AUTHORITY);
  addValue(sanction, 'recordId', dataId);
  addValue(sanction, 'unscId', reference);
  addValue(sanction, 'authorityId', reference);
  const listType = view.text('UN_LIST_TYPE');
  if (listType !== undefined) {
    addValue(sanction, 'program', listType);
    const committee = unCommittee(listType);
    if (committee) {
      addValue(sanction, 'program', committee.committee);
      addValue(sanction, 'description', `Resolutions: ${committee.resolutions.join('; ')}`);
    } else b.problem('UN_LIST_TYPE', rec.line, `UN_LIST_TYPE "${listType}" is not in un-committees.json`);
  }
  const listed = view.text('LISTED_ON');
  if (listed !== undefined)
    addValue(sanction, 'listingDate', b.date('LISTED_ON', rec.line, listed, sanction, 'description'));
  const updated: string[] = [];
  for (const raw of view.list('LAST_DAY_UPDATED')) {
    const iso = b.date('LAST_DAY_UPDATED', rec.line, raw, sanction, 'description');
    if (iso !== undefined) updated.push(iso);
    addValue(sanction, 'modifiedAt', iso);
  }
  // The party carries only the latest change; the Sanction keeps every update date the list states.
  addValue(party, 'modifiedAt', updated.sort().at(-1));
  for (const comment of view.texts('COMMENTS1')) {
    addValue(sanction, 'summary', comment);
    if (REASON.test(comment)) addValue(sanction, 'reason', comment);
  }
  for (const listName of view.list('LIST_TYPE')) addValue(sanction, 'description', `List type: ${listName}`);
  for (const version of view.texts('VERSIONNUM')) addValue(sanction, 'description', `Version: ${version}`);
  return sanction;
}

function mapBirthDates(view: RecordView, b: Builder, person: EntityRecord): void {
  for (const g of view.groups('INDIVIDUAL_DATE_OF_BIRTH')) {
    const type = g.get('TYPE_OF_DATE')?.toUpperCase();
    const found: string[] = [];
    for (const raw of [...g.all('DATE'), ...g.all('YEAR')]) {
      const iso = b.date('INDIVIDUAL_DATE_OF_BIRTH', g.line, raw, person);
      if (iso !== undefined) found.push(iso);
    }
    found.push(...yearRange(g.get('FROM_YEAR'), g.get('TO_YEAR'), b, g.line, person));
    const note = g.get('NOTE');
    // Some dates are given only as a note ("Nov. 1973"); the note itself is kept either way.
    if (found.length === 0 && note !== undefined) found.push(...parseDates(note));
    for (const date of found) addValue(person, 'birthDate', date);
    if (note !== undefined) addValue(person, 'notes', `Date of birth note: ${note}`);
    if (type === 'APPROXIMATELY' && found.length > 0)
      addValue(person, 'notes', `Date of birth approximately: ${found.join(', ')}`);
    if (type !== undefined && !['EXACT', 'APPROXIMATELY', 'BETWEEN'].includes(type)) {
      addValue(person, 'notes', `Date of birth type: ${type}`);
    }
  }
}

function yearRange(
  from: string | undefined,
  to: string | undefined,
  b: Builder,
  line: number,
  person: EntityRecord,
): string[] {
  const ends = [from, to].map((raw) =>
    raw === undefined ? undefined : b.date('INDIVIDUAL_DATE_OF_BIRTH', line, raw, person),
  );
  const [start, end] = ends;
  if (start !== undefined && end !== undefined && /^\d{4}$/.test(start) && /^\d{4}$/.test(end)) {
    const a = Number(start);
    const z = Number(end);
    if (z >= a && z - a <= MAX_YEAR_SPAN) return Array.from({ length: z - a + 1 }, (_, i) => String(a + i));
  }
  return ends.filter((e): e is string => e !== undefined);
}

function mapBirthPlaces(view: RecordView, person: EntityRecord): void {
  for (const g of view.groups('INDIVIDUAL_PLACE_OF_BIRTH')) {
    const country = g.get('COUNTRY');
    const local = [g.get('STREET'), g.get('CITY'), g.get('STATE_PROVINCE')].filter((p) => p !== undefined);
    if (local.length > 0)
      addValue(person, 'birthPlace', [...local, country].filter((p) => p !== undefined).join(', '));
    addValue(person, 'birthCountry', country);
    const note = g.get('NOTE');
    if (note !== undefined) addValue(person, 'notes', `Place of birth note: ${note}`);
  }
}

function mapAliases(view: RecordView, b: Builder, party: EntityRecord, tag: string): void {
  const isPerson = party.schema === 'Person';
  for (const g of view.groups(tag)) {
    const name = g.get('ALIAS_NAME');
    const quality = g.get('QUALITY')?.toLowerCase();
    const note = g.get('NOTE');
    // Low-quality aliases are weak (UN: "not sufficient to identify"); f.k.a. and "formerly listed as" are previous names.
    let prop = 'alias';
    if (quality === 'low') prop = 'weakAlias';
    else if (quality === 'f.k.a.' || (note !== undefined && PREVIOUS_NAME_NOTE.test(note)))
      prop = 'previousName';
    addValue(party, prop, name);
    if (quality !== undefined && !['good', 'low', 'a.k.a.', 'f.k.a.'].includes(quality)) {
      addValue(party, 'notes', `Alias quality "${quality}": ${name ?? ''}`);
    }
    if (note !== undefined) addValue(party, 'notes', `Alias ${name ?? ''}: ${note}`);
    // Birth details attached to an alias are alternative birth details of the same person.
    const dob = g.get('DATE_OF_BIRTH');
    const city = g.get('CITY_OF_BIRTH');
    const country = g.get('COUNTRY_OF_BIRTH');
    if (!isPerson) {
      for (const [label, v] of [
        ['date of birth', dob],
        ['city of birth', city],
        ['country of birth', country],
      ] as const) {
        if (v !== undefined) addValue(party, 'notes', `Alias ${name ?? ''} ${label}: ${v}`);
      }
      continue;
    }
    if (dob !== undefined) addValue(party, 'birthDate', b.date(`${tag}/DATE_OF_BIRTH`, g.line, dob, party));
    if (city !== undefined)
      addValue(party, 'birthPlace', [city, country].filter((p) => p !== undefined).join(', '));
    addValue(party, 'birthCountry', country);
  }
}

function mapAddresses(view: RecordView, party: EntityRecord, tag: string): void {
  for (const g of view.groups(tag)) {
    const country = g.get('COUNTRY');
    const local = [g.get('STREET'), g.get('CITY'), g.get('STATE_PROVINCE'), g.get('ZIP_CODE')].filter(
      (p) => p !== undefined,
    );
    if (local.length > 0)
      addValue(party, 'address', [...local, country].filter((p) => p !== undefined).join(', '));
    addValue(party, 'country', country);
    const note = g.get('NOTE');
    if (note !== undefined) addValue(party, 'notes', `Address note: ${note}`);
  }
}

function mapDocuments(view: RecordView, b: Builder, party: EntityRecord, dataId: string): void {
  const byKey = new Map<string, EntityRecord>();
  for (const g of view.groups('INDIVIDUAL_DOCUMENT')) {
    const types = [...g.all('TYPE_OF_DOCUMENT'), ...g.all('TYPE_OF_DOCUMENT2')];
    const number = g.get('NUMBER');
    const countries = [...g.all('ISSUING_COUNTRY'), ...g.all('COUNTRY_OF_ISSUE')];
    const issued = g.get('DATE_OF_ISSUE');
    const city = g.get('CITY_OF_ISSUE');
    const note = g.raw('NOTE');
    if (types.length === 0 && number === undefined && countries.length === 0 && note === undefined) continue;
    const schema = types.some((t) => PASSPORT.test(t)) ? 'Passport' : 'Identification';
    // The list repeats one passport under its English, French and Spanish labels: those become one entity.
    const key = [schema, number ?? note ?? types.join('|'), countries.join('|'), issued ?? ''].join('\u001f');
    let doc = byKey.get(key);
    if (!doc) {
      doc = newEntity(stableId('un-doc', dataId, key), schema);
      byKey.set(key, doc);
      b.entities.push(doc);
    }
    addValue(doc, 'holder', party.id);
    addValue(doc, 'number', number);
    for (const t of types) addValue(doc, 'type', t);
    for (const c of countries) addValue(doc, 'country', c);
    if (issued !== undefined)
      addValue(doc, 'startDate', b.date('DATE_OF_ISSUE', g.line, issued, doc, 'description'));
    if (city !== undefined) addValue(doc, 'description', `City of issue: ${city}`);
    addValue(doc, 'description', note);
    if (number !== undefined) {
      addValue(
        party,
        schema === 'Passport' && party.schema === 'Person' ? 'passportNumber' : 'idNumber',
        number,
      );
    }
  }
}
