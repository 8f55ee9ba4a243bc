// Runs parseBatches in a worker thread when the compiled worker exists (it does not when running from sources).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type ErrorCode, NexusError } from '../model/index.js';
import { type BatchPlan, type ParsedBatch, parseBatches } from './batches.js';
import type { WorkerMessage } from './parse-worker.js';

const WORKER = new URL('./parse-worker.js', import.meta.url);

export function workerAvailable(): boolean {
  return WORKER.protocol === 'file:' && existsSync(fileURLToPath(WORKER));
}

/** Batches from a worker thread when possible, else from this thread; the same batches either way. */
export async function* batchesFor(
  plan: BatchPlan,
  useWorker: boolean,
  signal?: AbortSignal,
): AsyncGenerator<ParsedBatch> {
  if (!useWorker || !workerAvailable()) {
    yield* parseBatches(plan, signal);
    return;
  }
  const worker = new Worker(WORKER, { workerData: plan });
  const queue: WorkerMessage[] = [];
  let notify: (() => void) | undefined;
  let exitError: Error | undefined;
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m);
    notify?.();
  });
  worker.on('error', (err) => {
    exitError = err;
    notify?.();
  });
  worker.on('exit', (code) => {
    if (code !== 0 && !exitError) exitError = new Error(`ingest worker exited with code ${code}`);
    notify?.();
  });
  const onAbort = () => void worker.terminate();
  signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      const msg = queue.shift();
      if (!msg) {
        if (exitError) throw exitError;
        await new Promise<void>((ok) => (notify = ok));
        notify = undefined;
        continue;
      }
      if (msg.type === 'end') return;
      if (msg.type === 'error') {
        if (msg.code) throw new NexusError(msg.code as ErrorCode, msg.message, msg.details);
        throw new Error(msg.message);
      }
      yield msg.batch;
      worker.postMessage('ack');
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}
