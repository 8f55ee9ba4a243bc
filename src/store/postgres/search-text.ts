// Document text search on PostgreSQL (Store.searchText), behaving as the SQLite store's
// (src/store/sqlite/text-search.ts, whose checks and snippets it shares): query words matched as prefixes through the
// texts index (tsvector, GIN, migration 11), visible statements only, each entity once with its best-matching text
// (ts_rank), and a snippet cut from that statement's value. The matches, their count and the page's texts come from
// one snapshot.
import type { AccessContext } from '../../access/index.js';
import { DEFAULT_MARKING, formatMarking, highestMarking, parseMarking } from '../../model/index.js';
import { QUERY_TOKENS } from '../search-hits.js';
import { nameTokens } from '../search-query.js';
import { checkTextQuery, snippet } from '../sqlite/text-search.js';
import type { TextSearchHit, TextSearchQuery, TextSearchResults } from '../store.js';
import { Params, type PgDb } from './db.js';
import { sourceEntities } from './entities-read.js';
import { pinned, rowsOn, seesAll } from './entities-sql.js';
import { nameQuery } from './search-names.js';
import { visibleSql } from './visibility.js';

/**
 * ts_rank normalisation 1: divided by 1 + log(words in the text), so a short text that says it ranks above a long
 * one that mentions it once in passing, as bm25's length term does in SQLite.
 */
const RANK_NORMALISATION = 1;

interface Match {
  id: string;
  rank: number;
  seq: number;
}

export async function searchText(
  db: PgDb,
  ctx: AccessContext,
  query: TextSearchQuery,
): Promise<TextSearchResults> {
  const { limit, offset, datasets } = checkTextQuery(query);
  const match = nameQuery(query.q);
  if (match === undefined) return { total: 0, hits: [], marking: formatMarking(DEFAULT_MARKING) };

  const found = await pinned(db, async (c) => {
    // Read in the snapshot the search runs in: a batch of higher markings committed in between is checked.
    const all = await seesAll(c, ctx);
    const q = new Params();
    const tsquery = q.p(match.tsquery);
    const where = [`t.tokens @@ ${tsquery}::tsquery`];
    if (!all) where.push(visibleSql(ctx, 'p', q));
    if (datasets.length) where.push(`p.dataset = ANY(${q.p(datasets)}::text[])`);
    const provenance = where.length > 1 ? 'JOIN provenance p ON p.pid = t.pid' : '';
    // Each entity's best visible text (then the earliest written), then the page in rank and id order; the count
    // and the page read the same materialised matches.
    const rows = await rowsOn(
      c,
      `WITH h AS MATERIALIZED (
         SELECT DISTINCT ON (t.eid) t.eid, t.seq,
           ts_rank(t.tokens, ${tsquery}::tsquery, ${RANK_NORMALISATION})::float8 AS rank
         FROM texts t ${provenance} WHERE ${where.join(' AND ')}
         ORDER BY t.eid, rank DESC, t.seq),
       page AS (
         SELECT e.id, h.rank, h.seq FROM h CROSS JOIN LATERAL (SELECT id FROM entities WHERE eid = h.eid) e
         ORDER BY h.rank DESC, e.id COLLATE "C" LIMIT ${q.p(limit)} OFFSET ${q.p(offset)})
       SELECT (SELECT count(*) FROM h),
         (SELECT coalesce(json_agg(json_build_array(id, rank, seq) ORDER BY rank DESC, id COLLATE "C"), '[]') FROM page)`,
      q.values,
    );
    const r = rows[0] ?? [];
    const page = ((r[1] ?? []) as [string, number, number][]).map(
      ([id, rank, seq]): Match => ({ id, rank: Number(rank), seq: Number(seq) }),
    );
    // Only the page's texts are read, and from the same snapshot as the matches.
    const texts = new Map<number, string>();
    if (page.length > 0) {
      const values = await c.query<{ seq: number; value: string }>(
        'SELECT seq, value FROM statements WHERE seq = ANY($1::bigint[])',
        [page.map((m) => m.seq)],
      );
      for (const v of values.rows) texts.set(Number(v.seq), v.value);
    }
    return { total: Number(r[0] ?? 0), page, texts };
  });

  const loaded = await sourceEntities(
    db,
    ctx,
    found.page.map((m) => m.id),
  );
  const tokens = nameTokens(query.q).slice(0, QUERY_TOKENS);
  const hits: TextSearchHit[] = [];
  for (const m of found.page) {
    const entity = loaded.get(m.id);
    const text = found.texts.get(m.seq);
    // Erased between the snapshot and the load: left out, as SQLite leaves out what it cannot load.
    if (!entity || text === undefined) continue;
    hits.push({
      id: entity.id,
      schema: entity.schema.name,
      caption: entity.caption,
      datasets: entity.datasets,
      marking: entity.marking,
      score: Math.round(m.rank * 1000) / 1000,
      snippet: snippet(text, tokens),
    });
  }
  return {
    total: found.total,
    hits,
    marking: formatMarking(
      highestMarking(hits.length ? hits.map((h) => parseMarking(h.marking)) : [DEFAULT_MARKING]),
    ),
  };
}
