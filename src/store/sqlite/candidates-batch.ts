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

// What the ranking reads, per connection, with the marks it was read at: the entity count (counting a million rows
// took 5-70 ms, on every screening query) and the frequencies and postings of keys already asked for (common name
// words and their sounds come up in query after query, and their postings are the longest to read).
interface Known {
  countMark: string;
  n: number;
  version: number;
  /** Frequency by key; 0 for a key filed under no entity. */
  df: Map<string, number>;
  /** Postings by per-key limit, then key. */
  postings: Map<number, Map<string, number[]>>;
  /** Eids held in `postings`, to bound its memory. */
  held: number;
}
const known = new WeakMap<Database.Database, Known>();
/** Eids of postings kept per connection at most (8 bytes each): beyond it the postings are read afresh. */
const MAX_HELD = 4_000_000;
const MAX_KEYS = 1_000_000;

/**
 * What is known on this connection, cleared of whatever may have changed. An entity is added with the next eid (the
 * largest + 1) and removed only by erasure, which is audited; so the largest eid and the last erasure's audit seq,
 * both read through an index, mark every change to the count, by any connection. (Not total_changes(): the server
 * writes an audit record per request, which would have counted again every time.) Keys change only with an index
 * write or an erasure, each of which moves match_state.version.
 */
function knownNow(db: Database.Database): Known {
  const now = statement(
    db,
    `SELECT (SELECT coalesce(max(eid), 0) FROM entities) AS e,
       (SELECT coalesce(max(seq), 0) FROM audit_log WHERE category = 'erasure') AS x,
       (SELECT version FROM match_state WHERE id = 1) AS v`,
  ).get() as { e: number; x: number; v: number };
  const countMark = `${now.e}.${now.x}`;
  let k = known.get(db);
  if (k === undefined || k.version !== now.v) {
    k = { countMark: '', n: 0, version: now.v, df: new Map(), postings: new Map(), held: 0 };
    known.set(db, k);
  }
  if (k.countMark !== countMark) {
    k.n = Math.max(1, Number(statement(db, 'SELECT count(*) FROM entities').pluck().get()));
    k.countMark = countMark;
  }
  return k;
}

/** The same answers as one `candidates` call per query, in the queries' order. */
export function candidatesBatch(
  db: Database.Database,
  queries: readonly CandidateQuery[],
  options: CandidateBatchOptions,
): Promise<Candidate[][]> {
  const asked = queries.map((q) => queryKeys(q.keys));
  const k = knownNow(db);
  if (k.held > MAX_HELD || k.df.size > MAX_KEYS) {
    for (const list of k.postings.values()) list.clear();
    k.df.clear();
    k.held = 0;
  }
  const unknown = [...new Set(asked.flat())].filter((key) => !k.df.has(key));
  for (const part of chunks(unknown, CHUNK)) {
    for (const key of part) k.df.set(key, 0);
    const rows = statement(db, `SELECT key, n FROM match_key_df WHERE key IN (${marks(part.length)})`).all(
      ...part,
    ) as { key: string; n: number }[];
    for (const r of rows) k.df.set(r.key, r.n);
  }
  const perKey = perKeyLimit(options);
  let held = k.postings.get(perKey);
  if (held === undefined) {
    held = new Map();
    k.postings.set(perKey, held);
  }
  const fetch = statement(db, 'SELECT eid FROM match_keys WHERE key = ? LIMIT ?').pluck();
  const df = new Map<string, number>();
  const postings = new Map<string, number[]>();
  for (const key of new Set(asked.flat())) {
    const n = k.df.get(key) ?? 0;
    if (n <= 0) continue;
    df.set(key, n);
    let eids = held.get(key);
    if (eids === undefined) {
      eids = fetch.all(key, perKey) as number[];
      held.set(key, eids);
      k.held += eids.length;
    }
    postings.set(key, eids);
  }
  const total = k.n;
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
