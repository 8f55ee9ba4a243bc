// The indicator sections of the Report view: emerging signals grouped by threat area (each sentence with the series
// it rests on and its marking), the wastewater trend counts per substance, the monthly series counted from the store
// with their trend and a small line, and the investigations line ("lacks data" when the store holds none).
import {
  type DerivedSeries,
  type Investigations,
  type ReportSignal,
  signalsByArea,
  trendWords,
  type WastewaterRow,
} from '../assess/indicators.js';
import { monthLabel, sparkline } from '../assess/sparkline.js';
import { formatNumber, h } from '../dom.js';
import { empty, markingBadge, showMarking } from '../ui.js';

const KIND_WORDS: Record<string, string> = {
  'new-in-area': 'new in area',
  'after-zero': 'after none',
  anomaly: 'anomaly',
};

function signalItem(s: ReportSignal): HTMLElement {
  const evidence: { ref: string; marking: string; grading: string[] }[] = s.evidence.length
    ? s.evidence
    : [{ ref: s.series, marking: s.marking, grading: [] }];
  return h(
    'li',
    { 'data-signal': s.series, 'data-kind': s.kind },
    h('span', { class: 'badge' }, KIND_WORDS[s.kind] ?? s.kind),
    ' ',
    h('span', { class: 'report-signal-text' }, s.text),
    ' ',
    markingBadge(s.marking),
    h(
      'span',
      { class: 'report-signal-evidence muted' },
      ' Evidence: ',
      evidence.map((e, i) => [
        i ? '; ' : '',
        h('code', null, e.ref),
        ` [${showMarking(e.marking)}; grading ${e.grading.join(', ') || 'n/a'}]`,
      ]),
    ),
  );
}

export function signalsSection(
  signals: readonly ReportSignal[],
  areas: readonly { id: string; label: string }[],
): HTMLElement {
  if (signals.length === 0) return empty('No emerging signal or anomaly in the series you may see.');
  return h(
    'div',
    { class: 'report-signals' },
    signalsByArea(signals, areas).map((g) =>
      h(
        'section',
        { class: 'report-signal-area', 'data-area': g.area || 'none' },
        h('h3', null, `${g.label} (${g.signals.length})`),
        h('ul', { class: 'report-signal-list' }, g.signals.map(signalItem)),
      ),
    ),
  );
}

export function wastewaterTable(rows: readonly WastewaterRow[]): HTMLElement {
  if (rows.length === 0) return empty('No wastewater series loaded: no city to count.');
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'table report-wastewater' },
      h(
        'caption',
        { class: 'muted' },
        'Cities whose loads rise, fall or stay level (Mann-Kendall, four complete years or more).',
      ),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Substance', 'Cities', 'Count', 'Rising', 'Falling', 'Level', 'Too short'].map((c) =>
            h('th', { scope: 'col' }, c),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((w) =>
          h(
            'tr',
            { 'data-substance': w.substance, 'data-scope': w.scope },
            h('td', null, w.substance),
            h('td', null, w.scope === 'gb' ? 'UK' : 'all loaded'),
            [w.cities, w.rising, w.falling, w.level, w.insufficient].map((n) =>
              h('td', { class: 'num' }, formatNumber(n)),
            ),
          ),
        ),
      ),
    ),
  );
}

function derivedCard(s: DerivedSeries): HTMLElement {
  const total = s.points.reduce((n, [, v]) => n + v, 0);
  const first = s.points[0];
  const last = s.points[s.points.length - 1];
  const span =
    first && last
      ? monthLabel(first[0]) === monthLabel(last[0])
        ? monthLabel(first[0])
        : `${monthLabel(first[0])} to ${monthLabel(last[0])}`
      : 'no month';
  return h(
    'figure',
    { class: 'card report-derived-series', 'data-series': s.id },
    sparkline(s.points, s.name, s.unit),
    h(
      'figcaption',
      null,
      h('strong', null, s.name),
      ' ',
      markingBadge(s.marking),
      h(
        'p',
        { class: 'report-derived-trend' },
        `${formatNumber(total)} ${s.unit} over ${s.points.length} month${s.points.length === 1 ? '' : 's'} (${span}); `,
        trendWords(s.trend, s.unit),
        '.',
      ),
      h('code', { class: 'muted' }, s.id),
    ),
  );
}

export function derivedSection(series: readonly DerivedSeries[]): HTMLElement {
  if (series.length === 0)
    return empty('No record you may see carries a threat area’s topics with a first-seen date.');
  return h(
    'div',
    null,
    h(
      'p',
      { class: 'muted' },
      'Records counted in the month the store first saw them with an area’s topics: they measure collection as much as the threat, so they do not move the priority scores.',
    ),
    h('div', { class: 'report-derived' }, series.map(derivedCard)),
  );
}

export function investigationsLine(inv: Investigations): HTMLElement {
  const kinds = inv.schemata.join(' or ') || 'investigation';
  if (inv.count === 0)
    return h(
      'p',
      { class: 'report-investigations', 'data-count': '0' },
      h('strong', null, 'Investigations: '),
      h('span', { class: 'badge verdict-lacks' }, 'lacks data'),
      ` The store holds no ${kinds} entity you may see tied to a threat area, the only record counted as an investigation.`,
    );
  return h(
    'p',
    { class: 'report-investigations', 'data-count': String(inv.count) },
    h('strong', null, 'Investigations: '),
    `${formatNumber(inv.count)} ${kinds} record${inv.count === 1 ? '' : 's'} tied to a threat area${inv.asOfMonth ? `, up to ${inv.asOfMonth}` : ''}; their monthly counts are among the series above.`,
  );
}
