// An audit_log row as both stores keep it (objects and detail as the JSON text that was hashed), and its record.
import type { AuditCategory, AuditRecord } from '../audit/index.js';

export interface AuditRow {
  seq: number;
  at: string;
  user: string;
  action: string;
  category: string;
  objects: string;
  purpose: string;
  request_id: string | null;
  outcome: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    // A row edited into invalid JSON still reaches verify, whose hash check then fails at it.
    return fallback;
  }
}

export function toAuditRecord(r: AuditRow): AuditRecord {
  return {
    seq: r.seq,
    at: r.at,
    user: r.user,
    action: r.action,
    category: r.category as AuditCategory,
    objects: parseJson<string[]>(r.objects, []),
    purpose: r.purpose,
    requestId: r.request_id,
    outcome: r.outcome,
    detail: parseJson<Record<string, string | number | boolean | null>>(r.detail, {}),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** What to say about a failed audit write: the driver's error code, never its message (it may quote values). */
export function errorCode(err: unknown): string {
  return err instanceof Error && 'code' in err ? String(err.code) : err instanceof Error ? err.name : 'error';
}
