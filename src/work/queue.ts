// The producer side of the durable queue: submit a job, find it, list a user's jobs, ask it to stop. Holds no
// state of its own beyond Redis, so any number of CLI and API processes can use one queue at once.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AccessContext } from '../access/index.js';
import { NexusError } from '../model/index.js';
import { KEY_PREFIX, type QueueConfig } from './config.js';
import { checkReachable, connect } from './connection.js';
import type { JobData, UploadInfo, WorkResult } from './job-data.js';
import { checkParams, type JobKind } from './job-kinds.js';
import { type AnyJob, viewOf, type WorkJobView } from './job-view.js';
import { type Requester, requesterOf } from './requester.js';

/** Job ids in each user's index, newest kept; older jobs stay in the queue until removed by age. */
const USER_INDEX_KEEP = 1000;
/** A cancel request outlives any job that could still see it. */
const CANCEL_TTL_SECONDS = 30 * 24 * 3600;
const JOB_ID = /^[A-Za-z0-9-]{1,64}$/;

export interface SubmitOptions {
  /** An API user's account, re-checked when the job runs (R17). */
  account?: { name: string; version: number };
  /** For API uploads: the file's facts and its folder. */
  upload?: UploadInfo;
  attempts?: number;
  backoffMs?: number;
  /** The job's id; a fresh UUID by default. */
  id?: string;
}

export interface ListOptions {
  /** Only this user's jobs (from the user's index); every user's when absent. */
  user?: string;
  limit?: number;
}

/** Redis keys of Nexus's own beside BullMQ's, under the same `nexus:<queue>:` prefix. */
export function queueKeys(name: string) {
  const base = `${KEY_PREFIX}:${name}`;
  return {
    base,
    byUser: (user: string) => `${base}:by-user:${encodeURIComponent(user)}`,
    cancel: (id: string) => `${base}:cancel:${id}`,
  };
}

export class JobQueue {
  readonly queue: Queue<JobData, WorkResult, string>;
  private readonly keys: ReturnType<typeof queueKeys>;

  private constructor(
    readonly config: QueueConfig,
    readonly redis: Redis,
  ) {
    this.queue = new Queue<JobData, WorkResult, string>(config.name, {
      connection: redis,
      prefix: KEY_PREFIX,
    });
    // Failures surface as rejected calls; the listener keeps them from being printed twice.
    this.queue.on('error', () => {});
    this.keys = queueKeys(config.name);
  }

  /** Connects after checking Redis answers (QUEUE_UNAVAILABLE when it does not). */
  static async open(config: QueueConfig): Promise<JobQueue> {
    await checkReachable(config);
    const redis = connect(config, 'client');
    redis.on('error', () => {});
    return new JobQueue(config, redis);
  }

  /** Queues a job of `kind` acting for `ctx`; parameters are checked here and again by the worker. */
  async submit(
    ctx: AccessContext,
    kind: JobKind,
    params: unknown,
    options: SubmitOptions = {},
  ): Promise<WorkJobView> {
    const requester: Requester = requesterOf(ctx, options.account);
    const id = options.id ?? randomUUID();
    if (!JOB_ID.test(id))
      throw new NexusError('USAGE_INVALID', 'jobs.submit: a job id is 1-64 letters, digits or -');
    const data: JobData = {
      v: 1,
      kind,
      params: checkParams(kind, params),
      requester,
      submitted_at: new Date().toISOString(),
      ...(options.upload ? { upload: options.upload } : {}),
    };
    const keep = { count: this.config.keepFinished, age: this.config.keepFinishedSeconds };
    const job = await this.queue.add(kind, data, {
      jobId: id,
      attempts: options.attempts ?? this.config.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs ?? this.config.backoffMs },
      removeOnComplete: keep,
      removeOnFail: keep,
    });
    const index = this.keys.byUser(requester.user);
    await this.redis
      .multi()
      .zadd(index, Date.now(), id)
      .zremrangebyrank(index, 0, -USER_INDEX_KEEP - 1)
      .exec();
    return (await this.view(job as AnyJob)) ?? this.missing(id);
  }

  /** The job, when it exists and (given `user`) belongs to that user: another user's job is as absent as none. */
  async get(id: string, user?: string): Promise<WorkJobView | undefined> {
    const job = await this.find(id, user);
    return job ? this.view(job) : undefined;
  }

  /** Jobs newest first: one user's from their index, or every user's from the queue's own lists. */
  async list(options: ListOptions = {}): Promise<WorkJobView[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 100, 1000));
    let jobs: AnyJob[];
    if (options.user !== undefined) {
      const ids = await this.redis.zrevrange(this.keys.byUser(options.user), 0, limit - 1);
      const found = await Promise.all(ids.map((id) => this.find(id, options.user)));
      jobs = found.filter((j): j is AnyJob => j !== undefined);
    } else {
      const all = (await this.queue.getJobs(
        ['active', 'waiting', 'prioritized', 'delayed', 'completed', 'failed'],
        0,
        limit - 1,
      )) as AnyJob[];
      jobs = all.sort((a, b) => b.timestamp - a.timestamp).slice(0, limit);
    }
    const views = await Promise.all(jobs.map((j) => this.view(j)));
    return views.filter((v): v is WorkJobView => v !== undefined);
  }

  /** Of the user's recent jobs, how many are queued or running (for a per-user cap). */
  async activeCount(user: string): Promise<number> {
    const jobs = await this.list({ user, limit: 200 });
    return jobs.filter((j) => (j.state === 'queued' && !j.cancel_requested) || j.state === 'running').length;
  }

  /**
   * Asks a job to stop. A running job stops at its next batch boundary (what it committed stays); a queued one is
   * taken at once by the next free worker and finished as cancelled without doing anything. Finished jobs are left
   * as they are. Undefined when there is no such job (for `user`).
   */
  async cancel(id: string, user?: string): Promise<WorkJobView | undefined> {
    const job = await this.find(id, user);
    if (!job) return undefined;
    const state = await job.getState();
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') {
      await this.redis.set(this.keys.cancel(id), '1', 'EX', CANCEL_TTL_SECONDS);
      // A job waiting out a retry's backoff is moved to the front, so it ends now rather than later.
      if (state === 'delayed') await job.promote().catch(() => {});
    }
    return this.view(job);
  }

  /** True when someone asked the job to stop. */
  async cancelRequested(id: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.cancel(id))) === 1;
  }

  /** Jobs per BullMQ state (waiting, active, delayed, completed, failed, ...). */
  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
  }

  /** Removes the queue and every key of it (tests, and retiring an installation's queue). */
  async destroy(): Promise<void> {
    await this.queue.obliterate({ force: true });
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', `${this.keys.base}:*`, 'COUNT', 500);
      cursor = next;
      if (found.length) await this.redis.del(...found);
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }

  private async find(id: string, user?: string): Promise<AnyJob | undefined> {
    if (!JOB_ID.test(id)) return undefined;
    const job = (await this.queue.getJob(id)) as AnyJob | undefined;
    if (!job?.data) return undefined;
    if (user !== undefined && job.data.requester?.user !== user) return undefined;
    return job;
  }

  private async view(job: AnyJob): Promise<WorkJobView | undefined> {
    const id = String(job.id);
    const [state, flag] = await Promise.all([job.getState(), this.redis.exists(this.keys.cancel(id))]);
    // Read again after the state: a job that finished in between then shows its result with its new state.
    const now = (await this.queue.getJob(id)) as AnyJob | undefined;
    return now?.data ? viewOf(now, state, flag === 1) : undefined;
  }

  private missing(id: string): never {
    throw new NexusError('JOB_NOT_FOUND', `jobs: job ${id} vanished as it was queued`);
  }
}
