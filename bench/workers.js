#!/usr/bin/env node
// Background-job throughput with 1, 2 and 4 `nexus worker` processes on one store (issue 9): the same ingest jobs
// (FtM sources made from the demo scenario with new ids) submitted to a fresh queue, timed from the workers' start
// to the last job's end; and the queue's own overhead, with jobs that do almost nothing. Reports, never asserts.
//
// Usage: npm run bench:workers [-- --jobs 8] [--entities 20000] [--workers 1,2,4] [--batch-size 5000]
//        [--overhead-jobs 200] [--tmp DIR] [--keep]
// Needs Redis (REDIS_URL, default redis://127.0.0.1:6379). The store is SQLite in a temporary home unless
// NEXUS_DATABASE_URL names another. Prints Markdown; writes bench/out/workers-bench.json.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { localOperator } from '../dist/access/index.js';
import { replicate } from '../dist/demo/replicate.js';
import { buildScenario } from '../dist/demo/scenario.js';
import { JobQueue, queueConfig } from '../dist/work/index.js';
import { machineInfo } from './machine.js';

const { values: opt } = parseArgs({
  options: {
    jobs: { type: 'string', default: '8' },
    entities: { type: 'string', default: '20000' },
    workers: { type: 'string', default: '1,2,4' },
    'batch-size': { type: 'string', default: '5000' },
    'overhead-jobs': { type: 'string', default: '200' },
    tmp: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const JOBS = Number(opt.jobs);
const ENTITIES = Number(opt.entities);
const COUNTS = opt.workers.split(',').map(Number);
const BATCH = Number(opt['batch-size']);
const OVERHEAD_JOBS = Number(opt['overhead-jobs']);
const work = opt.tmp ?? mkdtempSync(join(tmpdir(), 'nexus-bench-workers-'));
mkdirSync(work, { recursive: true });
const ctx = localOperator('bench', 'worker benchmark');

async function source(i) {
  const file = join(work, `src${i}.ftm.jsonl`);
  const base = buildScenario().open;
  const out = createWriteStream(file);
  let n = 0;
  for (const e of replicate(base, Math.ceil(ENTITIES / base.length))) {
    if (n++ >= ENTITIES) break;
    if (!out.write(`${JSON.stringify(e)}\n`)) await new Promise((ok) => out.once('drain', ok));
  }
  await new Promise((ok) => out.end(ok));
  return file;
}

/**
 * Starts `n` drain-mode workers on `home` and the queue. Timed from the first job's start to the last job's end (the
 * workers' own event times), so that process start-up and the drain check's last look are left out.
 */
function runWorkers(n, home, queueName, schema) {
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  const exits = Array.from({ length: n }, () => {
    const child = spawn(process.execPath, ['bin/nexus.js', '--home', home, 'worker', '--drain', '--json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        NEXUS_QUEUE_NAME: queueName,
        ...(schema ? { NEXUS_DATABASE_SCHEMA: schema } : {}),
      },
    });
    let done = 0;
    let statements = 0;
    let buffer = '';
    child.stdout.on('data', (d) => {
      buffer += d;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const e = JSON.parse(line);
        if (e.event === 'started') first = Math.min(first, Date.parse(e.time));
        if (e.event === 'done') {
          last = Math.max(last, Date.parse(e.time));
          done++;
          statements += e.result.summary?.statements ?? 0;
        }
      }
    });
    return new Promise((ok, fail) =>
      child.on('close', (code) =>
        code === 0 ? ok({ done, statements }) : fail(new Error(`worker exited ${code}`)),
      ),
    );
  });
  return Promise.all(exits).then((per) => ({ seconds: (last - first) / 1000, per }));
}

function dropSchema(schema) {
  const res = spawnSync(
    'psql',
    [process.env.NEXUS_DATABASE_URL, '-qc', `DROP SCHEMA IF EXISTS ${schema} CASCADE`],
    {
      encoding: 'utf8',
    },
  );
  if (res.status !== 0) throw new Error(`psql: ${res.stderr}`);
}

async function scenario(kind, n, sources) {
  const home = join(work, `${kind}-${n}`);
  const config = queueConfig(process.env, { name: `bench-${kind}-${n}-${process.pid}` });
  const queue = await JobQueue.open(config);
  try {
    const count = kind === 'ingest' ? sources.length : OVERHEAD_JOBS;
    for (let i = 0; i < count; i++) {
      if (kind === 'ingest')
        await queue.submit(ctx, 'ingest', { dataset: `bench${i}`, paths: [sources[i]], batchSize: BATCH });
      // A job that does almost nothing: the queue's round trip, the audit record and the worker's bookkeeping.
      else await queue.submit(ctx, 'graph', { analysis: 'project', datasets: ['none'] });
    }
    // On PostgreSQL each scenario gets a fresh schema, as on SQLite a fresh home: nothing is already loaded.
    const schema = process.env.NEXUS_DATABASE_URL ? `bench_workers_${kind}_${n}` : undefined;
    if (schema) dropSchema(schema);
    const run = await runWorkers(n, home, config.name, schema);
    if (schema) dropSchema(schema);
    const done = run.per.reduce((s, p) => s + p.done, 0);
    const statements = run.per.reduce((s, p) => s + p.statements, 0);
    return {
      kind,
      workers: n,
      jobs: done,
      seconds: Math.round(run.seconds * 100) / 100,
      jobsPerSecond: Math.round((done / run.seconds) * 100) / 100,
      statementsPerSecond: Math.round(statements / run.seconds),
      jobsPerWorker: run.per.map((p) => p.done),
    };
  } finally {
    await queue.destroy();
    await queue.close();
  }
}

const sources = [];
for (let i = 0; i < JOBS; i++) sources.push(await source(i));
const results = [];
for (const n of COUNTS) results.push(await scenario('ingest', n, sources));
for (const n of COUNTS) results.push(await scenario('overhead', n, sources));

const machine = machineInfo({ store: process.env.NEXUS_DATABASE_URL ? 'postgres' : 'sqlite' });
const lines = [
  `Workers benchmark, ${machine.date}, ${machine.cpu} x${machine.cores}, ${machine.memGiB} GiB, Node ${machine.node}, store ${machine.store}`,
  '',
  `| jobs | workers | jobs | seconds | jobs/s | statements/s | jobs per worker |`,
  '|---|---:|---:|---:|---:|---:|---|',
  ...results.map(
    (r) =>
      `| ${r.kind === 'ingest' ? `ingest ${ENTITIES} entities` : 'near-empty'} | ${r.workers} | ${r.jobs} | ${r.seconds} | ${r.jobsPerSecond} | ${r.kind === 'ingest' ? r.statementsPerSecond : '-'} | ${r.jobsPerWorker.join(', ')} |`,
  ),
];
console.log(lines.join('\n'));
mkdirSync('bench/out', { recursive: true });
writeFileSync(
  'bench/out/workers-bench.json',
  `${JSON.stringify({ machine, options: opt, results }, null, 2)}\n`,
);
if (!opt.keep && !opt.tmp) rmSync(work, { recursive: true, force: true });
