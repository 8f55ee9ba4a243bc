// `nexus backup` and `nexus restore` on a PostgreSQL store: a pg_dump of the store's schema, checked by restoring it
// into a scratch schema and verifying its audit chain; a restore goes into a staging schema, is checked the same
// way, and only then takes the live schema's name, in one transaction (SECURITY.md R22).
import { randomBytes } from 'node:crypto';
import type { AccessContext } from '../../access/index.js';
import { verifyChain } from '../../audit/index.js';
import { NexusError } from '../../model/index.js';
import { PostgresStore, restorePostgres } from '../../store/index.js';

export interface ChainReport {
  auditRecords: number;
  head: string;
}

/** Migrates the store in `schema` and walks its audit chain; AUDIT_CHAIN_BROKEN names where it breaks. */
async function checkSchema(
  url: string,
  schema: string,
  ctx: AccessContext,
  label: string,
): Promise<ChainReport> {
  const store = new PostgresStore({ url, schema, maxConnections: 2 });
  try {
    const m = await store.migrate();
    if (m.error) throw m.error;
    const chain = await verifyChain(store.scanAudit(ctx));
    if (!chain.ok)
      throw new NexusError(
        'AUDIT_CHAIN_BROKEN',
        `${label}: audit chain broken at record ${chain.broken?.seq}: ${chain.broken?.reason}`,
      );
    return { auditRecords: chain.records, head: chain.head };
  } finally {
    await store.close();
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const store = new PostgresStore({ url, schema, maxConnections: 1 });
  try {
    await store.db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await store.close();
  }
}

async function schemaExists(url: string, schema: string): Promise<boolean> {
  const store = new PostgresStore({ url, schema, maxConnections: 1 });
  try {
    const rows = await store.db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    return rows.length > 0;
  } finally {
    await store.close();
  }
}

/** Restores a dump into a scratch schema, checks it, and drops it: the backup is known to restore. */
export async function checkPostgresDump(
  url: string,
  schema: string,
  path: string,
  ctx: AccessContext,
): Promise<ChainReport> {
  const scratch = `${schema.slice(0, 40)}_check_${randomBytes(4).toString('hex')}`;
  try {
    await restorePostgres(url, scratch, path);
    return await checkSchema(url, scratch, ctx, path);
  } finally {
    await dropSchema(url, scratch);
  }
}

/**
 * Puts a dump in place of the store in `schema`: restored into `<schema>_restoring`, checked, then renamed in one
 * transaction (dropping the old schema, which needs `force` when it exists). The live schema never holds a
 * half-checked copy; a failure leaves it as it was.
 */
export async function restorePostgresStore(
  url: string,
  schema: string,
  path: string,
  ctx: AccessContext,
  force: boolean,
): Promise<ChainReport> {
  if ((await schemaExists(url, schema)) && !force)
    throw new NexusError('USAGE_INVALID', `restore: schema ${schema} exists; --force replaces it`);
  const staging = `${schema.slice(0, 50)}_restoring`;
  await dropSchema(url, staging);
  try {
    await restorePostgres(url, staging, path);
    const report = await checkSchema(url, staging, ctx, path);
    const admin = new PostgresStore({ url, schema: staging, maxConnections: 1 });
    try {
      const c = await admin.db.connect();
      try {
        await c.query('BEGIN');
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.query(`ALTER SCHEMA ${staging} RENAME TO ${schema}`);
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    } finally {
      await admin.close();
    }
    return report;
  } catch (err) {
    await dropSchema(url, staging).catch(() => {});
    throw err;
  }
}
