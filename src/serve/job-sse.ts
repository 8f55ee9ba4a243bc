// What the two /api/jobs route sets share (the in-process registry's, src/serve/jobs.ts, and the durable queue's,
// src/serve/queue-jobs.ts): job id checks, the one not-found answer, server-sent event frames and headers, and which
// error codes a client is shown; so both answer alike.
import type { Context } from 'hono';
import type { AppEnv } from './app.js';
import { HttpError } from './errors.js';

/** Codes whose messages are written for the client; others are replaced by a fixed or generic message. */
export const SHOWN_JOB_CODES: readonly string[] = [
  'USAGE_INVALID',
  'FORMAT_UNKNOWN',
  'FORMAT_MISMATCH',
  'SOURCE_UNREADABLE',
  'ENCODING_INVALID',
  'RECORD_INVALID',
  'MAPPING_INVALID',
  'COLUMN_MISSING',
  'MARKING_INVALID',
  'GRADING_INVALID',
  'VALUE_INVALID',
  'LIMIT_REACHED',
];

/** Codes shown with a fixed text instead of their message. */
export const HIDDEN_JOB_CODES: readonly (readonly [string, string])[] = [
  ['STORE_UNAVAILABLE', 'store unavailable'],
  ['STORE_DEGRADED', 'store degraded'],
];

const JOB_ID = /^[A-Za-z0-9-]{1,64}$/;
const encoder = new TextEncoder();

export function jobNotFound(): HttpError {
  // One answer for "no such job" and "another user's job" (SECURITY.md R9).
  return new HttpError(404, 'job not found');
}

/** The route's job id; 404 for one that cannot be a job's. */
export function jobIdOf(c: Context<AppEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!JOB_ID.test(id)) throw jobNotFound();
  return id;
}

/** One event as a server-sent event frame. */
export function sseFrame(e: { id: number; event: string; data: unknown }): Uint8Array {
  // JSON.stringify escapes CR and LF, so the data is always one line.
  return encoder.encode(`id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
}

/** Tells the client to reconnect after 3 s; sent first on every stream. A fresh buffer each time. */
export function sseRetry(): Uint8Array {
  return encoder.encode('retry: 3000\n\n');
}

/** A comment line that keeps an idle stream open. A fresh buffer each time. */
export function sseHeartbeat(): Uint8Array {
  return encoder.encode(': heartbeat\n\n');
}

/** The event id the client saw last (Last-Event-ID, or `last_event_id` for clients that cannot set it), else 0. */
export function lastEventId(c: Context<AppEnv>): number {
  const raw = c.req.header('last-event-id') ?? new URL(c.req.url).searchParams.get('last_event_id') ?? '';
  return /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
}

/** The event stream's response. */
export function sseResponse(body: ReadableStream<Uint8Array>): Response {
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-store, no-transform',
      'X-Accel-Buffering': 'no',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

/** Any method but POST on /jobs/{id}/cancel. */
export function cancelMethodNotAllowed(): never {
  throw new HttpError(405, 'method not allowed', { Allow: 'POST' });
}
