// The ingest pipeline: reader -> validation -> batches committed whole with a checkpoint, resumable after a crash.
import { createHash } from 'node:crypto';
import { readdirSync, type Stats, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { type AccessContext, withoutGrading } from '../access/index.js';
import { DEFAULT_MARKING, formatMarking, NexusError, parseGrading, parseMarking } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { BatchPlan } from './batches.js';
import { getReader, guessFormat } from './formats.js';
import { type ProgressEvent, ProgressTracker } from './progress.js';
import type { Reject } from './reader.js';
import { ingestSeries, SERIES_FORMATS } from './series.js';
import { CHAIN_FORMATS, ingestChain } from './transfers.js';
import { batchesFor } from './worker-batches.js';

export interface IngestRequest {
  dataset: string;
  /**
   * Human title for the dataset list: a new dataset's (default the name), or a new title for an existing dataset the
   * caller can see. Without it an existing dataset keeps its title; so does `fictional`.
   */
  title?: string;
  fictional?: boolean;
  format?: string;
  paths: string[];
  /** Reader options, e.g. `mapping` -> mapping file path. */
  options?: ReadonlyMap<string, string>;
  /**
   * The name each file goes by in its statements' origins, in place of its path (`upload by alice: list.csv`), so a
   * path where a server held the file never becomes provenance. Keyed by file path (a file of a folder given in
   * `paths` too); an origin from a file not named here keeps its file's base name only. Reader formats only.
   */
  originNames?: ReadonlyMap<string, string>;
  /** Default marking for this source's statements, e.g. SECRET. */
  marking?: string;
  /** Default 3x5x2 grading for this source, e.g. 2BP. */
  grading?: string;
  /** Statements per committed batch. */
  batchSize?: number;
  now?: () => Date;
  onProgress?: (e: ProgressEvent) => void;
  onReject?: (r: Reject) => void;
  signal?: AbortSignal;
  /** Parse in a worker thread (default: for sources of 1 MB and more, when the compiled worker exists). */
  worker?: boolean;
}

const WORKER_THRESHOLD_BYTES = 1024 * 1024;

export interface IngestSummary {
  dataset: string;
  format: string;
  /** Source records that added at least one statement. */
  accepted: number;
  /** Records (or source items) that could not be taken at all. */
  rejected: number;
  /** Records already in the store (including those skipped when resuming). */
  duplicates: number;
  /** New entities created. */
  entities: number;
  /** New statements written. */
  statements: number;
  /** Values or properties rejected inside otherwise accepted records. */
  invalidValues: number;
  /** Source items skipped because an earlier, interrupted run had committed them. */
  resumedFrom: number;
  elapsedMs: number;
}

export const DATASET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export interface SourceFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Every file the paths name (a folder gives its files), stat'ed once for the key and the byte total. */
export function sourceFiles(paths: readonly string[]): SourceFile[] {
  const files: SourceFile[] = [];
  const add = (path: string, shown: string): Stats => {
    try {
      const st = statSync(path);
      if (st.isFile()) files.push({ path, size: st.size, mtimeMs: Math.floor(st.mtimeMs) });
      return st;
    } catch {
      throw new NexusError('SOURCE_UNREADABLE', `ingest: ${shown}: no such file or directory`, {
        file: shown,
      });
    }
  };
  for (const p of paths) {
    const abs = resolve(p);
    if (add(abs, p).isDirectory())
      for (const name of readdirSync(abs).sort()) add(join(abs, name), join(p, name));
  }
  return files;
}

/**
 * Identifies one source as read by one configuration: a changed file, mapping file or option starts afresh, so a
 * resume never skips records that a different configuration committed.
 */
export function sourceKey(
  req: IngestRequest,
  format: string,
  files: SourceFile[],
  marking: string,
  grading: string | null,
): string {
  const mapping = req.options?.get('mapping');
  const desc = {
    dataset: req.dataset,
    format,
    marking,
    grading,
    files: [...files, ...(mapping === undefined ? [] : sourceFiles([mapping]))].map((f) => [
      f.path,
      f.size,
      f.mtimeMs,
    ]),
    options: [...(req.options ?? new Map())].sort(),
    // Only when given, so the key of every other source stays as it was.
    ...(req.originNames === undefined ? {} : { originNames: [...req.originNames].sort() }),
  };
  return createHash('sha256').update(JSON.stringify(desc)).digest('hex');
}

/** What every ingest path starts with: the source's key and files, its checkpoint, the dataset row, the summary. */
export interface OpenedSource {
  marking: string;
  grading: string | null;
  files: SourceFile[];
  key: string;
  progress: ProgressTracker;
  summary: IngestSummary;
  /** Items an interrupted run committed: they are skipped (a finished source is read again, all duplicates). */
  skip: number;
}

export async function openSource(
  ctx: AccessContext,
  store: Store,
  req: IngestRequest,
  format: string,
): Promise<OpenedSource> {
  const marking = formatMarking(req.marking ? parseMarking(req.marking) : DEFAULT_MARKING);
  const grading = req.grading ? parseGrading(req.grading) : null;
  const files = sourceFiles(req.paths);
  const key = sourceKey(req, format, files, marking, grading);
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  const progress = new ProgressTracker(req.dataset, totalBytes, req.onProgress);
  const checkpoint = await store.getCheckpoint(ctx, key);
  const skip = checkpoint && !checkpoint.complete ? checkpoint.itemsDone : 0;
  const summary: IngestSummary = {
    dataset: req.dataset,
    format,
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    entities: 0,
    statements: 0,
    invalidValues: 0,
    resumedFrom: skip,
    elapsedMs: 0,
  };
  await prepareDataset(ctx, store, req);
  return { marking, grading, files, key, progress, summary, skip };
}

/**
 * The dataset row an ingest writes under. A new dataset is created with the request's title (default its name). An
 * existing dataset the caller can see keeps its title and `fictional` flag unless the request gives new ones. One
 * the caller cannot see is left exactly as it is, whatever the request asks, and the ingest goes on as it would for
 * a new dataset: the caller learns nothing of it (SECURITY.md R9).
 */
async function prepareDataset(ctx: AccessContext, store: Store, req: IngestRequest): Promise<void> {
  const visible = (await store.datasets(withoutGrading(ctx))).find((d) => d.name === req.dataset);
  if (visible) {
    await store.upsertDataset(ctx, {
      name: req.dataset,
      title: req.title ?? visible.title,
      fictional: req.fictional ?? visible.fictional,
    });
    return;
  }
  // New, or one the caller cannot see: created when absent, and otherwise left exactly as it is.
  await store.upsertDataset(
    ctx,
    { name: req.dataset, title: req.title ?? req.dataset, fictional: req.fictional ?? false },
    { keep: true },
  );
}

/**
 * Rewrites a reader's origin (`PATH:LINE`, `PATH#RECORD` or `PATH`) to the name its file goes by (`NAME:LINE`); an
 * origin from a file without a name keeps the file's base name. Undefined when the request names no file.
 */
export function originRenamer(
  names: ReadonlyMap<string, string> | undefined,
): ((o: string) => string) | undefined {
  if (names === undefined) return undefined;
  const byPath = new Map([...names].map(([path, name]) => [resolve(path), name]));
  const of = (origin: string, path: string): boolean => {
    const next = origin.charAt(path.length);
    return origin.startsWith(path) && (next === '' || next === ':' || next === '#');
  };
  // Records come file by file: the file of the last origin is tried first, unless a longer named path begins with it.
  const paths = [...byPath.keys()];
  const prefixes = new Set(paths.filter((p) => paths.some((q) => q !== p && q.startsWith(p))));
  let last: string | undefined;
  return (origin) => {
    if (last === undefined || prefixes.has(last) || !of(origin, last)) {
      // Paths may hold ':' or '#' themselves: the longest named path the origin starts with wins.
      last = undefined;
      for (const path of byPath.keys())
        if (of(origin, path) && (last === undefined || path.length > last.length)) last = path;
    }
    if (last !== undefined) return `${byPath.get(last)}${origin.slice(last.length)}`;
    return origin.includes(sep) ? basename(origin) : origin;
  };
}

export async function ingest(ctx: AccessContext, store: Store, req: IngestRequest): Promise<IngestSummary> {
  if (!DATASET_NAME.test(req.dataset)) {
    throw new NexusError(
      'USAGE_INVALID',
      `ingest: dataset name "${req.dataset}" must be lower-case letters, digits, _ or -`,
    );
  }
  const format = req.format ?? guessFormat(req.paths, req.options?.has('mapping') ?? false);
  if (req.originNames !== undefined && (CHAIN_FORMATS.has(format) || SERIES_FORMATS.has(format)))
    throw new NexusError('USAGE_INVALID', `ingest: origin names are not taken for format ${format}`);
  if (CHAIN_FORMATS.has(format)) return ingestChain(ctx, store, { ...req, format });
  if (SERIES_FORMATS.has(format)) return ingestSeries(ctx, store, { ...req, format });
  getReader(format);
  const { marking, grading, files, key, progress, summary, skip } = await openSource(ctx, store, req, format);
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  const now = req.now ?? (() => new Date());
  const runAt = now().toISOString().slice(0, 19);
  const batchSize = req.batchSize ?? 50_000;
  const rename = originRenamer(req.originNames);

  const plan: BatchPlan = {
    format,
    // Readers get the paths as given (the OFAC reader takes a folder); the key above covers every file in them.
    paths: req.paths.map((p) => resolve(p)),
    options: [...(req.options ?? new Map())],
    defaults: { dataset: req.dataset, marking, grading, now: runAt },
    skip,
    batchSize,
  };
  const useWorker = req.worker ?? totalBytes >= WORKER_THRESHOLD_BYTES;
  progress.emit('start');
  let complete = true;
  let itemsDone = skip;
  for await (const batch of batchesFor(plan, useWorker, req.signal)) {
    for (const r of batch.rejects) req.onReject?.(r);
    summary.rejected += batch.rejectedRecords;
    summary.invalidValues += batch.invalidValues;
    summary.duplicates += batch.skippedRecords;
    itemsDone = batch.itemsDone;
    if (req.signal?.aborted) {
      complete = false;
      break;
    }
    const result = await store.putStatements(ctx, {
      dataset: req.dataset,
      records: batch.records.map((groups) => ({
        groups: rename ? groups.map((g) => ({ ...g, origin: rename(g.origin) })) : groups,
      })),
      checkpoint: { sourceKey: key, dataset: req.dataset, itemsDone: batch.itemsDone, complete: false },
    });
    for (const fresh of result.newPerRecord) {
      if (fresh > 0) summary.accepted++;
      else summary.duplicates++;
    }
    summary.statements += result.statementsWritten;
    summary.entities += result.entitiesCreated;
    progress.records += batch.records.length + batch.rejectedRecords;
    progress.rejected = summary.rejected;
    progress.entities = summary.entities;
    progress.statements = summary.statements;
    progress.bytes = batch.bytes;
    progress.tick();
    // Writes are synchronous: give the event loop a turn after each batch, so a server running this ingest as
    // a job keeps answering (progress streams, cancel, other users) between batches.
    await new Promise<void>((ok) => setImmediate(ok));
  }
  if (complete && !req.signal?.aborted) {
    // Marks the source finished, so the next run of the same source reports duplicates instead of resuming.
    await store.putStatements(ctx, {
      dataset: req.dataset,
      records: [],
      checkpoint: { sourceKey: key, dataset: req.dataset, itemsDone, complete: true },
    });
  }
  summary.elapsedMs = progress.event('done').elapsedMs;
  progress.emit('done');
  return summary;
}
