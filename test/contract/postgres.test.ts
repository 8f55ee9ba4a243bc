// Runs the Store contract against the PostgreSQL store (SECURITY.md R6), each store in a schema of its own.
import { describe, it } from 'vitest';
import { runAuditContract } from './audit-contract.js';
import { runConcurrencyContract } from './concurrency-contract.js';
import { runCryptoContract } from './crypto-contract.js';
import { runDocumentContract } from './document-contract.js';
import { freshSchema, pgStore, pgUnavailable } from './pg.js';
import { runSeriesContract } from './series-contract.js';
import { runStoreContract } from './store-contract.js';

const unavailable = await pgUnavailable();

if (unavailable) {
  describe('postgres store contract', () => {
    it.skip(`skipped: ${unavailable}`, () => {});
  });
} else {
  runStoreContract('postgres', async () => pgStore());
  runAuditContract('postgres', async () => pgStore());
  runCryptoContract('postgres', async () => pgStore());
  runSeriesContract('postgres', async () => pgStore());
  runDocumentContract('postgres', async () => pgStore());
  // Three pools on one schema: the store's write lock orders their transactions, losing none.
  const shared = freshSchema();
  runConcurrencyContract('postgres (three pools, one schema)', async () => pgStore({ schema: shared }));
}
