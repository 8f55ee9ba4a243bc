// What the transfer, label and series writes share: the batch's provenance row, bulk address ids, the checkpoint.
import { parseMarking } from '../../model/index.js';
import type { Checkpoint } from '../store.js';
import type { Client } from './db.js';
import { caveatArray } from './visibility.js';

export interface BatchProvenance {
  dataset: string;
  origin: string;
  marking: string;
  grading: string | null;
}

/** The marking's level and caveats as stored; throws MARKING_INVALID before anything is written. */
export function markingColumns(marking: string): { mlevel: number; caveats: string[] } {
  const m = parseMarking(marking);
  return { mlevel: m.rank, caveats: caveatArray(m.caveats) };
}

/**
 * Inserts the batch's provenance row (one per batch, as in SQLite) and returns its pid. Its marking joins
 * markings_present (entities-schema.ts), as SQLite's crypto and series writes do: reads over provenance that skip
 * the per-row check for a reader who sees every marking present (datasets, say) must count these rows too.
 */
export async function insertProvenance(
  c: Client,
  schema: string,
  b: BatchProvenance,
  now: string,
): Promise<number> {
  const m = markingColumns(b.marking);
  await c.query(
    'INSERT INTO markings_present (mlevel, caveats) VALUES ($1, $2::text[]) ON CONFLICT DO NOTHING',
    [m.mlevel, m.caveats],
  );
  const res = await c.query<{ pid: number }>(
    `INSERT INTO provenance (schema, dataset, origin, first_seen, marking, mlevel, caveats, grading)
     VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8) RETURNING pid`,
    [schema, b.dataset, b.origin, now, b.marking, m.mlevel, m.caveats, b.grading],
  );
  return Number(res.rows[0]?.pid);
}

/** Saves the checkpoint in the caller's transaction, so it commits with the rows it counts. */
export async function saveCheckpoint(
  c: Client,
  checkpoint: Checkpoint | undefined,
  now: string,
): Promise<void> {
  if (!checkpoint) return;
  await c.query(
    `INSERT INTO ingest_checkpoints (source_key, dataset, items_done, complete, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (source_key) DO UPDATE SET items_done = excluded.items_done, complete = excluded.complete,
     updated_at = excluded.updated_at`,
    [checkpoint.sourceKey, checkpoint.dataset, checkpoint.itemsDone, checkpoint.complete, now],
  );
}

/** Address ids kept in memory at most; past this the cache starts over (SQLite's store does the same). */
const AID_CACHE_LIMIT = 2_000_000;

/**
 * A value per (chain, address), a map per chain: no key string is built per lookup, which matters at 100k legs a
 * batch (joined keys cost more in allocation and garbage collection than the rest of the batch's preparation).
 */
class PerAddress {
  private readonly chains = new Map<string, Map<string, number>>();
  size = 0;

  get(chain: string, address: string): number | undefined {
    return this.chains.get(chain)?.get(address);
  }

  set(chain: string, address: string, value: number): void {
    let m = this.chains.get(chain);
    if (!m) {
      m = new Map();
      this.chains.set(chain, m);
    }
    if (!m.has(address)) this.size++;
    m.set(address, value);
  }

  clear(): void {
    this.chains.clear();
    this.size = 0;
  }
}

/** Distinct (chain, address) pairs of a batch in order of first appearance, as parallel arrays. */
export class AddressSet {
  readonly chains: string[] = [];
  readonly addresses: string[] = [];
  private readonly positions = new PerAddress();

  /** The pair's position in the set, added when new; -1 for no address. */
  add(chain: string, address: string | null): number {
    if (address === null) return -1;
    const known = this.positions.get(chain, address);
    if (known !== undefined) return known;
    const position = this.chains.length;
    this.positions.set(chain, address, position);
    this.chains.push(chain);
    this.addresses.push(address);
    return position;
  }
}

/**
 * Address ids: created in bulk for a batch, and remembered once committed. An address row is never changed or
 * deleted, so a committed id stays right for every process; ids of a transaction that may still roll back are only
 * remembered through keep() after it commits.
 */
export class AddressIds {
  private readonly cache = new PerAddress();

  /**
   * Ids of the set's addresses by position in the set, creating those not stored yet (ids in order of first
   * appearance); `created` counts the new ones.
   */
  async resolve(c: Client, set: AddressSet): Promise<{ aids: number[]; created: number }> {
    const aids: number[] = new Array(set.chains.length);
    const chains: string[] = [];
    const addresses: string[] = [];
    const wanted: number[] = [];
    for (let i = 0; i < set.chains.length; i++) {
      const chain = set.chains[i] as string;
      const address = set.addresses[i] as string;
      const known = this.cache.get(chain, address);
      if (known !== undefined) aids[i] = known;
      else {
        chains.push(chain);
        addresses.push(address);
        wanted.push(i);
      }
    }
    if (wanted.length === 0) return { aids, created: 0 };
    // The caller holds the write lock, so no other writer creates one meanwhile; the second branch reads the
    // statement's snapshot, so it gives exactly the addresses stored before.
    const rows = await c.query<{ ord: number; aid: number; created: boolean }>(
      `WITH u AS (SELECT * FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(chain, address, ord)),
       ins AS (
         INSERT INTO crypto_addresses (chain, address) SELECT chain, address FROM u ORDER BY ord
         ON CONFLICT DO NOTHING RETURNING aid, chain, address
       )
       SELECT u.ord, ins.aid, true AS created FROM ins JOIN u ON u.chain = ins.chain AND u.address = ins.address
       UNION ALL
       SELECT u.ord, a.aid, false FROM u JOIN crypto_addresses a ON a.chain = u.chain AND a.address = u.address`,
      [chains, addresses],
    );
    let created = 0;
    for (const r of rows.rows) {
      aids[wanted[Number(r.ord) - 1] as number] = Number(r.aid);
      if (r.created) created++;
    }
    return { aids, created };
  }

  /** Remembers the set's ids after the transaction that resolved them committed. */
  keep(set: AddressSet, aids: readonly number[]): void {
    if (this.cache.size + set.chains.length > AID_CACHE_LIMIT) this.cache.clear();
    if (set.chains.length > AID_CACHE_LIMIT) return;
    for (let i = 0; i < set.chains.length; i++)
      this.cache.set(set.chains[i] as string, set.addresses[i] as string, aids[i] as number);
  }
}

const NEEDS_ESCAPE = /["\\]/;

/**
 * A PostgreSQL array literal of texts (none null), for a `$n::text[]` parameter: for 100k-element columns this is
 * several times cheaper than the driver's generic array encoding, which escapes every element with a regex.
 */
export function textArray(values: readonly string[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as string;
    parts[i] = `"${NEEDS_ESCAPE.test(v) ? v.replace(/["\\]/g, '\\$&') : v}"`;
  }
  return `{${parts.join(',')}}`;
}

/** A PostgreSQL array literal of integers, for a `$n::bigint[]` (or integer, smallint) parameter. */
export function integerArray(values: readonly number[]): string {
  return `{${values.join(',')}}`;
}
