// The embedded SQLite Store: one file, WAL with synchronous=FULL, statement rows plus a names index.
import { createHash } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AccessContext } from '../../access/index.js';
import type { AuditEventInput, AuditQuery, AuditRecord } from '../../audit/index.js';
import { Entity, NexusError, type Statement } from '../../model/index.js';
import { batchEvent, labelsEvent, seriesEvent, transfersEvent } from '../ingest-audit.js';
import { SchemaCounts, schemaFamily } from '../schema-family.js';
import { ftsQuery } from '../search-query.js';
import type {
  AddressLabel,
  BatchResult,
  Candidate,
  CandidateBatchOptions,
  CandidateOptions,
  CandidateQuery,
  ChangedEntities,
  Checkpoint,
  DatasetInfo,
  EntityFilter,
  ErasureRequest,
  ErasureResult,
  FacetedSearchQuery,
  Judgement,
  JudgementValue,
  MatchKeys,
  MigrationResult,
  Page,
  Reference,
  ScanOptions,
  SearchHit,
  SearchOptions,
  SearchResults,
  SeriesBatch,
  SeriesBatchResult,
  SeriesFilter,
  SessionInput,
  SessionRecord,
  Store,
  StoredAddressLabel,
  StoredCryptoTx,
  StoredSeries,
  StoredSeriesPoint,
  StoreStats,
  Suggestion,
  TextSearchQuery,
  TextSearchResults,
  TransferBatch,
  TransferBatchResult,
  UserInput,
  UserRecord,
  WriteBatch,
} from '../store.js';
import { sessionCreateEvent, sessionRevokeEvent, sessionsRevokeEvent, userPutEvent } from '../user-audit.js';
import { AuditTable } from './audit.js';
import { candidatesBatch } from './candidates-batch.js';
import { CryptoTables } from './crypto.js';
import { eraseRecords } from './erasure.js';
import { MatchIndex } from './match-index.js';
import { migrate } from './migrator.js';
import { Resolution } from './resolution.js';
import { facetedSearch } from './search.js';
import { SeriesTables } from './series.js';
import { textSearch } from './text-search.js';
import { Users } from './users.js';
import {
  ANY_GRADING,
  caveatsOk,
  gradingFiltered,
  type VisibilityParams,
  visibilityParams,
  visibleSql,
} from './visibility.js';
import { SqliteWriter } from './writer.js';

export interface SqliteStoreOptions {
  /** Database file path, or ':memory:' for tests. */
  path: string;
  clock?: () => Date;
  busyTimeoutMs?: number;
  /**
   * Bytes of the database file read through a memory map (PRAGMA mmap_size; 0 reads none that way). Default
   * DEFAULT_MMAP_BYTES; SQLite caps it at its compiled maximum (2 GiB in better-sqlite3's build).
   */
  mmapBytes?: number;
}

/**
 * Screening and xref read a few rows each from all over a large file (candidates' entities and profiles): through
 * the memory map each costs about half as much as a read() into the page cache (measured at a million entities:
 * 2.6 against 4.3 µs a row), and screening answered 13% more queries per CPU-second. Only reads go through the map;
 * SQLite still writes with write(). The mapped pages are the operating system's file cache, not the process's
 * memory, though tools count them in its resident size.
 */
export const DEFAULT_MMAP_BYTES = 2 ** 31;

interface StatementRow {
  id: string;
  entity_id: string;
  schema: string;
  prop: string;
  prop_type: string;
  value: string;
  original_value: string | null;
  dataset: string;
  origin: string;
  first_seen: string;
  last_seen: string;
  marking: string;
  grading: string | null;
}

type RawStatementRow = [
  string,
  string,
  string,
  string,
  string,
  string,
  string | null,
  string,
  string,
  string,
  string,
  string,
  string | null,
  number,
];

const IO_ERRORS = /^SQLITE_(IOERR|FULL|CORRUPT|CANTOPEN|READONLY)/;

/**
 * Switches the file to WAL. On a new file that another process is writing (a second migrator, say), SQLite answers
 * SQLITE_BUSY at once instead of calling the busy handler (its lock upgrade would deadlock), so this waits and retries
 * until the busy timeout has passed, as every other locked statement does.
 */
function enterWal(db: Database.Database, path: string, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      const busy = err instanceof Error && 'code' in err && String(err.code).startsWith('SQLITE_BUSY');
      if (!busy) throw err;
      if (Date.now() >= deadline)
        throw new NexusError(
          'STORE_UNAVAILABLE',
          `store.open: ${path} stayed locked by another process for ${timeoutMs} ms while switching to WAL`,
        );
      Atomics.wait(pause, 0, 0, wait);
    }
  }
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly db: Database.Database;
  private readonly clock: () => Date;
  private writer: SqliteWriter | undefined;
  private matchIndex: MatchIndex | undefined;
  private resolution: Resolution | undefined;
  private userTable: Users | undefined;
  private auditTable: AuditTable | undefined;
  private cryptoTables: CryptoTables | undefined;
  private seriesTables: SeriesTables | undefined;
  private degraded: Error | undefined;
  /** Prepared statements by SQL text: preparing costs more than running the small reads screening makes. */
  private readonly prepared = new Map<string, Database.Statement>();
  private markings: { mlevel: number; caveats: string }[] | undefined;
  private markingsVersion = -1;

  constructor(options: SqliteStoreOptions) {
    this.clock = options.clock ?? (() => new Date());
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    try {
      this.db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 10_000 });
    } catch (err) {
      throw new NexusError(
        'STORE_UNAVAILABLE',
        `store.open: cannot open ${options.path}: ${(err as Error).message}`,
      );
    }
    try {
      enterWal(this.db, options.path, options.busyTimeoutMs ?? 10_000);
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('cache_size = -131072');
    this.db.pragma('temp_store = MEMORY');
    const mmap = options.mmapBytes ?? DEFAULT_MMAP_BYTES;
    if (!Number.isSafeInteger(mmap) || mmap < 0)
      throw new NexusError(
        'USAGE_INVALID',
        `store.open: mmapBytes must be a whole number of bytes, not ${mmap}`,
      );
    if (options.path !== ':memory:') this.db.pragma(`mmap_size = ${mmap}`);
    this.db.function('nexus_caveats_ok', { deterministic: true }, (a: unknown, b: unknown) =>
      caveatsOk(String(a), String(b)),
    );
    this.assertDurable(options.path);
  }

  /** SECURITY.md R3: committed batches must survive power loss, so refuse to run without WAL + FULL sync. */
  private assertDurable(path: string): void {
    const mode = String(this.db.pragma('journal_mode', { simple: true }));
    const sync = Number(this.db.pragma('synchronous', { simple: true }));
    if ((path !== ':memory:' && mode !== 'wal') || sync !== 2) {
      throw new NexusError(
        'DURABILITY_UNSAFE',
        `store.open: ${path} runs journal_mode=${mode} synchronous=${sync}; need wal and FULL (2)`,
      );
    }
  }

  async migrate(): Promise<MigrationResult> {
    const result = migrate(this.db, undefined, this.clock);
    if (!result.error) {
      this.writer = new SqliteWriter(this.db);
      this.matchIndex = new MatchIndex(this.db);
      this.resolution = new Resolution(this.db);
      this.userTable = new Users(this.db);
      this.auditTable = new AuditTable(this.db, this.clock);
      this.cryptoTables = new CryptoTables(this.db);
      this.seriesTables = new SeriesTables(this.db);
    }
    return result;
  }

  private auditing(): AuditTable {
    if (!this.auditTable) throw new NexusError('STORE_UNAVAILABLE', 'store.audit: migrate() has not run');
    return this.auditTable;
  }

  /** Runs a change and appends its audit record in one IMMEDIATE transaction: both commit or neither does. */
  private audited<T>(ctx: AccessContext, run: () => T, event: (result: T) => AuditEventInput): T {
    const audit = this.auditing();
    return this.db
      .transaction(() => {
        const result = run();
        audit.appendTx(ctx, [event(result)]);
        return result;
      })
      .immediate();
  }

  private crypto(): CryptoTables {
    if (!this.cryptoTables) throw new NexusError('STORE_UNAVAILABLE', 'store.crypto: migrate() has not run');
    return this.cryptoTables;
  }

  async putTransfers(ctx: AccessContext, batch: TransferBatch): Promise<TransferBatchResult> {
    this.ready();
    const crypto = this.crypto();
    const now = this.clock().toISOString();
    this.markings = undefined;
    try {
      return this.audited(
        ctx,
        () => {
          const result = crypto.write(batch, now);
          const c = batch.checkpoint;
          if (c)
            this.sql(
              `INSERT INTO ingest_checkpoints (source_key, dataset, items_done, complete, updated_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT(source_key) DO UPDATE SET items_done = excluded.items_done, complete = excluded.complete,
               updated_at = excluded.updated_at`,
            ).run(c.sourceKey, c.dataset, c.itemsDone, c.complete ? 1 : 0, now);
          return result;
        },
        (r) => transfersEvent(batch, r),
      );
    } catch (err) {
      crypto.forget();
      throw err;
    }
  }

  async *scanTransfers(
    ctx: AccessContext,
    options: { datasets?: readonly string[]; chain?: string; asset?: string; batch?: number } = {},
  ): AsyncIterable<StoredCryptoTx[]> {
    yield* this.crypto().scan(ctx, options);
  }

  async putAddressLabels(
    ctx: AccessContext,
    batch: {
      dataset: string;
      origin: string;
      marking: string;
      grading: string | null;
      labels: AddressLabel[];
    },
  ): Promise<number> {
    this.ready();
    const crypto = this.crypto();
    const now = this.clock().toISOString();
    this.markings = undefined;
    try {
      return this.audited(
        ctx,
        () => crypto.putLabels(batch, now),
        (n) => labelsEvent(batch, n),
      );
    } catch (err) {
      crypto.forget();
      throw err;
    }
  }

  async addressLabels(
    ctx: AccessContext,
    options: { chain?: string; addresses?: readonly string[] } = {},
  ): Promise<StoredAddressLabel[]> {
    return this.crypto().labels(ctx, options);
  }

  private series(): SeriesTables {
    if (!this.seriesTables) throw new NexusError('STORE_UNAVAILABLE', 'store.series: migrate() has not run');
    return this.seriesTables;
  }

  async putSeries(ctx: AccessContext, batch: SeriesBatch): Promise<SeriesBatchResult> {
    this.ready();
    const series = this.series();
    const now = this.clock().toISOString();
    this.markings = undefined;
    return this.audited(
      ctx,
      () => {
        const result = series.write(batch, now);
        const c = batch.checkpoint;
        if (c)
          this.sql(
            `INSERT INTO ingest_checkpoints (source_key, dataset, items_done, complete, updated_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT(source_key) DO UPDATE SET items_done = excluded.items_done, complete = excluded.complete,
             updated_at = excluded.updated_at`,
          ).run(c.sourceKey, c.dataset, c.itemsDone, c.complete ? 1 : 0, now);
        return result;
      },
      (r) => seriesEvent(batch, r),
    );
  }

  async listSeries(ctx: AccessContext, filter: SeriesFilter = {}): Promise<StoredSeries[]> {
    return this.series().list(ctx, filter);
  }

  async seriesPoints(
    ctx: AccessContext,
    ids: readonly string[],
    options: { datasets?: readonly string[] } = {},
  ): Promise<StoredSeriesPoint[]> {
    return this.series().points(ctx, ids, options);
  }

  async backup(ctx: AccessContext, path: string): Promise<{ bytes: number }> {
    if (this.db.name === ':memory:' || path === this.db.name)
      throw new NexusError('USAGE_INVALID', 'store.backup: needs a file store and a different target path');
    await this.auditing().append(ctx, [
      { action: 'store.backup', category: 'administration', detail: { target: path } },
    ]);
    try {
      await this.db.backup(path);
    } catch (err) {
      throw new NexusError(
        'STORE_UNAVAILABLE',
        `store.backup: cannot write ${path}: ${(err as Error).message}`,
      );
    }
    return { bytes: statSync(path).size };
  }

  async audit(ctx: AccessContext, events: readonly AuditEventInput[]): Promise<AuditRecord[]> {
    return this.auditing().append(ctx, events);
  }

  async auditLog(_ctx: AccessContext, query: AuditQuery): Promise<AuditRecord[]> {
    return this.auditing().list(query);
  }

  async *scanAudit(_ctx: AccessContext, options: { batch?: number } = {}): AsyncIterable<AuditRecord[]> {
    yield* this.auditing().scan(Math.max(1, options.batch ?? 5000));
  }

  async erase(ctx: AccessContext, request: ErasureRequest): Promise<ErasureResult> {
    this.ready();
    const reason = request.reason.trim();
    if (reason === '') throw new NexusError('USAGE_INVALID', 'store.erase: a reason is required');
    const records = new Set<string>();
    for (const id of request.ids) {
      // Hidden and missing alike: the caller learns nothing about records it cannot see (R9).
      const entity = await this.getEntity(ctx, id);
      if (!entity) throw new NexusError('ENTITY_NOT_FOUND', `store.erase: no entity "${id}"`);
      for (const member of this.resolved().members(this.resolved().canonicalOf(id))) records.add(member);
    }
    // Nobody destroys intelligence they cannot see: a record with statements above the context is refused whole.
    const total = this.sql(
      'SELECT count(*) FROM statements s JOIN entities e ON e.eid = s.eid WHERE e.id = ?',
    ).pluck();
    for (const id of records) {
      if (this.statementsOf(ctx, id).length !== Number(total.get(id)))
        throw new NexusError(
          'FORBIDDEN',
          `store.erase: erasing "${[...request.ids].join(', ')}" needs a clearance that sees all of its records`,
        );
    }
    const now = this.clock().toISOString();
    this.markings = undefined;
    try {
      return this.audited(
        ctx,
        () => eraseRecords(this.db, this.resolved(), [...records].sort(), now),
        (r) => ({
          action: 'entity.erase',
          category: 'erasure',
          objects: r.records,
          detail: { statements: r.statements, references: r.references, reason },
        }),
      );
    } finally {
      this.writer?.forget();
    }
  }

  private ready(): SqliteWriter {
    if (this.degraded)
      throw new NexusError(
        'STORE_DEGRADED',
        `store.write: refused after an earlier storage failure: ${this.degraded.message}`,
      );
    if (!this.writer) throw new NexusError('STORE_UNAVAILABLE', 'store.write: migrate() has not run');
    return this.writer;
  }

  async putStatements(ctx: AccessContext, batch: WriteBatch): Promise<BatchResult> {
    const writer = this.ready();
    try {
      this.markings = undefined;
      return this.audited(
        ctx,
        () => writer.write(batch, this.clock().toISOString()),
        (r) => batchEvent(batch, r),
      );
    } catch (err) {
      writer.forget();
      // SECURITY.md R5: after a failed write or sync, stop writing rather than retry blindly.
      const code = err instanceof Error && 'code' in err ? String(err.code) : '';
      if (IO_ERRORS.test(code)) {
        this.degraded = err as Error;
        throw new NexusError(
          'STORE_DEGRADED',
          `store.putStatements: storage failure (${code}); the batch was rolled back`,
        );
      }
      throw err;
    }
  }

  get health(): { ok: boolean; reason?: string } {
    return this.degraded ? { ok: false, reason: this.degraded.message } : { ok: true };
  }

  async upsertDataset(
    ctx: AccessContext,
    info: Pick<DatasetInfo, 'name' | 'title' | 'fictional'>,
    options: { keep?: boolean } = {},
  ): Promise<void> {
    this.ready();
    const now = this.clock().toISOString();
    const conflict = options.keep
      ? 'DO NOTHING'
      : 'DO UPDATE SET title = excluded.title, fictional = excluded.fictional, updated_at = excluded.updated_at';
    this.audited(
      ctx,
      () =>
        this.sql(
          `INSERT INTO datasets (name, title, fictional, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(name) ${conflict}`,
        ).run(info.name, info.title, info.fictional ? 1 : 0, now, now),
      () => ({ action: 'dataset.put', category: 'collection', objects: [info.name] }),
    );
  }

  async getCheckpoint(_ctx: AccessContext, sourceKey: string): Promise<Checkpoint | undefined> {
    const row = this.db.prepare('SELECT * FROM ingest_checkpoints WHERE source_key = ?').get(sourceKey) as
      | { source_key: string; dataset: string; items_done: number; complete: number }
      | undefined;
    return (
      row && {
        sourceKey: row.source_key,
        dataset: row.dataset,
        itemsDone: row.items_done,
        complete: row.complete === 1,
      }
    );
  }

  /** A prepared statement, kept for reuse (at most 256 texts). */
  private sql(text: string): Database.Statement {
    let stmt = this.prepared.get(text);
    if (!stmt) {
      if (this.prepared.size >= 256) this.prepared.clear();
      stmt = this.db.prepare(text);
      this.prepared.set(text, stmt);
    }
    return stmt;
  }

  /** True when the context can see every marking present, so queries can skip the per-row check. */
  private seesAll(v: VisibilityParams): boolean {
    // A grading filter selects statements whatever their marking: no query may skip the predicate then.
    if (gradingFiltered(v)) return false;
    // The markings present change only when statements are written: by this connection (putStatements clears the
    // cache) or by another process, which moves PRAGMA data_version. A stale list here would skip the filter.
    const version = Number(this.sql('PRAGMA data_version').pluck().get());
    if (version !== this.markingsVersion) {
      this.markings = undefined;
      this.markingsVersion = version;
    }
    this.markings ??= this.db.prepare('SELECT mlevel, caveats FROM markings_present').all() as {
      mlevel: number;
      caveats: string;
    }[];
    return this.markings.every((r) => r.mlevel <= v.rank && caveatsOk(r.caveats, v.held) === 1);
  }

  private visible(ctx: AccessContext, alias: string): { sql: string; params: VisibilityParams } {
    const params = visibilityParams(ctx);
    // Markings live on the provenance row joined as `<alias>p`.
    return { sql: this.seesAll(params) ? '1' : visibleSql(`${alias}p`), params };
  }

  private statementsOf(ctx: AccessContext, id: string, dataset?: string): Statement[] {
    const vis = this.visible(ctx, 's');
    const sql = `SELECT s.id, e.id AS entity_id, sp.schema, s.prop, s.prop_type, s.value, s.original_value, sp.dataset, sp.origin,
        sp.first_seen, s.last_seen, sp.marking, sp.grading
      FROM entities e JOIN statements s ON s.eid = e.eid JOIN provenance sp ON sp.pid = s.pid
      WHERE e.id = @id ${dataset ? 'AND sp.dataset = @dataset' : ''} AND ${vis.sql} ORDER BY s.rowid`;
    const rows = this.sql(sql).all({ ...vis.params, id, dataset }) as StatementRow[];
    return rows.map(toStatement);
  }

  async getEntity(ctx: AccessContext, id: string): Promise<Entity | undefined> {
    const canonical = this.resolution?.canonicalOf(id) ?? id;
    if (canonical === id && !id.startsWith('NX-')) return Entity.fromStatements(this.statementsOf(ctx, id));
    // A resolved cluster: the canonical entity holds every member's visible statements; any member id finds it.
    const members = this.resolved().members(canonical);
    const statements = members.flatMap((m) => this.statementsOf(ctx, m));
    const visible = [...new Set(statements.map((st) => st.entityId))].sort();
    return Entity.fromStatements(statements, { id: canonical, referents: visible });
  }

  async getEntities(ctx: AccessContext, ids: readonly string[]): Promise<Map<string, Entity>> {
    const out = new Map<string, Entity>();
    const plain: string[] = [];
    for (const id of new Set(ids)) {
      const canonical = this.resolution?.canonicalOf(id) ?? id;
      if (canonical === id && !id.startsWith('NX-')) plain.push(id);
      else {
        const entity = await this.getEntity(ctx, id);
        if (entity) out.set(id, entity);
      }
    }
    for (const [id, entity] of this.sourceEntities(ctx, plain)) out.set(id, entity);
    return out;
  }

  /**
   * Source records by id, as stored (no cluster resolution), one query per hundred ids instead of one per entity:
   * screening, lists and search each load dozens at a time.
   */
  private sourceEntities(ctx: AccessContext, ids: readonly string[]): Map<string, Entity> {
    const out = new Map<string, Entity>();
    const vis = this.visible(ctx, 's');
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      const params: Record<string, unknown> = { ...vis.params };
      chunk.forEach((id, k) => {
        params[`i${k}`] = id;
      });
      const rows = this.sql(
        `SELECT s.id, e.id AS entity_id, sp.schema, s.prop, s.prop_type, s.value, s.original_value, sp.dataset, sp.origin,
           sp.first_seen, s.last_seen, sp.marking, sp.grading
         FROM entities e JOIN statements s ON s.eid = e.eid JOIN provenance sp ON sp.pid = s.pid
         WHERE e.id IN (${chunk.map((_, k) => `@i${k}`).join(', ')}) AND ${vis.sql} ORDER BY e.eid, s.rowid`,
      ).all(params) as StatementRow[];
      const groups = new Map<string, Statement[]>();
      for (const row of rows) {
        const list = groups.get(row.entity_id);
        if (list) list.push(toStatement(row));
        else groups.set(row.entity_id, [toStatement(row)]);
      }
      for (const [id, statements] of groups) {
        const entity = Entity.fromStatements(statements);
        if (entity) out.set(id, entity);
      }
    }
    return out;
  }

  private resolved(): Resolution {
    if (!this.resolution)
      throw new NexusError('STORE_UNAVAILABLE', 'store.resolution: migrate() has not run');
    return this.resolution;
  }

  async judge(
    ctx: AccessContext,
    a: string,
    b: string,
    judgement: JudgementValue,
    reason: string,
  ): Promise<{ canonical: string | null }> {
    this.ready();
    for (const id of [a, b]) {
      if (!(await this.getEntity(ctx, id)))
        throw new NexusError('ENTITY_NOT_FOUND', `store.judge: no entity "${id}"`);
    }
    return this.audited(
      ctx,
      () => this.resolved().judge(ctx.user, a, b, judgement, reason, this.clock().toISOString()),
      (r) => ({
        action: 'xref.judge',
        category: 'combination',
        objects: [a, b],
        detail: { judgement, canonical: r.canonical },
      }),
    );
  }

  async judgements(_ctx: AccessContext, id: string): Promise<Judgement[]> {
    return this.resolved().judgements(id);
  }

  async putSuggestions(ctx: AccessContext, suggestions: Suggestion[]): Promise<number> {
    this.ready();
    return this.audited(
      ctx,
      () => this.resolved().putSuggestions(suggestions, this.clock().toISOString()),
      (n) => ({ action: 'xref.suggest', category: 'combination', detail: { suggestions: n } }),
    );
  }

  async nextSuggestion(ctx: AccessContext, skip = 0): Promise<Suggestion | undefined> {
    // Suggestions whose records the context cannot see are passed over, as if they did not exist: `skip` counts
    // only visible ones, so skipping cannot reveal that hidden suggestions sit in between.
    let visible = 0;
    for (let n = 0; ; n++) {
      const s = this.resolved().nextSuggestion(n);
      if (!s) return undefined;
      if (this.seesWhole(ctx, s.a) && this.seesWhole(ctx, s.b) && visible++ === skip) return s;
    }
  }

  /**
   * True when the context sees every statement of the record (of each member, for a resolved id). A suggestion's
   * score and explanation were made from whole records, so they can quote values the context may not see (R8).
   */
  private seesWhole(ctx: AccessContext, id: string): boolean {
    const canonical = this.resolution?.canonicalOf(id) ?? id;
    const members = canonical === id && !id.startsWith('NX-') ? [id] : this.resolved().members(canonical);
    // Markings only: a grading filter narrows a view, it does not bar the reader from the values.
    const params = { ...visibilityParams(ctx), grades: ANY_GRADING, ungraded: 1 };
    const count = this.sql(
      `SELECT count(*) AS total, coalesce(sum(${visibleSql('sp')}), 0) AS shown FROM entities e
       JOIN statements s ON s.eid = e.eid JOIN provenance sp ON sp.pid = s.pid WHERE e.id = @id`,
    );
    return members.every((m) => {
      const row = count.get({ ...params, id: m }) as { total: number; shown: number };
      return row.total > 0 && row.shown === row.total;
    });
  }

  async unmerge(ctx: AccessContext, canonical: string): Promise<string[]> {
    this.ready();
    // A cluster holding anything the context may not see is not its to undo, and it answers as a missing one: the
    // answer would list the hidden members (R8, R9).
    if (!this.seesWhole(ctx, canonical))
      throw new NexusError('ENTITY_NOT_FOUND', `resolve.unmerge: no cluster "${canonical}"`);
    return this.audited(
      ctx,
      () => this.resolved().unmerge(canonical, this.clock().toISOString()),
      (members) => ({ action: 'xref.unmerge', category: 'alteration', objects: [canonical, ...members] }),
    );
  }

  async canonicalOf(_ctx: AccessContext, id: string): Promise<string> {
    return this.resolved().canonicalOf(id);
  }

  async listEntities(
    ctx: AccessContext,
    filter: EntityFilter,
    page: { limit: number; after?: string | null },
  ): Promise<Page<Entity>> {
    const limit = Math.max(1, Math.min(page.limit, 1000));
    const vis = this.visible(ctx, 'v');
    const after = page.after ? Number(page.after) : 0;
    if (!Number.isSafeInteger(after))
      throw new NexusError('USAGE_INVALID', `store.listEntities: bad page cursor "${page.after}"`);
    const where: string[] = [
      'e.eid > @after',
      `EXISTS (SELECT 1 FROM statements v JOIN provenance vp ON vp.pid = v.pid WHERE v.eid = e.eid AND ${vis.sql})`,
    ];
    const params: Record<string, unknown> = { ...vis.params, after, limit: limit + 1 };
    let from = 'entities e';
    if (filter.topic !== undefined || filter.country !== undefined) {
      const type = filter.topic !== undefined ? 'topic' : 'country';
      from = `(SELECT DISTINCT f.eid AS fid FROM statements f JOIN provenance fp ON fp.pid = f.pid WHERE f.prop_type = '${type}' AND f.value = @facet AND ${vis.sql.replaceAll('vp.', 'fp.')}) x JOIN entities e ON e.eid = x.fid`;
      params.facet = filter.topic ?? filter.country;
      if (filter.topic !== undefined && filter.country !== undefined) {
        where.push(
          `EXISTS (SELECT 1 FROM statements c JOIN provenance cp ON cp.pid = c.pid WHERE c.prop_type = 'country' AND c.value = @country AND c.eid = e.eid AND ${vis.sql.replaceAll('vp.', 'cp.')})`,
        );
        params.country = filter.country;
      }
    }
    if (filter.dataset !== undefined) {
      // Through visible statements: membership known only from a hidden statement selects nothing (R8).
      where.push(
        `EXISTS (SELECT 1 FROM statements d JOIN provenance dp ON dp.pid = d.pid WHERE d.eid = e.eid AND dp.dataset = @dataset AND ${vis.sql.replaceAll('vp.', 'dp.')})`,
      );
      params.dataset = filter.dataset;
    }
    if (filter.schema !== undefined) {
      where.push(schemaClause(filter.schema, params));
    }
    const rows = this.db
      .prepare(`SELECT e.eid, e.id FROM ${from} WHERE ${where.join(' AND ')} ORDER BY e.eid LIMIT @limit`)
      .all(params) as { eid: number; id: string }[];
    const more = rows.length > limit;
    const pageRows = more ? rows.slice(0, limit) : rows;
    const loaded = this.sourceEntities(
      ctx,
      pageRows.map((r) => r.id),
    );
    const family = filter.schema === undefined ? undefined : new Set(schemaFamily(filter.schema));
    // The stored schema may have been refined by statements the context cannot see: filter on the visible one too.
    const items = pageRows.flatMap((r) => {
      const e = loaded.get(r.id);
      return e && (!family || family.has(e.schema.name)) ? [e] : [];
    });
    const last = pageRows[pageRows.length - 1];
    return { items, next: more && last ? String(last.eid) : null };
  }

  async searchNames(ctx: AccessContext, query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const match = ftsQuery(query);
    if (match === undefined) return [];
    const limit = Math.max(1, Math.min(options.limit ?? 20, 500));
    const vis = this.visible(ctx, 's');
    const params: Record<string, unknown> = { ...vis.params, match, limit, pool: limit * 20 };
    const where = [vis.sql];
    if (options.dataset !== undefined) {
      where.push('sp.dataset = @dataset');
      params.dataset = options.dataset;
    }
    if (options.schema !== undefined) {
      where.push(schemaClause(options.schema, params));
    }
    const rows = this.db
      .prepare(
        `SELECT e.id AS id, e.schema AS schema, min(h.rank) AS rank
         FROM (SELECT rowid, bm25(names_fts) AS rank FROM names_fts WHERE names_fts MATCH @match ORDER BY rank LIMIT @pool) h
         JOIN statements s ON s.rowid = h.rowid JOIN provenance sp ON sp.pid = s.pid JOIN entities e ON e.eid = s.eid
         WHERE ${where.join(' AND ')} GROUP BY e.eid ORDER BY rank, e.id LIMIT @limit`,
      )
      .all(params) as { id: string; schema: string; rank: number }[];
    const loaded = this.sourceEntities(
      ctx,
      rows.map((r) => r.id),
    );
    const family = options.schema === undefined ? undefined : new Set(schemaFamily(options.schema));
    const hits: SearchHit[] = [];
    for (const row of rows) {
      const entity = loaded.get(row.id);
      // The schema filter holds for the schema the context sees, not one refined by hidden statements (R8).
      if (!entity || (family && !family.has(entity.schema.name))) continue;
      hits.push({
        id: row.id,
        schema: entity.schema.name,
        caption: entity.caption,
        score: Math.round(-row.rank * 1000) / 1000,
      });
    }
    return hits;
  }

  /** Faceted search (src/store/sqlite/search.ts), through this store's visibility rule and loader. */
  async search(ctx: AccessContext, query: FacetedSearchQuery): Promise<SearchResults> {
    const params = visibilityParams(ctx);
    return facetedSearch(query, {
      db: this.db,
      params,
      seesAll: this.seesAll(params),
      ...(query.schema !== undefined ? { family: schemaFamily(query.schema) } : {}),
      load: (ids) => this.sourceEntities(ctx, ids),
    });
  }

  /** Document text search (src/store/sqlite/text-search.ts), through this store's visibility rule and loader. */
  async searchText(ctx: AccessContext, query: TextSearchQuery): Promise<TextSearchResults> {
    const params = visibilityParams(ctx);
    return textSearch(query, {
      db: this.db,
      params,
      seesAll: this.seesAll(params),
      load: (ids) => this.sourceEntities(ctx, ids),
    });
  }

  async referencing(ctx: AccessContext, id: string): Promise<Reference[]> {
    const vis = this.visible(ctx, 's');
    const rows = this.db
      .prepare(
        `SELECT DISTINCT e.id AS entityId, e.schema AS schema, s.prop AS prop FROM statements s JOIN provenance sp ON sp.pid = s.pid
         JOIN entities e ON e.eid = s.eid
         WHERE s.prop_type = 'entity' AND s.value = @id AND ${vis.sql} ORDER BY e.id, s.prop`,
      )
      .all({ ...vis.params, id }) as Reference[];
    if (vis.sql === '1') return rows;
    // The schema of each referencing entity as the context sees it, not as hidden statements refined it (R8).
    const loaded = this.sourceEntities(ctx, [...new Set(rows.map((r) => r.entityId))]);
    return rows.map((r) => ({ ...r, schema: loaded.get(r.entityId)?.schema.name ?? r.schema }));
  }

  /** Datasets in which the context can see at least one statement; the others do not exist for it (R9). */
  async datasets(ctx: AccessContext): Promise<DatasetInfo[]> {
    const vis = this.visible(ctx, 's');
    const any = this.db.prepare(
      `SELECT 1 FROM provenance sp WHERE sp.dataset = @dataset AND ${vis.sql} LIMIT 1`,
    );
    return (await this.allDatasets()).filter(
      (d) => any.get({ ...vis.params, dataset: d.name }) !== undefined,
    );
  }

  private async allDatasets(): Promise<DatasetInfo[]> {
    const rows = this.db.prepare('SELECT * FROM datasets ORDER BY name').all() as {
      name: string;
      title: string;
      fictional: number;
      created_at: string;
      updated_at: string;
    }[];
    return rows.map((r) => ({
      name: r.name,
      title: r.title,
      fictional: r.fictional === 1,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  async datasetEntities(ctx: AccessContext, dataset: string): Promise<number> {
    const vis = this.visible(ctx, 's');
    // Every entity given a statement in a dataset is listed under it; each is counted if one such statement shows.
    const sql = `SELECT count(*) FROM entity_datasets d WHERE d.dataset = @dataset AND EXISTS (
       SELECT 1 FROM statements s JOIN provenance sp ON sp.pid = s.pid
       WHERE s.eid = d.eid AND sp.dataset = @dataset AND ${vis.sql})`;
    return Number(
      this.sql(sql)
        .pluck()
        .get({ ...vis.params, dataset }),
    );
  }

  async stats(ctx: AccessContext): Promise<StoreStats> {
    const vis = this.visible(ctx, 's');
    const schemaRows =
      vis.sql === '1'
        ? (this.db
            .prepare('SELECT schema, count(*) AS n FROM entities GROUP BY schema ORDER BY schema')
            .all() as { schema: string; n: number }[])
        : this.visibleSchemaCounts(vis.sql, vis.params);
    const dsRows = this.db
      .prepare(
        `SELECT sp.dataset AS dataset, count(*) AS statements, count(DISTINCT s.eid) AS entities FROM statements s JOIN provenance sp ON sp.pid = s.pid WHERE ${vis.sql} GROUP BY sp.dataset ORDER BY sp.dataset`,
      )
      .all(vis.params) as { dataset: string; statements: number; entities: number }[];
    const entities: Record<string, number> = {};
    for (const r of schemaRows) entities[r.schema] = r.n;
    const datasets: Record<string, { entities: number; statements: number }> = {};
    let statements = 0;
    for (const r of dsRows) {
      datasets[r.dataset] = { entities: r.entities, statements: r.statements };
      statements += r.statements;
    }
    return { entities, statements, datasets };
  }

  /**
   * Entities per schema as a context that may not see everything sees them: each entity's schema folded from its
   * visible statements (as Entity.fromStatements does), since the stored one may be refined by hidden ones (R8).
   */
  private visibleSchemaCounts(vis: string, params: VisibilityParams): { schema: string; n: number }[] {
    const rows = this.db
      .prepare(
        `SELECT s.eid, sp.schema FROM statements s JOIN provenance sp ON sp.pid = s.pid WHERE ${vis}
         GROUP BY s.eid, sp.schema ORDER BY s.eid, min(s.rowid)`,
      )
      .raw()
      .iterate(params) as IterableIterator<[number, string]>;
    const counts = new SchemaCounts();
    for (const [id, name] of rows) counts.add(id, name);
    return counts.done().map(([schema, n]) => ({ schema, n }));
  }

  async *exportDataset(ctx: AccessContext, dataset: string): AsyncIterable<Entity> {
    const page = this.db.prepare(
      'SELECT d.eid, e.id FROM entity_datasets d JOIN entities e ON e.eid = d.eid WHERE d.dataset = ? AND d.eid > ? ORDER BY d.eid LIMIT 1000',
    );
    let after = 0;
    for (;;) {
      const rows = page.all(dataset, after) as { eid: number; id: string }[];
      if (rows.length === 0) return;
      for (const row of rows) {
        const entity = Entity.fromStatements(this.statementsOf(ctx, row.id, dataset));
        if (entity) yield entity;
      }
      after = rows[rows.length - 1]?.eid ?? after;
    }
  }

  async *scanEntities(ctx: AccessContext, options: ScanOptions = {}): AsyncIterable<Entity[]> {
    const step = Math.max(1, Math.min(options.batch ?? 1000, 10_000));
    const params: Record<string, unknown> = {};
    const datasets = options.datasets ?? [];
    datasets.forEach((d, k) => {
      params[`d${k}`] = d;
    });
    const dsSql = datasets.length ? `AND sp.dataset IN (${datasets.map((_, k) => `@d${k}`).join(', ')})` : '';
    const top = Number(this.sql('SELECT coalesce(max(eid), 0) FROM entities').pluck().get());
    // Ranges of entity keys rather than one long cursor: each batch is its own short read, so writers are never
    // held up and the connection stays free between batches.
    for (let from = 0; from < top; from += step) {
      const vis = this.visible(ctx, 's');
      // Raw rows (arrays) in index order: no per-row objects from the driver and no sort, the two costs that
      // dominated a projection's scan.
      const rows = this.sql(
        `SELECT s.id, e.id AS entity_id, sp.schema, s.prop, s.prop_type, s.value, s.original_value, sp.dataset, sp.origin,
           sp.first_seen, s.last_seen, sp.marking, sp.grading, s.rowid
         FROM statements s JOIN entities e ON e.eid = s.eid JOIN provenance sp ON sp.pid = s.pid
         WHERE s.eid > @from AND s.eid <= @to AND ${vis.sql} ${dsSql} ORDER BY s.eid`,
      )
        .raw()
        .all({ ...params, ...vis.params, from, to: from + step }) as RawStatementRow[];
      const batch: Entity[] = [];
      let group: Statement[] = [];
      let order: number[] = [];
      const flush = () => {
        // Statements in write order within each entity, as getEntity gives them (captions depend on it).
        const sorted = order.map((_, i) => i).sort((a, b) => (order[a] as number) - (order[b] as number));
        const entity = group.length
          ? Entity.fromStatements(sorted.map((i) => group[i] as Statement))
          : undefined;
        if (entity) batch.push(entity);
        group = [];
        order = [];
      };
      for (const r of rows) {
        if (group.length && group[0]?.entityId !== r[1]) flush();
        order.push(r[13]);
        group.push({
          id: r[0],
          entityId: r[1],
          schema: r[2],
          prop: r[3],
          propType: r[4],
          value: r[5],
          originalValue: r[6],
          dataset: r[7],
          origin: r[8],
          firstSeen: r[9],
          lastSeen: r[10],
          marking: r[11],
          grading: r[12],
        });
      }
      flush();
      if (batch.length) yield batch;
    }
  }

  async clusterMap(_ctx: AccessContext): Promise<Map<string, string>> {
    const rows = this.db
      .prepare("SELECT member, canonical FROM clusters WHERE member NOT GLOB 'NX-*'")
      .raw()
      .all() as [string, string][];
    return new Map(rows);
  }

  async version(_ctx: AccessContext): Promise<string> {
    const statements = Number(this.sql('SELECT coalesce(max(rowid), 0) FROM statements').pluck().get());
    const decisions = this.sql('SELECT coalesce(max(jid), 0), count(retracted_at) FROM judgements')
      .raw()
      .get() as [number, number];
    const transfers = Number(
      this.sql('SELECT coalesce(max(rowid), 0) + (SELECT count(*) FROM crypto_labels) FROM crypto_transfers')
        .pluck()
        .get(),
    );
    const points = Number(this.sql('SELECT coalesce(max(rowid), 0) FROM indicator_points').pluck().get());
    return `${statements}.${decisions[0]}.${decisions[1]}.${this.auditing().lastErasure()}.${transfers}.${points}`;
  }

  private index(): MatchIndex {
    if (!this.matchIndex)
      throw new NexusError('STORE_UNAVAILABLE', 'store.matchIndex: migrate() has not run');
    return this.matchIndex;
  }

  async matchIndexMarker(_ctx: AccessContext): Promise<number> {
    return this.index().current();
  }

  async entitiesChangedSince(_ctx: AccessContext, marker: number, limit: number): Promise<ChangedEntities> {
    return this.index().changedSince(marker, limit);
  }

  async restartMatchIndexFor(ctx: AccessContext, stamp: string): Promise<boolean> {
    this.ready();
    const index = this.index();
    if (index.nameStamp() === stamp) return false;
    this.audited(
      ctx,
      () => index.restartFor(stamp),
      () => ({ action: 'index.restart', category: 'combination', detail: { stamp } }),
    );
    return true;
  }

  async putMatchKeys(ctx: AccessContext, entries: MatchKeys[], marker: number): Promise<void> {
    this.ready();
    this.audited(
      ctx,
      () => this.index().replace(entries, marker),
      () => ({
        action: 'index.update',
        category: 'combination',
        detail: { entities: entries.length, marker },
      }),
    );
  }

  async matchProfiles(ctx: AccessContext, ids: readonly string[]): Promise<Map<string, string>> {
    if (!this.seesAll(visibilityParams(ctx))) return new Map();
    // Only records not merged into a cluster since they were indexed: a member is scored as its cluster.
    return this.index().profiles(ids);
  }

  /** Candidates come from keys of every statement; callers score them on what the context may see. */
  async candidates(_ctx: AccessContext, keys: string[], options: CandidateOptions): Promise<Candidate[]> {
    this.index(); // refuses an unmigrated store
    const { schemata, ...shared } = options;
    return (await candidatesBatch(this.db, [{ keys, schemata }], shared))[0] ?? [];
  }

  async seesEverything(ctx: AccessContext): Promise<boolean> {
    return this.seesAll(visibilityParams(ctx));
  }

  async candidatesBatch(
    _ctx: AccessContext,
    queries: readonly CandidateQuery[],
    options: CandidateBatchOptions,
  ): Promise<Candidate[][]> {
    return candidatesBatch(this.db, queries, options);
  }

  async digest(ctx: AccessContext): Promise<string> {
    const vis = this.visible(ctx, 's');
    const hash = createHash('sha256');
    const rows = this.db
      .prepare(
        `SELECT s.id FROM statements s JOIN provenance sp ON sp.pid = s.pid WHERE ${vis.sql} ORDER BY s.id`,
      )
      .pluck()
      .iterate(vis.params);
    for (const id of rows) hash.update(`${id as string}\n`);
    return hash.digest('hex');
  }

  private users(): Users {
    if (!this.userTable) throw new NexusError('STORE_UNAVAILABLE', 'store.users: migrate() has not run');
    return this.userTable;
  }

  async putUser(ctx: AccessContext, user: UserInput): Promise<UserRecord> {
    this.ready();
    const users = this.users();
    return this.audited(
      ctx,
      () => ({ before: users.get(user.name), after: users.put(ctx, user, this.clock().toISOString()) }),
      ({ before, after }) => userPutEvent(before, after),
    ).after;
  }

  async getUser(_ctx: AccessContext, name: string): Promise<UserRecord | undefined> {
    return this.users().get(name);
  }

  async listUsers(_ctx: AccessContext): Promise<UserRecord[]> {
    return this.users().list();
  }

  async createSession(ctx: AccessContext, session: SessionInput): Promise<SessionRecord> {
    this.ready();
    return this.audited(
      ctx,
      () => this.users().createSession(session, this.clock().toISOString()),
      sessionCreateEvent,
    );
  }

  async sessionByTokenHash(
    _ctx: AccessContext,
    tokenHash: string,
  ): Promise<{ user: UserRecord; session: SessionRecord } | undefined> {
    return this.users().byTokenHash(tokenHash, this.clock().toISOString());
  }

  async revokeSession(ctx: AccessContext, tokenHash: string): Promise<boolean> {
    this.ready();
    return this.audited(
      ctx,
      () => this.users().revoke(tokenHash, this.clock().toISOString()),
      sessionRevokeEvent,
    );
  }

  async revokeSessions(ctx: AccessContext, user: string): Promise<number> {
    this.ready();
    return this.audited(
      ctx,
      () => this.users().revokeAll(user, this.clock().toISOString()),
      (n) => sessionsRevokeEvent(user, n),
    );
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toStatement(r: StatementRow): Statement {
  return {
    id: r.id,
    entityId: r.entity_id,
    schema: r.schema,
    prop: r.prop,
    propType: r.prop_type,
    value: r.value,
    originalValue: r.original_value,
    dataset: r.dataset,
    origin: r.origin,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    marking: r.marking,
    grading: r.grading,
  };
}

/** `e.schema IN (...)` over a schema's family, binding the names into params. */
function schemaClause(schema: string, params: Record<string, unknown>): string {
  const names = schemaFamily(schema);
  names.forEach((n, i) => {
    params[`s${i}`] = n;
  });
  return `e.schema IN (${names.map((_, i) => `@s${i}`).join(', ')})`;
}
