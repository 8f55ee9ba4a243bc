// Audit events (DPA 2018 s.62): who did what to which objects, when, why, under which request, and how it ended.

/**
 * The kinds of processing s.62 requires logs of, plus authentication (logins and logouts, which the section does
 * not name but an auditor asks about first) and administration (users, roles, clearances).
 */
export const AUDIT_CATEGORIES = [
  'collection',
  'alteration',
  'consultation',
  'disclosure',
  'combination',
  'erasure',
  'authentication',
  'administration',
] as const;
export type AuditCategory = (typeof AUDIT_CATEGORIES)[number];

/** What a caller records; user, purpose, request id and time come from the access context and the store. */
export interface AuditEventInput {
  /** Dotted name, e.g. `entity.read`, `ingest.batch`, `xref.judge`, `cli.search`. */
  action: string;
  category: AuditCategory;
  /** Ids of the objects acted on: entity ids, dataset names, user names, job ids. Never values. */
  objects?: readonly string[];
  /** `ok`, `refused`, `failed`, or an HTTP status such as `404`. */
  outcome?: string;
  /** Small facts about the action (counts, formats, query text). Never an erased value. */
  detail?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface AuditRecord {
  seq: number;
  /** UTC, ISO 8601 with milliseconds. */
  at: string;
  user: string;
  action: string;
  category: AuditCategory;
  objects: string[];
  purpose: string;
  requestId: string | null;
  outcome: string;
  detail: Record<string, string | number | boolean | null>;
  /** SHA-256 (hex) of the previous record; 64 zeros for the first. */
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  user?: string;
  action?: string;
  category?: AuditCategory;
  requestId?: string;
  /** Records with seq below this (paging backwards from the newest). */
  before?: number;
  /** UTC ISO lower bound on `at`. */
  since?: string;
  /** Default 100, at most 1000. */
  limit?: number;
}

export const MAX_AUDIT_OBJECTS = 1000;
const MAX_TEXT = 500;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped
const CONTROL = /[\u0000-\u001f\u007f]/g;
const ACTION = /^[a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)*$/;

function clip(text: string): string {
  // Control characters would make the log hard to read safely; they are kept visible as escapes.
  const clean = text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT)}...` : clean;
}

/** The event as it will be stored: checked action and category, clipped texts, at most 1,000 objects. */
export function normaliseEvent(event: AuditEventInput): Required<AuditEventInput> {
  if (!ACTION.test(event.action))
    throw new Error(`audit: action "${clip(event.action)}" is not a dotted name`);
  if (!(AUDIT_CATEGORIES as readonly string[]).includes(event.category))
    throw new Error(`audit: unknown category "${clip(event.category)}"`);
  const objects = (event.objects ?? []).slice(0, MAX_AUDIT_OBJECTS).map(clip);
  const detail: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(event.detail ?? {})) {
    detail[clip(k)] =
      typeof v === 'string' ? clip(v) : typeof v === 'number' && !Number.isFinite(v) ? null : v;
  }
  if ((event.objects?.length ?? 0) > MAX_AUDIT_OBJECTS) detail.objects_total = event.objects?.length ?? 0;
  return {
    action: event.action,
    category: event.category,
    objects,
    outcome: clip(event.outcome ?? 'ok'),
    detail,
  };
}
