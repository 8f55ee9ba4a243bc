// The ingest pipeline: reader -> validation -> batches committed whole with a checkpoint, resumable after a crash.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AccessContext } from '../access/index.js';
import { DEFAULT_MARKING, formatMarking, NexusError, parseGrading, parseMarking } from '../model/index.js';
import type { RecordStatements, Store } from '../store/index.js';
import { getReader, guessFormat } from './formats.js';
import { type ProgressEvent, ProgressTracker } from './progress.js';
import type { Reject } from './reader.js';
import { validateRecord } from './validate.js';

export interface IngestRequest {
  dataset: string;
  /** Human title for the dataset list; defaults to the name. */
  title?: string;
  fictional?: boolean;
  format?: string;
  paths: string[];
  /** Reader options, e.g. `mapping` -> mapping file path. */
  options?: ReadonlyMap<string, string>;
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
}

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

const DATASET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

function sourceFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(abs);
    } catch {
      throw new NexusError('SOURCE_UNREADABLE', `ingest: ${p}: no such file or directory`, { file: p });
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(abs).sort()) {
        const child = join(abs, name);
        if (statSync(child).isFile()) files.push(child);
      }
    } else files.push(abs);
  }
  return files;
}

/** Identifies one source as read by one configuration: a changed file or option starts afresh. */
function sourceKey(
  req: IngestRequest,
  format: string,
  files: string[],
  marking: string,
  grading: string | null,
): string {
  const desc = {
    dataset: req.dataset,
    format,
    marking,
    grading,
    files: files.map((f) => {
      const st = statSync(f);
      return [f, st.size, Math.floor(st.mtimeMs)];
    }),
    options: [...(req.options ?? new Map())].sort(),
  };
  return createHash('sha256').update(JSON.stringify(desc)).digest('hex');
}

export async function ingest(ctx: AccessContext, store: Store, req: IngestRequest): Promise<IngestSummary> {
  if (!DATASET_NAME.test(req.dataset)) {
    throw new NexusError(
      'USAGE_INVALID',
      `ingest: dataset name "${req.dataset}" must be lower-case letters, digits, _ or -`,
    );
  }
  const format = req.format ?? guessFormat(req.paths, req.options?.has('mapping') ?? false);
  const reader = getReader(format);
  const marking = formatMarking(req.marking ? parseMarking(req.marking) : DEFAULT_MARKING);
  const grading = req.grading ? parseGrading(req.grading) : null;
  const files = sourceFiles(req.paths);
  const totalBytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const key = sourceKey(req, format, files, marking, grading);
  const now = req.now ?? (() => new Date());
  const runAt = now().toISOString().slice(0, 19);
  const batchSize = req.batchSize ?? 20_000;
  const progress = new ProgressTracker(req.dataset, totalBytes, req.onProgress);
  const summary: IngestSummary = {
    dataset: req.dataset,
    format,
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    entities: 0,
    statements: 0,
    invalidValues: 0,
    resumedFrom: 0,
    elapsedMs: 0,
  };

  const checkpoint = await store.getCheckpoint(ctx, key);
  const skip = checkpoint && !checkpoint.complete ? checkpoint.itemsDone : 0;
  summary.resumedFrom = skip;
  await store.upsertDataset(ctx, {
    name: req.dataset,
    title: req.title ?? req.dataset,
    fictional: req.fictional ?? false,
  });

  let items = 0;
  let pending: RecordStatements[] = [];
  let pendingStatements = 0;
  const flush = async (complete: boolean) => {
    const records = pending;
    pending = [];
    pendingStatements = 0;
    const result = await store.putStatements(ctx, {
      dataset: req.dataset,
      records,
      checkpoint: { sourceKey: key, dataset: req.dataset, itemsDone: items, complete },
    });
    for (const fresh of result.newPerRecord) {
      if (fresh > 0) summary.accepted++;
      else summary.duplicates++;
    }
    summary.statements += result.statementsWritten;
    summary.entities += result.entitiesCreated;
    progress.entities = summary.entities;
    progress.statements = summary.statements;
  };
  const sink = (r: Reject) => req.onReject?.(r);

  progress.emit('start');
  // Readers get the paths as given (the OFAC reader takes a folder); the key above covers every file in them.
  const source = reader.read(
    req.paths.map((p) => resolve(p)),
    {
      onBytes: (n) => {
        progress.bytes += n;
      },
      options: req.options ?? new Map(),
      signal: req.signal,
    },
  );
  for await (const item of source) {
    if (req.signal?.aborted) break;
    items++;
    if (items <= skip) {
      if (item.kind === 'record') summary.duplicates++;
      continue;
    }
    if (item.kind === 'reject') {
      summary.rejected++;
      progress.rejected++;
      sink(item);
      continue;
    }
    progress.records++;
    const v = validateRecord(item, { dataset: req.dataset, marking, grading, now: runAt });
    if (v.statements.length === 0) {
      summary.rejected++;
      progress.rejected++;
      for (const r of v.rejects) sink(r);
      if (v.rejects.length === 0)
        sink({
          kind: 'reject',
          file: item.origin.file,
          line: item.origin.line,
          record: item.origin.record,
          code: 'RECORD_INVALID',
          reason: 'record produced no entity',
        });
      continue;
    }
    summary.invalidValues += v.rejects.length;
    for (const r of v.rejects) sink(r);
    pending.push({ statements: v.statements });
    pendingStatements += v.statements.length;
    if (pendingStatements >= batchSize) await flush(false);
    progress.tick();
  }
  await flush(!(req.signal?.aborted ?? false));
  summary.elapsedMs = progress.event('done').elapsedMs;
  progress.emit('done');
  return summary;
}
