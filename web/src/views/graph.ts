// The graph explorer: start from an entity, expand nodes (double-click, or the buttons in the lists), find a path
// between two selected nodes, colour by community or by exposure to a hostile state, read the evidence of any tie,
// and export what is on screen as PNG or GraphML. The lists below the picture offer all of it by keyboard.
import { get, url } from '../api.js';
import { formatNumber, h, humanise, replace } from '../dom.js';
import {
  COMMUNITY_COLOURS,
  communities,
  createGraph,
  type EdgeAttrs,
  exposureColour,
  mergeExpansion,
  mergePath,
  nodeKey,
  schemaColour,
  sizeFor,
  toGraphML,
} from '../graph/model.js';
import { highestMarking } from '../marking.js';
import { href } from '../router.js';
import { visibleDatasets } from '../session.js';
import {
  type ExpandAnswer,
  type ExposureAnswer,
  type PathsAnswer,
  readEntity,
  readSearch,
} from '../types.js';
import { announce, datasetChips, empty, Frame, failure, loading, markingBadge, showMarking } from '../ui.js';
import { layoutAfter } from './graph-layout.js';
import { createRenderer, type Renderer, type ViewState } from './graph-render.js';
import type { View } from './view.js';

const STATES: Record<string, string> = { ru: 'Russia', cn: 'China', kp: 'North Korea', ir: 'Iran' };
/** Per expansion; the server's own cap is higher, but a picture of more is unreadable. */
const MAX_NODES = 150;
/** Entities looked up for their datasets (to know what is fictional); beyond this the banner says "may". */
const MAX_LOOKUPS = 300;

type ColourMode = 'schema' | 'community' | `exposure:${string}`;

/** Sorts the node list: the same order as localeCompare, without building a collator for every comparison. */
const collator = new Intl.Collator();

/** A colour key; the colour is set through the CSSOM, which the Content-Security-Policy allows. */
function swatch(colour: string): HTMLElement {
  const el = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  el.style.backgroundColor = colour;
  return el;
}

function download(blob: Blob, name: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function startPicker(frame: Frame, signal: AbortSignal): void {
  const input = h('input', {
    id: 'graph-start',
    type: 'search',
    placeholder: 'A name or identifier',
    autocomplete: 'off',
  });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'search-form', role: 'search' },
    h('label', { for: 'graph-start' }, 'Start from an entity'),
    h(
      'div',
      { class: 'search-row' },
      input,
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Find'),
    ),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    replace(out, loading('Searching...'));
    try {
      const answer = readSearch(
        await get(url('/api/search', { q: input.value.trim(), limit: 10 }), { signal }),
      );
      frame.setMarking('picker', answer.marking);
      if (answer.hits.length === 0) {
        replace(out, empty('Nothing found.'));
        return;
      }
      replace(
        out,
        h(
          'ul',
          { class: 'pick-list' },
          answer.hits.map((hit) =>
            h(
              'li',
              null,
              h('a', { href: href(['graph'], { id: hit.id }) }, hit.caption),
              h('span', { class: 'schema' }, humanise(hit.schema)),
            ),
          ),
        ),
      );
    } catch (err) {
      replace(out, failure(err));
    }
  });
  replace(
    frame.body,
    form,
    out,
    empty('Pick an entity to start from, or use "Open in graph" on an entity page.'),
  );
  window.setTimeout(() => input.focus(), 0);
}

export const graphView: View = (ctx) => {
  const frame = new Frame('Graph explorer');
  const start = ctx.params.get('id');
  if (!start) {
    startPicker(frame, ctx.signal);
    return frame.root;
  }

  const graph = createGraph();
  // Selection and the path hold graph keys (nodeKey(id)); the API is asked with entity ids.
  const state: ViewState = { selected: [], pathNodes: new Set(), pathEdges: new Set() };
  const idOf = (key: string) => graph.getNodeAttribute(key, 'id');
  let renderer: Renderer | undefined;
  let mode: ColourMode = 'schema';
  let exposure: ExposureAnswer | undefined;
  const fictionalNames = new Set<string>();
  const looked = new Set<string>();
  // Nodes (graph keys) whose datasets are known. Kept outside the graph: sigma redraws the whole picture for any
  // change of a node attribute, and at thousands of nodes a frame is costly.
  const datasetsKnown = new Set<string>();
  let lookupsLeft = MAX_LOOKUPS;
  const markings = new Map<string, string>();

  const canvas = h('div', {
    class: 'graph-canvas',
    id: 'graph-canvas',
    role: 'img',
    'aria-label': 'Graph picture',
  });
  const status = h('p', { class: 'graph-status muted', role: 'status' });
  const legend = h('div', { class: 'legend', 'aria-label': 'Legend' });
  const selectedBox = h('div', { class: 'panel', id: 'selected-panel' });
  const pathBox = h('div', { class: 'panel', id: 'path-panel', 'aria-live': 'polite' });
  const evidenceBox = h('div', { class: 'panel', id: 'evidence-panel', 'aria-live': 'polite' });
  const nodeList = h('div', { class: 'node-list' });
  const edgeList = h('div', { class: 'edge-list' });

  const colourSelect = h(
    'select',
    { id: 'graph-colour' },
    h('option', { value: 'schema' }, 'Type'),
    h('option', { value: 'community' }, 'Community (Louvain)'),
    Object.entries(STATES).map(([code, name]) =>
      h('option', { value: `exposure:${code}` }, `Exposure to ${name}`),
    ),
  );
  const pathButton = h(
    'button',
    { type: 'button', class: 'btn', id: 'find-path', disabled: true },
    'Find path',
  );
  const clearButton = h(
    'button',
    { type: 'button', class: 'btn', id: 'clear-path', disabled: true },
    'Clear path',
  );
  const expandButton = h(
    'button',
    { type: 'button', class: 'btn', id: 'expand-selected', disabled: true },
    'Expand selected',
  );
  const pngButton = h('button', { type: 'button', class: 'btn', id: 'export-png' }, 'Export PNG');
  const graphmlButton = h('button', { type: 'button', class: 'btn', id: 'export-graphml' }, 'Export GraphML');
  const fitButton = h('button', { type: 'button', class: 'btn' }, 'Fit');

  const toolbar = h(
    'div',
    { class: 'toolbar', role: 'toolbar', 'aria-label': 'Graph tools' },
    h('label', { for: 'graph-colour' }, 'Colour by'),
    colourSelect,
    expandButton,
    pathButton,
    clearButton,
    fitButton,
    pngButton,
    graphmlButton,
  );

  replace(
    frame.body,
    h(
      'p',
      { class: 'muted small' },
      'Click a node to select it (two for a path), double-click to expand it, click a tie to read its evidence. ',
      'Node size follows the number of ties in view.',
    ),
    toolbar,
    h(
      'div',
      { class: 'graph-layout' },
      h('div', { class: 'graph-main' }, canvas, legend, status),
      h(
        'aside',
        { class: 'graph-side', 'aria-label': 'Selection, path and evidence' },
        h('h2', null, 'Selected'),
        selectedBox,
        h('h2', null, 'Path'),
        pathBox,
        h('h2', null, 'Evidence'),
        evidenceBox,
      ),
    ),
    h('details', { class: 'graph-lists', open: true }, h('summary', null, 'Nodes in view'), nodeList),
    h('details', { class: 'graph-lists' }, h('summary', null, 'Ties in view'), edgeList),
  );
  replace(pathBox, h('p', { class: 'muted' }, 'Select two nodes, then Find path.'));
  replace(evidenceBox, h('p', { class: 'muted' }, 'Click a tie, or use Evidence in the list of ties.'));

  const viewMarking = () =>
    highestMarking([...markings.values(), ...graph.mapNodes((_id, a) => a.marking)]) ?? 'OFFICIAL';

  const updateMarking = () => {
    frame.setMarking('graph', highestMarking(graph.mapNodes((_id, a) => a.marking)));
    for (const [k, m] of markings) frame.setMarking(k, m);
  };

  const updateFictional = () => {
    const unknown = graph.filterNodes((key) => !datasetsKnown.has(key)).length;
    const names = [...fictionalNames].sort();
    if (unknown > 0 && lookupsLeft <= 0) names.push(`possibly others (${unknown} nodes not checked)`);
    frame.setFictional('graph', names);
  };

  /** Looks up the datasets of nodes not yet known, a few at a time, to say which are fictional. */
  const lookupDatasets = async () => {
    const fictional = new Set((await visibleDatasets()).filter((d) => d.fictional).map((d) => d.name));
    const todo = graph.filterNodes((key) => !looked.has(key));
    const worker = async () => {
      while (todo.length && lookupsLeft > 0 && !ctx.signal.aborted) {
        const key = todo.shift() as string;
        looked.add(key);
        lookupsLeft--;
        try {
          const e = readEntity(
            await get(`/api/entities/${encodeURIComponent(idOf(key))}`, { signal: ctx.signal }),
          );
          if (!graph.hasNode(key)) continue;
          datasetsKnown.add(key);
          for (const d of e.datasets) if (fictional.has(d)) fictionalNames.add(d);
        } catch {
          // A node that cannot be read now is left unchecked; the banner counts it as unknown.
          looked.delete(key);
        }
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    if (!ctx.signal.aborted) updateFictional();
  };

  const recolour = () => {
    const legendItems: (HTMLElement | string)[] = [];
    if (mode === 'schema') {
      const schemata = new Set<string>();
      // Only changed values are written: each write is an event that sigma answers by restyling that node.
      graph.forEachNode((id, a) => {
        schemata.add(a.schema);
        const color = schemaColour(a.schema);
        if (a.color !== color) graph.setNodeAttribute(id, 'color', color);
      });
      for (const s of [...schemata].sort())
        legendItems.push(h('span', { class: 'legend-item' }, swatch(schemaColour(s)), humanise(s)));
    } else if (mode === 'community') {
      const found = communities(graph);
      graph.forEachNode((id, a) => {
        const c = found.of.get(id) ?? 0;
        const color = COMMUNITY_COLOURS[c % COMMUNITY_COLOURS.length] as string;
        if (a.community !== c || a.color !== color) graph.mergeNodeAttributes(id, { community: c, color });
      });
      legendItems.push(
        `${found.count} communities in view (Louvain, modularity ${found.modularity.toFixed(3)}); colours repeat after ${COMMUNITY_COLOURS.length}.`,
      );
    } else if (exposure) {
      const scores = new Map(exposure.entities.map((e) => [e.id, e]));
      let exposed = 0;
      graph.forEachNode((id, a) => {
        const e = scores.get(a.id);
        if (e && e.score > 0) exposed++;
        const [score, seed, color] = [e?.score ?? 0, e?.seed ?? false, exposureColour(e?.score)];
        if (a.exposure !== score || a.seed !== seed || a.color !== color)
          graph.mergeNodeAttributes(id, { exposure: score, seed, color });
      });
      legendItems.push(
        h('span', { class: 'legend-item' }, swatch(exposureColour(0)), 'none'),
        h('span', { class: 'legend-item' }, swatch(exposureColour(0.5)), 'some'),
        h('span', { class: 'legend-item' }, swatch(exposureColour(1)), 'high'),
        `Exposure to ${STATES[exposure.state] ?? exposure.state}: ${exposed} of ${graph.order} nodes in view; ${exposure.seeds} seeds in the store.`,
      );
    }
    replace(legend, legendItems);
  };

  const renderLists = () => {
    const nodes = graph.mapNodes((key, a) => ({ key, ...a, degree: graph.degree(key) }));
    nodes.sort((x, y) => y.degree - x.degree || collator.compare(x.caption, y.caption));
    replace(
      nodeList,
      nodes.length === 0
        ? empty('No node in view.')
        : h(
            'table',
            { class: 'table compact' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', { scope: 'col' }, 'Node'),
                h('th', { scope: 'col' }, 'Type'),
                h('th', { scope: 'col', class: 'num' }, 'Ties'),
                mode.startsWith('exposure') ? h('th', { scope: 'col', class: 'num' }, 'Exposure') : null,
                mode === 'community' ? h('th', { scope: 'col', class: 'num' }, 'Community') : null,
                h('th', { scope: 'col' }, 'Marking'),
                h('th', { scope: 'col' }, 'Actions'),
              ),
            ),
            h(
              'tbody',
              null,
              nodes.slice(0, 500).map((n) =>
                h(
                  'tr',
                  { 'data-node': n.id, class: state.selected.includes(n.key) ? 'is-selected' : '' },
                  h('th', { scope: 'row' }, h('a', { href: href(['entity', n.id]) }, n.caption)),
                  h('td', null, humanise(n.schema)),
                  h('td', { class: 'num' }, n.degree),
                  mode.startsWith('exposure')
                    ? h('td', { class: 'num' }, (n.exposure ?? 0).toFixed(2))
                    : null,
                  mode === 'community' ? h('td', { class: 'num' }, n.community ?? '') : null,
                  h('td', null, markingBadge(n.marking)),
                  h(
                    'td',
                    { class: 'row-actions' },
                    h(
                      'button',
                      {
                        type: 'button',
                        class: 'btn btn-small select-node',
                        'aria-pressed': state.selected.includes(n.key) ? 'true' : 'false',
                        on: { click: () => toggleSelect(n.key) },
                      },
                      state.selected.includes(n.key) ? 'Selected' : 'Select',
                    ),
                    h(
                      'button',
                      {
                        type: 'button',
                        class: 'btn btn-small expand-node',
                        disabled: n.expanded === true,
                        on: { click: () => void expand(n.id) },
                      },
                      n.expanded ? 'Expanded' : 'Expand',
                    ),
                  ),
                ),
              ),
            ),
          ),
    );
    // Only the ties listed are gathered (the first 1,000), not all of them.
    const edges: { key: string; a: EdgeAttrs; source: string; target: string }[] = [];
    graph.someEdge((key, a, source, target) => {
      edges.push({ key, a, source, target });
      return edges.length >= 1000;
    });
    replace(
      edgeList,
      edges.length === 0
        ? empty('No tie in view.')
        : h(
            'table',
            { class: 'table compact' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', { scope: 'col' }, 'From'),
                h('th', { scope: 'col' }, 'Tie'),
                h('th', { scope: 'col' }, 'To'),
                h('th', { scope: 'col' }, 'Evidence'),
              ),
            ),
            h(
              'tbody',
              null,
              edges.map((e) =>
                h(
                  'tr',
                  { class: state.pathEdges.has(e.key) ? 'on-path' : '' },
                  h('td', null, graph.getNodeAttribute(e.source, 'caption')),
                  h('td', null, humanise(e.a.kind), e.a.directed ? ' \u2192' : ' \u2014'),
                  h('td', null, graph.getNodeAttribute(e.target, 'caption')),
                  h(
                    'td',
                    null,
                    h(
                      'button',
                      {
                        type: 'button',
                        class: 'btn btn-small',
                        on: { click: () => void showEvidence(e.key) },
                      },
                      'Evidence',
                    ),
                  ),
                ),
              ),
            ),
          ),
    );
    (nodeList.parentElement?.querySelector('summary') as HTMLElement).textContent =
      `Nodes in view (${graph.order})`;
    (edgeList.parentElement?.querySelector('summary') as HTMLElement).textContent =
      `Ties in view (${graph.size})`;
  };

  const renderSelected = () => {
    pathButton.disabled = state.selected.length !== 2;
    expandButton.disabled = state.selected.length === 0;
    replace(
      selectedBox,
      state.selected.length === 0
        ? h('p', { class: 'muted' }, 'Nothing selected.')
        : h(
            'ul',
            { class: 'selected-list' },
            state.selected.map((key) => {
              const a = graph.getNodeAttributes(key);
              return h(
                'li',
                null,
                h('a', { href: href(['entity', a.id]) }, a.caption),
                h('span', { class: 'schema' }, humanise(a.schema)),
                markingBadge(a.marking),
              );
            }),
          ),
    );
  };

  /** Sizes follow degrees; only the nodes whose degree changed are written (each write restyles a node in sigma). */
  const resize = () => {
    graph.forEachNode((key, a) => {
      const size = sizeFor(graph.degree(key));
      if (a.size !== size) graph.setNodeAttribute(key, 'size', size);
    });
  };

  /**
   * Brings everything in line with the graph: layout (when nodes came in: `added`, graph keys, expanded from
   * `anchor`), sizes, colours, the emphasis in the picture, the lists. Sigma follows changes to the graph by its
   * own events; it is not asked to reprocess the whole view.
   */
  const redraw = (added: readonly string[] = [], anchor?: string) => {
    resize();
    layoutAfter(graph, added, anchor);
    recolour();
    renderer?.update();
    renderLists();
    renderSelected();
    updateMarking();
    replace(status, `${formatNumber(graph.order)} nodes, ${formatNumber(graph.size)} ties in view.`);
  };

  function toggleSelect(key: string): void {
    if (!graph.hasNode(key)) return;
    const i = state.selected.indexOf(key);
    if (i >= 0) state.selected.splice(i, 1);
    else {
      state.selected.push(key);
      if (state.selected.length > 2) state.selected.shift();
    }
    renderer?.update();
    renderSelected();
    renderLists();
    announce(`${state.selected.length} selected`);
  }

  /** Expands an entity (by id) by one step. */
  async function expand(id: string): Promise<void> {
    const key = nodeKey(id);
    replace(
      status,
      loading(`Expanding ${graph.hasNode(key) ? graph.getNodeAttribute(key, 'caption') : id}...`),
    );
    try {
      const answer = await get<ExpandAnswer>(url('/graph/expand', { id, depth: 1, max_nodes: MAX_NODES }), {
        signal: ctx.signal,
      });
      const anchor = graph.hasNode(key) ? key : undefined;
      const added = mergeExpansion(graph, answer, anchor ? id : undefined);
      if (graph.hasNode(key)) graph.setNodeAttribute(key, 'expanded', true);
      markings.set(`expand:${id}`, answer.marking);
      redraw(added.map(nodeKey), anchor);
      const capped = answer.limit ? ` (capped by ${answer.limit.cap}: ${answer.limit.value})` : '';
      announce(`${added.length} nodes added${capped}`);
      if (capped)
        replace(status, `${formatNumber(graph.order)} nodes in view; the expansion was capped${capped}.`);
      void lookupDatasets();
    } catch (err) {
      replace(
        status,
        failure(err, () => void expand(id)),
      );
    }
  }

  async function findPath(): Promise<void> {
    const [fromKey, toKey] = state.selected;
    if (!fromKey || !toKey) return;
    const [from, to] = [idOf(fromKey), idOf(toKey)];
    replace(pathBox, loading('Looking for the shortest path...'));
    try {
      const answer = await get<PathsAnswer>(url('/graph/paths', { from, to, k: 1, max_hops: 6 }), {
        signal: ctx.signal,
      });
      markings.set('path', answer.marking);
      const best = answer.paths[0];
      if (!best) {
        state.pathNodes.clear();
        state.pathEdges.clear();
        replace(pathBox, empty('No path within 6 hops that you may see.'));
        redraw();
        return;
      }
      const fresh = [
        ...new Set(best.hops.flatMap((hop) => [nodeKey(hop.from.id), nodeKey(hop.to.id)])),
      ].filter((k) => !graph.hasNode(k));
      const keys = mergePath(graph, best.hops);
      state.pathEdges = new Set(keys);
      state.pathNodes = new Set(best.hops.flatMap((hop) => [nodeKey(hop.from.id), nodeKey(hop.to.id)]));
      clearButton.disabled = false;
      redraw(fresh.filter((k) => graph.hasNode(k)));
      const fictional = new Set((await visibleDatasets()).filter((d) => d.fictional).map((d) => d.name));
      const evidenceDatasets = best.hops.flatMap((hop) => hop.evidence.entity?.datasets ?? []);
      for (const d of evidenceDatasets) if (fictional.has(d)) fictionalNames.add(d);
      updateFictional();
      replace(
        pathBox,
        h('p', null, `${best.hops.length} hops, cost ${best.cost.toFixed(2)}`),
        h(
          'ol',
          { class: 'hops' },
          best.hops.map((hop, i) =>
            h(
              'li',
              { class: 'hop' },
              h('strong', null, hop.from.caption),
              ` ${hop.direction === 'backward' ? '\u2190' : hop.direction === 'forward' ? '\u2192' : '\u2014'} `,
              humanise(hop.kind),
              hop.date ? ` (${hop.date})` : '',
              ` ${hop.direction === 'backward' ? '\u2190' : hop.direction === 'forward' ? '\u2192' : '\u2014'} `,
              h('strong', null, hop.to.caption),
              ' ',
              h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-small',
                  on: { click: () => void showEvidence(keys[i] ?? '') },
                },
                'Evidence',
              ),
            ),
          ),
        ),
      );
      announce(`Path found: ${best.hops.length} hops`);
      void lookupDatasets();
    } catch (err) {
      replace(
        pathBox,
        failure(err, () => void findPath()),
      );
    }
  }

  function clearPath(): void {
    state.pathNodes.clear();
    state.pathEdges.clear();
    markings.delete('path');
    clearButton.disabled = true;
    replace(pathBox, h('p', { class: 'muted' }, 'Select two nodes, then Find path.'));
    redraw();
  }

  async function showEvidence(key: string): Promise<void> {
    if (!graph.hasEdge(key)) return;
    state.focusEdge = key;
    renderer?.update();
    const a: EdgeAttrs = graph.getEdgeAttributes(key);
    const [source, target] = graph.extremities(key);
    const head = h(
      'p',
      { class: 'tie' },
      h('strong', null, graph.getNodeAttribute(source, 'caption')),
      ` ${a.directed ? '\u2192' : '\u2014'} ${humanise(a.kind)} ${a.directed ? '\u2192' : '\u2014'} `,
      h('strong', null, graph.getNodeAttribute(target, 'caption')),
      a.date ? ` (${a.date})` : '',
    );
    const shared =
      a.hop?.evidence.shared ?? (a.evidence?.startsWith('value:') ? parseShared(a.evidence) : undefined);
    if (shared) {
      replace(
        evidenceBox,
        head,
        h(
          'p',
          null,
          'Both hold the same ',
          h('strong', null, humanise(shared.type)),
          ': ',
          h('code', null, shared.value),
        ),
      );
      frame.setMarking('evidence', undefined);
      return;
    }
    const id = a.hop?.evidence.entity?.id ?? a.evidence;
    if (!id) {
      replace(evidenceBox, head, h('p', { class: 'muted' }, 'The tie has no recorded evidence.'));
      return;
    }
    replace(evidenceBox, head, loading('Loading the evidence...'));
    try {
      const e = readEntity(await get(`/api/entities/${encodeURIComponent(id)}`, { signal: ctx.signal }));
      const fictional = new Set((await visibleDatasets()).filter((d) => d.fictional).map((d) => d.name));
      frame.setMarking('evidence', e.marking);
      for (const d of e.datasets) if (fictional.has(d)) fictionalNames.add(d);
      updateFictional();
      const rows = [...e.properties]
        .filter(([p]) => p !== 'notes')
        .slice(0, 12)
        .map(([p, values]) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, humanise(p)),
            h(
              'td',
              null,
              values.map((v) =>
                h(
                  'div',
                  null,
                  v.entity
                    ? h('a', { href: href(['entity', v.entity.id]) }, v.entity.caption ?? v.value)
                    : graph.hasNode(nodeKey(v.value))
                      ? h(
                          'a',
                          { href: href(['entity', v.value]) },
                          graph.getNodeAttribute(nodeKey(v.value), 'caption'),
                        )
                      : v.value,
                  v.dataset ? h('span', { class: 'muted small' }, ` ${v.dataset}`) : null,
                  v.grading ? h('span', { class: 'muted small' }, ` ${v.grading}`) : null,
                ),
              ),
            ),
          ),
        );
      replace(
        evidenceBox,
        head,
        h(
          'div',
          { class: 'evidence-entity' },
          h('a', { href: href(['entity', e.id]) }, e.caption),
          h('span', { class: 'schema' }, humanise(e.schema)),
          markingBadge(e.marking),
          datasetChips(e.datasets, fictional),
        ),
        a.hop?.evidence.statements?.length
          ? h(
              'p',
              { class: 'muted small' },
              `${a.hop.evidence.statements.length} statements behind this tie.`,
            )
          : null,
        h('table', { class: 'table compact' }, h('tbody', null, rows)),
      );
    } catch (err) {
      replace(
        evidenceBox,
        head,
        failure(err, () => void showEvidence(key)),
      );
    }
  }

  async function setMode(next: ColourMode): Promise<void> {
    mode = next;
    if (mode.startsWith('exposure:')) {
      const code = mode.slice('exposure:'.length);
      replace(legend, loading(`Scoring exposure to ${STATES[code] ?? code}...`));
      try {
        exposure = await get<ExposureAnswer>(url('/graph/exposure', { state: code, limit: 1000 }), {
          signal: ctx.signal,
        });
        markings.set('exposure', exposure.marking);
      } catch (err) {
        replace(
          legend,
          failure(err, () => void setMode(next)),
        );
        return;
      }
    } else markings.delete('exposure');
    redraw();
  }

  colourSelect.addEventListener('change', () => void setMode(colourSelect.value as ColourMode));
  pathButton.addEventListener('click', () => void findPath());
  clearButton.addEventListener('click', clearPath);
  expandButton.addEventListener('click', () => {
    for (const key of state.selected) void expand(idOf(key));
  });
  fitButton.addEventListener('click', () => renderer?.fit());
  pngButton.addEventListener('click', async () => {
    if (!renderer) {
      replace(status, 'There is no picture to export in this browser.');
      return;
    }
    try {
      download(await renderer.png(showMarking(viewMarking()), fictionalNames.size > 0), 'nexus-graph.png');
      announce('PNG exported');
    } catch (err) {
      replace(status, failure(err));
    }
  });
  graphmlButton.addEventListener('click', () => {
    const text = toGraphML(graph, showMarking(viewMarking()), [...fictionalNames].sort());
    download(new Blob([text], { type: 'application/graphml+xml' }), 'nexus-graph.graphml');
    announce('GraphML exported');
  });

  const init = async () => {
    replace(status, loading('Loading the neighbourhood...'));
    try {
      const answer = await get<ExpandAnswer>(
        url('/graph/expand', { id: start, depth: 1, max_nodes: MAX_NODES }),
        {
          signal: ctx.signal,
        },
      );
      if (ctx.signal.aborted) return;
      mergeExpansion(graph, answer);
      markings.set('start', answer.marking);
      // Sigma needs WebGL2; without it the lists below still offer everything but the picture.
      try {
        renderer = createRenderer(canvas, graph, state, {
          clickNode: toggleSelect,
          doubleClickNode: (key) => {
            if (!state.selected.includes(key)) toggleSelect(key);
            void expand(idOf(key));
          },
          clickEdge: (key) => void showEvidence(key),
        });
        ctx.onLeave(() => renderer?.kill());
      } catch (err) {
        replace(
          canvas,
          failure(
            new Error(
              `This browser cannot draw the graph (${err instanceof Error ? err.message : String(err)}); the lists below still work.`,
            ),
          ),
        );
      }
      if (graph.hasNode(nodeKey(start))) state.selected.push(nodeKey(start));
      redraw(graph.nodes(), nodeKey(start));
      renderer?.fit();
      void lookupDatasets();
      if (graph.order === 0) replace(status, empty('Nothing to show around this entity.'));
    } catch (err) {
      if (!ctx.signal.aborted)
        replace(
          status,
          failure(err, () => void init()),
        );
    }
  };
  void init();
  return frame.root;
};

function parseShared(ref: string): { type: string; value: string } {
  const rest = ref.slice('value:'.length);
  const i = rest.indexOf(':');
  return i < 0 ? { type: 'value', value: rest } : { type: rest.slice(0, i), value: rest.slice(i + 1) };
}
