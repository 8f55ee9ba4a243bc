// The one place where errors become HTTP responses: typed codes map to statuses, anything unknown is a bare 500.
import { HTTPException } from 'hono/http-exception';
import { type ErrorCode, isNexusError } from '../model/index.js';

/** An HTTP-level refusal (no route, wrong method, body too large, wrong content type) with a detail safe to show. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, detail: string, headers: Record<string, string> = {}) {
    super(detail);
    this.name = 'HttpError';
    this.status = status;
    this.headers = Object.freeze({ ...headers });
  }
}

interface Mapping {
  status: number;
  /** Whether the error's own message goes to the client; otherwise `detail` stands in for it. */
  expose: boolean;
  detail?: string;
}

/**
 * Statuses for the typed codes a request can cause. Caller mistakes show their message (it names the operation and
 * the offending input); store failures say only what kind of failure it was, since their messages can hold paths.
 * Codes missing here are server faults and fall through to the generic 500 (SECURITY.md R18).
 */
const CODE_STATUS = new Map<ErrorCode, Mapping>([
  ['USAGE_INVALID', { status: 400, expose: true }],
  ['SCHEMA_UNKNOWN', { status: 400, expose: true }],
  ['SCHEMA_ABSTRACT', { status: 400, expose: true }],
  ['PROPERTY_UNKNOWN', { status: 400, expose: true }],
  ['VALUE_INVALID', { status: 400, expose: true }],
  ['ID_INVALID', { status: 400, expose: true }],
  ['RECORD_INVALID', { status: 400, expose: true }],
  ['ENTITY_NOT_FOUND', { status: 404, expose: true }],
  // Heavy work refused because a cap was hit: the client may retry later or ask for less.
  ['LIMIT_REACHED', { status: 429, expose: true }],
  // The caller's role does not allow the action (the policy's roles table); says which permission is missing.
  ['FORBIDDEN', { status: 403, expose: true }],
  ['HANDLING_CONDITIONS_REQUIRED', { status: 400, expose: true }],
  ['EXPORT_CEILING_INVALID', { status: 400, expose: true }],
  ['MARKING_INVALID', { status: 400, expose: true }],
  ['GRADING_INVALID', { status: 400, expose: true }],
  // The audit record of a read could not be written, so the read is refused (SECURITY.md R12).
  ['AUDIT_UNAVAILABLE', { status: 503, expose: false, detail: 'audit log unavailable' }],
  ['STORE_DEGRADED', { status: 503, expose: false, detail: 'store degraded' }],
  ['STORE_UNAVAILABLE', { status: 503, expose: false, detail: 'store unavailable' }],
  // The durable job queue's Redis does not answer (src/work); its message names the Redis host.
  ['QUEUE_UNAVAILABLE', { status: 503, expose: false, detail: 'job queue unavailable' }],
]);

export interface ErrorBody {
  status: number;
  detail: string;
  request_id?: string;
}

export interface ErrorAnswer {
  status: number;
  body: ErrorBody;
  headers: Readonly<Record<string, string>>;
  /** True when the error was not one we expected: log it in full, show nothing of it. */
  unexpected: boolean;
}

/** Turns any thrown value into the answer the client sees; the request id lets an operator find the log line. */
export function errorAnswer(err: unknown, requestId: string): ErrorAnswer {
  if (err instanceof HttpError) {
    return {
      status: err.status,
      body: { status: err.status, detail: err.message },
      headers: err.headers,
      unexpected: false,
    };
  }
  // Hono's own refusals (malformed requests caught by its helpers) carry generic, client-safe messages.
  if (err instanceof HTTPException && err.status < 500) {
    const detail = err.message || 'bad request';
    return { status: err.status, body: { status: err.status, detail }, headers: {}, unexpected: false };
  }
  if (isNexusError(err)) {
    const m = CODE_STATUS.get(err.code);
    if (m) {
      const detail = m.expose ? err.message : (m.detail ?? 'unavailable');
      const body: ErrorBody =
        m.status >= 500 ? { status: m.status, detail, request_id: requestId } : { status: m.status, detail };
      return { status: m.status, body, headers: {}, unexpected: false };
    }
  }
  return {
    status: 500,
    body: { status: 500, detail: 'internal error', request_id: requestId },
    headers: {},
    unexpected: true,
  };
}
