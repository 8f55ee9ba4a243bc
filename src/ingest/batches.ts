// Turns a reader's items into validated batches of statements, ready to commit with their checkpoint.
import { resolve } from 'node:path';
import type { StatementGroup } from '../model/index.js';
import { getReader } from './formats.js';
import type { Reject } from './reader.js';
import { type StatementDefaults, validateRecord } from './validate.js';

export interface BatchPlan {
  format: string;
  paths: string[];
  options: [string, string][];
  defaults: StatementDefaults;
  /** Items (records and rejects) an interrupted run already committed; they are counted, not re-validated. */
  skip: number;
  batchSize: number;
}

export interface ParsedBatch {
  /** Statement groups of each accepted record, in source order. */
  records: StatementGroup[][];
  rejects: Reject[];
  /** Source items handled up to and including this batch. */
  itemsDone: number;
  /** Records in this batch that produced no statement at all, plus reader-level rejects. */
  rejectedRecords: number;
  /** Value-level rejects inside records that were kept. */
  invalidValues: number;
  /** Records skipped because an interrupted run had committed them. */
  skippedRecords: number;
  /** Source bytes read so far. */
  bytes: number;
}

function emptyBatch(itemsDone: number, bytes: number): ParsedBatch {
  return {
    records: [],
    rejects: [],
    itemsDone,
    rejectedRecords: 0,
    invalidValues: 0,
    skippedRecords: 0,
    bytes,
  };
}

/** Reads, validates and batches a source in this thread. */
export async function* parseBatches(plan: BatchPlan, signal?: AbortSignal): AsyncGenerator<ParsedBatch> {
  const reader = getReader(plan.format);
  let bytes = 0;
  let items = 0;
  let batch = emptyBatch(0, 0);
  let statements = 0;
  const source = reader.read(
    plan.paths.map((p) => resolve(p)),
    {
      onBytes: (n) => {
        bytes += n;
      },
      options: new Map(plan.options),
      signal,
    },
  );
  for await (const item of source) {
    if (signal?.aborted) return;
    items++;
    // Readers resolve from buffers without ever reaching the event loop; yield now and then so a server stays
    // responsive while it parses on the main thread.
    if ((items & 1023) === 0) await new Promise<void>((ok) => setImmediate(ok));
    if (items <= plan.skip) {
      if (item.kind === 'record') batch.skippedRecords++;
      continue;
    }
    if (item.kind === 'reject') {
      batch.rejectedRecords++;
      batch.rejects.push(item);
    } else {
      const v = validateRecord(item, plan.defaults);
      if (v.statements === 0) {
        batch.rejectedRecords++;
        batch.rejects.push(
          ...(v.rejects.length > 0
            ? v.rejects
            : [
                {
                  kind: 'reject' as const,
                  file: item.origin.file,
                  line: item.origin.line,
                  record: item.origin.record,
                  code: 'RECORD_INVALID',
                  reason: 'record produced no entity',
                },
              ]),
        );
      } else {
        batch.invalidValues += v.rejects.length;
        batch.rejects.push(...v.rejects);
        batch.records.push(v.groups);
        statements += v.statements;
      }
    }
    if (statements >= plan.batchSize) {
      batch.itemsDone = items;
      batch.bytes = bytes;
      yield batch;
      batch = emptyBatch(items, bytes);
      statements = 0;
    }
  }
  batch.itemsDone = items;
  batch.bytes = bytes;
  yield batch;
}
