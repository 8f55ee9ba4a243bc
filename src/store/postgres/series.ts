// Indicator series and their points in PostgreSQL, mirroring src/store/sqlite/series.ts: a series row per (dataset,
// id), a point per (series, period), each with the batch's provenance row so the statement access rule applies.
// Values are stored as decimal text (String(x)), so they read back bit for bit and a reload compares exactly.
import type { AccessContext } from '../../access/index.js';
import { NexusError } from '../../model/index.js';
import {
  filterSeries,
  type PointText,
  pointConflictReason,
  pointText,
  seriesConflictReason,
  sortPoints,
} from '../series-rules.js';
import type {
  SeriesBatch,
  SeriesBatchResult,
  SeriesFilter,
  SeriesFrequency,
  SeriesInput,
  StoredSeries,
  StoredSeriesPoint,
} from '../store.js';
import { insertProvenance } from './crypto-shared.js';
import { type Client, Params, type PgDb } from './db.js';
import { visibleSql } from './visibility.js';

/**
 * Runs inside the caller's write transaction, after checkSeriesBatch. A value that is not finite throws
 * VALUE_INVALID and the transaction rolls back; as in SQLite, points of a series refused for its unit are not read.
 */
export async function writeSeries(c: Client, batch: SeriesBatch, now: string): Promise<SeriesBatchResult> {
  const pid = await insertProvenance(c, 'IndicatorSeries', batch, now);
  const result: SeriesBatchResult = { newPerSeries: [], pointsWritten: 0, seriesCreated: 0, conflicts: [] };
  const list = batch.series;
  const col = <K extends keyof SeriesInput>(k: K) => list.map((s) => s[k]);
  const created = new Set(
    (
      await c.query<{ id: string }>(
        `INSERT INTO indicator_series (dataset, id, pid, name, unit, area, country, subject, frequency, source)
         SELECT $1, u.id, $2, u.name, u.unit, u.area, u.country, u.subject, u.frequency, u.source
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                     $10::text[]) WITH ORDINALITY AS u(id, name, unit, area, country, subject, frequency, source, ord)
         ORDER BY u.ord
         ON CONFLICT DO NOTHING RETURNING id`,
        [
          batch.dataset,
          pid,
          col('id'),
          col('name'),
          col('unit'),
          col('area'),
          col('country'),
          col('subject'),
          col('frequency'),
          col('source'),
        ],
      )
    ).rows.map((r) => r.id),
  );
  const rows = new Map(
    (
      await c.query<{ sid: number; id: string; unit: string; frequency: string }>(
        'SELECT sid, id, unit, frequency FROM indicator_series WHERE dataset = $1 AND id = ANY($2::text[])',
        [batch.dataset, col('id')],
      )
    ).rows.map((r) => [r.id, r]),
  );

  // The points to send: each (series, period) once; a repeat within the batch compares with its first occurrence.
  const sids: number[] = [];
  const periods: string[] = [];
  const values: string[] = [];
  const lows: (string | null)[] = [];
  const highs: (string | null)[] = [];
  const partials: boolean[] = [];
  const origins: string[] = [];
  const firstRow = new Map<string, number>();
  /**
   * Per series: why it conflicts, or for each point its sent row, negated (-row - 1) for a repeat. Conflicts are
   * reported in batch order below, a series' own among its points' as SQLite reports them.
   */
  const refs: (number[] | string)[] = [];
  const texts: PointText[][] = [];
  for (const s of list) {
    const row = rows.get(s.id);
    if (!row) throw new NexusError('STORE_UNAVAILABLE', `store.putSeries: series "${s.id}" was not stored`);
    if (created.delete(s.id)) result.seriesCreated++;
    else if (row.unit !== s.unit || row.frequency !== s.frequency) {
      refs.push(seriesConflictReason(row));
      texts.push([]);
      continue;
    }
    const mine: number[] = [];
    const mineText = s.points.map((p) => pointText(s, p));
    texts.push(mineText);
    for (const [k, p] of s.points.entries()) {
      const key = `${row.sid}\u0000${p.period}`;
      const first = firstRow.get(key);
      if (first !== undefined) {
        mine.push(-first - 1);
        continue;
      }
      const t = mineText[k] as PointText;
      firstRow.set(key, sids.length);
      mine.push(sids.length);
      sids.push(row.sid);
      periods.push(p.period);
      values.push(t.value);
      lows.push(t.low);
      highs.push(t.high);
      partials.push(Boolean(p.partial));
      origins.push(p.origin ?? '');
    }
    refs.push(mine);
  }
  // One statement: look each point up, insert those not stored in batch order, return only those stored. The
  // insert needs no ON CONFLICT: under the write lock nothing else adds a point between the look-up and the insert,
  // so a duplicate here would be a bug and fails the batch rather than being miscounted.
  const stored = await c.query<{ ord: number } & PointText>(
    `WITH u AS MATERIALIZED (
       SELECT u.*, o.value AS old_value, o.low AS old_low, o.high AS old_high, o.sid IS NOT NULL AS stored
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::text[])
            WITH ORDINALITY AS u(sid, period, value, low, high, partial, origin, ord)
       LEFT JOIN indicator_points o ON o.sid = u.sid AND o.period = u.period
     ),
     ins AS (
       INSERT INTO indicator_points (sid, period, pid, value, low, high, partial, origin)
       SELECT sid, period, $1, value, low, high, partial, origin FROM u WHERE NOT stored ORDER BY ord
     )
     SELECT ord, old_value AS value, old_low AS low, old_high AS high FROM u WHERE stored`,
    [pid, sids, periods, values, lows, highs, partials, origins],
  );
  const old = new Map<number, PointText>();
  for (const r of stored.rows) old.set(Number(r.ord) - 1, { value: r.value, low: r.low, high: r.high });

  for (const [index, s] of list.entries()) {
    const mine = refs[index] as number[] | string;
    if (typeof mine === 'string') {
      result.conflicts.push({ series: s.id, index, period: null, reason: mine });
      result.newPerSeries.push(0);
      continue;
    }
    let written = 0;
    for (const [k, p] of s.points.entries()) {
      const ref = mine[k] as number;
      const row = ref < 0 ? -ref - 1 : ref;
      const before = old.get(row);
      if (ref >= 0 && before === undefined) {
        written++;
        continue;
      }
      const held = before ?? {
        value: values[row] as string,
        low: lows[row] ?? null,
        high: highs[row] ?? null,
      };
      const t = texts[index]?.[k] as PointText;
      if (held.value !== t.value || held.low !== t.low || held.high !== t.high)
        result.conflicts.push({
          series: s.id,
          index,
          period: p.period,
          reason: pointConflictReason(held),
        });
    }
    result.newPerSeries.push(written);
    result.pointsWritten += written;
  }
  // Nothing new: what is stored keeps its first provenance, and this row would only be clutter.
  if (result.pointsWritten === 0 && result.seriesCreated === 0)
    await c.query('DELETE FROM provenance WHERE pid = $1', [pid]);
  return result;
}

interface ListRow {
  id: string;
  name: string;
  unit: string;
  area: string;
  country: string;
  subject: string;
  frequency: string;
  source: string;
  dataset: string;
  marking: string;
  grading: string | null;
  points: number;
  first: string | null;
  last: string | null;
}

export async function listSeries(
  db: PgDb,
  ctx: AccessContext,
  filter: SeriesFilter,
): Promise<StoredSeries[]> {
  if (filter.ids?.length === 0 || filter.datasets?.length === 0) return [];
  const q = new Params();
  const where = [visibleSql(ctx, 'p', q)];
  if (filter.datasets) where.push(`s.dataset = ANY(${q.p(filter.datasets)}::text[])`);
  if (filter.ids) where.push(`s.id = ANY(${q.p(filter.ids)}::text[])`);
  // The point counts per series come from its (sid, period) key, visible points only.
  const rows = await db.query<ListRow>(
    `SELECT s.id, s.name, s.unit, s.area, s.country, s.subject, s.frequency, s.source, s.dataset, p.marking,
            p.grading, v.n AS points, v.first, v.last
     FROM indicator_series s JOIN provenance p ON p.pid = s.pid
     CROSS JOIN LATERAL (
       SELECT count(*) AS n, min(x.period COLLATE "C") AS first, max(x.period COLLATE "C") AS last
       FROM indicator_points x JOIN provenance xp ON xp.pid = x.pid
       WHERE x.sid = s.sid AND ${visibleSql(ctx, 'xp', q)}
     ) v
     WHERE ${where.join(' AND ')}`,
    q.values,
  );
  return filterSeries(rows, filter).map((r) => ({
    ...r,
    points: Number(r.points),
    frequency: r.frequency as SeriesFrequency,
  }));
}

interface PointRow {
  id: string;
  dataset: string;
  period: string;
  value: string;
  low: string | null;
  high: string | null;
  partial: boolean;
  origin: string;
  marking: string;
}

export async function seriesPoints(
  db: PgDb,
  ctx: AccessContext,
  ids: readonly string[],
  options: { datasets?: readonly string[] },
): Promise<StoredSeriesPoint[]> {
  if (ids.length === 0 || options.datasets?.length === 0) return [];
  const q = new Params();
  const where = [visibleSql(ctx, 'sp', q), visibleSql(ctx, 'pp', q), `s.id = ANY(${q.p(ids)}::text[])`];
  if (options.datasets) where.push(`s.dataset = ANY(${q.p(options.datasets)}::text[])`);
  const rows = await db.query<PointRow>(
    `SELECT s.id, s.dataset, x.period, x.value, x.low, x.high, x.partial, x.origin, pp.marking
     FROM indicator_series s JOIN provenance sp ON sp.pid = s.pid
     JOIN indicator_points x ON x.sid = s.sid JOIN provenance pp ON pp.pid = x.pid
     WHERE ${where.join(' AND ')}`,
    q.values,
  );
  return sortPoints(
    rows.map((r) => ({
      series: r.id,
      dataset: r.dataset,
      period: r.period,
      value: Number(r.value),
      low: r.low === null ? null : Number(r.low),
      high: r.high === null ? null : Number(r.high),
      partial: r.partial,
      origin: r.origin,
      marking: r.marking,
    })),
  );
}
