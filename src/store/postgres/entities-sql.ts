// Shared pieces of the entities part's reads: statement rows as arrays, entities assembled from them, cursors for
// reads too large to hold and the "sees every marking" shortcut (schema families: src/store/schema-family.ts).
import type { AccessContext } from '../../access/index.js';
import { Entity, type Statement } from '../../model/index.js';
import { type Client, type PgDb, storeError } from './db.js';

/** The columns every statement read selects, on aliases s (statements), e (entities) and p (provenance). */
export const STATEMENT_COLUMNS = `s.id, e.id, p.schema, s.prop, s.prop_type, s.value, s.original_value, p.dataset, p.origin,
  p.first_seen, s.last_seen, p.marking, p.grading`;

export type Row = unknown[];

/** Rows as arrays (no per-row objects from the driver): the reads here move many statements. */
export async function rows(db: PgDb, text: string, values: readonly unknown[] = []): Promise<Row[]> {
  try {
    const res = await db.pool.query<Row>({ text, values: values as unknown[], rowMode: 'array' });
    return res.rows;
  } catch (err) {
    throw storeError('store.read', err);
  }
}

/** Rows as arrays on a client the caller holds (inside `pinned`). */
export async function rowsOn(c: Client, text: string, values: readonly unknown[] = []): Promise<Row[]> {
  const res = await c.query<Row>({ text, values: values as unknown[], rowMode: 'array' });
  return res.rows;
}

/**
 * Runs reads that start from a small set (a batch of entity keys, the matches of a search) and join it to the large
 * tables, in one read-only REPEATABLE READ snapshot with hash and merge joins off: index probes per row of the small
 * set cost what the set is worth, while a hash join scans the whole large table every time. The planner cannot be
 * trusted to see this: it underestimates the marking predicate (caveats <@ ...) and search matches badly, and then
 * hashes all of provenance for a few thousand statements.
 */
export async function pinned<T>(db: PgDb, run: (c: Client) => Promise<T>): Promise<T> {
  return db.snapshot(async (c) => {
    await c.query('SET LOCAL enable_hashjoin = off');
    await c.query('SET LOCAL enable_mergejoin = off');
    return run(c);
  });
}

/** A statement from the STATEMENT_COLUMNS starting at column `at`. */
export function toStatement(r: Row, at = 0): Statement {
  return {
    id: r[at] as string,
    entityId: r[at + 1] as string,
    schema: r[at + 2] as string,
    prop: r[at + 3] as string,
    propType: r[at + 4] as string,
    value: r[at + 5] as string,
    originalValue: r[at + 6] as string | null,
    dataset: r[at + 7] as string,
    origin: r[at + 8] as string,
    firstSeen: r[at + 9] as string,
    lastSeen: r[at + 10] as string,
    marking: r[at + 11] as string,
    grading: r[at + 12] as string | null,
  };
}

/** Entities from rows ordered by entity (then write order), keyed by entity id, in row order. */
export function entitiesFrom(list: readonly Row[], at = 0): Map<string, Entity> {
  const out = new Map<string, Entity>();
  let group: Statement[] = [];
  const flush = () => {
    const entity = Entity.fromStatements(group);
    if (entity) out.set(entity.id, entity);
    group = [];
  };
  for (const r of list) {
    const st = toStatement(r, at);
    if (group.length > 0 && group[0]?.entityId !== st.entityId) flush();
    group.push(st);
  }
  flush();
  return out;
}

/**
 * Streams a large read a batch of rows at a time through a cursor in a read-only REPEATABLE READ transaction: one
 * consistent snapshot, bounded memory. The connection is held until the consumer finishes or stops.
 */
export async function* cursor(
  db: PgDb,
  text: string,
  values: readonly unknown[],
  batch = 10_000,
): AsyncGenerator<Row[]> {
  const c = await db.connect();
  let open = false;
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    open = true;
    yield* cursorOn(c, text, values, batch);
    await c.query('COMMIT');
    open = false;
  } catch (err) {
    throw storeError('store.read', err);
  } finally {
    if (open) await c.query('ROLLBACK').catch(() => {});
    c.release();
  }
}

/** The same inside a transaction the caller holds (its snapshot), the cursor closed at the end. */
export async function* cursorOn(
  c: Client,
  text: string,
  values: readonly unknown[],
  batch = 10_000,
): AsyncGenerator<Row[]> {
  await c.query(`DECLARE nexus_cursor NO SCROLL CURSOR FOR ${text}`, values as unknown[]);
  try {
    for (;;) {
      const res = await c.query<Row>({ text: `FETCH ${batch} FROM nexus_cursor`, rowMode: 'array' });
      if (res.rows.length === 0) return;
      yield res.rows;
    }
  } finally {
    await c.query('CLOSE nexus_cursor').catch(() => {});
  }
}

/**
 * True when the reader may see every marking a statement was written with and has no grading filter, so a large
 * read may skip the per-row check. Read on the client of the snapshot the read itself runs in: a batch of higher
 * markings committed in between must not be read unchecked. markings_present only grows, so a marking no longer
 * present errs towards checking.
 */
export async function seesAll(c: Client, ctx: AccessContext): Promise<boolean> {
  if (ctx.grading) return false;
  const present = await c.query<{ mlevel: number; caveats: string[] }>(
    'SELECT mlevel, caveats FROM markings_present',
  );
  return present.rows.every(
    (m) => m.mlevel <= ctx.clearance.rank && m.caveats.every((k) => ctx.caveats.has(k)),
  );
}
