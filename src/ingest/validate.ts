// Turns reader records into cleaned statements, rejecting unknown schemata, properties and invalid values with reasons.
import {
  addToGroup,
  cleanValue,
  entityIdProblem,
  getProperty,
  getSchema,
  hasSchema,
  ID_PROP,
  newGroup,
  parseGrading,
  type StatementGroup,
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
  /** One group per entity that produced statements. */
  groups: StatementGroup[];
  /** Statements across the groups. */
  statements: number;
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
  const groups: StatementGroup[] = [];
  let statements = 0;
  const rejects: Reject[] = [...(record.problems ?? [])];
  const origin = originText(record.origin);
  let entities = 0;
  for (const entity of record.entities) {
    const made = entityStatements(entity, record.origin, origin, defaults, rejects);
    if (made !== undefined) {
      entities++;
      groups.push(made);
      statements += made.ids.length;
    }
  }
  return { groups, statements, rejects, entities };
}

function recordGrading(entity: EntityRecord, where: Origin, rejects: Reject[]): string | null {
  if (entity.grading === undefined) return null;
  try {
    return parseGrading(entity.grading);
  } catch (err) {
    rejects.push(
      problem(where, 'GRADING_INVALID', `entity ${entity.id}: ${(err as Error).message}`, 'grading'),
    );
    return null;
  }
}

function entityStatements(
  entity: EntityRecord,
  where: Origin,
  origin: string,
  d: StatementDefaults,
  rejects: Reject[],
): StatementGroup | undefined {
  const idProblem = entityIdProblem(entity.id);
  if (idProblem !== undefined) {
    rejects.push(problem(where, 'ID_INVALID', idProblem, 'id'));
    return undefined;
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
    return undefined;
  }
  const schema = getSchema(entity.schema);
  if (schema.abstract) {
    rejects.push(
      problem(where, 'SCHEMA_ABSTRACT', `entity ${entity.id}: schema ${schema.name} is abstract`, 'schema'),
    );
    return undefined;
  }
  const firstSeen = entity.firstSeen ?? d.now;
  const lastSeen = entity.lastSeen ?? d.now;
  const group = newGroup({
    entityId: entity.id,
    schema: schema.name,
    dataset: d.dataset,
    origin,
    firstSeen,
    lastSeen,
    marking: d.marking,
    // The ingest's grading wins; otherwise the one the source gives the record (checked like any grading).
    grading: d.grading ?? recordGrading(entity, where, rejects),
  });
  addToGroup(group, ID_PROP, 'id', entity.id, null);
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
      const original = typeof raw === 'string' && raw !== cleaned.value ? raw : null;
      addToGroup(group, prop.name, prop.type.name, cleaned.value, original);
    }
  }
  return group;
}
