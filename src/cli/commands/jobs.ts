// `nexus jobs`: submit background jobs to the durable queue, list them, show one, cancel one. Jobs run on
// `nexus worker` processes, as the user who submitted them (the same access context as any other command).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gradingFilterOption, withGrading } from '../../access/index.js';
import { NexusError } from '../../model/index.js';
import {
  isJobKind,
  JOB_KINDS,
  type JobKind,
  JobQueue,
  millisOption,
  queueConfig,
  type WorkJobView,
} from '../../work/index.js';
import { type CommandEnv, json, requireOperator } from '../io.js';

export const jobsHelp = `nexus jobs submit KIND [options] [--attempts N] [--backoff-ms MS] [--wait] [--json]
nexus jobs list [--all] [--limit N] [--json]
nexus jobs show ID [--all] [--json]
nexus jobs cancel ID [--all] [--json]

Background jobs on the queue in Redis (REDIS_URL; --queue NAME or NEXUS_QUEUE_NAME, default jobs), run by
\`nexus worker\` processes as the user who submitted them. KIND and its options:
  ingest --dataset D [--format F] [--mapping FILE] [--marking M] [--grading CODE] [--title T] [--batch-size N] PATH...
                        as nexus ingest; every worker must read PATH at the same absolute path (a shared volume)
  xref DATASET [--against D]... [--threshold T]
  graph --analysis project|centrality|communities|campaigns|exposure [--dataset D]... [--metric M] [--state S]
        [--limit N]     the answer is written to HOME/results/ID.json on the worker
  trace --from ADDR|SET... --model poison|haircut|fifo [--direction forward|backward] [--dataset D]... [--chain C]
        [--asset A] [--max-hops N] [--max-addresses N] [--timeout-ms MS] [--no-stop]   -> HOME/results/ID.json
  report [--format html|json] [--year Y] [--ceiling M] [--as-of DATE] [--recipient R --conditions T]
                        the strategic assessment -> HOME/results/ID.html (or .json)
A failed job is tried again (--attempts, default 5) after a growing pause (--backoff-ms, default 5000, doubled each
time), unless the failure cannot mend (bad input, a changed account). --wait waits for the job to end (exit 1 if it
failed). list, show and cancel see your own jobs; --all every user's (the local operator only). cancel stops a
running ingest at its next batch boundary (committed batches stay); other kinds can only be cancelled before they
start. See docs/workers.md.`;

const MODELS = new Set(['poison', 'haircut', 'fifo']);

function whole(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1)
    throw new NexusError('USAGE_INVALID', `jobs: --${name} must be a whole number of at least 1`);
  return Number(text);
}

function fraction(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !(n >= 0 && n <= 1))
    throw new NexusError('USAGE_INVALID', `jobs: --${name} must be between 0 and 1`);
  return n;
}

/** A job's parameters from its command line; checked again, strictly, by the queue and the worker. */
function paramsFor(kind: JobKind, args: string[]): { params: unknown; grading?: string } {
  const { values: v, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      dataset: { type: 'string', multiple: true },
      format: { type: 'string' },
      mapping: { type: 'string' },
      marking: { type: 'string' },
      grading: { type: 'string' },
      title: { type: 'string' },
      'batch-size': { type: 'string' },
      against: { type: 'string', multiple: true },
      threshold: { type: 'string' },
      analysis: { type: 'string' },
      metric: { type: 'string' },
      state: { type: 'string' },
      limit: { type: 'string' },
      from: { type: 'string', multiple: true },
      model: { type: 'string' },
      direction: { type: 'string' },
      chain: { type: 'string' },
      asset: { type: 'string' },
      'max-hops': { type: 'string' },
      'max-addresses': { type: 'string' },
      'timeout-ms': { type: 'string' },
      'no-stop': { type: 'boolean', default: false },
      year: { type: 'string' },
      ceiling: { type: 'string' },
      'as-of': { type: 'string' },
      recipient: { type: 'string' },
      conditions: { type: 'string' },
    },
  });
  const strip = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined));
  const extra = (allowed: number) => {
    if (positionals.length > allowed)
      throw new NexusError('USAGE_INVALID', `jobs submit ${kind}: unexpected "${positionals[allowed]}"`);
  };
  switch (kind) {
    case 'ingest': {
      const dataset = v.dataset?.[0];
      if (!dataset) throw new NexusError('USAGE_INVALID', 'jobs submit ingest: --dataset is required');
      if (positionals.length === 0)
        throw new NexusError('USAGE_INVALID', 'jobs submit ingest: give at least one PATH');
      // Workers read the paths as given here: absolute, so that the worker's working folder does not matter.
      return {
        params: strip({
          dataset,
          paths: positionals.map((p) => resolve(p)),
          format: v.format,
          mapping: v.mapping === undefined ? undefined : resolve(v.mapping),
          marking: v.marking,
          grading: v.grading,
          title: v.title,
          batchSize: whole('batch-size', v['batch-size']),
        }),
      };
    }
    case 'xref':
      extra(1);
      if (!positionals[0]) throw new NexusError('USAGE_INVALID', 'jobs submit xref: give a DATASET');
      return {
        params: strip({
          dataset: positionals[0],
          against: v.against,
          threshold: fraction('threshold', v.threshold),
        }),
        grading: v.grading,
      };
    case 'graph':
      extra(0);
      return {
        params: strip({
          analysis: v.analysis,
          datasets: v.dataset,
          metric: v.metric,
          state: v.state,
          limit: whole('limit', v.limit),
        }),
        grading: v.grading,
      };
    case 'trace':
      extra(0);
      if (v.model !== undefined && !MODELS.has(v.model))
        throw new NexusError('USAGE_INVALID', 'jobs submit trace: --model is poison, haircut or fifo');
      return {
        params: strip({
          from: v.from,
          model: v.model ?? 'haircut',
          direction: v.direction,
          datasets: v.dataset,
          chain: v.chain,
          asset: v.asset,
          maxHops: whole('max-hops', v['max-hops']),
          maxAddresses: whole('max-addresses', v['max-addresses']),
          maxMs: whole('timeout-ms', v['timeout-ms']),
          stopAtServices: v['no-stop'] ? false : undefined,
        }),
        grading: v.grading,
      };
    case 'report':
      extra(0);
      if (v.year !== undefined && !/^\d{4}$/.test(v.year))
        throw new NexusError('USAGE_INVALID', 'jobs submit report: --year is a four-digit year');
      return {
        params: strip({
          format: v.format ?? 'html',
          year: v.year === undefined ? undefined : Number(v.year),
          ceiling: v.ceiling,
          asOf: v['as-of'],
          recipient: v.recipient,
          conditions: v.conditions,
        }),
        grading: v.grading,
      };
  }
}

function submission(left: string[]): { kind: JobKind; params: unknown; grading?: string } {
  const [kind, ...kindArgs] = left;
  if (kind === undefined || !isJobKind(kind))
    throw new NexusError('USAGE_INVALID', `jobs submit: KIND is one of ${JOB_KINDS.join(', ')}`);
  return { kind, ...paramsFor(kind, kindArgs) };
}

const FINISHED = new Set(['done', 'failed', 'cancelled']);

function line(j: WorkJobView): string {
  const summary = j.error
    ? `${j.error.code}: ${j.error.message}`
    : j.result
      ? JSON.stringify(j.result.summary)
      : '';
  const cancel = j.cancel_requested && !FINISHED.has(j.state) ? ' (cancel requested)' : '';
  return `${j.id}  ${j.kind.padEnd(6)} ${`${j.state}${cancel}`.padEnd(10)} ${j.user}  ${j.created_at}  attempt ${j.attempts}/${j.max_attempts}  ${summary}`;
}

function details(j: WorkJobView): string {
  const rows: [string, unknown][] = [
    ['id', j.id],
    ['kind', j.kind],
    ['user', j.user],
    ['state', j.state],
    ['cancel requested', j.cancel_requested],
    ['created', j.created_at],
    ['started', j.started_at],
    ['finished', j.finished_at],
    ['attempts', `${j.attempts} of ${j.max_attempts}`],
    ['params', JSON.stringify(j.params)],
    ['progress', j.progress ? JSON.stringify({ ...j.progress, rejects: j.progress.rejects.length }) : null],
    ['result', j.result ? JSON.stringify({ ...j.result, rejects: j.result.rejects.length }) : null],
    ['error', j.error ? `${j.error.code}: ${j.error.message}` : null],
  ];
  return `${rows.map(([k, x]) => `${`${k}:`.padEnd(18)}${x ?? '-'}`).join('\n')}\n`;
}

async function waitFor(queue: JobQueue, id: string, user: string | undefined): Promise<WorkJobView> {
  for (;;) {
    const j = await queue.get(id, user);
    if (!j) throw new NexusError('JOB_NOT_FOUND', `jobs: no job ${id}`);
    if (FINISHED.has(j.state)) return j;
    await new Promise((ok) => setTimeout(ok, 250));
  }
}

export async function jobsCommand(args: string[], c: CommandEnv): Promise<number> {
  const [action, ...rest] = args;
  // Options every action takes; the rest belong to the job's kind.
  const { values, tokens } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: false,
    tokens: true,
    options: {
      queue: { type: 'string' },
      attempts: { type: 'string' },
      'backoff-ms': { type: 'string' },
      wait: { type: 'boolean' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  // What is left, in order, is for the action or the job's kind (unknown options come through without values,
  // which follow as positionals, so the order keeps them together).
  const own = new Set(['queue', 'attempts', 'backoff-ms', 'wait', 'all', 'json']);
  const left: string[] = [];
  for (const t of tokens ?? []) {
    if (t.kind === 'option' && own.has(t.name)) continue;
    if (t.kind === 'option') left.push(t.inlineValue ? `${t.rawName}=${t.value}` : t.rawName);
    else if (t.kind === 'positional') left.push(t.value);
    else left.push('--');
  }
  const config = queueConfig(c.env, values.queue === undefined ? {} : { name: String(values.queue) });
  const asJson = values.json === true;
  // --all reaches every user's jobs, which only the local operator may; otherwise only your own exist for you.
  if (values.all === true) requireOperator(c.ctx, 'jobs --all');
  const owner = values.all === true ? undefined : c.ctx.user;
  if (action !== 'submit' && action !== 'list' && action !== 'show' && action !== 'cancel')
    throw new NexusError(
      'USAGE_INVALID',
      'jobs: use submit KIND, list, show ID or cancel ID (see nexus jobs --help)',
    );
  const submit = action === 'submit' ? submission(left) : undefined;
  const attempts = whole('attempts', values.attempts as string | undefined);
  const backoffMs = millisOption('backoff-ms', values['backoff-ms'] as string | undefined);
  // The store is opened for the command's audit record, as every command does, before Redis is asked anything.
  const store = await c.openStore();
  let queue: JobQueue | undefined;
  try {
    if (submit) {
      const { kind, params, grading } = submit;
      const ctx = withGrading(c.ctx, gradingFilterOption(grading));
      queue = await JobQueue.open(config);
      const job = await queue.submit(ctx, kind, params, {
        ...(attempts === undefined ? {} : { attempts }),
        ...(backoffMs === undefined ? {} : { backoffMs }),
      });
      await store.audit(ctx, [
        { action: 'job.submit', category: 'administration', objects: [job.id], detail: { kind } },
      ]);
      const shown = values.wait === true ? await waitFor(queue, job.id, ctx.user) : job;
      c.io.stdout(asJson ? json(shown) : values.wait === true ? details(shown) : `${job.id}\n`);
      return shown.state === 'failed' ? 1 : 0;
    }
    if (action === 'list') {
      const { values: lv } = parseArgs({ args: left, options: { limit: { type: 'string' } } });
      queue = await JobQueue.open(config);
      const limit = whole('limit', lv.limit) ?? 100;
      const jobs = await queue.list({ ...(owner === undefined ? {} : { user: owner }), limit });
      c.io.stdout(asJson ? json(jobs) : jobs.length ? `${jobs.map(line).join('\n')}\n` : 'no jobs\n');
      return 0;
    }
    const [id, ...more] = left;
    if (id === undefined || more.length)
      throw new NexusError('USAGE_INVALID', `jobs ${action}: give one job ID`);
    queue = await JobQueue.open(config);
    const job = action === 'show' ? await queue.get(id, owner) : await queue.cancel(id, owner);
    // Another user's job is reported exactly like one that does not exist (SECURITY.md R9).
    if (!job) throw new NexusError('JOB_NOT_FOUND', `jobs ${action}: no job ${id}`);
    c.io.stdout(asJson ? json(job) : details(job));
    return 0;
  } finally {
    await queue?.close();
    await store.close();
  }
}
