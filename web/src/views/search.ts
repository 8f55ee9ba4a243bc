// Search: a query box, facets as filters with counts, hits with their matched words marked, and paging. The
// state lives in the URL, so a search can be bookmarked and the back button works.
import { get, url } from '../api.js';
import { formatNumber, h, humanise, replace } from '../dom.js';
import { go, href } from '../router.js';
import { visibleDatasets } from '../session.js';
import { type FacetValue, type Highlight, readSearch, type SearchAnswer, type SearchHit } from '../types.js';
import { datasetChips, empty, Frame, failure, loading, markingBadge } from '../ui.js';
import { topicLabel } from './dashboard.js';
import { documentTextResults } from './document-search.js';
import type { View } from './view.js';

export const PAGE_SIZE = 20;
const FILTERS = ['schema', 'topic', 'country', 'dataset'] as const;
type Filter = (typeof FILTERS)[number];
const FACET_OF: Record<Filter, keyof SearchAnswer['facets']> = {
  schema: 'schema',
  topic: 'topics',
  country: 'countries',
  dataset: 'datasets',
};
const FILTER_TITLE: Record<Filter, string> = {
  schema: 'Type',
  topic: 'Topic',
  country: 'Country',
  dataset: 'Dataset',
};

const regions = new Intl.DisplayNames(['en-GB'], { type: 'region' });

export function filterLabel(filter: Filter, value: string): string {
  if (filter === 'topic') return topicLabel(value);
  if (filter === 'country') {
    try {
      return /^[a-z]{2}$/i.test(value) ? (regions.of(value.toUpperCase()) ?? value) : value;
    } catch {
      return value;
    }
  }
  if (filter === 'schema') return humanise(value);
  return value;
}

/** The highlighted caption or snippet: matched parts in <mark>, all as text. */
export function highlighted(parts: Highlight[]): HTMLElement {
  return h(
    'span',
    { class: 'highlight' },
    parts.map((p) => (p.match ? h('mark', null, p.text) : p.text)),
  );
}

export const searchView: View = (ctx) => {
  const params = ctx.params;
  const q = params.get('q') ?? '';
  const offset = Math.max(0, Number.parseInt(params.get('offset') ?? '0', 10) || 0);
  const active = new Map<Filter, string>();
  for (const f of FILTERS) {
    const v = params.get(f);
    if (v) active.set(f, v);
  }
  const state = () => ({ q, ...Object.fromEntries(active) });

  const frame = new Frame('Search');
  const input = h('input', {
    id: 'search-q',
    type: 'search',
    name: 'q',
    value: q,
    placeholder: 'A name, or the start of one',
    autocomplete: 'off',
  });
  const form = h(
    'form',
    { class: 'search-form', role: 'search' },
    h('label', { for: 'search-q' }, 'Search'),
    h(
      'div',
      { class: 'search-row' },
      input,
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Search'),
    ),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go(['search'], { ...Object.fromEntries(active), q: input.value.trim() });
  });
  const chips = h('div', { class: 'active-filters', 'aria-label': 'Active filters' });
  const facetsBox = h('aside', { class: 'facets', 'aria-label': 'Filters' });
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  replace(
    frame.body,
    form,
    chips,
    h('div', { class: 'search-layout' }, facetsBox, results),
    q
      ? documentTextResults(q, active.get('dataset'), ctx.signal, (m) => frame.setMarking('documents', m))
      : null,
  );

  if (active.size)
    replace(
      chips,
      [...active].map(([f, v]) => {
        const rest = { ...state() } as Record<string, string>;
        delete rest[f];
        return h(
          'a',
          {
            class: 'chip chip-filter',
            href: href(['search'], rest),
            'aria-label': `Remove filter ${FILTER_TITLE[f]}: ${filterLabel(f, v)}`,
          },
          `${FILTER_TITLE[f]}: ${filterLabel(f, v)} \u00d7`,
        );
      }),
    );

  if (!q && active.size === 0) {
    replace(
      results,
      empty(
        'Type a name (or the start of one) to search every dataset you may see, or pick a topic on the dashboard.',
      ),
    );
    window.setTimeout(() => input.focus(), 0);
    return frame.root;
  }

  const facetGroup = (filter: Filter, values: FacetValue[]) => {
    if (values.length === 0) return null;
    return h(
      'section',
      { class: 'facet', 'data-facet': filter },
      h('h2', null, FILTER_TITLE[filter]),
      h(
        'ul',
        null,
        values.slice(0, 12).map((v) => {
          const on = active.get(filter) === v.value;
          const next = { ...state() } as Record<string, string>;
          if (on) delete next[filter];
          else next[filter] = v.value;
          return h(
            'li',
            null,
            h(
              'a',
              {
                href: href(['search'], next),
                class: `facet-value${on ? ' on' : ''}`,
                'aria-current': on ? 'true' : null,
              },
              h('span', null, v.label ?? filterLabel(filter, v.value)),
              h('span', { class: 'count' }, formatNumber(v.count)),
            ),
          );
        }),
      ),
    );
  };

  const hitItem = (hit: SearchHit, fictional: Set<string>) =>
    h(
      'li',
      { class: 'hit', 'data-id': hit.id },
      h(
        'div',
        { class: 'hit-head' },
        h(
          'a',
          { href: href(['entity', hit.id]), class: 'hit-title' },
          hit.highlight?.length ? highlighted(hit.highlight) : hit.caption,
        ),
        h('span', { class: 'schema' }, humanise(hit.schema)),
        hit.marking ? markingBadge(hit.marking) : null,
      ),
      hit.highlight?.length && hit.highlight.map((p) => p.text).join('') !== hit.caption
        ? h('div', { class: 'hit-caption muted' }, hit.caption)
        : null,
      h(
        'div',
        { class: 'hit-meta' },
        hit.datasets?.length ? datasetChips(hit.datasets, fictional) : null,
        hit.topics?.length
          ? h(
              'span',
              { class: 'topics' },
              hit.topics.map((t) => h('span', { class: 'tag' }, topicLabel(t))),
            )
          : null,
        hit.score !== undefined ? h('span', { class: 'score muted' }, `score ${hit.score.toFixed(2)}`) : null,
      ),
    );

  const load = async () => {
    replace(results, loading('Searching...'));
    try {
      const answer = readSearch(
        await get(url('/api/search', { ...state(), limit: PAGE_SIZE, offset }), { signal: ctx.signal }),
      );
      const fictional = new Set((await visibleDatasets()).filter((d) => d.fictional).map((d) => d.name));
      if (ctx.signal.aborted) return;
      frame.setMarking('search', answer.marking ?? undefined);
      for (const hit of answer.hits) if (hit.marking) frame.setMarking(`hit:${hit.id}`, hit.marking);
      const shown = answer.hits.flatMap((hit) => hit.datasets ?? []);
      // Hits may not list their datasets; the dataset facet still says where the results come from.
      const facetDatasets = (answer.facets.datasets ?? []).filter((f) => f.count > 0).map((f) => f.value);
      frame.setFictional(
        'search',
        [...new Set([...shown, ...facetDatasets])].filter((d) => fictional.has(d)),
      );
      replace(
        facetsBox,
        FILTERS.map((f) => facetGroup(f, answer.facets[FACET_OF[f]] ?? [])),
      );
      if (answer.hits.length === 0) {
        replace(
          results,
          empty(offset > 0 ? 'No more results.' : 'Nothing found. Try fewer words or remove a filter.'),
        );
        return;
      }
      const last = offset + answer.hits.length;
      const pager = h(
        'nav',
        { class: 'pager', 'aria-label': 'Result pages' },
        offset > 0
          ? h(
              'a',
              {
                class: 'btn',
                href: href(['search'], { ...state(), offset: Math.max(0, offset - PAGE_SIZE) }),
              },
              'Previous',
            )
          : null,
        h(
          'span',
          { class: 'muted' },
          `${formatNumber(offset + 1)}-${formatNumber(last)} of ${formatNumber(answer.total)}`,
        ),
        last < answer.total
          ? h(
              'a',
              { class: 'btn', href: href(['search'], { ...state(), offset: offset + PAGE_SIZE }) },
              'Next',
            )
          : null,
      );
      replace(
        results,
        h(
          'p',
          { class: 'result-count', role: 'status' },
          `${formatNumber(answer.total)} ${answer.total === 1 ? 'result' : 'results'}`,
        ),
        h(
          'ol',
          { class: 'hits', start: offset + 1 },
          answer.hits.map((hit) => hitItem(hit, fictional)),
        ),
        pager,
      );
    } catch (err) {
      if (!ctx.signal.aborted) replace(results, failure(err, load));
    }
  };
  void load();
  return frame.root;
};
