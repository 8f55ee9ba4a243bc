// Projects the store into a graph: resolved entities become nodes; relationship entities, references between
// entities and shared identifying values become edges. Only what the context may see goes in, and the
// projection carries the highest marking of what it holds.
import type { AccessContext } from '../access/index.js';
import {
  type Entity,
  formatMarking,
  getProperty,
  getSchema,
  highestMarking,
  parseMarking,
} from '../model/index.js';
import type { Store } from '../store/index.js';
import settings from './data/edges.json' with { type: 'json' };
import { type Graph, GraphBuilder } from './graph.js';
import { NodeTable } from './nodes.js';

export interface ProjectOptions {
  /** Only statements from these datasets; all when absent. */
  datasets?: readonly string[];
  /** A shared value held by more entities than this links none (default from data/edges.json). */
  sharedCap?: number;
  onProgress?: (p: { entities: number; edges: number }) => void;
}

/** A sanction as the exposure rules need it: who is listed, under which programmes, by which record. */
export interface SanctionFact {
  node: number;
  sanction: string;
  programs: string[];
}

export interface Projection {
  graph: Graph;
  nodes: NodeTable;
  sanctions: SanctionFact[];
  /** Highest marking of any statement inside: what anything derived from this graph must carry. */
  marking: string;
  /** True when any statement inside has handling code C: exporting it needs conditions and a recipient. */
  conditional: boolean;
  version: string;
  datasets: string[];
  stats: {
    entities: number;
    relationships: number;
    /** Edges dropped because an end is not visible to the context or not in the store. */
    danglingEdges: number;
    /** Shared values held by more than the cap, which link nothing. */
    sharedValuesOverCap: number;
  };
}

// Records about another entity repeat its identifiers (a sanction cites the listed firm's registration number):
// they link to it by reference, never by a shared value.
const RECORD_SCHEMATA = ['Sanction', 'Identification'].map((name) => getSchema(name));

const WEIGHT = /\bweight\s*[=:]\s*(-?[0-9]+(?:\.[0-9]+)?)/i;
const SHARED_TYPES = new Set(settings.sharedTypes);

const DIRECTED = /(^|;)\s*directed\s*(;|$)/i;

/** True when a relationship of an undirected schema says in its summary that it has a direction. */
export function statedDirected(entity: Entity): boolean {
  return (entity.properties.get('summary') ?? []).some((s) => DIRECTED.test(s));
}

/** The tie strength a relationship states (the `weight=N` convention in its summary), or 1. */
export function statedWeight(entity: Entity): number {
  for (const s of entity.properties.get('summary') ?? []) {
    const m = WEIGHT.exec(s);
    if (m) return Number(m[1]);
  }
  return 1;
}

const EDGE_LIKE = new Map(Object.entries(settings.edgeLike));

/** The two properties an entity joins, when it is a relationship (an FtM edge, or a Call). */
function edgeEnds(entity: Entity): { source: string; target: string; directed: boolean } | undefined {
  const schema = entity.schema;
  if (schema.isEdge && schema.edge)
    return {
      source: schema.edge.source,
      target: schema.edge.target,
      directed: schema.edge.directed !== false || statedDirected(entity),
    };
  const like = EDGE_LIKE.get(schema.name);
  return like ? { source: like[0] as string, target: like[1] as string, directed: true } : undefined;
}

function edgeDate(entity: Entity): string | undefined {
  const props = entity.properties;
  const dates = [...(props.get('startDate') ?? []), ...(props.get('date') ?? [])].sort();
  return dates[0];
}

const SHARED_PROPS = new Set(settings.sharedProps);

function sharedKey(prop: string, type: string, value: string): string | undefined {
  if (type === 'email') return `email:${value.toLowerCase()}`;
  if (type === 'iban') return `iban:${value.replace(/\s/g, '').toUpperCase()}`;
  if (SHARED_TYPES.has(type)) return `${type}:${value}`;
  if (!SHARED_PROPS.has(prop)) return undefined;
  if (type === 'url') return `url:${value}`;
  const v = value.replace(/[\s.\-/]/g, '').toUpperCase();
  if (v.length < settings.minIdentifier || !/\d/.test(v)) return undefined;
  return `identifier:${v}`;
}

export async function project(
  store: Store,
  ctx: AccessContext,
  options: ProjectOptions = {},
): Promise<Projection> {
  const version = await store.version(ctx);
  const clusters = await store.clusterMap(ctx);
  const canon = (id: string) => clusters.get(id) ?? id;
  const b = new GraphBuilder();
  const nodes = new NodeTable();
  const seen: number[] = [];
  const shared = new Map<string, Set<number>>();
  const sanctions: SanctionFact[] = [];
  const markings = new Set<string>();
  const datasets = new Set<string>();
  let conditional = false;
  let entities = 0;
  let relationships = 0;

  for await (const batch of store.scanEntities(ctx, { datasets: options.datasets, batch: 2000 })) {
    for (const entity of batch) {
      entities++;
      markings.add(entity.marking);
      if (!conditional && entity.conditional) conditional = true;
      for (const d of entity.datasets) datasets.add(d);
      const schema = entity.schema;
      const props = entity.properties;
      const ends = edgeEnds(entity);
      if (ends) {
        relationships++;
        const sources = props.get(ends.source) ?? [];
        const targets = props.get(ends.target) ?? [];
        const input = {
          kind: schema.name,
          weight: statedWeight(entity),
          directed: ends.directed,
          date: edgeDate(entity),
          evidence: entity.id,
        };
        for (const s of sources)
          for (const t of targets)
            if (canon(s) !== canon(t)) b.edge(b.node(canon(s)), b.node(canon(t)), input);
        continue;
      }
      const node = b.node(canon(entity.id));
      seen.push(node);
      addInfo(nodes, node, entity);
      const linksByValue = !RECORD_SCHEMATA.some((r) => schema.isA(r));
      for (const [name, values] of props) {
        const prop = getProperty(schema, name);
        if (!prop) continue;
        const type = prop.type.name;
        if (type === 'entity') {
          for (const v of values)
            if (canon(v) !== canon(entity.id))
              b.edge(node, b.node(canon(v)), { kind: prop.qname, directed: true, evidence: entity.id });
          continue;
        }
        if (!linksByValue) continue;
        for (const v of values) {
          const key = sharedKey(name, type, v);
          if (!key) continue;
          let holders = shared.get(key);
          if (!holders) {
            holders = new Set();
            shared.set(key, holders);
          }
          holders.add(node);
        }
      }
      if (schema.name === 'Sanction') {
        const programs = ['program', 'programId', 'authority'].flatMap((p) => props.get(p) ?? []);
        for (const target of props.get('entity') ?? [])
          sanctions.push({ node: b.node(canon(target)), sanction: entity.id, programs });
      }
    }
    options.onProgress?.({ entities, edges: b.edgeCount });
  }

  const cap = options.sharedCap ?? settings.sharedCap;
  let sharedValuesOverCap = 0;
  for (const [key, holders] of shared) {
    if (holders.size < 2) continue;
    if (holders.size > cap) {
      sharedValuesOverCap++;
      continue;
    }
    const list = [...holders].sort((x, y) => x - y);
    const kind = `shared:${key.slice(0, key.indexOf(':'))}`;
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++)
        b.edge(list[i] as number, list[j] as number, { kind, directed: false, evidence: `value:${key}` });
  }

  // Edges to entities the context cannot see, or that are not in the store, are dropped with those nodes: a
  // node made of nothing but an id would show that a hidden entity exists.
  const keep = new Uint8Array(b.nodeCount);
  for (const u of seen) keep[u] = 1;
  const renumber = new Int32Array(b.nodeCount);
  const edgesBefore = b.edgeCount;
  const graph = b.build(keep, renumber);
  const table = new NodeTable();
  for (let u = 0; u < renumber.length; u++) {
    const v = renumber[u] as number;
    if (v < 0) continue;
    table.set(v, {
      caption: nodes.captionOf(u),
      schema: nodes.schemaOf(u),
      topics: nodes.topicsOf(u),
      countries: nodes.countriesOf(u),
      datasets: nodes.datasets.get(u),
      marking: nodes.markingOf(u),
    });
  }
  return {
    graph,
    nodes: table,
    sanctions: sanctions.map((s) => ({ ...s, node: renumber[s.node] as number })).filter((s) => s.node >= 0),
    marking: formatMarking(highestMarking([...markings].map(parseMarking))),
    conditional,
    version,
    datasets: [...datasets].sort(),
    stats: { entities, relationships, danglingEdges: edgesBefore - graph.m, sharedValuesOverCap },
  };
}

function addInfo(nodes: NodeTable, node: number, entity: Entity): void {
  const topics = new Set(nodes.topicsOf(node));
  const countries = new Set(nodes.countriesOf(node));
  const datasets = new Set(nodes.datasets.get(node) ?? []);
  for (const [name, values] of entity.properties) {
    const type = getProperty(entity.schema, name)?.type.name;
    if (type === 'topic') for (const v of values) topics.add(v);
    else if (type === 'country') for (const v of values) countries.add(v);
  }
  for (const d of entity.datasets) datasets.add(d);
  const marking = formatMarking(highestMarking([nodes.markingOf(node), entity.marking].map(parseMarking)));
  // A cluster's records arrive one by one: the first caption stands, the rest add topics and countries.
  nodes.set(node, {
    caption: nodes.caption[node] ?? entity.caption,
    schema: nodes.schema[node] ?? entity.schema.name,
    topics: [...topics].sort(),
    countries: [...countries].sort(),
    datasets: [...datasets].sort(),
    marking,
  });
}
