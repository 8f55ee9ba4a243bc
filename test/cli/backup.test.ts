// R22: an online backup restores to an equal store whose audit chain still verifies; a tampered copy is refused.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { nexus, tempHome } from './helpers.js';

describe('R22 backup and restore', () => {
  it('round-trips: same digest, the chain verifies, and the backup and restore are both on record', async () => {
    const home = tempHome();
    expect((await nexus(home, 'ingest', '--dataset', 'case', 'test/fixtures/ftm/case.ftm.jsonl')).code).toBe(
      0,
    );
    expect(
      (
        await nexus(
          home,
          'ingest',
          '--dataset',
          'chain',
          '--format',
          'transfers',
          'test/fixtures/chain/transfers.csv',
        )
      ).code,
    ).toBe(0);
    const digest = (await nexus(home, 'digest')).stdout;
    const file = join(tempHome('nexus-backup-'), 'copy.db');
    const backup = await nexus(home, 'backup', file);
    expect(backup.stderr).toBe('');
    expect(backup.stdout).toContain('chain intact');
    const restored = tempHome('nexus-restored-');
    const run = await nexus(restored, 'restore', file);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((await nexus(restored, 'digest')).stdout).toBe(digest);
    expect((await nexus(restored, 'audit', 'verify')).code).toBe(0);
    const actions = (await nexus(restored, 'audit', 'list', '--json')).stdout;
    expect(actions).toContain('store.backup');
    expect(actions).toContain('store.restore');
    // Restoring over a store needs --force.
    expect((await nexus(restored, 'restore', file)).code).toBe(2);
    expect((await nexus(restored, 'restore', file, '--force')).code).toBe(0);
  });

  it('refuses a copy whose audit chain is broken, and leaves the target as it was', async () => {
    const home = tempHome();
    await nexus(home, 'ingest', '--dataset', 'case', 'test/fixtures/ftm/case.ftm.jsonl');
    const file = join(tempHome('nexus-backup-'), 'copy.db');
    expect((await nexus(home, 'backup', file)).code).toBe(0);
    const db = new Database(file);
    db.exec(
      "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET purpose = 'nothing to see' WHERE seq = 2;",
    );
    db.close();
    const target = tempHome('nexus-restored-');
    const run = await nexus(target, 'restore', file);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/AUDIT_CHAIN_BROKEN: .*record 2/);
    expect((await nexus(target, 'stats', '--json')).stdout).toContain('"statements": 0');
  });

  it('is for the local operator only', async () => {
    const home = tempHome();
    const run = await nexus(home, '--clearance', 'OFFICIAL', 'backup', join(home, 'x.db'));
    expect(run.stderr).toContain('ACCESS_CONTEXT_INVALID');
  });
});
