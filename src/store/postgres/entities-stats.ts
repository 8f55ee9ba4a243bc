// Whole-store reads of the PostgreSQL store: datasets, counts, the version stamp and the digest.
import { createHash } from 'node:crypto';
import type { AccessContext } from '../../access/index.js';
import { SchemaCounts } from '../schema-family.js';
import type { DatasetInfo, StoreStats } from '../store.js';
import { type Client, Params, type PgDb } from './db.js';
import { cursor, cursorOn, seesAll } from './entities-sql.js';
import { visibleSql } from './visibility.js';

/** Datasets in which the context can see at least one statement; the others do not exist for it (R9). */
export async function datasets(db: PgDb, ctx: AccessContext): Promise<DatasetInfo[]> {
  const q = new Params();
  const found = await db.query<{
    name: string;
    title: string;
    fictional: boolean;
    created_at: string;
    updated_at: string;
  }>(
    `SELECT d.* FROM datasets d
     WHERE EXISTS (SELECT 1 FROM provenance p WHERE p.dataset = d.name AND ${visibleSql(ctx, 'p', q)})
     ORDER BY d.name COLLATE "C"`,
    q.values,
  );
  return found.map((r) => ({
    name: r.name,
    title: r.title,
    fictional: r.fictional,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/** `stats`' count of one dataset's entities, read through the dataset's own entities instead of every statement. */
export async function datasetEntities(db: PgDb, ctx: AccessContext, dataset: string): Promise<number> {
  const q = new Params();
  const d = q.p(dataset);
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::bigint AS n FROM entity_datasets e WHERE e.dataset = ${d} AND EXISTS (
       SELECT 1 FROM statements s JOIN provenance p ON p.pid = s.pid
       WHERE s.eid = e.eid AND p.dataset = ${d} AND ${visibleSql(ctx, 'p', q)})`,
    q.values,
  );
  return rows[0]?.n ?? 0;
}

/** Counts in one snapshot, so the "sees every marking" check holds for what is counted. */
export async function stats(db: PgDb, ctx: AccessContext): Promise<StoreStats> {
  return db.snapshot(async (c) => {
    const all = await seesAll(c, ctx);
    const entities: Record<string, number> = {};
    if (all) {
      const counts = await c.query<{ schema: string; n: number }>(
        'SELECT schema, count(*)::bigint AS n FROM entities GROUP BY schema ORDER BY schema COLLATE "C"',
      );
      for (const r of counts.rows) entities[r.schema] = r.n;
    } else {
      for (const [schema, n] of await visibleSchemaCounts(c, ctx)) entities[schema] = n;
    }
    const q = new Params();
    const ds = await c.query<{ dataset: string; statements: number; entities: number }>(
      `SELECT p.dataset, count(*)::bigint AS statements, count(DISTINCT s.eid)::bigint AS entities
       FROM statements s JOIN provenance p ON p.pid = s.pid ${all ? '' : `WHERE ${visibleSql(ctx, 'p', q)}`}
       GROUP BY p.dataset ORDER BY p.dataset COLLATE "C"`,
      q.values,
    );
    const out: Record<string, { entities: number; statements: number }> = {};
    let statements = 0;
    for (const r of ds.rows) {
      out[r.dataset] = { entities: r.entities, statements: r.statements };
      statements += r.statements;
    }
    return { entities, statements, datasets: out };
  });
}

/**
 * Entities per schema as a context that may not see everything sees them: each entity's schema folded from its
 * visible statements (as Entity.fromStatements does), since the stored one may be refined by hidden ones (R8).
 */
async function visibleSchemaCounts(c: Client, ctx: AccessContext): Promise<[string, number][]> {
  const q = new Params();
  const counts = new SchemaCounts();
  const sql = `SELECT s.eid, p.schema FROM statements s JOIN provenance p ON p.pid = s.pid WHERE ${visibleSql(ctx, 'p', q)}
    GROUP BY s.eid, p.schema ORDER BY s.eid, min(s.seq)`;
  for await (const batch of cursorOn(c, sql, q.values)) {
    for (const [id, name] of batch as [number, string][]) counts.add(id, name);
  }
  return counts.done();
}

/**
 * Moves whenever statements are written, decisions are made or undone, something is erased, or transfers, labels
 * or indicator points arrive: the same parts as SQLite's, from the identity keys (seq, jid) that grow in commit
 * order where SQLite reads max(rowid), and the label count as there.
 */
export async function version(db: PgDb): Promise<string> {
  const found = await db.query<{
    statements: number;
    jid: number;
    retracted: number;
    erasure: number;
    transfers: number;
    points: number;
  }>(
    `SELECT
       (SELECT coalesce(max(seq), 0) FROM statements)::bigint AS statements,
       (SELECT coalesce(max(jid), 0) FROM judgements)::bigint AS jid,
       (SELECT count(retracted_at) FROM judgements)::bigint AS retracted,
       (SELECT coalesce(max(seq), 0) FROM audit_log WHERE category = 'erasure')::bigint AS erasure,
       ((SELECT coalesce(max(seq), 0) FROM crypto_transfers) + (SELECT count(*) FROM crypto_labels))::bigint AS transfers,
       (SELECT coalesce(max(seq), 0) FROM indicator_points)::bigint AS points`,
  );
  const v = found[0];
  if (!v) return '0.0.0.0.0.0';
  return `${v.statements}.${v.jid}.${v.retracted}.${v.erasure}.${v.transfers}.${v.points}`;
}

/** SHA-256 over the ids of the visible statements in byte order, streamed: equal stores have equal digests. */
export async function digest(db: PgDb, ctx: AccessContext): Promise<string> {
  const q = new Params();
  const hash = createHash('sha256');
  const sql = `SELECT s.id FROM statements s JOIN provenance p ON p.pid = s.pid WHERE ${visibleSql(ctx, 'p', q)}
    ORDER BY s.id COLLATE "C"`;
  for await (const batch of cursor(db, sql, q.values, 50_000))
    for (const r of batch) hash.update(`${r[0] as string}\n`);
  return hash.digest('hex');
}

/** Upserts a dataset's title and flag inside the caller's write transaction; with `keep` an existing one stays. */
export async function upsertDatasetTx(
  c: Client,
  info: Pick<DatasetInfo, 'name' | 'title' | 'fictional'>,
  now: string,
  keep = false,
): Promise<void> {
  const conflict = keep
    ? 'DO NOTHING'
    : 'DO UPDATE SET title = excluded.title, fictional = excluded.fictional, updated_at = excluded.updated_at';
  await c.query(
    `INSERT INTO datasets (name, title, fictional, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
     ON CONFLICT (name) ${conflict}`,
    [info.name, info.title, info.fictional, now],
  );
}
