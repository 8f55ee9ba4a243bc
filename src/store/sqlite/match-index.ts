// The match-key index in SQLite: blocking keys per entity with document frequencies, for bounded candidate retrieval.
import type Database from 'better-sqlite3';
import { changedFromRows, changedRowLimit } from '../changed-rows.js';
import type { ChangedEntities, MatchKeys } from '../store.js';

/** Most values one `IN (...)` list carries. */
const MAX_IN = 256;

/**
 * A query over many values at once, `IN (?, ?, ...)`: `sql(list)` is the query for one list of placeholders. The
 * values go in lists whose lengths are powers of two up to MAX_IN, so at most nine statements are ever prepared for
 * it; one query per hundreds of values reads about twice as fast as one query per value.
 */
class InListQuery<T> {
  private readonly byLength = new Map<number, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly sql: (list: string) => string,
  ) {}

  all(values: readonly unknown[]): T[] {
    const out: T[] = [];
    for (let done = 0; done < values.length; ) {
      let n = MAX_IN;
      while (n > values.length - done) n /= 2;
      for (const row of this.statement(n).all(...values.slice(done, done + n))) out.push(row as T);
      done += n;
    }
    return out;
  }

  private statement(n: number): Database.Statement {
    let stmt = this.byLength.get(n);
    if (!stmt) {
      stmt = this.db.prepare(this.sql(Array(n).fill('?').join(', ')));
      this.byLength.set(n, stmt);
    }
    return stmt;
  }
}

/** What re-filing a batch of entities changes, by key: the entities that lost it and those that gained it. */
type KeyChanges = Map<string, { lost: number[]; gained: number[] }>;

const NO_KEYS: ReadonlySet<string> = new Set();
const NO_CHANGE = { lost: [] as number[], gained: [] as number[] };

export class MatchIndex {
  private readonly marker: Database.Statement;
  private readonly setMarker: Database.Statement;
  private readonly changedRows: Database.Statement;
  private readonly eidsOf: InListQuery<{ id: string; eid: number }>;
  private readonly keysOf: InListQuery<{ eid: number; key: string }>;
  private readonly deleteKey: Database.Statement;
  private readonly insertKey: Database.Statement;
  private readonly addDf: Database.Statement;
  private readonly dropDf: Database.Statement;
  private readonly putProfile: Database.Statement;
  private readonly dropProfile: Database.Statement;
  private readonly lastRow: Database.Statement;
  private readonly stamp: Database.Statement;
  private readonly restart: Database.Statement;
  private readonly profilesOf: InListQuery<{ id: string; profile: string }>;
  readonly replace: (entries: MatchKeys[], marker: number) => void;

  constructor(db: Database.Database) {
    this.marker = db.prepare('SELECT marker FROM match_state WHERE id = 1').pluck();
    this.setMarker = db.prepare('UPDATE match_state SET marker = ?, version = version + 1 WHERE id = 1');
    this.stamp = db.prepare('SELECT names FROM match_state WHERE id = 1').pluck();
    this.restart = db.prepare('UPDATE match_state SET marker = 0, names = ? WHERE id = 1');
    this.changedRows = db.prepare(
      'SELECT s.rowid AS r, e.id AS id FROM statements s JOIN entities e ON e.eid = s.eid WHERE s.rowid > ? ORDER BY s.rowid LIMIT ?',
    );
    this.eidsOf = new InListQuery(db, (list) => `SELECT id, eid FROM entities WHERE id IN (${list})`);
    this.keysOf = new InListQuery(db, (list) => `SELECT eid, key FROM match_keys WHERE eid IN (${list})`);
    // Writes go row by row through prepared statements: in better-sqlite3 that is faster than multi-row VALUES
    // statements (measured: 256-row inserts and upserts took half as long again).
    this.deleteKey = db.prepare('DELETE FROM match_keys WHERE key = ? AND eid = ?');
    this.insertKey = db.prepare('INSERT INTO match_keys (key, eid) VALUES (?, ?)');
    this.addDf = db.prepare(
      'INSERT INTO match_key_df (key, n) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET n = n + excluded.n',
    );
    // Frequencies fall to 0 rather than their rows going; candidates ignores keys with n = 0.
    this.dropDf = db.prepare('UPDATE match_key_df SET n = n - ? WHERE key = ?');
    this.putProfile = db.prepare('INSERT OR REPLACE INTO match_profiles (eid, profile) VALUES (?, ?)');
    this.dropProfile = db.prepare('DELETE FROM match_profiles WHERE eid = ?');
    this.lastRow = db.prepare('SELECT coalesce(max(rowid), 0) FROM statements').pluck();
    this.profilesOf = new InListQuery(
      db,
      (list) =>
        // A record merged into a cluster since it was indexed is scored as the cluster, which its profile is not:
        // asked here for all the ids at once (one lookup per id was a query each, 50 a screening query).
        `SELECT e.id, p.profile FROM entities e JOIN match_profiles p ON p.eid = e.eid WHERE e.id IN (${list})
           AND NOT EXISTS (SELECT 1 FROM clusters c WHERE c.member = e.id AND c.canonical <> e.id)`,
    );
    this.replace = db.transaction((entries: MatchKeys[], marker: number) => {
      const { changes, eids } = this.changes(entries);
      // The last entry of an id wins, as for its keys.
      const profiles = new Map<number, string | undefined>();
      for (const entry of entries) {
        const eid = eids.get(entry.id);
        if (eid !== undefined) profiles.set(eid, entry.profile && JSON.stringify(entry.profile));
      }
      for (const [eid, profile] of profiles) {
        if (profile === undefined) this.dropProfile.run(eid);
        else this.putProfile.run(eid, profile);
      }
      // In key order: the writes then walk the key index and the frequencies from one end to the other instead
      // of jumping about, which at a million entities (an index larger than SQLite's page cache) cut their time
      // by a fifth. The keys are sorted alone: twice as fast as sorting the entries with a comparator.
      for (const key of [...changes.keys()].sort()) {
        const { lost, gained } = changes.get(key) ?? NO_CHANGE;
        for (const eid of lost) this.deleteKey.run(key, eid);
        for (const eid of gained) this.insertKey.run(key, eid);
        // One frequency write per key, however many entities of the batch gained or lost it.
        const n = gained.length - lost.length;
        if (n > 0) this.addDf.run(key, n);
        else if (n < 0) this.dropDf.run(-n, key);
      }
      this.setMarker.run(marker);
    });
  }

  /**
   * The difference between the keys the entities have and the keys they are given, read set-based: one query per
   * few hundred entities for their entity keys, one for their current keys. Only the difference is written, so
   * re-filing an entity whose keys barely changed costs next to nothing, and the result is the same as deleting
   * every old key and inserting the new ones. An id given twice keeps its last keys; ids of no stored entity are
   * skipped.
   */
  private changes(entries: readonly MatchKeys[]): { changes: KeyChanges; eids: Map<string, number> } {
    const latest = new Map<string, Set<string>>();
    for (const entry of entries) latest.set(entry.id, new Set(entry.keys));
    const eids = new Map<string, number>();
    for (const row of this.eidsOf.all([...latest.keys()])) eids.set(row.id, row.eid);
    const current = new Map<number, Set<string>>();
    for (const row of this.keysOf.all([...eids.values()])) {
      const keys = current.get(row.eid);
      if (keys) keys.add(row.key);
      else current.set(row.eid, new Set([row.key]));
    }
    const changes: KeyChanges = new Map();
    const change = (key: string) => {
      let c = changes.get(key);
      if (!c) {
        c = { lost: [], gained: [] };
        changes.set(key, c);
      }
      return c;
    };
    for (const [id, keys] of latest) {
      const eid = eids.get(id);
      if (eid === undefined) continue;
      const before = current.get(eid) ?? NO_KEYS;
      for (const key of before) if (!keys.has(key)) change(key).lost.push(eid);
      for (const key of keys) if (!before.has(key)) change(key).gained.push(eid);
    }
    return { changes, eids };
  }

  /** The stamp of the name analysis the profiles were written with ('' before the first build). */
  nameStamp(): string {
    return String(this.stamp.get() ?? '');
  }

  /** Starts the index over for profiles of another name analysis. */
  restartFor(stamp: string): void {
    this.restart.run(stamp);
  }

  /**
   * Stored profiles by id (JSON text) of records not merged into another's cluster; none while statements written
   * since the last build are not yet indexed.
   */
  profiles(ids: readonly string[]): Map<string, string> {
    const out = new Map<string, string>();
    if (ids.length === 0 || this.current() < Number(this.lastRow.get())) return out;
    for (const row of this.profilesOf.all(ids)) out.set(row.id, row.profile);
    return out;
  }

  current(): number {
    return Number(this.marker.get() ?? 0);
  }

  /**
   * Reads statement rows only until the page is full: the row limit is a bound for entities with very many
   * statements, and reading all of it for every page took a fifth of an index build.
   */
  changedSince(marker: number, limit: number): ChangedEntities {
    const rows: { r: number; id: string }[] = [];
    const seen = new Set<string>();
    for (const row of this.changedRows.iterate(marker, changedRowLimit(limit)) as IterableIterator<{
      r: number;
      id: string;
    }>) {
      if (!seen.has(row.id)) {
        // The first row of one entity too many ends the page, as changedFromRows would end it.
        if (seen.size >= limit) break;
        seen.add(row.id);
      }
      rows.push(row);
    }
    return changedFromRows(rows, marker, limit);
  }
}
