// What every part of the PostgreSQL store is built with: the pool, the audit log, the clock and the store itself
// (a part may call the store's other methods, e.g. erasure undoing a cluster first).
import type { Store } from '../store.js';
import type { PgAudit } from './audit.js';
import type { PgDb } from './db.js';

export interface PgParts {
  db: PgDb;
  audit: PgAudit;
  clock: () => Date;
  store: Store;
}

/** Thrown by a part of the store not written yet. */
export function notBuilt(method: string): never {
  throw new Error(`postgres store: ${method} is not built yet`);
}
