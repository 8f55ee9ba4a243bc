// The kinds of background job and their parameters, validated strictly when submitted and again when a worker
// reads them back from Redis (whatever is in Redis is input, not trusted state).
import { z } from 'zod';
import { METRICS } from '../graph/index.js';
import { NexusError } from '../model/index.js';

export const JOB_KINDS = ['ingest', 'xref', 'graph', 'trace', 'report'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

const dataset = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a dataset name');
const path = z.string().min(1).max(4096);
const text = (max: number) => z.string().max(max);
const whole = (max: number) => z.number().int().min(1).max(max);

/** `nexus ingest` as a job: the paths must be readable by every worker (a shared volume, same mount point). */
export const IngestParams = z.strictObject({
  dataset,
  paths: z.array(path).min(1).max(1000),
  /** [file, name] pairs: the name each file goes by in origins (IngestRequest.originNames); uploads give them. */
  origins: z
    .array(z.tuple([path, text(500)]))
    .max(10_000)
    .optional(),
  format: text(40).optional(),
  mapping: path.optional(),
  marking: text(200).optional(),
  grading: text(10).optional(),
  title: text(200).optional(),
  fictional: z.boolean().optional(),
  batchSize: whole(1_000_000).optional(),
});

/** `nexus xref` as a job: match suggestions stored for review. */
export const XrefParams = z.strictObject({
  dataset,
  against: z.array(dataset).max(100).optional(),
  threshold: z.number().min(0).max(1).optional(),
});

/** A graph analysis over a fresh projection of what the requester may see; the answer goes to a result file. */
export const GraphParams = z.strictObject({
  analysis: z.enum(['project', 'centrality', 'communities', 'campaigns', 'exposure']),
  datasets: z.array(dataset).max(100).optional(),
  metric: z.enum(METRICS).optional(),
  state: z
    .string()
    .regex(/^[a-z]{2}$/, 'a two-letter state code')
    .optional(),
  limit: whole(100_000).optional(),
});

/** `nexus trace` as a job; the answer goes to a result file. */
export const TraceParams = z.strictObject({
  from: z.array(text(200).min(1)).min(1).max(100),
  model: z.enum(['poison', 'haircut', 'fifo']),
  direction: z.enum(['forward', 'backward']).optional(),
  datasets: z.array(dataset).max(100).optional(),
  chain: text(40).optional(),
  asset: text(40).optional(),
  maxHops: whole(1000).optional(),
  maxAddresses: whole(10_000_000).optional(),
  maxMs: whole(3_600_000).optional(),
  stopAtServices: z.boolean().optional(),
});

/** `nexus assess` as a job: the report (HTML) or its data (JSON) in a result file. */
export const ReportParams = z.strictObject({
  format: z.enum(['html', 'json']),
  year: z.number().int().min(1900).max(2999).optional(),
  ceiling: text(200).optional(),
  asOf: text(40).optional(),
  recipient: text(200).optional(),
  conditions: text(1000).optional(),
});

export const PARAMS = {
  ingest: IngestParams,
  xref: XrefParams,
  graph: GraphParams,
  trace: TraceParams,
  report: ReportParams,
} as const;

export type ParamsOf<K extends JobKind> = z.infer<(typeof PARAMS)[K]>;

export function isJobKind(kind: string): kind is JobKind {
  return (JOB_KINDS as readonly string[]).includes(kind);
}

/** The parameters checked for their kind; USAGE_INVALID names the first problem. */
export function checkParams<K extends JobKind>(kind: K, params: unknown): ParamsOf<K> {
  const parsed = PARAMS[kind].safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'params';
    throw new NexusError('USAGE_INVALID', `jobs.${kind}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as ParamsOf<K>;
}
