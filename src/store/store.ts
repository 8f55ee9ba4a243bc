// The Store interface: small enough to implement twice (SQLite embedded, PostgreSQL for teams), one contract suite.
import type { AccessContext } from '../access/index.js';
import type { Entity, StatementGroup } from '../model/index.js';

/** The statements of one source record, a group per entity; they commit together with the rest of their batch. */
export interface RecordStatements {
  groups: StatementGroup[];
}

export interface Checkpoint {
  sourceKey: string;
  dataset: string;
  /** Source items (records and rejects) fully handled, in reader order. */
  itemsDone: number;
  complete: boolean;
}

export interface WriteBatch {
  dataset: string;
  records: RecordStatements[];
  /** Committed in the same transaction as the statements, so a resume never skips or repeats a batch. */
  checkpoint?: Checkpoint;
}

export interface BatchResult {
  /** New statements per record, in batch order (0 means the record was already stored). */
  newPerRecord: number[];
  statementsWritten: number;
  entitiesCreated: number;
}

export interface EntityFilter {
  schema?: string;
  dataset?: string;
  topic?: string;
  country?: string;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `after` to get the next page; null at the end. */
  next: string | null;
}

export interface SearchOptions {
  schema?: string;
  dataset?: string;
  limit?: number;
}

export interface SearchHit {
  id: string;
  schema: string;
  caption: string;
  score: number;
}

export interface Reference {
  /** The entity that points at the target, e.g. an Ownership or a Sanction. */
  entityId: string;
  schema: string;
  prop: string;
}

export interface DatasetInfo {
  name: string;
  title: string;
  /** True for generated demo data; shown wherever the dataset appears. */
  fictional: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface DatasetStats {
  entities: number;
  statements: number;
}

export interface StoreStats {
  entities: Record<string, number>;
  statements: number;
  datasets: Record<string, DatasetStats>;
}

/** Blocking keys of one entity (name tokens, phonetic keys, identifiers), computed by the resolve stage. */
export interface MatchKeys {
  id: string;
  keys: string[];
}

export interface ChangedEntities {
  ids: string[];
  /** Pass back to continue; equal to the input when nothing changed. */
  marker: number;
}

export interface CandidateOptions {
  limit: number;
  /** Rows fetched per key at most, so a very common key cannot flood the candidates. */
  perKeyLimit?: number;
  schemata?: string[];
  datasets?: string[];
  excludeDatasets?: string[];
}

export interface Candidate {
  id: string;
  /** Sum of the inverse document frequencies of the keys it shares with the query. */
  weight: number;
  keys: number;
}

export type JudgementValue = 'match' | 'no-match' | 'unsure';

export interface Judgement {
  a: string;
  b: string;
  judgement: JudgementValue;
  user: string;
  reason: string;
  at: string;
  retractedAt: string | null;
}

export interface Suggestion {
  a: string;
  b: string;
  score: number;
  explanation: string;
}

export interface ScanOptions {
  /** Only statements from these datasets; all when absent. */
  datasets?: readonly string[];
  /** Entities per batch (default 1000). */
  batch?: number;
}

export interface MigrationResult {
  error?: Error;
  applied: string[];
  version: number;
}

export interface Store {
  readonly kind: string;
  /** Creates or upgrades the schema under a lock; never throws, reports what happened. */
  migrate(): Promise<MigrationResult>;
  putStatements(ctx: AccessContext, batch: WriteBatch): Promise<BatchResult>;
  upsertDataset(ctx: AccessContext, info: Pick<DatasetInfo, 'name' | 'title' | 'fictional'>): Promise<void>;
  getCheckpoint(ctx: AccessContext, sourceKey: string): Promise<Checkpoint | undefined>;
  /** The entity as the context may see it, or undefined when it does not exist or nothing of it is visible. */
  getEntity(ctx: AccessContext, id: string): Promise<Entity | undefined>;
  /** Several entities at once (by the ids asked for), as getEntity would give each; absent ids are left out. */
  getEntities(ctx: AccessContext, ids: readonly string[]): Promise<Map<string, Entity>>;
  listEntities(
    ctx: AccessContext,
    filter: EntityFilter,
    page: { limit: number; after?: string | null },
  ): Promise<Page<Entity>>;
  searchNames(ctx: AccessContext, query: string, options?: SearchOptions): Promise<SearchHit[]>;
  /** Entities whose entity-typed properties point at `id` (edges, sanctions, passports, ...). */
  referencing(ctx: AccessContext, id: string): Promise<Reference[]>;
  datasets(ctx: AccessContext): Promise<DatasetInfo[]>;
  stats(ctx: AccessContext): Promise<StoreStats>;
  /** Every visible entity with statements from the dataset, in id order, assembled from that dataset's statements. */
  exportDataset(ctx: AccessContext, dataset: string): AsyncIterable<Entity>;
  /** Where the match-key index stands: statements after `marker` belong to entities whose keys are stale. */
  matchIndexMarker(ctx: AccessContext): Promise<number>;
  /** Entities with statements written after `marker`, a page at a time. */
  entitiesChangedSince(ctx: AccessContext, marker: number, limit: number): Promise<ChangedEntities>;
  /** Replaces the keys of the given entities and moves the marker, in one transaction. */
  putMatchKeys(ctx: AccessContext, entries: MatchKeys[], marker: number): Promise<void>;
  /** Entities sharing the most informative keys with a query, best first. */
  candidates(ctx: AccessContext, keys: string[], options: CandidateOptions): Promise<Candidate[]>;
  /**
   * Records a decision on two records by the context's user. `match` joins their clusters under one canonical id
   * (NX-...), refused with JUDGEMENT_CONFLICT when a standing `no-match` separates any of their members;
   * `no-match` between records already in one cluster is refused the same way.
   */
  judge(
    ctx: AccessContext,
    a: string,
    b: string,
    judgement: JudgementValue,
    reason: string,
  ): Promise<{ canonical: string | null }>;
  judgements(ctx: AccessContext, id: string): Promise<Judgement[]>;
  /** Stores match suggestions (replacing the score of a pair seen before); returns how many. */
  putSuggestions(ctx: AccessContext, suggestions: Suggestion[]): Promise<number>;
  /** The best-scored suggestion nobody has decided and that is not already inside one cluster. */
  nextSuggestion(ctx: AccessContext, skip?: number): Promise<Suggestion | undefined>;
  /** Undoes a merge: the members stand alone again and the match judgements inside it are retracted. */
  unmerge(ctx: AccessContext, canonical: string): Promise<string[]>;
  /** The canonical id of a record (itself when it is in no cluster). */
  canonicalOf(ctx: AccessContext, id: string): Promise<string>;
  /**
   * Every visible source record (no cluster resolution), a batch at a time in store order, each assembled from
   * its visible statements (of the given datasets): the full read behind graph projection and bulk analyses.
   */
  scanEntities(ctx: AccessContext, options?: ScanOptions): AsyncIterable<Entity[]>;
  /** Every record in a cluster with its canonical id. */
  clusterMap(ctx: AccessContext): Promise<Map<string, string>>;
  /** Changes whenever statements are written or clusters change, so derived products know they are stale. */
  version(ctx: AccessContext): Promise<string>;
  /** SHA-256 over every statement id in order: equal stores have equal digests. */
  digest(ctx: AccessContext): Promise<string>;
  close(): Promise<void>;
}
