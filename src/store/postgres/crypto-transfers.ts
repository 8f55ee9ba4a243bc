// Crypto transfer legs in PostgreSQL: a batch is written with a fixed handful of statements whatever its size (legs
// travel as parallel arrays through unnest), and scanned back in store order a page at a time (keyset on seq).
// Behaviour mirrors src/store/sqlite/crypto.ts: legs already stored are skipped, a stored leg with another amount or
// time is kept and reported.
import type { AccessContext } from '../../access/index.js';
import { NexusError } from '../../model/index.js';
import { legConflict, legDiffers } from '../crypto-rules.js';
import type { StoredCryptoTx, TransferBatch, TransferBatchResult, TransferLeg } from '../store.js';
import { type AddressIds, AddressSet, insertProvenance, integerArray, textArray } from './crypto-shared.js';
import { type Client, Params, type PgDb } from './db.js';
import { visibleSql } from './visibility.js';

/** The batch's legs, $2-$10 as parallel arrays (address ids resolved, 0: no address), as rows `u`. */
const LEG_ROWS = `unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::smallint[], $7::integer[], $8::bigint[],
                   $9::bigint[], $10::text[])
            WITH ORDINALITY AS u(chain, asset, tx, time, leg, n, from_aid, to_aid, amount, ord)`;

function isLegKeyViolation(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && e.constraint === 'crypto_transfers_key';
}

/** Legs read per scan query: large enough to amortise the round trip, small enough to hold in memory. */
const SCAN_PAGE = 20_000;

/** FNV-1a over a string, then a separator, continuing from `h`. */
function mixText(h: number, text: string): number {
  let x = h;
  for (let i = 0; i < text.length; i++) x = Math.imul(x ^ text.charCodeAt(i), 16777619);
  return Math.imul(x ^ 0xffff, 16777619);
}

function mixNumber(h: number, value: number): number {
  return Math.imul(h ^ (value | 0), 16777619);
}

/**
 * The batch's legs as parallel columns, each distinct leg once: a repeat within the batch (same unique key) refers
 * to the first. Repeats are found through a numeric hash of the key checked field by field, rather than a joined
 * key string per leg, which at 100k legs a batch cost more in garbage collection than everything else here.
 */
class LegColumns {
  readonly chain: string[] = [];
  readonly asset: string[] = [];
  readonly tx: string[] = [];
  readonly time: number[] = [];
  readonly leg: number[] = [];
  readonly n: number[] = [];
  /** Positions in `addresses`, -1 for no address (aid 0). */
  readonly from: number[] = [];
  readonly to: number[] = [];
  readonly amount: string[] = [];
  /** For every leg of the batch in order: its row in the columns, negated (-row - 1) when it repeats that row. */
  readonly refs: number[] = [];
  readonly addresses = new AddressSet();
  /** Key hash -> last row with it; `sameHash[row]` is the row before with the same hash, or -1. */
  private readonly byHash = new Map<number, number>();
  private readonly sameHash: number[] = [];

  constructor(batch: TransferBatch) {
    for (const t of batch.txs) {
      const base = mixText(mixText(mixText(2166136261, t.tx), t.chain), t.asset);
      for (const l of t.legs) {
        const from = this.addresses.add(t.chain, l.from);
        const to = this.addresses.add(t.chain, l.to);
        const hash = mixNumber(mixNumber(mixNumber(mixNumber(base, l.leg), l.n), from), to);
        const first = this.find(hash, t.tx, t.chain, t.asset, l.leg, l.n, from, to);
        if (first >= 0) {
          this.refs.push(-first - 1);
          continue;
        }
        const row = this.tx.length;
        this.sameHash.push(this.byHash.get(hash) ?? -1);
        this.byHash.set(hash, row);
        this.refs.push(row);
        this.chain.push(t.chain);
        this.asset.push(t.asset);
        this.tx.push(t.tx);
        this.time.push(t.time);
        this.leg.push(l.leg);
        this.n.push(l.n);
        this.from.push(from);
        this.to.push(to);
        this.amount.push(l.amount);
      }
    }
  }

  /** The row already holding this key, or -1. Address positions stand for (chain, address). */
  private find(
    hash: number,
    tx: string,
    chain: string,
    asset: string,
    leg: number,
    n: number,
    from: number,
    to: number,
  ): number {
    for (let r = this.byHash.get(hash) ?? -1; r >= 0; r = this.sameHash[r] as number)
      if (
        this.tx[r] === tx &&
        this.chain[r] === chain &&
        this.asset[r] === asset &&
        this.leg[r] === leg &&
        this.n[r] === n &&
        this.from[r] === from &&
        this.to[r] === to
      )
        return r;
    return -1;
  }

  /** The columns as query parameters $2-$10, address positions turned into ids (0: no address). */
  params(aids: readonly number[]): string[] {
    const aid = (position: number) => (position < 0 ? 0 : (aids[position] as number));
    return [
      textArray(this.chain),
      textArray(this.asset),
      textArray(this.tx),
      integerArray(this.time),
      integerArray(this.leg),
      integerArray(this.n),
      integerArray(this.from.map(aid)),
      integerArray(this.to.map(aid)),
      textArray(this.amount),
    ];
  }
}

/**
 * Runs inside the caller's write transaction. Returns the addresses and ids it used too: the caller hands them to
 * `addresses.keep` once the transaction has committed.
 */
export async function writeTransfers(
  c: Client,
  batch: TransferBatch,
  now: string,
  addresses: AddressIds,
): Promise<{ result: TransferBatchResult; set: AddressSet; aids: number[] }> {
  const pid = await insertProvenance(c, 'CryptoTransfer', batch, now);
  const cols = new LegColumns(batch);
  const { aids, created: addressesCreated } = await addresses.resolve(c, cols.addresses);
  const legs = cols.params(aids);
  // The sort by ordinal stays in memory for a batch of 100k legs.
  await c.query("SET LOCAL work_mem = '64MB'");
  // The legs in batch order (seq then follows it). A fresh load (the common case) inserts them as they are: the
  // unique key is checked by the insert anyway, and a plain insert costs about 40% less than one with ON CONFLICT.
  // Should any be stored already, that attempt is undone and the legs go in again skipping those.
  const insert = `INSERT INTO crypto_transfers (pid, chain, asset, tx, time, leg, n, from_aid, to_aid, amount)
     SELECT $1, u.chain, u.asset, u.tx, u.time, u.leg, u.n, u.from_aid, u.to_aid, u.amount
     FROM ${LEG_ROWS} ORDER BY u.ord`;
  let insertedCount: number;
  await c.query('SAVEPOINT legs');
  try {
    insertedCount = (await c.query(insert, [pid, ...legs])).rowCount ?? 0;
    await c.query('RELEASE SAVEPOINT legs');
  } catch (err) {
    if (!isLegKeyViolation(err)) throw err;
    await c.query('ROLLBACK TO SAVEPOINT legs');
    insertedCount = (await c.query(`${insert} ON CONFLICT DO NOTHING`, [pid, ...legs])).rowCount ?? 0;
  }
  // Legs skipped were stored before this batch (repeats within it were folded above): they are the ones whose
  // stored row has another provenance row than this batch's. Only looked up when some were skipped.
  const old = new Map<number, { time: number; amount: string }>();
  if (insertedCount < cols.tx.length) {
    const stored = await c.query<{ ord: number; time: number; amount: string }>(
      `SELECT u.ord, o.time, o.amount FROM ${LEG_ROWS}
       JOIN crypto_transfers o ON o.tx = u.tx AND o.chain = u.chain AND o.asset = u.asset AND o.leg = u.leg
            AND o.n = u.n AND o.from_aid = u.from_aid AND o.to_aid = u.to_aid
       WHERE o.pid <> $1`,
      [pid, ...legs],
    );
    // ordinality counts from 1; columns rows from 0.
    for (const r of stored.rows) old.set(Number(r.ord) - 1, { time: Number(r.time), amount: r.amount });
  }

  const newPerTx: number[] = [];
  const conflicts: TransferBatchResult['conflicts'] = [];
  let written = 0;
  let k = 0;
  for (const [index, t] of batch.txs.entries()) {
    let fresh = 0;
    let conflict = false;
    for (const l of t.legs) {
      const ref = cols.refs[k++] as number;
      const row = ref < 0 ? -ref - 1 : ref;
      const before = old.get(row);
      if (ref >= 0 && before === undefined) {
        fresh++;
        continue;
      }
      // Stored before this batch, or earlier in it (then what it holds is the first occurrence's values).
      const held = before ?? { time: cols.time[row] as number, amount: cols.amount[row] as string };
      if (!conflict && legDiffers(held, l.amount, t.time)) {
        conflict = true;
        conflicts.push(legConflict(t.tx, index, held));
      }
    }
    written += fresh;
    newPerTx.push(fresh);
  }
  // Under the write lock the two counts agree; if they ever do not, the batch must not commit miscounted.
  if (written !== insertedCount)
    throw new NexusError(
      'STORE_UNAVAILABLE',
      `store.putTransfers: ${insertedCount} legs inserted but ${written} counted as new`,
    );
  return {
    result: { newPerTx, legsWritten: written, addressesCreated, conflicts },
    set: cols.addresses,
    aids,
  };
}

interface ScanProvenance {
  pid: number | null;
  dataset: string;
  marking: string;
  grading: string | null;
}

interface ScanRow {
  pid: number;
  chain: string;
  asset: string;
  tx: string;
  time: number;
  leg: number;
  n: number;
  from_address: string | null;
  to_address: string | null;
  amount: string;
}

/** Visible transactions in store order, legs of one UTXO transaction grouped as SQLite's scan groups them. */
export async function* scanTransfers(
  db: PgDb,
  ctx: AccessContext,
  options: { datasets?: readonly string[]; chain?: string; asset?: string; batch?: number },
): AsyncGenerator<StoredCryptoTx[]> {
  const size = Math.max(1, options.batch ?? 10_000);
  let batch: StoredCryptoTx[] = [];
  let current: StoredCryptoTx | undefined;
  let after = 0;
  for (;;) {
    // A page is the next SCAN_PAGE legs in seq order. Its upper bound and the provenance rows of its legs the
    // reader may see come first (a batch shares one provenance row, so these are few); the legs are then read
    // within (after, last] from those provenance rows only. Each page costs its own rows whatever the planner
    // guesses of the marking filter, so a scan stays linear in the table.
    const q = new Params();
    const where = ['p.pid IN (SELECT pid FROM page)', visibleSql(ctx, 'p', q)];
    if (options.datasets?.length) where.push(`p.dataset = ANY(${q.p(options.datasets)}::text[])`);
    const head = await db.query<ScanProvenance & { last: number | null }>(
      `WITH page AS MATERIALIZED (
         SELECT seq, pid FROM crypto_transfers WHERE seq > ${q.p(after)} ORDER BY seq LIMIT ${SCAN_PAGE}
       ),
       seen AS (SELECT p.pid, p.dataset, p.marking, p.grading FROM provenance p WHERE ${where.join(' AND ')})
       SELECT (SELECT max(seq) FROM page) AS last, seen.* FROM (SELECT 1) one LEFT JOIN seen ON true`,
      q.values,
    );
    const last = head[0]?.last;
    if (last === null || last === undefined) break;
    const visible = new Map<number, ScanProvenance>();
    for (const r of head) if (r.pid !== null) visible.set(Number(r.pid), r);
    let rows: ScanRow[] = [];
    if (visible.size > 0) {
      const t = new Params();
      const filters = [
        `t.seq > ${t.p(after)}`,
        `t.seq <= ${t.p(last)}`,
        `t.pid = ANY(${t.p([...visible.keys()])}::bigint[])`,
      ];
      if (options.chain !== undefined) filters.push(`t.chain = ${t.p(options.chain)}`);
      if (options.asset !== undefined) filters.push(`t.asset = ${t.p(options.asset)}`);
      rows = await db.query<ScanRow>(
        `SELECT t.pid, t.chain, t.asset, t.tx, t.time, t.leg, t.n, fa.address AS from_address,
                ta.address AS to_address, t.amount
         FROM crypto_transfers t
         LEFT JOIN crypto_addresses fa ON fa.aid = t.from_aid
         LEFT JOIN crypto_addresses ta ON ta.aid = t.to_aid
         WHERE ${filters.join(' AND ')} ORDER BY t.seq`,
        t.values,
      );
    }
    after = Number(last);
    for (const r of rows) {
      const leg = Number(r.leg) as TransferLeg['leg'];
      // Legs of one UTXO transaction sit together (written in one batch, in order).
      const sameUtxo =
        current !== undefined &&
        leg !== 0 &&
        current.tx === r.tx &&
        current.chain === r.chain &&
        current.asset === r.asset &&
        current.legs[0]?.leg !== 0;
      if (!sameUtxo) {
        if (current) batch.push(current);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
        const p = visible.get(Number(r.pid)) as ScanProvenance;
        current = {
          chain: r.chain,
          asset: r.asset,
          tx: r.tx,
          time: Number(r.time),
          legs: [],
          dataset: p.dataset,
          marking: p.marking,
          grading: p.grading,
        };
      }
      (current as StoredCryptoTx).legs.push({
        leg,
        n: Number(r.n),
        from: r.from_address,
        to: r.to_address,
        amount: r.amount,
      });
    }
  }
  if (current) batch.push(current);
  if (batch.length) yield batch;
}
