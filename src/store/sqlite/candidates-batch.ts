// Candidates for many queries at once in SQLite: each distinct key's postings are read once for the whole batch.
import type Database from 'better-sqlite3';
import {
  perKeyLimit,
  pickCandidates,
  queryKeys,
  type RankedEntity,
  rankByKeys,
} from '../candidate-ranking.js';
import type { Candidate, CandidateBatchOptions, CandidateQuery } from '../store.js';

const CHUNK = 500;

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

// Prepared statements per connection by text: screening asks once per query, and the texts are few (a list length
// and the dataset filters shape each).
const prepared = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function statement(db: Database.Database, sql: string): Database.Statement {
  let cache = prepared.get(db);
  if (cache === undefined) {
    cache = new Map();
    prepared.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (stmt === undefined) {
    if (cache.size >= 256) cache.clear();
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}

// The entity count per connection, with the mark it was read at: counting a million rows took 5-70 ms, on every
// screening query.
const counts = new WeakMap<Database.Database, { mark: string; n: number }>();

/**
 * Entities in the store, counted again only when the count may have changed. An entity is added with the next eid
 * (the largest + 1) and removed only by erasure, which is audited; so the largest eid and the last erasure's audit
 * seq, both read through an index, mark every change, by any connection. (Not total_changes(): the server writes an
 * audit record per request, which would have counted again every time.)
 */
function entityCount(db: Database.Database): number {
  const now = statement(
    db,
    `SELECT (SELECT coalesce(max(eid), 0) FROM entities) AS e,
       (SELECT coalesce(max(seq), 0) FROM audit_log WHERE category = 'erasure') AS x`,
  ).get() as { e: number; x: number };
  const mark = `${now.e}.${now.x}`;
  const known = counts.get(db);
  if (known?.mark === mark) return known.n;
  const n = Math.max(1, Number(statement(db, 'SELECT count(*) FROM entities').pluck().get()));
  counts.set(db, { mark, n });
  return n;
}

/** The same answers as one `candidates` call per query, in the queries' order. */
export function candidatesBatch(
  db: Database.Database,
  queries: readonly CandidateQuery[],
  options: CandidateBatchOptions,
): Promise<Candidate[][]> {
  const asked = queries.map((q) => queryKeys(q.keys));
  const distinct = [...new Set(asked.flat())];
  const df = new Map<string, number>();
  for (const part of chunks(distinct, CHUNK)) {
    const rows = statement(
      db,
      `SELECT key, n FROM match_key_df WHERE key IN (${marks(part.length)}) AND n > 0`,
    ).all(...part) as { key: string; n: number }[];
    for (const r of rows) df.set(r.key, r.n);
  }
  const fetch = statement(db, 'SELECT eid FROM match_keys WHERE key = ? LIMIT ?').pluck();
  const perKey = perKeyLimit(options);
  const postings = new Map<string, number[]>();
  for (const key of df.keys()) postings.set(key, fetch.all(key, perKey) as number[]);
  const total = entityCount(db);
  const ranked = asked.map((keys) => rankByKeys(keys, df, postings, total));
  const include = options.datasets ?? [];
  const exclude = options.excludeDatasets ?? [];
  // Excluded only when every dataset of the entity is excluded, as yente does (and `candidates`).
  const datasetTest = [
    include.length > 0
      ? `EXISTS (SELECT 1 FROM entity_datasets d WHERE d.eid = e.eid AND d.dataset IN (${marks(include.length)}))`
      : '1',
    exclude.length > 0
      ? `EXISTS (SELECT 1 FROM entity_datasets d WHERE d.eid = e.eid AND d.dataset NOT IN (${marks(exclude.length)}))`
      : '1',
  ].join(' AND ');
  const lookup = async (eids: number[]): Promise<Map<number, RankedEntity>> => {
    const found = new Map<number, RankedEntity>();
    for (const part of chunks(eids, CHUNK)) {
      const rows = statement(
        db,
        `SELECT e.eid, e.id, e.schema, (${datasetTest}) AS pass FROM entities e WHERE e.eid IN (${marks(part.length)})`,
      ).all(...include, ...exclude, ...part) as { eid: number; id: string; schema: string; pass: number }[];
      for (const r of rows) found.set(r.eid, { id: r.id, schema: r.schema, datasetsPass: r.pass === 1 });
    }
    return found;
  };
  return pickCandidates(
    ranked.map((r, i) => ({ ranked: r, schemata: queries[i]?.schemata })),
    options.limit,
    lookup,
  );
}
