// Runs PostgreSQL migrations: the whole run is one transaction holding an advisory lock, so a second migrator waits
// and then finds every version applied, and a killed run leaves the old schema or the new one, never a mix (R21).
import { NexusError } from '../../model/index.js';
import type { MigrationResult } from '../store.js';
import { LOCK_MIGRATE, type PgDb } from './db.js';
import { migrations as allMigrations, type Migration } from './migrations.js';

export async function migrate(
  db: PgDb,
  migrations: readonly Migration[] = allMigrations,
  now = () => new Date(),
): Promise<MigrationResult> {
  const applied: string[] = [];
  let c: Awaited<ReturnType<PgDb['connect']>>;
  try {
    c = await db.connect();
  } catch (err) {
    return { applied, version: -1, error: err as Error };
  }
  try {
    await c.query('BEGIN');
    // One lock for the whole database, not per schema: extensions (pg_trgm) are database-wide.
    await c.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_MIGRATE]);
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${db.schema}`);
    // The connection's search_path named the schema before it existed: set it again so nothing lands in public.
    await c.query(`SET LOCAL search_path = ${db.schema}, public`);
    await c.query(
      `CREATE TABLE IF NOT EXISTS ${db.schema}.schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    );
    const done = new Set(
      (await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await c.query(m.sql);
      if (m.run) await m.run(c);
      await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        now().toISOString(),
      ]);
      applied.push(`${m.version}: ${m.name}`);
    }
    const row = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    await c.query('COMMIT');
    return { applied, version: row.rows[0]?.v ?? 0 };
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    applied.length = 0;
    const message = err instanceof Error ? err.message : String(err);
    return { applied, version: -1, error: new NexusError('MIGRATION_FAILED', `store.migrate: ${message}`) };
  } finally {
    c.release();
  }
}
