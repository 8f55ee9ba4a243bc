// The Store on PostgreSQL (`NEXUS_DATABASE_URL=postgres://...`): the same interface and contract suite as the
// embedded SQLite store, for many analysts, API processes and workers on one database. Each part of the store lives
// in its own file; this class holds the pool and hands each method to its part.
import type { AccessContext } from '../../access/index.js';
import type { AuditEventInput, AuditQuery, AuditRecord } from '../../audit/index.js';
import type { MigrationResult, Store } from '../store.js';
import { PgAudit } from './audit.js';
import { PgCrypto } from './crypto.js';
import { PgDb } from './db.js';
import { PgEntities } from './entities.js';
import { seesAll } from './entities-sql.js';
import { migrate } from './migrator.js';
import type { PgParts } from './parts.js';
import { PgResolution } from './resolution.js';

export interface PostgresStoreOptions {
  /** A `postgres://` connection URL. */
  url: string;
  /** The schema holding the store (default `nexus`): one database can hold several stores, e.g. per test. */
  schema?: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  clock?: () => Date;
}

export class PostgresStore implements Store {
  readonly kind = 'postgres';
  readonly db: PgDb;
  private readonly auditLogTable: PgAudit;
  private readonly entities: PgEntities;
  private readonly resolution: PgResolution;
  private readonly crypto: PgCrypto;
  private readonly clock: () => Date;

  constructor(options: PostgresStoreOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.db = new PgDb({ url: options.url, schema: options.schema ?? 'nexus', max: options.maxConnections });
    this.auditLogTable = new PgAudit(this.db, this.clock);
    const parts: PgParts = { db: this.db, audit: this.auditLogTable, clock: this.clock, store: this };
    this.entities = new PgEntities(parts);
    this.resolution = new PgResolution(parts);
    this.crypto = new PgCrypto(parts);
  }

  get schema(): string {
    return this.db.schema;
  }

  get health(): { ok: boolean; reason?: string } {
    return this.db.health;
  }

  async migrate(): Promise<MigrationResult> {
    const result = await migrate(this.db, undefined, this.clock);
    if (!result.error) this.db.useAudit((c, ctx, events) => this.auditLogTable.appendTx(c, ctx, events));
    return result;
  }

  async audit(ctx: AccessContext, events: readonly AuditEventInput[]): Promise<AuditRecord[]> {
    return this.auditLogTable.append(ctx, events);
  }

  async auditLog(_ctx: AccessContext, query: AuditQuery): Promise<AuditRecord[]> {
    return this.auditLogTable.list(query);
  }

  async *scanAudit(_ctx: AccessContext, options: { batch?: number } = {}): AsyncIterable<AuditRecord[]> {
    yield* this.auditLogTable.scan(Math.max(1, options.batch ?? 5000));
  }

  /** Highest seq of an erasure record: part of Store.version. */
  lastErasure(): Promise<number> {
    return this.auditLogTable.lastErasure();
  }

  putStatements(...a: Parameters<Store['putStatements']>): ReturnType<Store['putStatements']> {
    return this.entities.putStatements(...a);
  }
  upsertDataset(...a: Parameters<Store['upsertDataset']>): ReturnType<Store['upsertDataset']> {
    return this.entities.upsertDataset(...a);
  }
  getCheckpoint(...a: Parameters<Store['getCheckpoint']>): ReturnType<Store['getCheckpoint']> {
    return this.entities.getCheckpoint(...a);
  }
  getEntity(...a: Parameters<Store['getEntity']>): ReturnType<Store['getEntity']> {
    return this.entities.getEntity(...a);
  }
  getEntities(...a: Parameters<Store['getEntities']>): ReturnType<Store['getEntities']> {
    return this.entities.getEntities(...a);
  }
  listEntities(...a: Parameters<Store['listEntities']>): ReturnType<Store['listEntities']> {
    return this.entities.listEntities(...a);
  }
  searchNames(...a: Parameters<Store['searchNames']>): ReturnType<Store['searchNames']> {
    return this.entities.searchNames(...a);
  }
  search(...a: Parameters<Store['search']>): ReturnType<Store['search']> {
    return this.entities.search(...a);
  }
  searchText(...a: Parameters<Store['searchText']>): ReturnType<Store['searchText']> {
    return this.entities.searchText(...a);
  }
  referencing(...a: Parameters<Store['referencing']>): ReturnType<Store['referencing']> {
    return this.entities.referencing(...a);
  }
  datasets(...a: Parameters<Store['datasets']>): ReturnType<Store['datasets']> {
    return this.entities.datasets(...a);
  }
  stats(...a: Parameters<Store['stats']>): ReturnType<Store['stats']> {
    return this.entities.stats(...a);
  }
  datasetEntities(...a: Parameters<Store['datasetEntities']>): ReturnType<Store['datasetEntities']> {
    return this.entities.datasetEntities(...a);
  }
  exportDataset(...a: Parameters<Store['exportDataset']>): ReturnType<Store['exportDataset']> {
    return this.entities.exportDataset(...a);
  }
  scanEntities(...a: Parameters<Store['scanEntities']>): ReturnType<Store['scanEntities']> {
    return this.entities.scanEntities(...a);
  }
  version(...a: Parameters<Store['version']>): ReturnType<Store['version']> {
    return this.entities.version(...a);
  }
  digest(...a: Parameters<Store['digest']>): ReturnType<Store['digest']> {
    return this.entities.digest(...a);
  }
  erase(...a: Parameters<Store['erase']>): ReturnType<Store['erase']> {
    return this.entities.erase(...a);
  }
  backup(...a: Parameters<Store['backup']>): ReturnType<Store['backup']> {
    return this.entities.backup(...a);
  }
  judge(...a: Parameters<Store['judge']>): ReturnType<Store['judge']> {
    return this.resolution.judge(...a);
  }
  judgements(...a: Parameters<Store['judgements']>): ReturnType<Store['judgements']> {
    return this.resolution.judgements(...a);
  }
  putSuggestions(...a: Parameters<Store['putSuggestions']>): ReturnType<Store['putSuggestions']> {
    return this.resolution.putSuggestions(...a);
  }
  nextSuggestion(...a: Parameters<Store['nextSuggestion']>): ReturnType<Store['nextSuggestion']> {
    return this.resolution.nextSuggestion(...a);
  }
  unmerge(...a: Parameters<Store['unmerge']>): ReturnType<Store['unmerge']> {
    return this.resolution.unmerge(...a);
  }
  canonicalOf(...a: Parameters<Store['canonicalOf']>): ReturnType<Store['canonicalOf']> {
    return this.resolution.canonicalOf(...a);
  }
  clusterMap(...a: Parameters<Store['clusterMap']>): ReturnType<Store['clusterMap']> {
    return this.resolution.clusterMap(...a);
  }
  matchIndexMarker(...a: Parameters<Store['matchIndexMarker']>): ReturnType<Store['matchIndexMarker']> {
    return this.resolution.matchIndexMarker(...a);
  }

  restartMatchIndexFor(
    ...a: Parameters<Store['restartMatchIndexFor']>
  ): ReturnType<Store['restartMatchIndexFor']> {
    return this.resolution.restartMatchIndexFor(...a);
  }
  entitiesChangedSince(
    ...a: Parameters<Store['entitiesChangedSince']>
  ): ReturnType<Store['entitiesChangedSince']> {
    return this.resolution.entitiesChangedSince(...a);
  }
  putMatchKeys(...a: Parameters<Store['putMatchKeys']>): ReturnType<Store['putMatchKeys']> {
    return this.resolution.putMatchKeys(...a);
  }
  matchProfiles(...a: Parameters<Store['matchProfiles']>): ReturnType<Store['matchProfiles']> {
    return this.resolution.matchProfiles(...a);
  }
  candidates(...a: Parameters<Store['candidates']>): ReturnType<Store['candidates']> {
    return this.resolution.candidates(...a);
  }
  async seesEverything(ctx: AccessContext): Promise<boolean> {
    return this.db.snapshot((c) => seesAll(c, ctx));
  }
  candidatesBatch(...a: Parameters<Store['candidatesBatch']>): ReturnType<Store['candidatesBatch']> {
    return this.resolution.candidatesBatch(...a);
  }
  putUser(...a: Parameters<Store['putUser']>): ReturnType<Store['putUser']> {
    return this.resolution.putUser(...a);
  }
  getUser(...a: Parameters<Store['getUser']>): ReturnType<Store['getUser']> {
    return this.resolution.getUser(...a);
  }
  listUsers(...a: Parameters<Store['listUsers']>): ReturnType<Store['listUsers']> {
    return this.resolution.listUsers(...a);
  }
  createSession(...a: Parameters<Store['createSession']>): ReturnType<Store['createSession']> {
    return this.resolution.createSession(...a);
  }
  sessionByTokenHash(...a: Parameters<Store['sessionByTokenHash']>): ReturnType<Store['sessionByTokenHash']> {
    return this.resolution.sessionByTokenHash(...a);
  }
  revokeSession(...a: Parameters<Store['revokeSession']>): ReturnType<Store['revokeSession']> {
    return this.resolution.revokeSession(...a);
  }
  revokeSessions(...a: Parameters<Store['revokeSessions']>): ReturnType<Store['revokeSessions']> {
    return this.resolution.revokeSessions(...a);
  }
  putTransfers(...a: Parameters<Store['putTransfers']>): ReturnType<Store['putTransfers']> {
    return this.crypto.putTransfers(...a);
  }
  scanTransfers(...a: Parameters<Store['scanTransfers']>): ReturnType<Store['scanTransfers']> {
    return this.crypto.scanTransfers(...a);
  }
  putAddressLabels(...a: Parameters<Store['putAddressLabels']>): ReturnType<Store['putAddressLabels']> {
    return this.crypto.putAddressLabels(...a);
  }
  addressLabels(...a: Parameters<Store['addressLabels']>): ReturnType<Store['addressLabels']> {
    return this.crypto.addressLabels(...a);
  }
  putSeries(...a: Parameters<Store['putSeries']>): ReturnType<Store['putSeries']> {
    return this.crypto.putSeries(...a);
  }
  listSeries(...a: Parameters<Store['listSeries']>): ReturnType<Store['listSeries']> {
    return this.crypto.listSeries(...a);
  }
  seriesPoints(...a: Parameters<Store['seriesPoints']>): ReturnType<Store['seriesPoints']> {
    return this.crypto.seriesPoints(...a);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
