// Runs the Store contract against the embedded SQLite store, in memory and on disk.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/index.js';
import { runAuditContract } from './audit-contract.js';
import { runConcurrencyContract } from './concurrency-contract.js';
import { runCryptoContract } from './crypto-contract.js';
import { runDocumentContract } from './document-contract.js';
import { runSeriesContract } from './series-contract.js';
import { runStoreContract } from './store-contract.js';

runStoreContract('sqlite (memory)', async () => new SqliteStore({ path: ':memory:' }));
runStoreContract(
  'sqlite (file, WAL)',
  async () => new SqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'nexus-contract-')), 'store.db') }),
);

runAuditContract('sqlite (memory)', async () => new SqliteStore({ path: ':memory:' }));
runAuditContract(
  'sqlite (file, WAL)',
  async () => new SqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'nexus-audit-')), 'store.db') }),
);

{
  // Three connections to one file: SQLite serialises their writes with its lock (busy timeout), losing none.
  const path = join(mkdtempSync(join(tmpdir(), 'nexus-concurrent-')), 'store.db');
  runConcurrencyContract('sqlite (file, three connections)', async () => new SqliteStore({ path }));
}

runCryptoContract('sqlite (memory)', async () => new SqliteStore({ path: ':memory:' }));
runSeriesContract('sqlite (memory)', async () => new SqliteStore({ path: ':memory:' }));
runDocumentContract('sqlite (memory)', async () => new SqliteStore({ path: ':memory:' }));

describe('SqliteStore marking cache', () => {
  it('sees markings another connection writes (no stale shortcut past the filter)', async () => {
    const { localOperator, makeContext } = await import('../../src/access/index.js');
    const { newEntity } = await import('../../src/ingest/reader.js');
    const { validateRecord } = await import('../../src/ingest/validate.js');
    const path = join(mkdtempSync(join(tmpdir(), 'nexus-stale-')), 'store.db');
    const reader = new SqliteStore({ path });
    const writer = new SqliteStore({ path });
    await reader.migrate();
    await writer.migrate();
    const admin = localOperator('t', 'test');
    const official = makeContext({ user: 'o', clearance: 'OFFICIAL', purpose: 'test' });
    const put = async (id: string, marking: string) => {
      const e = newEntity(id, 'Person');
      e.properties.set('name', [`Name ${id}`]);
      const v = validateRecord(
        { kind: 'record', origin: { file: 'f', line: 1 }, entities: [e] },
        { dataset: 'd', marking, grading: null, now: '2026-01-01T00:00:00' },
      );
      await writer.putStatements(admin, { dataset: 'd', records: [{ groups: v.groups }] });
    };
    await put('open', 'OFFICIAL');
    expect(await reader.getEntity(official, 'open')).toBeDefined();
    await put('hidden', 'SECRET');
    expect(await reader.getEntity(official, 'hidden')).toBeUndefined();
    await reader.close();
    await writer.close();
  });
});
