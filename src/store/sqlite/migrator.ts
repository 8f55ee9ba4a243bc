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
    for (const m of migrations) {
      // BEGIN IMMEDIATE takes the database write lock: a second migrator waits (busy_timeout), then sees the
      // version already applied. The DDL and its version row commit together, so kill -9 leaves old or new.
      const run = db.transaction(() => {
        const done = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version);
        if (done) return false;
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          m.version,
          m.name,
          now().toISOString(),
        );
        return true;
      });
      if (run.immediate()) applied.push(`${m.version}: ${m.name}`);
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
