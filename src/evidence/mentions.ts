// Mentions: names and identifiers found in a document's text, matched against the stored entities through the
// screening matcher (src/resolve), each kept as an FtM Mention (document, name, resolved, detectedSchema) with where
// in the text it was found, so documents join the graph (src/graph/data/edges.json projects Mention as a tie).
import type { AccessContext } from '../access/index.js';
import { addValue, type EntityRecord, newEntity } from '../ingest/index.js';
import { formatMarking, highestMarking, parseMarking, stableId } from '../model/index.js';
import { type MatchResultEntity, screen } from '../resolve/index.js';
import type { Store } from '../store/index.js';
import { type FoundIdentifier, findIdentifiers, type IdentifierKind } from './identifiers.js';
import { nameCandidates } from './names.js';

export interface MentionOptions {
  /** Score at or above which a name in the text is taken to mean a stored entity (default 0.85: text is noisy). */
  threshold: number;
  /** Candidate names looked up per document. */
  maxNames: number;
}

export const DEFAULT_MENTION_OPTIONS: MentionOptions = { threshold: 0.85, maxNames: 200 };

interface Lookup {
  kind: 'name' | IdentifierKind;
  text: string;
  spans: { start: number; end: number }[];
  query: { schema: string; properties: Record<string, string[]> };
}

const QUERY_OF: Partial<Record<IdentifierKind, { schema: string; prop: string }>> = {
  iban: { schema: 'BankAccount', prop: 'iban' },
  btc: { schema: 'CryptoWallet', prop: 'publicKey' },
  eth: { schema: 'CryptoWallet', prop: 'publicKey' },
  imo: { schema: 'Vessel', prop: 'imoNumber' },
  lei: { schema: 'LegalEntity', prop: 'leiCode' },
};

/** Identifier kinds kept as Mentions even when nothing stored matches them (they may match later data). */
const KEEP_UNRESOLVED = new Set<string>(['btc', 'eth', 'imo', 'lei']);
const DOCUMENT_PROP: Partial<Record<IdentifierKind, string>> = {
  email: 'emailMentioned',
  phone: 'phoneMentioned',
  iban: 'ibanMentioned',
};
const BATCH = 100;

function lookups(
  text: string,
  options: MentionOptions,
): { lookups: Lookup[]; identifiers: FoundIdentifier[] } {
  const out: Lookup[] = [];
  const identifiers = findIdentifiers(text);
  const byValue = new Map<string, Lookup>();
  for (const id of identifiers) {
    const q = QUERY_OF[id.kind];
    if (!q) continue;
    const key = `${id.kind}:${id.value}`;
    const known = byValue.get(key);
    if (known) {
      if (known.spans.length < 20) known.spans.push({ start: id.start, end: id.end });
      continue;
    }
    const l: Lookup = {
      kind: id.kind,
      text: id.value,
      spans: [{ start: id.start, end: id.end }],
      query: { schema: q.schema, properties: { [q.prop]: [id.value] } },
    };
    byValue.set(key, l);
    out.push(l);
  }
  for (const [name, spans] of nameCandidates(text, options.maxNames))
    out.push({
      kind: 'name',
      text: name,
      spans,
      query: { schema: 'LegalEntity', properties: { name: [name] } },
    });
  return { lookups: out, identifiers };
}

async function resolveAll(
  ctx: AccessContext,
  store: Store,
  list: Lookup[],
  threshold: number,
): Promise<(MatchResultEntity | undefined)[]> {
  const best: (MatchResultEntity | undefined)[] = [];
  for (let i = 0; i < list.length; i += BATCH) {
    const part = list.slice(i, i + BATCH);
    const queries: Record<string, unknown> = {};
    part.forEach((l, j) => {
      queries[`q${j}`] = l.query;
    });
    const answer = await screen(ctx, store, { queries }, { dataset: 'default', threshold, limit: 1 });
    part.forEach((_, j) => {
      const r = answer.responses[`q${j}`];
      const top = r?.status === 200 ? r.results[0] : undefined;
      best.push(top?.match ? top : undefined);
    });
  }
  return best;
}

/** A Mention and the marking of the entity it resolves to (null when unresolved). */
export interface FoundMention {
  entity: EntityRecord;
  /** The resolved entity's marking as the ingesting context sees it: the Mention is derived from it, so it is marked
   * at least that high (DOMAIN.md: anything derived carries the highest marking of what it contains). */
  resolvedMarking: string | null;
}

/**
 * The Mention entities of one document, and the values its Analyzable properties take (emailMentioned,
 * phoneMentioned, ibanMentioned, and for matches no higher than `marking`: namesMentioned, peopleMentioned,
 * companiesMentioned).
 */
export async function findMentions(
  ctx: AccessContext,
  store: Store,
  documentId: string,
  text: string,
  options: MentionOptions,
  marking: string,
): Promise<{ mentions: FoundMention[]; documentProps: Map<string, string[]> }> {
  const docProps = new Map<string, string[]>();
  const addDoc = (prop: string, value: string) => {
    const list = docProps.get(prop) ?? [];
    if (!list.includes(value)) list.push(value);
    docProps.set(prop, list);
  };
  if (text.trim() === '') return { mentions: [], documentProps: docProps };
  const { lookups: list, identifiers } = lookups(text, options);
  for (const id of identifiers) {
    const prop = DOCUMENT_PROP[id.kind];
    if (prop) addDoc(prop, id.value);
  }
  const resolved = await resolveAll(ctx, store, list, options.threshold);
  const hits = await store.getEntities(
    ctx,
    resolved.flatMap((r) => (r ? [r.id] : [])),
  );
  const own = parseMarking(marking);
  const mentions: FoundMention[] = [];
  list.forEach((l, i) => {
    const hit = resolved[i];
    if (!hit && !KEEP_UNRESOLVED.has(l.kind)) return;
    const m = newEntity(stableId('mention', documentId, l.kind, l.text, hit?.id ?? ''), 'Mention');
    addValue(m, 'document', documentId);
    addValue(m, 'name', l.text);
    addValue(m, 'detectedSchema', hit?.schema ?? l.query.schema);
    for (const s of l.spans) addValue(m, 'textSpan', `${s.start}-${s.end}`);
    const resolvedMarking = hit ? (hits.get(hit.id)?.marking ?? marking) : null;
    if (hit) {
      addValue(m, 'resolved', hit.id);
      addValue(m, 'matchScore', String(hit.score));
      // The document's own statements may say that a name matched only when the match is no more secret than it.
      const above =
        formatMarking(highestMarking([own, parseMarking(resolvedMarking ?? marking)])) !== formatMarking(own);
      if (l.kind === 'name' && !above) {
        addDoc('namesMentioned', l.text);
        if (hit.schema === 'Person') addDoc('peopleMentioned', l.text);
        else if (hit.schema === 'Company' || hit.schema === 'Organization')
          addDoc('companiesMentioned', l.text);
      }
    }
    mentions.push({ entity: m, resolvedMarking });
  });
  return { mentions, documentProps: docProps };
}
