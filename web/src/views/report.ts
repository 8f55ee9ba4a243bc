// The strategic assessment (GET /assess): the key judgements with their probability words, confidence and evidence,
// the priorities per threat area, emerging signals, wastewater trends, the series counted from the store and the
// investigations line (report-indicators.ts), and the source assessment's claims tested against the data, under a
// marking bar naming the highest marking included. "Open the full report" opens GET /assess/report (the self-contained HTML
// report, with its charts) in a new tab; when evidence carries handling code C, it asks for a recipient and conditions.
import { get } from '../api.js';
import {
  assessUrl,
  percent,
  type ReportAnswer,
  type ReportEvidence,
  readAssessment,
  reportForm,
  reportUrl,
} from '../assess/read.js';
import { formatNumber, h, replace } from '../dom.js';
import { empty, Frame, failure, loading, markingBadge, showMarking } from '../ui.js';
import { derivedSection, investigationsLine, signalsSection, wastewaterTable } from './report-indicators.js';
import type { View } from './view.js';

const VERDICT_CLASS: Record<string, string> = {
  agrees: 'verdict-agrees',
  disagrees: 'verdict-disagrees',
  'lacks data': 'verdict-lacks',
};

function evidenceList(items: readonly ReportEvidence[]): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted' }, 'No evidence item.');
  return h(
    'ul',
    { class: 'report-evidence' },
    items.map((e) =>
      h(
        'li',
        null,
        h('code', null, e.ref),
        ` ${e.text} `,
        h(
          'span',
          { class: 'muted' },
          `[${showMarking(e.marking)}; grading ${e.grading.join(', ') || 'n/a'}${e.datasets.length ? `; ${e.datasets.join(', ')}` : ''}]`,
        ),
      ),
    ),
  );
}

function judgements(a: ReportAnswer): HTMLElement {
  if (a.judgements.length === 0)
    return empty('No key judgement: nothing you may see bears on a threat area.');
  return h(
    'div',
    { class: 'report-judgements' },
    a.judgements.map((j) =>
      h(
        'article',
        { class: 'card report-judgement', 'data-judgement': j.id },
        h(
          'p',
          { class: 'report-words' },
          h('strong', { class: 'report-yardstick' }, j.yardstick),
          ` (${percent(j.probability)}), ${j.confidence} confidence `,
          markingBadge(j.marking),
          h('span', { class: 'muted' }, ` ${j.status}${j.signedBy ? ` by ${j.signedBy}` : ''} · ${j.id}`),
        ),
        h('p', { class: 'report-text' }, j.text),
        h('details', null, h('summary', null, `Evidence (${j.evidence.length})`), evidenceList(j.evidence)),
      ),
    ),
  );
}

function priorities(a: ReportAnswer): HTMLElement {
  if (a.priorities.length === 0) return empty('No threat area scored.');
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'table report-priorities' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Threat area', 'Score', 'Band', 'Confidence', 'Entities', 'Marking'].map((c) =>
            h('th', { scope: 'col' }, c),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        a.priorities.map((p) =>
          h(
            'tr',
            { 'data-area': p.id },
            h('td', null, p.label),
            h('td', { class: 'num' }, formatNumber(p.total)),
            h('td', null, p.band),
            h('td', null, p.confidence),
            h('td', { class: 'num' }, formatNumber(p.entities)),
            h('td', null, markingBadge(p.marking)),
          ),
        ),
      ),
    ),
  );
}

function claims(a: ReportAnswer): HTMLElement {
  if (a.claims.length === 0) return empty('No claim tested.');
  return h(
    'ul',
    { class: 'report-claims' },
    a.claims.map((c) =>
      h(
        'li',
        { 'data-claim': c.id },
        h('span', { class: `badge ${VERDICT_CLASS[c.verdict] ?? ''}` }, c.verdict),
        ' ',
        h('strong', null, c.claim),
        ' ',
        markingBadge(c.marking),
        h('p', null, c.finding),
      ),
    ),
  );
}

/** The link to the full report, with fields for the disclosure terms when C-coded evidence is included. */
function fullReport(a: ReportAnswer, q: URLSearchParams): HTMLElement {
  const form = reportForm(q);
  const link = h(
    'a',
    {
      class: 'btn btn-primary',
      id: 'open-report',
      href: reportUrl(form),
      target: '_blank',
      rel: 'noopener noreferrer',
    },
    'Open the full report',
  );
  const note = h(
    'p',
    { class: 'muted' },
    `The full report (charts, sources and method) opens in a new tab, marked ${showMarking(a.marking)}.`,
  );
  if (!a.conditional) return h('div', { class: 'report-open' }, link, note);
  const field = (id: string, label: string, value: string, set: (v: string) => void) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      h('input', {
        id,
        type: 'text',
        value,
        on: {
          input: (ev) => {
            set((ev.target as HTMLInputElement).value);
            link.setAttribute('href', reportUrl(form));
          },
        },
      }),
    );
  return h(
    'div',
    { class: 'report-open' },
    h(
      'p',
      null,
      'Some evidence carries handling code C: the full report leaves only with a named recipient and the conditions.',
    ),
    field('report-recipient', 'Recipient', form.recipient, (v) => {
      form.recipient = v;
    }),
    field('report-conditions', 'Conditions', form.conditions, (v) => {
      form.conditions = v;
    }),
    link,
    note,
  );
}

export const reportView: View = (ctx) => {
  const frame = new Frame('Strategic assessment');
  const load = () => {
    replace(frame.body, loading('Building the assessment...'));
    get<unknown>(assessUrl(reportForm(ctx.params)), { signal: ctx.signal })
      .then((body) => {
        if (ctx.signal.aborted) return;
        const a = readAssessment(body);
        frame.setMarking('assess', a.marking);
        void frame.setDatasets('assess', a.datasets);
        replace(
          frame.body,
          h(
            'p',
            { class: 'report-marking' },
            'This assessment is marked ',
            markingBadge(a.marking),
            a.ceiling ? ` (capped at ${showMarking(a.ceiling)})` : '',
            a.year === null ? '' : `; data up to ${a.year}`,
            '.',
          ),
          fullReport(a, ctx.params),
          h('h2', null, 'Key judgements'),
          judgements(a),
          h('h2', null, 'Priorities'),
          priorities(a),
          h('h2', null, 'Emerging signals'),
          signalsSection(a.indicators.signals, a.priorities),
          h('h2', null, 'Wastewater trends by substance'),
          wastewaterTable(a.indicators.wastewater),
          h('h2', null, 'Counts from the store'),
          derivedSection(a.indicators.derived),
          investigationsLine(a.indicators.investigations),
          h('h2', null, 'Claims tested'),
          claims(a),
        );
      })
      .catch((err: unknown) => {
        if (!ctx.signal.aborted) replace(frame.body, failure(err, load));
      });
  };
  load();
  return frame.root;
};
