// Entity reads of the PostgreSQL store: records and resolved clusters by id, lists, references, export and scans,
// each through the marking rule on the statements' provenance rows (visibility.ts).
import type { AccessContext } from '../../access/index.js';
import { Entity, NexusError, type Statement } from '../../model/index.js';
import { schemaFamily } from '../schema-family.js';
import type { EntityFilter, Page, Reference, ScanOptions } from '../store.js';
import { Params, type PgDb } from './db.js';
import {
  entitiesFrom,
  pinned,
  type Row,
  rows,
  rowsOn,
  STATEMENT_COLUMNS,
  seesAll,
  toStatement,
} from './entities-sql.js';
import { visibleSql } from './visibility.js';

const FROM_STATEMENTS = 'statements s JOIN entities e ON e.eid = s.eid JOIN provenance p ON p.pid = s.pid';

/**
 * Entities by the ids asked for, as getEntity gives each: a record in a cluster (or a canonical NX- id) stands for
 * the whole cluster, under its canonical id, with the members the reader can see as referents. One statement, so
 * the cluster and its statements come from one snapshot.
 */
export async function resolvedEntities(
  db: PgDb,
  ctx: AccessContext,
  ids: readonly string[],
): Promise<Map<string, Entity>> {
  const out = new Map<string, Entity>();
  const asked = [...new Set(ids)];
  if (asked.length === 0) return out;
  const q = new Params();
  const list = await rows(
    db,
    `WITH req AS (
       SELECT i.id, coalesce(c.canonical, i.id) AS canonical FROM unnest(${q.p(asked)}::text[]) AS i(id)
       LEFT JOIN clusters c ON c.member = i.id),
     can AS (SELECT canonical, array_agg(id) AS asked FROM req GROUP BY canonical),
     src AS (
       SELECT can.canonical, can.asked, coalesce(m.member, can.canonical) AS member FROM can
       LEFT JOIN clusters m ON can.canonical LIKE 'NX-%' AND m.canonical = can.canonical AND m.member NOT LIKE 'NX-%')
     SELECT src.canonical, src.asked, ${STATEMENT_COLUMNS}
     FROM src JOIN entities e ON e.id = src.member JOIN statements s ON s.eid = e.eid JOIN provenance p ON p.pid = s.pid
     WHERE ${visibleSql(ctx, 'p', q)}
     ORDER BY src.canonical COLLATE "C", src.member COLLATE "C", s.seq`,
    q.values,
  );
  let canonical: string | undefined;
  let askedFor: string[] = [];
  let group: Statement[] = [];
  const flush = () => {
    if (canonical === undefined || group.length === 0) return;
    // A canonical id is always NX-...; anything else is a record standing alone.
    const entity = canonical.startsWith('NX-')
      ? Entity.fromStatements(group, {
          id: canonical,
          referents: [...new Set(group.map((st) => st.entityId))].sort(),
        })
      : Entity.fromStatements(group);
    if (entity) for (const id of askedFor) out.set(id, entity);
  };
  for (const r of list) {
    if (r[0] !== canonical) {
      flush();
      canonical = r[0] as string;
      askedFor = r[1] as string[];
      group = [];
    }
    group.push(toStatement(r, 2));
  }
  flush();
  return out;
}

/** Source records by id, as stored (no cluster resolution): lists, search hits and references load these. */
export async function sourceEntities(
  db: PgDb,
  ctx: AccessContext,
  ids: readonly string[],
): Promise<Map<string, Entity>> {
  if (ids.length === 0) return new Map();
  const q = new Params();
  const list = await rows(
    db,
    `SELECT ${STATEMENT_COLUMNS} FROM ${FROM_STATEMENTS}
     WHERE e.id = ANY(${q.p([...new Set(ids)])}::text[]) AND ${visibleSql(ctx, 'p', q)} ORDER BY e.eid, s.seq`,
    q.values,
  );
  return entitiesFrom(list);
}

export async function listEntities(
  db: PgDb,
  ctx: AccessContext,
  filter: EntityFilter,
  page: { limit: number; after?: string | null },
): Promise<Page<Entity>> {
  const limit = Math.max(1, Math.min(page.limit, 1000));
  const after = page.after ? Number(page.after) : 0;
  if (!Number.isSafeInteger(after))
    throw new NexusError('USAGE_INVALID', `store.listEntities: bad page cursor "${page.after}"`);
  const q = new Params();
  const at = q.p(after);
  const where = [
    `e.eid > ${at}`,
    `EXISTS (SELECT 1 FROM statements v JOIN provenance vp ON vp.pid = v.pid WHERE v.eid = e.eid AND ${visibleSql(ctx, 'vp', q)})`,
  ];
  let from = 'entities e';
  if (filter.topic !== undefined || filter.country !== undefined) {
    // Start from the (value, eid) index of the rarer filter, in key order, so paging stops early.
    const type = filter.topic !== undefined ? 'topic' : 'country';
    from = `(SELECT DISTINCT f.eid AS fid FROM statements f JOIN provenance fp ON fp.pid = f.pid
      WHERE f.prop_type = '${type}' AND f.value = ${q.p(filter.topic ?? filter.country)} AND f.eid > ${at}
      AND ${visibleSql(ctx, 'fp', q)}) x JOIN entities e ON e.eid = x.fid`;
    if (filter.topic !== undefined && filter.country !== undefined)
      where.push(
        `EXISTS (SELECT 1 FROM statements c JOIN provenance cp ON cp.pid = c.pid WHERE c.prop_type = 'country'
          AND c.value = ${q.p(filter.country)} AND c.eid = e.eid AND ${visibleSql(ctx, 'cp', q)})`,
      );
  }
  if (filter.dataset !== undefined)
    // Through visible statements: membership known only from a hidden statement selects nothing (R8).
    where.push(
      `EXISTS (SELECT 1 FROM statements d JOIN provenance dp ON dp.pid = d.pid WHERE d.eid = e.eid
        AND dp.dataset = ${q.p(filter.dataset)} AND ${visibleSql(ctx, 'dp', q)})`,
    );
  const family = filter.schema === undefined ? undefined : schemaFamily(filter.schema);
  if (family) where.push(`e.schema = ANY(${q.p(family)}::text[])`);
  const found = await db.query<{ eid: number; id: string }>(
    `SELECT e.eid, e.id FROM ${from} WHERE ${where.join(' AND ')} ORDER BY e.eid LIMIT ${q.p(limit + 1)}`,
    q.values,
  );
  const more = found.length > limit;
  const pageRows = more ? found.slice(0, limit) : found;
  const loaded = await sourceEntities(
    db,
    ctx,
    pageRows.map((r) => r.id),
  );
  const allowed = family ? new Set(family) : undefined;
  // The stored schema may have been refined by statements the context cannot see: filter on the visible one too.
  const items = pageRows.flatMap((r) => {
    const e = loaded.get(r.id);
    return e && (!allowed || allowed.has(e.schema.name)) ? [e] : [];
  });
  const last = pageRows[pageRows.length - 1];
  return { items, next: more && last ? String(last.eid) : null };
}

export async function referencing(db: PgDb, ctx: AccessContext, id: string): Promise<Reference[]> {
  const q = new Params();
  const { out, all } = await db.snapshot(async (c) => {
    const refs = await c.query<{ entity_id: string; schema: string; prop: string }>(
      `SELECT * FROM (
         SELECT DISTINCT e.id AS entity_id, e.schema, s.prop FROM ${FROM_STATEMENTS}
         WHERE s.prop_type = 'entity' AND s.value = ${q.p(id)} AND ${visibleSql(ctx, 'p', q)}) r
       ORDER BY entity_id COLLATE "C", prop COLLATE "C"`,
      q.values,
    );
    return {
      out: refs.rows.map((r) => ({ entityId: r.entity_id, schema: r.schema, prop: r.prop })),
      all: await seesAll(c, ctx),
    };
  });
  if (out.length === 0 || all) return out;
  // The schema of each referencing entity as the context sees it, not as hidden statements refined it (R8).
  const loaded = await sourceEntities(db, ctx, [...new Set(out.map((r) => r.entityId))]);
  return out.map((r) => ({ ...r, schema: loaded.get(r.entityId)?.schema.name ?? r.schema }));
}

const EXPORT_PAGE = 1000;

/** Every visible entity with statements from the dataset, in store order, from that dataset's statements only. */
export async function* exportDataset(db: PgDb, ctx: AccessContext, dataset: string): AsyncGenerator<Entity> {
  let after = 0;
  for (;;) {
    const page = await db.query<{ eid: number }>(
      'SELECT eid FROM entity_datasets WHERE dataset = $1 AND eid > $2 ORDER BY eid LIMIT $3',
      [dataset, after, EXPORT_PAGE],
    );
    if (page.length === 0) return;
    const q = new Params();
    const list = await pinned(db, (c) =>
      rowsOn(
        c,
        `SELECT ${STATEMENT_COLUMNS} FROM ${FROM_STATEMENTS}
         WHERE s.eid = ANY(${q.p(page.map((r) => r.eid))}::bigint[]) AND p.dataset = ${q.p(dataset)}
         AND ${visibleSql(ctx, 'p', q)} ORDER BY s.eid, s.seq`,
        q.values,
      ),
    );
    yield* entitiesFrom(list).values();
    after = page[page.length - 1]?.eid ?? after;
  }
}

/**
 * Every visible source record, a batch of entity keys at a time (keyset paging, so each batch is its own short read
 * and nothing is held between batches), statements in write order as getEntity gives them.
 */
export async function* scanEntities(
  db: PgDb,
  ctx: AccessContext,
  options: ScanOptions = {},
): AsyncGenerator<Entity[]> {
  const step = Math.max(1, Math.min(options.batch ?? 1000, 10_000));
  const datasets = options.datasets ?? [];
  let after = 0;
  for (;;) {
    const keys = await db.query<{ last: number | null }>(
      'SELECT max(eid) AS last FROM (SELECT eid FROM entities WHERE eid > $1 ORDER BY eid LIMIT $2) k',
      [after, step],
    );
    const last = keys[0]?.last;
    if (last === null || last === undefined) return;
    const q = new Params();
    const list: Row[] = await pinned(db, (c) =>
      rowsOn(
        c,
        `SELECT ${STATEMENT_COLUMNS} FROM ${FROM_STATEMENTS}
         WHERE s.eid > ${q.p(after)} AND s.eid <= ${q.p(last)} AND ${visibleSql(ctx, 'p', q)}
         ${datasets.length ? `AND p.dataset = ANY(${q.p([...datasets])}::text[])` : ''}
         ORDER BY s.eid, s.seq`,
        q.values,
      ),
    );
    const batch = [...entitiesFrom(list).values()];
    if (batch.length) yield batch;
    after = last;
  }
}
