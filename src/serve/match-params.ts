// Reads the yente /match query string into MatchParams, refusing malformed values with a 400 that says which.
import { NexusError } from '../model/index.js';
import type { MatchParams } from '../resolve/index.js';

export const DEFAULT_THRESHOLD = 0.7;
export const DEFAULT_LIMIT = 5;
/** yente's MAX_MATCHES; larger requests are clamped to it rather than refused, so clients asking for more still work. */
export const MAX_LIMIT = 10;

const MAX_VALUE_CHARS = 256;
const MAX_REPEATS = 100;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function bad(message: string): NexusError {
  return new NexusError('USAGE_INVALID', `match: ${message}`);
}

function single(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (value.length > MAX_VALUE_CHARS) throw bad(`${name} is longer than ${MAX_VALUE_CHARS} characters`);
  return value;
}

function repeated(query: URLSearchParams, name: string): string[] | undefined {
  const values = query.getAll(name).filter((v) => v !== '');
  if (values.length === 0) return undefined;
  if (values.length > MAX_REPEATS) throw bad(`${name} is given more than ${MAX_REPEATS} times`);
  if (values.some((v) => v.length > MAX_VALUE_CHARS))
    throw bad(`a ${name} value is longer than ${MAX_VALUE_CHARS} characters`);
  return values;
}

function threshold(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_THRESHOLD;
  const n = Number(raw);
  // Number('') is 0, so an empty value must be refused explicitly.
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw bad('threshold must be a number from 0 to 1');
  return n;
}

function limit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  if (!/^\d{1,9}$/.test(raw.trim()) || Number(raw) < 1)
    throw bad('limit must be a whole number of at least 1');
  return Math.min(Number(raw), MAX_LIMIT);
}

function changedSince(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!ISO_DATE.test(raw) || Number.isNaN(Date.parse(raw)))
    throw bad('changed_since must be an ISO date such as 2024-01-31');
  return raw;
}

/**
 * The parameters yente documents for POST /match/{dataset}. Parameters this server does not know (yente has a few
 * more, e.g. `cutoff`, `fuzzy`) are ignored as yente ignores unknown ones, so existing clients keep working.
 */
export function parseMatchParams(dataset: string, query: URLSearchParams): MatchParams {
  const params: MatchParams = {
    dataset,
    threshold: threshold(single(query, 'threshold')),
    limit: limit(single(query, 'limit')),
  };
  const algorithm = single(query, 'algorithm');
  if (algorithm !== undefined && algorithm !== '') params.algorithm = algorithm;
  const topics = repeated(query, 'topics');
  if (topics) params.topics = topics;
  const include = repeated(query, 'include_dataset');
  if (include) params.includeDataset = include;
  const exclude = repeated(query, 'exclude_dataset');
  if (exclude) params.excludeDataset = exclude;
  const schemata = repeated(query, 'exclude_schema');
  if (schemata) params.excludeSchema = schemata;
  const since = changedSince(single(query, 'changed_since'));
  if (since !== undefined) params.changedSince = since;
  return params;
}
