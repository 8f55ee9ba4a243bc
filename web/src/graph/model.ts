// The explorer's graph: what /graph/expand and /graph/paths answer, merged into one graphology graph with the
// attributes sigma draws (position, size by degree, colour by schema, community or exposure). No DOM here.
import Graph from 'graphology';
import louvain from 'graphology-communities-louvain';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import type { ExpandAnswer, GraphEdge, GraphNode, Hop } from '../types.js';

export interface NodeAttrs {
  /** The entity id; the graph's own key is nodeKey(id). */
  id: string;
  label: string;
  caption: string;
  schema: string;
  marking: string;
  x: number;
  y: number;
  size: number;
  color: string;
  community?: number;
  exposure?: number;
  seed?: boolean;
  /** Datasets the node's entity comes from, once looked up. */
  datasets?: string[];
  expanded?: boolean;
}

export interface EdgeAttrs {
  kind: string;
  directed: boolean;
  weight: number;
  /** An entity id, `value:TYPE:VALUE`, or null (from /graph/expand). */
  evidence: string | null;
  /** The full evidence of a path hop, when the edge came from /graph/paths. */
  hop?: Hop;
  date?: string;
  size: number;
  color: string;
  label?: string;
}

export type ExplorerGraph = Graph<NodeAttrs, EdgeAttrs>;

/**
 * Graph keys are entity ids with a prefix: graphology keeps neighbours in plain objects, so an id such as
 * `constructor` or `toString` (valid entity ids) would collide with Object.prototype there.
 */
export function nodeKey(id: string): string {
  return `n:${id}`;
}

export function createGraph(): ExplorerGraph {
  return new Graph<NodeAttrs, EdgeAttrs>({ multi: true, type: 'mixed', allowSelfLoops: true });
}

/** Edges are keyed by what they are, so the same tie found twice (by two expansions, or a path) is one edge. */
export function edgeKey(source: string, target: string, kind: string, evidence: string | null): string {
  return JSON.stringify([source, target, kind, evidence ?? '']);
}

export function evidenceRef(hop: Hop): string | null {
  if (hop.evidence.entity) return hop.evidence.entity.id;
  if (hop.evidence.shared) return `value:${hop.evidence.shared.type}:${hop.evidence.shared.value}`;
  return null;
}

const SCHEMA_COLOURS: Record<string, string> = {
  Person: '#1f5fa8',
  Company: '#1b7f4b',
  Organization: '#5b8c2a',
  LegalEntity: '#3d6e4f',
  PublicBody: '#52707f',
  Vehicle: '#8a5a00',
  Vessel: '#8a5a00',
  Airplane: '#8a5a00',
  BankAccount: '#7a3f9c',
  CryptoWallet: '#a0337a',
  Address: '#6b6b6b',
  Sanction: '#b3261e',
};
export const DEFAULT_NODE_COLOUR = '#5f6b7a';

export function schemaColour(schema: string): string {
  return SCHEMA_COLOURS[schema] ?? DEFAULT_NODE_COLOUR;
}

/** Twelve colours that stay apart for most colour-blind readers (after Paul Tol's "muted" and "bright" sets). */
export const COMMUNITY_COLOURS = [
  '#332288',
  '#117733',
  '#44aa99',
  '#88ccee',
  '#ddcc77',
  '#cc6677',
  '#aa4499',
  '#882255',
  '#4477aa',
  '#ee6677',
  '#228833',
  '#ccbb44',
];

/** Exposure from 0 (grey) to 1 (deep red). */
export function exposureColour(score: number | undefined): string {
  if (score === undefined || score <= 0) return '#c4c8cf';
  const s = Math.min(1, score);
  const from = [0xf4, 0xb8, 0x9a];
  const to = [0x8b, 0x0a, 0x0a];
  const c = from.map((f, i) => Math.round(f + ((to[i] as number) - f) * s));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

export function sizeFor(degree: number): number {
  return Math.min(32, 5 + 3.5 * Math.sqrt(degree));
}

/** Deterministic jitter so the same expansion lays out the same way. */
function jitter(seed: string): number {
  let x = 2166136261;
  for (let i = 0; i < seed.length; i++) x = Math.imul(x ^ seed.charCodeAt(i), 16777619);
  return ((x >>> 0) % 1000) / 1000;
}

function placeNear(g: ExplorerGraph, id: string, anchor: string | undefined): { x: number; y: number } {
  const a = anchor && g.hasNode(nodeKey(anchor)) ? g.getNodeAttributes(nodeKey(anchor)) : { x: 0, y: 0 };
  const angle = jitter(id) * 2 * Math.PI;
  const r = 1 + jitter(`${id}#r`);
  return { x: a.x + r * Math.cos(angle), y: a.y + r * Math.sin(angle) };
}

/** Adds an entity (placed near `anchor`, an entity id); false when it was there already. */
export function addNode(g: ExplorerGraph, n: GraphNode, anchor?: string): boolean {
  const key = nodeKey(n.id);
  if (g.hasNode(key)) {
    g.mergeNodeAttributes(key, {
      caption: n.caption,
      label: n.caption,
      schema: n.schema,
      marking: n.marking,
    });
    return false;
  }
  g.addNode(key, {
    id: n.id,
    label: n.caption,
    caption: n.caption,
    schema: n.schema,
    marking: n.marking,
    ...placeNear(g, n.id, anchor),
    size: 6,
    color: schemaColour(n.schema),
  });
  return true;
}

export function addEdge(g: ExplorerGraph, e: GraphEdge & { hop?: Hop; date?: string }): string | undefined {
  const [source, target] = [nodeKey(e.source), nodeKey(e.target)];
  if (!g.hasNode(source) || !g.hasNode(target)) return undefined;
  const key = edgeKey(e.source, e.target, e.kind, e.evidence);
  if (g.hasEdge(key)) {
    if (e.hop) g.mergeEdgeAttributes(key, { hop: e.hop, date: e.date });
    return key;
  }
  const attrs: EdgeAttrs = {
    kind: e.kind,
    directed: e.directed,
    weight: e.weight,
    evidence: e.evidence,
    hop: e.hop,
    date: e.date,
    size: 1.5,
    color: '#9aa3ad',
    label: e.kind,
  };
  if (e.directed) g.addDirectedEdgeWithKey(key, source, target, attrs);
  else g.addUndirectedEdgeWithKey(key, source, target, attrs);
  return key;
}

/** Merges an expansion; returns the ids of the nodes it added. */
export function mergeExpansion(g: ExplorerGraph, answer: ExpandAnswer, around?: string): string[] {
  const added: string[] = [];
  const anchor = around ?? answer.nodes.find((n) => n.depth === 0)?.id;
  for (const n of answer.nodes) if (addNode(g, n, anchor)) added.push(n.id);
  for (const e of answer.edges) addEdge(g, e);
  for (const n of answer.nodes)
    if (n.depth === 0 && g.hasNode(nodeKey(n.id))) g.setNodeAttribute(nodeKey(n.id), 'expanded', true);
  return added;
}

/** Adds the nodes and edges of a path; returns the keys of its edges, in order. */
export function mergePath(g: ExplorerGraph, hops: Hop[]): string[] {
  const keys: string[] = [];
  for (const hop of hops) {
    addNode(g, hop.from, hop.from.id);
    addNode(g, hop.to, hop.from.id);
    // The graph API gives hops in travel order; the tie itself runs the way `direction` says.
    const [source, target] =
      hop.direction === 'backward' ? [hop.to.id, hop.from.id] : [hop.from.id, hop.to.id];
    const key = addEdge(g, {
      source,
      target,
      kind: hop.kind,
      directed: hop.direction !== 'undirected',
      weight: hop.weight ?? 1,
      evidence: evidenceRef(hop),
      hop,
      date: hop.date,
    });
    if (key) keys.push(key);
  }
  return keys;
}

/** Louvain on the view, as an undirected simple graph whose edge weights add up parallel ties; keyed by graph key. */
export function communities(g: ExplorerGraph): {
  count: number;
  modularity: number;
  of: Map<string, number>;
} {
  const simple = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  g.forEachNode((id) => simple.addNode(id));
  g.forEachEdge((_key, attrs, source, target) => {
    if (source === target) return;
    const w = Number.isFinite(attrs.weight) && attrs.weight > 0 ? attrs.weight : 1;
    if (simple.hasEdge(source, target))
      simple.updateEdgeAttribute(source, target, 'weight', (x) => (x as number) + w);
    else simple.addEdge(source, target, { weight: w });
  });
  if (simple.size === 0)
    return { count: simple.order, modularity: 0, of: new Map(g.mapNodes((id, _a) => [id, 0])) };
  // A fixed random source keeps the colours from jumping between two clicks on the same view.
  let seed = 42;
  const rng = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const result = louvain.detailed(simple, { getEdgeWeight: 'weight', rng });
  return {
    count: result.count,
    modularity: result.modularity,
    of: new Map(Object.entries(result.communities)),
  };
}

/** Runs ForceAtlas2 for a moment; few iterations when only a few nodes moved in. */
export function layout(g: ExplorerGraph, iterations = 150): void {
  if (g.order < 2) return;
  const settings = forceAtlas2.inferSettings(g);
  forceAtlas2.assign(g, {
    iterations,
    settings: { ...settings, barnesHutOptimize: g.order > 400, adjustSizes: false },
    getEdgeWeight: null,
  });
}

// XML 1.0 allows tab, LF, CR and the ranges below; anything else in a value would make the file unreadable.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the allowed control characters are named on purpose
const XML_INVALID = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd]/gu;

export function xmlEscape(text: string): string {
  return text
    .replace(XML_INVALID, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** The current view as GraphML (what is on screen, not the whole store), marked with its highest marking. */
export function toGraphML(g: ExplorerGraph, marking: string, fictional: string[]): string {
  const lines: string[] = [];
  const note = `Marking: ${marking}.${fictional.length ? ` Contains FICTIONAL data from ${fictional.join(', ')}.` : ''}`;
  lines.push('<?xml version="1.0" encoding="UTF-8"?>');
  lines.push(`<!-- ${xmlEscape(note).replace(/--/g, '- -')} -->`);
  lines.push('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">');
  const keys: [string, string, string, string][] = [
    ['d_marking', 'graph', 'marking', 'string'],
    ['d_fictional', 'graph', 'fictional', 'string'],
    ['n_label', 'node', 'label', 'string'],
    ['n_schema', 'node', 'schema', 'string'],
    ['n_marking', 'node', 'marking', 'string'],
    ['n_community', 'node', 'community', 'int'],
    ['n_exposure', 'node', 'exposure', 'double'],
    ['e_kind', 'edge', 'kind', 'string'],
    ['e_weight', 'edge', 'weight', 'double'],
    ['e_evidence', 'edge', 'evidence', 'string'],
    ['e_date', 'edge', 'date', 'string'],
  ];
  for (const [id, forWhat, name, type] of keys)
    lines.push(`  <key id="${id}" for="${forWhat}" attr.name="${name}" attr.type="${type}"/>`);
  lines.push('  <graph id="nexus-view" edgedefault="undirected">');
  lines.push(`    <data key="d_marking">${xmlEscape(marking)}</data>`);
  lines.push(`    <data key="d_fictional">${xmlEscape(fictional.join(' '))}</data>`);
  g.forEachNode((_key, a) => {
    const data = [
      `<data key="n_label">${xmlEscape(a.caption)}</data>`,
      `<data key="n_schema">${xmlEscape(a.schema)}</data>`,
      `<data key="n_marking">${xmlEscape(a.marking)}</data>`,
      a.community !== undefined ? `<data key="n_community">${a.community}</data>` : '',
      a.exposure !== undefined ? `<data key="n_exposure">${a.exposure}</data>` : '',
    ].join('');
    lines.push(`    <node id="${xmlEscape(a.id)}">${data}</node>`);
  });
  let i = 0;
  g.forEachEdge((_key, a, _source, _target, sa, ta) => {
    const [source, target] = [sa.id, ta.id];
    const data = [
      `<data key="e_kind">${xmlEscape(a.kind)}</data>`,
      `<data key="e_weight">${Number.isFinite(a.weight) ? a.weight : 1}</data>`,
      a.evidence ? `<data key="e_evidence">${xmlEscape(a.evidence)}</data>` : '',
      a.date ? `<data key="e_date">${xmlEscape(a.date)}</data>` : '',
    ].join('');
    lines.push(
      `    <edge id="e${i++}" source="${xmlEscape(source)}" target="${xmlEscape(target)}" directed="${a.directed}">${data}</edge>`,
    );
  });
  lines.push('  </graph>');
  lines.push('</graphml>');
  return `${lines.join('\n')}\n`;
}
