// The in-memory graph: nodes 0..n-1, edges in typed arrays, compressed adjacency (CSR) both ways.
//
// An edge is directed (an Ownership from owner to asset) or undirected (an Associate). Algorithms walk arcs:
// `out` holds every directed edge from a node and every undirected edge touching it, `in` the reverse, so an
// undirected edge is two arcs. Per edge the graph keeps source, target, weight, kind, direction, a date and an
// evidence reference (the entity that asserts it, whose statements are loaded when the edge is shown).

export const NO_TIME = 0x7fffffff;

/** Compressed adjacency: the arcs of node u are positions offsets[u] .. offsets[u+1]-1. */
export interface Adjacency {
  offsets: Uint32Array;
  /** The node at the other end of each arc. */
  nodes: Uint32Array;
  /** The edge each arc belongs to. */
  edges: Uint32Array;
}

export interface GraphArrays {
  /** Node ids (resolved entity ids), by node index. */
  ids: string[];
  src: Uint32Array;
  dst: Uint32Array;
  weight: Float32Array;
  /** Index into `kinds`. */
  kind: Uint16Array;
  /** 1 when the edge has a direction. */
  directed: Uint8Array;
  /** Days since 1970-01-01 of the edge's date (or start date), NO_TIME when it has none. */
  time: Int32Array;
  /** Index into `evidence`, -1 when none. */
  evidenceRef: Int32Array;
  kinds: string[];
  evidence: string[];
}

export class Graph {
  readonly n: number;
  readonly m: number;
  readonly out: Adjacency;
  readonly in: Adjacency;
  private readonly index: Map<string, number>;

  constructor(readonly a: GraphArrays) {
    this.n = a.ids.length;
    this.m = a.src.length;
    this.out = buildAdjacency(this.n, a, false);
    this.in = buildAdjacency(this.n, a, true);
    this.index = new Map(a.ids.map((id, i) => [id, i]));
  }

  /** The node index of an entity id, or undefined. */
  node(id: string): number | undefined {
    return this.index.get(id);
  }

  id(node: number): string {
    return this.a.ids[node] as string;
  }

  kindOf(edge: number): string {
    return this.a.kinds[this.a.kind[edge] as number] as string;
  }

  evidenceOf(edge: number): string | undefined {
    const ref = this.a.evidenceRef[edge] as number;
    return ref < 0 ? undefined : this.a.evidence[ref];
  }

  /** True when the graph has no directed edge, so in- and out-arcs are the same. */
  get undirected(): boolean {
    return this.a.directed.every((d) => d === 0);
  }

  /** Bytes held by the typed arrays (ids and evidence strings not counted). */
  get arrayBytes(): number {
    const arrays = [this.a.src, this.a.dst, this.a.weight, this.a.kind, this.a.directed, this.a.time];
    const adj = [this.out, this.in].flatMap((x) => [x.offsets, x.nodes, x.edges]);
    return [...arrays, this.a.evidenceRef, ...adj].reduce((s, x) => s + x.byteLength, 0);
  }
}

function buildAdjacency(n: number, a: GraphArrays, reverse: boolean): Adjacency {
  const m = a.src.length;
  const offsets = new Uint32Array(n + 1);
  let arcs = 0;
  for (let e = 0; e < m; e++) {
    const from = (reverse ? a.dst[e] : a.src[e]) as number;
    offsets[from + 1] = (offsets[from + 1] as number) + 1;
    arcs++;
    if (a.directed[e] === 0 && a.src[e] !== a.dst[e]) {
      const to = (reverse ? a.src[e] : a.dst[e]) as number;
      offsets[to + 1] = (offsets[to + 1] as number) + 1;
      arcs++;
    }
  }
  for (let u = 0; u < n; u++) offsets[u + 1] = (offsets[u + 1] as number) + (offsets[u] as number);
  const fill = offsets.slice(0, n);
  const nodes = new Uint32Array(arcs);
  const edges = new Uint32Array(arcs);
  const put = (from: number, to: number, e: number) => {
    const at = fill[from] as number;
    nodes[at] = to;
    edges[at] = e;
    fill[from] = at + 1;
  };
  for (let e = 0; e < m; e++) {
    const s = a.src[e] as number;
    const d = a.dst[e] as number;
    if (reverse) put(d, s, e);
    else put(s, d, e);
    if (a.directed[e] === 0 && s !== d) {
      if (reverse) put(s, d, e);
      else put(d, s, e);
    }
  }
  return { offsets, nodes, edges };
}

export interface EdgeInput {
  kind: string;
  weight?: number;
  directed?: boolean;
  /** ISO date (or prefix) of the edge, when it has one. */
  date?: string;
  /** Id of the entity whose statements assert the edge. */
  evidence?: string;
}

/** Collects nodes and edges in growable typed arrays, then freezes them into a Graph. */
export class GraphBuilder {
  private readonly ids: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly kinds: string[] = [];
  private readonly kindIndex = new Map<string, number>();
  private readonly evidence: string[] = [];
  private readonly evidenceIndex = new Map<string, number>();
  private m = 0;
  private cap = 1024;
  private src = new Uint32Array(this.cap);
  private dst = new Uint32Array(this.cap);
  private weight = new Float32Array(this.cap);
  private kind = new Uint16Array(this.cap);
  private directed = new Uint8Array(this.cap);
  private time = new Int32Array(this.cap);
  private evidenceRef = new Int32Array(this.cap);

  get nodeCount(): number {
    return this.ids.length;
  }

  get edgeCount(): number {
    return this.m;
  }

  /** The index of a node, added when new. */
  node(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.index.set(id, i);
    }
    return i;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  edge(from: number, to: number, input: EdgeInput): void {
    if (this.m === this.cap) this.grow();
    const e = this.m++;
    this.src[e] = from;
    this.dst[e] = to;
    this.weight[e] = input.weight ?? 1;
    this.kind[e] = this.intern(this.kinds, this.kindIndex, input.kind);
    this.directed[e] = input.directed === false ? 0 : 1;
    this.time[e] = input.date ? toDays(input.date) : NO_TIME;
    this.evidenceRef[e] = input.evidence
      ? this.intern(this.evidence, this.evidenceIndex, input.evidence)
      : -1;
  }

  /**
   * Freezes the graph. With `keep`, nodes whose flag is 0 are dropped with every edge touching them, and the
   * rest renumbered in order; `renumber` (old index -> new index or -1) is then filled in when given.
   */
  build(keep?: Uint8Array, renumber?: Int32Array): Graph {
    if (!keep)
      return this.freeze(
        this.ids,
        (e) => e < this.m,
        (u) => u,
      );
    const next = renumber ?? new Int32Array(this.ids.length);
    const ids: string[] = [];
    for (let u = 0; u < this.ids.length; u++) {
      if (keep[u]) {
        next[u] = ids.length;
        ids.push(this.ids[u] as string);
      } else next[u] = -1;
    }
    return this.freeze(
      ids,
      (e) => (next[this.src[e] as number] as number) >= 0 && (next[this.dst[e] as number] as number) >= 0,
      (u) => next[u] as number,
    );
  }

  private freeze(ids: string[], kept: (e: number) => boolean, map: (u: number) => number): Graph {
    let m = 0;
    for (let e = 0; e < this.m; e++) if (kept(e)) m++;
    const a = {
      ids,
      src: new Uint32Array(m),
      dst: new Uint32Array(m),
      weight: new Float32Array(m),
      kind: new Uint16Array(m),
      directed: new Uint8Array(m),
      time: new Int32Array(m),
      evidenceRef: new Int32Array(m),
      kinds: this.kinds,
      evidence: this.evidence,
    };
    let k = 0;
    for (let e = 0; e < this.m; e++) {
      if (!kept(e)) continue;
      a.src[k] = map(this.src[e] as number);
      a.dst[k] = map(this.dst[e] as number);
      a.weight[k] = this.weight[e] as number;
      a.kind[k] = this.kind[e] as number;
      a.directed[k] = this.directed[e] as number;
      a.time[k] = this.time[e] as number;
      a.evidenceRef[k] = this.evidenceRef[e] as number;
      k++;
    }
    return new Graph(a);
  }

  private intern(list: string[], index: Map<string, number>, value: string): number {
    let i = index.get(value);
    if (i === undefined) {
      i = list.length;
      list.push(value);
      index.set(value, i);
    }
    return i;
  }

  private grow(): void {
    this.cap *= 2;
    const grow = <T extends { length: number; set(a: ArrayLike<number>): void }>(
      old: T,
      make: (n: number) => T,
    ): T => {
      const next = make(this.cap);
      next.set(old as unknown as ArrayLike<number>);
      return next;
    };
    this.src = grow(this.src, (n) => new Uint32Array(n));
    this.dst = grow(this.dst, (n) => new Uint32Array(n));
    this.weight = grow(this.weight, (n) => new Float32Array(n));
    this.kind = grow(this.kind, (n) => new Uint16Array(n));
    this.directed = grow(this.directed, (n) => new Uint8Array(n));
    this.time = grow(this.time, (n) => new Int32Array(n));
    this.evidenceRef = grow(this.evidenceRef, (n) => new Int32Array(n));
  }
}

/** Days since 1970-01-01 of an ISO date or prefix (a bare year counts from 1 January). */
export function toDays(date: string): number {
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(date);
  if (!m) return NO_TIME;
  const ms = Date.UTC(Number(m[1]), m[2] ? Number(m[2]) - 1 : 0, m[3] ? Number(m[3]) : 1);
  return Number.isFinite(ms) ? Math.floor(ms / 86_400_000) : NO_TIME;
}

export function fromDays(days: number): string | undefined {
  return days === NO_TIME ? undefined : new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** A graph from plain edge triples, for research networks, tests and benchmarks. */
export function graphFromEdges(
  edges: Iterable<[string, string, number?]>,
  options: { directed?: boolean; kind?: string } = {},
): Graph {
  const b = new GraphBuilder();
  for (const [s, t, w] of edges)
    b.edge(b.node(s), b.node(t), {
      kind: options.kind ?? 'link',
      weight: w ?? 1,
      directed: options.directed ?? false,
    });
  return b.build();
}
