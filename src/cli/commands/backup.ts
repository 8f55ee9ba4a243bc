// `nexus backup FILE` and `nexus restore FILE`: an online copy of the embedded store, and putting one back after
// checking it (SQLite integrity, the audit hash chain), so a restored store is known whole (SECURITY.md R22).
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { verifyChain } from '../../audit/index.js';
import { NexusError } from '../../model/index.js';
import { postgresTarget, SqliteStore } from '../../store/index.js';
import { type CommandEnv, json, requireOperator, withStore } from '../io.js';
import { checkPostgresDump, restorePostgresStore } from './backup-postgres.js';

export const backupHelp = `nexus backup FILE [--json]
nexus restore FILE [--force] [--json]

backup writes a consistent copy of the store while it stays in use (SQLite's online backup), after recording
the backup in the audit log. restore checks a copy first (PRAGMA integrity_check, migrations, the audit hash
chain) and only then puts it in place of HOME/nexus.db; --force replaces an existing store. Both are for the
local operator. The copy holds everything the store holds: keep it as the store itself.

With NEXUS_DATABASE_URL (PostgreSQL), backup writes pg_dump's custom format of the store's schema and checks it
by restoring it into a scratch schema (migrations, audit hash chain), which it then drops; restore loads the
file into a staging schema, checks it the same way, and only then gives it the store's schema name in one
transaction (--force drops the schema it replaces). pg_dump, pg_restore and psql must be on the PATH.`;

export async function backupCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  requireOperator(c.ctx, 'backup');
  const target = positionals[0];
  if (!target) throw new NexusError('USAGE_INVALID', 'backup: give the file to write');
  const path = resolve(target);
  if (existsSync(path)) throw new NexusError('USAGE_INVALID', `backup: ${target} exists; choose a new file`);
  mkdirSync(dirname(path), { recursive: true });
  return withStore(c, async (store) => {
    const { bytes } = await store.backup(c.ctx, path);
    const pg = postgresTarget(c.env);
    const report = pg ? await checkPostgresDump(pg.url, pg.schema, path, c.ctx) : await checkCopy(path, c);
    if (values.json) c.io.stdout(json({ file: path, bytes, ...report }));
    else
      c.io.stdout(
        `backup written: ${path} (${bytes} bytes; ${report.auditRecords} audit records, chain intact)\n`,
      );
    return 0;
  });
}

/** Opens a copy read-write in place (it is ours), checks it, and reports what it holds. */
async function checkCopy(path: string, c: CommandEnv): Promise<{ auditRecords: number; head: string }> {
  const copy = new SqliteStore({ path });
  try {
    const integrity = copy.db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok')
      throw new NexusError(
        'STORE_UNAVAILABLE',
        `restore: ${path} fails the integrity check: ${String(integrity)}`,
      );
    const m = await copy.migrate();
    if (m.error) throw m.error;
    const chain = await verifyChain(copy.scanAudit(c.ctx));
    if (!chain.ok)
      throw new NexusError(
        'AUDIT_CHAIN_BROKEN',
        `${path}: audit chain broken at record ${chain.broken?.seq}: ${chain.broken?.reason}`,
      );
    return { auditRecords: chain.records, head: chain.head };
  } finally {
    await copy.close();
  }
}

export async function restoreCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { force: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  requireOperator(c.ctx, 'restore');
  const source = positionals[0];
  if (!source) throw new NexusError('USAGE_INVALID', 'restore: give the backup file');
  const from = resolve(source);
  if (!existsSync(from)) throw new NexusError('SOURCE_UNREADABLE', `restore: ${source}: no such file`);
  const pg = postgresTarget(c.env);
  if (pg) {
    const report = await restorePostgresStore(pg.url, pg.schema, from, c.ctx, values.force);
    await withStore(c, (store) =>
      store.audit(c.ctx, [{ action: 'store.restore', category: 'administration', detail: { source: from } }]),
    );
    const target = `schema ${pg.schema}`;
    if (values.json) c.io.stdout(json({ restored: target, from, ...report }));
    else c.io.stdout(`restored ${from} to ${target} (${report.auditRecords} audit records, chain intact)\n`);
    return 0;
  }
  const target = join(c.home, 'nexus.db');
  if (existsSync(target) && !values.force)
    throw new NexusError('USAGE_INVALID', `restore: ${target} exists; --force replaces it`);
  mkdirSync(c.home, { recursive: true });
  // Check a private copy, then move it into place: the live path never holds a half-checked file.
  const staging = `${target}.restoring`;
  rmSync(staging, { force: true });
  copyFileSync(from, staging);
  try {
    const report = await checkCopy(staging, c);
    for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
    for (const suffix of ['-wal', '-shm']) rmSync(`${staging}${suffix}`, { force: true });
    renameSync(staging, target);
    // The restore itself goes in the restored store's log.
    await withStore(c, (store) =>
      store.audit(c.ctx, [{ action: 'store.restore', category: 'administration', detail: { source: from } }]),
    );
    if (values.json) c.io.stdout(json({ restored: target, from, ...report }));
    else c.io.stdout(`restored ${from} to ${target} (${report.auditRecords} audit records, chain intact)\n`);
    return 0;
  } catch (err) {
    rmSync(staging, { force: true });
    throw err;
  }
}
