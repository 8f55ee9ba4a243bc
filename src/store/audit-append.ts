// Builds the hash-chained audit records (and their audit_log column values) for an append, and the error when one
// cannot be written: shared by the SQLite and PostgreSQL stores so both chain and hash records exactly alike.
import type { AccessContext } from '../access/index.js';
import {
  type AuditEventInput,
  type AuditQuery,
  type AuditRecord,
  GENESIS_HASH,
  recordHash,
} from '../audit/index.js';
import { NexusError } from '../model/index.js';
import { errorCode } from './audit-rows.js';

/** The records to append and, for each, its audit_log values in column order (seq, at, user, action, ...). */
export interface AuditAppend {
  records: AuditRecord[];
  rows: unknown[][];
}

/**
 * The records that follow the chain's head (undefined: the log is empty), numbered and hashed in order, with the
 * values to insert for each (objects and detail as the JSON text that was hashed).
 */
export function buildAuditRecords(
  ctx: AccessContext,
  events: readonly Required<AuditEventInput>[],
  head: { seq: number; hash: string } | undefined,
  at: string,
): AuditAppend {
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  const records: AuditRecord[] = [];
  const rows: unknown[][] = [];
  for (const e of events) {
    seq++;
    const base = {
      seq,
      at,
      user: ctx.user,
      action: e.action,
      category: e.category,
      objects: [...e.objects],
      purpose: ctx.purpose,
      requestId: ctx.requestId,
      outcome: e.outcome,
      detail: { ...e.detail },
      prevHash,
    };
    const hash = recordHash(base);
    rows.push([
      seq,
      at,
      base.user,
      base.action,
      base.category,
      JSON.stringify(base.objects),
      base.purpose,
      base.requestId,
      base.outcome,
      JSON.stringify(base.detail),
      prevHash,
      hash,
    ]);
    records.push({ ...base, hash });
    prevHash = hash;
  }
  return { records, rows };
}

/** AUDIT_UNAVAILABLE for a failed write, naming the driver's error code only. */
export function auditUnavailable(err: unknown): NexusError {
  return new NexusError(
    'AUDIT_UNAVAILABLE',
    `audit.append: the audit record could not be written (${errorCode(err)})`,
  );
}

/** How many records a listing returns: the query's limit (100 when none), from 1 to 1000. */
export function auditLimit(query: AuditQuery): number {
  return Math.min(Math.max(1, query.limit ?? 100), 1000);
}
