// Indicator series and their points in SQLite: a series row per (dataset, id), a point per (series, period), each
// with a provenance row (dataset, marking, grading) so the statement access rule applies as is.
import type Database from 'better-sqlite3';
import type { AccessContext } from '../../access/index.js';
import { parseMarking } from '../../model/index.js';
import {
  checkSeriesBatch,
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
  StoredSeries,
  StoredSeriesPoint,
} from '../store.js';
import { CAVEAT_SEPARATOR, visibilityParams, visibleSql } from './visibility.js';

/** Ids, periods and names bound per query at most, well under SQLite's parameter limit. */
const CHUNK = 200;

interface SeriesRow {
  sid: number;
  unit: string;
  frequency: string;
}

export class SeriesTables {
  private readonly insertProvenance: Database.Statement;
  private readonly deleteProvenance: Database.Statement;
  private readonly insertMarking: Database.Statement;
  private readonly insertSeries: Database.Statement;
  private readonly findSeries: Database.Statement;
  private readonly insertPoint: Database.Statement;
  private readonly existingPoint: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertProvenance = db.prepare(
      `INSERT INTO provenance (schema, dataset, origin, first_seen, marking, mlevel, caveats, grading)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.deleteProvenance = db.prepare('DELETE FROM provenance WHERE pid = ?');
    this.insertMarking = db.prepare('INSERT OR IGNORE INTO markings_present (mlevel, caveats) VALUES (?, ?)');
    this.insertSeries = db
      .prepare(
        `INSERT INTO indicator_series (dataset, id, pid, name, unit, area, country, subject, frequency, source)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING sid`,
      )
      .pluck();
    this.findSeries = db.prepare(
      'SELECT sid, unit, frequency FROM indicator_series WHERE dataset = ? AND id = ?',
    );
    this.insertPoint = db.prepare(
      `INSERT OR IGNORE INTO indicator_points (sid, period, pid, value, low, high, partial, origin)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.existingPoint = db.prepare(
      'SELECT value, low, high FROM indicator_points WHERE sid = ? AND period = ?',
    );
  }

  /** Runs inside the caller's transaction. */
  write(batch: SeriesBatch, now: string): SeriesBatchResult {
    checkSeriesBatch(batch);
    const m = parseMarking(batch.marking);
    const caveats = m.caveats.join(CAVEAT_SEPARATOR);
    this.insertMarking.run(m.rank, caveats);
    const pid = Number(
      this.insertProvenance.run(
        'IndicatorSeries',
        batch.dataset,
        batch.origin,
        now,
        batch.marking,
        m.rank,
        caveats,
        batch.grading,
      ).lastInsertRowid,
    );
    const result: SeriesBatchResult = { newPerSeries: [], pointsWritten: 0, seriesCreated: 0, conflicts: [] };
    for (const [index, s] of batch.series.entries()) {
      const fresh = this.insertSeries.get(
        batch.dataset,
        s.id,
        pid,
        s.name,
        s.unit,
        s.area,
        s.country,
        s.subject,
        s.frequency,
        s.source,
      ) as number | bigint | undefined;
      let sid: number;
      if (fresh !== undefined) {
        sid = Number(fresh);
        result.seriesCreated++;
      } else {
        const row = this.findSeries.get(batch.dataset, s.id) as SeriesRow;
        sid = row.sid;
        if (row.unit !== s.unit || row.frequency !== s.frequency) {
          result.conflicts.push({
            series: s.id,
            index,
            period: null,
            reason: seriesConflictReason(row),
          });
          result.newPerSeries.push(0);
          continue;
        }
      }
      let written = 0;
      for (const p of s.points) {
        const { value, low, high } = pointText(s, p);
        const info = this.insertPoint.run(
          sid,
          p.period,
          pid,
          value,
          low,
          high,
          p.partial ? 1 : 0,
          p.origin ?? '',
        );
        if (info.changes === 1) written++;
        else {
          const old = this.existingPoint.get(sid, p.period) as PointText;
          if (old.value !== value || old.low !== low || old.high !== high)
            result.conflicts.push({
              series: s.id,
              index,
              period: p.period,
              reason: pointConflictReason(old),
            });
        }
      }
      result.newPerSeries.push(written);
      result.pointsWritten += written;
    }
    // Nothing new: what is stored keeps its first provenance, and this row would only be clutter.
    if (result.pointsWritten === 0 && result.seriesCreated === 0) this.deleteProvenance.run(pid);
    return result;
  }

  list(ctx: AccessContext, filter: SeriesFilter): StoredSeries[] {
    const sql = (where: string[]) =>
      `SELECT s.id, s.name, s.unit, s.area, s.country, s.subject, s.frequency, s.source, s.dataset, p.marking,
         p.grading, coalesce(v.n, 0) AS points, v.first, v.last
       FROM indicator_series s JOIN provenance p ON p.pid = s.pid
       LEFT JOIN (SELECT x.sid, count(*) AS n, min(x.period) AS first, max(x.period) AS last
                  FROM indicator_points x JOIN provenance xp ON xp.pid = x.pid
                  WHERE ${visibleSql('xp')} GROUP BY x.sid) v ON v.sid = s.sid
       WHERE ${where.join(' AND ')}`;
    const run = (ids: readonly string[] | undefined): StoredSeries[] => {
      const params: Record<string, unknown> = { ...visibilityParams(ctx) };
      const where = [
        visibleSql('p'),
        ...inList('s.dataset', 'd', filter.datasets, params),
        ...inList('s.id', 'i', ids, params),
      ];
      return this.db.prepare(sql(where)).all(params) as StoredSeries[];
    };
    let rows: StoredSeries[] = [];
    if (filter.ids === undefined) rows = run(undefined);
    else {
      const wanted = [...new Set(filter.ids)];
      for (let i = 0; i < wanted.length; i += CHUNK) rows.push(...run(wanted.slice(i, i + CHUNK)));
    }
    return filterSeries(rows, filter).map((r) => ({ ...r, frequency: r.frequency as SeriesFrequency }));
  }

  points(
    ctx: AccessContext,
    ids: readonly string[],
    options: { datasets?: readonly string[] },
  ): StoredSeriesPoint[] {
    const out: StoredSeriesPoint[] = [];
    const wanted = [...new Set(ids)];
    for (let i = 0; i < wanted.length; i += CHUNK) {
      const params: Record<string, unknown> = { ...visibilityParams(ctx) };
      const where = [
        visibleSql('sp'),
        visibleSql('pp'),
        ...inList('s.id', 'i', wanted.slice(i, i + CHUNK), params),
        ...inList('s.dataset', 'd', options.datasets, params),
      ];
      const rows = this.db
        .prepare(
          `SELECT s.id, s.dataset, x.period, x.value, x.low, x.high, x.partial, x.origin, pp.marking
           FROM indicator_series s JOIN provenance sp ON sp.pid = s.pid
           JOIN indicator_points x ON x.sid = s.sid JOIN provenance pp ON pp.pid = x.pid
           WHERE ${where.join(' AND ')}`,
        )
        .raw()
        .all(params) as [
        string,
        string,
        string,
        string,
        string | null,
        string | null,
        number,
        string,
        string,
      ][];
      for (const r of rows)
        out.push({
          series: r[0],
          dataset: r[1],
          period: r[2],
          value: Number(r[3]),
          low: r[4] === null ? null : Number(r[4]),
          high: r[5] === null ? null : Number(r[5]),
          partial: r[6] === 1,
          origin: r[7],
          marking: r[8],
        });
    }
    return sortPoints(out);
  }
}

/** `column IN (@p0, ...)` binding the values into params; nothing when the list is absent. */
function inList(
  column: string,
  prefix: string,
  values: readonly string[] | undefined,
  params: Record<string, unknown>,
): string[] {
  if (values === undefined) return [];
  if (values.length === 0) return ['0'];
  values.forEach((v, k) => {
    params[`${prefix}${k}`] = v;
  });
  return [`${column} IN (${values.map((_, k) => `@${prefix}${k}`).join(', ')})`];
}
