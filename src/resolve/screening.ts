// yente-compatible screening: validates a /match request, retrieves candidates from the index, scores and ranks them.
import { z } from 'zod';
import type { AccessContext } from '../access/index.js';
import { cleanIsoDate, type Entity, getProperty, getSchema, hasSchema, NexusError } from '../model/index.js';
import type { Candidate, Store } from '../store/index.js';
import { namesOf, type Subject } from './features.js';
import { matchKeysFor, sharesKey } from './keys.js';
import { type Scorable, scorables, withStoredNames } from './profile.js';
import {
  compatibleSchemata,
  DEFAULT_SCORING,
  describeMatcher,
  type MatchScore,
  scoreMatch,
  withThreshold,
} from './scorer.js';
import type {
  MatchParams,
  MatchQuery,
  MatchQueryResponse,
  MatchResponse,
  MatchResultEntity,
} from './screening-types.js';

export const MAX_QUERIES = 100;
export const DEFAULT_LIMIT = 5;
export const MAX_LIMIT = 10;
/** Candidates scored per query: enough that the right entity is among them, few enough to stay fast. */
const CANDIDATES = 50;
/** Candidates whose key weight is below this share of the best one's are not scored. */
const MIN_RELATIVE_WEIGHT = 0.3;
const MAX_NAME_LENGTH = 1000;
const MAX_VALUES = 500;
// Parts of names are checked like names: a one-letter first name is as useless for screening as a one-letter name.
const NAME_PART_PROPS = new Set(['firstName', 'lastName', 'middleName', 'fatherName', 'secondName']);
// Topics that make an entity a screening target, as yente marks results from sanctions-like sources.
const TARGET_TOPICS = new Set([
  'sanction',
  'sanction.linked',
  'sanction.counter',
  'debarment',
  'wanted',
  'crime',
]);

// The body's outer shape; `weights` and `config` are yente fields a client may send and Nexus ignores.
const RequestSchema = z.object({
  queries: z.custom<object>((x) => typeof x === 'object' && x !== null && !Array.isArray(x), {
    message: 'queries must be an object of named queries',
  }),
  weights: z.unknown().optional(),
  config: z.unknown().optional(),
});

const QueryHead = z.object({
  id: z.string().max(1000).optional(),
  schema: z.string({ message: 'schema must be a string' }),
  properties: z.custom<object>((x) => typeof x === 'object' && x !== null && !Array.isArray(x), {
    message: 'properties must be an object of property -> values',
  }),
});

type Checked =
  | { ok: true; subject: Subject; echo: MatchQuery }
  | { ok: false; error: string; echo: MatchQuery };

function echoOf(raw: unknown): MatchQuery {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const echo: MatchQuery = {
    schema: typeof r.schema === 'string' ? r.schema.slice(0, 100) : '',
    properties: {},
  };
  if (typeof r.id === 'string') echo.id = r.id.slice(0, 1000);
  return echo;
}

/** Checks one query; a problem makes a 400 for this query only, with the reason. */
export function checkQuery(raw: unknown): Checked {
  const head = QueryHead.safeParse(raw);
  if (!head.success)
    return { ok: false, error: head.error.issues.map((i) => i.message).join('; '), echo: echoOf(raw) };
  const { schema, id } = head.data;
  const echo: MatchQuery = { schema, properties: {}, ...(id !== undefined ? { id } : {}) };
  const fail = (error: string): Checked => ({ ok: false, error, echo });
  if (!hasSchema(schema)) return fail(`schema "${schema.slice(0, 100)}" is not an FtM schema`);
  if (compatibleSchemata(schema).length === 0) return fail(`schema "${schema}" cannot be screened`);
  const s = getSchema(schema);
  const props = new Map<string, string[]>();
  // Object.entries reads own keys only, so `__proto__` arrives as an ordinary (and unknown) property name.
  for (const [prop, given] of Object.entries(head.data.properties)) {
    const property = getProperty(s, prop);
    if (!property) return fail(`property "${prop.slice(0, 100)}" is not a property of ${schema}`);
    const list = Array.isArray(given) ? given : [given];
    if (list.length > MAX_VALUES) return fail(`property "${prop}" has more than ${MAX_VALUES} values`);
    const out: string[] = [];
    for (const item of list) {
      if (item === null || item === undefined) continue;
      if (typeof item !== 'string' && typeof item !== 'number')
        return fail(`property "${prop}" values must be strings`);
      const value = String(item).trim();
      if (value === '') continue;
      if (property.type.name === 'name' || NAME_PART_PROPS.has(prop)) {
        if (value.length > MAX_NAME_LENGTH)
          return fail(`${prop} is longer than ${MAX_NAME_LENGTH} characters`);
        if ([...value].length < 2)
          return fail(`${prop} "${value}" is too short: give at least two characters`);
        if (!/[\p{L}\p{N}]/u.test(value)) return fail(`${prop} "${value}" has no letters or digits`);
      } else if (property.type.name === 'date' && cleanIsoDate(value) === undefined)
        return fail(`${prop} "${value.slice(0, 50)}" is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)`);
      else if (value.length > MAX_NAME_LENGTH)
        return fail(`${prop} is longer than ${MAX_NAME_LENGTH} characters`);
      if (!out.includes(value)) out.push(value);
    }
    if (out.length > 0) props.set(prop, out);
  }
  echo.properties = Object.fromEntries(props);
  const subject: Subject = { schema, properties: props };
  const keys = matchKeysFor(subject);
  if (namesOf(subject).length === 0 && !keys.some((k) => k.startsWith('id:') || k.startsWith('w:')))
    return fail('query needs a name, a strong identifier or a wallet address');
  return { ok: true, subject, echo };
}

interface Resolved {
  threshold: number;
  limit: number;
  datasets: string[];
  excludeDatasets: string[];
  excludeSchema: Set<string>;
  topics: Set<string>;
  changedSince?: string;
}

function resolveParams(p: MatchParams): Resolved {
  const threshold = p.threshold ?? DEFAULT_SCORING.threshold;
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1)
    throw new NexusError('USAGE_INVALID', `match: threshold ${p.threshold} is not between 0 and 1`);
  const rawLimit = p.limit ?? DEFAULT_LIMIT;
  const limit = Number.isFinite(rawLimit)
    ? Math.min(MAX_LIMIT, Math.max(1, Math.trunc(rawLimit)))
    : DEFAULT_LIMIT;
  let changedSince: string | undefined;
  if (p.changedSince !== undefined) {
    changedSince = cleanIsoDate(p.changedSince);
    if (changedSince === undefined)
      throw new NexusError('USAGE_INVALID', `match: changed_since "${p.changedSince}" is not a date`);
  }
  const include = p.includeDataset ?? [];
  return {
    threshold,
    limit,
    datasets: p.dataset === 'default' ? include : [p.dataset, ...include],
    excludeDatasets: p.excludeDataset ?? [],
    excludeSchema: new Set(p.excludeSchema ?? []),
    topics: new Set(p.topics ?? []),
    ...(changedSince !== undefined ? { changedSince } : {}),
  };
}

function lastChange(entity: Entity): string {
  return entity.statements.reduce((max, s) => (s.firstSeen > max ? s.firstSeen : max), '');
}

/**
 * The candidates as the reader sees them. For a reader who sees every statement the first candidate is the best one
 * scored, so those below MIN_RELATIVE_WEIGHT of it (never scored) are not loaded; should the first be gone (an
 * entity erased since it was keyed), the rest are loaded after all, as the threshold then moves.
 */
async function loadCandidates(
  ctx: AccessContext,
  store: Store,
  indexed: readonly Candidate[],
  whole: boolean,
  profiles: boolean,
): Promise<Map<string, Scorable>> {
  const top = indexed[0];
  const all = indexed.map((c) => c.id);
  if (!whole || top === undefined) return scorables(ctx, store, all, profiles);
  const within = indexed.filter((c) => c.weight >= top.weight * MIN_RELATIVE_WEIGHT);
  const loaded = await scorables(
    ctx,
    store,
    within.map((c) => c.id),
    profiles,
  );
  if (loaded.has(top.id)) return loaded;
  return scorables(ctx, store, all, profiles);
}

async function runQuery(
  ctx: AccessContext,
  store: Store,
  subject: Subject,
  echo: MatchQuery,
  r: Resolved,
  whole: boolean,
): Promise<MatchQueryResponse> {
  const config = withThreshold(r.threshold);
  const schemata = compatibleSchemata(subject.schema).filter((s) => !r.excludeSchema.has(s));
  const keys = matchKeysFor(subject);
  const indexed =
    schemata.length === 0
      ? []
      : await store.candidates(ctx, keys, {
          limit: CANDIDATES,
          schemata,
          datasets: r.datasets,
          excludeDatasets: r.excludeDatasets,
        });
  const scored: { candidate: Scorable; score: MatchScore; target: boolean }[] = [];
  // Candidates come from an index of every statement; only what this reader may see is scored or shown, and only
  // candidates that share a key with the query through what the reader sees (R8), unless the reader sees it all.
  // Profiles hold no dates of change: changed_since reads the entities.
  const loaded = await loadCandidates(ctx, store, indexed, whole, whole && r.changedSince === undefined);
  const wanted = new Set(keys);
  const found = indexed.filter((c) => {
    const candidate = loaded.get(c.id);
    if (candidate === undefined) return false;
    return whole || (candidate.entity !== undefined && sharesKey(candidate.entity, wanted));
  });
  const best = found[0]?.weight ?? 0;
  // Members of one resolved cluster come back as the same canonical entity: score and show it once.
  const shown = new Set<string>();
  // Candidates far below the best share only common tokens; scoring them costs time and never changes the top.
  const kept = found.filter((c) => c.weight >= best * MIN_RELATIVE_WEIGHT);
  for (const c of kept) {
    const candidate = loaded.get(c.id);
    if (!candidate || shown.has(candidate.id) || r.excludeSchema.has(candidate.subject.schema)) continue;
    shown.add(candidate.id);
    const topics = candidate.topics;
    if (r.topics.size > 0 && !topics.some((t) => r.topics.has(t))) continue;
    // With changed_since every candidate is an entity (profiles hold no dates of change).
    if (r.changedSince !== undefined && (candidate.entity?.lastSeen ?? '') < r.changedSince) continue;
    const score = scoreMatch(subject, withStoredNames(candidate.subject, candidate.names), config);
    scored.push({
      candidate,
      score,
      target: topics.some((t) => TARGET_TOPICS.has(t) || t.startsWith('crime.')),
    });
  }
  // Equal scores: listed targets first, then the entity more sources attest, then the id (for a stable order).
  scored.sort(
    (a, b) =>
      b.score.score - a.score.score ||
      Number(b.target) - Number(a.target) ||
      b.candidate.datasets - a.candidate.datasets ||
      a.candidate.id.localeCompare(b.candidate.id),
  );
  const top = scored.slice(0, r.limit);
  // Results show whole entities: those scored from profiles are loaded now, a handful instead of every candidate.
  const entities = await store.getEntities(
    ctx,
    top.filter((x) => x.candidate.entity === undefined).map((x) => x.candidate.id),
  );
  const results: MatchResultEntity[] = [];
  for (const x of top) {
    const entity = x.candidate.entity ?? entities.get(x.candidate.id);
    // Gone since it was scored (erased meanwhile): nothing to show.
    if (entity) results.push(resultOf(entity, x.score, x.target));
  }
  return {
    status: 200,
    results,
    total: { value: scored.length, relation: 'eq' },
    query: echo,
  };
}

function resultOf(entity: Entity, s: MatchScore, target: boolean): MatchResultEntity {
  const ftm = entity.toFtM();
  return {
    id: ftm.id,
    caption: ftm.caption,
    schema: ftm.schema,
    properties: ftm.properties,
    datasets: ftm.datasets,
    referents: [...entity.referents],
    target,
    first_seen: ftm.first_seen,
    last_seen: ftm.last_seen,
    last_change: lastChange(entity),
    score: s.score,
    features: s.features,
    match: s.match,
    explanation: s.explanation,
  };
}
/**
 * Screens a batch of queries (the body of yente's `POST /match/{dataset}`). A malformed body or more than
 * 100 queries is a USAGE_INVALID error (HTTP 400); a bad query gets its own 400 while the others run.
 */
export async function screen(
  ctx: AccessContext,
  store: Store,
  body: unknown,
  params: MatchParams,
): Promise<MatchResponse> {
  const parsed = RequestSchema.safeParse(body);
  if (!parsed.success)
    throw new NexusError(
      'USAGE_INVALID',
      `match: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
    );
  const entries = Object.entries(parsed.data.queries);
  if (entries.length > MAX_QUERIES)
    throw new NexusError('USAGE_INVALID', `match: ${entries.length} queries; at most ${MAX_QUERIES} a batch`);
  const r = resolveParams(params);
  // Asked once for the batch: on PostgreSQL it is a query.
  const whole = await store.seesEverything(ctx);
  const responses: Record<string, MatchQueryResponse> = {};
  for (const [key, raw] of entries) {
    const checked = checkQuery(raw);
    const response: MatchQueryResponse = checked.ok
      ? await runQuery(ctx, store, checked.subject, checked.echo, r, whole)
      : {
          status: 400,
          error: checked.error,
          results: [],
          total: { value: 0, relation: 'eq' },
          query: checked.echo,
        };
    // defineProperty keeps a query named `__proto__` an ordinary key of the answer.
    Object.defineProperty(responses, key, {
      value: response,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return {
    responses,
    matcher: {
      name: 'nexus-logic-v1',
      description:
        'Best main feature (names aligned by the Nexus name engine, strong identifiers, crypto wallets), supporting evidence, then country, birth date, gender and registry-number qualifiers; weights in src/resolve/data/scoring.json.',
      features: describeMatcher(),
    },
    limit: r.limit,
  };
}

/** Scores name pairs as `nexus compare` does: each row's two names as two entities of its schema. */
export function compareNamePairs(
  rows: readonly { schema: string; name1: string; name2: string }[],
  threshold: number = DEFAULT_SCORING.threshold,
): { score: number; match: boolean; explanation: string[] }[] {
  const config = withThreshold(threshold);
  return rows.map((row) => {
    if (!hasSchema(row.schema) || compatibleSchemata(row.schema).length === 0)
      return { score: 0, match: false, explanation: [`schema "${row.schema}" cannot be matched`] };
    const subject = (name: string): Subject => ({
      schema: row.schema,
      properties: new Map([['name', name.trim() === '' ? [] : [name.slice(0, MAX_NAME_LENGTH)]]]),
    });
    const { score, match, explanation } = scoreMatch(subject(row.name1), subject(row.name2), config);
    return { score, match, explanation };
  });
}
