// Unit tests for mapping-file parsing, validation, date formats, header checks and row mapping.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isNexusError } from '../model/errors.js';
import { isValidEntityId, stableId } from '../model/ids.js';
import {
  applyDateFormat,
  checkHeader,
  compileDateFormat,
  type DateFormat,
  type Mapping,
  mapRow,
  parseMapping,
} from './mapping.js';

const fixture = readFileSync(new URL('../../test/fixtures/mapping/nightjar.yml', import.meta.url), 'utf8');

function person(props: string, extra = ''): string {
  return `entities:\n  suspect:\n    schema: Person\n    keys: [suspect_id]\n${extra}    properties:\n${props}`;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isNexusError(err) ? err.code : `not a NexusError: ${String(err)}`;
  }
  return undefined;
}

function pathOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return isNexusError(err) ? err.details.path : undefined;
  }
  return undefined;
}

describe('parseMapping', () => {
  it('reads the NIGHTJAR fixture mapping', () => {
    const m = parseMapping(fixture, 'nightjar.yml');
    expect(m.entities.map((e) => `${e.name}:${e.schema}`)).toEqual([
      'subject:Person',
      'associate:Person',
      'link:Associate',
      'vehicle:Vehicle',
      'company:Company',
      'directorship:Directorship',
    ]);
    expect(m.sheet).toBe('Subjects');
    expect(m.csv).toEqual({ delimiter: ',', encoding: 'utf-8' });
    expect(m.columns.get('dob')).toBe('entities.subject.properties.birthDate.column');
    expect(m.columns.has('seen_location')).toBe(true);
    const subject = m.entities[0];
    expect(subject?.keyLiteral).toBe('person');
    expect(subject?.prefix).toBe('nightjar');
  });

  it('defaults the csv options and the id prefix', () => {
    const m = parseMapping(person('      name: { column: n }\n'), 'case.yml');
    expect(m.csv).toEqual({ delimiter: ',', encoding: 'utf-8' });
    expect(m.entities[0]?.prefix).toBe('map');
    expect(m.entities[0]?.keyLiteral).toBe('suspect');
  });

  it.each([
    ['unknown schema', 'entities:\n  x:\n    schema: Phone\n    keys: [a]\n', 'entities.x.schema'],
    ['abstract schema', 'entities:\n  x:\n    schema: Thing\n    keys: [a]\n', 'entities.x.schema'],
    ['unknown property', person('      shoeSize: { column: s }\n'), 'entities.suspect.properties.shoeSize'],
    [
      '__proto__ property',
      person('      __proto__: { column: s }\n'),
      'entities.suspect.properties.__proto__',
    ],
    [
      'constructor property',
      person('      constructor: { column: s }\n'),
      'entities.suspect.properties.constructor',
    ],
    [
      'reverse (stub) property',
      person('      unknownLinkFrom: { column: s }\n'),
      'entities.suspect.properties.unknownLinkFrom',
    ],
    [
      'reference to an undefined entity',
      person('      name: { column: n }\n')
        .replace('Person', 'Vehicle')
        .replace('name:', 'owner: { entity: ghost }\n      name:'),
      'entities.suspect.properties.owner.entity',
    ],
    [
      'entity: on a non-entity property',
      person('      name: { entity: suspect }\n'),
      'entities.suspect.properties.name',
    ],
    [
      'two value sources',
      person('      name: { column: n, literal: x }\n'),
      'entities.suspect.properties.name',
    ],
    ['no value source', person('      name: { split: ";" }\n'), 'entities.suspect.properties.name'],
    [
      'format on a non-date property',
      person('      name: { column: n, format: "%Y" }\n'),
      'entities.suspect.properties.name',
    ],
    [
      'unsupported date directive',
      person('      birthDate: { column: d, format: "%d/%q/%Y" }\n'),
      'entities.suspect.properties.birthDate',
    ],
    [
      'date format without a year',
      person('      birthDate: { column: d, format: "%d/%m" }\n'),
      'entities.suspect.properties.birthDate',
    ],
    [
      'invalid topic literal',
      person('      topics: { literal: crime.piracy.space }\n'),
      'entities.suspect.properties.topics.literal',
    ],
    [
      'unbalanced template',
      person('      notes: { template: "Seen at {location" }\n'),
      'entities.suspect.properties.notes',
    ],
    ['unknown key at the top', `bogus: 1\n${person('      name: { column: n }\n')}`, ''],
    [
      'unknown key in a property',
      person('      name: { column: n, colum: m }\n'),
      'entities.suspect.properties.name',
    ],
    ['unknown key in an entity', person('      name: { column: n }\n', '    key: [x]\n'), 'entities.suspect'],
    [
      'unknown csv encoding',
      `csv: { encoding: ebcdic }\n${person('      name: { column: n }\n')}`,
      'csv.encoding',
    ],
    [
      'quote as delimiter',
      `csv: { delimiter: '"' }\n${person('      name: { column: n }\n')}`,
      'csv.delimiter',
    ],
    ['no keys', 'entities:\n  x:\n    schema: Person\n    keys: []\n', 'entities.x.keys'],
    ['no entities', 'entities: {}\n', 'entities'],
    [
      'bad id prefix',
      person('      name: { column: n }\n', '    id_prefix: "a b"\n'),
      'entities.suspect.id_prefix',
    ],
  ])('rejects %s with MAPPING_INVALID', (_label, yaml, path) => {
    expect(codeOf(() => parseMapping(yaml, 'case.yml'))).toBe('MAPPING_INVALID');
    expect(pathOf(() => parseMapping(yaml, 'case.yml'))).toBe(path);
  });

  it('rejects a reference to an entity of the wrong schema', () => {
    const yaml = `entities:
  firm: { schema: Company, keys: [c] }
  pal: { schema: Person, keys: [p] }
  link:
    schema: Associate
    keys: [p, c]
    properties:
      person: { entity: pal }
      associate: { entity: firm }
`;
    expect(codeOf(() => parseMapping(yaml, 'case.yml'))).toBe('MAPPING_INVALID');
    expect(pathOf(() => parseMapping(yaml, 'case.yml'))).toBe('entities.link.properties.associate.entity');
  });

  it.each([
    ['broken YAML', 'entities: [\n'],
    ['a duplicated key', `${person('      name: { column: n }\n      name: { column: m }\n')}`],
    ['a scalar document', 'just text'],
    ['an empty document', ''],
    ['a non-string column', person('      name: { column: [a, b] }\n')],
  ])('rejects %s with MAPPING_INVALID', (_label, yaml) => {
    expect(codeOf(() => parseMapping(yaml, 'case.yml'))).toBe('MAPPING_INVALID');
  });

  it('leaves Object.prototype alone when a mapping says __proto__', () => {
    const yaml = `entities:\n  __proto__:\n    schema: Person\n    keys: [a]\n    properties:\n      __proto__: { column: polluted }\n`;
    expect(codeOf(() => parseMapping(yaml, 'case.yml'))).toBe('MAPPING_INVALID');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).column).toBeUndefined();
  });

  it('accepts an entity named __proto__ as just a name', () => {
    const m = parseMapping('entities:\n  __proto__:\n    schema: Person\n    keys: [a]\n', 'case.yml');
    expect(m.entities[0]?.name).toBe('__proto__');
  });
});

describe('date formats', () => {
  const fmt = (f: string): DateFormat => {
    const compiled = compileDateFormat(f);
    if (typeof compiled === 'string') throw new Error(compiled);
    return compiled;
  };

  it.each([
    ['%d/%m/%Y', '14/03/1978', '1978-03-14'],
    ['%d/%m/%Y', '4/3/1978', '1978-03-04'],
    ['%Y-%m', '2019-04', '2019-04'],
    ['%Y', '1972', '1972'],
    ['%d %b %Y', '14 Mar 1978', '1978-03-14'],
    ['%d %B %Y', '14  march 1978', '1978-03-14'],
    ['%d.%m.%y', '01.02.03', '2003-02-01'],
    ['%d.%m.%y', '01.02.85', '1985-02-01'],
    ['%Y-%m-%d %H:%M', '2023-05-12 21:07', '2023-05-12T21:07:00'],
    ['%Y%m%d', '20230512', '2023-05-12'],
  ])('%s reads %s as %s', (format, value, iso) => {
    expect(applyDateFormat(fmt(format), value)).toBe(iso);
  });

  it.each([
    ['%d/%m/%Y', '31/02/1999'],
    ['%d/%m/%Y', '1972-08-19'],
    ['%d/%m/%Y', '14/13/1978'],
    ['%d %b %Y', '14 Foo 1978'],
    ['%Y', 'unknown'],
  ])('%s refuses %s', (format, value) => {
    expect(applyDateFormat(fmt(format), value)).toBeUndefined();
  });
});

describe('checkHeader', () => {
  const m = parseMapping(fixture, 'nightjar.yml');
  const header =
    readFileSync(new URL('../../test/fixtures/mapping/nightjar.csv', import.meta.url), 'utf8')
      .split('\n')[0]
      ?.split(',') ?? [];

  it('passes the fixture header', () => {
    expect(() => checkHeader(m, header, 'nightjar.csv')).not.toThrow();
  });

  it('names the mapping path of a missing column', () => {
    const without = header.filter((h) => h !== 'dob');
    expect(codeOf(() => checkHeader(m, without, 'nightjar.csv'))).toBe('COLUMN_MISSING');
    expect(pathOf(() => checkHeader(m, without, 'nightjar.csv'))).toBe(
      'entities.subject.properties.birthDate.column',
    );
  });

  it('finds columns used only in templates and keys', () => {
    expect(
      pathOf(() =>
        checkHeader(
          m,
          header.filter((h) => h !== 'seen_date'),
          'x.csv',
        ),
      ),
    ).toBe('entities.subject.properties.notes.template');
    expect(
      pathOf(() =>
        checkHeader(
          m,
          header.filter((h) => h !== 'subject_id'),
          'x.csv',
        ),
      ),
    ).toBe('entities.subject.keys.0');
  });

  it('refuses a header that repeats a mapped column', () => {
    expect(codeOf(() => checkHeader(m, [...header, 'dob'], 'x.csv'))).toBe('RECORD_INVALID');
    expect(() => checkHeader(m, [...header, 'unmapped', 'unmapped'], 'x.csv')).not.toThrow();
  });
});

describe('mapRow', () => {
  const m: Mapping = parseMapping(fixture, 'nightjar.yml');
  const row = (values: Record<string, string>) => new Map(Object.entries(values));

  it('gives stable hashed ids and links the row entities', () => {
    const { entities, problems } = mapRow(
      m,
      row({ subject_id: 'NJ-001', associate_id: 'NJ-002', company_number: 'FC1', phones: 'a; b ;;' }),
    );
    const subjectId = stableId('nightjar', 'person', 'NJ-001');
    const associateId = stableId('nightjar', 'person', 'NJ-002');
    expect(entities.map((e) => e.schema)).toEqual([
      'Person',
      'Person',
      'Associate',
      'Company',
      'Directorship',
    ]);
    expect(entities[0]?.id).toBe(subjectId);
    expect(entities[0]?.properties.get('phone')).toEqual(['a', 'b']);
    expect(entities[0]?.properties.get('topics')).toEqual(['crime.traffick.drug']);
    expect(entities[2]?.properties.get('person')).toEqual([subjectId]);
    expect(entities[2]?.properties.get('associate')).toEqual([associateId]);
    expect(problems).toEqual([]);
  });

  it('leaves out references to entities the row did not produce, with a problem', () => {
    const { entities, problems } = mapRow(m, row({ subject_id: 'NJ-004' }));
    const directorship = entities.find((e) => e.schema === 'Directorship');
    expect(directorship?.properties.has('organization')).toBe(false);
    expect(problems.map((p) => `${p.code} ${p.field}`)).toEqual([
      'ENTITY_NOT_FOUND entities.link.properties.associate',
      'ENTITY_NOT_FOUND entities.directorship.properties.organization',
    ]);
  });

  it('produces nothing when every key is empty', () => {
    expect(mapRow(m, row({ full_name: 'No Key', subject_id: '  ' })).entities).toEqual([]);
  });

  it('keeps the row and reports a value that does not fit the date format', () => {
    const { entities, problems } = mapRow(
      m,
      row({ subject_id: 'NJ-003', full_name: 'Tobias Wren', dob: '31/02/1999' }),
    );
    expect(entities[0]?.properties.get('name')).toEqual(['Tobias Wren']);
    expect(entities[0]?.properties.has('birthDate')).toBe(false);
    expect(problems.find((p) => p.code === 'VALUE_INVALID')?.field).toBe(
      'entities.subject.properties.birthDate',
    );
  });

  it('skips the format for typed ISO date cells', () => {
    const { entities, problems } = mapRow(
      m,
      row({ subject_id: 'NJ-003', dob: '1999-02-28' }),
      new Set(['dob']),
    );
    expect(entities[0]?.properties.get('birthDate')).toEqual(['1999-02-28']);
    expect(problems.filter((p) => p.code === 'VALUE_INVALID')).toEqual([]);
  });

  it('fills templates only when every placeholder has a value', () => {
    const full = mapRow(m, row({ subject_id: 'A', seen_location: 'Dock 2', seen_date: '2023-01-02' }));
    expect(full.entities[0]?.properties.get('notes')).toEqual(['Seen at Dock 2 on 2023-01-02']);
    const half = mapRow(m, row({ subject_id: 'A', seen_location: 'Dock 2' }));
    expect(half.entities[0]?.properties.has('notes')).toBe(false);
  });

  it('hashes hostile key text into a valid id', () => {
    const { entities } = mapRow(m, row({ subject_id: "'; drop table statements;--" }));
    expect(entities[0]?.id).toBe(stableId('nightjar', 'person', "'; drop table statements;--"));
    expect(isValidEntityId(entities[0]?.id ?? '')).toBe(true);
  });

  it('makes one entity when two mappings give the same id in a row', () => {
    const { entities } = mapRow(
      m,
      row({ subject_id: 'NJ-007', associate_id: 'NJ-007', full_name: 'A', associate_name: 'B' }),
    );
    const people = entities.filter((e) => e.schema === 'Person');
    expect(people).toHaveLength(1);
    expect(people[0]?.properties.get('name')).toEqual(['A', 'B']);
  });
});
