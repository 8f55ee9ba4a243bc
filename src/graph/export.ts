// Graph export to GraphML and GEXF 1.3, for Gephi, yEd, Cytoscape, igraph and networkx.
//
// Both writers stream: text is gathered in a small buffer and handed to `write` in chunks, so a large graph never
// becomes one string. Every value is escaped for XML and stripped of characters XML 1.0 forbids (control
// characters, lone surrogates, U+FFFE/U+FFFF), which a caption copied from a scraped page can carry. The marking
// (the highest classification in the exported data) is written at the top of the file and as graph-level data, so
// the file carries its classification wherever it goes.

import { fromDays, type Graph } from './graph.js';
import type { NodeTable } from './nodes.js';

export interface ExportOptions {
  /** Extra node columns by name (e.g. pagerank, community), indexed by node. */
  nodeScores?: Record<string, Float64Array | Uint32Array>;
  title?: string;
  /** The highest classification in the exported data, e.g. 'OFFICIAL-SENSITIVE'. */
  marking?: string;
  /** Disclosure terms when the data holds handling-code C intelligence: recipient and conditions, stated once. */
  handling?: string;
}

/** Separator of list values (topics, countries) inside one attribute. */
export const LIST_SEPARATOR = ';';

const GRAPHML_NS = 'http://graphml.graphdrawing.org/xmlns';
const GEXF_NS = 'http://gexf.net/1.3';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const FLUSH_CHARS = 1 << 16;

// Anything outside XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const SPECIAL = /[&<>"'\t\n\r]/;
const SPECIAL_ALL = /[&<>"'\t\n\r]/g;
const ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // Escaped so attribute-value normalisation and line-end handling give them back unchanged.
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Drops characters XML 1.0 cannot carry (even escaped). */
export function xmlClean(s: string): string {
  ILLEGAL.lastIndex = 0;
  return ILLEGAL.test(s) ? s.replace(ILLEGAL, '') : s;
}

/** Text safe in both element content and a double- or single-quoted attribute value. */
export function xmlEscape(s: string): string {
  const clean = xmlClean(s);
  return SPECIAL.test(clean) ? clean.replace(SPECIAL_ALL, (c) => ENTITY[c] as string) : clean;
}

/** Text for an XML comment: no '--', no trailing '-'. */
function commentText(s: string): string {
  return xmlClean(s)
    .replace(/-(?=-)/g, '- ')
    .replace(/-$/, '- ');
}

/** A float32 weight in its shortest decimal form that reads back to the same float32. */
function formatWeight(w: number): string {
  if (Number.isInteger(w)) return String(w);
  if (!Number.isFinite(w)) return w > 0 ? 'INF' : w < 0 ? '-INF' : 'NaN';
  for (let p = 6; p < 9; p++) {
    const s = Number(w.toPrecision(p));
    if (Math.fround(s) === w) return String(s);
  }
  return String(w);
}

/** A score value, or undefined when missing or not finite (the attribute is then left out). */
function formatScore(values: Float64Array | Uint32Array, node: number): string | undefined {
  if (node >= values.length) return undefined;
  const v = values[node] as number;
  return Number.isFinite(v) ? String(v) : undefined;
}

/** Buffers text and passes it on in chunks of about 64k characters. */
class Out {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly write: (chunk: string) => void) {}

  add(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= FLUSH_CHARS) this.flush();
  }

  flush(): void {
    if (this.size === 0) return;
    this.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}

interface Column {
  name: string;
  values: Float64Array | Uint32Array;
  integer: boolean;
}

function scoreColumns(options: ExportOptions): Column[] {
  return Object.entries(options.nodeScores ?? {}).map(([name, values]) => ({
    name,
    values,
    integer: values instanceof Uint32Array,
  }));
}

/** 'directed', 'undirected' or 'mixed'. */
function direction(g: Graph): 'directed' | 'undirected' | 'mixed' {
  let directed = 0;
  for (let e = 0; e < g.m; e++) directed += g.a.directed[e] as number;
  return directed === 0 ? 'undirected' : directed === g.m ? 'directed' : 'mixed';
}

function header(options: ExportOptions): string {
  let s = '<?xml version="1.0" encoding="UTF-8"?>\n';
  if (options.marking) s += `<!-- Classification: ${commentText(options.marking)} -->\n`;
  if (options.handling) s += `<!-- Handling: ${commentText(options.handling)} -->\n`;
  return s;
}

function describe(options: ExportOptions): string {
  const parts = ['Exported from Nexus'];
  if (options.title) parts.push(options.title);
  if (options.marking) parts.push(`Classification: ${options.marking}`);
  if (options.handling) parts.push(`Handling: ${options.handling}`);
  return parts.join('. ');
}

/**
 * Writes the graph as GraphML. Node ids are the entity ids; node data: label, schema, topics, countries and one
 * column per score; edge data: kind, weight, date and evidence, with a `directed` attribute on every edge.
 * Graph data: title and marking. The graph's `edgedefault` is directed only when every edge is; readers that
 * take one direction per graph (networkx) refuse a file mixing both.
 */
export function writeGraphML(
  g: Graph,
  nodes: NodeTable,
  write: (chunk: string) => void,
  options: ExportOptions = {},
): void {
  const out = new Out(write);
  const columns = scoreColumns(options);
  const dir = direction(g);
  out.add(header(options));
  out.add(
    `<graphml xmlns="${GRAPHML_NS}" xmlns:xsi="${XSI_NS}" ` +
      `xsi:schemaLocation="${GRAPHML_NS} ${GRAPHML_NS}/1.0/graphml.xsd">\n`,
  );
  const key = (id: string, target: string, name: string, type: string) =>
    out.add(`  <key id="${id}" for="${target}" attr.name="${xmlEscape(name)}" attr.type="${type}"/>\n`);
  key('g_title', 'graph', 'title', 'string');
  key('g_marking', 'graph', 'marking', 'string');
  key('v_label', 'node', 'label', 'string');
  key('v_schema', 'node', 'schema', 'string');
  key('v_topics', 'node', 'topics', 'string');
  key('v_countries', 'node', 'countries', 'string');
  columns.forEach((c, i) => {
    key(`v_s${i}`, 'node', c.name, c.integer ? 'long' : 'double');
  });
  key('e_kind', 'edge', 'kind', 'string');
  key('e_weight', 'edge', 'weight', 'double');
  key('e_date', 'edge', 'date', 'string');
  key('e_evidence', 'edge', 'evidence', 'string');

  out.add(`  <graph id="G" edgedefault="${dir === 'directed' ? 'directed' : 'undirected'}">\n`);
  out.add(`    <desc>${xmlEscape(describe(options))}</desc>\n`);
  if (options.title) out.add(`    <data key="g_title">${xmlEscape(options.title)}</data>\n`);
  if (options.marking) out.add(`    <data key="g_marking">${xmlEscape(options.marking)}</data>\n`);

  for (let v = 0; v < g.n; v++) {
    let s = `    <node id="${xmlEscape(g.id(v))}">`;
    s += `<data key="v_label">${xmlEscape(nodes.captionOf(v))}</data>`;
    s += `<data key="v_schema">${xmlEscape(nodes.schemaOf(v))}</data>`;
    const topics = nodes.topicsOf(v);
    if (topics.length) s += `<data key="v_topics">${xmlEscape(topics.join(LIST_SEPARATOR))}</data>`;
    const countries = nodes.countriesOf(v);
    if (countries.length) s += `<data key="v_countries">${xmlEscape(countries.join(LIST_SEPARATOR))}</data>`;
    for (let i = 0; i < columns.length; i++) {
      const value = formatScore((columns[i] as Column).values, v);
      if (value !== undefined) s += `<data key="v_s${i}">${value}</data>`;
    }
    out.add(`${s}</node>\n`);
  }

  const { src, dst, weight, directed, time } = g.a;
  for (let e = 0; e < g.m; e++) {
    let s =
      `    <edge id="e${e}" source="${xmlEscape(g.id(src[e] as number))}" ` +
      `target="${xmlEscape(g.id(dst[e] as number))}" directed="${directed[e] ? 'true' : 'false'}">`;
    s += `<data key="e_kind">${xmlEscape(g.kindOf(e))}</data>`;
    s += `<data key="e_weight">${formatWeight(weight[e] as number)}</data>`;
    const date = fromDays(time[e] as number);
    if (date) s += `<data key="e_date">${date}</data>`;
    const evidence = g.evidenceOf(e);
    if (evidence !== undefined) s += `<data key="e_evidence">${xmlEscape(evidence)}</data>`;
    out.add(`${s}</edge>\n`);
  }
  out.add('  </graph>\n</graphml>\n');
  out.flush();
}

/**
 * Writes the graph as GEXF 1.3. Node ids are the entity ids and labels the captions; node attributes: schema,
 * topics, countries and one per score. Edges carry GEXF's own `kind`, `weight` and `type` (directed or
 * undirected; the graph's default is `mixed` when both occur) and attributes date and evidence. The marking is
 * in the meta description and keywords.
 */
export function writeGEXF(
  g: Graph,
  nodes: NodeTable,
  write: (chunk: string) => void,
  options: ExportOptions = {},
): void {
  const out = new Out(write);
  const columns = scoreColumns(options);
  const dir = direction(g);
  out.add(header(options));
  out.add(
    `<gexf xmlns="${GEXF_NS}" xmlns:xsi="${XSI_NS}" ` +
      `xsi:schemaLocation="${GEXF_NS} ${GEXF_NS}/gexf.xsd" version="1.3">\n`,
  );
  out.add(`  <meta lastmodifieddate="${new Date().toISOString().slice(0, 10)}">\n`);
  out.add('    <creator>Nexus</creator>\n');
  if (options.title) out.add(`    <title>${xmlEscape(options.title)}</title>\n`);
  if (options.marking)
    out.add(`    <keywords>${xmlEscape(`classification:${options.marking}`)}</keywords>\n`);
  out.add(`    <description>${xmlEscape(describe(options))}</description>\n`);
  out.add('  </meta>\n');
  out.add(`  <graph defaultedgetype="${dir}" mode="static">\n`);

  out.add('    <attributes class="node">\n');
  const attr = (id: string, title: string, type: string) =>
    out.add(`      <attribute id="${id}" title="${xmlEscape(title)}" type="${type}"/>\n`);
  attr('schema', 'schema', 'string');
  attr('topics', 'topics', 'string');
  attr('countries', 'countries', 'string');
  columns.forEach((c, i) => {
    attr(`s${i}`, c.name, c.integer ? 'long' : 'double');
  });
  out.add('    </attributes>\n');
  out.add('    <attributes class="edge">\n');
  attr('date', 'date', 'string');
  attr('evidence', 'evidence', 'string');
  out.add('    </attributes>\n');

  const value = (id: string, v: string) => `<attvalue for="${id}" value="${v}"/>`;
  out.add('    <nodes>\n');
  for (let v = 0; v < g.n; v++) {
    let s = `      <node id="${xmlEscape(g.id(v))}" label="${xmlEscape(nodes.captionOf(v))}"><attvalues>`;
    s += value('schema', xmlEscape(nodes.schemaOf(v)));
    const topics = nodes.topicsOf(v);
    if (topics.length) s += value('topics', xmlEscape(topics.join(LIST_SEPARATOR)));
    const countries = nodes.countriesOf(v);
    if (countries.length) s += value('countries', xmlEscape(countries.join(LIST_SEPARATOR)));
    for (let i = 0; i < columns.length; i++) {
      const score = formatScore((columns[i] as Column).values, v);
      if (score !== undefined) s += value(`s${i}`, score);
    }
    out.add(`${s}</attvalues></node>\n`);
  }
  out.add('    </nodes>\n    <edges>\n');

  const { src, dst, weight, directed, time } = g.a;
  for (let e = 0; e < g.m; e++) {
    const kind = xmlEscape(g.kindOf(e));
    let s =
      `      <edge id="e${e}" source="${xmlEscape(g.id(src[e] as number))}" ` +
      `target="${xmlEscape(g.id(dst[e] as number))}" type="${directed[e] ? 'directed' : 'undirected'}" ` +
      `kind="${kind}" label="${kind}" weight="${formatWeight(weight[e] as number)}">`;
    const date = fromDays(time[e] as number);
    const evidence = g.evidenceOf(e);
    if (date || evidence !== undefined) {
      s += '<attvalues>';
      if (date) s += value('date', date);
      if (evidence !== undefined) s += value('evidence', xmlEscape(evidence));
      s += '</attvalues>';
    }
    out.add(`${s}</edge>\n`);
  }
  out.add('    </edges>\n  </graph>\n</gexf>\n');
  out.flush();
}
