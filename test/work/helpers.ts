// Shared by the queue tests: whether Redis answers (the tests skip, saying so, when it does not), a queue of their
// own per test, generated ingest sources big enough to be stopped half-way, and small waiting helpers.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFtmLines, replicate } from '../../src/demo/replicate.js';
import {
  checkReachable,
  type JobQueue,
  type QueueConfig,
  queueConfig,
  type WorkJobView,
} from '../../src/work/index.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why the queue tests cannot run here, or undefined when Redis answers. */
export async function redisUnavailable(): Promise<string | undefined> {
  try {
    await checkReachable(queueConfig({ REDIS_URL }));
    return undefined;
  } catch (err) {
    return `no Redis at ${REDIS_URL} (${err instanceof Error ? err.message : String(err)}); CI runs one`;
  }
}

let counter = 0;

/** A queue name no other test (or test run) uses; remove it with `queue.destroy()`. */
export function uniqueQueue(tag: string, overrides: Partial<QueueConfig> = {}): QueueConfig {
  const name = `test-${tag}-${process.pid}-${Date.now().toString(36)}-${++counter}`;
  return queueConfig(
    { REDIS_URL },
    { name, lockDurationMs: 1500, stalledIntervalMs: 500, cancelPollMs: 100, backoffMs: 100, ...overrides },
  );
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * An FtM JSON-lines source made from the hand-written watchlist fixture, copied `copies` times with new ids (3 lines
 * and 11 statements per copy), so that small batches make an ingest long enough to stop half-way.
 */
export function ftmSource(dir: string, name: string, copies: number): string {
  const text = readFileSync('test/fixtures/ftm/watchlist.ftm.jsonl', 'utf8');
  const base = parseFtmLines(text);
  const file = join(dir, `${name}.ftm.jsonl`);
  writeFileSync(file, `${[...replicate(base, copies)].map((e) => JSON.stringify(e)).join('\n')}\n`);
  return file;
}

export const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** Polls until `check` holds (or throws after `ms`). */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await check();
    if (got !== undefined && got !== false) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const FINISHED = new Set(['done', 'failed', 'cancelled']);

/** The job once it has finished. */
export function finished(queue: JobQueue, id: string, ms = 30_000): Promise<WorkJobView> {
  return until(
    `job ${id} to finish`,
    async () => {
      const j = await queue.get(id);
      return j && FINISHED.has(j.state) ? j : undefined;
    },
    ms,
  );
}
