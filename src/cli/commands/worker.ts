// `nexus worker`: takes background jobs from the durable queue and runs them against this store, printing one line
// per event, until SIGTERM or SIGINT (a second signal stops at once), or, with --drain, until the queue is empty.
import { parseArgs } from 'node:util';
import { formatProgress } from '../../ingest/index.js';
import { NexusError } from '../../model/index.js';
import { JobWorker, millisOption, queueConfig, type WorkerEvent } from '../../work/index.js';
import type { CommandEnv } from '../io.js';

export const workerHelp = `nexus worker [--concurrency N] [--queue NAME] [--drain] [--json] [--sources DIR,...]
             [--lock-duration MS] [--stalled-interval MS] [--cancel-poll MS]

Runs background jobs (ingest, xref, graph, trace, report: see nexus jobs) from the queue in Redis (REDIS_URL,
default redis://127.0.0.1:6379), each as the user who submitted it, against the store this command opens (HOME,
or NEXUS_DATABASE_URL). Start as many as you like, on as many machines as share the store and the files jobs
read. SIGTERM or SIGINT stops it: a running ingest stops at its next batch boundary and goes back to the queue
for another worker to resume; other jobs finish first. A second signal stops at once (the job's claim then lapses
and another worker takes it over after --lock-duration).
  --concurrency N        jobs at once in this process (default 1)
  --queue NAME           the queue (env NEXUS_QUEUE_NAME, default jobs)
  --drain                exit once nothing is waiting, delayed or running
  --json                 one JSON object per event instead of text lines
  --sources DIR,...      read ingest sources only inside these folders (and HOME/uploads); recommended, since a
                         job's paths are read with this worker's file permissions (env NEXUS_WORKER_SOURCES)
  --lock-duration MS     how long a claim on a job lasts unrenewed (default 30000); a dead worker's job waits this long
  --stalled-interval MS  how often to look for jobs of dead workers (default 30000)
  --cancel-poll MS       how often a running job looks for a cancel request (default 1000)
See docs/workers.md.`;

/** Text lines print a job's progress at most this often; --json prints every event. */
const PROGRESS_EVERY_MS = 5000;

function describe(e: WorkerEvent, lastShown: Map<string, number>, now: number): string | undefined {
  switch (e.event) {
    case 'ready':
      return [
        `nexus worker ${e.worker}: taking jobs from queue "${e.queue}" at ${e.redis}, concurrency ${e.concurrency}`,
        ...e.warnings.map((w) => `nexus worker: WARNING: ${w} (see docs/workers.md)`),
      ].join('\n');
    case 'started':
      lastShown.delete(e.job);
      return `job ${e.job} ${e.kind} for ${e.user}: started (attempt ${e.attempt} of ${e.max_attempts})`;
    case 'progress': {
      const shown = lastShown.get(e.job);
      if (shown !== undefined && now - shown < PROGRESS_EVERY_MS && e.progress.ingest?.type !== 'done')
        return;
      lastShown.set(e.job, now);
      const p = e.progress;
      if (p.ingest) return `job ${e.job} ${e.kind}: ${formatProgress(p.ingest)}`;
      const count =
        p.processed === undefined ? '' : ` ${p.processed}${p.total === undefined ? '' : `/${p.total}`}`;
      return `job ${e.job} ${e.kind}: ${p.note ?? 'working'}${count}`;
    }
    case 'done':
    case 'cancelled': {
      lastShown.delete(e.job);
      const r = e.result;
      const file = r.file ? ` -> ${r.file} (${r.marking ?? 'unmarked'})` : '';
      const what = e.event === 'cancelled' ? 'cancelled; what it committed stays' : 'done';
      return `job ${e.job} ${e.kind}: ${what}: ${JSON.stringify(r.summary)}${file}`;
    }
    case 'released':
      return `job ${e.job} ${e.kind}: released to the queue; another worker resumes it`;
    case 'failed':
      return `job ${e.job} ${e.kind}: failed: ${e.code}: ${e.message}; ${
        e.final ? 'final' : `retry in ${Math.round((e.retry_in_ms ?? 0) / 100) / 10}s`
      }`;
    case 'stopping':
      return `nexus worker: stopping (${e.reason})`;
    case 'stopped':
      return `nexus worker: stopped (${e.reason})`;
    case 'error':
      return `nexus worker: queue error: ${e.message}`;
  }
}

export interface WorkerHooks {
  /** Stops the worker like SIGTERM (in-process tests). */
  stop?: AbortSignal;
}

export async function workerCommand(args: string[], c: CommandEnv, hooks: WorkerHooks = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      concurrency: { type: 'string', default: '1' },
      queue: { type: 'string' },
      drain: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'lock-duration': { type: 'string' },
      'stalled-interval': { type: 'string' },
      'cancel-poll': { type: 'string' },
      sources: { type: 'string' },
    },
  });
  if (positionals.length)
    throw new NexusError('USAGE_INVALID', `worker: unexpected "${positionals[0]}" (see nexus worker --help)`);
  const concurrency = Number(values.concurrency);
  const config = queueConfig(c.env, {
    ...(values.queue === undefined ? {} : { name: values.queue }),
    lockDurationMs: millisOption('lock-duration', values['lock-duration']),
    stalledIntervalMs: millisOption('stalled-interval', values['stalled-interval']),
    cancelPollMs: millisOption('cancel-poll', values['cancel-poll']),
  });
  const store = await c.openStore();
  const lastShown = new Map<string, number>();
  const print = (e: WorkerEvent & { time: string }) => {
    if (values.json) return c.io.stdout(`${JSON.stringify(e)}\n`);
    const line = describe(e, lastShown, Date.now());
    if (line === undefined) return;
    if (e.event === 'error') c.io.stderr(`${line}\n`);
    else c.io.stdout(`${line}\n`);
  };
  let worker: JobWorker | undefined;
  let signalled = 0;
  const onSignal = (name: string) => () => {
    // The first signal releases or finishes the running jobs. A second one ends the process at once, like a crash:
    // committed batches stay, and the running jobs' claims lapse and another worker takes them over.
    if (++signalled > 1) {
      c.io.stderr(`nexus worker: ${name} again, stopping at once\n`);
      process.exit(1);
    }
    void worker?.stop(name);
  };
  const onTerm = onSignal('SIGTERM');
  const onInt = onSignal('SIGINT');
  try {
    const sources = (values.sources ?? c.env.NEXUS_WORKER_SOURCES)
      ?.split(',')
      .map((d) => d.trim())
      .filter((d) => d !== '');
    worker = await JobWorker.start(
      config,
      { store, home: c.home, onEvent: print, sources },
      {
        concurrency,
        drain: values.drain,
      },
    );
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
    hooks.stop?.addEventListener('abort', () => void worker?.stop('asked to stop'), { once: true });
    await worker.stopped;
    return 0;
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    await store.close();
  }
}
