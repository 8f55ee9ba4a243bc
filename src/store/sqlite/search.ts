// Faceted search for the SQLite store: the visible matches go into a temporary table, then the page, the total,
// the facet counts and the answer's marking are read from it, every step through the store's visibility rule.
import type Database from 'better-sqlite3';
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
import {
  checkPage,
  FACET_SIZE,
  facet,
  filterValues,
  highestOf,
  hitOf,
  QUERY_TOKENS,
} from '../search-hits.js';
import { ftsQuery, nameTokens } from '../search-query.js';
import type { FacetCount, FacetedHit, FacetedSearchQuery, SearchFacets, SearchResults } from '../store.js';
import { CAVEAT_SEPARATOR, caveatsOk, type VisibilityParams, visibleSql } from './visibility.js';

/**
 * Up to this many matches (for a reader who sees every marking) the answer's marking is read from their statements;
 * above it, the highest marking present stands in: never lower than the truth, and no scan of millions of rows.
 */
const EXACT_MARKING_MATCHES = 10_000;
/**
 * Up to this many matches, the reads over their statements (facets, visible scope, marking) start from the match
 * table, entity by entity; above it SQLite's own plan (walking the statement indexes in order) is faster.
 */
const FEW_MATCHES = 10_000;

export interface SearchEnv {
  db: Database.Database;
  /** The reader's clearance and caveats, bound as @rank and @held. */
  params: VisibilityParams;
  /** True when the reader may see every marking present, so no per-row check is needed. */
  seesAll: boolean;
  /** The schema filter as a family (the schema and its descendants), resolved by the store. */
  family?: readonly string[];
  /** Source records by id as the reader may see them. */
  load(ids: readonly string[]): Map<string, Entity>;
}

interface Scope {
  datasets: Set<string>;
  markings: Set<string>;
  /** The schema the visible statements give, and the one stored (from every statement). */
  schema: Schema | undefined;
  stored: string;
}

/** CROSS JOIN makes SQLite keep the match table as the outer loop; plain JOIN leaves the order to it. */
function join(matches: number): string {
  return matches <= FEW_MATCHES ? 'CROSS JOIN' : 'JOIN';
}

function count(db: Database.Database): number {
  return Number(db.prepare('SELECT count(*) FROM temp.nexus_search').pluck().get());
}

/** Binds a list as @<prefix>0, @<prefix>1, ... and returns the placeholders. */
function bind(params: Record<string, unknown>, prefix: string, list: readonly string[]): string {
  list.forEach((v, i) => {
    params[`${prefix}${i}`] = v;
  });
  return list.map((_, i) => `@${prefix}${i}`).join(', ');
}

/** The highest marking present in the store that the reader may see: a safe stand-in for a large answer. */
function highestPresent(db: Database.Database, params: VisibilityParams): Marking {
  const rows = db.prepare('SELECT mlevel, caveats FROM markings_present').all() as {
    mlevel: number;
    caveats: string;
  }[];
  return highestOf(
    rows.map((r) => ({
      mlevel: r.mlevel,
      stored: r.caveats,
      caveats: r.caveats.split(CAVEAT_SEPARATOR).filter(Boolean),
    })),
    (m) => m.mlevel <= params.rank && caveatsOk(m.stored, params.held) === 1,
  );
}

export function facetedSearch(query: FacetedSearchQuery, env: SearchEnv): SearchResults {
  const { limit, offset } = checkPage(query);
  const datasets = filterValues('dataset', query.datasets);
  const topics = filterValues('topic', query.topics);
  const countries = filterValues('country', query.countries);
  const q = query.q ?? '';
  const match = ftsQuery(q);
  // Text but no searchable word (only punctuation): nothing can match, as in searchNames.
  const empty = match === undefined && q.trim() !== '';
  const tokens = nameTokens(q).slice(0, QUERY_TOKENS);
  const { db, seesAll } = env;
  const vis = (alias: string) => (seesAll ? '1' : visibleSql(alias));
  const params: Record<string, unknown> = { ...env.params };

  // Conditions on the entity `e`, each through visible statements only (a dataset, topic or country known only
  // from a statement the reader may not see does not select the entity).
  const where: string[] = [];
  if (env.family) where.push(`e.schema IN (${bind(params, 's', env.family)})`);
  const statementIn = (alias: string, condition: string) =>
    seesAll
      ? `EXISTS (SELECT 1 FROM statements ${alias} WHERE ${alias}.eid = e.eid AND ${condition})`
      : `EXISTS (SELECT 1 FROM statements ${alias} JOIN provenance ${alias}p ON ${alias}p.pid = ${alias}.pid WHERE ${alias}.eid = e.eid AND ${condition} AND ${vis(`${alias}p`)})`;
  if (topics.length)
    where.push(statementIn('t', `t.prop_type = 'topic' AND t.value IN (${bind(params, 't', topics)})`));
  if (countries.length)
    where.push(statementIn('c', `c.prop_type = 'country' AND c.value IN (${bind(params, 'c', countries)})`));
  if (datasets.length) {
    const list = bind(params, 'd', datasets);
    where.push(
      seesAll
        ? `EXISTS (SELECT 1 FROM entity_datasets d WHERE d.eid = e.eid AND d.dataset IN (${list}))`
        : `EXISTS (SELECT 1 FROM statements d JOIN provenance dp ON dp.pid = d.pid WHERE d.eid = e.eid AND dp.dataset IN (${list}) AND ${vis('dp')})`,
    );
  }
  const conditions = where.length ? where.join(' AND ') : '1';

  let insert: string;
  if (match !== undefined) {
    params.match = match;
    // Materialised: bm25() works only in the query over the FTS table, not once flattened into the grouping.
    insert = `WITH h AS MATERIALIZED (SELECT rowid, bm25(names_fts) AS rank FROM names_fts WHERE names_fts MATCH @match)
      INSERT INTO temp.nexus_search (eid, rank, schema)
      SELECT e.eid, min(h.rank), e.schema
      FROM h JOIN statements s ON s.rowid = h.rowid JOIN provenance sp ON sp.pid = s.pid JOIN entities e ON e.eid = s.eid
      WHERE ${vis('sp')} AND ${conditions} GROUP BY e.eid`;
  } else {
    // Browsing: start from the most selective index at hand rather than from every entity.
    const driver = topics.length
      ? "(SELECT DISTINCT x.eid AS fid FROM statements x WHERE x.prop_type = 'topic' AND x.value IN (" +
        topics.map((_, i) => `@t${i}`).join(', ') +
        ')) f JOIN entities e ON e.eid = f.fid'
      : countries.length
        ? "(SELECT DISTINCT x.eid AS fid FROM statements x WHERE x.prop_type = 'country' AND x.value IN (" +
          countries.map((_, i) => `@c${i}`).join(', ') +
          ')) f JOIN entities e ON e.eid = f.fid'
        : 'entities e';
    // An entity the reader sees no statement of is dropped by restrictToVisible, which reads them all anyway.
    insert = `INSERT INTO temp.nexus_search (eid, rank, schema)
      SELECT e.eid, 0, e.schema FROM ${driver} WHERE ${conditions}`;
  }

  db.exec(
    'CREATE TEMP TABLE IF NOT EXISTS nexus_search (eid INTEGER PRIMARY KEY, rank REAL NOT NULL, schema TEXT NOT NULL)',
  );
  const run = db.transaction((): SearchResults => {
    db.prepare('DELETE FROM temp.nexus_search').run();
    try {
      if (!empty) db.prepare(insert).run(params);
      const scope = seesAll ? undefined : restrictToVisible(env);
      const total = count(db);
      const facets = readFacets(env, scope, vis, total);
      const marking = answerMarking(env, scope, total);
      const page = db
        .prepare(
          'SELECT e.id AS id, m.rank AS rank FROM temp.nexus_search m JOIN entities e ON e.eid = m.eid ORDER BY m.rank, e.id LIMIT @limit OFFSET @offset',
        )
        .all({ limit, offset }) as { id: string; rank: number }[];
      const loaded = env.load(page.map((r) => r.id));
      const hits: FacetedHit[] = [];
      const shown: Marking[] = [];
      for (const row of page) {
        const entity = loaded.get(row.id);
        if (!entity) continue;
        const hit = hitOf(entity, row.rank, tokens);
        shown.push(parseMarking(hit.marking));
        hits.push(hit);
      }
      return {
        total,
        hits,
        facets,
        marking: formatMarking(highestMarking([marking, ...shown])),
      };
    } finally {
      db.prepare('DELETE FROM temp.nexus_search').run();
    }
  });
  return run();
}

/** The highest marking among the statements of the matches (see EXACT_MARKING_MATCHES for large answers). */
function answerMarking(env: SearchEnv, scope: Map<number, Scope> | undefined, total: number): Marking {
  if (scope)
    return highestMarking(
      [...new Set([...scope.values()].flatMap((s) => [...s.markings]))].map(parseMarking),
    );
  if (total === 0) return DEFAULT_MARKING;
  if (total > EXACT_MARKING_MATCHES) return highestPresent(env.db, env.params);
  const texts = env.db
    .prepare(
      `SELECT DISTINCT sp.marking FROM temp.nexus_search m ${join(total)} statements s ON s.eid = m.eid
       JOIN provenance sp ON sp.pid = s.pid`,
    )
    .pluck()
    .all() as string[];
  return highestMarking(texts.map(parseMarking));
}

/**
 * For a reader who may not see everything: the schema, datasets and markings of each match from its visible
 * statements only (the stored schema may have been refined by statements the reader cannot see), then the schema
 * filter applied to that visible schema. A match without a visible statement is dropped.
 */
function restrictToVisible(env: SearchEnv): Map<number, Scope> {
  const { db } = env;
  const scopes = new Map<number, Scope>();
  // The marking rule is on provenance, which the statements one record gave one entity share: each match's
  // provenance rows are read once (statements_eid_pid, in write order) and the rule runs on those, not on every
  // statement.
  const rows = db
    .prepare(
      `SELECT g.eid, sp.schema, sp.dataset, sp.marking, g.schema
       FROM (SELECT m.eid, s.pid, m.schema FROM temp.nexus_search m CROSS JOIN statements s ON s.eid = m.eid
         GROUP BY m.eid, s.pid) g
       JOIN provenance sp ON sp.pid = g.pid
       WHERE ${visibleSql('sp')}`,
    )
    .raw()
    .iterate(env.params) as IterableIterator<[number, string, string, string, string]>;
  const schemas = new Map<string, Schema | undefined>();
  const schemaOf = (name: string): Schema | undefined => {
    if (!schemas.has(name)) schemas.set(name, hasSchema(name) ? getSchema(name) : undefined);
    return schemas.get(name);
  };
  for (const [eid, schemaName, dataset, marking, stored] of rows) {
    let scope = scopes.get(eid);
    if (!scope) {
      scope = { datasets: new Set(), markings: new Set(), schema: undefined, stored };
      scopes.set(eid, scope);
    }
    scope.datasets.add(dataset);
    scope.markings.add(marking);
    const next = schemaOf(schemaName);
    if (next && next !== scope.schema)
      scope.schema = scope.schema ? (specificSchema(scope.schema, next) ?? scope.schema) : next;
  }
  const family = env.family ? new Set(env.family) : undefined;
  const drop = db.prepare('DELETE FROM temp.nexus_search WHERE eid = ?');
  const matched = db.prepare('SELECT eid FROM temp.nexus_search').pluck().all() as number[];
  for (const eid of matched) if (!scopes.has(eid)) drop.run(eid);
  const update = db.prepare('UPDATE temp.nexus_search SET schema = ? WHERE eid = ?');
  for (const [eid, scope] of scopes) {
    const name = scope.schema?.name ?? 'Thing';
    if (family && !family.has(name)) {
      drop.run(eid);
      scopes.delete(eid);
    } else if (name !== scope.stored) update.run(name, eid);
  }
  return scopes;
}

function readFacets(
  env: SearchEnv,
  scope: Map<number, Scope> | undefined,
  vis: (alias: string) => string,
  total: number,
): SearchFacets {
  const { db } = env;
  const counted = (sql: string): FacetCount[] =>
    db.prepare(sql).all({ ...env.params, size: FACET_SIZE }) as FacetCount[];
  const byValue = (type: 'topic' | 'country') =>
    counted(
      `SELECT x.value AS value, count(DISTINCT x.eid) AS count
       FROM temp.nexus_search m ${join(total)} statements x ON x.eid = m.eid
       ${scope ? 'JOIN provenance xp ON xp.pid = x.pid' : ''}
       WHERE x.prop_type = '${type}' AND ${scope ? vis('xp') : '1'}
       GROUP BY x.value ORDER BY count DESC, value LIMIT @size`,
    );
  let datasets: FacetCount[];
  if (scope) {
    const counts = new Map<string, number>();
    for (const s of scope.values()) for (const d of s.datasets) counts.set(d, (counts.get(d) ?? 0) + 1);
    datasets = facet(counts);
  } else {
    datasets = counted(
      `SELECT d.dataset AS value, count(*) AS count FROM temp.nexus_search m JOIN entity_datasets d ON d.eid = m.eid
       GROUP BY d.dataset ORDER BY count DESC, value LIMIT @size`,
    );
  }
  return {
    schema: counted(
      'SELECT schema AS value, count(*) AS count FROM temp.nexus_search GROUP BY schema ORDER BY count DESC, value LIMIT @size',
    ),
    topics: byValue('topic'),
    countries: byValue('country'),
    datasets,
  };
}
