// The review queue: the best undecided match suggestion, both records side by side with the scorer's reasons,
// decided with the keyboard (m match, n no match, u unsure, s skip) or the buttons.
import { ApiError, getJson, post, url } from '../api.js';
import { h, humanise, replace } from '../dom.js';
import { canJudge } from '../roles.js';
import { href } from '../router.js';
import { currentUser, visibleDatasets } from '../session.js';
import { readSuggestion, type Suggestion } from '../types.js';
import { announce, datasetChips, empty, Frame, failure, loading, markingBadge } from '../ui.js';
import { topicLabel } from './dashboard.js';
import type { View } from './view.js';

export type Decision = 'match' | 'no-match' | 'unsure' | 'skip';

export const KEYS: Record<string, Decision> = { m: 'match', n: 'no-match', u: 'unsure', s: 'skip' };

const LABEL: Record<Decision, string> = {
  match: 'Match',
  'no-match': 'No match',
  unsure: 'Unsure',
  skip: 'Skip',
};

/** Keys typed into a field are text, not decisions. */
export function decisionFor(ev: KeyboardEvent): Decision | undefined {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return undefined;
  const t = ev.target as HTMLElement | null;
  if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return undefined;
  return KEYS[ev.key.toLowerCase()];
}

function comparison(s: Suggestion, fictional: Set<string>): HTMLElement {
  const props = [...new Set([...s.a.properties.keys(), ...s.b.properties.keys()])].filter(
    (p) => p !== 'notes',
  );
  props.sort((x, y) => (x === 'name' ? -1 : y === 'name' ? 1 : x.localeCompare(y)));
  const cell = (prop: string, values: string[] | undefined, other: string[] | undefined) =>
    h(
      'td',
      null,
      (values ?? []).map((v) =>
        h(
          'div',
          { class: other?.some((o) => o.toLowerCase() === v.toLowerCase()) ? 'same' : '' },
          prop === 'topics' ? topicLabel(v) : v,
        ),
      ),
    );
  const head = (r: Suggestion['a'], side: string) =>
    h(
      'th',
      { scope: 'col', class: 'record-head' },
      h('span', { class: 'side' }, side),
      h('a', { href: href(['entity', r.id]) }, r.caption),
      h('div', { class: 'small' }, humanise(r.schema), ' ', r.marking ? markingBadge(r.marking) : null),
      datasetChips(r.datasets, fictional),
      h('code', { class: 'muted small' }, r.id),
    );
  return h(
    'table',
    { class: 'table compare' },
    h('caption', { class: 'visually-hidden' }, 'The two records side by side'),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Property'), head(s.a, 'A'), head(s.b, 'B'))),
    h(
      'tbody',
      null,
      props.map((p) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, humanise(p)),
          cell(p, s.a.properties.get(p), s.b.properties.get(p)),
          cell(p, s.b.properties.get(p), s.a.properties.get(p)),
        ),
      ),
    ),
  );
}

function explanation(s: Suggestion): HTMLElement {
  return h(
    'section',
    { class: 'explain' },
    h('h2', null, 'Why they were suggested'),
    h('p', { class: 'score-line' }, 'Score ', h('strong', null, s.score.toFixed(2))),
    s.explanation.length === 0
      ? h('p', { class: 'muted' }, s.summary ?? 'The scorer gave no reasons.')
      : h(
          'ul',
          { class: 'features' },
          s.explanation.map((f) =>
            h(
              'li',
              null,
              h('span', { class: 'feature-name' }, humanise(f.name)),
              f.score !== undefined ? h('span', { class: 'feature-score' }, f.score.toFixed(2)) : null,
              f.weight !== undefined ? h('span', { class: 'muted small' }, ` weight ${f.weight}`) : null,
              f.text ? h('span', { class: 'feature-text' }, ` ${f.text}`) : null,
            ),
          ),
        ),
  );
}

/** Why a role without the judge permission sees the queue but cannot decide. */
export function readOnlyNote(role: string | undefined): string {
  return (
    `Deciding needs the reviewer role: ${role ? `your role (${role})` : 'your role'} may read the queue and skip ` +
    'through it, but not record a match, no match or unsure. Ask a reviewer to decide.'
  );
}

export const reviewView: View = (ctx) => {
  const frame = new Frame('Review queue');
  const role = currentUser()?.role;
  /** Decisions are offered only to roles that may make them (the server refuses the others anyway). */
  const judge = canJudge(role);
  /** How many undecided suggestions to pass over: the server's queue is ordered, and skipping moves along it. */
  let skip = 0;
  let current: (Suggestion & { skip?: number }) | null = null;
  let busy = false;
  const status = h('p', { class: 'muted', role: 'status' });

  const decide = async (d: Decision) => {
    if (!current || busy) return;
    busy = true;
    const s = current;
    const reasonField = document.getElementById('review-reason') as HTMLTextAreaElement | null;
    try {
      if (d === 'skip') {
        skip = (s.skip ?? skip) + 1;
        announce(`Skipped ${s.a.caption} and ${s.b.caption}`);
      } else {
        replace(status, `Saving ${LABEL[d]}...`);
        await post('/api/xref/judge', {
          a: s.a.id,
          b: s.b.id,
          judgement: d,
          reason: reasonField?.value.trim() || undefined,
        });
        announce(`Recorded ${LABEL[d]} for ${s.a.caption} and ${s.b.caption}`);
      }
      replace(status, d === 'skip' ? 'Skipped.' : `Recorded: ${LABEL[d]}.`);
      busy = false;
      await load();
    } catch (err) {
      busy = false;
      replace(status, '');
      frame.body.prepend(failure(err));
    }
  };

  const onKey = (ev: KeyboardEvent) => {
    const d = decisionFor(ev);
    if (!d || !current || (!judge && d !== 'skip')) return;
    ev.preventDefault();
    void decide(d);
  };
  document.addEventListener('keydown', onKey);
  ctx.onLeave(() => document.removeEventListener('keydown', onKey));

  const load = async (): Promise<void> => {
    replace(frame.body, loading('Finding the next suggestion...'));
    try {
      const body = await getJson(url('/api/xref/next', { skip: skip || undefined }), { signal: ctx.signal });
      if (ctx.signal.aborted) return;
      current = readSuggestion(body);
      if (current?.skip !== undefined) skip = current.skip;
      if (!current) {
        frame.clear('suggestion');
        replace(
          frame.body,
          status,
          empty(
            skip > 0
              ? 'Nothing left but what you skipped.'
              : 'Nothing to review: every suggestion has been decided.',
            h('p', null, 'Cross-referencing (nexus xref) fills this queue.'),
            skip > 0
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'btn',
                    on: {
                      click: () => {
                        skip = 0;
                        void load();
                      },
                    },
                  },
                  'Show skipped again',
                )
              : null,
          ),
        );
        return;
      }
      const s = current;
      const fictional = new Set((await visibleDatasets()).filter((d) => d.fictional).map((d) => d.name));
      frame.setMarking('suggestion', s.marking);
      frame.setMarking('a', s.a.marking);
      frame.setMarking('b', s.b.marking);
      frame.setFictional(
        'suggestion',
        [...s.a.datasets, ...s.b.datasets].filter((d) => fictional.has(d)),
      );
      const button = (d: Decision, key: string) =>
        h(
          'button',
          {
            type: 'button',
            class: `btn decision decision-${d}`,
            'data-decision': d,
            'aria-keyshortcuts': key,
            on: { click: () => void decide(d) },
          },
          LABEL[d],
          h('kbd', null, key),
        );
      if (!judge) {
        replace(
          frame.body,
          h('p', { class: 'note review-readonly', role: 'note' }, readOnlyNote(role)),
          h(
            'p',
            { class: 'muted' },
            'Are these the same real-world ',
            humanise(s.a.schema).toLowerCase(),
            '? Key: ',
            h('kbd', null, 's'),
            ' skip to the next suggestion.',
          ),
          h('div', { class: 'review-grid' }, comparison(s, fictional), explanation(s)),
          h('div', { class: 'actions decisions' }, button('skip', 's')),
          status,
        );
        return;
      }
      replace(
        frame.body,
        h(
          'p',
          { class: 'muted' },
          'Are these the same real-world ',
          humanise(s.a.schema).toLowerCase(),
          '? Keys: ',
          h('kbd', null, 'm'),
          ' match, ',
          h('kbd', null, 'n'),
          ' no match, ',
          h('kbd', null, 'u'),
          ' unsure, ',
          h('kbd', null, 's'),
          ' skip.',
        ),
        h('div', { class: 'review-grid' }, comparison(s, fictional), explanation(s)),
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'review-reason' }, 'Reason (optional, kept with the judgement)'),
          h('textarea', { id: 'review-reason', rows: 2, maxlength: 1000 }),
        ),
        h(
          'div',
          { class: 'actions decisions', role: 'group', 'aria-label': 'Decision' },
          button('match', 'm'),
          button('no-match', 'n'),
          button('unsure', 'u'),
          button('skip', 's'),
        ),
        status,
      );
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        replace(frame.body, empty('The review queue is not available on this server.'));
        return;
      }
      if (!ctx.signal.aborted)
        replace(
          frame.body,
          failure(err, () => void load()),
        );
    }
  };
  void load();
  return frame.root;
};
