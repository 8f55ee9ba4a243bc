// Reusable typed-array working memory for the path searches: a binary heap with a peek, per-node arrays that
// repeated searches (Yen's spurs, later queries on the same graph) share through a stamp instead of clearing,
// and growable search labels.

import type { Graph } from './graph.js';

/** Binary min-heap of (key, item) on growable typed arrays; stale entries are skipped by the caller. */
export class MinHeap {
  keys: Float64Array;
  items: Int32Array;
  size = 0;

  constructor(capacity = 1024) {
    this.keys = new Float64Array(capacity);
    this.items = new Int32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  /** The smallest key; Infinity when empty. */
  get topKey(): number {
    return this.size > 0 ? (this.keys[0] as number) : Number.POSITIVE_INFINITY;
  }

  push(key: number, item: number): void {
    if (this.size === this.keys.length) this.grow();
    const keys = this.keys;
    const items = this.items;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent] as number;
      if (pk <= key) break;
      keys[i] = pk;
      items[i] = items[parent] as number;
      i = parent;
    }
    keys[i] = key;
    items[i] = item;
  }

  /** Removes and returns the item with the smallest key. Call only when size > 0. */
  pop(): number {
    const keys = this.keys;
    const items = this.items;
    const top = items[0] as number;
    const n = --this.size;
    const key = keys[n] as number;
    const item = items[n] as number;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && (keys[child + 1] as number) < (keys[child] as number)) child++;
      if ((keys[child] as number) >= key) break;
      keys[i] = keys[child] as number;
      items[i] = items[child] as number;
      i = child;
    }
    keys[i] = key;
    items[i] = item;
    return top;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    this.keys = keys;
    const items = new Int32Array(this.items.length * 2);
    items.set(this.items);
    this.items = items;
  }
}

/**
 * Per-node typed arrays for a forward and a backward search, reused across searches: a node's entries are
 * valid only when its `seen` stamp equals the current search's stamp, so nothing is cleared between runs.
 */
export class Workspace {
  private stamp = 0;
  readonly seenF: Uint32Array;
  readonly seenB: Uint32Array;
  /** The edge a node was reached by, -1 for a starting node. */
  readonly parentF: Int32Array;
  readonly parentB: Int32Array;
  readonly queueF: Uint32Array;
  readonly queueB: Uint32Array;
  readonly heapF = new MinHeap();
  readonly heapB = new MinHeap();
  private dist: [Float64Array, Float64Array, Uint32Array, Uint32Array] | undefined;
  private best: [Int32Array, Int32Array] | undefined;

  constructor(readonly n: number) {
    this.seenF = new Uint32Array(n);
    this.seenB = new Uint32Array(n);
    this.parentF = new Int32Array(n);
    this.parentB = new Int32Array(n);
    this.queueF = new Uint32Array(n);
    this.queueB = new Uint32Array(n);
  }

  /** A fresh stamp for a new search. */
  next(): number {
    if (this.stamp === 0xffffffff) {
      this.stamp = 0;
      this.seenF.fill(0);
      this.seenB.fill(0);
      if (this.dist) {
        this.dist[2].fill(0);
        this.dist[3].fill(0);
      }
    }
    return ++this.stamp;
  }

  /** Distances and settled stamps for Dijkstra: [distF, distB, doneF, doneB]. */
  distances(): [Float64Array, Float64Array, Uint32Array, Uint32Array] {
    this.dist ??= [
      new Float64Array(this.n),
      new Float64Array(this.n),
      new Uint32Array(this.n),
      new Uint32Array(this.n),
    ];
    return this.dist;
  }

  /** A node's best label on each side, for the hop-layered search: [bestF, bestB]. */
  bestLabels(): [Int32Array, Int32Array] {
    this.best ??= [new Int32Array(this.n), new Int32Array(this.n)];
    return this.best;
  }

  /**
   * The graph's shared workspace, so repeated queries skip allocating and zeroing per-node arrays. Searches
   * are synchronous and each takes a fresh stamp, so sharing is safe.
   */
  static of(g: Graph): Workspace {
    let ws = shared.get(g);
    if (!ws) {
      ws = new Workspace(g.n);
      shared.set(g, ws);
    }
    return ws;
  }
}

const shared = new WeakMap<Graph, Workspace>();

/** Search labels on growable typed arrays: node, parent label, edge from the parent, hops and a cost (or time). */
export class Labels {
  size = 0;
  node = new Int32Array(1024);
  parent = new Int32Array(1024);
  edge = new Int32Array(1024);
  hops = new Int32Array(1024);
  cost = new Float64Array(1024);

  add(node: number, parent: number, edge: number, hops: number, cost: number): number {
    if (this.size === this.node.length) this.grow();
    const id = this.size++;
    this.node[id] = node;
    this.parent[id] = parent;
    this.edge[id] = edge;
    this.hops[id] = hops;
    this.cost[id] = cost;
    return id;
  }

  /** Nodes and edges from the first label to label `id`. */
  route(id: number): { nodes: number[]; edges: number[] } {
    const nodes: number[] = [];
    const edges: number[] = [];
    for (let l = id; l >= 0; l = this.parent[l] as number) {
      nodes.push(this.node[l] as number);
      if ((this.edge[l] as number) >= 0) edges.push(this.edge[l] as number);
    }
    return { nodes: nodes.reverse(), edges: edges.reverse() };
  }

  private grow(): void {
    const cap = this.node.length * 2;
    const more = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.node = more(this.node, (n) => new Int32Array(n));
    this.parent = more(this.parent, (n) => new Int32Array(n));
    this.edge = more(this.edge, (n) => new Int32Array(n));
    this.hops = more(this.hops, (n) => new Int32Array(n));
    this.cost = more(this.cost, (n) => new Float64Array(n));
  }
}
