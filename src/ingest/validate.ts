// Turns reader records into cleaned statements, rejecting unknown schemata, properties and invalid values with reasons.
import {
  cleanValue,
  entityIdProblem,
  getProperty,
  getSchema,
  hasSchema,
  ID_PROP,
  type Statement,
  statementId,
} from '../model/index.js';
import type { EntityRecord, Origin, Reject, SourceRecord } from './reader.js';

export interface StatementDefaults {
  dataset: string;
  /** Canonical marking text (already parsed and formatted). */
  marking: string;
  grading: string | null;
  /** ISO timestamp of the run, used when the source gives no first/last seen. */
  now: string;
}

export interface Validated {
  statements: Statement[];
  rejects: Reject[];
  /** Entities of the record that produced statements. */
  entities: number;
}

export function originText(origin: Origin): string {
  if (origin.line !== undefined) return `${origin.file}:${origin.line}`;
  if (origin.record !== undefined) return `${origin.file}#${origin.record}`;
  return origin.file;
}

function problem(origin: Origin, code: string, reason: string, field?: string): Reject {
  return { kind: 'reject', file: origin.file, line: origin.line, record: origin.record, field, code, reason };
}

export function validateRecord(record: SourceRecord, defaults: StatementDefaults): Validated {
  const statements: Statement[] = [];
  const rejects: Reject[] = [...(record.problems ?? [])];
  const origin = originText(record.origin);
  let entities = 0;
  for (const entity of record.entities) {
    const made = entityStatements(entity, record.origin, origin, defaults, rejects);
    if (made.length > 0) {
      entities++;
      statements.push(...made);
    }
  }
  return { statements, rejects, entities };
}

function entityStatements(
  entity: EntityRecord,
  where: Origin,
  origin: string,
  d: StatementDefaults,
  rejects: Reject[],
): Statement[] {
  const idProblem = entityIdProblem(entity.id);
  if (idProblem !== undefined) {
    rejects.push(problem(where, 'ID_INVALID', idProblem, 'id'));
    return [];
  }
  if (typeof entity.schema !== 'string' || !hasSchema(entity.schema)) {
    rejects.push(
      problem(
        where,
        'SCHEMA_UNKNOWN',
        `entity ${entity.id}: unknown schema "${String(entity.schema)}"`,
        'schema',
      ),
    );
    return [];
  }
  const schema = getSchema(entity.schema);
  if (schema.abstract) {
    rejects.push(
      problem(where, 'SCHEMA_ABSTRACT', `entity ${entity.id}: schema ${schema.name} is abstract`, 'schema'),
    );
    return [];
  }
  const firstSeen = entity.firstSeen ?? d.now;
  const lastSeen = entity.lastSeen ?? d.now;
  // Statements are built as literals (no spreads): this loop runs once per value of a multi-million-row load.
  const make = (prop: string, propType: string, value: string, originalValue: string | null): Statement => ({
    id: statementId(d.dataset, entity.id, prop, value),
    entityId: entity.id,
    schema: schema.name,
    prop,
    propType,
    value,
    originalValue,
    dataset: d.dataset,
    origin,
    firstSeen,
    lastSeen,
    marking: d.marking,
    grading: d.grading,
  });
  const out: Statement[] = [make(ID_PROP, 'id', entity.id, null)];
  for (const [name, values] of entity.properties) {
    const prop = getProperty(schema, name);
    if (prop === undefined) {
      rejects.push(
        problem(
          where,
          'PROPERTY_UNKNOWN',
          `entity ${entity.id}: ${schema.name} has no property "${name}"`,
          name,
        ),
      );
      continue;
    }
    for (const raw of values) {
      const cleaned = cleanValue(prop, raw);
      if (!cleaned.ok) {
        rejects.push(
          problem(where, 'VALUE_INVALID', `entity ${entity.id}: ${name}: ${cleaned.reason}`, name),
        );
        continue;
      }
      out.push(
        make(
          prop.name,
          prop.type.name,
          cleaned.value,
          typeof raw === 'string' && raw !== cleaned.value ? raw : null,
        ),
      );
    }
  }
  return out;
}
