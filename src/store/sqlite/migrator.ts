// Runs SQLite migrations under a write lock; returns what happened instead of throwing (Kysely-style).
import type Database from 'better-sqlite3';
import { NexusError } from '../../model/index.js';
import type { MigrationResult } from '../store.js';
import { migrations as allMigrations, type Migration } from './migrations.js';

export function migrate(
  db: Database.Database,
  migrations: readonly Migration[] = allMigrations,
  now = () => new Date(),
): MigrationResult {
  const applied: string[] = [];
  try {
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    // One IMMEDIATE transaction for the whole run takes the database write lock: a second migrator waits
    // (busy_timeout), then finds every version applied. DDL and version rows commit together, so kill -9 leaves the
    // old schema or the new one, never a mix.
    const run = db.transaction(() => {
      const done = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
      const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
      for (const m of migrations) {
        if (done.get(m.version)) continue;
        db.exec(m.sql);
        record.run(m.version, m.name, now().toISOString());
        applied.push(`${m.version}: ${m.name}`);
      }
    });
    try {
      run.immediate();
    } catch (err) {
      applied.length = 0;
      throw err;
    }
    const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
    return { applied, version: row.v ?? 0 };
  } catch (err) {
    const code =
      err instanceof Error && 'code' in err && String(err.code).startsWith('SQLITE_BUSY')
        ? 'MIGRATION_LOCKED'
        : 'MIGRATION_FAILED';
    const message = err instanceof Error ? err.message : String(err);
    return { applied, version: -1, error: new NexusError(code, `store.migrate: ${message}`) };
  }
}
