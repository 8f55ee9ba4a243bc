// PostgreSQL for tests: the server on 127.0.0.1:5432 (NEXUS_TEST_DATABASE_URL to use another), a fresh schema per
// store, and every schema made here dropped when the file's tests end.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { PostgresStore } from '../../src/store/index.js';

export const TEST_DATABASE_URL =
  process.env.NEXUS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export async function pgUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `no PostgreSQL at ${TEST_DATABASE_URL} (${(err as Error).message}); set NEXUS_TEST_DATABASE_URL`;
  } finally {
    await client.end().catch(() => {});
  }
}

const made: string[] = [];

export function freshSchema(): string {
  const name = `t_${randomBytes(6).toString('hex')}`;
  made.push(name);
  return name;
}

/** A store in a schema of its own; drops them all after the file's tests. */
export function pgStore(options: { clock?: () => Date; schema?: string } = {}): PostgresStore {
  return new PostgresStore({
    url: TEST_DATABASE_URL,
    schema: options.schema ?? freshSchema(),
    clock: options.clock,
    maxConnections: 4,
  });
}

afterAll(async () => {
  if (made.length === 0) return;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  try {
    await client.connect();
    for (const s of made.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  } catch {
    // Nothing to drop when the server is gone.
  } finally {
    await client.end().catch(() => {});
  }
});
