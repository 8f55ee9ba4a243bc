// Search over document text (GET /api/documents/search) under the name search: documents whose text holds the words,
// each with a snippet around them, and its own loading, empty and error states.
import { get, url } from '../api.js';
import { formatNumber, h, humanise, replace } from '../dom.js';
import { href } from '../router.js';
import { empty, failure, loading, markingBadge } from '../ui.js';
import { snippetNode } from './mentions.js';

const LIMIT = 10;

interface Hit {
  id: string;
  schema: string;
  caption: string;
  marking: string;
  snippet: { text: string; match: boolean }[];
}

function readHits(body: unknown): { total: number; marking: string; hits: Hit[] } {
  const b = (body ?? {}) as { total?: unknown; marking?: unknown; hits?: unknown };
  return {
    total: typeof b.total === 'number' ? b.total : 0,
    marking: typeof b.marking === 'string' ? b.marking : '',
    hits: Array.isArray(b.hits) ? (b.hits as Hit[]).filter((x) => typeof x?.id === 'string') : [],
  };
}

export function documentTextResults(
  q: string,
  dataset: string | undefined,
  signal: AbortSignal,
  onMarking: (marking: string) => void,
): HTMLElement {
  const body = h('div', { 'aria-live': 'polite' });
  const section = h(
    'section',
    { class: 'document-text', id: 'document-text' },
    h('h2', null, 'In document text'),
    body,
  );
  const load = async () => {
    replace(body, loading('Searching document text...'));
    try {
      const answer = readHits(
        await get(url('/api/documents/search', { q, limit: LIMIT, ...(dataset ? { dataset } : {}) }), {
          signal,
        }),
      );
      if (signal.aborted) return;
      if (answer.marking) onMarking(answer.marking);
      if (answer.hits.length === 0) {
        replace(body, empty('No document text you may see holds these words.'));
        return;
      }
      replace(
        body,
        h(
          'p',
          { class: 'result-count' },
          `${formatNumber(answer.total)} ${answer.total === 1 ? 'document' : 'documents'}`,
        ),
        h(
          'ol',
          { class: 'hits' },
          answer.hits.map((hit) =>
            h(
              'li',
              { class: 'hit', 'data-id': hit.id },
              h(
                'div',
                { class: 'hit-head' },
                h('a', { href: href(['entity', hit.id]), class: 'hit-title' }, hit.caption || hit.id),
                h('span', { class: 'schema' }, humanise(hit.schema)),
                markingBadge(hit.marking),
              ),
              h('div', { class: 'hit-snippet small' }, snippetNode(hit.snippet ?? [])),
            ),
          ),
        ),
      );
    } catch (err) {
      if (!signal.aborted) replace(body, failure(err, load));
    }
  };
  void load();
  return section;
}
