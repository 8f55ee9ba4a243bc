// Candidate ranking shared by both stores: keys weighed by inverse document frequency, summed rarest key first.
import { eidSlots } from './eid-slots.js';
import type { Candidate, CandidateOptions } from './store.js';

/** Keys a query uses at most: a name with many aliases brings many keys, and each one costs a posting read. */
export const MAX_QUERY_KEYS = 64;
/** Rows fetched per key at most when the caller does not say. */
export const DEFAULT_PER_KEY = 300;

/** The distinct keys of a query that are asked for, in the query's order. */
export function queryKeys(keys: readonly string[]): string[] {
  return [...new Set(keys)].slice(0, MAX_QUERY_KEYS);
}

export interface Ranked {
  eid: number;
  weight: number;
  keys: number;
}

/**
 * A query's entities, best first, put in order only as far as they are read: a query of common words reaches
 * thousands of entities, of which candidate picking reads the first few dozen. Higher weight first, then the lower
 * eid; a heap yields them one at a time.
 */
export class RankedList {
  readonly length: number;
  private readonly sorted: Ranked[] = [];
  private readonly heap: Int32Array;
  private size: number;

  constructor(
    private readonly eids: readonly number[],
    private readonly weights: readonly number[],
    private readonly counts: readonly number[],
  ) {
    this.length = eids.length;
    this.size = eids.length;
    this.heap = new Int32Array(this.size);
    for (let i = 0; i < this.size; i++) this.heap[i] = i;
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.down(i);
  }

  /** The entity ranked i-th (from 0), or undefined past the end. */
  at(i: number): Ranked | undefined {
    while (this.sorted.length <= i && this.size > 0) {
      const top = this.heap[0] as number;
      this.size--;
      this.heap[0] = this.heap[this.size] as number;
      this.down(0);
      this.sorted.push({
        eid: this.eids[top] as number,
        weight: this.weights[top] as number,
        keys: this.counts[top] as number,
      });
    }
    return this.sorted[i];
  }

  private before(a: number, b: number): boolean {
    const wa = this.weights[a] as number;
    const wb = this.weights[b] as number;
    return wa > wb || (wa === wb && (this.eids[a] as number) < (this.eids[b] as number));
  }

  private down(from: number): void {
    const heap = this.heap;
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) return;
      const r = l + 1;
      const c = r < this.size && this.before(heap[r] as number, heap[l] as number) ? r : l;
      if (!this.before(heap[c] as number, heap[i] as number)) return;
      const t = heap[i] as number;
      heap[i] = heap[c] as number;
      heap[c] = t;
      i = c;
    }
  }
}

/**
 * Entities under the query's keys, best first: each key weighs log(1 + N / df), summed rarest key first so that
 * every store adds the same numbers in the same order and weights agree to the last bit; ties go to the lower eid.
 */
export function rankByKeys(
  keys: readonly string[],
  df: ReadonlyMap<string, number>,
  postings: ReadonlyMap<string, readonly number[]>,
  total: number,
): RankedList {
  const present = keys.filter((k) => df.has(k)).sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0));
  let reached = 0;
  for (const key of present) reached += postings.get(key)?.length ?? 0;
  const slot = eidSlots(reached);
  // Parallel arrays, not an object per entity: most entities reached are never read.
  const eids: number[] = [];
  const weights: number[] = [];
  const counts: number[] = [];
  for (const key of present) {
    const weight = Math.log(1 + total / (df.get(key) ?? total));
    for (const eid of postings.get(key) ?? []) {
      const at = slot.claim(eid, eids.length);
      if (at < 0) {
        eids.push(eid);
        weights.push(weight);
        counts.push(1);
      } else {
        weights[at] = (weights[at] as number) + weight;
        counts[at] = (counts[at] as number) + 1;
      }
    }
  }
  return new RankedList(eids, weights, counts);
}

/** What a store knows of a ranked entity to apply a query's filters. */
export interface RankedEntity {
  id: string;
  schema: string;
  /** The dataset filters of the options (`datasets`, `excludeDatasets`) pass. */
  datasetsPass: boolean;
}

export function candidateOf(r: Ranked, id: string): Candidate {
  return { id, weight: Math.round(r.weight * 1000) / 1000, keys: r.keys };
}

/** Rows each store reads per key for these options. */
export function perKeyLimit(options: Pick<CandidateOptions, 'perKeyLimit'>): number {
  return options.perKeyLimit ?? DEFAULT_PER_KEY;
}

/**
 * Fills each query's candidates from its ranked entities, looking entities up a tranche at a time (`lookup` returns
 * what it knows of each eid asked) until every query has `limit` passing entities or has run out: most rank high
 * and pass, so one round usually does.
 */
export async function pickCandidates(
  queries: readonly { ranked: RankedList; schemata?: readonly string[] }[],
  limit: number,
  lookup: (eids: number[]) => Promise<Map<number, RankedEntity>>,
): Promise<Candidate[][]> {
  const out: Candidate[][] = queries.map(() => []);
  const next = queries.map(() => 0);
  const known = new Map<number, RankedEntity | null>();
  for (let round = 1; ; round++) {
    // Each round asks for the next tranche of every unfilled query: first a quarter more than it needs (most ranked
    // entities pass the filters, and looking them up is most of the cost), then deeper each round.
    const want = new Set<number>();
    const depth = round === 1 ? limit + Math.ceil(limit / 4) + 2 : limit * 2 ** round;
    queries.forEach((q, i) => {
      if ((out[i] as Candidate[]).length >= limit) return;
      const end = Math.min(q.ranked.length, (next[i] as number) + depth);
      for (let k = next[i] as number; k < end; k++) {
        const eid = (q.ranked.at(k) as Ranked).eid;
        if (!known.has(eid)) want.add(eid);
      }
    });
    if (want.size > 0) {
      const found = await lookup([...want]);
      for (const eid of want) known.set(eid, found.get(eid) ?? null);
    }
    let pending = false;
    queries.forEach((q, i) => {
      const list = out[i] as Candidate[];
      const schemata = q.schemata && q.schemata.length > 0 ? new Set(q.schemata) : undefined;
      let k = next[i] as number;
      for (; k < q.ranked.length && list.length < limit; k++) {
        const r = q.ranked.at(k) as Ranked;
        if (!known.has(r.eid)) break;
        const e = known.get(r.eid);
        if (e?.datasetsPass && (!schemata || schemata.has(e.schema))) list.push(candidateOf(r, e.id));
      }
      next[i] = k;
      if (list.length < limit && k < q.ranked.length) pending = true;
    });
    if (!pending) return out;
  }
}
