// Faceted search on PostgreSQL, behaving as the SQLite store's (src/store/sqlite/search.ts): name words matched as
// prefixes through the names index (tsvector, GIN), ranked by pg_trgm similarity; filters; the total, facet counts
// and the answer's marking over every visible match; a page of hits. The matches are computed once per search, in
// one statement (one snapshot), as a materialised CTE that the counts and the page all read.
import type { AccessContext } from '../../access/index.js';
import {
  DEFAULT_MARKING,
  type Entity,
  formatMarking,
  getSchema,
  hasSchema,
  highestMarking,
  type Marking,
  parseMarking,
  type Schema,
  specificSchema,
} from '../../model/index.js';
import { schemaFamily } from '../schema-family.js';
import {
  checkPage,
  FACET_SIZE,
  facet,
  filterValues,
  highestOf,
  hitOf,
  QUERY_TOKENS,
} from '../search-hits.js';
import { nameTokens } from '../search-query.js';
import type { FacetCount, FacetedHit, FacetedSearchQuery, SearchResults } from '../store.js';
import { type Client, Params, type PgDb } from './db.js';
import { sourceEntities } from './entities-read.js';
import { pinned, rowsOn, seesAll } from './entities-sql.js';
import { nameQuery } from './search-names.js';
import { visibleSql } from './visibility.js';

/**
 * Up to this many matches (for a reader who sees every marking) the answer's marking is read from their statements;
 * above it, the highest marking present stands in: never lower than the truth, and no scan of millions of rows.
 */
const EXACT_MARKING_MATCHES = 10_000;

interface Page {
  ids: { id: string; rank: number }[];
  total: number;
  facets: SearchResults['facets'];
  marking: Marking;
}

export async function facetedSearch(
  db: PgDb,
  ctx: AccessContext,
  query: FacetedSearchQuery,
): Promise<SearchResults> {
  const { limit, offset } = checkPage(query);
  const datasets = filterValues('dataset', query.datasets);
  const topics = filterValues('topic', query.topics);
  const countries = filterValues('country', query.countries);
  const family = query.schema !== undefined ? schemaFamily(query.schema) : undefined;
  const text = query.q ?? '';
  const match = nameQuery(text);
  const tokens = nameTokens(text).slice(0, QUERY_TOKENS);
  // Text but no searchable word (only punctuation): nothing can match, as in searchNames.
  const empty = match === undefined && text.trim() !== '';

  // The "sees every marking" check and every read of the matches share one snapshot: a batch of higher markings
  // committed in between must not be counted unchecked.
  const page: Page = empty
    ? {
        ids: [],
        total: 0,
        facets: { schema: [], topics: [], countries: [], datasets: [] },
        marking: DEFAULT_MARKING,
      }
    : await pinned(db, async (c) => {
        const all = await seesAll(c, ctx);
        const q = new Params();
        const matches = matchesSql(ctx, all, q, { family, topics, countries, datasets, match });
        return all
          ? wholePage(c, matches, q, limit, offset)
          : visiblePage(c, ctx, matches, q, family, limit, offset);
      });

  const loaded: Map<string, Entity> = await sourceEntities(
    db,
    ctx,
    page.ids.map((r) => r.id),
  );
  const hits: FacetedHit[] = [];
  const shown: Marking[] = [];
  for (const row of page.ids) {
    const entity = loaded.get(row.id);
    if (!entity) continue;
    const hit = hitOf(entity, row.rank, tokens);
    shown.push(parseMarking(hit.marking));
    hits.push(hit);
  }
  return {
    total: page.total,
    hits,
    facets: page.facets,
    marking: formatMarking(highestMarking([page.marking, ...shown])),
  };
}

interface Filters {
  family: readonly string[] | undefined;
  topics: readonly string[];
  countries: readonly string[];
  datasets: readonly string[];
  match: { tsquery: string; folded: string } | undefined;
}

/** The visible matches as SQL (eid, rank, stored schema), its values added to `q`. */
function matchesSql(ctx: AccessContext, all: boolean, q: Params, f: Filters): string {
  const { family, topics, countries, datasets, match } = f;
  const vis = (alias: string) => (all ? 'true' : visibleSql(ctx, alias, q));
  // Conditions on the entity `e`, each through visible statements only (a dataset, topic or country known only from
  // a statement the reader may not see does not select the entity).
  const where: string[] = [];
  if (family) where.push(`e.schema = ANY(${q.p(family)}::text[])`);
  const statementIn = (a: string, condition: string) =>
    `EXISTS (SELECT 1 FROM statements ${a} JOIN provenance ${a}p ON ${a}p.pid = ${a}.pid
      WHERE ${a}.eid = e.eid AND ${condition} AND ${vis(`${a}p`)})`;
  const topicList = topics.length ? q.p(topics) : '';
  const countryList = countries.length ? q.p(countries) : '';
  if (topics.length)
    where.push(statementIn('t', `t.prop_type = 'topic' AND t.value = ANY(${topicList}::text[])`));
  if (countries.length)
    where.push(statementIn('c', `c.prop_type = 'country' AND c.value = ANY(${countryList}::text[])`));
  if (datasets.length) {
    const list = q.p(datasets);
    where.push(
      all
        ? `EXISTS (SELECT 1 FROM entity_datasets d WHERE d.eid = e.eid AND d.dataset = ANY(${list}::text[]))`
        : statementIn('d', `dp.dataset = ANY(${list}::text[])`),
    );
  }
  const conditions = where.length ? where.join(' AND ') : 'true';

  let matches: string;
  if (match !== undefined) {
    const folded = q.p(match.folded);
    matches = `SELECT e.eid, -max(greatest(similarity(n.folded, ${folded}), 0.001)::float8) AS rank, e.schema
      FROM names n ${all ? '' : 'JOIN provenance np ON np.pid = n.pid'} JOIN entities e ON e.eid = n.eid
      WHERE n.tokens @@ ${q.p(match.tsquery)}::tsquery AND ${vis('np')} AND ${conditions}
      GROUP BY e.eid, e.schema`;
  } else {
    // Browsing: start from the most selective index at hand rather than from every entity.
    const driver = topics.length
      ? `entities e WHERE e.eid IN (SELECT x.eid FROM statements x
          WHERE x.prop_type = 'topic' AND x.value = ANY(${topicList}::text[])) AND`
      : countries.length
        ? `entities e WHERE e.eid IN (SELECT x.eid FROM statements x
            WHERE x.prop_type = 'country' AND x.value = ANY(${countryList}::text[])) AND`
        : 'entities e WHERE';
    // An entity the reader sees no statement of is left out by visiblePage, which reads them all anyway.
    matches = `SELECT e.eid, 0::float8 AS rank, e.schema FROM ${driver} ${conditions}`;
  }

  return matches;
}

/** A reader who sees every marking: the counts come straight from the stored rows, in one statement. */
async function wholePage(
  c: Client,
  matches: string,
  q: Params,
  limit: number,
  offset: number,
): Promise<Page> {
  const size = q.p(FACET_SIZE);
  const counted = (sql: string) =>
    `(SELECT coalesce(json_agg(json_build_array(value, n) ORDER BY n DESC, value COLLATE "C"), '[]')
      FROM (SELECT * FROM (${sql}) g ORDER BY n DESC, value COLLATE "C" LIMIT ${size}) f)`;
  // Every read over the matches probes the tables per match (LATERAL, inside `pinned`), so it costs what the
  // matches are worth, however large the tables.
  const byValue = (type: string) =>
    counted(`SELECT x.value, count(*) AS n FROM m CROSS JOIN LATERAL (
      SELECT DISTINCT v.value FROM statements v WHERE v.eid = m.eid AND v.prop_type = '${type}') x GROUP BY x.value`);
  const found = await rowsOn(
    c,
    `WITH m AS MATERIALIZED (${matches}),
     page AS (SELECT e.id, m.rank FROM m CROSS JOIN LATERAL (SELECT id FROM entities WHERE eid = m.eid) e
       ORDER BY m.rank, e.id COLLATE "C" LIMIT ${q.p(limit)} OFFSET ${q.p(offset)})
     SELECT (SELECT count(*) FROM m),
       (SELECT coalesce(json_agg(json_build_array(id, rank) ORDER BY rank, id COLLATE "C"), '[]') FROM page),
       ${counted('SELECT schema AS value, count(*) AS n FROM m GROUP BY schema')},
       ${byValue('topic')},
       ${byValue('country')},
       ${counted(`SELECT d.dataset AS value, count(*) AS n FROM m CROSS JOIN LATERAL (
         SELECT dataset FROM entity_datasets WHERE eid = m.eid) d GROUP BY d.dataset`)},
       (SELECT array_agg(DISTINCT k.marking) FROM m CROSS JOIN LATERAL (
         SELECT DISTINCT p.marking FROM statements s JOIN provenance p ON p.pid = s.pid WHERE s.eid = m.eid) k
        WHERE (SELECT count(*) FROM m) <= ${q.p(EXACT_MARKING_MATCHES)})`,
    q.values,
  );
  const r = found[0] ?? [];
  const total = Number(r[0] ?? 0);
  const facetOf = (v: unknown): FacetCount[] =>
    (v as [string, number][]).map(([value, count]) => ({ value, count: Number(count) }));
  let marking: Marking = DEFAULT_MARKING;
  if (total > EXACT_MARKING_MATCHES) {
    const present = await c.query<{ mlevel: number; caveats: string[] }>(
      'SELECT mlevel, caveats FROM markings_present',
    );
    marking = highestOf(present.rows, () => true);
  } else if (total > 0) marking = highestMarking(((r[6] as string[] | null) ?? []).map(parseMarking));
  return {
    ids: (r[1] as [string, number][]).map(([id, rank]) => ({ id, rank: Number(rank) })),
    total,
    facets: {
      schema: facetOf(r[2]),
      topics: facetOf(r[3]),
      countries: facetOf(r[4]),
      datasets: facetOf(r[5]),
    },
    marking,
  };
}

/**
 * A reader who may not see everything: each match with what its visible statements say (schemas in write order,
 * datasets, markings, topics, countries), in page order. The schema is folded from the visible statements (the
 * stored one may have been refined by statements the reader cannot see), then the schema filter applies to it, and
 * every count is made over what is left.
 */
async function visiblePage(
  c: Client,
  ctx: AccessContext,
  matches: string,
  q: Params,
  family: readonly string[] | undefined,
  limit: number,
  offset: number,
): Promise<Page> {
  // The marking rule is on provenance, which the statements one record gave one entity share: `a` reads each
  // match's provenance rows once (statements_eid_pid, migration 12; in write order) and applies the rule to those,
  // not to every statement; only topics and countries need the statements themselves (`f`, per match like every
  // read inside `pinned`). A match without a visible provenance row is not in `a`, so not in the answer.
  const found = await rowsOn(
    c,
    `WITH m AS MATERIALIZED (${matches}),
     a AS (
       SELECT g.eid, g.rank, array_agg(p.schema ORDER BY g.seq) AS schemas, array_agg(DISTINCT p.dataset) AS datasets,
         array_agg(DISTINCT p.marking) AS markings
       FROM (SELECT m.eid, m.rank, x.pid, x.seq FROM m CROSS JOIN LATERAL (
         SELECT s.pid, min(s.seq) AS seq FROM statements s WHERE s.eid = m.eid GROUP BY s.pid) x) g
       JOIN provenance p ON p.pid = g.pid
       WHERE ${visibleSql(ctx, 'p', q)}
       GROUP BY g.eid, g.rank)
     SELECT e.id, a.rank, a.schemas, a.datasets, a.markings, f.topics, f.countries
     FROM a CROSS JOIN LATERAL (SELECT id FROM entities WHERE eid = a.eid) e
     CROSS JOIN LATERAL (
       SELECT array_agg(DISTINCT s.value) FILTER (WHERE s.prop_type = 'topic') AS topics,
         array_agg(DISTINCT s.value) FILTER (WHERE s.prop_type = 'country') AS countries
       FROM statements s JOIN provenance p ON p.pid = s.pid
       WHERE s.eid = a.eid AND s.prop_type IN ('topic', 'country') AND ${visibleSql(ctx, 'p', q)}) f
     ORDER BY a.rank, e.id COLLATE "C"`,
    q.values,
  );
  const allowed = family ? new Set(family) : undefined;
  const schemaCounts = new Map<string, number>();
  const topicCounts = new Map<string, number>();
  const countryCounts = new Map<string, number>();
  const datasetCounts = new Map<string, number>();
  const markings = new Set<string>();
  const bump = (map: Map<string, number>, values: unknown) => {
    for (const v of (values as string[] | null) ?? []) map.set(v, (map.get(v) ?? 0) + 1);
  };
  const ids: { id: string; rank: number }[] = [];
  let total = 0;
  for (const r of found) {
    const name = foldSchemas(r[2] as string[])?.name ?? 'Thing';
    if (allowed && !allowed.has(name)) continue;
    if (total >= offset && ids.length < limit) ids.push({ id: r[0] as string, rank: Number(r[1]) });
    total++;
    schemaCounts.set(name, (schemaCounts.get(name) ?? 0) + 1);
    bump(datasetCounts, r[3]);
    for (const mk of (r[4] as string[] | null) ?? []) markings.add(mk);
    bump(topicCounts, r[5]);
    bump(countryCounts, r[6]);
  }
  return {
    ids,
    total,
    facets: {
      schema: facet(schemaCounts),
      topics: facet(topicCounts),
      countries: facet(countryCounts),
      datasets: facet(datasetCounts),
    },
    marking: highestMarking([...markings].map(parseMarking)),
  };
}

/** The most specific of the schemas in order, as Entity.fromStatements folds them. */
function foldSchemas(names: readonly string[]): Schema | undefined {
  let schema: Schema | undefined;
  let last: string | undefined;
  for (const name of names) {
    if (name === last || !hasSchema(name)) continue;
    last = name;
    const next = getSchema(name);
    schema = schema ? (specificSchema(schema, next) ?? schema) : next;
  }
  return schema;
}
