// What faceted search shows of each hit and how it checks its input: the same rules as the SQLite store's
// search (src/store/sqlite/search.ts), whose limits and highlighting it shares.
import {
  type Entity,
  highestMarking,
  type Marking,
  markingLevels,
  NexusError,
  parseMarking,
} from '../../model/index.js';
import { nameTokens } from '../search-query.js';
import { FACET_SIZE, highlight, SEARCH_MAX_LIMIT, SEARCH_MAX_OFFSET } from '../sqlite/search.js';
import type { FacetCount, FacetedHit, FacetedSearchQuery, HighlightPart } from '../store.js';
import { MAX_TOKEN_CHARS } from './entities-write.js';

export { FACET_SIZE };

const MAX_FILTER_VALUES = 100;
const MAX_QUERY_CHARS = 1000;
/** Words of a query that count, as in SQLite's ftsQuery. */
export const QUERY_TOKENS = 12;

export function bad(message: string): NexusError {
  return new NexusError('USAGE_INVALID', `store.search: ${message}`);
}

export function filterValues(name: string, list: readonly string[] | undefined): string[] {
  const out = [...new Set((list ?? []).filter((v) => v !== ''))];
  if (out.length > MAX_FILTER_VALUES) throw bad(`at most ${MAX_FILTER_VALUES} ${name} values`);
  return out;
}

export function checkPage(query: FacetedSearchQuery): { limit: number; offset: number } {
  const limit = query.limit;
  const offset = query.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_MAX_LIMIT)
    throw bad(`limit must be a whole number from 1 to ${SEARCH_MAX_LIMIT}`);
  if (!Number.isInteger(offset) || offset < 0 || offset > SEARCH_MAX_OFFSET)
    throw bad(`offset must be a whole number from 0 to ${SEARCH_MAX_OFFSET}`);
  if ((query.q ?? '').length > MAX_QUERY_CHARS) throw bad(`q is longer than ${MAX_QUERY_CHARS} characters`);
  return { limit, offset };
}

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

/** How many of the query tokens a name's words begin with. */
function matchedTokens(name: string, tokens: readonly string[]): number {
  const words = nameTokens(name);
  return tokens.filter((t) => words.some((w) => w.startsWith(t))).length;
}

/** The visible name that matches the most query tokens (the caption on a tie), highlighted. */
function bestName(entity: Entity, tokens: readonly string[]): HighlightPart[] {
  const caption = entity.caption;
  if (tokens.length === 0) return caption === '' ? [] : [{ text: caption, match: false }];
  let best = caption;
  let bestScore = matchedTokens(caption, tokens);
  for (const st of entity.statements) {
    if (st.propType !== 'name' || st.value === best) continue;
    const score = matchedTokens(st.value, tokens);
    if (score > bestScore) {
      best = st.value;
      bestScore = score;
    }
  }
  return highlight(best, tokens);
}

/** A hit as shown; `rank` is the negated best name similarity (browsing: 0), so the score is the similarity. */
export function hitOf(entity: Entity, rank: number, tokens: readonly string[]): FacetedHit {
  const countries = [
    ...new Set(entity.statements.filter((s) => s.propType === 'country').map((s) => s.value)),
  ];
  return {
    id: entity.id,
    schema: entity.schema.name,
    caption: entity.caption,
    score: tokens.length === 0 ? 0 : Math.round(-rank * 1000) / 1000,
    datasets: entity.datasets,
    topics: [...(entity.properties.get('topics') ?? [])],
    countries: countries.sort(),
    marking: entity.marking,
    highlight: bestName(entity, tokens),
  };
}

/** Byte order, as SQLite's BINARY collation and PostgreSQL's "C" sort text. */
export function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function facet(counts: Map<string, number>): FacetCount[] {
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || byBytes(a.value, b.value))
    .slice(0, FACET_SIZE);
}

/** The highest of the present markings (level and caveats as stored) that the reader may see. */
export function highestOf(
  present: readonly { mlevel: number; caveats: string[] }[],
  visible: (m: { mlevel: number; caveats: string[] }) => boolean,
): Marking {
  const names = new Map(markingLevels().map((l) => [parseMarking(l).rank, l]));
  const seen: Marking[] = [];
  for (const m of present) {
    if (!visible(m)) continue;
    const level = names.get(m.mlevel);
    if (level === undefined) continue;
    seen.push(parseMarking([level, ...m.caveats].join(' ')));
  }
  return highestMarking(seen);
}
