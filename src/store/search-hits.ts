// What faceted search checks of its input and shows of each hit (limits, highlighting, facets, the answer's marking),
// shared by the SQLite and PostgreSQL stores so both refuse and answer exactly alike.
import {
  type Entity,
  highestMarking,
  type Marking,
  markingLevels,
  NexusError,
  parseMarking,
} from '../model/index.js';
import { nameTokens } from './search-query.js';
import type { FacetCount, FacetedHit, FacetedSearchQuery, HighlightPart } from './store.js';

export const SEARCH_MAX_LIMIT = 100;
export const SEARCH_MAX_OFFSET = 10_000;
/** Values per facet: the most frequent first. */
export const FACET_SIZE = 30;
const MAX_FILTER_VALUES = 100;
const MAX_QUERY_CHARS = 1000;
/** Words of a query that count (ftsQuery reads this many); highlighting looks for the same ones. */
export const QUERY_TOKENS = 12;
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

export function bad(message: string): NexusError {
  return new NexusError('USAGE_INVALID', `store.search: ${message}`);
}

/** A filter's values, each once and none empty; at most MAX_FILTER_VALUES of them. */
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
 * Splits a name into runs of text, marking the words that one of the query tokens (already folded) begins, as the
 * FTS index matched them. Plain text parts: the caller renders them as text, never as markup.
 */
export function highlight(name: string, tokens: readonly string[]): HighlightPart[] {
  const parts: HighlightPart[] = [];
  let last = 0;
  for (const m of name.matchAll(WORD)) {
    const word = m[0];
    const folded = nameTokens(word);
    if (!folded.some((f) => tokens.some((t) => f.startsWith(t)))) continue;
    if (m.index > last) parts.push({ text: name.slice(last, m.index), match: false });
    parts.push({ text: word, match: true });
    last = m.index + word.length;
  }
  if (last < name.length) parts.push({ text: name.slice(last), match: false });
  return parts;
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

/** A hit as shown; `rank` is the negated score (browsing: 0), so the score is its opposite, to 3 decimals. */
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

/** A facet's values, the most frequent first (then in byte order), at most FACET_SIZE. */
export function facet(counts: Map<string, number>): FacetCount[] {
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || byBytes(a.value, b.value))
    .slice(0, FACET_SIZE);
}

/** The highest of the present markings (level and caveats as stored) that the reader may see. */
export function highestOf<T extends { mlevel: number; caveats: string[] }>(
  present: readonly T[],
  visible: (m: T) => boolean,
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
