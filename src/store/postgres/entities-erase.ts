// Erasure on PostgreSQL (DPA 2018), as SQLite's (src/store/sqlite/erasure.ts): each record's cluster is undone, then
// its statements, the statements elsewhere that refer to it, its names- and texts-index, match-key, suggestion,
// judgement and cluster rows go for good, all in one transaction with one audit record that names ids and counts
// only.
import type { AccessContext } from '../../access/index.js';
import { NexusError } from '../../model/index.js';
import type { ErasureRequest, ErasureResult } from '../store.js';
import { type Client, Params } from './db.js';
import { resolvedEntities } from './entities-read.js';
import type { PgParts } from './parts.js';
import { visibleSql } from './visibility.js';

export async function erase(
  parts: PgParts,
  ctx: AccessContext,
  request: ErasureRequest,
): Promise<ErasureResult> {
  const reason = request.reason.trim();
  if (reason === '') throw new NexusError('USAGE_INVALID', 'store.erase: a reason is required');
  const ids = [...new Set(request.ids)];
  // Hidden and missing alike: the caller learns nothing about records it cannot see (R9).
  const visible = await resolvedEntities(parts.db, ctx, ids);
  for (const id of ids)
    if (!visible.has(id)) throw new NexusError('ENTITY_NOT_FOUND', `store.erase: no entity "${id}"`);
  return parts.db.write(
    ctx,
    async (c) => {
      const records = await membersOf(c, ids);
      await refuseUnseen(c, ctx, records, request.ids);
      let statements = 0;
      let references = 0;
      for (const id of records) {
        const r = await eraseRecord(c, id);
        statements += r.statements;
        references += r.references;
      }
      return { records, statements, references };
    },
    (r) => ({
      action: 'entity.erase',
      category: 'erasure',
      objects: r.records,
      detail: { statements: r.statements, references: r.references, reason },
    }),
  );
}

/** Source records of the ids' clusters (a canonical id and any member stand for all members), sorted. */
async function membersOf(c: Client, ids: readonly string[]): Promise<string[]> {
  const found = await c.query<{ member: string }>(
    `WITH r AS (
       SELECT DISTINCT coalesce(cl.canonical, i.id) AS canonical FROM unnest($1::text[]) AS i(id)
       LEFT JOIN clusters cl ON cl.member = i.id)
     SELECT DISTINCT coalesce(m.member, r.canonical) AS member FROM r
     LEFT JOIN clusters m ON r.canonical LIKE 'NX-%' AND m.canonical = r.canonical AND m.member NOT LIKE 'NX-%'`,
    [ids],
  );
  return found.rows.map((r) => r.member).sort();
}

/** Nobody destroys intelligence they cannot see: a record with statements above the context is refused whole. */
async function refuseUnseen(
  c: Client,
  ctx: AccessContext,
  records: readonly string[],
  asked: readonly string[],
): Promise<void> {
  const q = new Params();
  const hidden = await c.query(
    `SELECT 1 FROM entities e JOIN statements s ON s.eid = e.eid JOIN provenance p ON p.pid = s.pid
     WHERE e.id = ANY(${q.p(records)}::text[]) AND NOT ${visibleSql(ctx, 'p', q)} LIMIT 1`,
    q.values,
  );
  if (hidden.rows.length > 0)
    throw new NexusError(
      'FORBIDDEN',
      `store.erase: erasing "${asked.join(', ')}" needs a clearance that sees all of its records`,
    );
}

/**
 * One record, in SQLite's order: its cluster is undone (the cluster's rows go; its match judgements go below with
 * the record's other judgements, since every member is erased with it), its own rows, then references to it.
 */
async function eraseRecord(c: Client, id: string): Promise<{ statements: number; references: number }> {
  const canonical = (
    await c.query<{ canonical: string }>('SELECT canonical FROM clusters WHERE member = $1', [id])
  ).rows[0]?.canonical;
  if (canonical !== undefined && canonical !== id)
    await c.query('DELETE FROM clusters WHERE canonical = $1', [canonical]);
  let statements = 0;
  const eid = (await c.query<{ eid: number }>('SELECT eid FROM entities WHERE id = $1', [id])).rows[0]?.eid;
  if (eid !== undefined) {
    await c.query('DELETE FROM names WHERE eid = $1', [eid]);
    await c.query('DELETE FROM texts WHERE eid = $1', [eid]);
    statements = (await c.query('DELETE FROM statements WHERE eid = $1', [eid])).rowCount ?? 0;
    await c.query(
      'UPDATE match_key_df d SET n = d.n - 1 FROM match_keys k WHERE k.eid = $1 AND d.key = k.key',
      [eid],
    );
    await c.query('DELETE FROM match_keys WHERE eid = $1', [eid]);
    await c.query('DELETE FROM match_profiles WHERE eid = $1', [eid]);
    await c.query('DELETE FROM entity_datasets WHERE eid = $1', [eid]);
    await c.query('DELETE FROM entities WHERE eid = $1', [eid]);
  }
  const references =
    (await c.query("DELETE FROM statements WHERE prop_type = 'entity' AND value = $1", [id])).rowCount ?? 0;
  await c.query('DELETE FROM suggestions WHERE a = $1 OR b = $1', [id]);
  // Judgement reasons and suggestion explanations quote names, so they go too.
  await c.query('DELETE FROM judgements WHERE a = $1 OR b = $1', [id]);
  await c.query('DELETE FROM clusters WHERE member = $1', [id]);
  return { statements, references };
}
