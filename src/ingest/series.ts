// Ingest of indicator time series (formats `series`, `wastewater`, `small-boats`, `police-crime`): series committed
// in batches with a checkpoint, resumable after a crash, rejects with file, line and field; the same summary and
// progress as the entity pipeline, where a series counts as an entity and a point as a statement.
import { basename, resolve } from 'node:path';
import type { AccessContext } from '../access/index.js';
import type { SeriesInput, Store } from '../store/index.js';
import { type IngestRequest, type IngestSummary, openSource } from './pipeline.js';
import { reject } from './reader.js';
import { readPoliceCrime } from './series-police.js';
import { readGenericSeries, type SeriesReader } from './series-reader.js';
import { readSmallBoats } from './series-small-boats.js';
import { readWastewater } from './series-wastewater.js';

const READERS: ReadonlyMap<string, SeriesReader> = new Map([
  ['series', readGenericSeries],
  ['wastewater', readWastewater],
  ['small-boats', readSmallBoats],
  ['police-crime', readPoliceCrime],
]);

export const SERIES_FORMATS: ReadonlySet<string> = new Set(READERS.keys());

/** Points per committed batch by default. */
const DEFAULT_BATCH_POINTS = 50_000;

/** The batch's provenance origin: the files read, named (a long list shortened). */
function originOf(paths: readonly string[]): string {
  const names = paths.map((p) => basename(p));
  return names.length <= 5
    ? names.join(', ')
    : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
}

export async function ingestSeries(
  ctx: AccessContext,
  store: Store,
  req: IngestRequest,
): Promise<IngestSummary> {
  const format = req.format as string;
  const read = READERS.get(format) as SeriesReader;
  // A finished source is read again and the store reports its items as duplicates (R2); an interrupted one
  // resumes after its last committed batch.
  const { marking, grading, files, key, progress, summary, skip } = await openSource(ctx, store, req, format);
  const batchPoints = req.batchSize ?? DEFAULT_BATCH_POINTS;
  const origin = originOf(files.map((f) => f.path));
  let items = 0;
  let batch: SeriesInput[] = [];
  let points = 0;
  progress.emit('start');

  const flush = async (complete: boolean) => {
    if (batch.length === 0 && !complete) return;
    const result = await store.putSeries(ctx, {
      dataset: req.dataset,
      origin,
      marking,
      grading,
      series: batch,
      checkpoint: { sourceKey: key, dataset: req.dataset, itemsDone: items, complete },
    });
    const conflicting = new Set(result.conflicts.map((c) => c.index));
    result.newPerSeries.forEach((fresh, i) => {
      if (fresh > 0) summary.accepted++;
      else if (!conflicting.has(i)) summary.duplicates++;
    });
    for (const c of result.conflicts) {
      summary.rejected++;
      const point = batch[c.index]?.points.find((p) => p.period === c.period);
      const where = (point?.origin ?? '').split(':');
      req.onReject?.(
        reject(
          where[0] || origin,
          c.period === null ? 'SERIES_CONFLICT' : 'POINT_CONFLICT',
          `${c.reason}; the stored one is kept`,
          {
            record: c.period === null ? c.series : `${c.series} ${c.period}`,
            field: c.period === null ? 'unit' : 'value',
            ...(where[1] && /^\d+$/.test(where[1]) ? { line: Number(where[1]) } : {}),
          },
        ),
      );
    }
    summary.statements += result.pointsWritten;
    summary.entities += result.seriesCreated;
    progress.statements = summary.statements;
    progress.entities = summary.entities;
    progress.rejected = summary.rejected;
    batch = [];
    points = 0;
    progress.tick();
    await new Promise<void>((ok) => setImmediate(ok));
  };

  const opts = {
    onBytes: (n: number) => {
      progress.bytes += n;
    },
    ...(req.signal ? { signal: req.signal } : {}),
  };
  for await (const item of read(
    files.map((f) => resolve(f.path)),
    opts,
  )) {
    items++;
    progress.records++;
    if (items <= skip) {
      summary.duplicates++;
      continue;
    }
    if (item.kind === 'reject') {
      summary.rejected++;
      progress.rejected = summary.rejected;
      req.onReject?.(item);
    } else {
      batch.push(item.series);
      points += item.series.points.length;
    }
    if (points >= batchPoints) await flush(false);
    if (req.signal?.aborted) break;
  }
  if (!req.signal?.aborted) await flush(true);
  summary.elapsedMs = progress.event('done').elapsedMs;
  progress.emit('done');
  return summary;
}
