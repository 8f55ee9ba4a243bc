// Worker thread that reads and validates a source, so parsing overlaps with the main thread's database writes.
import { parentPort, workerData } from 'node:worker_threads';
import { isNexusError } from '../model/index.js';
import { type BatchPlan, parseBatches } from './batches.js';

export type WorkerMessage =
  | { type: 'batch'; batch: import('./batches.js').ParsedBatch }
  | { type: 'end' }
  | { type: 'error'; code: string | null; message: string; details: Record<string, unknown> };

const port = parentPort;
if (port) {
  const plan = workerData as BatchPlan;
  // The main thread acknowledges each batch; at most two wait unacknowledged, bounding memory.
  let credits = 2;
  let wake: (() => void) | undefined;
  port.on('message', (msg: string) => {
    if (msg === 'ack') {
      credits++;
      wake?.();
    }
  });
  try {
    for await (const batch of parseBatches(plan)) {
      while (credits === 0) await new Promise<void>((ok) => (wake = ok));
      credits--;
      port.postMessage({ type: 'batch', batch } satisfies WorkerMessage);
    }
    port.postMessage({ type: 'end' } satisfies WorkerMessage);
  } catch (err) {
    const typed = isNexusError(err);
    port.postMessage({
      type: 'error',
      code: typed ? err.code : null,
      message: err instanceof Error ? err.message : String(err),
      details: typed ? { ...err.details } : {},
    } satisfies WorkerMessage);
  }
}
