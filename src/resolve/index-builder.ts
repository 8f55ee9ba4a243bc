// Brings the store's match-key index up to date with every statement written since it was last built.
import { type AccessContext, withoutGrading } from '../access/index.js';
import type { Entity } from '../model/index.js';
import type { ChangedEntities, MatchKeys, Store } from '../store/index.js';
import { matchKeysFor } from './keys.js';
import { ANALYSIS_STAMP } from './names/index.js';
import { profileOf } from './profile.js';

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

/**
 * Entities a store transaction at most. Large transactions matter: new keys land all over the key index, so every
 * SQLite commit rewrites most index pages it touched; at a million entities the build took 320 s with 5,000-entity
 * pages and 175 s with these. A transaction holds the write lock for a few seconds at most (3-5 s at a million
 * entities) and only the keys of its page, a few tens of MB. A page also ends after 200,000 statement rows
 * (src/store/changed-rows.ts), perhaps inside an entity, which the next page then files again with the same keys.
 */
const PAGE = 50_000;
/** Entities loaded a query at a time: bounded queries and results, the next batch loading while keys are made. */
const LOAD = 2000;

/**
 * Loads entities in one batch. getEntities gives each id what getEntity gives it: a member of a resolved cluster
 * loads the merged canonical entity, so its keys are the cluster's, as before; an id nothing is visible of is absent.
 */
function load(ctx: AccessContext, store: Store, ids: readonly string[]): Promise<Map<string, Entity>> {
  const loading = store.getEntities(ctx, ids);
  // Started ahead of its turn: a failure surfaces when it is awaited, not as an unhandled rejection meanwhile.
  loading.catch(() => {});
  return loading;
}

/** The next page of changed entities, started ahead of its turn as `load` is. */
function changedSince(ctx: AccessContext, store: Store, marker: number): Promise<ChangedEntities> {
  const reading = store.entitiesChangedSince(ctx, marker, PAGE);
  reading.catch(() => {});
  return reading;
}

/**
 * Rebuilds the keys of every changed entity. `ctx` must see every statement (the local operator or a named system
 * context): keys built from a partial view would hide entities from readers who may see the rest. Reads run one
 * step ahead (the next entities load while keys are made, the next page is found while keys are written): on
 * PostgreSQL they overlap the work; on SQLite, whose calls finish before they return, the order is simply kept.
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
  // Profiles keep names as this name engine analyses them: built by another, the index is filed again from the start.
  await store.restartMatchIndexFor(ctx, ANALYSIS_STAMP);
  let marker = await store.matchIndexMarker(ctx);
  let entities = 0;
  let keys = 0;
  const report = () => {
    const elapsedMs = now() - started;
    onProgress?.({
      processed: entities,
      keys,
      rate: elapsedMs > 0 ? Math.round((entities * 1000) / elapsedMs) : entities,
      elapsedMs,
    });
  };
  let next: Promise<ChangedEntities> | undefined = changedSince(ctx, store, marker);
  while (next) {
    const page: ChangedEntities = await next;
    if (page.marker === marker && page.ids.length === 0) break;
    const entries: MatchKeys[] = [];
    let loading = load(ctx, store, page.ids.slice(0, LOAD));
    for (let at = 0; at < page.ids.length; at += LOAD) {
      const loaded = await loading;
      if (at + LOAD < page.ids.length) loading = load(ctx, store, page.ids.slice(at + LOAD, at + 2 * LOAD));
      for (const id of page.ids.slice(at, at + LOAD)) {
        const entity = loaded.get(id);
        // An entity nobody can see any more keeps no keys, so it cannot be a candidate.
        const k = entity ? matchKeysFor(entity) : [];
        const profile = entity && profileOf(entity, id);
        entries.push(profile ? { id, keys: k, profile } : { id, keys: k });
        keys += k.length;
      }
      entities += Math.min(LOAD, page.ids.length - at);
      // Progress as keys are made: a page's write comes only at its end.
      report();
    }
    const last: boolean = page.ids.length === 0 || page.marker === marker;
    next = last ? undefined : changedSince(ctx, store, page.marker);
    await store.putMatchKeys(ctx, entries, page.marker);
    marker = page.marker;
  }
  return { entities, keys, marker, elapsedMs: now() - started };
}
