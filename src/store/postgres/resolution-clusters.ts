// Judgements and clusters in PostgreSQL: who decided which records are the same, and the canonical ids. The same
// rules as src/store/sqlite/resolution.ts. Functions take the client of the caller's transaction (a write holding
// the store's lock, or a snapshot), so the entities part can undo a cluster inside its erasure as SQLite's does.
import { createHash } from 'node:crypto';
import type { AccessContext } from '../../access/index.js';
import { NexusError } from '../../model/index.js';
import type { Judgement, JudgementValue, Suggestion } from '../store.js';
import { type Client, Params } from './db.js';
import { visibleSql } from './visibility.js';

/** Something that runs a query: a client inside a transaction, or the pool. */
export type Queryable = Pick<Client, 'query'>;

/** SQL: true when the member column is a canonical id (`NX-` exactly: a source id may be `nx-...`). */
export const IS_CANONICAL = (col: string) => `${col} LIKE 'NX-%'`;

interface JudgementRow {
  a: string;
  b: string;
  judgement: JudgementValue;
  user_name: string;
  reason: string;
  at: string;
  retracted_at: string | null;
}

/**
 * PostgreSQL text cannot hold NUL, so no stored id or key contains one: a value with NUL names nothing here, and
 * reads answer as for any unknown id instead of failing on it.
 */
export function storable(value: string): boolean {
  return !value.includes('\u0000');
}

export function ordered(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

export function newCanonical(a: string, b: string): string {
  return `NX-${createHash('sha1').update(`${a}\u001f${b}`).digest('hex').slice(0, 20)}`;
}

export async function canonicalOf(q: Queryable, id: string): Promise<string> {
  if (!storable(id)) return id;
  const res = await q.query<{ canonical: string }>('SELECT canonical FROM clusters WHERE member = $1', [id]);
  return res.rows[0]?.canonical ?? id;
}

/** Source records of a canonical id (only records, not absorbed canonical ids); [id] when not clustered. */
export async function members(q: Queryable, canonical: string): Promise<string[]> {
  if (!storable(canonical)) return [canonical];
  const res = await q.query<{ member: string }>(
    `SELECT member FROM clusters WHERE canonical = $1 AND NOT ${IS_CANONICAL('member')} ORDER BY member COLLATE "C"`,
    [canonical],
  );
  return res.rows.length > 0 ? res.rows.map((r) => r.member) : [canonical];
}

/** True when the latest decision on some pair across the two sides is a standing no-match (one query). */
async function standingNoMatch(q: Queryable, left: string[], right: string[]): Promise<boolean> {
  // Pairs are stored ordered (a < b), so a pair across the sides has a on one side and b on the other.
  const res = await q.query(
    `SELECT 1 FROM judgements j
     WHERE ((j.a = ANY($1::text[]) AND j.b = ANY($2::text[])) OR (j.a = ANY($2::text[]) AND j.b = ANY($1::text[])))
       AND j.judgement = 'no-match' AND j.retracted_at IS NULL
       AND j.jid = (SELECT max(k.jid) FROM judgements k WHERE k.a = j.a AND k.b = j.b)
     LIMIT 1`,
    [left, right],
  );
  return res.rows.length > 0;
}

/** Records a judgement and joins clusters on a match, inside the caller's write transaction. */
export async function judgeTx(
  c: Client,
  user: string,
  a: string,
  b: string,
  judgement: JudgementValue,
  reason: string,
  now: string,
): Promise<{ canonical: string | null }> {
  if (a === b)
    throw new NexusError('USAGE_INVALID', 'resolve.judge: a record cannot be judged against itself');
  const ca = await canonicalOf(c, a);
  const cb = await canonicalOf(c, b);
  const left = await members(c, ca);
  const right = await members(c, cb);
  if (judgement === 'no-match' && ca === cb && ca.startsWith('NX-')) {
    throw new NexusError(
      'JUDGEMENT_CONFLICT',
      `resolve.judge: ${a} and ${b} are merged in ${ca}; unmerge it first`,
    );
  }
  if (judgement === 'match' && ca !== cb && (await standingNoMatch(c, left, right))) {
    throw new NexusError(
      'JUDGEMENT_CONFLICT',
      `resolve.judge: a standing no-match keeps ${ca} and ${cb} apart`,
    );
  }
  const [x, y] = ordered(a, b);
  await c.query(
    'INSERT INTO judgements (a, b, judgement, user_name, reason, at) VALUES ($1, $2, $3, $4, $5, $6)',
    [x, y, judgement, user, reason, now],
  );
  if (judgement !== 'match') return { canonical: null };
  if (ca === cb && ca.startsWith('NX-')) return { canonical: ca };
  // Keep an existing canonical id where there is one, so ids analysts already cite stay valid.
  const canonical = ca.startsWith('NX-') ? ca : cb.startsWith('NX-') ? cb : newCanonical(x, y);
  const absorbed = [ca, cb].filter((old) => old.startsWith('NX-') && old !== canonical);
  if (absorbed.length > 0)
    await c.query('UPDATE clusters SET canonical = $1 WHERE canonical = ANY($2::text[])', [
      canonical,
      absorbed,
    ]);
  // Absorbed canonical ids map to the new one, and every record of both sides joins it.
  const joined = [...new Set([...absorbed, ...left, ...right])];
  await c.query(
    `INSERT INTO clusters (member, canonical) SELECT m, $2 FROM unnest($1::text[]) AS m
     ON CONFLICT (member) DO UPDATE SET canonical = excluded.canonical`,
    [joined, canonical],
  );
  return { canonical };
}

/** Undoes a cluster inside the caller's write transaction: its records stand alone, its matches are retracted. */
export async function unmergeTx(c: Client, canonical: string, now: string): Promise<string[]> {
  const res = await c.query<{ member: string }>('SELECT member FROM clusters WHERE canonical = $1', [
    canonical,
  ]);
  if (res.rows.length === 0)
    throw new NexusError('ENTITY_NOT_FOUND', `resolve.unmerge: no cluster "${canonical}"`);
  const records = res.rows.map((r) => r.member).filter((m) => !m.startsWith('NX-'));
  // Judgements are stored with a < b, so "both ends in the cluster" is every pair of its records.
  await c.query(
    `UPDATE judgements SET retracted_at = $1
     WHERE a = ANY($2::text[]) AND b = ANY($2::text[]) AND judgement = 'match' AND retracted_at IS NULL`,
    [now, records],
  );
  await c.query('DELETE FROM clusters WHERE canonical = $1', [canonical]);
  return records.sort();
}

/** Every judgement touching the records of the id's cluster (or the record alone), oldest first. */
export async function judgementsOf(q: Queryable, id: string): Promise<Judgement[]> {
  const ids = (await members(q, await canonicalOf(q, id))).filter(storable);
  const res = await q.query<JudgementRow>(
    `SELECT a, b, judgement, user_name, reason, at, retracted_at FROM judgements
     WHERE a = ANY($1::text[]) OR b = ANY($1::text[]) ORDER BY jid`,
    [ids],
  );
  return res.rows.map((r) => ({
    a: r.a,
    b: r.b,
    judgement: r.judgement,
    user: r.user_name,
    reason: r.reason,
    at: r.at,
    retractedAt: r.retracted_at,
  }));
}

/** Stores suggestions ordered (a < b), a pair seen before keeping its created_at; a pair given twice keeps its last. */
export async function putSuggestionsTx(
  c: Client,
  suggestions: readonly Suggestion[],
  now: string,
): Promise<number> {
  const byPair = new Map<string, [string, string, number, string]>();
  for (const s of suggestions) {
    const [x, y] = ordered(s.a, s.b);
    const key = JSON.stringify([x, y]);
    byPair.delete(key);
    byPair.set(key, [x, y, s.score, s.explanation]);
  }
  const rows = [...byPair.values()];
  // Bounded statements for very large inputs; all in the caller's one transaction.
  for (let i = 0; i < rows.length; i += 10_000) {
    const chunk = rows.slice(i, i + 10_000);
    await c.query(
      `INSERT INTO suggestions (a, b, score, explanation, created_at)
       SELECT a, b, score, explanation, $5 FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[])
         AS s(a, b, score, explanation)
       ON CONFLICT (a, b) DO UPDATE SET score = excluded.score, explanation = excluded.explanation`,
      [chunk.map((r) => r[0]), chunk.map((r) => r[1]), chunk.map((r) => r[2]), chunk.map((r) => r[3]), now],
    );
  }
  return suggestions.length;
}

/**
 * The next page of suggestions in review order (score, then ids in byte order) after `after`, leaving out pairs
 * with a standing decision and pairs already inside one cluster, as SQLite's nextSuggestion skips them.
 */
export async function suggestionPage(
  q: Queryable,
  after: Suggestion | undefined,
  size: number,
): Promise<Suggestion[]> {
  const p = new Params();
  let from = '';
  if (after) {
    const score = p.p(after.score);
    // The first term bounds the index walk; the second orders ties by ids.
    from = `AND s.score <= ${score} AND (s.score < ${score} OR (s.score = ${score}
      AND (s.a COLLATE "C", s.b COLLATE "C") > (${p.p(after.a)} COLLATE "C", ${p.p(after.b)} COLLATE "C")))`;
  }
  const res = await q.query<Suggestion>(
    `SELECT s.a, s.b, s.score, s.explanation FROM suggestions s
     LEFT JOIN clusters ka ON ka.member = s.a
     LEFT JOIN clusters kb ON kb.member = s.b
     WHERE NOT EXISTS (SELECT 1 FROM judgements j WHERE j.a = s.a AND j.b = s.b AND j.retracted_at IS NULL)
       AND NOT (starts_with(coalesce(ka.canonical, s.a), 'NX-') AND coalesce(ka.canonical, s.a) = coalesce(kb.canonical, s.b))
       ${from}
     ORDER BY s.score DESC, s.a COLLATE "C", s.b COLLATE "C" LIMIT ${p.p(size)}`,
    p.values,
  );
  return res.rows;
}

/**
 * Which of the ids the context sees whole: every statement of the record (of each member, for a resolved id), by
 * marking only (a grading filter narrows a view, it does not bar the reader from the values), and at least one.
 * A suggestion's score and explanation were made from whole records, so they can quote values a reader may not see.
 */
export async function seesWhole(
  q: Queryable,
  ctx: AccessContext,
  ids: readonly string[],
): Promise<Set<string>> {
  const p = new Params();
  const list = p.p([...new Set(ids)].filter(storable));
  const vis = visibleSql({ ...ctx, grading: undefined }, 'sp', p);
  const res = await q.query<{ id: string }>(
    `WITH asked AS (SELECT DISTINCT unnest(${list}::text[]) AS id),
     canon AS (SELECT i.id, coalesce(c.canonical, i.id) AS canonical FROM asked i LEFT JOIN clusters c ON c.member = i.id),
     mem AS (
       SELECT k.id, coalesce(m.member, k.canonical) AS member FROM canon k
       LEFT JOIN clusters m ON m.canonical = k.canonical AND NOT ${IS_CANONICAL('m.member')})
     SELECT mem.id FROM mem GROUP BY mem.id
     HAVING bool_and(
       EXISTS (SELECT 1 FROM entities e JOIN statements s ON s.eid = e.eid WHERE e.id = mem.member)
       AND NOT EXISTS (SELECT 1 FROM entities e JOIN statements s ON s.eid = e.eid JOIN provenance sp ON sp.pid = s.pid
                       WHERE e.id = mem.member AND NOT ${vis}))`,
    p.values,
  );
  return new Set(res.rows.map((r) => r.id));
}
