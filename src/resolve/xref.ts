// Cross-referencing: scores every entity of one dataset against the others and stores match suggestions for review.
import type { AccessContext } from '../access/index.js';
import { getSchema, hasSchema } from '../model/index.js';
import type { Store, Suggestion } from '../store/index.js';
import { updateMatchIndex } from './index-builder.js';
import { matchKeysFor, sharesKey, subjectOf } from './keys.js';
import { scorables } from './profile.js';
import { defaultThreads, ScorePool } from './score-pool.js';
import { type ScoredCandidate, type ScoreTask, type SubjectData, subjectData } from './score-tasks.js';
import { compatibleSchemata, DEFAULT_SCORING, type ScoringConfig } from './scorer.js';

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
  /** Scoring threads (default one per core, at most 8; 1 scores on the calling thread). */
  threads?: number;
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
/**
 * Pages read ahead of the one whose suggestions are stored next. Scoring threads finish a page at different times;
 * with pages queued behind it, a thread goes on to its share of the next instead of waiting for the other threads
 * and for the page after to be read.
 */
const PAGES_AHEAD = 3;

/** One page of the dataset, read and ready to score: each entity with the candidates it is to be scored against. */
interface Prepared {
  after: string | null;
  /** Entities on the page, matchable or not. */
  entities: number;
  ids: string[];
  tasks: ScoreTask[];
  subjects: Map<string, SubjectData>;
}

async function prepare(
  ctx: AccessContext,
  store: Store,
  opts: XrefOptions,
  whole: boolean,
  after: string | null,
): Promise<Prepared> {
  const against = opts.against ?? [];
  const page = await store.listEntities(ctx, { dataset: opts.dataset }, { limit: PAGE, after });
  const matchable = page.items.filter((e) => hasSchema(e.schema.name) && getSchema(e.schema.name).matchable);
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
  // From stored profiles where current (one row each), passed to the scoring threads as the store gives them, and
  // as entities otherwise. Only a reader who sees everything is given profiles.
  const ids = [...new Set(lists.flat().map((c) => c.id))];
  const profiles = whole ? await store.matchProfiles(ctx, ids) : new Map<string, string>();
  const loaded = await scorables(
    ctx,
    store,
    ids.filter((id) => !profiles.has(id)),
    false,
  );
  const subjects = new Map<string, SubjectData>();
  const tasks = matchable.map((entity, i): ScoreTask => {
    const seen = new Set<string>([entity.id]);
    const wanted = new Set(keySets[i]);
    const candidates: string[] = [];
    for (const c of lists[i] ?? []) {
      const profile = profiles.get(c.id);
      const other = profile === undefined ? loaded.get(c.id) : undefined;
      if (profile === undefined && other === undefined) continue;
      // A record with a profile is current and in no cluster, scored under its own id; members of one cluster
      // resolve to the same canonical entity: score it once.
      const id = other?.id ?? c.id;
      if (seen.has(id)) continue;
      // A candidate found only through values the context may not see is none (R8). (Profiles are only read for a
      // reader who sees everything.)
      if (other && !whole && !(other.entity !== undefined && sharesKey(other.entity, wanted))) continue;
      seen.add(id);
      candidates.push(id);
      if (!subjects.has(id))
        subjects.set(id, other ? subjectData(other.subject) : { profile: profile as string });
    }
    return { query: subjectData(subjectOf(entity)), candidates };
  });
  return { after: page.next, entities: page.items.length, ids: matchable.map((e) => e.id), tasks, subjects };
}

/**
 * Scores every entity of the dataset against the others. Pages are scored on `threads` threads while the next pages
 * are read; suggestions are stored a page at a time, in the same order as on one thread.
 */
export async function xref(ctx: AccessContext, store: Store, opts: XrefOptions): Promise<XrefSummary> {
  const started = Date.now();
  await updateMatchIndex(ctx, store);
  const threshold = opts.threshold ?? 0.5;
  const config = opts.config ?? DEFAULT_SCORING;
  const total = await store.datasetEntities(ctx, opts.dataset);
  let processed = 0;
  let compared = 0;
  let suggestions = 0;
  const whole = await store.seesEverything(ctx);
  const pool = new ScorePool(opts.threads ?? defaultThreads());
  // Pages scored meanwhile, oldest first: the threads work through them while the next pages are read, and their
  // suggestions are stored in page order.
  const scoring: { page: Prepared; scored: Promise<ScoredCandidate[][]> }[] = [];
  try {
    // The next page is read while the last one read is scored (on PostgreSQL the read overlaps the scoring even
    // on one thread). Read or scored ahead of its turn: a failure surfaces when it is awaited, not as an unhandled
    // rejection meanwhile.
    let reading: Promise<Prepared> | undefined = prepare(ctx, store, opts, whole, null);
    while (reading !== undefined || scoring.length > 0) {
      if (reading !== undefined && scoring.length < PAGES_AHEAD) {
        const page: Prepared = await reading;
        reading = page.after === null ? undefined : prepare(ctx, store, opts, whole, page.after);
        reading?.catch(() => {});
        const scored = pool.score({ tasks: page.tasks, subjects: page.subjects, threshold, config });
        scored.catch(() => {});
        scoring.push({ page, scored });
        continue;
      }
      const { page, scored } = scoring.shift() as (typeof scoring)[number];
      const answers = await scored;
      const found: Suggestion[] = [];
      page.tasks.forEach((task, i) => {
        compared += task.candidates.length;
        for (const s of answers[i] ?? [])
          found.push({ a: page.ids[i] as string, b: s.id, score: s.score, explanation: s.explanation });
      });
      if (found.length > 0) suggestions += await store.putSuggestions(ctx, found);
      processed += page.entities;
      if (opts.onProgress) {
        const rate = processed / Math.max(0.001, (Date.now() - started) / 1000);
        opts.onProgress({
          processed,
          total,
          suggestions,
          rate: Math.round(rate),
          etaSeconds: rate > 0 ? Math.round(Math.max(0, total - processed) / rate) : null,
        });
      }
    }
  } finally {
    await pool.close();
  }
  return {
    dataset: opts.dataset,
    entities: processed,
    compared,
    suggestions,
    elapsedMs: Date.now() - started,
  };
}
