// Candidates for many queries at once in PostgreSQL: three round trips for the batch (frequencies, postings,
// entities), whatever its size, instead of three per query.
import {
  perKeyLimit,
  pickCandidates,
  queryKeys,
  type RankedEntity,
  rankByKeys,
} from '../candidate-ranking.js';
import type { Candidate, CandidateBatchOptions, CandidateQuery } from '../store.js';
import type { Client } from './db.js';
import type { EntityCount } from './match-index.js';
import { storable } from './resolution-clusters.js';

/** The same answers as one `candidates` call per query, in the queries' order (inside the caller's snapshot). */
export async function candidatesBatch(
  c: Client,
  count: EntityCount,
  queries: readonly CandidateQuery[],
  options: CandidateBatchOptions,
): Promise<Candidate[][]> {
  // A key with NUL cannot be stored, so it cannot be asked for either.
  const asked = queries.map((q) => queryKeys(q.keys).filter(storable));
  const distinct = [...new Set(asked.flat())];
  const df = new Map<string, number>();
  const postings = new Map<string, number[]>();
  if (distinct.length > 0) {
    const dfRows = await c.query<{ key: string; n: number }>(
      'SELECT key, n FROM match_key_df WHERE key = ANY($1::text[]) AND n > 0',
      [distinct],
    );
    for (const r of dfRows.rows) df.set(r.key, Number(r.n));
    const perKey = perKeyLimit(options);
    // Each key's lowest entity keys, the rows SQLite's (key, eid) index gives first; a negative limit is none.
    const hits = await c.query<{ key: string; eid: number }>(
      `SELECT k.key, m.eid FROM unnest($1::text[]) AS k(key)
       CROSS JOIN LATERAL (SELECT eid FROM match_keys WHERE key = k.key ORDER BY eid LIMIT $2) m`,
      [[...df.keys()], perKey < 0 ? null : perKey],
    );
    for (const r of hits.rows) {
      const eid = Number(r.eid);
      const list = postings.get(r.key);
      if (list) list.push(eid);
      else postings.set(r.key, [eid]);
    }
  }
  const total = Math.max(1, await count.get(c));
  const ranked = asked.map((keys) => rankByKeys(keys, df, postings, total));
  const include = options.datasets ?? [];
  const exclude = options.excludeDatasets ?? [];
  // Excluded only when every dataset of the entity is excluded, as yente does (and `candidates`).
  const lookup = async (eids: number[]): Promise<Map<number, RankedEntity>> => {
    const rows = await c.query<{ eid: number; id: string; schema: string; pass: boolean }>(
      `SELECT e.eid, e.id, e.schema,
         (cardinality($2::text[]) = 0 OR EXISTS (SELECT 1 FROM entity_datasets d WHERE d.eid = e.eid AND d.dataset = ANY($2::text[])))
         AND (cardinality($3::text[]) = 0 OR EXISTS (SELECT 1 FROM entity_datasets d WHERE d.eid = e.eid AND NOT (d.dataset = ANY($3::text[])))) AS pass
       FROM entities e WHERE e.eid = ANY($1::bigint[])`,
      [eids, include, exclude],
    );
    return new Map(
      rows.rows.map((r) => [Number(r.eid), { id: r.id, schema: r.schema, datasetsPass: r.pass }]),
    );
  };
  return pickCandidates(
    ranked.map((r, i) => ({ ranked: r, schemata: queries[i]?.schemata })),
    options.limit,
    lookup,
  );
}
