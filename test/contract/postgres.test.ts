// Runs the Store contract against the PostgreSQL store (SECURITY.md R6), each store in a schema of its own.
import { describe, expect, it } from 'vitest';
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

describe.skipIf(unavailable)('postgres store statistics', () => {
  it('refreshes the planner statistics after a bulk load, without waiting for autovacuum', async () => {
    const { localOperator } = await import('../../src/access/index.js');
    const { newEntity } = await import('../../src/ingest/reader.js');
    const { validateRecord } = await import('../../src/ingest/validate.js');
    const store = pgStore();
    expect((await store.migrate()).error).toBeUndefined();
    const admin = localOperator('t', 'statistics test');
    const records = Array.from({ length: 3000 }, (_, i) => {
      const e = newEntity(`p${i}`, 'Person');
      e.properties.set('name', [`Person ${i}`]);
      e.properties.set('birthDate', ['1970-01-01']);
      const v = validateRecord(
        { kind: 'record', origin: { file: 'bulk.jsonl', line: i + 1 }, entities: [e] },
        { dataset: 'bulk', marking: 'OFFICIAL', grading: null, now: '2026-01-01T00:00:00' },
      );
      return { groups: v.groups };
    });
    await store.putStatements(admin, { dataset: 'bulk', records });
    await store.close();
    const probe = pgStore({ schema: store.schema });
    const rows = await probe.db.query<{ analyzed: boolean; tuples: number }>(
      `SELECT (last_analyze IS NOT NULL) AS analyzed, c.reltuples::bigint AS tuples FROM pg_stat_user_tables t
       JOIN pg_class c ON c.oid = t.relid WHERE t.schemaname = $1 AND t.relname = 'statements'`,
      [store.schema],
    );
    await probe.close();
    expect(rows[0]?.analyzed).toBe(true);
    expect(rows[0]?.tuples).toBeGreaterThanOrEqual(6000);
  });
});
