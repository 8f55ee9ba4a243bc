// The consumer side of the durable queue: a BullMQ worker that runs Nexus jobs as the users who submitted them,
// publishes their progress, stops them at a batch boundary when cancelled, retries retryable failures with
// exponential backoff, and, when told to stop, releases its running jobs for another worker to resume.
//
// Exactly once: BullMQ gives a job to one worker at a time under a lock the worker keeps renewing. When a worker
// dies its lock lapses, the stall check puts the job back, and another worker runs it again from the start; every
// kind of job is idempotent (ingest resumes after its last committed batch), so the store ends as if it had run
// once, and BullMQ records one completion, since only the lock holder may complete a job.
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { canSee } from '../access/index.js';
import type { AuditCategory } from '../audit/index.js';
import { isNexusError, NexusError, parseMarking } from '../model/index.js';
import type { Store } from '../store/index.js';
import { KEY_PREFIX, type QueueConfig, redactUrl } from './config.js';
import { connect, durabilityWarnings } from './connection.js';
import { encodeError, JobData, type UploadInfo, type WorkProgress, type WorkResult } from './job-data.js';
import { checkParams, type JobKind } from './job-kinds.js';
import type { AnyJob } from './job-view.js';
import { ProgressPublisher } from './progress-publisher.js';
import { JobQueue } from './queue.js';
import { authorityOf } from './requester.js';
import { RUNNERS, type Runner, type Runners } from './runners.js';
import { checkSources, sourceRoots } from './sources.js';

/** DPA 2018 s.62: what each kind of job does to personal data, recorded when it starts. */
const CATEGORY: Record<JobKind, AuditCategory> = {
  ingest: 'collection',
  xref: 'combination',
  graph: 'combination',
  trace: 'combination',
  report: 'disclosure',
};

/** Failures that another attempt cannot mend: the job fails at once instead of retrying. */
const PERMANENT = new Set([
  'USAGE_INVALID',
  'FORMAT_UNKNOWN',
  'FORMAT_MISMATCH',
  'SOURCE_UNREADABLE',
  'ENCODING_INVALID',
  'MAPPING_INVALID',
  'COLUMN_MISSING',
  'MARKING_INVALID',
  'GRADING_INVALID',
  'ACCESS_CONTEXT_INVALID',
  'JOB_AUTHORITY_CHANGED',
  'HANDLING_CONDITIONS_REQUIRED',
  'EXPORT_CEILING_INVALID',
  'ENTITY_NOT_FOUND',
  'FORBIDDEN',
]);

type Base = { job: string; kind: JobKind; user: string };
export type WorkerEvent =
  | { event: 'ready'; worker: string; queue: string; redis: string; concurrency: number; warnings: string[] }
  | (Base & { event: 'started'; attempt: number; max_attempts: number })
  | (Base & { event: 'progress'; progress: WorkProgress })
  | (Base & { event: 'done' | 'cancelled'; result: WorkResult })
  | (Base & { event: 'released' })
  | (Base & { event: 'failed'; code: string; message: string; final: boolean; retry_in_ms: number | null })
  | { event: 'stopping' | 'stopped'; reason: string }
  | { event: 'error'; message: string };

export interface WorkerDeps {
  store: Store;
  /** The Nexus home: reject reports and result files go beneath it. */
  home: string;
  onEvent: (e: WorkerEvent & { time: string }) => void;
  /** In place of the real work of some kinds (tests). */
  runners?: Partial<Runners>;
  clock?: () => Date;
  /** Folders ingest jobs may read (with HOME/uploads); any path when absent. See sources.ts. */
  sources?: readonly string[];
}

export interface WorkerOptions {
  /** Jobs run at once by this process (default 1). */
  concurrency?: number;
  /** Stop once the queue has nothing waiting, delayed or running (batch runs, tests). */
  drain?: boolean;
  /** Shown on jobs and in events; default host:pid. */
  name?: string;
}

/** Removes `dir` and the job folder's path from a message, leaving file names. */
function scrubberFor(upload: UploadInfo | undefined): (text: string) => string {
  if (!upload) return (t) => t;
  const files = `${upload.dir}${sep}files${sep}`;
  return (t) => t.split(files).join('').split(upload.dir).join('upload');
}

export class JobWorker {
  private readonly running = new Map<string, AbortController>();
  private stopping: Promise<void> | undefined;
  private drainTimer: NodeJS.Timeout | undefined;
  private lastError = '';
  private readonly worker: Worker<JobData, WorkResult, string>;
  /** Ours to close: BullMQ leaves a connection it was given open. */
  private readonly redis: ReturnType<typeof connect>;
  private readonly clock: () => Date;
  private settle: () => void = () => {};
  private readonly roots: string[] | undefined;
  /** Upload removals under way, awaited before the worker says it has stopped. */
  private readonly pending = new Set<Promise<unknown>>();
  /** Resolves once the worker has stopped (by `stop`, or by itself in drain mode). */
  readonly stopped: Promise<void>;

  private constructor(
    readonly config: QueueConfig,
    private readonly deps: WorkerDeps,
    private readonly queue: JobQueue,
    readonly name: string,
    concurrency: number,
  ) {
    this.clock = deps.clock ?? (() => new Date());
    this.redis = connect(config, 'worker');
    this.roots = sourceRoots(deps.home, deps.sources);
    this.stopped = new Promise((ok) => {
      this.settle = ok;
    });
    this.worker = new Worker<JobData, WorkResult, string>(
      config.name,
      (job, token) => this.process(job as AnyJob, token),
      {
        connection: this.redis,
        prefix: KEY_PREFIX,
        concurrency,
        name,
        autorun: false,
        lockDuration: config.lockDurationMs,
        stalledInterval: config.stalledIntervalMs,
        maxStalledCount: config.maxStalledCount,
      },
    );
    // Only the lock holder's completion is recorded; a worker that lost its claim (a long pause) and finished anyway
    // is refused, so these events, not the processor's return, say that a job ended: once per job.
    this.worker.on('completed', (job, result) => {
      const data = JobData.safeParse(job.data);
      if (!data.success) return;
      const d = data.data as JobData;
      this.emit({ job: String(job.id), kind: d.kind, user: d.requester.user, event: result.outcome, result });
      this.track(this.cleanup(d));
    });
    this.worker.on('failed', (job) => {
      const data = job && JobData.safeParse(job.data);
      if (!job || !data?.success) return;
      // A failure that will be retried keeps its upload; a final one (state `failed`) does not.
      this.track(
        job.getState().then((state) => (state === 'failed' ? this.cleanup(data.data as JobData) : undefined)),
      );
    });
    this.worker.on('error', (err) => {
      // Redis going away is reported once per distinct message, not on every reconnect attempt.
      const message = err.message.slice(0, 200);
      if (message === this.lastError) return;
      this.lastError = message;
      this.emit({ event: 'error', message });
    });
  }

  /** Connects (QUEUE_UNAVAILABLE when Redis does not answer) and starts taking jobs. */
  static async start(config: QueueConfig, deps: WorkerDeps, options: WorkerOptions = {}): Promise<JobWorker> {
    const concurrency = options.concurrency ?? 1;
    if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64))
      throw new NexusError('USAGE_INVALID', 'worker: concurrency is a whole number from 1 to 64');
    const queue = await JobQueue.open(config);
    const name = options.name ?? `${hostname()}:${process.pid}`;
    const w = new JobWorker(config, deps, queue, name, concurrency);
    const warnings = await durabilityWarnings(queue.redis);
    await w.worker.waitUntilReady();
    w.emit({
      event: 'ready',
      worker: name,
      queue: config.name,
      redis: redactUrl(config.url),
      concurrency,
      warnings,
    });
    void w.worker.run().catch((err: unknown) => {
      w.emit({ event: 'error', message: err instanceof Error ? err.message.slice(0, 200) : String(err) });
      void w.stop('the worker loop ended');
    });
    if (options.drain) w.watchDrain();
    return w;
  }

  /**
   * Stops taking jobs; running ingest jobs stop at their next batch boundary and go back to the queue, where
   * another worker resumes them from their checkpoint. Other kinds finish first. `force` stops at once: the running
   * jobs' claims then lapse and the stall check hands them to another worker.
   */
  stop(reason: string, force = false): Promise<void> {
    // Once stopping, a later call (forced or not) waits for the same end: BullMQ closes a worker once.
    if (this.stopping) return this.stopping;
    if (this.drainTimer) clearInterval(this.drainTimer);
    this.emit({ event: 'stopping', reason });
    for (const controller of this.running.values()) controller.abort('release');
    const closing = (async () => {
      await this.worker.close(force);
      while (this.pending.size > 0) await Promise.all([...this.pending]);
      await this.queue.close();
      this.redis.disconnect();
      this.emit({ event: 'stopped', reason });
      this.settle();
    })();
    this.stopping = closing;
    return closing;
  }

  private watchDrain(): void {
    let busy = false;
    this.drainTimer = setInterval(() => {
      if (busy || this.running.size > 0) return;
      busy = true;
      void this.queue
        .counts()
        .then((c) => {
          const left = (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0) + (c.active ?? 0);
          if (left === 0 && this.running.size === 0) void this.stop('the queue is drained');
        })
        .catch(() => {})
        .finally(() => {
          busy = false;
        });
    }, 250);
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch((err: unknown) =>
      this.emit({ event: 'error', message: err instanceof Error ? err.message.slice(0, 200) : String(err) }),
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  private emit(e: WorkerEvent): void {
    this.deps.onEvent({ time: this.clock().toISOString(), ...e });
  }

  private async process(job: AnyJob, token: string | undefined): Promise<WorkResult> {
    const id = String(job.id);
    const parsed = JobData.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError('USAGE_INVALID: jobs: the job data is not a Nexus job of this version');
    const data = parsed.data as JobData;
    const scrub = scrubberFor(data.upload);
    const base: Base = { job: id, kind: data.kind, user: data.requester.user };
    if (await this.queue.cancelRequested(id)) {
      // Cancelled while it waited: ends without doing anything.
      return { outcome: 'cancelled', summary: null, rejects: [] };
    }
    const controller = new AbortController();
    this.running.set(id, controller);
    if (this.stopping) controller.abort('release');
    const poll = setInterval(() => {
      void this.queue
        .cancelRequested(id)
        .then((yes) => {
          if (yes && !controller.signal.aborted) controller.abort('cancel');
        })
        .catch(() => {});
    }, this.config.cancelPollMs);
    try {
      this.emit({
        ...base,
        event: 'started',
        attempt: job.attemptsStarted,
        max_attempts: job.opts.attempts ?? 1,
      });
      // R17: the submitter's authority as it is now, not as it was when the job was queued.
      const ctx = await authorityOf(this.deps.store, data.requester);
      if (data.upload && !canSee(ctx, parseMarking(data.upload.marking)))
        throw new NexusError(
          'JOB_AUTHORITY_CHANGED',
          'jobs: the user no longer holds the clearance for this marking',
        );
      const params = checkParams(data.kind, data.params);
      if (data.kind === 'ingest') {
        const p = params as { paths: string[]; mapping?: string };
        checkSources(this.roots, [...p.paths, ...(p.mapping === undefined ? [] : [p.mapping])]);
      }
      // R12: the job's record goes in before it touches anything; if it cannot be written the job does not run.
      await this.deps.store.audit(ctx, [
        {
          action: `job.${data.kind}`,
          category: CATEGORY[data.kind],
          objects: [id],
          detail: { attempt: job.attemptsStarted, queue: this.config.name, worker: this.name },
        },
      ]);
      const previous = (typeof job.progress === 'object' ? job.progress : null) as WorkProgress | null;
      const publisher = new ProgressPublisher(
        (p) => job.updateProgress(p),
        previous,
        scrub,
        (progress) => this.emit({ ...base, event: 'progress', progress }),
      );
      const runner = (this.deps.runners?.[data.kind] ?? RUNNERS[data.kind]) as Runner<typeof data.kind>;
      const outcome = await runner(ctx, params as never, {
        store: this.deps.store,
        home: this.deps.home,
        jobId: id,
        signal: controller.signal,
        hooks: { progress: (p) => publisher.update(p), reject: (r) => publisher.reject(r) },
      });
      await publisher.flush();
      const why = controller.signal.aborted ? controller.signal.reason : undefined;
      if (outcome.stopped && why === 'release' && token !== undefined) {
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const result: WorkResult = {
        outcome: outcome.stopped && why === 'cancel' ? 'cancelled' : 'done',
        summary: outcome.summary,
        rejects: publisher.rejects,
        ...(outcome.file === undefined ? {} : { file: outcome.file }),
        ...(outcome.marking === undefined ? {} : { marking: outcome.marking }),
      };
      // Reported (and the upload removed) once BullMQ has recorded the completion: see the 'completed' handler.
      return result;
    } catch (err) {
      if (err instanceof WaitingError) {
        this.emit({ ...base, event: 'released' });
        throw err;
      }
      throw this.failure(job, base, err, scrub);
    } finally {
      clearInterval(poll);
      this.running.delete(id);
    }
  }

  /** The error to hand BullMQ: unrecoverable for permanent codes, retryable otherwise; reported either way. */
  private failure(job: AnyJob, base: Base, err: unknown, scrub: (text: string) => string): Error {
    const reason = encodeError(err, scrub);
    const permanent = isNexusError(err) && PERMANENT.has(err.code);
    const maxAttempts = job.opts.attempts ?? 1;
    const final = permanent || job.attemptsMade + 1 >= maxAttempts;
    const at = reason.indexOf(': ');
    this.emit({
      ...base,
      event: 'failed',
      code: reason.slice(0, at),
      message: reason.slice(at + 2),
      final,
      // BullMQ's exponential backoff: the base delay, doubled for each attempt already failed.
      retry_in_ms: final ? null : this.backoffOf(job) * 2 ** job.attemptsMade,
    });
    return permanent ? new UnrecoverableError(reason) : new Error(reason);
  }

  private backoffOf(job: AnyJob): number {
    const b = job.opts.backoff;
    return typeof b === 'number' ? b : (b?.delay ?? 0);
  }

  /**
   * An upload's folder goes once its job has ended for good, whatever the outcome. Only a job folder inside this
   * home's upload folder is ever removed, whatever the job data in Redis says.
   */
  private async cleanup(data: JobData): Promise<void> {
    if (!data.upload) return;
    const dir = resolve(data.upload.dir);
    if (
      dirname(dir) !== join(resolve(this.deps.home), 'uploads') ||
      !/^job-[A-Za-z0-9]+$/.test(basename(dir))
    )
      return;
    await rm(dir, { recursive: true, force: true });
  }
}
