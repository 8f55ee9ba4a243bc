// SQLite-specific guarantees: durable settings at start-up (R3) and atomic, single-runner migrations (R21).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from './migrations.js';
import { migrate } from './migrator.js';
import { SqliteStore } from './sqlite-store.js';

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'nexus-sqlite-')), 'nexus.db');
}

describe('SqliteStore durability (R3)', () => {
  it('runs in WAL mode with synchronous=FULL', async () => {
    const store = new SqliteStore({ path: tempDb() });
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    await store.close();
  });
});

describe('migrations (R21)', () => {
  it('apply all or nothing and report the error instead of throwing', () => {
    const db = new Database(':memory:');
    const result = migrate(db, [
      { version: 1, name: 'good', sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 2, name: 'bad', sql: 'CREATE TABLE b (y INTEGER); CREATE TABLE a (x INTEGER);' },
    ]);
    expect(result.error).toMatchObject({ code: 'MIGRATION_FAILED' });
    expect(result.applied).toEqual([]);
    // The run is one transaction: the failing migration took the good one before it down too.
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('a', 'b')").all()).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: 0 });
  });

  it.skipIf(!existsSync('dist/store/index.js'))(
    'two processes migrating one fresh file at once: one applies them all, the other waits and finds them done',
    async () => {
      const path = tempDb();
      const script = `import { SqliteStore } from './dist/store/index.js';
      const s = new SqliteStore({ path: ${JSON.stringify(path)} });
      const r = await s.migrate(); console.log(JSON.stringify({ applied: r.applied.length, error: r.error?.code ?? null, version: r.version }));
      await s.close();`;
      const runs = await Promise.all(
        [0, 1].map(
          () =>
            new Promise<string>((ok) => {
              const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
                stdio: ['ignore', 'pipe', 'inherit'],
              });
              let out = '';
              child.stdout.on('data', (d) => {
                out += d;
              });
              child.on('exit', () => ok(out));
            }),
        ),
      );
      const results = runs.map(
        (r) => JSON.parse(r) as { applied: number; error: string | null; version: number },
      );
      expect(results.map((r) => r.error)).toEqual([null, null]);
      expect(results.map((r) => r.applied).sort()).toEqual([0, migrations.length]);
      const db = new Database(path);
      expect(db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({
        n: migrations.length,
      });
      db.close();
    },
  );
});
