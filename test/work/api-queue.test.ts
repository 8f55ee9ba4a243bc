// `nexus serve --queue`: an upload becomes a job on the durable queue, run by a worker (not the API process); any
// API process over the same queue answers for it in the JobView shape the UI shows (list, one job, its events,
// cancel), for its owner only; the worker removes the upload's folder when the job ends. Skips without Redis.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperator } from '../../src/access/index.js';
import { hashPassword } from '../../src/access/passwords.js';
import { createApp } from '../../src/serve/app.js';
import type { JobView } from '../../src/serve/jobs.js';
import { SqliteStore } from '../../src/store/index.js';
import { JobQueue, JobWorker } from '../../src/work/index.js';
import { redisUnavailable, tempDir, uniqueQueue, until } from './helpers.js';

const skip = await redisUnavailable();
const op = localOperator('tester', 'api queue test');
const PASSWORDS = { alice: 'alice-queue-pw-000001', bob: 'bob-queue-pw-0000002' };
const CASE = 'test/fixtures/ftm/case.ftm.jsonl';

describe.skipIf(skip !== undefined)(
  `uploads on the durable queue${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    const home = tempDir('nexus-api-queue-');
    const config = uniqueQueue('api');
    let store: SqliteStore;
    let queue: JobQueue;
    const workers: JobWorker[] = [];

    beforeAll(async () => {
      store = new SqliteStore({ path: join(home, 'nexus.db') });
      const m = await store.migrate();
      if (m.error) throw m.error;
      for (const [name, password] of Object.entries(PASSWORDS))
        await store.putUser(op, {
          name,
          role: 'analyst',
          clearance: 'OFFICIAL',
          passwordHash: await hashPassword(password),
        });
      queue = await JobQueue.open(config);
    });

    afterAll(async () => {
      for (const w of workers) await w.stop('test over', true);
      await queue.destroy();
      await queue.close();
      await store.close();
    });

    /** An API process: its own app and in-process registry, the shared store, queue and upload folder. */
    const api = () =>
      createApp({
        store,
        auth: {},
        web: false,
        uploads: { dir: join(home, 'uploads'), queue, batchSize: 2 },
      });

    async function login(app: ReturnType<typeof api>, name: keyof typeof PASSWORDS) {
      const res = await app.request('/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: name, password: PASSWORDS[name] }),
      });
      expect(res.status).toBe(200);
      return { authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
    }

    const upload = async (app: ReturnType<typeof api>, auth: Record<string, string>, dataset: string) => {
      const { readFileSync } = await import('node:fs');
      const res = await app.request(`/api/ingest?dataset=${dataset}&filename=case.ftm.jsonl&format=ftm`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/x-ndjson' },
        body: readFileSync(CASE),
      });
      expect(res.status).toBe(202);
      return (await res.json()) as JobView;
    };

    const job = async (app: ReturnType<typeof api>, auth: Record<string, string>, id: string) => {
      const res = await app.request(`/api/jobs/${id}`, { headers: auth });
      return { status: res.status, body: (await res.json()) as JobView };
    };

    it('queues an upload for a worker, and every API process answers for it in the JobView shape', async () => {
      const [one, two] = [api(), api()];
      const alice = await login(one, 'alice');
      const queued = await upload(one, alice, 'qup');
      expect(queued).toMatchObject({
        kind: 'ingest',
        user: 'alice',
        dataset: 'qup',
        state: 'queued',
        params: { file: 'case.ftm.jsonl', format: 'ftm', marking: 'OFFICIAL', type: 'json' },
        progress: null,
        summary: null,
      });
      // No worker yet: nothing runs in the API process.
      await new Promise((ok) => setTimeout(ok, 300));
      expect((await job(two, alice, queued.id)).body.state).toBe('queued');
      const dirs = (await queue.get(queued.id))?.params as { paths: string[] };
      expect(existsSync(dirs.paths[0] as string)).toBe(true);

      workers.push(await JobWorker.start(config, { store, home, onEvent: () => {} }));
      const done = await until('the job to be done', async () => {
        const j = await job(two, alice, queued.id);
        return j.body.state === 'done' ? j.body : undefined;
      });
      expect(done.summary).toMatchObject({ dataset: 'qup', accepted: 5, rejected: 2, entities: 6 });
      expect(JSON.stringify(done)).not.toContain(home);
      expect(done.rejects.length).toBeGreaterThan(0);
      expect(done.rejects.every((r) => !r.file.includes('/'))).toBe(true);
      // The worker removed the upload's folder once the job ended.
      await until('the upload folder to be removed', () =>
        existsSync(dirs.paths[0] as string) ? undefined : true,
      );
      // The listing, on either process.
      const listed = (await (await two.request('/api/jobs', { headers: alice })).json()) as {
        jobs: JobView[];
      };
      expect(listed.jobs.map((j) => j.id)).toContain(queued.id);
      // The event stream of a finished job: its last progress, then `done`.
      const events = await (await one.request(`/api/jobs/${queued.id}/events`, { headers: alice })).text();
      expect(events).toMatch(/event: progress\n/);
      expect(events).toMatch(/event: done\ndata: \{/);
      // The audit log names alice for the job and its batches.
      const [record] = await store.auditLog(op, { action: 'job.ingest' });
      expect(record).toMatchObject({ user: 'alice', objects: [queued.id] });
    });

    it('records the uploaded file name and the uploader as origin, never the path in the upload folder', async () => {
      const app = api();
      const alice = await login(app, 'alice');
      const queued = await upload(app, alice, 'qorigin');
      // The worker reads the file where the API put it; the name it goes by travels with the job.
      const params = (await queue.get(queued.id))?.params as { paths: string[]; origins: [string, string][] };
      expect(params.origins).toEqual([[params.paths[0], 'upload by alice: case.ftm.jsonl']]);
      if (workers.length === 0)
        workers.push(await JobWorker.start(config, { store, home, onEvent: () => {} }));
      await until('the job to be done', async () =>
        (await job(app, alice, queued.id)).body.state === 'done' ? true : undefined,
      );
      const origins = new Set<string>();
      for await (const batch of store.scanEntities(op, { datasets: ['qorigin'] }))
        for (const e of batch) for (const st of e.statements) origins.add(st.origin);
      expect(origins.size).toBeGreaterThan(1);
      for (const origin of origins) {
        expect(origin).toMatch(/^upload by alice: case\.ftm\.jsonl:\d+$/);
        expect(origin).not.toContain(home);
      }
    });

    it("shows, lists and cancels a user's jobs for that user only", async () => {
      const app = api();
      const alice = await login(app, 'alice');
      const bob = await login(app, 'bob');
      for (const w of workers.splice(0)) await w.stop('pause');
      const queued = await upload(app, alice, 'qcancel');
      expect((await job(app, bob, queued.id)).status).toBe(404);
      const listed = (await (await app.request('/api/jobs', { headers: bob })).json()) as { jobs: JobView[] };
      expect(listed.jobs).toEqual([]);
      const refused = await app.request(`/api/jobs/${queued.id}/cancel`, { method: 'POST', headers: bob });
      expect(refused.status).toBe(404);
      const res = await app.request(`/api/jobs/${queued.id}/cancel`, { method: 'POST', headers: alice });
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ state: 'queued', cancel_requested: true });
      workers.push(await JobWorker.start(config, { store, home, onEvent: () => {} }));
      const ended = await until('the job to be cancelled', async () => {
        const j = await job(app, alice, queued.id);
        return j.body.state === 'cancelled' ? j.body : undefined;
      });
      expect(ended.summary).toBeNull();
      expect((await store.stats(op)).datasets.qcancel?.entities ?? 0).toBe(0);
    });

    it('caps the jobs a user has queued across API processes', async () => {
      for (const w of workers.splice(0)) await w.stop('pause');
      const [one, two] = [api(), api()];
      const bob = await login(one, 'bob');
      await upload(one, bob, 'qcap1');
      await upload(two, bob, 'qcap2');
      const third = await one.request('/api/ingest?dataset=qcap3&filename=case.ftm.jsonl&format=ftm', {
        method: 'POST',
        headers: { ...bob, 'content-type': 'application/x-ndjson' },
        body: 'x',
      });
      expect(third.status).toBe(429);
      expect(await third.json()).toMatchObject({ code: 'LIMIT_REACHED' });
    });
  },
);
