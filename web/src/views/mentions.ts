// "Documents mentioning": on an entity's page, the documents whose text names it (GET /api/entities/{id}/documents),
// each with the words as written and a snippet around them, with loading, empty and error states.
import { get } from '../api.js';
import { h, humanise, replace } from '../dom.js';
import { href } from '../router.js';
import { empty, failure, loading, markingBadge } from '../ui.js';

/** Schemata whose pages list mentioning documents: things a document can name, not documents themselves. */
const NAMED = new Set([
  'Person',
  'Company',
  'Organization',
  'LegalEntity',
  'PublicBody',
  'Vessel',
  'CryptoWallet',
  'BankAccount',
]);

export function listsMentions(schema: string): boolean {
  return NAMED.has(schema);
}

interface Part {
  text: string;
  match: boolean;
}

interface MentioningDoc {
  id: string;
  schema: string;
  caption: string;
  file_name: string | null;
  marking: string;
  mentions: { id: string; name: string; spans: string[]; score: number | null; snippet: Part[] }[];
}

interface Answer {
  marking: string;
  total: number;
  documents: MentioningDoc[];
}

function readAnswer(body: unknown): Answer {
  const b = (body ?? {}) as Partial<Answer>;
  return {
    marking: typeof b.marking === 'string' ? b.marking : '',
    total: typeof b.total === 'number' ? b.total : 0,
    documents: Array.isArray(b.documents) ? b.documents.filter((d) => typeof d?.id === 'string') : [],
  };
}

/** Snippet parts as text nodes, matched words in <mark>: never markup from the server. */
export function snippetNode(parts: Part[]): HTMLElement {
  return h(
    'span',
    { class: 'snippet' },
    parts.map((p) => (p.match ? h('mark', null, String(p.text)) : String(p.text))),
  );
}

function documentItem(d: MentioningDoc): HTMLElement {
  return h(
    'li',
    { class: 'mentioning-doc' },
    h('a', { href: href(['entity', d.id]) }, d.caption || d.file_name || d.id),
    h('span', { class: 'schema' }, humanise(d.schema)),
    markingBadge(d.marking),
    h(
      'ul',
      { class: 'mentions' },
      (d.mentions ?? []).map((m) =>
        h(
          'li',
          null,
          h('q', null, String(m.name)),
          m.score !== null ? h('span', { class: 'muted small' }, ` score ${m.score.toFixed(2)}`) : null,
          m.snippet?.length ? h('div', { class: 'small' }, snippetNode(m.snippet)) : null,
        ),
      ),
    ),
  );
}

/** The section; it loads itself and reports the answer's marking through `onMarking`. */
export function mentioningDocuments(
  id: string,
  signal: AbortSignal,
  onMarking: (marking: string) => void,
): HTMLElement {
  const body = h('div', { class: 'mentioning-body', 'aria-live': 'polite' });
  const section = h(
    'section',
    { class: 'mentioning', id: 'documents-mentioning' },
    h('h2', null, 'Documents mentioning'),
    body,
  );
  const load = async () => {
    replace(body, loading('Looking for documents that mention this entity...'));
    try {
      const answer = readAnswer(await get(`/api/entities/${encodeURIComponent(id)}/documents`, { signal }));
      if (signal.aborted) return;
      if (answer.marking) onMarking(answer.marking);
      if (answer.documents.length === 0) {
        replace(body, empty('No document you may see mentions this entity.'));
        return;
      }
      replace(body, h('ul', { class: 'mentioning-list' }, answer.documents.map(documentItem)));
    } catch (err) {
      if (!signal.aborted) replace(body, failure(err, load));
    }
  };
  void load();
  return section;
}
