// A job as `nexus jobs` and the API show it, read from BullMQ's record of it: state, attempts, progress, result.
import type { Job } from 'bullmq';
import { decodeError, type JobData, type JobError, type WorkProgress, type WorkResult } from './job-data.js';
import type { JobKind } from './job-kinds.js';

export type WorkState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface WorkJobView {
  id: string;
  kind: JobKind;
  user: string;
  state: WorkState;
  cancel_requested: boolean;
  created_at: string;
  /** When the latest attempt started. */
  started_at: string | null;
  finished_at: string | null;
  /** Attempts started so far (a job released by a stopping worker, or taken over from a dead one, counts again). */
  attempts: number;
  max_attempts: number;
  params: unknown;
  /** For API uploads: the file as uploaded (name, bytes, type, format, marking, grading). */
  upload: {
    file: string;
    bytes: number;
    type: string;
    format: string;
    marking: string;
    grading: string | null;
  } | null;
  progress: WorkProgress | null;
  result: WorkResult | null;
  /** The final error, or while a retry waits, the error of the last attempt. */
  error: JobError | null;
}

export type AnyJob = Job<JobData, WorkResult, string>;

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);

function isProgress(p: unknown): p is WorkProgress {
  return typeof p === 'object' && p !== null && typeof (p as WorkProgress).seq === 'number';
}

/** The view of a job whose BullMQ state is known; undefined for a state that means it is gone. */
export function viewOf(job: AnyJob, state: string, cancelRequested: boolean): WorkJobView | undefined {
  const result = (job.returnvalue ?? null) as WorkResult | null;
  let shown: WorkState;
  if (state === 'completed') shown = result?.outcome === 'cancelled' ? 'cancelled' : 'done';
  else if (state === 'failed') shown = 'failed';
  else if (state === 'active') shown = 'running';
  else if (state === 'unknown') return undefined;
  else shown = 'queued';
  const data = job.data;
  // The upload's folder is the workers' business, not the viewer's.
  let upload: WorkJobView['upload'] = null;
  if (data.upload) {
    const { dir: _dir, ...shown } = data.upload;
    upload = shown;
  }
  return {
    id: String(job.id),
    kind: data.kind,
    user: data.requester.user,
    state: shown,
    cancel_requested: cancelRequested,
    created_at: iso(job.timestamp) ?? data.submitted_at,
    started_at: iso(job.processedOn),
    finished_at: shown === 'done' || shown === 'failed' || shown === 'cancelled' ? iso(job.finishedOn) : null,
    attempts: job.attemptsStarted,
    max_attempts: job.opts.attempts ?? 1,
    params: data.params,
    upload,
    progress: isProgress(job.progress) ? job.progress : null,
    result: shown === 'done' || shown === 'cancelled' ? result : null,
    error: shown === 'done' || shown === 'cancelled' ? null : decodeError(job.failedReason),
  };
}
