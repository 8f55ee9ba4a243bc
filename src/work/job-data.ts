// What a job keeps in Redis: its data (kind, parameters, requester, and for uploads what the API shows), the
// progress a worker publishes, the result it returns, and its error as a typed code. Redis holds no statement
// values: summaries are counts, and bulky answers (graph, trace, report) go to result files beside the store.
import { z } from 'zod';
import type { ProgressEvent, Reject } from '../ingest/index.js';
import { isNexusError } from '../model/index.js';
import { isJobKind, type JobKind } from './job-kinds.js';
import { Requester } from './requester.js';

/** An API upload's facts, shown as the job's `params`, and its folder, removed when the job ends. */
export const UploadInfo = z.strictObject({
  file: z.string().max(300),
  bytes: z.number().int().min(0),
  type: z.string().max(20),
  format: z.string().max(40),
  marking: z.string().max(200),
  grading: z.string().max(10).nullable(),
  dir: z.string().min(1).max(4096),
});
export type UploadInfo = z.infer<typeof UploadInfo>;

export const JobData = z.strictObject({
  v: z.literal(1),
  kind: z.string().refine(isJobKind, 'a job kind'),
  params: z.unknown(),
  requester: Requester,
  submitted_at: z.string().max(40),
  upload: UploadInfo.optional(),
});
export type JobData = Omit<z.infer<typeof JobData>, 'kind'> & { kind: JobKind };

export interface RejectView {
  file: string;
  line?: number;
  record?: string;
  field?: string;
  code: string;
  reason: string;
}

/** Published by the running worker, at most every half second; `seq` grows, so readers see what is new. */
export interface WorkProgress {
  seq: number;
  /** Ingest progress: records, bytes, rates, ETA, rejects. */
  ingest?: ProgressEvent;
  /** Other kinds: what the job is doing, with counts when it has them. */
  note?: string;
  processed?: number;
  total?: number;
  /** The first rejected records or values (at most MAX_REJECTS). */
  rejects: RejectView[];
}

export interface WorkResult {
  outcome: 'done' | 'cancelled';
  /** Counts and facts (ingest and xref summaries, result sizes); never statement values. */
  summary: Record<string, unknown> | null;
  rejects: RejectView[];
  /** The result file (graph, trace, report) and the highest marking inside it. */
  file?: string;
  marking?: string;
}

export interface JobError {
  code: string;
  message: string;
}

export const MAX_REJECTS = 100;
const MAX_TEXT = 500;

export function clipText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  return clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT)}...` : clean;
}

export function rejectView(r: Reject, scrub: (text: string) => string = (t) => t): RejectView {
  return {
    file: clipText(scrub(r.file)),
    ...(r.line === undefined ? {} : { line: r.line }),
    ...(r.record === undefined ? {} : { record: clipText(r.record) }),
    ...(r.field === undefined ? {} : { field: clipText(r.field) }),
    code: clipText(r.code),
    reason: clipText(scrub(r.reason)),
  };
}

/**
 * An error as BullMQ keeps it (its message becomes the job's `failedReason`): `CODE: message`. Typed errors keep
 * their code; anything else is INTERNAL with its message clipped (for operators, never shown by the API).
 */
export function encodeError(err: unknown, scrub: (text: string) => string = (t) => t): string {
  if (isNexusError(err)) return `${err.code}: ${clipText(scrub(err.message))}`;
  const e = err instanceof Error ? err : new Error(String(err));
  return `INTERNAL: ${clipText(scrub(e.message))}`;
}

/** The job's `failedReason` back as a typed error; BullMQ's own reasons (a job that stalled too often) too. */
export function decodeError(reason: string | undefined): JobError | null {
  if (!reason) return null;
  const m = /^([A-Z][A-Z0-9_]*): ([\s\S]*)$/.exec(reason);
  if (m) return { code: m[1] as string, message: m[2] as string };
  if (/stalled/i.test(reason)) return { code: 'JOB_STALLED', message: clipText(reason) };
  return { code: 'INTERNAL', message: clipText(reason) };
}
