// Full-text search over document text (bodyText statements, indexed in texts_fts by the writer) for the SQLite
// store: visible matching statements only, each entity once with its best match, and a snippet of that text around
// the first matched word, cut in JavaScript from the stored value (the index itself keeps no text).
import type Database from 'better-sqlite3';
import {
  DEFAULT_MARKING,
  type Entity,
  formatMarking,
  highestMarking,
  NexusError,
  parseMarking,
} from '../../model/index.js';
import { highlight } from '../search-hits.js';
import { ftsQuery, nameTokens } from '../search-query.js';
import type { HighlightPart, TextSearchHit, TextSearchQuery, TextSearchResults } from '../store.js';
import { type VisibilityParams, visibleSql } from './visibility.js';

export const TEXT_SEARCH_MAX_LIMIT = 100;
export const TEXT_SEARCH_MAX_OFFSET = 10_000;
const MAX_QUERY_CHARS = 1000;
const MAX_DATASETS = 100;
/** Characters of context either side of the first matched word. */
const CONTEXT = 120;

export interface TextSearchEnv {
  db: Database.Database;
  params: VisibilityParams;
  seesAll: boolean;
  load(ids: readonly string[]): Map<string, Entity>;
}

function bad(message: string): NexusError {
  return new NexusError('USAGE_INVALID', `store.searchText: ${message}`);
}

/** About 2 x CONTEXT characters around the first word a query token begins, cut at spaces, as highlighted parts. */
export function snippet(text: string, tokens: readonly string[]): HighlightPart[] {
  let at = 0;
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
    const folded = nameTokens(m[0]);
    if (folded.some((f) => tokens.some((t) => f.startsWith(t)))) {
      at = m.index;
      break;
    }
  }
  let start = Math.max(0, at - CONTEXT);
  let end = Math.min(text.length, at + CONTEXT);
  if (start > 0) start = text.indexOf(' ', start) + 1 || start;
  if (end < text.length) end = text.lastIndexOf(' ', end) > at ? text.lastIndexOf(' ', end) : end;
  const window = text.slice(start, end).replace(/\s+/g, ' ');
  const parts = highlight(window, tokens);
  if (start > 0) parts.unshift({ text: '… ', match: false });
  if (end < text.length) parts.push({ text: ' …', match: false });
  return parts;
}

/** The page and datasets (distinct, none empty) of a query, or USAGE_INVALID (Store.searchText); both stores. */
export function checkTextQuery(query: TextSearchQuery): {
  limit: number;
  offset: number;
  datasets: string[];
} {
  const limit = query.limit;
  const offset = query.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > TEXT_SEARCH_MAX_LIMIT)
    throw bad(`limit must be a whole number from 1 to ${TEXT_SEARCH_MAX_LIMIT}`);
  if (!Number.isInteger(offset) || offset < 0 || offset > TEXT_SEARCH_MAX_OFFSET)
    throw bad(`offset must be a whole number from 0 to ${TEXT_SEARCH_MAX_OFFSET}`);
  if (query.q.length > MAX_QUERY_CHARS) throw bad(`q is longer than ${MAX_QUERY_CHARS} characters`);
  const datasets = [...new Set((query.datasets ?? []).filter((d) => d !== ''))];
  if (datasets.length > MAX_DATASETS) throw bad(`at most ${MAX_DATASETS} datasets`);
  return { limit, offset, datasets };
}

export function textSearch(query: TextSearchQuery, env: TextSearchEnv): TextSearchResults {
  const { limit, offset, datasets } = checkTextQuery(query);
  const match = ftsQuery(query.q);
  if (match === undefined) return { total: 0, hits: [], marking: formatMarking(DEFAULT_MARKING) };
  const params: Record<string, unknown> = { ...env.params, match };
  const where = [env.seesAll ? '1' : visibleSql('sp')];
  if (datasets.length) {
    datasets.forEach((d, i) => {
      params[`d${i}`] = d;
    });
    where.push(`sp.dataset IN (${datasets.map((_, i) => `@d${i}`).join(', ')})`);
  }
  // SQLite gives the bare columns of min() from the row holding the minimum: the best statement of each entity.
  const matches = `WITH h AS MATERIALIZED (SELECT rowid, bm25(texts_fts) AS rank FROM texts_fts WHERE texts_fts MATCH @match)
    SELECT e.id AS id, min(h.rank) AS rank, s.value AS value
    FROM h JOIN statements s ON s.rowid = h.rowid JOIN provenance sp ON sp.pid = s.pid JOIN entities e ON e.eid = s.eid
    WHERE ${where.join(' AND ')} GROUP BY e.eid`;
  const total = Number(env.db.prepare(`SELECT count(*) FROM (${matches})`).pluck().get(params));
  const rows = env.db
    .prepare(`${matches} ORDER BY rank, e.id LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit, offset }) as { id: string; rank: number; value: string }[];
  const loaded = env.load(rows.map((r) => r.id));
  const tokens = nameTokens(query.q).slice(0, 12);
  const hits: TextSearchHit[] = [];
  for (const r of rows) {
    const entity = loaded.get(r.id);
    if (!entity) continue;
    hits.push({
      id: entity.id,
      schema: entity.schema.name,
      caption: entity.caption,
      datasets: entity.datasets,
      marking: entity.marking,
      score: Math.round(-r.rank * 1000) / 1000,
      snippet: snippet(r.value, tokens),
    });
  }
  return {
    total,
    hits,
    marking: formatMarking(
      highestMarking(hits.length ? hits.map((h) => parseMarking(h.marking)) : [DEFAULT_MARKING]),
    ),
  };
}
