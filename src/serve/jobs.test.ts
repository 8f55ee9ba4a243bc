// The in-process job registry and its routes, with work made up here: order and concurrency, per-user limits,
// authority checked at start (R17), cancellation, typed failures without internals (R18), bounded replay, and the
// server-sent event stream (replay, Last-Event-ID, the end of the stream, limits, other users' jobs as 404).
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type AccessContext, makeContext } from '../access/index.js';
import type { IngestSummary, ProgressEvent } from '../ingest/index.js';
import { NexusError } from '../model/index.js';
import type { AppEnv } from './app.js';
import { errorAnswer } from './errors.js';
import { ApiError, type JobHooks, JobRegistry, type JobView, type JobWork, jobRoutes } from './jobs.js';

const CANARY = '/srv/secret/path CANARY-4471';

function ctxOf(user: string): AccessContext {
  return makeContext({ user, clearance: 'OFFICIAL', purpose: 'test' });
}

function summary(accepted = 1): IngestSummary {
  return {
    dataset: 'd',
    format: 'ftm',
    accepted,
    rejected: 0,
    duplicates: 0,
    entities: accepted,
    statements: accepted,
    invalidValues: 0,
    resumedFrom: 0,
    elapsedMs: 1,
  };
}

function progress(records: number, type: ProgressEvent['type'] = 'progress'): ProgressEvent {
  return {
    type,
    dataset: 'd',
    records,
    entities: records,
    statements: records,
    rejected: 0,
    bytes: records,
    totalBytes: 100,
    elapsedMs: 1,
    recordsPerSec: 0,
    entitiesPerSec: 0,
    statementsPerSec: 0,
    etaSeconds: null,
  };
}

interface Gate {
  open(): void;
  wait: Promise<void>;
}

function gate(): Gate {
  let open = () => {};
  const wait = new Promise<void>((ok) => {
    open = ok;
  });
  return { open, wait };
}

/** Work that reports `steps` progress events, waiting on the gate before finishing, and stops when cancelled. */
function work(
  options: {
    steps?: number;
    gate?: Gate;
    fail?: unknown;
    authorize?: () => Promise<AccessContext>;
    onRun?: (hooks: JobHooks) => void;
  } = {},
) {
  const calls = { run: 0, cleanup: 0 };
  const w: JobWork = {
    authorize: options.authorize ?? (async () => ctxOf('alice')),
    run: async (_ctx, signal, hooks) => {
      calls.run++;
      options.onRun?.(hooks);
      let done = 0;
      for (let i = 1; i <= (options.steps ?? 1); i++) {
        if (signal.aborted) break;
        hooks.progress(progress(i));
        done = i;
        await new Promise((ok) => setImmediate(ok));
      }
      await options.gate?.wait;
      if (options.fail !== undefined) throw options.fail;
      return summary(done);
    },
    cleanup: async () => {
      calls.cleanup++;
    },
  };
  return { work: w, calls };
}

function spec(user: string, w: JobWork) {
  return {
    kind: 'ingest' as const,
    user,
    dataset: 'd',
    params: { file: 'f.jsonl', bytes: 1, type: 'json', format: 'ftm', marking: 'OFFICIAL', grading: null },
    work: w,
  };
}

function start(registry: JobRegistry, user: string, w: JobWork): JobView {
  return registry.create(registry.reserve(user), spec(user, w));
}

describe('JobRegistry', () => {
  it('runs jobs in order, at most maxRunning at once, and reports their outcome', async () => {
    const registry = new JobRegistry({ maxRunning: 1, maxPerUser: 5 });
    const g = gate();
    const first = work({ gate: g });
    const second = work();
    const a = start(registry, 'alice', first.work);
    const b = start(registry, 'alice', second.work);
    expect(a.state).toBe('queued');
    await new Promise((ok) => setImmediate(ok));
    expect(registry.get(a.id, 'alice')?.state).toBe('running');
    expect(registry.get(b.id, 'alice')?.state).toBe('queued');
    g.open();
    await registry.idle();
    expect(registry.get(a.id, 'alice')).toMatchObject({
      state: 'done',
      summary: { accepted: 1 },
      error: null,
    });
    expect(registry.get(b.id, 'alice')?.state).toBe('done');
    expect(registry.list('alice').map((j) => j.id)).toEqual([b.id, a.id]);
    expect([first.calls, second.calls]).toEqual([
      { run: 1, cleanup: 1 },
      { run: 1, cleanup: 1 },
    ]);
    const view = registry.get(a.id, 'alice') as JobView;
    expect(view.started_at).not.toBeNull();
    expect(view.finished_at).not.toBeNull();
  });

  it('limits jobs per user, counting uploads still being received', async () => {
    const registry = new JobRegistry({ maxPerUser: 2 });
    registry.pause();
    const held = registry.reserve('alice');
    start(registry, 'alice', work().work);
    let refused: unknown;
    try {
      registry.reserve('alice');
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 429, code: 'LIMIT_REACHED' });
    expect(registry.active('bob')).toBe(0);
    registry.reserve('bob').release();
    held.release();
    held.release();
    expect(registry.active('alice')).toBe(1);
    registry.reserve('alice').release();
    registry.resume();
    await registry.idle();
    expect(registry.active('alice')).toBe(0);
  });

  it('re-checks authority when a job starts and fails it with the typed code, without running it (R17)', async () => {
    const registry = new JobRegistry();
    const w = work({
      authorize: async () => {
        throw new ApiError(403, 'JOB_AUTHORITY_CHANGED', 'clearance changed');
      },
    });
    const job = start(registry, 'alice', w.work);
    await registry.idle();
    expect(registry.get(job.id, 'alice')).toMatchObject({
      state: 'failed',
      error: { code: 'JOB_AUTHORITY_CHANGED', message: 'clearance changed' },
      summary: null,
    });
    expect(w.calls).toEqual({ run: 0, cleanup: 1 });
  });

  it('shows typed failures and hides everything else behind INTERNAL (R18)', async () => {
    const lines: object[] = [];
    const registry = new JobRegistry({ log: (l) => lines.push(l), maxPerUser: 5 });
    const typed = start(registry, 'alice', work({ fail: new NexusError('FORMAT_MISMATCH', 'not FtM') }).work);
    const store = start(registry, 'alice', work({ fail: new NexusError('STORE_UNAVAILABLE', CANARY) }).work);
    const boom = start(registry, 'alice', work({ fail: new Error(CANARY) }).work);
    await registry.idle();
    expect(registry.get(typed.id, 'alice')?.error).toEqual({ code: 'FORMAT_MISMATCH', message: 'not FtM' });
    expect(registry.get(store.id, 'alice')?.error).toEqual({
      code: 'STORE_UNAVAILABLE',
      message: 'store unavailable',
    });
    const failed = registry.get(boom.id, 'alice') as JobView;
    expect(failed.error).toEqual({ code: 'INTERNAL', message: 'internal error' });
    expect(JSON.stringify(registry.list('alice'))).not.toContain('CANARY');
    // The operator finds the details in the log, under the job's id.
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', job: boom.id }));
    expect(lines.filter((l) => (l as { event?: string }).event === 'job')).toHaveLength(3);
  });

  it('keeps the first rejects, clipped and without control characters', async () => {
    const registry = new JobRegistry();
    const job = start(
      registry,
      'alice',
      work({
        onRun: (hooks) => {
          for (let i = 0; i < 150; i++)
            hooks.reject({
              kind: 'reject',
              file: 'f.jsonl',
              line: i + 1,
              code: 'VALUE_INVALID',
              reason: `bad\r\n\u001b[31m${'x'.repeat(1000)}`,
            });
        },
      }).work,
    );
    await registry.idle();
    const rejects = registry.get(job.id, 'alice')?.rejects ?? [];
    expect(rejects).toHaveLength(100);
    expect(rejects[0]?.line).toBe(1);
    for (const bad of ['\r', '\n', '\u001b']) expect(rejects[0]?.reason).not.toContain(bad);
    expect(rejects[0]?.reason.length).toBeLessThanOrEqual(503);
  });

  it('cancels a queued job at once and a running one when its work next looks', async () => {
    const registry = new JobRegistry({ maxRunning: 1, maxPerUser: 5 });
    const g = gate();
    const running = work({ steps: 1000, gate: g });
    const queued = work();
    const a = start(registry, 'alice', running.work);
    const b = start(registry, 'alice', queued.work);
    await new Promise((ok) => setImmediate(ok));
    expect(registry.cancel(b.id, 'bob')).toBeUndefined();
    expect(registry.cancel(b.id, 'alice')?.cancel_requested).toBe(true);
    expect(registry.cancel(a.id, 'alice')).toMatchObject({ state: 'running', cancel_requested: true });
    g.open();
    await registry.idle();
    expect(registry.get(b.id, 'alice')?.state).toBe('cancelled');
    expect(queued.calls).toEqual({ run: 0, cleanup: 1 });
    const stopped = registry.get(a.id, 'alice') as JobView;
    expect(stopped.state).toBe('cancelled');
    expect(stopped.summary?.accepted).toBeLessThan(1000);
    // A finished job stays as it was.
    expect(registry.cancel(a.id, 'alice')?.state).toBe('cancelled');
  });

  it('replays past events to late subscribers, keeping the first and the latest when there are many', async () => {
    const registry = new JobRegistry({ maxEvents: 5 });
    const job = start(registry, 'alice', work({ steps: 20 }).work);
    await registry.idle();
    const sub = registry.subscribe(job.id, 'alice', 0, () => {});
    expect(sub?.finished).toBe(true);
    const replay = sub?.replay ?? [];
    expect(replay.map((e) => e.event)).toEqual(['progress', 'progress', 'progress', 'progress', 'done']);
    expect(replay.map((e) => e.id)).toEqual([1, 18, 19, 20, 21]);
    expect(registry.subscribe(job.id, 'alice', 19, () => {})?.replay.map((e) => e.id)).toEqual([20, 21]);
    expect(registry.subscribe(job.id, 'bob', 0, () => {})).toBeUndefined();
  });

  it('forgets the oldest finished jobs beyond keepFinished', async () => {
    const registry = new JobRegistry({ keepFinished: 2, maxPerUser: 5 });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push(start(registry, 'alice', work().work).id);
      await registry.idle();
    }
    expect(registry.list('alice').map((j) => j.id)).toEqual([ids[3], ids[2]]);
  });

  it('close() cancels every job and waits for the running ones', async () => {
    const registry = new JobRegistry({ maxPerUser: 5 });
    const a = start(registry, 'alice', work({ steps: 1000 }).work);
    const b = start(registry, 'bob', work({ steps: 1000 }).work);
    await new Promise((ok) => setImmediate(ok));
    await registry.close();
    expect(registry.get(a.id, 'alice')?.state).toBe('cancelled');
    expect(registry.get(b.id, 'bob')?.state).toBe('cancelled');
  });
});

describe('the job routes', () => {
  function routes(registry: JobRegistry) {
    const app = new Hono<AppEnv>();
    let n = 0;
    app.use('*', async (c, next) => {
      c.set('requestId', `req-${++n}`);
      await next();
    });
    // As createApp does: whatever the job routes do not answer themselves.
    app.onError((err, c) => {
      const answer = errorAnswer(err, 'req');
      return c.json(answer.body, answer.status as 400);
    });
    app.route(
      '/api',
      jobRoutes(registry, {
        contextFor: (req) => ctxOf(req.headers.get('x-user') ?? 'nobody'),
        heartbeatMs: 20,
      }),
    );
    return app;
  }

  const as = (user: string) => ({ headers: { 'x-user': user } });

  it('lists, shows and cancels only the caller own jobs', async () => {
    const registry = new JobRegistry();
    const app = routes(registry);
    registry.pause();
    const job = start(registry, 'alice', work().work);
    const list = (await (await app.request('/api/jobs', as('alice'))).json()) as { jobs: JobView[] };
    expect(list.jobs.map((j) => j.id)).toEqual([job.id]);
    expect(((await (await app.request('/api/jobs', as('bob'))).json()) as { jobs: unknown[] }).jobs).toEqual(
      [],
    );
    expect((await app.request(`/api/jobs/${job.id}`, as('alice'))).status).toBe(200);
    const hidden = await app.request(`/api/jobs/${job.id}`, as('bob'));
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toEqual({ status: 404, detail: 'job not found' });
    expect((await app.request(`/api/jobs/${job.id}/cancel`, { method: 'POST', ...as('bob') })).status).toBe(
      404,
    );
    expect((await app.request(`/api/jobs/${job.id}/cancel`, as('alice'))).status).toBe(405);
    const cancelled = await app.request(`/api/jobs/${job.id}/cancel`, { method: 'POST', ...as('alice') });
    expect(cancelled.status).toBe(202);
    expect(((await cancelled.json()) as JobView).cancel_requested).toBe(true);
    expect((await app.request('/api/jobs/a%00b', as('alice'))).status).toBe(404);
  });

  it('streams events: replay, Last-Event-ID, live events, the end; at most N streams per user', async () => {
    const registry = new JobRegistry({ maxStreamsPerUser: 1 });
    const app = routes(registry);
    registry.pause();
    const job = start(registry, 'alice', work({ steps: 3 }).work);
    const res = await app.request(`/api/jobs/${job.id}/events`, as('alice'));
    expect(res.status).toBe(200);
    // One stream at a time for alice: a second is refused with the typed code, while bob's are his own.
    const second = await app.request(`/api/jobs/${job.id}/events`, as('alice'));
    expect(second.status).toBe(429);
    expect(await second.json()).toMatchObject({ code: 'LIMIT_REACHED' });
    expect((await app.request(`/api/jobs/${job.id}/events`, as('bob'))).status).toBe(404);
    const text = res.text();
    registry.resume();
    const body = await text;
    expect(body.startsWith('retry: 3000\n\n')).toBe(true);
    const frames = body.split('\n\n').filter((f) => f.startsWith('id: '));
    expect(frames.map((f) => f.split('\n')[1])).toEqual([
      'event: progress',
      'event: progress',
      'event: progress',
      'event: done',
    ]);
    expect(frames.at(-1)).toContain('"state":"done"');
    // The stream has ended, so another may open; it replays after Last-Event-ID and closes at once.
    const again = await app.request(`/api/jobs/${job.id}/events`, {
      headers: { 'x-user': 'alice', 'last-event-id': '3' },
    });
    const replayed = (await again.text()).split('\n\n').filter((f) => f.startsWith('id: '));
    expect(replayed.map((f) => f.split('\n')[0])).toEqual(['id: 4']);
    const query = await app.request(`/api/jobs/${job.id}/events?last_event_id=2`, as('alice'));
    expect((await query.text()).split('\n\n').filter((f) => f.startsWith('id: '))).toHaveLength(2);
  });

  it('releases the stream when the client goes away', async () => {
    const registry = new JobRegistry({ maxStreamsPerUser: 1 });
    const app = routes(registry);
    registry.pause();
    const job = start(registry, 'alice', work().work);
    const res = await app.request(`/api/jobs/${job.id}/events`, as('alice'));
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    while (!seen.includes(': heartbeat')) seen += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const next = await app.request(`/api/jobs/${job.id}/events`, as('alice'));
    expect(next.status).toBe(200);
    await next.body?.cancel();
    registry.resume();
    await registry.idle();
  });
});
