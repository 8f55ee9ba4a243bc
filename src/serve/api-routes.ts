// The read and review API under /api: datasets, stats, an entity with the provenance of every value, faceted search,
// the match-review queue and its judgements, and screening one entity against the lists. Every answer holds only what
// the caller's context may see, and an entity it may not see answers exactly like one that does not exist.
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { AccessContext } from '../access/index.js';
import {
  cleanIsoDate,
  type Entity,
  entityIdProblem,
  formatMarking,
  getProperty,
  hasSchema,
  highestMarking,
  ID_PROP,
  isNexusError,
  NexusError,
  parseMarking,
} from '../model/index.js';
import { compatibleSchemata, MAX_LIMIT, type MatchResultEntity, screen } from '../resolve/index.js';
import type { JudgementValue, Store } from '../store/index.js';
import type { AppDeps, AppEnv } from './app.js';
import { datasetMarkings } from './dataset-markings.js';
import { HttpError } from './errors.js';
import { parseMatchParams } from './match-params.js';
import { ReaderCache } from './reader-cache.js';

/** A judgement is a few hundred bytes; anything much larger is not one. */
export const JUDGE_MAX_BODY_BYTES = 16 * 1024;
export const SEARCH_DEFAULT_LIMIT = 20;
export const SEARCH_MAX_LIMIT = 100;
export const SEARCH_MAX_OFFSET = 10_000;
/** References listed per entity; `references_total` says how many there are. */
export const MAX_REFERENCES = 500;
const MAX_TEXT = 200;
const MAX_LIST = 50;
const MAX_REASON = 2000;
// What screening accepts of an example entity (src/resolve/screening.ts checkQuery): values outside it are dropped.
const MAX_EXAMPLE_VALUES = 500;
const MAX_EXAMPLE_CHARS = 1000;
const NAME_PART_PROPS = new Set(['firstName', 'lastName', 'middleName', 'fatherName', 'secondName']);

type Ctx = Context<AppEnv>;

/**
 * Who the request acts as. Every route here asks this one function, so the authentication work changes it in one
 * place.
 */
function accessOf(deps: AppDeps, c: Ctx): AccessContext {
  return deps.contextFor(c.req.raw, c.get('requestId'));
}

// ---- parameters -------------------------------------------------------------------------------------------------

function bad(message: string): NexusError {
  return new NexusError('USAGE_INVALID', message);
}

function queryOf(c: Ctx): URLSearchParams {
  return new URL(c.req.url).searchParams;
}

function text(q: URLSearchParams, name: string, where: string): string | undefined {
  const raw = q.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  if (raw.length > MAX_TEXT) throw bad(`${where}: ${name} is longer than ${MAX_TEXT} characters`);
  return raw.trim();
}

/** Repeated parameters or commas: `topic=a&topic=b` or `topic=a,b`. */
function list(q: URLSearchParams, name: string, where: string): string[] | undefined {
  const values = q
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (values.length === 0) return undefined;
  if (values.length > MAX_LIST) throw bad(`${where}: at most ${MAX_LIST} ${name} values`);
  if (values.some((v) => v.length > MAX_TEXT))
    throw bad(`${where}: a ${name} value is longer than ${MAX_TEXT} characters`);
  return [...new Set(values)];
}

function int(q: URLSearchParams, name: string, min: number, max: number, where: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw bad(`${where}: ${name} must be a whole number from ${min} to ${max}`);
  return Number(raw);
}

/** A path id: ids are printable slugs of at most 200 characters, so anything else (quotes, `../`, NUL) is refused. */
function entityId(raw: string, where: string): string {
  const problem = entityIdProblem(raw);
  if (problem !== undefined) throw bad(`${where}: ${problem}`);
  return raw;
}

function isJsonType(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

async function jsonBody(c: Ctx, where: string): Promise<unknown> {
  if (!isJsonType(c.req.header('content-type')))
    throw bad(`${where}: the request body must be JSON (Content-Type: application/json)`);
  const body = await c.req.text();
  try {
    return JSON.parse(body) as unknown;
  } catch {
    // The parser's message can quote the body back; say only what was wrong.
    throw bad(`${where}: the request body is not valid JSON`);
  }
}

function notFound(): HttpError {
  // One answer for "no such entity" and "not yours to see" (SECURITY.md R9).
  return new HttpError(404, 'entity not found');
}

// ---- entity answers ---------------------------------------------------------------------------------------------

export interface ValueProvenance {
  value: string;
  dataset: string;
  origin: string;
  first_seen: string;
  last_seen: string;
  marking: string;
  grading: string | null;
  statement_id: string;
}

export interface EntityReference {
  id: string;
  schema: string;
  prop: string;
  caption: string;
}

export interface SanctionSummary {
  id: string;
  caption: string;
  program: string[];
  authority: string[];
  /** The earliest listing or start date given. */
  listing_date: string | null;
  end_date: string | null;
  reason: string[];
  datasets: string[];
}

export interface EntityAnswer {
  id: string;
  schema: string;
  caption: string;
  referents: string[];
  /** The highest marking of everything in the answer: values, references and sanctions. */
  marking: string;
  first_seen: string;
  last_seen: string;
  datasets: string[];
  properties: Record<string, ValueProvenance[]>;
  references: EntityReference[];
  references_total: number;
  sanctions: SanctionSummary[];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function earliest(values: readonly string[]): string | null {
  const sorted = [...values].sort();
  return sorted[0] ?? null;
}

function sanctionOf(id: string, e: Entity): SanctionSummary {
  const p = e.properties;
  return {
    id,
    caption: e.caption,
    program: [...(p.get('program') ?? [])],
    authority: [...(p.get('authority') ?? [])],
    listing_date: earliest([...(p.get('listingDate') ?? []), ...(p.get('startDate') ?? [])]),
    end_date: earliest(p.get('endDate') ?? []),
    reason: [...(p.get('reason') ?? [])],
    datasets: e.datasets,
  };
}

/** The entity as the context may see it, with the provenance of every value, what points at it and its sanctions. */
export async function entityAnswer(
  store: Store,
  ctx: AccessContext,
  id: string,
): Promise<EntityAnswer | undefined> {
  const entity = await store.getEntity(ctx, id);
  if (!entity) return undefined;
  const properties = new Map<string, ValueProvenance[]>();
  for (const st of entity.statements) {
    if (st.prop === ID_PROP) continue;
    const entry: ValueProvenance = {
      value: st.value,
      dataset: st.dataset,
      origin: st.origin,
      first_seen: st.firstSeen,
      last_seen: st.lastSeen,
      marking: st.marking,
      grading: st.grading,
      statement_id: st.id,
    };
    const values = properties.get(st.prop);
    if (values) values.push(entry);
    else properties.set(st.prop, [entry]);
  }

  // Statements point at source records, so a resolved entity is referenced through each of its members.
  const targets = [...new Set([entity.id, ...entity.referents])];
  const seen = new Set<string>();
  const refs = (await Promise.all(targets.map((t) => store.referencing(ctx, t))))
    .flat()
    .filter((r) => {
      const key = `${r.entityId}\u001f${r.prop}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => cmp(a.entityId, b.entityId) || cmp(a.prop, b.prop));
  const listed = refs.slice(0, MAX_REFERENCES);
  // Sanction candidates by stored schema; what is shown is decided on the schema the reader can see.
  const sanctionIds = refs.filter((r) => r.schema === 'Sanction').map((r) => r.entityId);
  const loaded = await store.getEntities(ctx, [
    ...new Set([...listed.map((r) => r.entityId), ...sanctionIds.slice(0, MAX_REFERENCES)]),
  ]);
  const markings = entity.statements.map((s) => parseMarking(s.marking));
  const references: EntityReference[] = [];
  for (const r of listed) {
    const e = loaded.get(r.entityId);
    if (!e) continue;
    markings.push(parseMarking(e.marking));
    references.push({ id: r.entityId, schema: e.schema.name, prop: r.prop, caption: e.caption });
  }
  const sanctions: SanctionSummary[] = [];
  for (const sid of new Set(sanctionIds)) {
    const e = loaded.get(sid);
    if (!e?.schema.isA('Sanction')) continue;
    markings.push(parseMarking(e.marking));
    sanctions.push(sanctionOf(sid, e));
  }
  return {
    id: entity.id,
    schema: entity.schema.name,
    caption: entity.caption,
    referents: [...entity.referents],
    marking: formatMarking(highestMarking(markings)),
    first_seen: entity.firstSeen,
    last_seen: entity.lastSeen,
    datasets: entity.datasets,
    properties: Object.fromEntries(properties),
    references,
    references_total: refs.length,
    sanctions,
  };
}

/** The entity as a screening example: its visible values, within the limits screening puts on a query. */
function exampleOf(entity: Entity): { id: string; schema: string; properties: Record<string, string[]> } {
  const props = new Map<string, string[]>();
  for (const [name, values] of entity.properties) {
    const prop = getProperty(entity.schema, name);
    if (!prop || prop.type.name === 'entity') continue;
    const kept = values
      .filter((v) => {
        if (v.length > MAX_EXAMPLE_CHARS) return false;
        if (prop.type.name === 'name' || NAME_PART_PROPS.has(name))
          return [...v.trim()].length >= 2 && /[\p{L}\p{N}]/u.test(v);
        if (prop.type.name === 'date') return cleanIsoDate(v) !== undefined;
        return true;
      })
      .slice(0, MAX_EXAMPLE_VALUES);
    if (kept.length) props.set(name, kept);
  }
  return { id: entity.id, schema: entity.schema.name, properties: Object.fromEntries(props) };
}

async function datasetVisible(store: Store, ctx: AccessContext, name: string): Promise<boolean> {
  if (name === 'default') return true;
  return (await store.datasets(ctx)).some((d) => d.name === name);
}

const JudgeBody = z.strictObject({
  a: z.string({ message: 'a must be an entity id' }),
  b: z.string({ message: 'b must be an entity id' }),
  judgement: z.enum(['match', 'no-match', 'unsure'], { message: 'judgement is match, no-match or unsure' }),
  reason: z.string({ message: 'reason must be a string' }).max(MAX_REASON).optional(),
});

// ---- routes -----------------------------------------------------------------------------------------------------

export function apiRoutes(deps: AppDeps): Hono<AppEnv> {
  const { store } = deps;
  const app = new Hono<AppEnv>();

  // Counts and markings take a scan of the statements (hundreds of ms on a large store): kept per reader until the
  // store changes. The dataset rows are read each time (a millisecond), so a new title shows at once.
  const cache = new ReaderCache(store);
  const statsOf = (ctx: AccessContext) => cache.get(ctx, 'stats', () => store.stats(ctx));
  const markingsOf = (ctx: AccessContext) =>
    cache.get(ctx, 'dataset-markings', async () => datasetMarkings(ctx, await statsOf(ctx), statsOf));

  app.get('/datasets', async (c) => {
    const ctx = accessOf(deps, c);
    const [datasets, stats, markings] = await Promise.all([
      store.datasets(ctx),
      statsOf(ctx),
      markingsOf(ctx),
    ]);
    const ceiling = formatMarking({ ...ctx.clearance, caveats: [...ctx.caveats].sort() });
    return c.json({
      datasets: datasets.map((d) => {
        const counts = Object.hasOwn(stats.datasets, d.name) ? stats.datasets[d.name] : undefined;
        return {
          name: d.name,
          title: d.title,
          fictional: d.fictional,
          created_at: d.createdAt,
          updated_at: d.updatedAt,
          entities: counts?.entities ?? 0,
          statements: counts?.statements ?? 0,
          // The highest marking of what this reader sees in the dataset (never above their clearance). A dataset
          // that gained its first statements since the counts were made is marked with the clearance itself.
          marking: markings.get(d.name) ?? ceiling,
        };
      }),
    });
  });

  app.get('/stats', async (c) => c.json(await statsOf(accessOf(deps, c))));

  app.get('/search', async (c) => {
    const q = queryOf(c);
    const where = 'search';
    const schema = text(q, 'schema', where);
    if (schema !== undefined && !hasSchema(schema)) throw bad(`${where}: schema is not an FtM schema`);
    const countries = list(q, 'country', where)?.map((v) => v.toLowerCase());
    const limit = int(q, 'limit', 1, SEARCH_MAX_LIMIT, where) ?? SEARCH_DEFAULT_LIMIT;
    const offset = int(q, 'offset', 0, SEARCH_MAX_OFFSET, where) ?? 0;
    const result = await store.search(accessOf(deps, c), {
      q: text(q, 'q', where) ?? '',
      ...(schema !== undefined ? { schema } : {}),
      datasets: list(q, 'dataset', where) ?? [],
      topics: list(q, 'topic', where) ?? [],
      countries: countries ?? [],
      limit,
      offset,
    });
    return c.json({ ...result, limit, offset });
  });

  app.get('/entities/:id', async (c) => {
    const id = entityId(c.req.param('id'), 'entity');
    const answer = await entityAnswer(store, accessOf(deps, c), id);
    if (!answer) throw notFound();
    return c.json(answer);
  });

  app.get('/entities/:id/match', async (c) => {
    const id = entityId(c.req.param('id'), 'match');
    const q = queryOf(c);
    const dataset = text(q, 'dataset', 'match') ?? 'default';
    const params = parseMatchParams(dataset, q);
    const ctx = accessOf(deps, c);
    const entity = await store.getEntity(ctx, id);
    if (!entity) throw notFound();
    if (!(await datasetVisible(store, ctx, dataset))) throw new HttpError(404, 'dataset not found');
    if (compatibleSchemata(entity.schema.name).length === 0)
      throw bad(`match: ${entity.schema.name} entities cannot be screened`);
    const self = new Set([id, entity.id, ...entity.referents]);
    const limit = params.limit ?? MAX_LIMIT;
    // One more than asked, since the entity itself is usually its own best match and is left out.
    const answer = await screen(
      ctx,
      store,
      { queries: { entity: exampleOf(entity) } },
      { ...params, limit: Math.min(MAX_LIMIT, limit + 1) },
    );
    const response = answer.responses.entity;
    if (response?.status !== 200) throw bad(`match: ${response?.error ?? 'cannot screen'}`);
    const others: MatchResultEntity[] = response.results.filter((r) => !self.has(r.id));
    const dropped = response.results.length - others.length;
    const results = others.slice(0, limit);
    const shown = await store.getEntities(
      ctx,
      results.map((r) => r.id),
    );
    const marking = highestMarking([
      parseMarking(entity.marking),
      ...[...shown.values()].map((e) => parseMarking(e.marking)),
    ]);
    return c.json({
      entity: { id: entity.id, schema: entity.schema.name, caption: entity.caption },
      dataset,
      marking: formatMarking(marking),
      results,
      total: { value: Math.max(0, response.total.value - dropped), relation: response.total.relation },
      matcher: answer.matcher,
      limit,
    });
  });

  app.get('/xref/next', async (c) => {
    const skip = int(queryOf(c), 'skip', 0, SEARCH_MAX_OFFSET, 'xref') ?? 0;
    const ctx = accessOf(deps, c);
    // A record can vanish from view between the two reads (a merge, a reload): then the next one is offered.
    for (let n = skip; n < skip + 10; n++) {
      const s = await store.nextSuggestion(ctx, n);
      if (!s) break;
      const [a, b] = await Promise.all([entityAnswer(store, ctx, s.a), entityAnswer(store, ctx, s.b)]);
      if (!a || !b) continue;
      return c.json({
        a: s.a,
        b: s.b,
        score: s.score,
        explanation: s.explanation,
        skip: n,
        marking: formatMarking(highestMarking([parseMarking(a.marking), parseMarking(b.marking)])),
        records: [a, b],
      });
    }
    return c.body(null, 204);
  });

  app.post(
    '/xref/judge',
    bodyLimit({
      maxSize: Math.min(deps.maxBodyBytes ?? JUDGE_MAX_BODY_BYTES, JUDGE_MAX_BODY_BYTES),
      onError: () => {
        throw new HttpError(413, 'request body too large');
      },
    }),
    async (c) => {
      const where = 'judge';
      const parsed = JudgeBody.safeParse(await jsonBody(c, where));
      if (!parsed.success)
        throw bad(
          `${where}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
        );
      const a = entityId(parsed.data.a, `${where}: a`);
      const b = entityId(parsed.data.b, `${where}: b`);
      const judgement: JudgementValue = parsed.data.judgement;
      try {
        const result = await store.judge(accessOf(deps, c), a, b, judgement, parsed.data.reason ?? '');
        return c.json({ a, b, judgement, canonical: result.canonical });
      } catch (err) {
        // A decision that contradicts a standing one: the caller must undo that first.
        if (isNexusError(err, 'JUDGEMENT_CONFLICT')) throw new HttpError(409, err.message);
        throw err;
      }
    },
  );

  app.all('/xref/judge', () => {
    throw new HttpError(405, 'method not allowed', { Allow: 'POST' });
  });

  return app;
}
