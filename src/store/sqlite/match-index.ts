// The match-key index in SQLite: blocking keys per entity with document frequencies, for bounded candidate retrieval.
import type Database from 'better-sqlite3';
import { changedFromRows, changedRowLimit } from '../changed-rows.js';
import type { Candidate, CandidateOptions, ChangedEntities, MatchKeys } from '../store.js';

const DEFAULT_PER_KEY = 300;

export class MatchIndex {
  private readonly marker: Database.Statement;
  private readonly setMarker: Database.Statement;
  private readonly eidOf: Database.Statement;
  private readonly keysOf: Database.Statement;
  private readonly deleteKeys: Database.Statement;
  private readonly insertKey: Database.Statement;
  private readonly bumpDf: Database.Statement;
  private readonly dropDf: Database.Statement;
  private readonly entityCount: Database.Statement;
  private fetchKey: Database.Statement | undefined;
  readonly replace: (entries: MatchKeys[], marker: number) => void;

  constructor(private readonly db: Database.Database) {
    this.marker = db.prepare('SELECT marker FROM match_state WHERE id = 1').pluck();
    this.setMarker = db.prepare('UPDATE match_state SET marker = ? WHERE id = 1');
    this.eidOf = db.prepare('SELECT eid FROM entities WHERE id = ?').pluck();
    this.keysOf = db.prepare('SELECT key FROM match_keys WHERE eid = ?').pluck();
    this.deleteKeys = db.prepare('DELETE FROM match_keys WHERE eid = ?');
    this.insertKey = db.prepare('INSERT OR IGNORE INTO match_keys (key, eid) VALUES (?, ?)');
    this.bumpDf = db.prepare(
      'INSERT INTO match_key_df (key, n) VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET n = n + 1',
    );
    this.dropDf = db.prepare('UPDATE match_key_df SET n = n - 1 WHERE key = ?');
    this.entityCount = db.prepare('SELECT count(*) FROM entities').pluck();
    this.replace = db.transaction((entries: MatchKeys[], marker: number) => {
      for (const entry of entries) {
        const eid = this.eidOf.get(entry.id) as number | undefined;
        if (eid === undefined) continue;
        for (const old of this.keysOf.all(eid) as string[]) this.dropDf.run(old);
        this.deleteKeys.run(eid);
        for (const key of new Set(entry.keys))
          if (this.insertKey.run(key, eid).changes === 1) this.bumpDf.run(key);
      }
      this.setMarker.run(marker);
    });
  }

  current(): number {
    return Number(this.marker.get() ?? 0);
  }

  changedSince(marker: number, limit: number): ChangedEntities {
    const rows = this.db
      .prepare(
        'SELECT s.rowid AS r, e.id AS id FROM statements s JOIN entities e ON e.eid = s.eid WHERE s.rowid > ? ORDER BY s.rowid LIMIT ?',
      )
      .all(marker, changedRowLimit(limit)) as { r: number; id: string }[];
    return changedFromRows(rows, marker, limit);
  }

  candidates(keys: string[], options: CandidateOptions): Candidate[] {
    const unique = [...new Set(keys)].slice(0, 64);
    if (unique.length === 0) return [];
    const total = Math.max(1, Number(this.entityCount.get()));
    const df = new Map<string, number>();
    const dfRows = this.db
      .prepare(`SELECT key, n FROM match_key_df WHERE key IN (${unique.map(() => '?').join(', ')}) AND n > 0`)
      .all(...unique) as { key: string; n: number }[];
    for (const r of dfRows) df.set(r.key, r.n);
    // Rarest keys first: they carry the most information and fetch the fewest rows.
    const present = unique.filter((k) => df.has(k)).sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0));
    const perKey = options.perKeyLimit ?? DEFAULT_PER_KEY;
    this.fetchKey ??= this.db.prepare('SELECT eid FROM match_keys WHERE key = ? LIMIT ?').pluck();
    const fetch = this.fetchKey;
    const score = new Map<number, { weight: number; keys: number }>();
    for (const key of present) {
      const weight = Math.log(1 + total / (df.get(key) ?? total));
      for (const eid of fetch.all(key, perKey) as number[]) {
        const s = score.get(eid);
        if (s) {
          s.weight += weight;
          s.keys++;
        } else score.set(eid, { weight, keys: 1 });
      }
    }
    const ranked = [...score].sort((a, b) => b[1].weight - a[1].weight || a[0] - b[0]);
    const filters: string[] = [];
    const params: unknown[] = [];
    if (options.schemata && options.schemata.length > 0) {
      filters.push(`e.schema IN (${options.schemata.map(() => '?').join(', ')})`);
      params.push(...options.schemata);
    }
    if (options.datasets && options.datasets.length > 0) {
      filters.push(
        `EXISTS (SELECT 1 FROM entity_datasets d WHERE d.eid = e.eid AND d.dataset IN (${options.datasets.map(() => '?').join(', ')}))`,
      );
      params.push(...options.datasets);
    }
    if (options.excludeDatasets && options.excludeDatasets.length > 0) {
      // Excluded only when every dataset of the entity is excluded, as yente does.
      filters.push(
        `EXISTS (SELECT 1 FROM entity_datasets d WHERE d.eid = e.eid AND d.dataset NOT IN (${options.excludeDatasets.map(() => '?').join(', ')}))`,
      );
      params.push(...options.excludeDatasets);
    }
    const lookup = this.db
      .prepare(
        `SELECT e.id FROM entities e WHERE e.eid = ?${filters.length > 0 ? ` AND ${filters.join(' AND ')}` : ''}`,
      )
      .pluck();
    const out: Candidate[] = [];
    for (const [eid, s] of ranked) {
      if (out.length >= options.limit) break;
      const id = lookup.get(eid, ...params) as string | undefined;
      if (id !== undefined) out.push({ id, weight: Math.round(s.weight * 1000) / 1000, keys: s.keys });
    }
    return out;
  }
}
