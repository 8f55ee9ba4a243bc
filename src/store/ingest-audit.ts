// The audit events of the ingest writes (statements, crypto transfers and labels, series) (action, category, objects and detail), shared by the
// SQLite and PostgreSQL stores so both record the same write exactly alike.
import type { AuditEventInput } from '../audit/index.js';
import type {
  BatchResult,
  SeriesBatch,
  SeriesBatchResult,
  TransferBatch,
  TransferBatchResult,
  WriteBatch,
} from './store.js';

/** Store.putTransfers' record. */
export function transfersEvent(batch: TransferBatch, r: TransferBatchResult): AuditEventInput {
  return {
    action: 'ingest.transfers',
    category: 'collection',
    objects: [batch.dataset],
    detail: {
      transactions: batch.txs.length,
      legs_written: r.legsWritten,
      addresses_created: r.addressesCreated,
      conflicts: r.conflicts.length,
      source: batch.checkpoint?.sourceKey ?? null,
    },
  };
}

/** Store.putAddressLabels' record: how many labels came and how many were new. */
export function labelsEvent(
  batch: { dataset: string; labels: readonly unknown[] },
  fresh: number,
): AuditEventInput {
  return {
    action: 'ingest.labels',
    category: 'collection',
    objects: [batch.dataset],
    detail: { labels: batch.labels.length, new: fresh },
  };
}

/** Store.putSeries' record. */
export function seriesEvent(batch: SeriesBatch, r: SeriesBatchResult): AuditEventInput {
  return {
    action: 'ingest.series',
    category: 'collection',
    objects: [batch.dataset],
    detail: {
      series: batch.series.length,
      series_created: r.seriesCreated,
      points_written: r.pointsWritten,
      conflicts: r.conflicts.length,
      source: batch.checkpoint?.sourceKey ?? null,
    },
  };
}

/** Store.putStatements' record. */
export function batchEvent(batch: WriteBatch, r: BatchResult): AuditEventInput {
  return {
    action: 'ingest.batch',
    category: 'collection',
    objects: [batch.dataset],
    detail: {
      records: batch.records.length,
      statements_written: r.statementsWritten,
      entities_created: r.entitiesCreated,
      source: batch.checkpoint?.sourceKey ?? null,
    },
  };
}
