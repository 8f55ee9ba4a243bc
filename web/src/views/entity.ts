// The entity page: every value grouped by kind, each with the dataset, origin, marking and grading it came with;
// the records that point here; sanctions; screening against the lists; and a way into the graph.
import { get } from '../api.js';
import groups from '../data/property-groups.json';
import { h, humanise, replace } from '../dom.js';
import { describeGrading } from '../grading.js';
import { href } from '../router.js';
import { visibleDatasets } from '../session.js';
import {
  type EntityView,
  type MatchResult,
  type Reference,
  readEntity,
  readMatches,
  type Value,
} from '../types.js';
import { datasetChips, empty, Frame, failure, loading, markingBadge } from '../ui.js';
import { topicLabel } from './dashboard.js';
import { listsMentions, mentioningDocuments } from './mentions.js';
import { provenancePanel } from './provenance.js';
import type { View } from './view.js';

/** Properties in the order of their groups; anything not listed falls under Other. */
export function groupProperties(props: Map<string, Value[]>): { name: string; props: [string, Value[]][] }[] {
  const seen = new Set<string>();
  const out: { name: string; props: [string, Value[]][] }[] = [];
  for (const g of groups.groups) {
    const found = g.properties
      .filter((p) => props.has(p))
      .map((p): [string, Value[]] => [p, props.get(p) ?? []]);
    for (const [p] of found) seen.add(p);
    if (found.length) out.push({ name: g.name, props: found });
  }
  const rest = [...props].filter(([p]) => !seen.has(p)).sort(([a], [b]) => a.localeCompare(b));
  if (rest.length) out.push({ name: 'Other', props: rest });
  return out;
}

const ENTITY_PROPS = new Set(groups.entityProperties);

function valueCell(prop: string, v: Value): HTMLElement {
  if (v.entity)
    return h('td', null, h('a', { href: href(['entity', v.entity.id]) }, v.entity.caption ?? v.value));
  if (ENTITY_PROPS.has(prop))
    return h(
      'td',
      null,
      h('a', { href: href(['entity', v.value]), class: 'entity-ref', 'data-ref': v.value }, v.value),
    );
  if (prop === 'topics')
    return h('td', null, topicLabel(v.value), h('span', { class: 'muted small' }, ` (${v.value})`));
  return h('td', { class: 'value' }, v.value);
}

function propertyTable(name: string, props: [string, Value[]][], fictional: Set<string>): HTMLElement {
  return h(
    'section',
    { class: 'prop-group', 'data-group': name },
    h('h2', null, name),
    h(
      'table',
      { class: 'table props' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'Property'),
          h('th', { scope: 'col' }, 'Value'),
          h('th', { scope: 'col' }, 'Dataset'),
          h('th', { scope: 'col' }, 'Origin'),
          h('th', { scope: 'col' }, 'Marking'),
          h('th', { scope: 'col' }, 'Grading'),
        ),
      ),
      h(
        'tbody',
        null,
        props.flatMap(([prop, values]) =>
          values.map((v, i) =>
            h(
              'tr',
              { class: 'provenance', 'data-prop': prop },
              i === 0 ? h('th', { scope: 'row', rowspan: values.length }, humanise(prop)) : null,
              valueCell(prop, v),
              h('td', null, v.dataset ? datasetChips([v.dataset], fictional) : ''),
              h('td', { class: 'origin' }, v.origin ?? ''),
              h('td', null, v.marking ? markingBadge(v.marking) : ''),
              h(
                'td',
                null,
                v.grading
                  ? h('abbr', { title: describeGrading(v.grading), class: 'grading' }, v.grading)
                  : '',
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function referenceList(refs: Reference[], fictional: Set<string>): HTMLElement {
  if (refs.length === 0) return empty('No other record points to this one.');
  const byProp = new Map<string, Reference[]>();
  for (const r of refs) {
    const key =
      r.label ??
      `${humanise(r.entity.schema ?? 'Record')}, as ${humanise(r.property ?? 'link').toLowerCase()}`;
    byProp.set(key, [...(byProp.get(key) ?? []), r]);
  }
  return h(
    'div',
    { class: 'refs' },
    [...byProp].map(([label, list]) =>
      h(
        'section',
        { class: 'ref-group' },
        h('h3', null, `${label} (${list.length})`),
        h(
          'ul',
          null,
          list.map((r) =>
            h(
              'li',
              null,
              h('a', { href: href(['entity', r.entity.id]) }, r.entity.caption ?? r.entity.id),
              r.entity.schema ? h('span', { class: 'schema' }, humanise(r.entity.schema)) : null,
              r.entity.marking ? markingBadge(r.entity.marking) : null,
              r.entity.datasets?.length ? datasetChips(r.entity.datasets, fictional) : null,
            ),
          ),
        ),
      ),
    ),
  );
}

function sanctionList(e: EntityView, fictional: Set<string>): HTMLElement | null {
  if (e.sanctions.length === 0) return null;
  return h(
    'section',
    { class: 'sanctions' },
    h('h2', null, `Sanctions (${e.sanctions.length})`),
    h(
      'ul',
      null,
      e.sanctions.map((s) =>
        h(
          'li',
          { class: 'sanction' },
          h('strong', null, [s.authority, s.program].filter(Boolean).join(': ') || s.caption || 'Sanction'),
          s.reason ? h('p', null, s.reason) : null,
          h(
            'p',
            { class: 'muted small' },
            [
              s.listingDate && `listed ${s.listingDate}`,
              s.startDate && `from ${s.startDate}`,
              s.endDate && `until ${s.endDate}`,
            ]
              .filter(Boolean)
              .join(', '),
          ),
          s.marking ? markingBadge(s.marking) : null,
          s.datasets?.length ? datasetChips(s.datasets, fictional) : null,
          s.id ? h('a', { href: href(['entity', s.id]), class: 'small' }, ' the sanction record') : null,
        ),
      ),
    ),
  );
}

function matchTable(results: MatchResult[], fictional: Set<string>): HTMLElement {
  if (results.length === 0) return empty('No candidate on the lists scores above the threshold.');
  return h(
    'table',
    { class: 'table matches' },
    h('caption', null, 'Candidates on the lists, best first'),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Candidate'),
        h('th', { scope: 'col' }, 'Type'),
        h('th', { scope: 'col', class: 'num' }, 'Score'),
        h('th', { scope: 'col' }, 'Why'),
        h('th', { scope: 'col' }, 'Datasets'),
      ),
    ),
    h(
      'tbody',
      null,
      results.map((r) =>
        h(
          'tr',
          { class: r.match ? 'is-match' : '' },
          h('th', { scope: 'row' }, h('a', { href: href(['entity', r.id]) }, r.caption)),
          h('td', null, humanise(r.schema)),
          h(
            'td',
            { class: 'num' },
            r.score.toFixed(2),
            r.match ? h('span', { class: 'badge' }, 'match') : null,
          ),
          h('td', { class: 'small' }, (r.explanation ?? []).join('; ')),
          h('td', null, datasetChips(r.datasets ?? [], fictional)),
        ),
      ),
    ),
  );
}

/** Replaces the ids in entity-valued properties by the entities' captions (a few; each is one request). */
async function captionRefs(frame: Frame, signal: AbortSignal): Promise<void> {
  const links = [...frame.body.querySelectorAll<HTMLAnchorElement>('a.entity-ref')].slice(0, 25);
  for (const link of links) {
    if (signal.aborted) return;
    const id = link.dataset.ref ?? '';
    try {
      const ref = readEntity(await get(`/api/entities/${encodeURIComponent(id)}`, { signal }));
      link.textContent = ref.caption;
      link.title = id;
      frame.setMarking(`ref:${id}`, ref.marking);
    } catch {
      // Not visible, or gone: the id stays as the link text, and the link answers 404 like any unseen entity.
      link.title = 'not visible to you';
    }
  }
}

export const entityView: View = (ctx) => {
  const id = ctx.path[1] ?? '';
  const frame = new Frame('Entity');
  const title = frame.root.querySelector('h1') as HTMLElement;
  const load = async () => {
    replace(frame.body, loading('Loading the entity...'));
    try {
      const e = readEntity(await get(`/api/entities/${encodeURIComponent(id)}`, { signal: ctx.signal }));
      const fictional = new Set((await visibleDatasets()).filter((d) => d.fictional).map((d) => d.name));
      if (ctx.signal.aborted) return;
      document.title = `${e.caption} - Nexus`;
      replace(title, e.caption);
      frame.setMarking('entity', e.marking);
      frame.setFictional(
        'entity',
        e.datasets.filter((d) => fictional.has(d)),
      );
      const matchBox = h('div', { class: 'match-box', 'aria-live': 'polite' });
      const matchButton = h(
        'button',
        { type: 'button', class: 'btn', id: 'match-lists' },
        'Match against lists',
      );
      matchButton.addEventListener('click', async () => {
        matchButton.disabled = true;
        replace(matchBox, loading('Screening against the lists...'));
        try {
          const answer = readMatches(
            await get(`/api/entities/${encodeURIComponent(e.id)}/match`, { signal: ctx.signal }),
          );
          frame.setMarking('match', answer.marking);
          frame.setFictional(
            'match',
            answer.results.flatMap((r) => r.datasets ?? []).filter((d) => fictional.has(d)),
          );
          replace(matchBox, h('h2', null, 'Match against lists'), matchTable(answer.results, fictional));
        } catch (err) {
          replace(
            matchBox,
            failure(err, () => matchButton.click()),
          );
        } finally {
          matchButton.disabled = false;
        }
      });
      replace(
        frame.body,
        h(
          'div',
          { class: 'entity-summary' },
          h('span', { class: 'schema' }, humanise(e.schema)),
          markingBadge(e.marking),
          datasetChips(e.datasets, fictional),
          h('code', { class: 'muted small' }, e.id),
        ),
        h(
          'div',
          { class: 'actions' },
          h('a', { class: 'btn', href: href(['graph'], { id: e.id }), id: 'open-graph' }, 'Open in graph'),
          matchButton,
        ),
        matchBox,
        provenancePanel(e),
        sanctionList(e, fictional),
        e.properties.size === 0
          ? empty('No property of this entity is visible to you.')
          : groupProperties(e.properties).map((g) => propertyTable(g.name, g.props, fictional)),
        listsMentions(e.schema)
          ? mentioningDocuments(e.id, ctx.signal, (m) => frame.setMarking('documents', m))
          : null,
        h(
          'section',
          { class: 'references' },
          h('h2', null, 'Relationships and references'),
          referenceList(e.references, fictional),
        ),
        e.referents?.length
          ? h('p', { class: 'muted small' }, `Merged from: ${e.referents.join(', ')}`)
          : null,
      );
      void captionRefs(frame, ctx.signal);
    } catch (err) {
      if (!ctx.signal.aborted) replace(frame.body, failure(err, load));
    }
  };
  void load();
  return frame.root;
};
