// The dashboard: the reader's recent jobs, the datasets they may see (fictional ones badged), entity counts, and
// how many entities each threat area touches, from the search facets on topics.
import { get, url } from '../api.js';
import areas from '../data/threat-areas.json';
import { formatNumber, h, replace } from '../dom.js';
import { href } from '../router.js';
import { visibleDatasets } from '../session.js';
import { type Dataset, readSearch, type SearchAnswer } from '../types.js';
import { empty, Frame, failure, loading, markingBadge } from '../ui.js';
import { jobsPanel } from './job.js';
import type { View } from './view.js';

const topicLabels = areas.topics as Record<string, string>;

export function topicLabel(topic: string): string {
  return topicLabels[topic] ?? topic;
}

export interface AreaCount {
  name: string;
  description: string;
  topics: { topic: string; label: string; count: number }[];
}

/** Threat areas with the topic counts found in the search facets; areas with nothing are kept, at zero. */
export function threatAreas(facets: { value: string; count: number }[]): AreaCount[] {
  const counts = new Map(facets.map((f) => [f.value, f.count]));
  return areas.areas.map((a) => ({
    name: a.name,
    description: a.description,
    topics: a.topics.map((t) => ({ topic: t, label: topicLabel(t), count: counts.get(t) ?? 0 })),
  }));
}

function datasetTable(list: Dataset[]): HTMLElement {
  const marked = list.some((d) => d.marking);
  if (list.length === 0)
    return empty(
      'No datasets are visible to you yet.',
      h('p', null, 'Load data with nexus ingest or npm start.'),
    );
  const rows = list.map((d) =>
    h(
      'tr',
      { 'data-dataset': d.name },
      h(
        'th',
        { scope: 'row' },
        h('a', { href: href(['search'], { dataset: d.name }) }, d.name),
        d.fictional
          ? h('span', { class: 'badge badge-fictional', title: 'Generated for the demo' }, 'FICTIONAL')
          : null,
      ),
      h('td', null, d.title ?? ''),
      h('td', { class: 'num' }, d.entities === undefined ? '-' : formatNumber(d.entities)),
      h('td', { class: 'num' }, d.statements === undefined ? '-' : formatNumber(d.statements)),
      marked ? h('td', null, d.marking ? markingBadge(d.marking) : '') : null,
    ),
  );
  return h(
    'table',
    { class: 'table' },
    h('caption', { class: 'visually-hidden' }, 'Datasets you may see'),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Dataset'),
        h('th', { scope: 'col' }, 'Title'),
        h('th', { scope: 'col', class: 'num' }, 'Entities'),
        h('th', { scope: 'col', class: 'num' }, 'Statements'),
        marked ? h('th', { scope: 'col' }, 'Marking') : null,
      ),
    ),
    h('tbody', null, rows),
  );
}

function areaCards(answer: SearchAnswer): HTMLElement {
  const list = threatAreas(answer.facets.topics ?? []);
  if (list.every((a) => a.topics.every((t) => t.count === 0)))
    return empty('No entity visible to you carries a threat-area topic yet.');
  return h(
    'ul',
    { class: 'cards' },
    list.map((a) => {
      const total = a.topics.reduce((n, t) => n + t.count, 0);
      return h(
        'li',
        { class: `card${total === 0 ? ' card-quiet' : ''}`, 'data-area': a.name },
        h('h3', null, a.name),
        h(
          'p',
          { class: 'card-count' },
          formatNumber(total),
          h('span', { class: 'card-unit muted' }, ' tagged'),
        ),
        h('p', { class: 'muted small' }, a.description),
        h(
          'ul',
          { class: 'topic-list' },
          a.topics
            .filter((t) => t.count > 0)
            .map((t) =>
              h(
                'li',
                null,
                h('a', { href: href(['search'], { topic: t.topic }) }, t.label),
                ` ${formatNumber(t.count)}`,
              ),
            ),
        ),
      );
    }),
  );
}

export const dashboardView: View = (ctx) => {
  const frame = new Frame('Dashboard');
  const datasetsBox = h('div', null, loading('Loading datasets...'));
  const areasBox = h('div', null, loading('Counting threat areas...'));
  const statsBox = h('p', { class: 'muted' });
  replace(
    frame.body,
    h(
      'div',
      { class: 'section-head' },
      h('h2', null, 'Your jobs'),
      h('a', { href: '#/upload', class: 'btn btn-small' }, 'Upload a file'),
    ),
    jobsPanel(ctx, 8),
    h(
      'p',
      { class: 'note', role: 'note' },
      'Ingest runs here as a background job (upload a file); crypto tracing runs on the Trace page. ',
      'Cross-referencing and report jobs run with the nexus command line for now.',
    ),
    h('h2', null, 'Threat areas'),
    h(
      'p',
      { class: 'muted small' },
      'Entities tagged with each area\u2019s topics; an entity with two topics of one area counts twice.',
    ),
    areasBox,
    h('h2', null, 'Datasets'),
    statsBox,
    datasetsBox,
    h('h2', null, 'Next'),
    h(
      'ul',
      { class: 'links' },
      h(
        'li',
        null,
        h('a', { href: '#/search' }, 'Search'),
        ' names across every dataset, filtered by type, topic, country and dataset',
      ),
      h(
        'li',
        null,
        h('a', { href: '#/review' }, 'Review queue'),
        ': decide suggested matches between records',
      ),
      h(
        'li',
        null,
        h('a', { href: '#/graph' }, 'Graph explorer'),
        ': links, paths and exposure to hostile states',
      ),
      h(
        'li',
        null,
        h('a', { href: '#/upload' }, 'Upload'),
        ': load a file into a dataset as a background job',
      ),
    ),
  );

  const loadDatasets = async () => {
    replace(datasetsBox, loading('Loading datasets...'));
    try {
      const list = await visibleDatasets();
      if (ctx.signal.aborted) return;
      replace(datasetsBox, datasetTable(list));
      frame.setDatasets(
        'datasets',
        list.map((d) => d.name),
      );
      frame.setMarking('datasets', undefined);
      for (const d of list) if (d.marking) frame.setMarking(`dataset:${d.name}`, d.marking);
    } catch (err) {
      replace(datasetsBox, failure(err, loadDatasets));
    }
  };
  const loadAreas = async () => {
    replace(areasBox, loading('Counting threat areas...'));
    try {
      const answer = readSearch(await get(url('/api/search', { limit: 1 }), { signal: ctx.signal }));
      replace(areasBox, areaCards(answer));
      frame.setMarking('areas', answer.marking);
      frame.setDatasets(
        'areas',
        (answer.facets.datasets ?? []).filter((f) => f.count > 0).map((f) => f.value),
      );
    } catch (err) {
      if (!ctx.signal.aborted) replace(areasBox, failure(err, loadAreas));
    }
  };
  const loadStats = async () => {
    try {
      const stats = await get<{ statements?: number; entities?: Record<string, number> | number }>(
        '/api/stats',
        {
          signal: ctx.signal,
        },
      );
      const entities =
        typeof stats.entities === 'number'
          ? stats.entities
          : Object.values(stats.entities ?? {}).reduce((n, v) => n + (typeof v === 'number' ? v : 0), 0);
      replace(
        statsBox,
        `${formatNumber(entities)} entities and ${formatNumber(stats.statements ?? 0)} statements visible to you.`,
      );
    } catch {
      // The counts are a convenience above the table; the table says what failed, if anything did.
      replace(statsBox, '');
    }
  };
  void loadDatasets();
  void loadAreas();
  void loadStats();
  return frame.root;
};
