import { SaxesParser, type SaxesTagNS } from 'saxes';
import { describe, expect, it } from 'vitest';
import { writeGEXF, writeGraphML, xmlEscape } from './export.js';
import { GraphBuilder } from './graph.js';
import { NodeTable } from './nodes.js';

interface El {
  name: string;
  uri: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

/** Parses XML with saxes (namespaces on) into a small tree; throws on any well-formedness error. */
function parse(xml: string): { root: El; comments: string[] } {
  const parser = new SaxesParser({ xmlns: true });
  const stack: El[] = [];
  const comments: string[] = [];
  let root: El | undefined;
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const attrs: Record<string, string> = {};
    for (const [name, a] of Object.entries(tag.attributes)) attrs[name] = a.value;
    const el: El = { name: tag.local, uri: tag.uri, attrs, children: [], text: '' };
    const parent = stack.at(-1);
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('text', (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('comment', (c) => comments.push(c));
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return { root, comments };
}

const all = (el: El, name: string): El[] => [
  ...el.children.filter((c) => c.name === name),
  ...el.children.flatMap((c) => all(c, name)),
];
const one = (el: El, name: string): El => {
  const found = all(el, name)[0];
  if (!found) throw new Error(`no <${name}>`);
  return found;
};

const AWKWARD = `A <b> & "c" 'd'`;
const CYRILLIC = 'Иван Петров 王伟 محمد';
const CONTROL = 'bad\u0000na\u0007me\u001f\uFFFE\uD800!';

function sample() {
  const b = new GraphBuilder();
  const ids = ['p1', 'p&2', 'c"3', 'o<4>'];
  for (const id of ids) b.node(id);
  b.edge(0, 1, { kind: 'associate', weight: 2.5, directed: false, date: '2021-03-04', evidence: 'rel-1' });
  b.edge(0, 2, { kind: 'ownership', weight: 0.1, directed: true, evidence: 'own<&>1' });
  b.edge(2, 3, { kind: 'directorship', directed: true, date: '1999' });
  const g = b.build();
  const nodes = new NodeTable();
  nodes.set(0, { caption: AWKWARD, schema: 'Person', topics: ['sanction', 'role.pep'], countries: ['ru'] });
  nodes.set(1, { caption: CYRILLIC, schema: 'Person' });
  nodes.set(2, { caption: CONTROL, schema: 'Company', countries: ['cy', 'ru'] });
  nodes.set(3, { caption: 'tab\there\nnewline\rcr', schema: 'Organization' });
  const nodeScores = {
    pagerank: new Float64Array([0.4, 0.3, 0.2, 0.1]),
    community: new Uint32Array([0, 0, 1, 1]),
  };
  return { g, nodes, nodeScores };
}

function exportTo(fn: typeof writeGraphML, marking = 'SECRET <UK EYES ONLY>') {
  const { g, nodes, nodeScores } = sample();
  const chunks: string[] = [];
  fn(g, nodes, (c) => chunks.push(c), { nodeScores, title: 'Case "X" & co', marking });
  return chunks.join('');
}

describe('xmlEscape', () => {
  it('escapes markup and strips characters XML 1.0 forbids', () => {
    expect(xmlEscape(AWKWARD)).toBe('A &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;');
    expect(xmlEscape(CONTROL)).toBe('badname!');
    expect(xmlEscape(CYRILLIC)).toBe(CYRILLIC);
    expect(xmlEscape('😀')).toBe('😀');
  });
});

describe('writeGraphML', () => {
  const xml = exportTo(writeGraphML);
  const { root, comments } = parse(xml);
  const graph = one(root, 'graph');
  const keys = new Map(all(root, 'key').map((k) => [k.attrs.id, k.attrs['attr.name']]));
  const data = (el: El) =>
    Object.fromEntries(
      el.children.filter((c) => c.name === 'data').map((d) => [keys.get(d.attrs.key ?? ''), d.text]),
    );

  it('is GraphML with one node and edge element per node and edge', () => {
    expect(root.name).toBe('graphml');
    expect(root.uri).toBe('http://graphml.graphdrawing.org/xmlns');
    expect(all(graph, 'node')).toHaveLength(4);
    expect(all(graph, 'edge')).toHaveLength(3);
    expect(graph.attrs.edgedefault).toBe('undirected');
  });

  it('carries the marking at the top and as graph data', () => {
    expect(comments[0]).toContain('SECRET <UK EYES ONLY>');
    expect(xml.indexOf('SECRET')).toBeLessThan(xml.indexOf('<graphml'));
    expect(data(graph)).toMatchObject({ marking: 'SECRET <UK EYES ONLY>', title: 'Case "X" & co' });
    expect(one(graph, 'desc').text).toContain('Classification: SECRET <UK EYES ONLY>');
  });

  it('round-trips node ids and attributes through escaping', () => {
    const nodes = all(graph, 'node');
    expect(nodes.map((n) => n.attrs.id)).toEqual(['p1', 'p&2', 'c"3', 'o<4>']);
    expect(data(nodes[0] as El)).toEqual({
      label: AWKWARD,
      schema: 'Person',
      topics: 'sanction;role.pep',
      countries: 'ru',
      pagerank: '0.4',
      community: '0',
    });
    expect(data(nodes[1] as El).label).toBe(CYRILLIC);
    expect(data(nodes[2] as El)).toMatchObject({ label: 'badname!', countries: 'cy;ru', community: '1' });
    expect(data(nodes[3] as El).label).toBe('tab\there\nnewline\rcr');
    expect(keys.get('v_s0')).toBe('pagerank');
    expect(all(root, 'key').find((k) => k.attrs.id === 'v_s1')?.attrs['attr.type']).toBe('long');
  });

  it('writes kind, weight, direction, date and evidence per edge', () => {
    const edges = all(graph, 'edge');
    expect(edges.map((e) => [e.attrs.source, e.attrs.target, e.attrs.directed])).toEqual([
      ['p1', 'p&2', 'false'],
      ['p1', 'c"3', 'true'],
      ['c"3', 'o<4>', 'true'],
    ]);
    expect(data(edges[0] as El)).toEqual({
      kind: 'associate',
      weight: '2.5',
      date: '2021-03-04',
      evidence: 'rel-1',
    });
    expect(data(edges[1] as El)).toEqual({ kind: 'ownership', weight: '0.1', evidence: 'own<&>1' });
    expect(data(edges[2] as El)).toEqual({ kind: 'directorship', weight: '1', date: '1999-01-01' });
  });
});

describe('writeGEXF', () => {
  const xml = exportTo(writeGEXF);
  const { root, comments } = parse(xml);
  const graph = one(root, 'graph');
  const titles = new Map(all(graph, 'attribute').map((a) => [a.attrs.id, a.attrs.title]));
  const values = (el: El) =>
    Object.fromEntries(all(el, 'attvalue').map((v) => [titles.get(v.attrs.for ?? ''), v.attrs.value]));

  it('is well-formed GEXF 1.3 with mixed edge types', () => {
    expect(root.name).toBe('gexf');
    expect(root.uri).toBe('http://gexf.net/1.3');
    expect(root.attrs.version).toBe('1.3');
    expect(graph.attrs.defaultedgetype).toBe('mixed');
    expect(all(graph, 'node')).toHaveLength(4);
    expect(all(graph, 'edge')).toHaveLength(3);
  });

  it('carries the marking in the meta data', () => {
    expect(comments[0]).toContain('SECRET <UK EYES ONLY>');
    const meta = one(root, 'meta');
    expect(one(meta, 'description').text).toContain('Classification: SECRET <UK EYES ONLY>');
    expect(one(meta, 'keywords').text).toBe('classification:SECRET <UK EYES ONLY>');
    expect(one(meta, 'title').text).toBe('Case "X" & co');
  });

  it('round-trips node ids, labels and attributes', () => {
    const nodes = all(graph, 'node');
    expect(nodes.map((n) => [n.attrs.id, n.attrs.label])).toEqual([
      ['p1', AWKWARD],
      ['p&2', CYRILLIC],
      ['c"3', 'badname!'],
      ['o<4>', 'tab\there\nnewline\rcr'],
    ]);
    expect(values(nodes[0] as El)).toEqual({
      schema: 'Person',
      topics: 'sanction;role.pep',
      countries: 'ru',
      pagerank: '0.4',
      community: '0',
    });
    expect(values(nodes[2] as El)).toMatchObject({ schema: 'Company', countries: 'cy;ru', pagerank: '0.2' });
  });

  it('writes kind, weight, type, date and evidence per edge', () => {
    const edges = all(graph, 'edge');
    expect(
      edges.map((e) => [e.attrs.source, e.attrs.target, e.attrs.type, e.attrs.kind, e.attrs.weight]),
    ).toEqual([
      ['p1', 'p&2', 'undirected', 'associate', '2.5'],
      ['p1', 'c"3', 'directed', 'ownership', '0.1'],
      ['c"3', 'o<4>', 'directed', 'directorship', '1'],
    ]);
    expect(values(edges[0] as El)).toEqual({ date: '2021-03-04', evidence: 'rel-1' });
    expect(values(edges[1] as El)).toEqual({ evidence: 'own<&>1' });
    expect(values(edges[2] as El)).toEqual({ date: '1999-01-01' });
  });

  it('uses a single default edge type when all edges agree, and no marking when none is given', () => {
    const b = new GraphBuilder();
    b.edge(b.node('a'), b.node('b'), { kind: 'link', directed: true });
    const chunks: string[] = [];
    writeGEXF(b.build(), new NodeTable(), (c) => chunks.push(c));
    const parsed = parse(chunks.join(''));
    expect(one(parsed.root, 'graph').attrs.defaultedgetype).toBe('directed');
    expect(parsed.comments).toEqual([]);
    expect(all(parsed.root, 'keywords')).toEqual([]);
  });
});

describe('streaming', () => {
  it('writes a large graph in bounded chunks', () => {
    const b = new GraphBuilder();
    for (let i = 0; i < 10_000; i++)
      b.edge(b.node(`n${i}`), b.node(`n${(i * 7919) % 10_000}`), { kind: 'link' });
    const g = b.build();
    for (const fn of [writeGraphML, writeGEXF]) {
      const chunks: string[] = [];
      fn(g, new NodeTable(), (c) => chunks.push(c), { marking: 'OFFICIAL' });
      expect(chunks.length).toBeGreaterThan(5);
      expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(70_000);
      const { root } = parse(chunks.join(''));
      expect(all(root, 'node')).toHaveLength(10_000);
      expect(all(root, 'edge')).toHaveLength(10_000);
    }
  });
});
