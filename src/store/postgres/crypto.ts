// The PostgreSQL store's crypto transfers, address labels and indicator series: each write is one transaction under
// the store's write lock with its checkpoint and audit record (the same action, category, objects and detail as the
// SQLite store's), each read filtered by the provenance rows' markings like statements.
import type { AccessContext } from '../../access/index.js';
import { labelsEvent, seriesEvent, transfersEvent } from '../ingest-audit.js';
import { checkSeriesBatch } from '../series-rules.js';
import type {
  AddressLabel,
  SeriesBatch,
  SeriesBatchResult,
  SeriesFilter,
  Store,
  StoredAddressLabel,
  StoredCryptoTx,
  StoredSeries,
  StoredSeriesPoint,
  TransferBatch,
  TransferBatchResult,
} from '../store.js';
import { AddressIds, AddressSet, insertProvenance, markingColumns, saveCheckpoint } from './crypto-shared.js';
import { scanTransfers, writeTransfers } from './crypto-transfers.js';
import { Params } from './db.js';
import type { PgParts } from './parts.js';
import { listSeries, seriesPoints, writeSeries } from './series.js';
import { visibleSql } from './visibility.js';

export type PgCryptoMethods = Pick<
  Store,
  | 'putTransfers'
  | 'scanTransfers'
  | 'putAddressLabels'
  | 'addressLabels'
  | 'putSeries'
  | 'listSeries'
  | 'seriesPoints'
>;

export class PgCrypto implements PgCryptoMethods {
  /** Committed address ids, shared by transfer and label writes. */
  private readonly addresses = new AddressIds();

  constructor(readonly parts: PgParts) {}

  async putTransfers(ctx: AccessContext, batch: TransferBatch): Promise<TransferBatchResult> {
    // A bad marking is refused (MARKING_INVALID) before a transaction starts; the writes below parse it again.
    markingColumns(batch.marking);
    const now = this.parts.clock().toISOString();
    const { result, set, aids } = await this.parts.db.write(
      ctx,
      async (c) => {
        const written = await writeTransfers(c, batch, now, this.addresses);
        await saveCheckpoint(c, batch.checkpoint, now);
        return written;
      },
      ({ result: r }) => transfersEvent(batch, r),
      ({ result: r }) => r.legsWritten,
    );
    this.addresses.keep(set, aids);
    return result;
  }

  async *scanTransfers(
    ctx: AccessContext,
    options: { datasets?: readonly string[]; chain?: string; asset?: string; batch?: number } = {},
  ): AsyncGenerator<StoredCryptoTx[]> {
    yield* scanTransfers(this.parts.db, ctx, options);
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
    markingColumns(batch.marking);
    const now = this.parts.clock().toISOString();
    const { fresh, set, aids } = await this.parts.db.write(
      ctx,
      async (c) => {
        const pid = await insertProvenance(c, 'CryptoLabel', batch, now);
        const set = new AddressSet();
        const positions = batch.labels.map((l) => set.add(l.chain, l.address));
        const { aids } = await this.addresses.resolve(c, set);
        // A label repeated within the batch (same address and label) keeps its first category, as in SQLite.
        const res = await c.query(
          `INSERT INTO crypto_labels (aid, pid, label, category)
           SELECT u.aid, $1, u.label, u.category
           FROM unnest($2::bigint[], $3::text[], $4::text[]) WITH ORDINALITY AS u(aid, label, category, ord)
           ORDER BY u.ord
           ON CONFLICT DO NOTHING`,
          [
            pid,
            positions.map((p) => aids[p]),
            batch.labels.map((l) => l.label),
            batch.labels.map((l) => l.category),
          ],
        );
        return { fresh: res.rowCount ?? 0, set, aids };
      },
      ({ fresh: n }) => labelsEvent(batch, n),
    );
    this.addresses.keep(set, aids);
    return fresh;
  }

  async addressLabels(
    ctx: AccessContext,
    options: { chain?: string; addresses?: readonly string[] } = {},
  ): Promise<StoredAddressLabel[]> {
    if (options.addresses?.length === 0) return [];
    const q = new Params();
    const where = [visibleSql(ctx, 'p', q)];
    if (options.chain !== undefined) where.push(`a.chain = ${q.p(options.chain)}`);
    if (options.addresses !== undefined) where.push(`a.address = ANY(${q.p(options.addresses)}::text[])`);
    // Byte order (COLLATE "C"), as SQLite sorts text, whatever the database's collation; the same label from
    // several batches comes in the order they were stored.
    return this.parts.db.query<StoredAddressLabel>(
      `SELECT a.chain, a.address, l.label, l.category, p.dataset, p.marking
       FROM crypto_labels l JOIN crypto_addresses a ON a.aid = l.aid JOIN provenance p ON p.pid = l.pid
       WHERE ${where.join(' AND ')}
       ORDER BY a.chain COLLATE "C", a.address COLLATE "C", l.label COLLATE "C", l.pid`,
      q.values,
    );
  }

  async putSeries(ctx: AccessContext, batch: SeriesBatch): Promise<SeriesBatchResult> {
    checkSeriesBatch(batch);
    markingColumns(batch.marking);
    const now = this.parts.clock().toISOString();
    return this.parts.db.write(
      ctx,
      async (c) => {
        const result = await writeSeries(c, batch, now);
        await saveCheckpoint(c, batch.checkpoint, now);
        return result;
      },
      (r) => seriesEvent(batch, r),
      (r) => r.pointsWritten,
    );
  }

  listSeries(ctx: AccessContext, filter: SeriesFilter = {}): Promise<StoredSeries[]> {
    return listSeries(this.parts.db, ctx, filter);
  }

  seriesPoints(
    ctx: AccessContext,
    ids: readonly string[],
    options: { datasets?: readonly string[] } = {},
  ): Promise<StoredSeriesPoint[]> {
    return seriesPoints(this.parts.db, ctx, ids, options);
  }
}
