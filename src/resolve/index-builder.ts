// Brings the store's match-key index up to date with every statement written since it was last built.
import { type AccessContext, withoutGrading } from '../access/index.js';
import type { MatchKeys, Store } from '../store/index.js';
import { matchKeysFor } from './keys.js';

export interface IndexProgress {
  /** Entities whose keys were rebuilt so far in this run. */
  processed: number;
  keys: number;
  /** Entities per second since the run started. */
  rate: number;
  elapsedMs: number;
}

export interface IndexSummary {
  entities: number;
  keys: number;
  marker: number;
  elapsedMs: number;
}

const PAGE = 2000;

/**
 * Rebuilds the keys of every changed entity. `ctx` must see every statement (the local operator or a named system
 * context): keys built from a partial view would hide entities from readers who may see the rest.
 */
export async function updateMatchIndex(
  caller: AccessContext,
  store: Store,
  onProgress?: (p: IndexProgress) => void,
  now: () => number = Date.now,
): Promise<IndexSummary> {
  // A grading filter is a view: the keys (kept for every reader) come from whole records whatever the caller reads.
  const ctx = withoutGrading(caller);
  const started = now();
  let marker = await store.matchIndexMarker(ctx);
  let entities = 0;
  let keys = 0;
  for (;;) {
    const page = await store.entitiesChangedSince(ctx, marker, PAGE);
    if (page.marker === marker && page.ids.length === 0) break;
    const entries: MatchKeys[] = [];
    for (const id of page.ids) {
      const entity = await store.getEntity(ctx, id);
      // An entity nobody can see any more keeps no keys, so it cannot be a candidate.
      const k = entity ? matchKeysFor(entity) : [];
      entries.push({ id, keys: k });
      keys += k.length;
    }
    await store.putMatchKeys(ctx, entries, page.marker);
    entities += entries.length;
    const stuck = page.marker === marker;
    marker = page.marker;
    const elapsedMs = now() - started;
    onProgress?.({
      processed: entities,
      keys,
      rate: elapsedMs > 0 ? Math.round((entities * 1000) / elapsedMs) : entities,
      elapsedMs,
    });
    if (page.ids.length === 0 || stuck) break;
  }
  return { entities, keys, marker, elapsedMs: now() - started };
}
