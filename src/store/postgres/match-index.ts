// The match-key index in PostgreSQL: blocking keys per entity with document frequencies, for bounded candidate
// retrieval. The same rules as src/store/sqlite/match-index.ts; the marker is statements.seq, which grows in commit
// order because every write holds the store's write lock, so "statements after marker N" never misses a late commit.

import { changedRowLimit } from '../changed-rows.js';
import type { ChangedEntities, MatchKeys } from '../store.js';
import type { Client, PgDb } from './db.js';
import { storable } from './resolution-clusters.js';

export async function matchIndexMarker(db: PgDb): Promise<number> {
  const rows = await db.query<{ marker: number }>('SELECT marker FROM match_state WHERE id = 1');
  return Number(rows[0]?.marker ?? 0);
}

/** The stamp of the name analysis the profiles were written with ('' before the first build). */
export async function matchIndexStamp(db: PgDb): Promise<string> {
  const rows = await db.query<{ names: string }>('SELECT names FROM match_state WHERE id = 1');
  return String(rows[0]?.names ?? '');
}

/** Starts the index over for profiles of another name analysis; false when another writer already did. */
export async function restartMatchIndexFor(c: Client, stamp: string): Promise<boolean> {
  const r = await c.query('UPDATE match_state SET marker = 0, names = $1 WHERE id = 1 AND names <> $1', [
    stamp,
  ]);
  return (r.rowCount ?? 0) > 0;
}

/**
 * Entities with statements after `marker`, in statement order, at most `limit`; the marker to continue from. The
 * same page as changedFromRows makes of the rows (src/store/changed-rows.ts), worked out in the server: sending it
 * every scanned row (up to 64 a wanted entity) took a third of an index build. The page is the first
 * `limit` entities by their first row after the marker; the next marker is the last scanned row before the first
 * row of the entity after them (the last scanned row when there is none), so no entity's row is ever skipped.
 */
export async function entitiesChangedSince(
  db: PgDb,
  marker: number,
  limit: number,
): Promise<ChangedEntities> {
  const rows = await db.query<{ ids: string[]; marker: number | null }>(
    `WITH scanned AS MATERIALIZED (
       SELECT seq, eid FROM statements WHERE seq > $1 ORDER BY seq LIMIT $2),
     firsts AS (SELECT eid, min(seq) AS first FROM scanned GROUP BY eid ORDER BY first LIMIT $3 + 1),
     page AS (SELECT eid, first FROM firsts ORDER BY first LIMIT $3),
     boundary AS (SELECT first FROM firsts ORDER BY first OFFSET $3 LIMIT 1)
     SELECT
       (SELECT coalesce(array_agg(e.id ORDER BY p.first), '{}') FROM page p JOIN entities e ON e.eid = p.eid) AS ids,
       (SELECT max(s.seq) FROM scanned s WHERE NOT EXISTS (SELECT 1 FROM boundary b WHERE s.seq >= b.first))
         AS marker`,
    [marker, changedRowLimit(limit), Math.max(0, limit)],
  );
  const row = rows[0];
  return { ids: row?.ids ?? [], marker: row?.marker ?? marker };
}

/** What re-filing a batch of entities changes: key rows out and in, and each key's frequency change. */
interface KeyChanges {
  lostKeys: string[];
  lostEids: number[];
  gainedKeys: string[];
  gainedEids: number[];
  df: Map<string, number>;
}

/**
 * Replaces the keys of the given entities and moves the marker, inside the caller's write transaction. As the
 * SQLite store does it (src/store/sqlite/match-index.ts): one query reads the batch's entity keys and current keys,
 * the difference is worked out here, and a few set-based statements (unnest over arrays, each row found through an
 * index) write it, however many entities the batch holds. Only the difference is written, so re-keying an entity
 * whose keys barely changed costs next to nothing; the result is the same as deleting every old key and inserting
 * the new ones. An id given twice keeps its last keys; ids of no stored entity are skipped.
 */
export async function putMatchKeys(c: Client, entries: readonly MatchKeys[], marker: number): Promise<void> {
  const latest = new Map<string, Set<string>>();
  for (const entry of entries) {
    // An id or key with NUL cannot be stored (nor asked for: candidates drops such keys too).
    if (storable(entry.id)) latest.set(entry.id, new Set(entry.keys.filter(storable)));
  }
  if (latest.size > 0) {
    const changes = await keyChanges(c, latest);
    await writeChanges(c, changes);
    await writeProfiles(c, entries);
  }
  await c.query('UPDATE match_state SET marker = $1 WHERE id = 1', [marker]);
}

/** Replaces the entities' profiles (one statement each way); the last entry of an id wins, as for its keys. */
async function writeProfiles(c: Client, entries: readonly MatchKeys[]): Promise<void> {
  const latest = new Map<string, string | undefined>();
  for (const entry of entries)
    if (storable(entry.id)) latest.set(entry.id, entry.profile && JSON.stringify(entry.profile));
  const put: [string[], string[]] = [[], []];
  const drop: string[] = [];
  for (const [id, profile] of latest) {
    if (profile === undefined || !storable(profile)) drop.push(id);
    else {
      put[0].push(id);
      put[1].push(profile);
    }
  }
  if (drop.length > 0)
    await c.query(
      `DELETE FROM match_profiles p USING unnest($1::text[]) AS d(id) JOIN entities e ON e.id = d.id
       WHERE p.eid = e.eid`,
      [drop],
    );
  if (put[0].length > 0)
    await c.query(
      `INSERT INTO match_profiles (eid, profile)
       SELECT e.eid, u.profile FROM unnest($1::text[], $2::text[]) AS u(id, profile) JOIN entities e ON e.id = u.id
       ORDER BY e.eid ON CONFLICT (eid) DO UPDATE SET profile = excluded.profile`,
      put,
    );
}

/**
 * Stored profiles (JSON text) of records not in a cluster, by id; none while statements written since the last build
 * are not yet indexed. Read in the caller's snapshot, so the marker and the profiles agree.
 */
export async function matchProfiles(c: Client, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const wanted = ids.filter(storable);
  if (wanted.length === 0) return out;
  const res = await c.query<{ id: string; profile: string }>(
    `SELECT e.id, p.profile FROM unnest($1::text[]) AS i(id) JOIN entities e ON e.id = i.id
     JOIN match_profiles p ON p.eid = e.eid
     WHERE (SELECT marker FROM match_state WHERE id = 1) >= (SELECT coalesce(max(seq), 0) FROM statements)
       AND NOT EXISTS (SELECT 1 FROM clusters k WHERE k.member = e.id)`,
    [wanted],
  );
  for (const r of res.rows) out.set(r.id, r.profile);
  return out;
}

/** The difference between the keys the entities have and the keys in `latest`, with one query for what they have. */
async function keyChanges(c: Client, latest: ReadonlyMap<string, ReadonlySet<string>>): Promise<KeyChanges> {
  const found = await c.query<{ id: string; eid: number; key: string | null }>(
    `SELECT e.id, e.eid, m.key FROM unnest($1::text[]) AS i(id) JOIN entities e ON e.id = i.id
     LEFT JOIN match_keys m ON m.eid = e.eid`,
    [[...latest.keys()]],
  );
  const current = new Map<string, { eid: number; keys: Set<string> }>();
  for (const r of found.rows) {
    let had = current.get(r.id);
    if (!had) {
      had = { eid: r.eid, keys: new Set() };
      current.set(r.id, had);
    }
    if (r.key !== null) had.keys.add(r.key);
  }
  const changes: KeyChanges = { lostKeys: [], lostEids: [], gainedKeys: [], gainedEids: [], df: new Map() };
  const count = (key: string, by: number) => changes.df.set(key, (changes.df.get(key) ?? 0) + by);
  for (const [id, keys] of latest) {
    const had = current.get(id);
    if (!had) continue;
    for (const key of had.keys) {
      if (keys.has(key)) continue;
      changes.lostKeys.push(key);
      changes.lostEids.push(had.eid);
      count(key, -1);
    }
    for (const key of keys) {
      if (had.keys.has(key)) continue;
      changes.gainedKeys.push(key);
      changes.gainedEids.push(had.eid);
      count(key, 1);
    }
  }
  return changes;
}

/** Writes a difference: at most one statement each for lost keys, gained keys, rising and falling frequencies. */
async function writeChanges(c: Client, changes: KeyChanges): Promise<void> {
  if (changes.lostKeys.length > 0)
    await c.query(
      `DELETE FROM match_keys m USING unnest($1::text[], $2::bigint[]) AS l(key, eid)
       WHERE m.key = l.key AND m.eid = l.eid`,
      [changes.lostKeys, changes.lostEids],
    );
  if (changes.gainedKeys.length > 0)
    // In index order: neighbouring rows land on the same index pages.
    await c.query(
      `INSERT INTO match_keys (key, eid) SELECT key, eid FROM unnest($1::text[], $2::bigint[]) AS g(key, eid)
       ORDER BY key, eid`,
      [changes.gainedKeys, changes.gainedEids],
    );
  const risen: [string[], number[]] = [[], []];
  const fallen: [string[], number[]] = [[], []];
  for (const [key, n] of changes.df) {
    const to = n > 0 ? risen : n < 0 ? fallen : undefined;
    to?.[0].push(key);
    to?.[1].push(Math.abs(n));
  }
  if (risen[0].length > 0)
    // In key order, so two writers could never wait on each other's rows (the write lock orders them anyway).
    await c.query(
      `INSERT INTO match_key_df (key, n) SELECT key, n FROM unnest($1::text[], $2::bigint[]) AS r(key, n)
       ORDER BY key ON CONFLICT (key) DO UPDATE SET n = match_key_df.n + excluded.n`,
      risen,
    );
  if (fallen[0].length > 0)
    // Frequencies fall to 0 rather than their rows going, as in SQLite; candidates ignores keys with n = 0.
    await c.query(
      `UPDATE match_key_df d SET n = d.n - f.n FROM unnest($1::text[], $2::bigint[]) AS f(key, n)
       WHERE d.key = f.key`,
      fallen,
    );
}

/** The entity count, cached until a statement is written or an erasure recorded (the only ways it can change). */
export class EntityCount {
  private key = '';
  private n = 0;

  async get(c: Client): Promise<number> {
    const mark = await c.query<{ s: number; e: number }>(
      `SELECT (SELECT coalesce(max(seq), 0) FROM statements)::bigint AS s,
         (SELECT coalesce(max(seq), 0) FROM audit_log WHERE category = 'erasure')::bigint AS e`,
    );
    const key = `${mark.rows[0]?.s}.${mark.rows[0]?.e}`;
    if (key !== this.key) {
      const res = await c.query<{ n: number }>('SELECT count(*)::bigint AS n FROM entities');
      this.n = res.rows[0]?.n ?? 0;
      this.key = key;
    }
    return this.n;
  }
}
