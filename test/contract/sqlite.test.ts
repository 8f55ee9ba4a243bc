// Runs the Store contract against the embedded SQLite store, in memory and on disk.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/index.js';
import { runStoreContract } from './store-contract.js';

runStoreContract('sqlite (memory)', async () => new SqliteStore({ path: ':memory:' }));
runStoreContract(
  'sqlite (file, WAL)',
  async () => new SqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'nexus-contract-')), 'store.db') }),
);
