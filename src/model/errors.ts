// Typed errors with stable codes, shared by every stage; messages name the operation and the place.

export type ErrorCode =
  | 'SCHEMA_UNKNOWN'
  | 'SCHEMA_ABSTRACT'
  | 'PROPERTY_UNKNOWN'
  | 'VALUE_INVALID'
  | 'ID_INVALID'
  | 'ENTITY_NOT_FOUND'
  | 'MARKING_INVALID'
  | 'GRADING_INVALID'
  | 'SOURCE_UNREADABLE'
  | 'FORMAT_UNKNOWN'
  | 'FORMAT_MISMATCH'
  | 'ENCODING_INVALID'
  | 'RECORD_INVALID'
  | 'MAPPING_INVALID'
  | 'COLUMN_MISSING'
  | 'STORE_UNAVAILABLE'
  | 'STORE_DEGRADED'
  | 'MIGRATION_LOCKED'
  | 'MIGRATION_FAILED'
  | 'DURABILITY_UNSAFE'
  | 'USAGE_INVALID'
  | 'ACCESS_CONTEXT_INVALID'
  | 'LIMIT_REACHED'
  | 'JUDGEMENT_CONFLICT'
  | 'POLICY_INVALID'
  | 'FORBIDDEN'
  | 'AUDIT_UNAVAILABLE'
  | 'AUDIT_CHAIN_BROKEN'
  | 'HANDLING_CONDITIONS_REQUIRED'
  | 'EXPORT_CEILING_INVALID'
  // Background jobs on the durable queue (src/work).
  | 'QUEUE_UNAVAILABLE'
  | 'JOB_NOT_FOUND'
  | 'JOB_AUTHORITY_CHANGED';

export class NexusError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'NexusError';
    this.code = code;
    this.details = Object.freeze({ ...details });
  }
}

export function isNexusError(err: unknown, code?: ErrorCode): err is NexusError {
  return err instanceof NexusError && (code === undefined || err.code === code);
}
