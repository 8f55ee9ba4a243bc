// Issue 9: several `nexus worker` processes on one shared store take ingest jobs from one queue; one is killed with
// SIGKILL half-way through a job. Every job must complete exactly once (one completion each in the queue's event
// stream and in the workers' output, none lost or failed), the killed job is resumed by another worker, and the store
// ends equal (digest) to a single worker's run of the same jobs (SECURITY.md R1, R7). Needs dist/ and Redis.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localOperator } from '../../src/access/index.js';
import { JobQueue, KEY_PREFIX, type QueueConfig, type WorkJobView } from '../../src/work/index.js';
import { freshSchema, pgUnavailable, TEST_DATABASE_URL } from '../contract/pg.js';
import { finished, ftmSource, REDIS_URL, redisUnavailable, tempDir, uniqueQueue, until } from './helpers.js';

const BIN = 'bin/nexus.js';
const haveBuild = existsSync('dist/cli/main.js');
const redis = await redisUnavailable();
const skip = !haveBuild ? 'needs dist/: run npm run build' : redis;

const JOBS = 4;
const WORKERS = 3;
const submitter = localOperator('mp-tester', 'multi-process worker test');

interface Proc {
  child: ChildProcess;
  events: Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const procs: Proc[] = [];
const queues: JobQueue[] = [];

/** `nexus worker --json` on `home` and the queue of `config`, with short lock and stall timings. */
function worker(home: string, config: QueueConfig, drain: boolean, env: Record<string, string>): Proc {
  const child = spawn(
    process.execPath,
    [
      BIN,
      '--home',
      home,
      'worker',
      '--json',
      '--lock-duration',
      String(config.lockDurationMs),
      '--stalled-interval',
      String(config.stalledIntervalMs),
      '--cancel-poll',
      '200',
      ...(drain ? ['--drain'] : []),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, REDIS_URL, NEXUS_QUEUE_NAME: config.name, ...env },
    },
  );
  const events: Record<string, unknown>[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr?.on('data', () => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) =>
    child.on('close', (code, signal) => ok({ code, signal })),
  );
  const p = { child, events, exited };
  procs.push(p);
  return p;
}

async function digest(home: string, env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [BIN, '--home', home, 'digest'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  const code = await new Promise((ok) => child.on('close', ok));
  if (code !== 0) throw new Error(`nexus digest exited ${code}`);
  return out.trim();
}

/** Submits one ingest job per source (datasets mp0..mp5), in the same order on every queue. */
async function submitAll(queue: JobQueue, sources: string[]): Promise<WorkJobView[]> {
  const jobs: WorkJobView[] = [];
  for (const [i, source] of sources.entries())
    jobs.push(await queue.submit(submitter, 'ingest', { dataset: `mp${i}`, paths: [source], batchSize: 4 }));
  return jobs;
}

afterAll(async () => {
  for (const p of procs)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  for (const q of queues) {
    await q.destroy();
    await q.close();
  }
});

/** The store the workers share: the embedded one in a home folder, or a PostgreSQL schema of its own. */
type StoreEnv = () => Record<string, string>;

const pgSkip = await pgUnavailable();
const stores: [string, StoreEnv, string | undefined][] = [
  ['on the embedded store', () => ({ NEXUS_DATABASE_URL: '' }), undefined],
  [
    'on PostgreSQL',
    () => ({ NEXUS_DATABASE_URL: TEST_DATABASE_URL, NEXUS_DATABASE_SCHEMA: freshSchema() }),
    pgSkip,
  ],
];

describe.skipIf(skip !== undefined)(`several worker processes${skip ? ` (skipped: ${skip})` : ''}`, () => {
  for (const [label, storeEnv, storeSkip] of stores)
    it.skipIf(storeSkip !== undefined)(
      `complete every job exactly once when one of ${WORKERS} is killed mid-job, with the store of a single worker, ${label}${storeSkip ? ` (skipped: ${storeSkip})` : ''}`,
      { timeout: 180_000 },
      async () => {
        const sharedEnv = storeEnv();
        const singleEnv = storeEnv();
        const work = tempDir('nexus-workers-');
        const sources = Array.from({ length: JOBS }, (_, i) => ftmSource(work, `src${i}`, 360 + 20 * i));

        // Many workers, one of them killed half-way through a job.
        const shared = join(work, 'shared');
        // A claim lasts 4 s unrenewed: long enough that a worker waiting on SQLite's write lock on this busy machine
        // keeps it, short enough that the killed worker's job is taken over within seconds.
        const config = uniqueQueue('mp', { lockDurationMs: 4000, stalledIntervalMs: 1000 });
        const queue = await JobQueue.open(config);
        queues.push(queue);
        const jobs = await submitAll(queue, sources);
        const workers = Array.from({ length: WORKERS }, () => worker(shared, config, false, sharedEnv));
        // A job's sources take some 1,000 batches (a second or more); its first mid-way progress event comes after
        // half a second, once batches are committed, and the worker is killed as soon as one is seen.
        const midway = (e: Record<string, unknown>) => {
          const ingest = (e.progress as { ingest?: { records: number; type: string } } | undefined)?.ingest;
          return e.event === 'progress' && ingest?.type === 'progress' && ingest.records > 0;
        };
        const victim = await until(
          'a worker half-way through a job',
          () => workers.find((p) => p.events.some(midway)),
          60_000,
        );
        const runningJob = victim.events.find(midway)?.job as string;
        const killedAt = Date.now();
        victim.child.kill('SIGKILL');
        expect((await victim.exited).signal).toBe('SIGKILL');
        expect(victim.events.some((e) => e.event === 'done' && e.job === runningJob)).toBe(false);

        const views = await Promise.all(jobs.map((j) => finished(queue, j.id, 120_000)));
        for (const p of workers.filter((w) => w !== victim)) p.child.kill('SIGTERM');
        for (const p of workers.filter((w) => w !== victim)) expect((await p.exited).code).toBe(0);

        // Every job done, none failed or lost.
        expect(views.map((v) => v.state)).toEqual(jobs.map(() => 'done'));
        expect(await queue.counts()).toMatchObject({
          completed: JOBS,
          failed: 0,
          active: 0,
          waiting: 0,
          delayed: 0,
        });
        // Exactly one completion per job, in the workers' output and in the queue's own event stream.
        const doneLines = workers.flatMap((p) =>
          p.events.filter((e) => e.event === 'done').map((e) => e.job),
        );
        expect(doneLines.sort()).toEqual(jobs.map((j) => j.id).sort());
        const stream = await queue.redis.xrange(`${KEY_PREFIX}:${config.name}:events`, '-', '+');
        const completions = stream
          .map(([, fields]) =>
            Object.fromEntries(fields.flatMap((f, i) => (i % 2 ? [] : [[f, fields[i + 1]]]))),
          )
          .filter((f) => f.event === 'completed')
          .map((f) => f.jobId);
        expect(completions.sort()).toEqual(jobs.map((j) => j.id).sort());
        // The killed worker's job was taken over by another and resumed after the batches the dead one had committed
        // (unless the dead one had finished the source just before it died, or had lost its claim to another worker
        // before it died, which the timings above make rare).
        const taken = views.find((v) => v.id === runningJob);
        expect(taken?.attempts).toBeGreaterThanOrEqual(2);
        const takeovers = workers
          .filter((p) => p !== victim)
          .flatMap((p) => p.events.filter((e) => e.event === 'started' && e.job === runningJob));
        expect(takeovers.length).toBeGreaterThanOrEqual(1);
        const finishedSource = victim.events.some(
          (e) =>
            e.event === 'progress' &&
            e.job === runningJob &&
            (e.progress as { ingest?: { type: string } }).ingest?.type === 'done',
        );
        const takenEarly = takeovers.some((e) => Date.parse(e.time as string) < killedAt);
        if (!finishedSource && !takenEarly) expect(taken?.result?.summary?.resumedFrom).toBeGreaterThan(0);

        // One worker, the same jobs, a store of its own: the same store.
        const single = join(work, 'single');
        const alone = uniqueQueue('mp-single');
        const queue2 = await JobQueue.open(alone);
        queues.push(queue2);
        const jobs2 = await submitAll(queue2, sources);
        const one = worker(single, alone, true, singleEnv);
        expect((await one.exited).code).toBe(0);
        for (const j of jobs2) expect((await queue2.get(j.id))?.state).toBe('done');
        expect(await digest(shared, sharedEnv)).toBe(await digest(single, singleEnv));
      },
    );
});
