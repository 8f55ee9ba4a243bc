// Upload jobs on the durable queue (`nexus serve --queue`): the upload is enqueued for `nexus worker` processes and
// the /api/jobs routes read the queue, so API processes keep no job state and several can serve behind a proxy.
// The routes answer in the same JobView shape as the in-process registry (src/serve/jobs.ts), for the caller's own
// upload jobs only; event streams poll the queue and send the latest progress, then the final state.
import { type Context, Hono } from 'hono';
import type { AccessContext } from '../access/index.js';
import type { IngestSummary } from '../ingest/index.js';
import type { JobQueue, JobError as WorkError, WorkJobView } from '../work/index.js';
import type { AppEnv } from './app.js';
import type { Authenticated } from './auth.js';
import {
  cancelMethodNotAllowed,
  HIDDEN_JOB_CODES,
  jobIdOf,
  jobNotFound,
  lastEventId,
  SHOWN_JOB_CODES,
  sseFrame,
  sseHeartbeat,
  sseResponse,
  sseRetry,
} from './job-sse.js';
import {
  ApiError,
  answerCoded,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_MAX_JOBS_PER_USER,
  type JobError,
  type JobRegistry,
  type JobView,
  MAX_LISTED_JOBS,
  type Reservation,
} from './jobs.js';

/** How often an event stream asks the queue about its job. */
export const DEFAULT_POLL_MS = 500;

/** Codes whose messages are written for the client; the rest are shown by a fixed text (SECURITY.md R18). */
const SHOWN_CODES = new Set([...SHOWN_JOB_CODES, 'JOB_AUTHORITY_CHANGED']);
const FIXED_TEXT = new Map([
  ...HIDDEN_JOB_CODES,
  ['JOB_STALLED', 'the job was interrupted too often and gave up'],
]);

function clientError(e: WorkError | null): JobError | null {
  if (!e) return null;
  if (SHOWN_CODES.has(e.code)) return e;
  const text = FIXED_TEXT.get(e.code);
  return text === undefined
    ? { code: 'INTERNAL', message: 'internal error' }
    : { code: e.code, message: text };
}

/** The ingest summary as the API shows it: counts only (the worker's reject report path stays with the worker). */
function summaryOf(s: Record<string, unknown> | null | undefined): IngestSummary | null {
  if (!s) return null;
  const n = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : 0);
  return {
    dataset: String(s.dataset ?? ''),
    format: String(s.format ?? ''),
    accepted: n('accepted'),
    rejected: n('rejected'),
    duplicates: n('duplicates'),
    entities: n('entities'),
    statements: n('statements'),
    invalidValues: n('invalidValues'),
    resumedFrom: n('resumedFrom'),
    elapsedMs: n('elapsedMs'),
  };
}

/** A queued upload job in the registry's JobView shape; undefined for jobs that are not uploads (CLI jobs). */
export function jobViewOf(w: WorkJobView): JobView | undefined {
  if (w.kind !== 'ingest' || !w.upload) return undefined;
  const params = w.params as { dataset?: unknown };
  return {
    id: w.id,
    kind: 'ingest',
    user: w.user,
    dataset: String(params.dataset ?? ''),
    state: w.state,
    cancel_requested: w.cancel_requested,
    created_at: w.created_at,
    started_at: w.started_at,
    finished_at: w.finished_at,
    params: { ...w.upload },
    progress: w.progress?.ingest ?? null,
    summary: summaryOf(w.result?.summary),
    rejects: w.result?.rejects ?? w.progress?.rejects ?? [],
    error: w.state === 'failed' ? clientError(w.error) : null,
  };
}

/** What an upload hands the queue once its files are checked and unpacked in `dir`. */
export interface QueuedUpload {
  ctx: AccessContext;
  /** The signed-in user, whose account the worker checks again when the job runs (R17). */
  authenticated: Authenticated | undefined;
  dataset: string;
  /** A new title for the dataset, when the uploader gave one; an existing dataset otherwise keeps its own. */
  title?: string;
  format: string;
  paths: string[];
  /** The name each file goes by in origins (IngestRequest.originNames), never its path in the upload folder. */
  originNames: ReadonlyMap<string, string>;
  marking: string;
  grading: string | null;
  batchSize: number;
  file: string;
  bytes: number;
  type: string;
  dir: string;
}

/**
 * Holds a slot for an upload of `user`: this process's uploads in flight (the registry's count) plus the user's
 * queued and running jobs across every API process (the queue's), at most `max`; else 429 LIMIT_REACHED. Two
 * processes checking at the same instant may both pass: the cap is a guard against floods, not an exact count.
 */
export async function reserveQueued(
  queue: JobQueue,
  registry: JobRegistry,
  user: string,
  max = DEFAULT_MAX_JOBS_PER_USER,
): Promise<Reservation> {
  const reservation = registry.reserve(user);
  try {
    if ((await queue.activeCount(user)) + registry.active(user) > max)
      throw new ApiError(
        429,
        'LIMIT_REACHED',
        `at most ${max} jobs per user at once; wait for one to finish`,
        {
          'Retry-After': '5',
        },
      );
    return reservation;
  } catch (err) {
    reservation.release();
    throw err;
  }
}

/** Enqueues a checked upload; the worker reads its files and removes `dir` when the job ends. */
export async function submitUpload(queue: JobQueue, u: QueuedUpload): Promise<JobView> {
  const user = u.authenticated?.user;
  const job = await queue.submit(
    u.ctx,
    'ingest',
    {
      dataset: u.dataset,
      paths: u.paths,
      origins: [...u.originNames],
      format: u.format,
      marking: u.marking,
      ...(u.grading === null ? {} : { grading: u.grading }),
      ...(u.title === undefined ? {} : { title: u.title }),
      batchSize: u.batchSize,
    },
    {
      ...(user ? { account: { name: user.name, version: user.version } } : {}),
      upload: {
        file: u.file,
        bytes: u.bytes,
        type: u.type,
        format: u.format,
        marking: u.marking,
        grading: u.grading,
        dir: u.dir,
      },
    },
  );
  const view = jobViewOf(job);
  if (!view) throw new Error('queue-jobs: an upload job came back without its upload');
  return view;
}

export interface QueueJobRoutesDeps {
  contextFor(req: Request, requestId: string): AccessContext;
  heartbeatMs?: number;
  pollMs?: number;
}

/** GET /jobs, GET /jobs/{id}, GET /jobs/{id}/events (SSE), POST /jobs/{id}/cancel, read from the queue. */
export function queueJobRoutes(
  queue: JobQueue,
  registry: JobRegistry,
  deps: QueueJobRoutesDeps,
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(answerCoded);
  const userOf = (c: Context<AppEnv>) => deps.contextFor(c.req.raw, c.get('requestId')).user;
  const idOf = jobIdOf;
  const viewFor = async (id: string, user: string) => {
    const w = await queue.get(id, user);
    return w && jobViewOf(w);
  };
  const heartbeatMs = deps.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const pollMs = deps.pollMs ?? DEFAULT_POLL_MS;

  app.get('/jobs', async (c) => {
    const jobs = await queue.list({ user: userOf(c), limit: MAX_LISTED_JOBS });
    return c.json({ jobs: jobs.map(jobViewOf).filter((j): j is JobView => j !== undefined) });
  });

  app.get('/jobs/:id', async (c) => {
    const job = await viewFor(idOf(c), userOf(c));
    if (!job) throw jobNotFound();
    return c.json(job);
  });

  app.get('/jobs/:id/events', async (c) => {
    const user = userOf(c);
    const id = idOf(c);
    if (!(await viewFor(id, user))) throw jobNotFound();
    let after = lastEventId(c);
    const release = registry.openStream(user);
    let stop = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        let closed = false;
        const timers: NodeJS.Timeout[] = [];
        stop = () => {
          if (closed) return;
          closed = true;
          for (const t of timers) clearInterval(t);
          release();
        };
        const write = (bytes: Uint8Array) => {
          if (closed) return;
          try {
            controller.enqueue(bytes);
          } catch {
            // The stream was torn down under us: stop writing to it.
            stop();
          }
        };
        const end = () => {
          if (closed) return;
          stop();
          controller.close();
        };
        let busy = false;
        // The progress's sequence number is the event id, so Last-Event-ID resumes across API processes; the final
        // event comes one after the last progress.
        const poll = async () => {
          if (busy || closed) return;
          busy = true;
          try {
            const w = await queue.get(id, user);
            const job = w && jobViewOf(w);
            if (!w || !job) return end();
            const seq = w.progress?.seq ?? 0;
            if (job.progress && seq > after) {
              write(sseFrame({ id: seq, event: 'progress', data: job.progress }));
              after = seq;
            }
            if (job.state === 'done' || job.state === 'failed' || job.state === 'cancelled') {
              write(sseFrame({ id: seq + 1, event: job.state, data: job }));
              end();
            }
          } catch {
            // Redis went away: the client reconnects (retry: 3000) and resumes after the last id it saw.
            end();
          } finally {
            busy = false;
          }
        };
        write(sseRetry());
        void poll();
        timers.push(setInterval(() => void poll(), pollMs));
        timers.push(setInterval(() => write(sseHeartbeat()), heartbeatMs));
        for (const t of timers) t.unref();
      },
      cancel() {
        stop();
      },
    });
    return sseResponse(body);
  });

  app.post('/jobs/:id/cancel', async (c) => {
    const user = userOf(c);
    const id = idOf(c);
    // Only upload jobs exist here; the user's command-line jobs are cancelled with `nexus jobs cancel`.
    if (!(await viewFor(id, user))) throw jobNotFound();
    const w = await queue.cancel(id, user);
    const job = w && jobViewOf(w);
    if (!job) throw jobNotFound();
    return c.json(job, 202);
  });

  app.all('/jobs/:id/cancel', cancelMethodNotAllowed);

  return app;
}
