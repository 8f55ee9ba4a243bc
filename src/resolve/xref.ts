// Cross-referencing: scores every entity of one dataset against the others and stores match suggestions for review.
import type { AccessContext } from '../access/index.js';
import { getSchema, hasSchema } from '../model/index.js';
import type { Store, Suggestion } from '../store/index.js';
import { updateMatchIndex } from './index-builder.js';
import { matchKeysFor, sharesKey, subjectOf } from './keys.js';
import { scorables } from './profile.js';
import { compatibleSchemata, DEFAULT_SCORING, type ScoringConfig, scoreMatch } from './scorer.js';

export interface XrefOptions {
  dataset: string;
  /** Datasets to compare against; all others when empty. */
  against?: string[];
  /** Lowest score kept as a suggestion (default 0.5: review sees near misses too). */
  threshold?: number;
  /** Candidates scored per entity. */
  candidates?: number;
  config?: ScoringConfig;
  onProgress?: (p: XrefProgress) => void;
}

export interface XrefProgress {
  processed: number;
  total: number;
  suggestions: number;
  rate: number;
  etaSeconds: number | null;
}

export interface XrefSummary {
  dataset: string;
  entities: number;
  compared: number;
  suggestions: number;
  elapsedMs: number;
}

// Entities per batch: enough that common keys are read once for many entities, few enough to keep memory small.
const PAGE = 1000;

export async function xref(ctx: AccessContext, store: Store, opts: XrefOptions): Promise<XrefSummary> {
  const started = Date.now();
  await updateMatchIndex(ctx, store);
  const threshold = opts.threshold ?? 0.5;
  const total = (await store.stats(ctx)).datasets[opts.dataset]?.entities ?? 0;
  const against = opts.against ?? [];
  let processed = 0;
  let compared = 0;
  let suggestions = 0;
  let lastReport = 0;
  let after: string | null = null;
  const whole = await store.seesEverything(ctx);
  do {
    const page = await store.listEntities(ctx, { dataset: opts.dataset }, { limit: PAGE, after });
    after = page.next;
    const found: Suggestion[] = [];
    const matchable = page.items.filter(
      (e) => hasSchema(e.schema.name) && getSchema(e.schema.name).matchable,
    );
    const keySets = matchable.map((e) => matchKeysFor(e));
    // One batch per page: each key's postings are read once for the page, and every candidate loaded in one go.
    const lists = await store.candidatesBatch(
      ctx,
      matchable.map((e, i) => ({ keys: keySets[i] ?? [], schemata: compatibleSchemata(e.schema.name) })),
      {
        limit: opts.candidates ?? 25,
        ...(against.length > 0 ? { datasets: against } : { excludeDatasets: [opts.dataset] }),
      },
    );
    // From stored profiles where current (one row each), entities otherwise; candidates are only scored here.
    const loaded = await scorables(ctx, store, [...new Set(lists.flat().map((c) => c.id))], whole);
    processed += page.items.length - matchable.length;
    for (const [i, entity] of matchable.entries()) {
      processed++;
      const query = subjectOf(entity);
      const seen = new Set<string>([entity.id]);
      const wanted = new Set(keySets[i]);
      for (const c of lists[i] ?? []) {
        const other = loaded.get(c.id);
        // Members of one cluster resolve to the same canonical entity: score it once. A candidate found only through
        // values the context may not see is none (R8).
        if (!other || seen.has(other.id)) continue;
        if (!whole && !(other.entity !== undefined && sharesKey(other.entity, wanted))) continue;
        seen.add(other.id);
        compared++;
        const result = scoreMatch(query, other.subject, opts.config ?? DEFAULT_SCORING);
        if (result.score >= threshold)
          found.push({
            a: entity.id,
            b: other.id,
            score: result.score,
            explanation: result.explanation.join('; '),
          });
      }
      const now = Date.now();
      if (opts.onProgress && now - lastReport > 500) {
        lastReport = now;
        const rate = processed / Math.max(0.001, (now - started) / 1000);
        opts.onProgress({
          processed,
          total,
          suggestions: suggestions + found.length,
          rate: Math.round(rate),
          etaSeconds: rate > 0 ? Math.round((total - processed) / rate) : null,
        });
      }
    }
    if (found.length > 0) suggestions += await store.putSuggestions(ctx, found);
  } while (after !== null);
  return {
    dataset: opts.dataset,
    entities: processed,
    compared,
    suggestions,
    elapsedMs: Date.now() - started,
  };
}
