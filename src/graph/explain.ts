// Turns node and edge indices into what an analyst reads: each hop with its tie and the evidence behind it
// (the record that asserts it, its datasets, marking, grading and statement ids), loaded from the store with
// the caller's own access, so a path never shows more than the caller may see.
import type { AccessContext } from '../access/index.js';
import { type Entity, formatMarking, highestMarking, parseMarking } from '../model/index.js';
import type { Store } from '../store/index.js';
import { fromDays } from './graph.js';
import type { Projection } from './project.js';

export interface NodeView {
  id: string;
  caption: string;
  schema: string;
  marking: string;
}

export interface Evidence {
  /** The record that asserts the tie (an Ownership, a Sanction...), when it is one. */
  entity?: {
    id: string;
    schema: string;
    caption: string;
    datasets: string[];
    marking: string;
    grading: string[];
  };
  /** The statements behind the tie. */
  statements: string[];
  /** For ties made by a shared value: its type and the value. */
  shared?: { type: string; value: string };
}

export interface HopView {
  from: NodeView;
  to: NodeView;
  kind: string;
  /** forward: the edge runs from `from` to `to`; backward: the other way; undirected. */
  direction: 'forward' | 'backward' | 'undirected';
  weight: number;
  date?: string;
  evidence: Evidence;
}

export function nodeView(p: Projection, node: number): NodeView {
  return {
    id: p.graph.id(node),
    caption: p.nodes.captionOf(node),
    schema: p.nodes.schemaOf(node),
    marking: p.nodes.markingOf(node),
  };
}

/** Loads the evidence records for a set of edges in one go. */
export async function loadEvidence(
  store: Store,
  ctx: AccessContext,
  p: Projection,
  edges: Iterable<number>,
): Promise<Map<number, Evidence>> {
  const ids = new Set<string>();
  const list = [...edges];
  for (const e of list) {
    const ev = p.graph.evidenceOf(e);
    if (ev && !ev.startsWith('value:')) ids.add(ev);
  }
  const entities = await store.getEntities(ctx, [...ids]);
  const out = new Map<number, Evidence>();
  for (const e of list) out.set(e, evidenceFor(p, e, entities));
  return out;
}

function evidenceFor(p: Projection, e: number, entities: Map<string, Entity>): Evidence {
  const ref = p.graph.evidenceOf(e);
  if (!ref) return { statements: [] };
  if (ref.startsWith('value:')) {
    const rest = ref.slice('value:'.length);
    const type = rest.slice(0, rest.indexOf(':'));
    return { statements: [], shared: { type, value: rest.slice(type.length + 1) } };
  }
  const entity = entities.get(ref);
  if (!entity) return { statements: [] };
  return {
    entity: {
      id: entity.id,
      schema: entity.schema.name,
      caption: entity.caption,
      datasets: entity.datasets,
      marking: entity.marking,
      grading: [...new Set(entity.statements.flatMap((s) => (s.grading ? [s.grading] : [])))].sort(),
    },
    statements: entity.statements.map((s) => s.id),
  };
}

/** The hops of a path, each with its evidence. */
export async function describePath(
  store: Store,
  ctx: AccessContext,
  p: Projection,
  path: { nodes: number[]; edges: number[] },
  evidence?: Map<number, Evidence>,
): Promise<HopView[]> {
  const ev = evidence ?? (await loadEvidence(store, ctx, p, path.edges));
  return path.edges.map((e, i) => {
    const u = path.nodes[i] as number;
    const v = path.nodes[i + 1] as number;
    const g = p.graph;
    const direction = g.a.directed[e] ? (g.a.src[e] === u ? 'forward' : 'backward') : 'undirected';
    return {
      from: nodeView(p, u),
      to: nodeView(p, v),
      kind: g.kindOf(e),
      direction,
      weight: g.a.weight[e] as number,
      date: fromDays(g.a.time[e] as number),
      evidence: ev.get(e) ?? { statements: [] },
    };
  });
}

/** The highest marking among nodes and hops' evidence: what a path or answer built from them must carry. */
export function markingOf(hops: HopView[], nodes: NodeView[] = []): string {
  const markings = hops.flatMap((h) => [
    h.from.marking,
    h.to.marking,
    ...(h.evidence.entity ? [h.evidence.entity.marking] : []),
  ]);
  for (const n of nodes) markings.push(n.marking);
  return formatMarking(highestMarking(markings.map(parseMarking)));
}
