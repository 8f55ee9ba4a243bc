// The PostgreSQL store's statements, entities, datasets, checkpoints, search (names, faceted, document text), stats,
// export, scan, version, digest, erasure and backup. The work lives in the entities-* and search-* files; this class wires them to the store.
import type { AccessContext } from '../../access/index.js';
import type { Entity } from '../../model/index.js';
import { batchEvent } from '../ingest-audit.js';
import type {
  BatchResult,
  Checkpoint,
  DatasetInfo,
  EntityFilter,
  ErasureRequest,
  ErasureResult,
  FacetedSearchQuery,
  Page,
  Reference,
  ScanOptions,
  SearchHit,
  SearchOptions,
  SearchResults,
  Store,
  StoreStats,
  TextSearchQuery,
  TextSearchResults,
  WriteBatch,
} from '../store.js';
import { backup } from './entities-backup.js';
import { erase } from './entities-erase.js';
import { exportDataset, listEntities, referencing, resolvedEntities, scanEntities } from './entities-read.js';
import { datasetEntities, datasets, digest, stats, upsertDatasetTx, version } from './entities-stats.js';
import { prepareBatch, writeBatch } from './entities-write.js';
import type { PgParts } from './parts.js';
import { facetedSearch } from './search-faceted.js';
import { searchNames } from './search-names.js';
import { searchText } from './search-text.js';

export type PgEntitiesMethods = Pick<
  Store,
  | 'putStatements'
  | 'upsertDataset'
  | 'getCheckpoint'
  | 'getEntity'
  | 'getEntities'
  | 'listEntities'
  | 'searchNames'
  | 'search'
  | 'searchText'
  | 'referencing'
  | 'datasets'
  | 'stats'
  | 'datasetEntities'
  | 'exportDataset'
  | 'scanEntities'
  | 'version'
  | 'digest'
  | 'erase'
  | 'backup'
>;

export class PgEntities implements PgEntitiesMethods {
  constructor(readonly parts: PgParts) {}

  async putStatements(ctx: AccessContext, batch: WriteBatch): Promise<BatchResult> {
    // Everything that needs no database happens before the write lock is taken.
    const prepared = prepareBatch(batch);
    return this.parts.db.write(
      ctx,
      (c) => writeBatch(c, batch, prepared, this.parts.clock().toISOString()),
      (r) => batchEvent(batch, r),
      (r) => r.statementsWritten,
    );
  }

  async upsertDataset(
    ctx: AccessContext,
    info: Pick<DatasetInfo, 'name' | 'title' | 'fictional'>,
    options: { keep?: boolean } = {},
  ): Promise<void> {
    const now = this.parts.clock().toISOString();
    await this.parts.db.write(
      ctx,
      (c) => upsertDatasetTx(c, info, now, options.keep ?? false),
      () => ({ action: 'dataset.put', category: 'collection', objects: [info.name] }),
    );
  }

  async getCheckpoint(_ctx: AccessContext, sourceKey: string): Promise<Checkpoint | undefined> {
    const found = await this.parts.db.query<{
      source_key: string;
      dataset: string;
      items_done: number;
      complete: boolean;
    }>('SELECT source_key, dataset, items_done, complete FROM ingest_checkpoints WHERE source_key = $1', [
      sourceKey,
    ]);
    const row = found[0];
    return (
      row && {
        sourceKey: row.source_key,
        dataset: row.dataset,
        itemsDone: row.items_done,
        complete: row.complete,
      }
    );
  }

  async getEntity(ctx: AccessContext, id: string): Promise<Entity | undefined> {
    return (await resolvedEntities(this.parts.db, ctx, [id])).get(id);
  }

  async getEntities(ctx: AccessContext, ids: readonly string[]): Promise<Map<string, Entity>> {
    return resolvedEntities(this.parts.db, ctx, ids);
  }

  listEntities(
    ctx: AccessContext,
    filter: EntityFilter,
    page: { limit: number; after?: string | null },
  ): Promise<Page<Entity>> {
    return listEntities(this.parts.db, ctx, filter, page);
  }

  searchNames(ctx: AccessContext, query: string, options?: SearchOptions): Promise<SearchHit[]> {
    return searchNames(this.parts.db, ctx, query, options);
  }

  search(ctx: AccessContext, query: FacetedSearchQuery): Promise<SearchResults> {
    return facetedSearch(this.parts.db, ctx, query);
  }

  searchText(ctx: AccessContext, query: TextSearchQuery): Promise<TextSearchResults> {
    return searchText(this.parts.db, ctx, query);
  }

  referencing(ctx: AccessContext, id: string): Promise<Reference[]> {
    return referencing(this.parts.db, ctx, id);
  }

  datasets(ctx: AccessContext): Promise<DatasetInfo[]> {
    return datasets(this.parts.db, ctx);
  }

  stats(ctx: AccessContext): Promise<StoreStats> {
    return stats(this.parts.db, ctx);
  }

  datasetEntities(ctx: AccessContext, dataset: string): Promise<number> {
    return datasetEntities(this.parts.db, ctx, dataset);
  }

  exportDataset(ctx: AccessContext, dataset: string): AsyncIterable<Entity> {
    return exportDataset(this.parts.db, ctx, dataset);
  }

  scanEntities(ctx: AccessContext, options?: ScanOptions): AsyncIterable<Entity[]> {
    return scanEntities(this.parts.db, ctx, options);
  }

  version(_ctx: AccessContext): Promise<string> {
    return version(this.parts.db);
  }

  digest(ctx: AccessContext): Promise<string> {
    return digest(this.parts.db, ctx);
  }

  erase(ctx: AccessContext, request: ErasureRequest): Promise<ErasureResult> {
    return erase(this.parts, ctx, request);
  }

  backup(ctx: AccessContext, path: string): Promise<{ bytes: number }> {
    return backup(this.parts, ctx, path);
  }
}
