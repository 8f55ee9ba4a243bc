// Ingest of chain data (formats `transfers`, `utxo`, `labels`): batches of transactions or labels committed whole
// with a checkpoint, resumable after a crash, rejects with file, line and field; the same summary and progress as
// the entity pipeline.
import { basename, resolve } from 'node:path';
import type { AccessContext } from '../access/index.js';
import type { AddressLabel, CryptoTx, Store } from '../store/index.js';
import { type IngestRequest, type IngestSummary, openSource } from './pipeline.js';
import { reject } from './reader.js';
import {
  readAddressList,
  readLabels,
  readTransfers,
  readUtxo,
  type TransferItem,
} from './transfers-reader.js';

export const CHAIN_FORMATS = new Set(['transfers', 'utxo', 'labels']);

/** Legs per committed batch by default: large enough to amortise the sync, small enough to resume cheaply. */
const DEFAULT_BATCH_LEGS = 100_000;

export async function ingestChain(
  ctx: AccessContext,
  store: Store,
  req: IngestRequest,
): Promise<IngestSummary> {
  const format = req.format as 'transfers' | 'utxo' | 'labels';
  // A finished source is read again and the store reports its items as duplicates (R2); an interrupted one
  // resumes after its last committed batch.
  const { marking, grading, files, key, progress, summary, skip } = await openSource(ctx, store, req, format);
  const batchLegs = req.batchSize ?? DEFAULT_BATCH_LEGS;
  const read = (path: string, opts: Parameters<typeof readTransfers>[1]) =>
    format === 'transfers'
      ? readTransfers(path, opts)
      : format === 'utxo'
        ? readUtxo(path, opts)
        : /sanctioned_addresses_[A-Z0-9]+\.txt$/i.test(path)
          ? readAddressList(path, opts)
          : readLabels(path, opts);
  let items = 0;
  let txs: { tx: CryptoTx; line: number }[] = [];
  let labels: AddressLabel[] = [];
  let legs = 0;
  let origin = '';
  progress.emit('start');

  const flush = async (complete: boolean) => {
    const cp = { sourceKey: key, dataset: req.dataset, itemsDone: items, complete };
    if (format === 'labels') {
      if (labels.length) {
        const fresh = await store.putAddressLabels(ctx, {
          dataset: req.dataset,
          origin,
          marking,
          grading,
          labels,
        });
        summary.accepted += fresh;
        summary.duplicates += labels.length - fresh;
      }
      // Labels have no checkpoint of their own: a rerun re-reads them and adds nothing (they are deduplicated).
      labels = [];
      return;
    }
    if (txs.length === 0 && !complete) return;
    const result = await store.putTransfers(ctx, {
      dataset: req.dataset,
      origin,
      marking,
      grading,
      txs: txs.map((t) => t.tx),
      checkpoint: cp,
    });
    const conflicting = new Set(result.conflicts.map((c) => c.index));
    result.newPerTx.forEach((fresh, i) => {
      if (fresh > 0) summary.accepted++;
      else if (!conflicting.has(i)) summary.duplicates++;
    });
    for (const c of result.conflicts) {
      summary.rejected++;
      req.onReject?.(
        reject(origin, 'TX_CONFLICT', `transaction ${c.tx} ${c.reason}; the stored one is kept`, {
          line: txs[c.index]?.line,
          field: 'tx_hash',
        }),
      );
    }
    summary.statements += result.legsWritten;
    summary.entities += result.addressesCreated;
    progress.statements = summary.statements;
    progress.entities = summary.entities;
    txs = [];
    legs = 0;
    progress.tick();
    await new Promise<void>((ok) => setImmediate(ok));
  };

  outer: for (const file of files) {
    origin = basename(file.path);
    const opts = {
      onBytes: (n: number) => {
        progress.bytes += n;
      },
      ...(req.signal ? { signal: req.signal } : {}),
    };
    for await (const item of read(resolve(file.path), opts) as AsyncIterable<TransferItem>) {
      items++;
      if (items <= skip && format !== 'labels') {
        progress.records++;
        summary.duplicates++;
        continue;
      }
      progress.records++;
      if (item.kind === 'reject') {
        summary.rejected++;
        progress.rejected = summary.rejected;
        req.onReject?.(item);
      } else if (item.kind === 'label') labels.push(item.label);
      else {
        txs.push({ tx: item.tx, line: item.line });
        legs += item.tx.legs.length;
      }
      if (legs >= batchLegs || labels.length >= batchLegs) await flush(false);
      if (req.signal?.aborted) break outer;
    }
  }
  if (!req.signal?.aborted) await flush(true);
  summary.elapsedMs = progress.event('done').elapsedMs;
  progress.emit('done');
  return summary;
}
