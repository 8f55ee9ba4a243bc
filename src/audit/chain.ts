// The audit hash chain: each record's hash covers the previous record's hash and every field of its own, so an
// edited, deleted, inserted or reordered record breaks the chain exactly there.
import { createHash } from 'node:crypto';
import type { AuditRecord } from './events.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields a hash covers, in a fixed order, as JSON (so no field can run into the next). */
export function canonicalRecord(r: Omit<AuditRecord, 'hash'>): string {
  const detail = Object.fromEntries(
    Object.entries(r.detail).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return JSON.stringify([
    r.seq,
    r.at,
    r.user,
    r.action,
    r.category,
    r.objects,
    r.purpose,
    r.requestId,
    r.outcome,
    detail,
    r.prevHash,
  ]);
}

export function recordHash(r: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(canonicalRecord(r)).digest('hex');
}

export interface ChainReport {
  ok: boolean;
  records: number;
  /** Hash of the last good record (the chain head when ok): keep it somewhere else to detect a cut-off tail. */
  head: string;
  lastSeq: number;
  /** The first record that does not fit, and why. */
  broken?: { seq: number; reason: string };
}

/**
 * Walks records in seq order and checks each against the one before: seq one more, prev_hash equal to the previous
 * hash, hash equal to the hash of its own fields. Stops at the first bad record.
 */
export async function verifyChain(batches: AsyncIterable<AuditRecord[]>): Promise<ChainReport> {
  let prev = GENESIS_HASH;
  let lastSeq = 0;
  let records = 0;
  for await (const batch of batches) {
    for (const r of batch) {
      let reason: string | undefined;
      if (r.seq > lastSeq + 1) {
        // A deleted record is reported where it was: the first missing seq.
        const missing = r.seq === lastSeq + 2 ? 'is' : `to ${r.seq - 1} are`;
        reason = `record ${lastSeq + 1} ${missing} missing (deleted); the next present is ${r.seq}`;
        return { ok: false, records, head: prev, lastSeq, broken: { seq: lastSeq + 1, reason } };
      }
      if (r.seq !== lastSeq + 1) reason = 'seq out of order';
      else if (r.prevHash !== prev)
        reason = 'prev_hash does not match the previous record (deleted or reordered)';
      else if (recordHash(r) !== r.hash) reason = 'hash does not match the record (edited)';
      if (reason) return { ok: false, records, head: prev, lastSeq, broken: { seq: r.seq, reason } };
      prev = r.hash;
      lastSeq = r.seq;
      records++;
    }
  }
  return { ok: true, records, head: prev, lastSeq };
}
