// The match-key index in PostgreSQL: blocking keys per entity with document frequencies, for bounded candidate
// retrieval. The same rules as src/store/sqlite/match-index.ts; the marker is statements.seq, which grows in commit
// order because every write holds the store's write lock, so "statements after marker N" never misses a late commit.

import { changedFromRows, changedRowLimit } from '../changed-rows.js';
import type { Candidate, CandidateOptions, ChangedEntities, MatchKeys } from '../store.js';
import type { Client, PgDb } from './db.js';
import { storable } from './resolution-clusters.js';

const DEFAULT_PER_KEY = 300;
/** Ranked entities looked up per query when filters apply: most candidates pass, so one round usually does. */
const LOOKUP_CHUNK = 1000;

export async function matchIndexMarker(db: PgDb): Promise<number> {
  const rows = await db.query<{ marker: number }>('SELECT marker FROM match_state WHERE id = 1');
  return Number(rows[0]?.marker ?? 0);
}

/** Entities with statements after `marker`, in statement order, at most `limit`; the marker to continue from. */
export async function entitiesChangedSince(
  db: PgDb,
  marker: number,
  limit: number,
): Promise<ChangedEntities> {
  const rows = await db.query<{ r: number; id: string }>(
    `SELECT s.seq AS r, e.id FROM statements s JOIN entities e ON e.eid = s.eid
     WHERE s.seq > $1 ORDER BY s.seq LIMIT $2`,
    [marker, changedRowLimit(limit)],
  );
  return changedFromRows(rows, marker, limit);
}

/**
 * Replaces the keys of the given entities and moves the marker, inside the caller's write transaction: two
 * set-based statements whatever the number of entities. Only the difference is written (keys an entity lost go
 * out, keys it gained come in, each with its frequency), so re-keying an entity whose keys barely changed costs
 * next to nothing; the result is SQLite's delete-all-then-insert. An id given twice keeps its last keys, as the
 * SQLite store's entry-by-entry replacement leaves it; ids of no stored entity are skipped.
 */
export async function putMatchKeys(c: Client, entries: readonly MatchKeys[], marker: number): Promise<void> {
  const latest = new Map<string, Set<string>>();
  for (const entry of entries) {
    // An id or key with NUL cannot be stored (nor asked for: candidates drops such keys too).
    if (!storable(entry.id)) continue;
    latest.delete(entry.id);
    latest.set(entry.id, new Set(entry.keys.filter(storable)));
  }
  const ids = [...latest.keys()];
  const pairIds: string[] = [];
  const pairKeys: string[] = [];
  for (const [id, keys] of latest) {
    for (const key of keys) {
      pairIds.push(id);
      pairKeys.push(key);
    }
  }
  if (ids.length > 0) {
    // Frequencies fall to 0 rather than their rows going, as in SQLite; candidates ignores keys with n = 0.
    await c.query(
      `WITH target AS (SELECT eid, id FROM entities WHERE id = ANY($1::text[])),
       wanted AS (SELECT t.eid, p.key FROM unnest($2::text[], $3::text[]) AS p(id, key) JOIN target t ON t.id = p.id),
       lost AS (
         DELETE FROM match_keys m USING target t
         WHERE m.eid = t.eid AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.eid = m.eid AND w.key = m.key)
         RETURNING m.key),
       counted AS (SELECT key, count(*) AS n FROM lost GROUP BY key)
       UPDATE match_key_df d SET n = d.n - k.n FROM counted k WHERE d.key = k.key`,
      [ids, pairIds, pairKeys],
    );
  }
  if (pairIds.length > 0) {
    // After the statement above an entity keeps only wanted keys, so what is missing is exactly what it gained.
    await c.query(
      `WITH gained AS (
         INSERT INTO match_keys (key, eid)
         SELECT p.key, e.eid FROM unnest($1::text[], $2::text[]) AS p(id, key) JOIN entities e ON e.id = p.id
         WHERE NOT EXISTS (SELECT 1 FROM match_keys m WHERE m.key = p.key AND m.eid = e.eid)
         ORDER BY 1, 2
         RETURNING key),
       counted AS (SELECT key, count(*) AS n FROM gained GROUP BY key)
       INSERT INTO match_key_df (key, n) SELECT key, n FROM counted ORDER BY key
       ON CONFLICT (key) DO UPDATE SET n = match_key_df.n + excluded.n`,
      [pairIds, pairKeys],
    );
  }
  await c.query('UPDATE match_state SET marker = $1 WHERE id = 1', [marker]);
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

/**
 * Entities sharing the most informative keys with a query, best first (inside the caller's snapshot). Keys are
 * weighed log(1 + N / df) and summed rarest key first, as SQLite sums them, so weights agree to the last bit; each
 * key fetches its `perKeyLimit` lowest entity keys, the rows SQLite's (key, eid) index gives first.
 */
export async function candidates(
  c: Client,
  count: EntityCount,
  keys: readonly string[],
  options: CandidateOptions,
): Promise<Candidate[]> {
  const unique = [...new Set(keys)].slice(0, 64).filter(storable);
  if (unique.length === 0) return [];
  const total = Math.max(1, await count.get(c));
  const df = new Map<string, number>();
  const dfRows = await c.query<{ key: string; n: number }>(
    'SELECT key, n FROM match_key_df WHERE key = ANY($1::text[]) AND n > 0',
    [unique],
  );
  for (const r of dfRows.rows) df.set(r.key, Number(r.n));
  // Rarest keys first: they carry the most information and fetch the fewest rows.
  const present = unique.filter((k) => df.has(k)).sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0));
  if (present.length === 0) return [];
  const perKey = options.perKeyLimit ?? DEFAULT_PER_KEY;
  const hits = await c.query<{ key: string; eid: number }>(
    `SELECT k.key, m.eid FROM unnest($1::text[]) AS k(key)
     CROSS JOIN LATERAL (SELECT eid FROM match_keys WHERE key = k.key ORDER BY eid LIMIT $2) m`,
    // A negative limit is no limit, as SQLite's LIMIT reads it.
    [present, perKey < 0 ? null : perKey],
  );
  const byKey = new Map<string, number[]>();
  for (const r of hits.rows) {
    const list = byKey.get(r.key);
    if (list) list.push(r.eid);
    else byKey.set(r.key, [r.eid]);
  }
  const score = new Map<number, { weight: number; keys: number }>();
  for (const key of present) {
    const weight = Math.log(1 + total / (df.get(key) ?? total));
    for (const eid of byKey.get(key) ?? []) {
      const s = score.get(eid);
      if (s) {
        s.weight += weight;
        s.keys++;
      } else score.set(eid, { weight, keys: 1 });
    }
  }
  const ranked = [...score].sort((a, b) => b[1].weight - a[1].weight || a[0] - b[0]);
  const filters: string[] = [];
  const values: unknown[] = [];
  const p = (v: unknown) => {
    values.push(v);
    return `$${values.length + 1}`;
  };
  if (options.schemata && options.schemata.length > 0)
    filters.push(`e.schema = ANY(${p(options.schemata)}::text[])`);
  if (options.datasets && options.datasets.length > 0)
    filters.push(
      `EXISTS (SELECT 1 FROM entity_datasets d WHERE d.eid = e.eid AND d.dataset = ANY(${p(options.datasets)}::text[]))`,
    );
  if (options.excludeDatasets && options.excludeDatasets.length > 0)
    // Excluded only when every dataset of the entity is excluded, as yente does.
    filters.push(
      `EXISTS (SELECT 1 FROM entity_datasets d WHERE d.eid = e.eid AND NOT (d.dataset = ANY(${p(options.excludeDatasets)}::text[])))`,
    );
  const sql = `SELECT e.eid, e.id FROM entities e WHERE e.eid = ANY($1::bigint[])${filters.map((f) => ` AND ${f}`).join('')}`;
  const out: Candidate[] = [];
  // Ranked entities are looked up a chunk at a time until enough pass the filters.
  for (let i = 0; i < ranked.length && out.length < options.limit; i += LOOKUP_CHUNK) {
    const chunk = ranked.slice(i, i + LOOKUP_CHUNK);
    const found = await c.query<{ eid: number; id: string }>(sql, [chunk.map(([eid]) => eid), ...values]);
    const idOf = new Map(found.rows.map((r) => [r.eid, r.id]));
    for (const [eid, s] of chunk) {
      if (out.length >= options.limit) break;
      const id = idOf.get(eid);
      if (id !== undefined) out.push({ id, weight: Math.round(s.weight * 1000) / 1000, keys: s.keys });
    }
  }
  return out;
}
