// A statement: one value of one property of one entity, with provenance, marking and grading.
import { createHash } from 'node:crypto';

/** The pseudo-property whose statement records that an entity exists, with its schema. */
export const ID_PROP = 'id';

export interface Statement {
  /** Content hash of dataset, entity, property and value: loading the same fact twice adds nothing. */
  readonly id: string;
  readonly entityId: string;
  readonly schema: string;
  readonly prop: string;
  /** FtM property type name (`name`, `date`, `entity`, ...) or `id` for the existence statement. */
  readonly propType: string;
  readonly value: string;
  /** The value as the source gave it, when cleaning changed it. */
  readonly originalValue: string | null;
  readonly dataset: string;
  /** Where it came from: `file:line`, `file#record` or a feed reference. */
  readonly origin: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** Canonical marking text, e.g. `OFFICIAL`, `SECRET UK EYES ONLY`. */
  readonly marking: string;
  /** 3x5x2 code such as `2BP`, or null when ungraded. */
  readonly grading: string | null;
}

export function statementId(dataset: string, entityId: string, prop: string, value: string): string {
  return createHash('sha1').update(`${dataset}\u001f${entityId}\u001f${prop}\u001f${value}`).digest('hex');
}

export type StatementInput = Omit<Statement, 'id'>;

export function makeStatement(input: StatementInput): Statement {
  return { id: statementId(input.dataset, input.entityId, input.prop, input.value), ...input };
}

/**
 * The statements one source record gives one entity: they share entity, schema, dataset, origin, dates, marking and
 * grading, so those travel and are stored once per group (the write path moves millions of these).
 */
export interface StatementGroup {
  entityId: string;
  schema: string;
  dataset: string;
  origin: string;
  firstSeen: string;
  lastSeen: string;
  marking: string;
  grading: string | null;
  /** Parallel arrays, one entry per statement. */
  ids: string[];
  props: string[];
  propTypes: string[];
  values: string[];
  originals: (string | null)[];
}

export type GroupHead = Pick<
  StatementGroup,
  'entityId' | 'schema' | 'dataset' | 'origin' | 'firstSeen' | 'lastSeen' | 'marking' | 'grading'
>;

export function newGroup(head: GroupHead): StatementGroup {
  return { ...head, ids: [], props: [], propTypes: [], values: [], originals: [] };
}

export function addToGroup(
  group: StatementGroup,
  prop: string,
  propType: string,
  value: string,
  original: string | null,
): void {
  group.ids.push(statementId(group.dataset, group.entityId, prop, value));
  group.props.push(prop);
  group.propTypes.push(propType);
  group.values.push(value);
  group.originals.push(original);
}

/** The group as separate statements. */
export function expandGroup(g: StatementGroup): Statement[] {
  return g.ids.map((id, i) => ({
    id,
    entityId: g.entityId,
    schema: g.schema,
    prop: g.props[i] as string,
    propType: g.propTypes[i] as string,
    value: g.values[i] as string,
    originalValue: g.originals[i] ?? null,
    dataset: g.dataset,
    origin: g.origin,
    firstSeen: g.firstSeen,
    lastSeen: g.lastSeen,
    marking: g.marking,
    grading: g.grading,
  }));
}
