// Name search on PostgreSQL (Store.searchNames): every word of the query a prefix of a word of one name, through the
// names index (tsvector, GIN); the best names first by pg_trgm similarity of the folded words.
import type { AccessContext } from '../../access/index.js';
import { schemaFamily } from '../schema-family.js';
import { QUERY_TOKENS } from '../search-hits.js';
import { nameTokens } from '../search-query.js';
import type { SearchHit, SearchOptions } from '../store.js';
import { Params, type PgDb } from './db.js';
import { sourceEntities } from './entities-read.js';
import { MAX_TOKEN_CHARS } from './entities-write.js';
import { visibleSql } from './visibility.js';

/**
 * A name query for the names index: every word a prefix (`'jos':* & 'mul':*`, all required, as data: the words are
 * letters and digits only, quoted anyway) and the folded words for pg_trgm's similarity. Undefined when the query
 * has no word.
 */
export function nameQuery(text: string): { tsquery: string; folded: string } | undefined {
  const tokens = nameTokens(text)
    .slice(0, QUERY_TOKENS)
    .map((t) => t.slice(0, MAX_TOKEN_CHARS));
  if (tokens.length === 0) return undefined;
  const quoted = tokens.map((t) => `'${t.replaceAll('\\', '\\\\').replaceAll("'", "''")}':*`);
  return { tsquery: quoted.join(' & '), folded: tokens.join(' ') };
}

export async function searchNames(
  db: PgDb,
  ctx: AccessContext,
  query: string,
  options: SearchOptions = {},
): Promise<SearchHit[]> {
  const match = nameQuery(query);
  if (match === undefined) return [];
  const limit = Math.max(1, Math.min(options.limit ?? 20, 500));
  const q = new Params();
  const folded = q.p(match.folded);
  const where = [visibleSql(ctx, 'p', q)];
  if (options.dataset !== undefined) where.push(`p.dataset = ${q.p(options.dataset)}`);
  const family = options.schema === undefined ? undefined : schemaFamily(options.schema);
  if (family) where.push(`e.schema = ANY(${q.p(family)}::text[])`);
  // The best few names first (as SQLite takes the best bm25 rows), then the marking rule and the filters on them.
  const found = await db.query<{ id: string; score: number }>(
    `SELECT e.id, max(h.sim) AS score FROM (
       SELECT n.eid, n.pid, greatest(similarity(n.folded, ${folded}), 0.001)::float8 AS sim FROM names n
       WHERE n.tokens @@ ${q.p(match.tsquery)}::tsquery ORDER BY sim DESC, n.seq LIMIT ${q.p(limit * 20)}) h
     JOIN provenance p ON p.pid = h.pid JOIN entities e ON e.eid = h.eid
     WHERE ${where.join(' AND ')}
     GROUP BY e.eid, e.id ORDER BY score DESC, e.id COLLATE "C" LIMIT ${q.p(limit)}`,
    q.values,
  );
  const loaded = await sourceEntities(
    db,
    ctx,
    found.map((r) => r.id),
  );
  const allowed = family ? new Set(family) : undefined;
  const hits: SearchHit[] = [];
  for (const row of found) {
    const entity = loaded.get(row.id);
    // The schema filter holds for the schema the context sees, not one refined by hidden statements (R8).
    if (!entity || (allowed && !allowed.has(entity.schema.name))) continue;
    hits.push({
      id: row.id,
      schema: entity.schema.name,
      caption: entity.caption,
      score: Math.round(row.score * 1000) / 1000,
    });
  }
  return hits;
}
