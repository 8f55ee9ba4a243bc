// Crypto tracing: a form (seeds, taint model, direction, asset or chain, hops, stop at services, datasets) that asks
// GET /trace and draws the answer as a layered flow diagram in SVG (a column per hop, a node per address, links from
// each address's evidence path as wide as the tainted value they carry), with the table of every address reached
// below. Clicking an address shows where its funds came from per seed set (GET /trace/exposure). The form lives in
// the URL, like search's.
import { ApiError, get } from '../api.js';
import { formatNumber, h, replace } from '../dom.js';
import { go, href } from '../router.js';
import { visibleDatasets } from '../session.js';
import {
  type CryptoExposure,
  clip,
  describeSet,
  exposureUrl,
  FLOW,
  type FlowLayout,
  type FlowLink,
  type FlowNode,
  formatShare,
  layoutFlow,
  readExposure,
  readTraceAnswer,
  shortAddress,
  TRACE_MODELS,
  type TraceAnswer,
  type TraceForm,
  type TraceReached,
  traceParams,
  traceState,
  traceUrl,
} from '../trace/flow.js';
import { readEntity } from '../types.js';
import { announce, empty, entityLink, Frame, failure, loading, markingBadge } from '../ui.js';
import type { View } from './view.js';

/** Rows of the table of addresses reached; beyond this the page says how many are left out. */
export const TRACE_TABLE_ROWS = 1000;
/** Holder entities looked up to know whether they are fictional; beyond this the banner says "possibly". */
const MAX_LOOKUPS = 20;

const MODEL_NAMES: Record<string, string> = { haircut: 'haircut', poison: 'poison', fifo: 'FIFO' };

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element; like h(), text goes in only as text nodes. */
function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | undefined> = {},
  ...children: (Node | string | null | undefined | false)[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

function capText(cap: string, value: number): string {
  if (cap === 'hops') return `the hop cap (${formatNumber(value)})`;
  if (cap === 'addresses') return `the address cap (${formatNumber(value)})`;
  if (cap === 'time') return `the time budget (${formatNumber(value)} ms)`;
  return `a cap (${cap})`;
}

function utc(iso: string): string {
  const d = new Date(iso);
  return iso === '' || Number.isNaN(d.getTime())
    ? iso
    : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function traceForm(form: TraceForm): HTMLFormElement {
  const field = (id: string, label: string, control: HTMLElement, hint?: string) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      control,
      hint ? h('span', { class: 'muted small', id: `${id}-hint` }, hint) : null,
    );
  const fromInput = h('input', {
    id: 'trace-from',
    name: 'from',
    value: form.from.join(', '),
    placeholder: '0x..., sanctioned, state:kp, label:mixer, family:Locky',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'trace-from-hint trace-from-error',
  });
  const fromError = h('p', { id: 'trace-from-error', class: 'field-error form-error', hidden: true });
  const hopsInput = h('input', {
    id: 'trace-max-hops',
    name: 'max_hops',
    type: 'number',
    min: 1,
    max: 50,
    step: 1,
    placeholder: '10',
    value: form.maxHops ?? '',
  });
  const stopBox = h('input', { id: 'trace-stop', name: 'stop', type: 'checkbox', checked: form.stop });
  const f = h(
    'form',
    { class: 'trace-form', 'aria-label': 'What to trace' },
    h(
      'div',
      { class: 'trace-from' },
      field(
        'trace-from',
        'From',
        fromInput,
        'Addresses, or seed sets: sanctioned, state:ru|cn|kp|ir, label:CATEGORY, family:NAME. Backward: the targets.',
      ),
      fromError,
    ),
    field(
      'trace-model',
      'Taint model',
      h(
        'select',
        { id: 'trace-model', name: 'model' },
        TRACE_MODELS.map((m) => h('option', { value: m, selected: form.model === m }, MODEL_NAMES[m] ?? m)),
      ),
    ),
    field(
      'trace-direction',
      'Direction',
      h(
        'select',
        { id: 'trace-direction', name: 'direction' },
        h('option', { value: 'forward', selected: form.direction === 'forward' }, 'forward'),
        h('option', { value: 'backward', selected: form.direction === 'backward' }, 'backward'),
      ),
    ),
    field(
      'trace-asset',
      'Asset',
      h('input', {
        id: 'trace-asset',
        name: 'asset',
        value: form.asset ?? '',
        placeholder: 'e.g. ETH',
        autocomplete: 'off',
      }),
    ),
    field(
      'trace-chain',
      'Chain',
      h('input', {
        id: 'trace-chain',
        name: 'chain',
        value: form.chain ?? '',
        placeholder: 'e.g. ethereum',
        autocomplete: 'off',
      }),
    ),
    field('trace-max-hops', 'Max hops', hopsInput),
    field(
      'trace-datasets',
      'Datasets',
      h('input', {
        id: 'trace-datasets',
        name: 'dataset',
        value: form.datasets.join(', '),
        placeholder: 'all you may see',
        autocomplete: 'off',
        spellcheck: 'false',
      }),
    ),
    h(
      'div',
      { class: 'field trace-stop' },
      h('label', { for: 'trace-stop' }, stopBox, ' Stop at services'),
      h('span', { class: 'muted small' }, 'Exchanges, mixers, bridges, gambling'),
    ),
    h('div', { class: 'trace-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Trace')),
  );
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const data = new FormData(f);
    const value = (name: string) => String(data.get(name) ?? '').trim();
    const params = new URLSearchParams();
    for (const name of ['from', 'model', 'direction', 'asset', 'chain', 'max_hops', 'dataset'])
      if (value(name)) params.set(name, value(name));
    if (!stopBox.checked) params.set('stop', 'false');
    const next = traceState(params);
    if (next.form.from.length === 0) {
      fromError.hidden = false;
      replace(fromError, 'Give at least one address or seed set.');
      fromInput.setAttribute('aria-invalid', 'true');
      fromInput.focus();
      return;
    }
    if (next.problems.length > 0) {
      fromError.hidden = false;
      replace(fromError, `${next.problems.join('; ')}.`);
      return;
    }
    go(['trace'], traceParams({ ...next.form, maxAddresses: form.maxAddresses }));
  });
  return f;
}

function nodeTitle(n: FlowNode, asset: string): string {
  const lines = [n.address];
  if (n.seed) lines.push(`seed: ${n.amount} ${asset}`);
  else
    lines.push(
      `${n.amount} ${asset} tainted${n.share !== undefined ? `, ${formatShare(n.share)} of what it received` : ''}`,
    );
  for (const l of n.labels) lines.push(`label: ${l.label} [${l.category}] (${l.dataset})`);
  for (const e of n.entities) lines.push(`held by ${e.caption || e.id} (${e.schema})`);
  if (n.stop) lines.push('STOP: a service; the trace does not follow value through it');
  return lines.join('\n');
}

function linkTitle(l: FlowLink, asset: string): string {
  const txs = l.txs
    .slice(0, 5)
    .map((tx, i) => `${tx}${l.times[i] ? ` at ${utc(l.times[i] as string)}` : ''}`)
    .join('\n  ');
  const more = l.txs.length > 5 ? `\n  and ${l.txs.length - 5} more` : '';
  return `${l.from} \u2192 ${l.to}\n${l.tainted} ${asset} tainted of ${l.amount} ${asset}\n${
    l.txs.length === 1 ? 'tx' : 'txs'
  } ${txs}${more}`;
}

/** The flow diagram; `select` runs when an address is clicked (or chosen with Enter or Space). */
function flowDiagram(
  layout: FlowLayout,
  answer: TraceAnswer,
  select: (address: string) => void,
): SVGSVGElement {
  const asset = answer.asset;
  const root = svg('svg', {
    class: 'flow-diagram',
    width: layout.width,
    height: layout.height,
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    role: 'group',
    'aria-label': `Flow of ${asset || 'funds'} by hop: ${layout.nodes.length} addresses, ${layout.links.length} links`,
  });
  for (const c of layout.columns)
    root.appendChild(
      svg(
        'text',
        { class: 'flow-heading', x: c.x + FLOW.nodeWidth / 2, y: FLOW.margin + 12, 'text-anchor': 'middle' },
        c.heading,
      ),
    );
  const linkLayer = svg('g', { class: 'flow-links' });
  const labelLayer = svg('g', { class: 'flow-link-labels', 'aria-hidden': 'true' });
  for (const l of layout.links) {
    linkLayer.appendChild(
      svg(
        'path',
        {
          class: 'flow-link',
          d: l.d,
          'stroke-width': l.width.toFixed(2),
          'data-from': l.from,
          'data-to': l.to,
          'data-tainted': l.tainted,
        },
        svg('title', {}, linkTitle(l, asset)),
      ),
    );
    labelLayer.appendChild(
      svg(
        'text',
        { class: 'flow-link-label', x: l.labelX, y: l.labelY, 'text-anchor': 'middle' },
        `${l.tainted} ${asset}`.trim(),
      ),
    );
  }
  root.append(linkLayer, labelLayer);
  const nodeLayer = svg('g', { class: 'flow-nodes' });
  for (const n of layout.nodes) {
    const x = n.x;
    const y = n.y;
    const label = n.labels[0];
    const entity = n.entities[0];
    const amountLine = n.seed
      ? `${n.amount} ${asset}`
      : `${n.amount} ${asset}${n.share !== undefined ? ` \u00b7 ${formatShare(n.share)}` : ''}`;
    const badge = n.stop
      ? 'STOP'
      : n.seed
        ? answer.direction === 'backward'
          ? 'TARGET'
          : 'SEED'
        : undefined;
    const badgeWidth = badge ? badge.length * 7.5 + 8 : 0;
    // Bold monospace at 12px is about 7.3px a character; a badge takes its width from the address line.
    const chars = Math.floor((FLOW.nodeWidth - 16 - (badge ? badgeWidth + 6 : 0)) / 7.3);
    const g = svg(
      'g',
      {
        class: `flow-node${n.seed ? ' is-seed' : ''}${n.stop ? ' is-stop' : ''}`,
        'data-address': n.address,
        'data-hop': n.hop,
        tabindex: 0,
        role: 'button',
        'aria-label': `${n.address}${badge && !n.stop ? `, ${badge.toLowerCase()}` : ''}, ${amountLine}${
          n.stop ? ', STOP (service)' : ''
        }: show its exposure`,
      },
      svg('title', {}, nodeTitle(n, asset)),
      svg('rect', { class: 'flow-box', x, y, width: FLOW.nodeWidth, height: FLOW.nodeHeight, rx: 6 }),
      svg('text', { class: 'flow-address', x: x + 8, y: y + 16 }, shortAddress(n.address, chars)),
      svg('text', { class: 'flow-amount', x: x + 8, y: y + 31 }, clip(amountLine, 30)),
      label
        ? svg(
            'text',
            { class: 'flow-label', x: x + 8, y: y + 46 },
            label.label.length + label.category.length + 3 <= 30
              ? `${label.label} [${label.category}]`
              : clip(label.label, 30),
          )
        : null,
    );
    if (badge) {
      const w = badgeWidth;
      g.append(
        svg('rect', {
          class: n.stop ? 'flow-badge flow-badge-stop' : 'flow-badge flow-badge-seed',
          x: x + FLOW.nodeWidth - w - 4,
          y: y + 4,
          width: w,
          height: 16,
          rx: 3,
        }),
        svg(
          'text',
          { class: 'flow-badge-text', x: x + FLOW.nodeWidth - 4 - w / 2, y: y + 16, 'text-anchor': 'middle' },
          badge,
        ),
      );
    }
    if (entity) {
      const a = svg(
        'a',
        { href: href(['entity', entity.id]), class: 'flow-entity' },
        svg(
          'text',
          { x: x + 8, y: y + (label ? 60 : 46) },
          clip(
            `${entity.caption || entity.id}${n.entities.length > 1 ? ` +${n.entities.length - 1}` : ''}`,
            30,
          ),
        ),
      );
      // The entity page, not the exposure: the link is its own target.
      a.addEventListener('click', (ev) => ev.stopPropagation());
      a.addEventListener('keydown', (ev) => ev.stopPropagation());
      g.appendChild(a);
    }
    g.addEventListener('click', () => select(n.address));
    g.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        select(n.address);
      }
    });
    nodeLayer.appendChild(g);
  }
  root.appendChild(nodeLayer);
  return root;
}

function reachedTable(
  answer: TraceAnswer,
  drawn: Set<string>,
  select: (address: string) => void,
): HTMLElement {
  const col = (text: string, cls?: string) => h('th', { scope: 'col', class: cls ?? null }, text);
  const rows = answer.reached.slice(0, TRACE_TABLE_ROWS);
  const row = (r: TraceReached) =>
    h(
      'tr',
      { 'data-address': r.address, 'data-drawn': drawn.has(r.address) ? 'true' : 'false' },
      h('td', { class: 'num' }, String(r.hops)),
      h(
        'td',
        { class: 'trace-address' },
        h('code', null, r.address),
        r.stoppedAt
          ? h('span', { class: 'badge badge-stop', title: 'A service: the trace stops here' }, 'STOP')
          : null,
        drawn.has(r.address) ? null : h('span', { class: 'muted small' }, ' (not drawn)'),
      ),
      h('td', { class: 'num' }, `${r.tainted} ${answer.asset}`),
      h('td', { class: 'num' }, formatShare(r.share)),
      h('td', { class: 'num' }, `${r.received} ${answer.asset}`),
      h(
        'td',
        null,
        r.labels.length
          ? h(
              'ul',
              { class: 'plain-list' },
              r.labels.map((l) => h('li', null, `${l.label} `, h('span', { class: 'tag' }, l.category))),
            )
          : h('span', { class: 'muted' }, '-'),
      ),
      h(
        'td',
        null,
        r.entities.length
          ? h(
              'ul',
              { class: 'plain-list' },
              r.entities.map((e) => h('li', null, entityLink(e.id, e.caption))),
            )
          : h('span', { class: 'muted' }, '-'),
      ),
      h(
        'td',
        { class: 'row-actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-small exposure-button',
            'aria-label': `Exposure of ${r.address}`,
            on: { click: () => select(r.address) },
          },
          'Exposure',
        ),
      ),
    );
  return h(
    'div',
    null,
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'table compact trace-table' },
        h('caption', { class: 'visually-hidden' }, 'Addresses reached, by hop, largest first'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            col('Hop', 'num'),
            col('Address'),
            col('Tainted', 'num'),
            col('Share', 'num'),
            col('Received', 'num'),
            col('Labels'),
            col('Entities'),
            col('Actions'),
          ),
        ),
        h('tbody', null, rows.map(row)),
      ),
    ),
    answer.reached.length > rows.length
      ? h(
          'p',
          { class: 'muted' },
          `The first ${formatNumber(rows.length)} of ${formatNumber(answer.reached.length)} addresses are listed.`,
        )
      : null,
  );
}

function exposureBody(e: CryptoExposure, form: TraceForm, reached: TraceReached | undefined): HTMLElement {
  const traceFrom = (direction: 'forward' | 'backward') =>
    href(
      ['trace'],
      traceParams({
        ...form,
        from: [e.address],
        direction,
        chain: e.chain || form.chain,
        asset: e.asset || form.asset,
      }),
    );
  return h(
    'div',
    { class: 'exposure', 'data-address': e.address },
    h('p', null, h('code', { class: 'trace-address' }, e.address)),
    h(
      'p',
      { class: 'small' },
      `Received ${e.received} ${e.asset} in the data (${e.model}). Of that, traced back to each seed set:`,
    ),
    e.sets.length === 0
      ? empty('None of what it received traces back to a seed set.')
      : h(
          'table',
          { class: 'table compact exposure-table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, 'Seed set'),
              h('th', { scope: 'col', class: 'num' }, 'Value'),
              h('th', { scope: 'col', class: 'num' }, 'Share'),
            ),
          ),
          h(
            'tbody',
            null,
            e.sets.map((s) =>
              h(
                'tr',
                { 'data-set': s.set },
                h(
                  'td',
                  null,
                  h('code', null, s.set),
                  h('div', { class: 'muted small' }, describeSet(s.set)),
                  s.addresses.length
                    ? h(
                        'div',
                        { class: 'small' },
                        s.addresses
                          .slice(0, 3)
                          .map((a, i) => [
                            i > 0 ? ', ' : 'from ',
                            `${shortAddress(a.address)} (${a.hops} ${a.hops === 1 ? 'hop' : 'hops'})`,
                          ]),
                        s.addresses.length > 3 ? ` and ${s.addresses.length - 3} more` : '',
                      )
                    : null,
                ),
                h('td', { class: 'num' }, `${s.value} ${e.asset}`),
                h('td', { class: 'num' }, formatShare(s.share)),
              ),
            ),
          ),
        ),
    e.limitReached
      ? h('p', { class: 'form-error small' }, 'LIMIT_REACHED: a cap was hit; the values may be low.')
      : null,
    reached?.entities.length
      ? h(
          'p',
          { class: 'small' },
          'Held by ',
          reached.entities.map((en, i) => [i > 0 ? ', ' : '', entityLink(en.id, en.caption)]),
        )
      : null,
    h(
      'p',
      { class: 'small' },
      h('a', { href: traceFrom('forward') }, 'Trace forward from here'),
      ' \u00b7 ',
      h('a', { href: traceFrom('backward') }, 'Trace back from here'),
    ),
  );
}

export const traceView: View = (ctx) => {
  const state = traceState(ctx.params);
  const form = state.form;
  const frame = new Frame('Trace funds');
  const results = h('div', { class: 'trace-results' });

  replace(
    frame.body,
    h(
      'p',
      { class: 'muted' },
      'Follow crypto funds forward from seeds (where it went), or back from targets (where it came from), under a ',
      'taint model: haircut shares taint in proportion, poison taints all it touches, FIFO is first in, first out. ',
      'Each column is a hop; a link is as wide as the tainted value it carries. Click an address for its exposure.',
    ),
    traceForm(form),
    state.problems.length > 0
      ? h(
          'div',
          { class: 'state state-error', role: 'alert' },
          h(
            'p',
            null,
            h('strong', null, 'Some settings in the link were left out: '),
            state.problems.join('; '),
            '.',
          ),
        )
      : null,
    results,
  );

  if (form.from.length === 0) {
    replace(
      results,
      empty(
        'Give one or more addresses or seed sets to trace from.',
        h('p', { class: 'muted small' }, 'For example sanctioned, state:kp, label:mixer or family:Locky.'),
      ),
    );
    return frame.root;
  }

  let exposureRun: AbortController | undefined;
  ctx.onLeave(() => exposureRun?.abort());

  const show = (answer: TraceAnswer) => {
    frame.setMarking('trace', answer.marking);
    void frame.setDatasets('trace', [
      ...form.datasets,
      ...answer.reached.flatMap((r) => r.labels.map((l) => l.dataset)),
    ]);
    void checkHolders(answer);
    const seeds = answer.seeds.length;
    const summary = h(
      'p',
      { class: 'result-count trace-summary', role: 'status' },
      `${answer.model} ${answer.direction} trace on ${answer.chain}/${answer.asset} from ${formatNumber(seeds)} ${
        answer.direction === 'backward'
          ? seeds === 1
            ? 'target'
            : 'targets'
          : seeds === 1
            ? 'seed'
            : 'seeds'
      }: ${formatNumber(answer.reached.length)} ${answer.reached.length === 1 ? 'address' : 'addresses'} reached`,
      answer.totals.seeded
        ? `; ${answer.direction === 'backward' ? 'received' : 'seeded'} ${answer.totals.seeded} ${answer.asset}.`
        : '.',
    );
    const missing = answer.missing.length
      ? h('p', { class: 'note' }, `Not in the data: ${answer.missing.join(', ')}.`)
      : null;
    const datasetsNote = h('p', { class: 'muted small trace-datasets-note', hidden: true });
    if (form.datasets.length === 0)
      void visibleDatasets()
        .then((all) => {
          const fictional = all.filter((d) => d.fictional).map((d) => d.name);
          if (fictional.length === 0 || ctx.signal.aborted) return;
          datasetsNote.hidden = false;
          replace(
            datasetsNote,
            `Transfers are read from every dataset you may see, fictional ones included (${fictional.join(', ')}); `,
            'name datasets in the form to narrow it.',
          );
        })
        .catch(() => undefined);
    const marking = h(
      'p',
      { class: 'trace-marking' },
      'This answer is marked ',
      markingBadge(answer.marking),
      ': the highest marking of the transfers read and the labels shown.',
    );
    const limit = answer.limitReached
      ? h(
          'div',
          { class: 'state state-error trace-limit', role: 'alert' },
          h(
            'p',
            null,
            h('strong', null, 'LIMIT_REACHED'),
            `: the trace stopped at ${
              answer.limits.length ? answer.limits.map((l) => capText(l.cap, l.value)).join(' and ') : 'a cap'
            }. What is shown is incomplete: narrow it (fewer hops, one asset, named datasets) to see all of it.`,
          ),
        )
      : null;
    if (answer.reached.length === 0) {
      replace(
        results,
        summary,
        missing,
        datasetsNote,
        empty(
          answer.direction === 'backward'
            ? 'Nothing traced back from the targets.'
            : 'Nothing was reached from the seeds.',
          h(
            'p',
            { class: 'muted small' },
            'Try more hops, another asset or chain, or not stopping at services.',
          ),
        ),
        marking,
        limit,
      );
      return;
    }

    const layout = layoutFlow(answer);
    const drawn = new Set(layout.nodes.map((n) => n.address));
    const exposureBox = h('div', { class: 'panel', id: 'exposure-panel', 'aria-live': 'polite' });
    replace(
      exposureBox,
      h(
        'p',
        { class: 'muted' },
        'Click an address in the diagram, or Exposure in the table, to see its funds per seed set.',
      ),
    );
    const byAddress = new Map(answer.reached.map((r) => [r.address, r]));
    let diagram: SVGSVGElement | undefined;
    let table: HTMLElement | undefined;

    const select = async (address: string): Promise<void> => {
      for (const el of diagram?.querySelectorAll('.flow-node.is-selected') ?? [])
        el.classList.remove('is-selected');
      for (const el of table?.querySelectorAll('tr.is-selected') ?? []) el.classList.remove('is-selected');
      for (const el of diagram?.querySelectorAll('.flow-node') ?? [])
        if (el.getAttribute('data-address') === address) el.classList.add('is-selected');
      for (const el of table?.querySelectorAll('tr[data-address]') ?? [])
        if (el.getAttribute('data-address') === address) el.classList.add('is-selected');
      exposureRun?.abort();
      const run = new AbortController();
      exposureRun = run;
      const abort = () => run.abort();
      ctx.signal.addEventListener('abort', abort, { once: true });
      replace(exposureBox, loading(`Tracing back from ${shortAddress(address)}...`));
      try {
        const e = readExposure(await get(exposureUrl(address, form, answer), { signal: run.signal }));
        if (run.signal.aborted) return;
        frame.setMarking('exposure', e.marking);
        replace(exposureBox, exposureBody(e, form, byAddress.get(address)));
        announce(`Exposure of ${shortAddress(address)}: ${e.sets.length} seed sets`);
      } catch (err) {
        if (!run.signal.aborted)
          replace(
            exposureBox,
            failure(err, () => void select(address)),
          );
      } finally {
        ctx.signal.removeEventListener('abort', abort);
      }
    };
    const pick = (address: string) => void select(address);
    diagram = flowDiagram(layout, answer, pick);
    table = reachedTable(answer, drawn, pick);
    const shownNote =
      layout.hidden > 0
        ? h(
            'p',
            { class: 'note trace-hidden' },
            `The diagram shows the ${formatNumber(layout.drawn)} largest of ${formatNumber(answer.reached.length)} addresses reached, `,
            `with the addresses on their paths; ${formatNumber(layout.hidden)} more are in the table below.`,
          )
        : null;
    replace(
      results,
      summary,
      missing,
      datasetsNote,
      h(
        'div',
        { class: 'trace-layout' },
        h(
          'section',
          { class: 'trace-main', 'aria-labelledby': 'flow-title' },
          h('h2', { id: 'flow-title' }, 'Flow by hop'),
          h(
            'p',
            { class: 'muted small legend' },
            h(
              'span',
              { class: 'legend-item' },
              h('span', { class: 'key key-seed', 'aria-hidden': 'true' }),
              answer.direction === 'backward' ? 'target' : 'seed',
            ),
            h(
              'span',
              { class: 'legend-item' },
              h('span', { class: 'key key-stop', 'aria-hidden': 'true' }),
              'STOP: a service, not followed',
            ),
            'Hover a link for its transactions; the amount beside it is the tainted value.',
          ),
          h('div', { class: 'flow-scroll', tabindex: '-1' }, diagram),
          shownNote,
          layout.hiddenSeeds > 0
            ? h(
                'p',
                { class: 'muted small' },
                `${formatNumber(layout.hiddenSeeds)} of ${formatNumber(seeds)} ${
                  answer.direction === 'backward' ? 'targets' : 'seeds'
                } are not drawn: no drawn address was reached from them.`,
              )
            : null,
          marking,
          limit,
        ),
        h(
          'aside',
          { class: 'trace-side', 'aria-labelledby': 'exposure-title' },
          h('h2', { id: 'exposure-title' }, 'Exposure'),
          exposureBox,
        ),
      ),
      h('h2', null, 'Addresses reached'),
      table,
    );
  };

  /** Looks up a few holder entities, to say whether any is fictional. */
  const checkHolders = async (answer: TraceAnswer) => {
    const ids = [...new Set(answer.reached.flatMap((r) => r.entities.map((e) => e.id)))];
    if (ids.length === 0) return;
    const names = new Set<string>();
    for (const id of ids.slice(0, MAX_LOOKUPS)) {
      if (ctx.signal.aborted) return;
      try {
        const e = readEntity(await get(`/api/entities/${encodeURIComponent(id)}`, { signal: ctx.signal }));
        for (const d of e.datasets) names.add(d);
      } catch {
        // Unreadable now: counted as unchecked below only when the cap also left some out.
      }
    }
    if (ctx.signal.aborted) return;
    await frame.setDatasets('holders', names);
    if (ids.length > MAX_LOOKUPS) {
      const fictional = new Set((await visibleDatasets()).filter((d) => d.fictional).map((d) => d.name));
      const found = [...names].filter((n) => fictional.has(n));
      frame.setFictional('holders', [
        ...found,
        `possibly others (${ids.length - MAX_LOOKUPS} holders not checked)`,
      ]);
    }
  };

  const load = async (): Promise<void> => {
    replace(results, loading('Tracing...'));
    try {
      const answer = readTraceAnswer(await get(traceUrl(form), { signal: ctx.signal }));
      if (ctx.signal.aborted) return;
      show(answer);
    } catch (err) {
      if (ctx.signal.aborted) return;
      // The seeds are in no transfer the reader may see: nothing to draw, rather than something wrong.
      if (err instanceof ApiError && err.status === 404 && /^trace:/.test(err.detail)) {
        replace(
          results,
          empty(
            'No transfer you may see involves these addresses.',
            h(
              'p',
              { class: 'muted small' },
              'Check the asset, the chain and the datasets, and the spelling of the addresses.',
            ),
          ),
        );
        return;
      }
      replace(
        results,
        failure(err, () => void load()),
      );
    }
  };
  void load();
  return frame.root;
};
