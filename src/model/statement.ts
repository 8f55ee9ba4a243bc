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
