// Evidence reads under /api: search over document text with snippets, and the documents that mention an entity
// (through FtM Mention records: `resolved` points at the entity, `document` at the document), with where in each
// document it is mentioned. Only what the caller may see goes in; an entity it may not see answers like a missing one.
import { type Context, Hono } from 'hono';
import type { AccessContext } from '../access/index.js';
import { entityIdProblem, formatMarking, highestMarking, NexusError, parseMarking } from '../model/index.js';
import type { HighlightPart, Store } from '../store/index.js';
import type { AppDeps, AppEnv } from './app.js';
import { HttpError } from './errors.js';

/** Documents listed per entity; `total` says how many mention it. */
export const MAX_MENTIONING_DOCUMENTS = 200;
const MAX_TEXT = 200;
const CONTEXT = 100;

type Ctx = Context<AppEnv>;

function bad(message: string): NexusError {
  return new NexusError('USAGE_INVALID', message);
}

function int(q: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw bad(`documents: ${name} must be a whole number from ${min} to ${max}`);
  return Number(raw);
}

export interface MentionView {
  id: string;
  /** The words as the document has them. */
  name: string;
  /** `start-end` offsets in the document's text. */
  spans: string[];
  score: number | null;
  /** The document's text around the first place the words occur, as text parts (never markup). */
  snippet: HighlightPart[];
}

export interface MentioningDocument {
  id: string;
  schema: string;
  caption: string;
  file_name: string | null;
  datasets: string[];
  marking: string;
  mentions: MentionView[];
}

/** The text around the first occurrence of `words` in any of the texts, with the words marked. */
export function mentionSnippet(texts: readonly string[], words: string): HighlightPart[] {
  const needle = words.toLowerCase();
  for (const text of texts) {
    const at = text.toLowerCase().indexOf(needle);
    if (at < 0) continue;
    const start = Math.max(0, at - CONTEXT);
    const end = Math.min(text.length, at + words.length + CONTEXT);
    const parts: HighlightPart[] = [];
    const before = text.slice(start, at).replace(/\s+/g, ' ');
    const after = text.slice(at + words.length, end).replace(/\s+/g, ' ');
    parts.push({ text: `${start > 0 ? '… ' : ''}${before}`, match: false });
    parts.push({ text: text.slice(at, at + words.length), match: true });
    parts.push({ text: `${after}${end < text.length ? ' …' : ''}`, match: false });
    return parts.filter((p) => p.text !== '');
  }
  return [];
}

/** The documents mentioning an entity (any of its records), with their mentions; undefined when it is not visible. */
export async function mentioningDocuments(store: Store, ctx: AccessContext, id: string) {
  const entity = await store.getEntity(ctx, id);
  if (!entity) return undefined;
  const targets = [...new Set([entity.id, ...entity.referents])];
  const refs = (await Promise.all(targets.map((t) => store.referencing(ctx, t))))
    .flat()
    .filter((r) => r.prop === 'resolved' && r.schema === 'Mention');
  const mentions = await store.getEntities(ctx, [...new Set(refs.map((r) => r.entityId))]);
  const byDocument = new Map<string, { id: string; name: string; spans: string[]; score: number | null }[]>();
  for (const m of mentions.values()) {
    if (m.schema.name !== 'Mention') continue;
    for (const doc of m.properties.get('document') ?? []) {
      const list = byDocument.get(doc) ?? [];
      const score = Number(m.properties.get('matchScore')?.[0]);
      list.push({
        id: m.id,
        name: m.properties.get('name')?.[0] ?? m.caption,
        spans: [...(m.properties.get('textSpan') ?? [])],
        score: Number.isFinite(score) ? score : null,
      });
      byDocument.set(doc, list);
    }
  }
  const ids = [...byDocument.keys()].sort();
  const docs = await store.getEntities(ctx, ids.slice(0, MAX_MENTIONING_DOCUMENTS));
  const markings = [
    parseMarking(entity.marking),
    ...[...mentions.values()].map((m) => parseMarking(m.marking)),
  ];
  const documents: MentioningDocument[] = [];
  for (const docId of ids) {
    const doc = docs.get(docId);
    if (!doc) continue;
    markings.push(parseMarking(doc.marking));
    const texts = doc.properties.get('bodyText') ?? [];
    documents.push({
      id: doc.id,
      schema: doc.schema.name,
      caption: doc.caption,
      file_name: doc.properties.get('fileName')?.[0] ?? null,
      datasets: doc.datasets,
      marking: doc.marking,
      mentions: (byDocument.get(docId) ?? []).map((m) => ({ ...m, snippet: mentionSnippet(texts, m.name) })),
    });
  }
  return {
    entity: { id: entity.id, schema: entity.schema.name, caption: entity.caption },
    marking: formatMarking(highestMarking(markings)),
    total: documents.length,
    documents,
  };
}

export function evidenceRoutes(deps: AppDeps): Hono<AppEnv> {
  const { store } = deps;
  const app = new Hono<AppEnv>();
  const accessOf = (c: Ctx) => deps.contextFor(c.req.raw, c.get('requestId'));

  app.get('/documents/search', async (c) => {
    const q = new URL(c.req.url).searchParams;
    const text = (q.get('q') ?? '').trim();
    if (text.length > MAX_TEXT) throw bad(`documents: q is longer than ${MAX_TEXT} characters`);
    const datasets = q
      .getAll('dataset')
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean);
    if (datasets.length > 50) throw bad('documents: at most 50 dataset values');
    const limit = int(q, 'limit', 1, 100, 20);
    const offset = int(q, 'offset', 0, 10_000, 0);
    const result = await store.searchText(accessOf(c), { q: text, datasets, limit, offset });
    return c.json({ ...result, limit, offset });
  });

  app.get('/entities/:id/documents', async (c) => {
    const id = c.req.param('id');
    const problem = entityIdProblem(id);
    if (problem !== undefined) throw bad(`documents: ${problem}`);
    const answer = await mentioningDocuments(store, accessOf(c), id);
    // One answer for "no such entity" and "not yours to see" (SECURITY.md R9).
    if (!answer) throw new HttpError(404, 'entity not found');
    return c.json(answer);
  });

  return app;
}
