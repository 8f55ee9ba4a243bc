// Betweenness centrality by Brandes' algorithm: exact over every source, or estimated from sampled sources.
//
// Paths follow arcs: directed edges by their direction, undirected edges both ways. Unweighted (the default)
// counts hops; weighted uses Dijkstra with length 1/weight, so a heavier tie is a shorter distance (edges of
// weight <= 0 are not followed), and distances within a relative 1e-10 count as equal, as igraph does. Endpoints
// are not credited. Scores count ordered (source, target) pairs, except on a graph with no directed edge, where
// each unordered pair is counted once (scores halved), as igraph's betweenness() does.
//
// Sampling: k sources drawn uniformly without replacement (a seeded shuffle), each source's dependencies
// scaled by n/k. Error bound: a source s adds a dependency delta_s(v) in [0, n-2] to node v, so
// X_s = delta_s(v)/(n-2) lies in [0, 1] and its mean over all sources is exact(v)/(n(n-2)). Hoeffding's
// inequality (which holds for sampling without replacement) with a union bound over the n nodes gives, with
// probability at least 95%, for every node at once:
//   |estimate(v) - exact(v)| / P <= n/(n-1) * sqrt(ln(2n / 0.05) / (2k))
// where P = (n-1)(n-2) ordered pairs without v (halved, like the scores, on an undirected graph), i.e. in
// units of the usual normalised betweenness. `errorBound` is that figure (capped at 1), null when exact.
//
// A Budget, when given, counts each node settled; once it runs out, the sources finished so far stand as
// the sample (they are a uniform prefix of the shuffled order, so the bound still holds) and `limit` says why.
import type { Graph } from '../graph.js';
import type { Budget, LimitReached } from '../limits.js';
import { mulberry32, shuffledRange } from './random.js';

export interface BetweennessOptions {
  /** Sources to sample; exact when absent or >= n. */
  samples?: number;
  /** Seed of the source sample (1). */
  seed?: number;
  /** Shortest paths by length 1/weight rather than hops (false). */
  weighted?: boolean;
  budget?: Budget;
}

export interface BetweennessResult {
  scores: Float64Array;
  exact: boolean;
  /** Sources used. */
  samples: number;
  /** 95% bound on the normalised error of every score at once, null when exact. */
  errorBound: number | null;
  limit?: LimitReached;
}

const EPSILON = 1e-10;
const UNSEEN = -1;
const SETTLED = -2;

export function betweenness(g: Graph, options: BetweennessOptions = {}): BetweennessResult {
  const n = g.n;
  const wanted = options.samples === undefined ? n : Math.max(0, Math.floor(options.samples));
  const k = Math.min(n, wanted);
  const sources = shuffledRange(n, mulberry32(options.seed ?? 1));
  const search = new Search(g, options.weighted ?? false, options.budget);
  const scores = new Float64Array(n);
  let done = 0;
  while (done < k && search.run(sources[done] as number, scores)) done++;
  const scale = (done > 0 && done < n ? n / done : 1) * (g.undirected ? 0.5 : 1);
  if (scale !== 1) for (let v = 0; v < n; v++) scores[v] = (scores[v] as number) * scale;
  const exact = done === n;
  const result: BetweennessResult = {
    scores,
    exact,
    samples: done,
    errorBound: exact ? null : bound(n, done),
  };
  if (options.budget?.reached) result.limit = options.budget.reached;
  return result;
}

function bound(n: number, k: number): number {
  if (k === 0 || n < 2) return 1;
  return Math.min(1, (n / (n - 1)) * Math.sqrt(Math.log((2 * n) / 0.05) / (2 * k)));
}

/** Single-source shortest paths and dependency accumulation, reusing its arrays across sources. */
class Search {
  private readonly dist: Float64Array;
  private readonly sigma: Float64Array;
  private readonly delta: Float64Array;
  /** Nodes in the order reached (BFS) or settled (Dijkstra). */
  private readonly order: Uint32Array;
  /** Dijkstra's heap of nodes keyed by dist, and each node's heap slot (or UNSEEN / SETTLED). */
  private readonly heap: Uint32Array;
  private readonly slot: Int32Array;
  /** Length of each out-arc (weighted only; Infinity when not followed). */
  private readonly length: Float64Array | null;
  private count = 0;

  constructor(
    private readonly g: Graph,
    weighted: boolean,
    private readonly budget: Budget | undefined,
  ) {
    const n = g.n;
    this.dist = new Float64Array(n).fill(UNSEEN);
    this.sigma = new Float64Array(n);
    this.delta = new Float64Array(n);
    this.order = new Uint32Array(n);
    this.heap = new Uint32Array(weighted ? n : 0);
    this.slot = new Int32Array(weighted ? n : 0).fill(UNSEEN);
    this.length = weighted ? arcLengths(g) : null;
  }

  /** Adds source s's dependencies to scores; false (nothing added) when the budget ran out. */
  run(s: number, scores: Float64Array): boolean {
    const complete = this.length ? this.dijkstra(s, this.length) : this.bfs(s);
    if (complete) this.accumulate(s, scores);
    this.reset();
    return complete;
  }

  private bfs(s: number): boolean {
    const { dist, sigma, order, budget } = this;
    const { offsets, nodes } = this.g.out;
    dist[s] = 0;
    sigma[s] = 1;
    order[0] = s;
    this.count = 1;
    for (let head = 0; head < this.count; head++) {
      if (budget && !budget.visit()) return false;
      const v = order[head] as number;
      const next = (dist[v] as number) + 1;
      const end = offsets[v + 1] as number;
      for (let a = offsets[v] as number; a < end; a++) {
        const x = nodes[a] as number;
        if (dist[x] === UNSEEN) {
          dist[x] = next;
          order[this.count++] = x;
        }
        if (dist[x] === next) sigma[x] = (sigma[x] as number) + (sigma[v] as number);
      }
    }
    return true;
  }

  private dijkstra(s: number, length: Float64Array): boolean {
    const { dist, sigma, order, slot, budget } = this;
    const { offsets, nodes } = this.g.out;
    const heap = new MinHeap(this.heap, slot, dist);
    dist[s] = 0;
    sigma[s] = 1;
    heap.push(s);
    this.count = 0;
    while (heap.size > 0) {
      if (budget && !budget.visit()) {
        // List the nodes still queued too, so reset() clears them.
        for (let i = 0; i < heap.size; i++) order[this.count++] = this.heap[i] as number;
        return false;
      }
      const v = heap.pop();
      slot[v] = SETTLED;
      order[this.count++] = v;
      const dv = dist[v] as number;
      const end = offsets[v + 1] as number;
      for (let a = offsets[v] as number; a < end; a++) {
        const x = nodes[a] as number;
        const alt = dv + (length[a] as number);
        if (alt === Number.POSITIVE_INFINITY || slot[x] === SETTLED) continue;
        if (slot[x] === UNSEEN) {
          dist[x] = alt;
          sigma[x] = sigma[v] as number;
          heap.push(x);
        } else if (alt < (dist[x] as number) - EPSILON * alt) {
          dist[x] = alt;
          sigma[x] = sigma[v] as number;
          heap.decrease(x);
        } else if (alt <= (dist[x] as number) + EPSILON * alt) {
          sigma[x] = (sigma[x] as number) + (sigma[v] as number);
        }
      }
    }
    return true;
  }

  /** Brandes' back-propagation: delta(v) = sum over successors x of sigma(v)/sigma(x) * (1 + delta(x)). */
  private accumulate(s: number, scores: Float64Array): void {
    const { dist, sigma, delta, order, length } = this;
    const { offsets, nodes } = this.g.out;
    for (let i = this.count - 1; i >= 0; i--) {
      const v = order[i] as number;
      const dv = dist[v] as number;
      let sum = 0;
      const end = offsets[v + 1] as number;
      for (let a = offsets[v] as number; a < end; a++) {
        const x = nodes[a] as number;
        const dx = dist[x] as number;
        const successor = length
          ? dx > dv && Math.abs(dv + (length[a] as number) - dx) <= EPSILON * dx
          : dx === dv + 1;
        if (successor) sum += (1 + (delta[x] as number)) / (sigma[x] as number);
      }
      delta[v] = (sigma[v] as number) * sum;
      if (v !== s) scores[v] = (scores[v] as number) + (delta[v] as number);
    }
  }

  private reset(): void {
    const { dist, sigma, delta, order, slot } = this;
    for (let i = 0; i < this.count; i++) {
      const v = order[i] as number;
      dist[v] = UNSEEN;
      sigma[v] = 0;
      delta[v] = 0;
      if (slot.length > 0) slot[v] = UNSEEN;
    }
    this.count = 0;
  }
}

/** 1/weight per out-arc, Infinity for weights that are not positive. */
function arcLengths(g: Graph): Float64Array {
  const { edges } = g.out;
  const length = new Float64Array(edges.length);
  for (let a = 0; a < edges.length; a++) {
    const w = g.a.weight[edges[a] as number] as number;
    length[a] = w > 0 ? 1 / w : Number.POSITIVE_INFINITY;
  }
  return length;
}

/** A binary min-heap of nodes keyed by `key`, tracking each node's position in `slot`. */
class MinHeap {
  size = 0;
  constructor(
    private readonly items: Uint32Array,
    private readonly slot: Int32Array,
    private readonly key: Float64Array,
  ) {}

  push(v: number): void {
    this.items[this.size] = v;
    this.slot[v] = this.size;
    this.size++;
    this.up(this.size - 1);
  }

  decrease(v: number): void {
    this.up(this.slot[v] as number);
  }

  pop(): number {
    const top = this.items[0] as number;
    this.size--;
    if (this.size > 0) {
      this.place(this.items[this.size] as number, 0);
      this.down(0);
    }
    return top;
  }

  private place(v: number, i: number): void {
    this.items[i] = v;
    this.slot[v] = i;
  }

  private up(start: number): void {
    const v = this.items[start] as number;
    const k = this.key[v] as number;
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = this.items[parent] as number;
      if ((this.key[p] as number) <= k) break;
      this.place(p, i);
      i = parent;
    }
    this.place(v, i);
  }

  private down(start: number): void {
    const v = this.items[start] as number;
    const k = this.key[v] as number;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      const right = child + 1;
      if (
        right < this.size &&
        (this.key[this.items[right] as number] as number) < (this.key[this.items[child] as number] as number)
      )
        child = right;
      const c = this.items[child] as number;
      if ((this.key[c] as number) >= k) break;
      this.place(c, i);
      i = child;
    }
    this.place(v, i);
  }
}
