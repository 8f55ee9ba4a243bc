// Background jobs of this server process: an in-process registry with per-user limits, progress events replayed to
// late subscribers, cancellation between batches, and the /api/jobs routes (list, one job, its events as server-sent
// events, cancel); `nexus serve --queue` serves the durable queue's jobs instead (src/serve/queue-jobs.ts). A job
// acts with its user's authority, re-checked when it starts (SECURITY.md R17): the work's `authorize` decides, and a
// refusal fails the job with a typed code.
import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import type { AccessContext } from '../access/index.js';
import type { IngestSummary, ProgressEvent, Reject } from '../ingest/index.js';
import { isNexusError } from '../model/index.js';
import { clipText, type JobError, type RejectView, rejectView } from '../work/job-data.js';
import type { AppEnv } from './app.js';
import { HttpError } from './errors.js';
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

export const DEFAULT_MAX_JOBS_PER_USER = 2;
export const DEFAULT_MAX_RUNNING_JOBS = 2;
export const DEFAULT_KEEP_FINISHED_JOBS = 1000;
export const DEFAULT_MAX_EVENTS_PER_JOB = 1000;
export const DEFAULT_HEARTBEAT_MS = 15_000;
export const DEFAULT_MAX_STREAMS_PER_USER = 10;
/** Jobs answered by GET /api/jobs, newest first. */
export const MAX_LISTED_JOBS = 100;
/** Rejected records kept on a job for the caller to see; the summary counts all of them. */
export const MAX_JOB_REJECTS = 100;

/**
 * A refusal with a typed code the client can act on: answered as `{status, detail, code}`. The detail is written
 * for the client and never holds a path, a stack or stored data.
 */
export class ApiError extends HttpError {
  readonly code: string;

  constructor(status: number, code: string, detail: string, headers: Record<string, string> = {}) {
    super(status, detail, headers);
    this.name = 'ApiError';
    this.code = code;
  }
}

/** Typed store and input codes a caller can cause, answered with their code; anything else goes to the app. */
const CALLER_CODES = new Map<string, number>([
  ['USAGE_INVALID', 400],
  ['MARKING_INVALID', 400],
  ['GRADING_INVALID', 400],
  ['FORMAT_UNKNOWN', 400],
  ['FORMAT_MISMATCH', 400],
  ['SOURCE_UNREADABLE', 400],
  ['ENCODING_INVALID', 400],
  ['LIMIT_REACHED', 429],
]);

/** The error handler of the upload and job routes: typed refusals keep their code, the rest go to the app's. */
export function answerCoded(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) {
    for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
    return c.json({ status: err.status, detail: err.message, code: err.code }, err.status as 400);
  }
  if (isNexusError(err)) {
    const status = CALLER_CODES.get(err.code);
    if (status !== undefined) return c.json({ status, detail: err.message, code: err.code }, status as 400);
  }
  throw err;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export type JobEventName = 'progress' | 'done' | 'failed' | 'cancelled';

export type { JobError, RejectView };

/** What was uploaded and how it is read. */
export interface IngestJobParams {
  file: string;
  bytes: number;
  /** The content type found by sniffing: json, xml, text, zip or gzip. */
  type: string;
  format: string;
  marking: string;
  grading: string | null;
}

/** A job as its owner sees it. */
export interface JobView {
  id: string;
  kind: 'ingest';
  user: string;
  dataset: string;
  state: JobState;
  cancel_requested: boolean;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  params: IngestJobParams;
  /** The latest ingest progress event (records, bytes, rates, ETA, rejects). */
  progress: ProgressEvent | null;
  summary: IngestSummary | null;
  /** The first rejected records or values (at most 100); `summary.rejected` and `invalidValues` count all. */
  rejects: RejectView[];
  error: JobError | null;
}

export interface JobEvent {
  /** Increasing within a job; sent as the SSE `id`, so `Last-Event-ID` resumes after it. */
  id: number;
  event: JobEventName;
  data: unknown;
}

export interface JobHooks {
  progress(e: ProgressEvent): void;
  reject(r: Reject): void;
}

/** The work of one job. */
export interface JobWork {
  /** Re-checks the requesting user's authority when the job starts; throws (an ApiError) to refuse. */
  authorize(): Promise<AccessContext>;
  /** Returns normally when cancelled through `signal` (work done so far is committed); throws to fail. */
  run(ctx: AccessContext, signal: AbortSignal, hooks: JobHooks): Promise<IngestSummary>;
  /** Removes what the job kept on disk; called once, whatever the outcome. */
  cleanup(): Promise<void>;
}

export interface JobSpec {
  kind: 'ingest';
  user: string;
  dataset: string;
  params: IngestJobParams;
  work: JobWork;
}

export interface JobRegistryOptions {
  /** Jobs a user may have uploading, queued or running at once; default 2. */
  maxPerUser?: number;
  /** Jobs running at once in this process, for all users; default 2. */
  maxRunning?: number;
  /** Finished jobs remembered (the oldest are forgotten first); default 1000. */
  keepFinished?: number;
  /** Events kept per job for late subscribers (the oldest progress events go first); default 1000. */
  maxEvents?: number;
  /** Event streams a user may hold open at once; default 10. */
  maxStreamsPerUser?: number;
  clock?: () => Date;
  newId?: () => string;
  /** Receives one object per job outcome, and the details of unexpected failures (never shown to the client). */
  log?: (line: object) => void;
}

/** A slot held for a job while its upload is received and checked. */
export interface Reservation {
  readonly user: string;
  release(): void;
}

interface Job {
  view: JobView;
  work: JobWork;
  controller: AbortController;
  events: JobEvent[];
  nextEvent: number;
  listeners: Set<(e: JobEvent) => void>;
}

const FINISHED: ReadonlySet<JobState> = new Set(['done', 'failed', 'cancelled']);
/** Codes whose messages are written for the client; others are replaced by a generic message. */
const SHOWN_CODES = new Set(SHOWN_JOB_CODES);
const HIDDEN_CODES = new Map(HIDDEN_JOB_CODES);

/** In-process jobs: queued in order, at most `maxRunning` at once, at most `maxPerUser` per user. */
export class JobRegistry {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private readonly reserved = new Map<string, number>();
  private readonly streams = new Map<string, number>();
  private readonly settled = new Set<Promise<void>>();
  private running = 0;
  private paused = false;
  private readonly maxPerUser: number;
  private readonly maxRunning: number;
  private readonly keepFinished: number;
  private readonly maxEvents: number;
  private readonly maxStreams: number;
  private readonly clock: () => Date;
  private readonly newId: () => string;
  private readonly log: (line: object) => void;

  constructor(options: JobRegistryOptions = {}) {
    this.maxPerUser = options.maxPerUser ?? DEFAULT_MAX_JOBS_PER_USER;
    this.maxRunning = options.maxRunning ?? DEFAULT_MAX_RUNNING_JOBS;
    this.keepFinished = options.keepFinished ?? DEFAULT_KEEP_FINISHED_JOBS;
    this.maxEvents = Math.max(2, options.maxEvents ?? DEFAULT_MAX_EVENTS_PER_JOB);
    this.maxStreams = options.maxStreamsPerUser ?? DEFAULT_MAX_STREAMS_PER_USER;
    this.clock = options.clock ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    this.log = options.log ?? (() => {});
  }

  /** Jobs of the user that are being uploaded, queued or running. */
  active(user: string): number {
    let n = this.reserved.get(user) ?? 0;
    for (const job of this.jobs.values()) {
      const v = job.view;
      // A queued job that was cancelled is as good as finished, while its files are being removed.
      if (v.user === user && !FINISHED.has(v.state) && !(v.state === 'queued' && v.cancel_requested)) n++;
    }
    return n;
  }

  /** Holds a slot for a job of the user, or refuses with 429 LIMIT_REACHED when the user has enough going. */
  reserve(user: string): Reservation {
    if (this.active(user) >= this.maxPerUser)
      throw new ApiError(
        429,
        'LIMIT_REACHED',
        `at most ${this.maxPerUser} jobs per user at once; wait for one to finish`,
        { 'Retry-After': '5' },
      );
    this.reserved.set(user, (this.reserved.get(user) ?? 0) + 1);
    let held = true;
    return {
      user,
      release: () => {
        if (!held) return;
        held = false;
        const n = (this.reserved.get(user) ?? 1) - 1;
        if (n > 0) this.reserved.set(user, n);
        else this.reserved.delete(user);
      },
    };
  }

  /** Queues a job in the reserved slot; it starts when a runner is free. */
  create(reservation: Reservation, spec: JobSpec): JobView {
    if (reservation.user !== spec.user) throw new Error('jobs.create: the reservation is for another user');
    const job: Job = {
      view: {
        id: this.newId(),
        kind: spec.kind,
        user: spec.user,
        dataset: spec.dataset,
        state: 'queued',
        cancel_requested: false,
        created_at: this.clock().toISOString(),
        started_at: null,
        finished_at: null,
        params: spec.params,
        progress: null,
        summary: null,
        rejects: [],
        error: null,
      },
      work: spec.work,
      controller: new AbortController(),
      events: [],
      nextEvent: 1,
      listeners: new Set(),
    };
    this.jobs.set(job.view.id, job);
    reservation.release();
    this.queue.push(job);
    // After the current request has answered, so the answer shows the job queued.
    setImmediate(() => this.pump());
    return this.snapshot(job);
  }

  /** The job when it belongs to the user; another user's job is as absent as one that never was. */
  get(id: string, user: string): JobView | undefined {
    const job = this.jobs.get(id);
    return job && job.view.user === user ? this.snapshot(job) : undefined;
  }

  /** The user's jobs, newest first (at most `limit`). */
  list(user: string, limit = MAX_LISTED_JOBS): JobView[] {
    return [...this.jobs.values()]
      .filter((j) => j.view.user === user)
      .reverse()
      .slice(0, limit)
      .map((j) => this.snapshot(j));
  }

  /**
   * Asks the job to stop: a queued job is cancelled at once, a running one stops after the batch it is on (batches
   * already committed stay; uploading the file again resumes nothing, but adds no duplicates). Finished jobs are
   * left as they are.
   */
  cancel(id: string, user: string): JobView | undefined {
    const job = this.jobs.get(id);
    if (!job || job.view.user !== user) return undefined;
    if (job.view.state === 'queued') {
      job.view.cancel_requested = true;
      job.controller.abort();
      const at = this.queue.indexOf(job);
      if (at >= 0) this.queue.splice(at, 1);
      this.track(this.finish(job, 'cancelled'));
    } else if (job.view.state === 'running') {
      job.view.cancel_requested = true;
      job.controller.abort();
    }
    return this.snapshot(job);
  }

  /**
   * Past events after `after` and every later one as it happens, until the job ends (the last event is `done`,
   * `failed` or `cancelled`). Undefined when the job is not the user's.
   */
  subscribe(
    id: string,
    user: string,
    after: number,
    listener: (e: JobEvent) => void,
  ): { replay: JobEvent[]; finished: boolean; unsubscribe: () => void } | undefined {
    const job = this.jobs.get(id);
    if (!job || job.view.user !== user) return undefined;
    const replay = job.events.filter((e) => e.id > after);
    const finished = FINISHED.has(job.view.state);
    if (!finished) job.listeners.add(listener);
    return { replay, finished, unsubscribe: () => job.listeners.delete(listener) };
  }

  /** Counts an open event stream of the user; refuses with 429 over the cap. Returns its release. */
  openStream(user: string): () => void {
    const n = this.streams.get(user) ?? 0;
    if (n >= this.maxStreams)
      throw new ApiError(429, 'LIMIT_REACHED', `at most ${this.maxStreams} open event streams per user`);
    this.streams.set(user, n + 1);
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      const left = (this.streams.get(user) ?? 1) - 1;
      if (left > 0) this.streams.set(user, left);
      else this.streams.delete(user);
    };
  }

  /** Stops starting queued jobs (running ones go on). */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  /** Cancels every job and waits for the running ones to stop. */
  async close(): Promise<void> {
    this.paused = true;
    for (const job of this.jobs.values()) this.cancel(job.view.id, job.view.user);
    while (this.settled.size > 0) await Promise.all([...this.settled]);
  }

  /** Resolves when no job is running or queued (for tests and shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.settled.size > 0) await Promise.all([...this.settled]);
      else if (this.queue.length > 0 && !this.paused) await new Promise((ok) => setImmediate(ok));
      else return;
    }
  }

  private track(p: Promise<void>): void {
    this.settled.add(p);
    void p.finally(() => this.settled.delete(p));
  }

  private snapshot(job: Job): JobView {
    const v = job.view;
    return {
      ...v,
      params: { ...v.params },
      progress: v.progress && { ...v.progress },
      summary: v.summary && { ...v.summary },
      rejects: v.rejects.map((r) => ({ ...r })),
      error: v.error && { ...v.error },
    };
  }

  private emit(job: Job, event: JobEventName, data: unknown): void {
    const e: JobEvent = { id: job.nextEvent++, event, data };
    // Keep the first event and the latest ones: a late subscriber sees how it began and where it is now.
    if (job.events.length >= this.maxEvents) job.events.splice(1, 1);
    job.events.push(e);
    for (const listener of [...job.listeners]) {
      try {
        listener(e);
      } catch {
        job.listeners.delete(listener);
      }
    }
  }

  private pump(): void {
    while (!this.paused && this.running < this.maxRunning) {
      const job = this.queue.shift();
      if (!job) return;
      if (job.view.state !== 'queued') continue;
      this.running++;
      this.track(
        this.execute(job).finally(() => {
          this.running--;
          this.pump();
        }),
      );
    }
  }

  private async execute(job: Job): Promise<void> {
    const v = job.view;
    v.state = 'running';
    v.started_at = this.clock().toISOString();
    const signal = job.controller.signal;
    try {
      // R17: the user's authority now, not when the file was uploaded.
      const ctx = await job.work.authorize();
      if (signal.aborted) return await this.finish(job, 'cancelled');
      const summary = await job.work.run(ctx, signal, {
        progress: (e) => {
          v.progress = e;
          this.emit(job, 'progress', e);
        },
        reject: (r) => {
          if (v.rejects.length >= MAX_JOB_REJECTS) return;
          v.rejects.push(rejectView(r));
        },
      });
      v.summary = summary;
      await this.finish(job, signal.aborted ? 'cancelled' : 'done');
    } catch (err) {
      v.error = this.describe(job, err);
      await this.finish(job, 'failed');
    }
  }

  /** A failure as the client may see it: a typed code and a message without paths, SQL or data. */
  private describe(job: Job, err: unknown): JobError {
    if (err instanceof ApiError) return { code: err.code, message: err.message };
    if (isNexusError(err)) {
      if (SHOWN_CODES.has(err.code)) return { code: err.code, message: clipText(err.message) };
      const hidden = HIDDEN_CODES.get(err.code);
      if (hidden !== undefined) return { code: err.code, message: hidden };
    }
    const e = err instanceof Error ? err : new Error(String(err));
    this.log({
      time: this.clock().toISOString(),
      level: 'error',
      job: job.view.id,
      error: e.name,
      message: clipText(e.message),
      stack: e.stack,
    });
    return { code: 'INTERNAL', message: 'internal error' };
  }

  private async finish(job: Job, state: 'done' | 'failed' | 'cancelled'): Promise<void> {
    const v = job.view;
    try {
      await job.work.cleanup();
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      this.log({
        time: this.clock().toISOString(),
        level: 'error',
        job: v.id,
        error: e.name,
        stack: e.stack,
      });
    }
    v.state = state;
    v.finished_at = this.clock().toISOString();
    this.log({
      time: v.finished_at,
      event: 'job',
      job: v.id,
      kind: v.kind,
      user: v.user,
      dataset: v.dataset,
      state,
      ...(v.error ? { code: v.error.code } : {}),
    });
    this.emit(job, state, this.snapshot(job));
    job.listeners.clear();
    this.forgetOld();
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((j) => FINISHED.has(j.view.state));
    for (const job of finished.slice(0, Math.max(0, finished.length - this.keepFinished)))
      this.jobs.delete(job.view.id);
  }
}

// ---- routes -----------------------------------------------------------------------------------------------------

export interface JobRoutesDeps {
  contextFor(req: Request, requestId: string): AccessContext;
  /** How often a comment line keeps an idle event stream open; default 15 s. */
  heartbeatMs?: number;
}

/** GET /jobs, GET /jobs/{id}, GET /jobs/{id}/events (SSE), POST /jobs/{id}/cancel: the caller's own jobs only. */
export function jobRoutes(registry: JobRegistry, deps: JobRoutesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(answerCoded);
  const userOf = (c: Context<AppEnv>) => deps.contextFor(c.req.raw, c.get('requestId')).user;
  const idOf = jobIdOf;
  const heartbeatMs = deps.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;

  app.get('/jobs', (c) => c.json({ jobs: registry.list(userOf(c)) }));

  app.get('/jobs/:id', (c) => {
    const job = registry.get(idOf(c), userOf(c));
    if (!job) throw jobNotFound();
    return c.json(job);
  });

  app.get('/jobs/:id/events', (c) => {
    const user = userOf(c);
    const id = idOf(c);
    if (!registry.get(id, user)) throw jobNotFound();
    const after = lastEventId(c);
    const release = registry.openStream(user);
    let stop = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        let closed = false;
        let timer: NodeJS.Timeout | undefined;
        let unsubscribe = () => {};
        stop = () => {
          if (closed) return;
          closed = true;
          if (timer) clearInterval(timer);
          unsubscribe();
          release();
        };
        const end = () => {
          if (closed) return;
          stop();
          controller.close();
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
        const send = (e: JobEvent) => {
          write(sseFrame(e));
          if (e.event !== 'progress') end();
        };
        write(sseRetry());
        const sub = registry.subscribe(id, user, after, send);
        if (!sub) return end();
        unsubscribe = sub.unsubscribe;
        for (const e of sub.replay) send(e);
        if (sub.finished) return end();
        timer = setInterval(() => write(sseHeartbeat()), heartbeatMs);
        timer.unref();
      },
      cancel() {
        // The client went away.
        stop();
      },
    });
    return sseResponse(body);
  });

  app.post('/jobs/:id/cancel', (c) => {
    const job = registry.cancel(idOf(c), userOf(c));
    if (!job) throw jobNotFound();
    return c.json(job, 202);
  });

  app.all('/jobs/:id/cancel', cancelMethodNotAllowed);

  return app;
}
