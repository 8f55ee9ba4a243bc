// What each kind of job does, through the same library calls as the CLI: ingest (batched, checkpointed, resumable),
// xref, a graph analysis, a crypto trace, the strategic assessment. Each is idempotent: ingest resumes from its
// checkpoint, xref stores the same suggestions again as the same rows, and the others only read the store and
// (re)write their result file.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AccessContext, disclosureTerms, withCeiling } from '../access/index.js';
import { assessmentJson, buildAssessment, loadSignoffs, renderHtml } from '../assess/index.js';
import { GraphService } from '../graph/index.js';
import {
  type IngestSummary,
  ingest,
  type ProgressEvent,
  type Reject,
  RejectReport,
} from '../ingest/index.js';
import { NexusError } from '../model/index.js';
import { xref } from '../resolve/index.js';
import type { Store } from '../store/index.js';
import { TraceService } from '../trace/index.js';
import type { JobKind, ParamsOf } from './job-kinds.js';

export interface RunHooks {
  /** Ingest progress, or a note with counts for other kinds; published as the job's progress. */
  progress(p: { ingest?: ProgressEvent; note?: string; processed?: number; total?: number }): void;
  reject(r: Reject): void;
}

export interface RunEnv {
  store: Store;
  /** The worker's Nexus home: reject reports and result files go beneath it. */
  home: string;
  jobId: string;
  /** Aborted to cancel (or to release the job when the worker stops); ingest stops at its next batch boundary. */
  signal: AbortSignal;
  hooks: RunHooks;
}

export interface RunOutcome {
  summary: Record<string, unknown>;
  /** The result file and the highest marking inside it. */
  file?: string;
  marking?: string;
  /** True when the work stopped early because `signal` was aborted. */
  stopped?: boolean;
}

export type Runner<K extends JobKind> = (
  ctx: AccessContext,
  params: ParamsOf<K>,
  env: RunEnv,
) => Promise<RunOutcome>;
export type Runners = { [K in JobKind]: Runner<K> };

/** Writes a result file (0600, in HOME/results, 0700) whole: a reader never sees half of it. */
export function writeResult(home: string, jobId: string, ext: string, body: string): string {
  const dir = join(home, 'results');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${jobId}.${ext}`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, body, { mode: 0o600 });
  renameSync(tmp, file);
  return file;
}

const runIngest: Runner<'ingest'> = async (ctx, p, env) => {
  const report = new RejectReport(join(env.home, 'rejects', `${p.dataset}-${env.jobId}.jsonl`));
  let summary: IngestSummary;
  try {
    summary = await ingest(ctx, env.store, {
      dataset: p.dataset,
      ...(p.title === undefined ? {} : { title: p.title }),
      ...(p.fictional === undefined ? {} : { fictional: p.fictional }),
      ...(p.format !== undefined || p.mapping !== undefined ? { format: p.format ?? 'mapping' } : {}),
      paths: p.paths,
      ...(p.origins === undefined ? {} : { originNames: new Map(p.origins) }),
      ...(p.mapping === undefined ? {} : { options: new Map([['mapping', p.mapping]]) }),
      ...(p.marking === undefined ? {} : { marking: p.marking }),
      ...(p.grading === undefined ? {} : { grading: p.grading }),
      ...(p.batchSize === undefined ? {} : { batchSize: p.batchSize }),
      signal: env.signal,
      onProgress: (e) => env.hooks.progress({ ingest: e }),
      onReject: (r) => {
        report.add(r);
        env.hooks.reject(r);
      },
    });
  } finally {
    await report.close();
  }
  return {
    summary: { ...summary, rejectReport: report.count > 0 ? report.path : null },
    stopped: env.signal.aborted,
  };
};

const runXref: Runner<'xref'> = async (ctx, p, env) => {
  const summary = await xref(ctx, env.store, {
    dataset: p.dataset,
    ...(p.against === undefined ? {} : { against: p.against }),
    ...(p.threshold === undefined ? {} : { threshold: p.threshold }),
    onProgress: (x) =>
      env.hooks.progress({ note: 'entities scored', processed: x.processed, total: x.total }),
  });
  return { summary: { ...summary } };
};

const runGraph: Runner<'graph'> = async (ctx, p, env) => {
  const service = new GraphService(env.store);
  const scope = p.datasets === undefined ? {} : { datasets: p.datasets };
  env.hooks.progress({ note: 'projecting the graph' });
  const projection = await service.projection(ctx, scope);
  const size = { entities: projection.stats.entities, relationships: projection.stats.relationships };
  if (p.analysis === 'project') return { summary: size, marking: projection.marking };
  env.hooks.progress({ note: `running ${p.analysis}` });
  let answer: { marking: string };
  let found: number;
  if (p.analysis === 'centrality') {
    const a = await service.centrality(ctx, {
      ...scope,
      metric: p.metric ?? 'pagerank',
      limit: p.limit ?? 0,
    });
    [answer, found] = [a, a.scores.length];
  } else if (p.analysis === 'communities') {
    const a = await service.communities(ctx, scope);
    [answer, found] = [a, a.communities.length];
  } else if (p.analysis === 'campaigns') {
    const a = await service.campaigns(ctx, scope);
    [answer, found] = [a, a.campaigns.length];
  } else {
    if (p.state === undefined) throw new NexusError('USAGE_INVALID', 'jobs.graph: exposure needs a state');
    const a = await service.exposure(ctx, {
      ...scope,
      state: p.state,
      ...(p.limit ? { limit: p.limit } : {}),
    });
    [answer, found] = [a, a.entities.length];
  }
  const file = writeResult(env.home, env.jobId, 'json', `${JSON.stringify(answer)}\n`);
  return { summary: { ...size, analysis: p.analysis, found }, file, marking: answer.marking };
};

const runTrace: Runner<'trace'> = async (ctx, p, env) => {
  const service = new TraceService(env.store, new GraphService(env.store));
  env.hooks.progress({ note: 'tracing' });
  const answer = await service.trace(ctx, { ...p, from: p.from });
  const file = writeResult(env.home, env.jobId, 'json', `${JSON.stringify(answer)}\n`);
  return {
    summary: { reached: answer.reached.length, limit_reached: answer.limit_reached, model: answer.model },
    file,
    marking: answer.marking,
  };
};

const runReport: Runner<'report'> = async (ctx, p, env) => {
  const capped = withCeiling(ctx, p.ceiling);
  env.hooks.progress({ note: 'building the assessment' });
  const a = await buildAssessment(env.store, capped, {
    ...(p.year === undefined ? {} : { year: p.year }),
    ...(p.asOf === undefined ? {} : { asOf: p.asOf }),
    ...(p.ceiling === undefined ? {} : { ceiling: p.ceiling }),
    signoffs: loadSignoffs(env.home),
  });
  let file: string;
  if (p.format === 'json')
    file = writeResult(env.home, env.jobId, 'json', `${JSON.stringify(assessmentJson(a))}\n`);
  else {
    // SECURITY.md R10: a report that leaves with C-coded intelligence names its recipient and conditions.
    const conditional = [
      ...a.judgements.flatMap((j) => j.evidence),
      ...a.claims.flatMap((x) => x.evidence),
    ].some((e) => e.grading.some((g) => /^[1-3][A-E]C$/.test(g)));
    const terms = disclosureTerms(
      conditional,
      { recipient: p.recipient, conditions: p.conditions },
      'jobs.report',
    );
    file = writeResult(env.home, env.jobId, 'html', renderHtml(a, terms));
  }
  return { summary: { judgements: a.judgements.length, claims: a.claims.length }, file, marking: a.marking };
};

export const RUNNERS: Runners = {
  ingest: runIngest,
  xref: runXref,
  graph: runGraph,
  trace: runTrace,
  report: runReport,
};
