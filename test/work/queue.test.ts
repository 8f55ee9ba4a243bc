// The durable queue in one process: jobs run as their submitter (and are audited so), cancel stops a running ingest
// at a batch boundary and ends a queued job unrun, retryable failures come back after exponentially growing pauses
// while permanent ones fail at once, a changed account stops its queued jobs (R17), a stopping worker hands its
// running ingest back to resume elsewhere, and an unreachable Redis is a typed error. Skips without Redis.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AccessContext, localOperator, makeContext } from '../../src/access/index.js';
import { NexusError } from '../../src/model/index.js';
import { SqliteStore, type Store } from '../../src/store/index.js';
import {
  JobQueue,
  JobWorker,
  type QueueConfig,
  queueConfig,
  RUNNERS,
  type Runners,
  type WorkerEvent,
} from '../../src/work/index.js';
import { finished, ftmSource, redisUnavailable, tempDir, uniqueQueue, until } from './helpers.js';

const skip = await redisUnavailable();
const op = localOperator('tester', 'queue tests');

interface Rig {
  config: QueueConfig;
  queue: JobQueue;
  store: SqliteStore;
  home: string;
  events: (WorkerEvent & { time: string })[];
  start(runners?: Partial<Runners>, drain?: boolean, sources?: string[]): Promise<JobWorker>;
}

const cleanups: (() => Promise<void>)[] = [];

/** The store with every batch write taking at least `ms` longer, so a test can act half-way at any machine speed. */
function slowWrites(store: Store, ms: number): Store {
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (key !== 'putStatements') return value.bind(target);
      return async (...args: unknown[]) => {
        await new Promise((ok) => setTimeout(ok, ms));
        return value.apply(target, args);
      };
    },
  });
}

/** The real ingest, on slowed batch writes. */
const slowIngest: Partial<Runners> = {
  ingest: (ctx, params, env) => RUNNERS.ingest(ctx, params, { ...env, store: slowWrites(env.store, 5) }),
};

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(tag: string, overrides: Partial<QueueConfig> = {}): Promise<Rig> {
  const config = uniqueQueue(tag, overrides);
  const home = tempDir('nexus-work-');
  const store = new SqliteStore({ path: join(home, 'nexus.db') });
  const m = await store.migrate();
  if (m.error) throw m.error;
  const queue = await JobQueue.open(config);
  const events: (WorkerEvent & { time: string })[] = [];
  const workers: JobWorker[] = [];
  cleanups.push(async () => {
    for (const w of workers) await w.stop('test over', true);
    await queue.destroy();
    await queue.close();
    await store.close();
  });
  return {
    config,
    queue,
    store,
    home,
    events,
    start: async (runners, drain = false, sources = undefined) => {
      const w = await JobWorker.start(
        config,
        { store, home, onEvent: (e) => events.push(e), runners, sources },
        { drain },
      );
      workers.push(w);
      return w;
    },
  };
}

const of = (events: (WorkerEvent & { time: string })[], name: string, job?: string) =>
  events.filter((e) => e.event === name && (job === undefined || ('job' in e && e.job === job)));

describe.skipIf(skip !== undefined)(`the durable job queue${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('runs an ingest job as the user who submitted it, and audits it under that user', async () => {
    const r = await rig('user');
    const alice = makeContext({ user: 'alice', clearance: 'SECRET', purpose: 'case 42' });
    const job = await r.queue.submit(alice, 'ingest', {
      dataset: 'watch',
      paths: [ftmSource(r.home, 'watch', 2)],
    });
    expect(job).toMatchObject({ state: 'queued', user: 'alice', kind: 'ingest', attempts: 0 });
    await r.start(undefined, true);
    const done = await finished(r.queue, job.id);
    expect(done).toMatchObject({ state: 'done', attempts: 1, error: null });
    expect(done.result?.summary).toMatchObject({ dataset: 'watch', entities: 6, statements: 22 });
    const [started] = await r.store.auditLog(op, { action: 'job.ingest' });
    expect(started).toMatchObject({
      user: 'alice',
      purpose: 'case 42',
      category: 'collection',
      objects: [job.id],
    });
    const batches = await r.store.auditLog(op, { action: 'ingest.batch' });
    expect(batches.length).toBeGreaterThan(0);
    expect(new Set(batches.map((b) => b.user))).toEqual(new Set(['alice']));
  });

  it('shows and cancels a job only for its owner; another user finds nothing', async () => {
    const r = await rig('owner');
    const job = await r.queue.submit(op, 'xref', { dataset: 'none' });
    expect(await r.queue.get(job.id, 'tester')).toMatchObject({ id: job.id });
    expect(await r.queue.get(job.id, 'mallory')).toBeUndefined();
    expect(await r.queue.cancel(job.id, 'mallory')).toBeUndefined();
    expect((await r.queue.get(job.id))?.cancel_requested).toBe(false);
    expect(await r.queue.list({ user: 'mallory' })).toEqual([]);
    expect((await r.queue.list({ user: 'tester' })).map((j) => j.id)).toEqual([job.id]);
    expect(await r.queue.get('../../etc/passwd')).toBeUndefined();
  });

  it('cancels a running ingest at a batch boundary, keeps what it committed, and a resubmission resumes', async () => {
    const r = await rig('cancel');
    const source = ftmSource(r.home, 'big', 200);
    const params = { dataset: 'big', paths: [source], batchSize: 5 };
    const job = await r.queue.submit(op, 'ingest', params);
    await r.start(slowIngest);
    await until('the ingest to commit a batch', () =>
      of(r.events, 'progress', job.id).some(
        (e) => e.event === 'progress' && (e.progress.ingest?.records ?? 0) > 0,
      ),
    );
    const asked = await r.queue.cancel(job.id);
    expect(asked).toMatchObject({ state: 'running', cancel_requested: true });
    const view = await finished(r.queue, job.id);
    expect(view.state).toBe('cancelled');
    const partial = view.result?.summary as { statements: number };
    expect(partial.statements).toBeGreaterThan(0);
    expect(partial.statements).toBeLessThan(2200);
    expect((await r.store.stats(op)).statements).toBe(partial.statements);

    const again = await r.queue.submit(op, 'ingest', params);
    const rest = await finished(r.queue, again.id);
    expect(rest.state).toBe('done');
    const summary = rest.result?.summary as { statements: number; resumedFrom: number };
    expect(summary.resumedFrom).toBeGreaterThan(0);
    expect(partial.statements + summary.statements).toBe(2200);
    expect((await r.store.stats(op)).statements).toBe(2200);
  });

  it('ends a job cancelled while queued without running it', async () => {
    const r = await rig('cancel-queued');
    let ran = 0;
    const job = await r.queue.submit(op, 'ingest', { dataset: 'never', paths: [ftmSource(r.home, 'n', 1)] });
    expect(await r.queue.cancel(job.id)).toMatchObject({ state: 'queued', cancel_requested: true });
    await r.start(
      {
        ingest: async () => {
          ran++;
          return { summary: {} };
        },
      },
      true,
    );
    expect(await finished(r.queue, job.id)).toMatchObject({ state: 'cancelled', result: { summary: null } });
    expect(ran).toBe(0);
  });

  it('retries a retryable failure after exponentially growing pauses, then succeeds', async () => {
    const r = await rig('retry');
    const calls: number[] = [];
    const job = await r.queue.submit(op, 'xref', { dataset: 'flaky' }, { attempts: 4, backoffMs: 300 });
    await r.start(
      {
        xref: async () => {
          calls.push(Date.now());
          if (calls.length < 3) throw new NexusError('STORE_UNAVAILABLE', 'store: busy (injected)');
          return { summary: { ok: true } };
        },
      },
      true,
    );
    const view = await finished(r.queue, job.id);
    expect(view).toMatchObject({
      state: 'done',
      attempts: 3,
      max_attempts: 4,
      result: { summary: { ok: true } },
    });
    const [a, b, c] = calls as [number, number, number];
    // BullMQ's exponential backoff: 300 ms, then 600 ms (give or take its polling).
    expect(b - a).toBeGreaterThanOrEqual(280);
    expect(c - b).toBeGreaterThanOrEqual(580);
    expect(c - b).toBeGreaterThan((b - a) * 1.5);
    const failed = of(r.events, 'failed', job.id) as Extract<WorkerEvent, { event: 'failed' }>[];
    expect(failed.map((e) => [e.code, e.final, e.retry_in_ms])).toEqual([
      ['STORE_UNAVAILABLE', false, 300],
      ['STORE_UNAVAILABLE', false, 600],
    ]);
  });

  it('fails at once on a permanent error, and after the last attempt on a retryable one', async () => {
    const r = await rig('fail');
    const bad = await r.queue.submit(op, 'ingest', {
      dataset: 'bad',
      paths: [join(r.home, 'missing.jsonl')],
    });
    const broken = await r.queue.submit(op, 'xref', { dataset: 'x' }, { attempts: 2, backoffMs: 50 });
    await r.start(
      {
        xref: async () => {
          throw new Error('something broke (injected)');
        },
      },
      true,
    );
    expect(await finished(r.queue, bad.id)).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: { code: 'SOURCE_UNREADABLE' },
    });
    expect(await finished(r.queue, broken.id)).toMatchObject({
      state: 'failed',
      attempts: 2,
      error: { code: 'INTERNAL' },
    });
  });

  it('refuses to run the job of an API user whose clearance changed after submitting (R17)', async () => {
    const r = await rig('authority');
    const admin = localOperator('admin', 'user admin');
    const bob = await r.store.putUser(admin, {
      name: 'bob',
      passwordHash: 'not-a-real-hash',
      role: 'analyst',
      clearance: 'SECRET',
    });
    const ctx: AccessContext = makeContext({
      user: 'bob',
      clearance: 'SECRET',
      purpose: 'upload',
      role: 'analyst',
    });
    const job = await r.queue.submit(
      ctx,
      'xref',
      { dataset: 'x' },
      { account: { name: 'bob', version: bob.version } },
    );
    await r.store.putUser(admin, { name: 'bob', clearance: 'OFFICIAL' });
    let ran = false;
    await r.start(
      {
        xref: async () => {
          ran = true;
          return { summary: {} };
        },
      },
      true,
    );
    expect(await finished(r.queue, job.id)).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: { code: 'JOB_AUTHORITY_CHANGED' },
    });
    expect(ran).toBe(false);
  });

  it('hands a running ingest back when its worker stops, and another worker resumes it to the same store', async () => {
    const r = await rig('release');
    const source = ftmSource(r.home, 'rel', 200);
    const job = await r.queue.submit(op, 'ingest', { dataset: 'rel', paths: [source], batchSize: 5 });
    const first = await r.start(slowIngest);
    await until('a committed batch', () =>
      of(r.events, 'progress', job.id).some(
        (e) => e.event === 'progress' && (e.progress.ingest?.records ?? 0) > 0,
      ),
    );
    await first.stop('test');
    expect(of(r.events, 'released', job.id)).toHaveLength(1);
    expect((await r.queue.get(job.id))?.state).toBe('queued');
    await r.start(undefined, true);
    const view = await finished(r.queue, job.id);
    expect(view).toMatchObject({ state: 'done', attempts: 2 });
    expect(view.result?.summary?.resumedFrom).toBeGreaterThan(0);

    // The same source loaded in one go gives the same store.
    const clean = new SqliteStore({ path: join(tempDir('nexus-work-clean-'), 'nexus.db') });
    await clean.migrate();
    const { ingest } = await import('../../src/ingest/index.js');
    await ingest(op, clean, { dataset: 'rel', paths: [source], batchSize: 5 });
    expect(await r.store.digest(op)).toBe(await clean.digest(op));
    await clean.close();
  });
});

describe.skipIf(skip !== undefined)(
  `a worker confined to source folders${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    it('refuses, at once, an ingest of a path outside them, links followed', async () => {
      const r = await rig('sources');
      const allowed = tempDir('nexus-work-allowed-');
      const inside = await r.queue.submit(op, 'ingest', {
        dataset: 'in',
        paths: [ftmSource(allowed, 'in', 1)],
      });
      const outside = await r.queue.submit(op, 'ingest', {
        dataset: 'out',
        paths: [ftmSource(r.home, 'out', 1)],
      });
      const { symlinkSync } = await import('node:fs');
      symlinkSync(join(r.home, 'out.ftm.jsonl'), join(allowed, 'link.ftm.jsonl'));
      const linked = await r.queue.submit(op, 'ingest', {
        dataset: 'ln',
        paths: [join(allowed, 'link.ftm.jsonl')],
      });
      await r.start(undefined, true, [allowed]);
      expect(await finished(r.queue, inside.id)).toMatchObject({ state: 'done' });
      for (const id of [outside.id, linked.id])
        expect(await finished(r.queue, id)).toMatchObject({
          state: 'failed',
          attempts: 1,
          error: { code: 'USAGE_INVALID' },
        });
      expect(Object.keys((await r.store.stats(op)).datasets)).toEqual(['in']);
    });
  },
);

describe('an unreachable Redis', () => {
  it('is QUEUE_UNAVAILABLE, quickly, without the password in the message', async () => {
    const started = Date.now();
    const config = queueConfig({ REDIS_URL: 'redis://user:s3cret-canary@127.0.0.1:1' });
    const err = await JobQueue.open(config).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NexusError);
    expect((err as NexusError).code).toBe('QUEUE_UNAVAILABLE');
    expect((err as NexusError).message).not.toContain('s3cret-canary');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a queue name or URL that is not one', () => {
    expect(() => queueConfig({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
    expect(() => queueConfig({ NEXUS_QUEUE_NAME: '../x' })).toThrow(/queue name/);
  });
});
