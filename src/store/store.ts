// The Store interface: small enough to implement twice (SQLite embedded, PostgreSQL for teams), one contract suite.
import type { AccessContext } from '../access/index.js';
import type { UserRole } from '../access/users.js';
import type { AuditEventInput, AuditQuery, AuditRecord } from '../audit/index.js';
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

/** One leg of value moving on a chain: 0 a transfer (from -> to), 1 a UTXO input (from), 2 a UTXO output (to). */
export interface TransferLeg {
  leg: 0 | 1 | 2;
  /** Position among the transaction's inputs or outputs (0 for transfers). */
  n: number;
  from: string | null;
  to: string | null;
  /** Exact integer in the asset's base units (satoshi, wei), as decimal text. */
  amount: string;
}

/** A transaction's legs for one asset: one transfer (account model), or all inputs and outputs (UTXO). */
export interface CryptoTx {
  chain: string;
  asset: string;
  tx: string;
  /** Unix time in milliseconds. */
  time: number;
  legs: TransferLeg[];
  /** Where the source said it (file and line); not stored per transaction. */
  origin?: string;
}

export interface StoredCryptoTx extends CryptoTx {
  dataset: string;
  marking: string;
  grading: string | null;
}

export interface TransferBatch {
  dataset: string;
  /** Source name kept as the provenance origin of the batch. */
  origin: string;
  marking: string;
  grading: string | null;
  txs: CryptoTx[];
  checkpoint?: Checkpoint;
}

export interface TransferBatchResult {
  /** Legs newly written per transaction, in batch order (0: all already there). */
  newPerTx: number[];
  legsWritten: number;
  addressesCreated: number;
  /** Transactions whose legs are already stored with another amount or time: kept as they were, reported. */
  conflicts: { tx: string; index: number; reason: string }[];
}

export interface AddressLabel {
  chain: string;
  address: string;
  /** What the address is: `Binance hot wallet`, `Lazarus Group`, `Tornado Cash`. */
  label: string;
  /** exchange, mixer, bridge, gambling, sanctioned, ransomware, darknet, scam, user, ... */
  category: string;
}

export interface StoredAddressLabel extends AddressLabel {
  dataset: string;
  marking: string;
}

/** How often a series is observed; every point's period is named by the ISO date it starts on. */
export type SeriesFrequency = 'day' | 'week' | 'month' | 'quarter' | 'year' | 'irregular';

/** One indicator time series: the cocaine load in London's wastewater, people crossing per month, ... */
export interface SeriesInfo {
  /** Unique within its dataset, e.g. `wastewater/gb/london/cocaine`. */
  id: string;
  name: string;
  /** e.g. `mg/1000 people/day`, `people`, `crimes`. */
  unit: string;
  /** The place measured: a city, a police force area, a country. */
  area: string;
  /** ISO 3166 alpha-2 code of the area's country, lower case; '' when none applies. */
  country: string;
  /** What is measured: a substance, a crime type, `people`, `boats`. */
  subject: string;
  frequency: SeriesFrequency;
  /** Who published the figures, as a citation. */
  source: string;
}

export interface SeriesPoint {
  /** The first day of the period, `YYYY-MM-DD` (a year is `2019-01-01`). */
  period: string;
  value: number;
  /** Bounds the source gives (an interval or a range: each ingest format says which), or null. */
  low: number | null;
  high: number | null;
  /** True when the source covers only part of the period (a year to date). */
  partial?: boolean;
  /** Where the figure is in the source (file and lines). */
  origin?: string;
}

export interface SeriesInput extends SeriesInfo {
  points: SeriesPoint[];
}

export interface SeriesBatch {
  dataset: string;
  /** Source name kept as the provenance origin of the batch. */
  origin: string;
  marking: string;
  grading: string | null;
  series: SeriesInput[];
  checkpoint?: Checkpoint;
}

export interface SeriesBatchResult {
  /** Points newly written per series, in batch order (0: all already there). */
  newPerSeries: number[];
  pointsWritten: number;
  seriesCreated: number;
  /**
   * Points already stored with another value (or a series with another unit or frequency): the stored one is kept
   * and reported here, with its index in the batch and the period (null for the series itself).
   */
  conflicts: { series: string; index: number; period: string | null; reason: string }[];
}

export interface StoredSeries extends SeriesInfo {
  dataset: string;
  marking: string;
  grading: string | null;
  /** Points the reader may see, and the first and last of their periods (null when none). */
  points: number;
  first: string | null;
  last: string | null;
}

export interface StoredSeriesPoint extends SeriesPoint {
  series: string;
  dataset: string;
  marking: string;
  partial: boolean;
  origin: string;
}

export interface SeriesFilter {
  /** Area or country code, case-insensitive (`London`, `gb`). */
  area?: string;
  subject?: string;
  datasets?: readonly string[];
  ids?: readonly string[];
}

export interface ErasureRequest {
  ids: readonly string[];
  /** Why (a legal basis or request reference); recorded in the audit log. */
  reason: string;
}

export interface ErasureResult {
  /** Source record ids erased. */
  records: string[];
  statements: number;
  /** Statements of other records that referred to an erased one. */
  references: number;
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

/** Faceted search: a name query and/or filters; values within one filter are alternatives, filters combine. */
export interface FacetedSearchQuery {
  /** Name words (prefix, case- and accent-insensitive, all required); empty or absent browses by the filters. */
  q?: string;
  /** A schema and its descendants (`LegalEntity` finds people and companies). */
  schema?: string;
  datasets?: readonly string[];
  topics?: readonly string[];
  countries?: readonly string[];
  /** 1..100. */
  limit: number;
  /** 0..10,000. */
  offset?: number;
}

/** A run of a displayed name; `match` marks words the query matched. Text, never markup. */
export interface HighlightPart {
  text: string;
  match: boolean;
}

export interface FacetedHit extends SearchHit {
  datasets: string[];
  topics: string[];
  countries: string[];
  /** Highest marking of what the hit shows. */
  marking: string;
  /** The best-matching visible name (the caption when browsing), split into matched and unmatched parts. */
  highlight: HighlightPart[];
}

export interface FacetCount {
  value: string;
  count: number;
}

/** Entities per value over every visible match (not just the page), the top 30 of each, most frequent first. */
export interface SearchFacets {
  schema: FacetCount[];
  topics: FacetCount[];
  countries: FacetCount[];
  datasets: FacetCount[];
}

export interface SearchResults {
  /** Visible entities matching, over all pages. */
  total: number;
  hits: FacetedHit[];
  facets: SearchFacets;
  /** Highest marking among the statements behind the answer (hits and counts). */
  marking: string;
}

/** Full-text search over document text (see Store.searchText). */
export interface TextSearchQuery {
  /** Words, each matched as a prefix, all required, case- and accent-insensitive (as `search` reads `q`). */
  q: string;
  /** Only text from statements of these datasets; all when absent or empty. At most 100. */
  datasets?: readonly string[];
  /** 1..100. */
  limit: number;
  /** 0..10,000. */
  offset?: number;
}

export interface TextSearchHit {
  id: string;
  schema: string;
  caption: string;
  datasets: string[];
  /** Highest marking of the entity as the reader sees it. */
  marking: string;
  /** Relevance of its best-matching text, higher is better (bm25 on SQLite, ts_rank on PostgreSQL). */
  score: number;
  /** About 240 characters of that text around the first matched word, as text parts (never markup). */
  snippet: HighlightPart[];
}

export interface TextSearchResults {
  /** Visible entities matching, over all pages. */
  total: number;
  hits: TextSearchHit[];
  /** Highest marking among the hits shown (OFFICIAL when none). */
  marking: string;
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
  /**
   * What scoring reads of the entity, kept with its keys so screening need not assemble it from statements; absent
   * for an entity that is not stored under its own id (a member of a resolved cluster) or no longer visible.
   */
  profile?: MatchProfile;
}

/**
 * An entity as the scorer reads it, built by the index from every statement: its schema, the properties scoring
 * and screening filters read (src/resolve/profile.ts), and its datasets.
 */
export interface MatchProfile {
  schema: string;
  properties: Record<string, string[]>;
  datasets: string[];
  /**
   * Its names as the name engine analysed them when it was indexed (src/resolve/names/packed.ts), used only while
   * the stamp is the engine's own.
   */
  names?: { stamp: string; kind: string; list: [string, string][] };
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

/** One query of a batch: its keys and the schemata its candidates may have (any when absent or empty). */
export interface CandidateQuery {
  keys: readonly string[];
  schemata?: readonly string[];
}

/** Options shared by every query of a batch. */
export type CandidateBatchOptions = Omit<CandidateOptions, 'schemata'>;

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

export type { UserRole } from '../access/users.js';

/** A user of the API. The password hash is opaque to the store (src/access/passwords.ts makes and checks it). */
export interface UserRecord {
  /** 1-64 letters, digits, `.`, `_`, `-`; unique regardless of case. */
  name: string;
  passwordHash: string;
  role: UserRole;
  /** Canonical marking text of the highest level the user may see, e.g. `OFFICIAL-SENSITIVE`, `SECRET`. */
  clearance: string;
  /** Caveats held, upper-case and sorted. */
  caveats: string[];
  disabled: boolean;
  /** The TOTP secret (base32, src/access/totp.ts) when a second factor is enrolled, else null. */
  totpSecret: string | null;
  /** Starts at 1 and moves whenever role, clearance, caveats, password, disabled or the TOTP secret change. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** What putUser takes: every field but the name may be left out on an update (it then keeps its value). */
export interface UserInput {
  name: string;
  passwordHash?: string;
  role?: UserRole;
  clearance?: string;
  caveats?: readonly string[];
  disabled?: boolean;
  /** A new TOTP secret (upper-case base32, 10 to 64 bytes) enrols a second factor; null removes it. */
  totpSecret?: string | null;
  /**
   * Records the time step of a TOTP code just accepted at login (moves no version). Refused with USAGE_INVALID
   * unless the user has TOTP and the step is later than the last one recorded, so a code is never used twice.
   */
  totpStep?: number;
}

/** `session` from a login (expires), `token` an API token made from the CLI (expires only when told). */
export type SessionKind = 'session' | 'token';

export interface SessionInput {
  user: string;
  /** SHA-256 of the token in lower-case hex: the token itself never reaches the store. */
  tokenHash: string;
  kind: SessionKind;
  /** ISO time; null for no expiry. */
  expiresAt: string | null;
}

export interface SessionRecord {
  user: string;
  kind: SessionKind;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  /** The user's version when the session was made; a session is valid only while it is still the current one. */
  userVersion: number;
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
  /**
   * Creates a dataset or sets its title and flag. With `keep`, an existing dataset is left exactly as it is (an ingest
   * into a dataset the caller cannot see must not change it, nor learn that it exists).
   */
  upsertDataset(
    ctx: AccessContext,
    info: Pick<DatasetInfo, 'name' | 'title' | 'fictional'>,
    options?: { keep?: boolean },
  ): Promise<void>;
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
  /** Faceted search over source records: a page of hits, the total and facet counts, all over what ctx may see. */
  search(ctx: AccessContext, query: FacetedSearchQuery): Promise<SearchResults>;
  /**
   * Full-text search over document text: the `bodyText` statements the context may see (docs/evidence.md). Query
   * words are folded and prefix-matched as in `search` (src/store/search-query.ts); a query with no word matches
   * nothing. Each matching entity appears once, ranked by its best-matching statement (bm25 on SQLite, ts_rank on
   * PostgreSQL, then id), with a snippet of that statement's text around the first matched word
   * (src/store/sqlite/text-search.ts `snippet`). `total` counts visible matching entities, so hidden statements
   * change neither hits nor counts (R8). USAGE_INVALID for a limit outside 1..100, an offset outside 0..10,000, a q
   * over 1,000 characters or more than 100 datasets.
   */
  searchText(ctx: AccessContext, query: TextSearchQuery): Promise<TextSearchResults>;
  /** Entities whose entity-typed properties point at `id` (edges, sanctions, passports, ...). */
  referencing(ctx: AccessContext, id: string): Promise<Reference[]>;
  datasets(ctx: AccessContext): Promise<DatasetInfo[]>;
  stats(ctx: AccessContext): Promise<StoreStats>;
  /**
   * Entities holding a statement in the dataset that the context may see: `stats(ctx).datasets[dataset].entities`
   * without counting the whole store (seconds at a million entities), for xref's progress.
   */
  datasetEntities(ctx: AccessContext, dataset: string): Promise<number>;
  /** Every visible entity with statements from the dataset, in id order, assembled from that dataset's statements. */
  exportDataset(ctx: AccessContext, dataset: string): AsyncIterable<Entity>;
  /** Where the match-key index stands: statements after `marker` belong to entities whose keys are stale. */
  matchIndexMarker(ctx: AccessContext): Promise<number>;
  /**
   * When the index's profiles were written by another name analysis than `stamp` (src/resolve/names/packed.ts),
   * starts the index over (marker 0) and records `stamp`, so the next build files every entity again; true when it
   * did. Audited when it does.
   */
  restartMatchIndexFor(ctx: AccessContext, stamp: string): Promise<boolean>;
  /** Entities with statements written after `marker`, a page at a time. */
  entitiesChangedSince(ctx: AccessContext, marker: number, limit: number): Promise<ChangedEntities>;
  /** Replaces the keys of the given entities and moves the marker, in one transaction. */
  putMatchKeys(ctx: AccessContext, entries: MatchKeys[], marker: number): Promise<void>;
  /**
   * True when no stored statement is hidden from the context: it may see every marking present in the store and reads
   * through no grading filter. Work that would otherwise check each record against what the reader sees (screening's
   * and xref's R8 re-keying of candidates) may then skip the check.
   */
  seesEverything(ctx: AccessContext): Promise<boolean>;
  /**
   * The stored profiles of these source records, for a context that sees every statement (otherwise none). A record
   * has one only while it is current: the index has read every statement written, and the record is not a member of
   * a resolved cluster now nor was when it was indexed. Callers load the others as entities. Each is the JSON text of
   * a MatchProfile, as stored: the caller parses it where it is read (xref hands it to a scoring thread unread).
   */
  matchProfiles(ctx: AccessContext, ids: readonly string[]): Promise<Map<string, string>>;
  /** Entities sharing the most informative keys with a query, best first. */
  candidates(ctx: AccessContext, keys: string[], options: CandidateOptions): Promise<Candidate[]>;
  /**
   * `candidates` for many queries at once, in their order, with the same answers: each distinct key's postings are
   * read once for the whole batch (cross-referencing a dataset asks the same common keys thousands of times).
   */
  candidatesBatch(
    ctx: AccessContext,
    queries: readonly CandidateQuery[],
    options: CandidateBatchOptions,
  ): Promise<Candidate[][]>;
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
  /**
   * Appends audit records for actions that change nothing in the store (reads, exports, logins refused) and
   * resolves once they are durable; AUDIT_UNAVAILABLE when they cannot be written, and the caller must then refuse
   * the read (SECURITY.md R12). Every write method of the store records its own event inside its transaction, with
   * the context's user, purpose and request id.
   */
  audit(ctx: AccessContext, events: readonly AuditEventInput[]): Promise<AuditRecord[]>;
  /** Audit records, newest first, filtered. Callers check the auditor role; the read is itself audited by them. */
  auditLog(ctx: AccessContext, query: AuditQuery): Promise<AuditRecord[]>;
  /** Every audit record in seq order, a batch at a time: the walk `nexus audit verify` makes. */
  scanAudit(ctx: AccessContext, options?: { batch?: number }): AsyncIterable<AuditRecord[]>;
  /**
   * Erases records for good (DPA 2018 erasure): every statement of each id (a canonical NX- id stands for its
   * members, whose cluster is undone first), every statement elsewhere that refers to them, their names-index,
   * match-key, suggestion and judgement rows. The erasure's audit record names the ids, counts and reason, never
   * an erased value. Ids the context cannot see at all are ENTITY_NOT_FOUND, like missing ones.
   */
  erase(ctx: AccessContext, request: ErasureRequest): Promise<ErasureResult>;
  /**
   * Stores transactions' legs with the batch's provenance (dataset, marking, grading) and checkpoint in one
   * transaction, with its audit record. Legs already stored are skipped; one stored with another amount or time
   * is kept as it was and reported in `conflicts`.
   */
  putTransfers(ctx: AccessContext, batch: TransferBatch): Promise<TransferBatchResult>;
  /** Visible transactions (legs of the context's markings only), grouped per transaction, in store order. */
  scanTransfers(
    ctx: AccessContext,
    options?: { datasets?: readonly string[]; chain?: string; asset?: string; batch?: number },
  ): AsyncIterable<StoredCryptoTx[]>;
  /** Stores address labels with their provenance; returns how many were new. */
  putAddressLabels(
    ctx: AccessContext,
    batch: {
      dataset: string;
      origin: string;
      marking: string;
      grading: string | null;
      labels: AddressLabel[];
    },
  ): Promise<number>;
  /** Visible labels, optionally of one chain or some addresses. */
  addressLabels(
    ctx: AccessContext,
    options?: { chain?: string; addresses?: readonly string[] },
  ): Promise<StoredAddressLabel[]>;
  /**
   * Stores indicator series and their points with the batch's provenance and checkpoint in one transaction, with
   * its audit record. A series is keyed by (dataset, id), a point by its series and period: points already stored
   * are skipped, one stored with another value is kept as it was and reported in `conflicts`.
   */
  putSeries(ctx: AccessContext, batch: SeriesBatch): Promise<SeriesBatchResult>;
  /** Visible series (whose provenance the context may see), by id then dataset, with their visible point counts. */
  listSeries(ctx: AccessContext, filter?: SeriesFilter): Promise<StoredSeries[]>;
  /** Visible points of the series with these ids (of visible series only), by series, dataset and period. */
  seriesPoints(
    ctx: AccessContext,
    ids: readonly string[],
    options?: { datasets?: readonly string[] },
  ): Promise<StoredSeriesPoint[]>;
  /**
   * Writes a consistent copy of the whole store to `path` while it stays online (SQLite's backup API; pg_dump for a
   * server store), after recording the backup in the audit log, so the copy's chain includes its own record.
   */
  backup(ctx: AccessContext, path: string): Promise<{ bytes: number }>;
  /** Changes whenever statements are written or clusters change, so derived products know they are stale. */
  version(ctx: AccessContext): Promise<string>;
  /** SHA-256 over every statement id in order: equal stores have equal digests. */
  digest(ctx: AccessContext): Promise<string>;
  /**
   * Creates the user when the name is new (passwordHash, role and clearance then required; version 1) or updates
   * the fields given. A change of role, clearance, caveats, password hash, disabled or TOTP secret moves
   * `version`, which invalidates every session made before it; an update that changes nothing leaves the record as
   * it was. `totpStep` records a used TOTP step atomically (see UserInput).
   * Names, roles, clearances and caveats are validated (USAGE_INVALID, MARKING_INVALID); a clearance or caveat the
   * context does not itself hold is refused with ACCESS_CONTEXT_INVALID (nobody grants more than they have).
   */
  putUser(ctx: AccessContext, user: UserInput): Promise<UserRecord>;
  /** The user by name (any case), or undefined. */
  getUser(ctx: AccessContext, name: string): Promise<UserRecord | undefined>;
  /** Every user, by name. */
  listUsers(ctx: AccessContext): Promise<UserRecord[]>;
  /**
   * Stores a session or API token under the SHA-256 of its token (64 lower-case hex digits, else USAGE_INVALID),
   * with the user's current version. Refused with USAGE_INVALID for an unknown or disabled user.
   */
  createSession(ctx: AccessContext, session: SessionInput): Promise<SessionRecord>;
  /**
   * The session and its user when the session is valid now: not revoked, not expired (by the store's clock),
   * its user enabled and at the version it had when the session was made. Otherwise undefined, whatever the cause.
   */
  sessionByTokenHash(
    ctx: AccessContext,
    tokenHash: string,
  ): Promise<{ user: UserRecord; session: SessionRecord } | undefined>;
  /** Revokes one session or token (logout); false when there was no such unrevoked session. */
  revokeSession(ctx: AccessContext, tokenHash: string): Promise<boolean>;
  /** Revokes every session and token of a user; returns how many were still unrevoked. */
  revokeSessions(ctx: AccessContext, user: string): Promise<number>;
  close(): Promise<void>;
}
