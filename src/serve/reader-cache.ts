// Answers that depend only on what a reader may see, kept until the store changes: the same signal the graph cache
// uses (Store.version moves whenever statements are written, clusters change or records are erased).
import { type AccessContext, formatGradingFilter } from '../access/index.js';
import type { Store } from '../store/index.js';

/** Everything that decides which statements a context sees: clearance, caveats and grading filter. */
export function readerKey(ctx: AccessContext): string {
  return JSON.stringify([
    ctx.clearance.rank,
    [...ctx.caveats].sort(),
    ctx.grading ? formatGradingFilter(ctx.grading) : null,
  ]);
}

interface Entry {
  version: string;
  value: Promise<unknown>;
}

export class ReaderCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: Store,
    private readonly maxEntries = 64,
  ) {}

  /**
   * `make()`'s answer for this kind of answer and this reader, from cache while the store's version is the one it
   * was made at. The version is read before `make` runs, so a change made meanwhile is seen by the next call.
   */
  async get<T>(ctx: AccessContext, what: string, make: () => Promise<T>): Promise<T> {
    const version = await this.store.version(ctx);
    const key = `${what}\u001f${readerKey(ctx)}`;
    const hit = this.entries.get(key);
    if (hit && hit.version === version) return hit.value as Promise<T>;
    const value = make();
    // Re-inserted, so the oldest entries are those least recently made.
    this.entries.delete(key);
    this.entries.set(key, { version, value });
    // A failure is not kept: the next call tries again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return value;
  }
}
