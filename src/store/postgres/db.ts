// The PostgreSQL connection pool and the two ways the store talks to it: plain reads, and write transactions that
// take the store's write lock and append their audit record before they commit.
import pg from 'pg';
import type { AccessContext } from '../../access/index.js';
import type { AuditEventInput } from '../../audit/index.js';
import { NexusError } from '../../model/index.js';

export type Client = pg.PoolClient;

/** Lock class ids for pg_advisory_xact_lock(class, hashtext(schema)): one store per schema, one lock per purpose. */
export const LOCK_MIGRATE = 7201;
export const LOCK_WRITE = 7202;

/** Appends audit records inside the transaction the client holds (src/store/postgres/audit.ts). */
export type AppendTx = (
  c: Client,
  ctx: AccessContext,
  events: readonly AuditEventInput[],
) => Promise<unknown>;

/** Numbered parameters built up alongside the SQL text: `q.p(value)` returns `$n`. */
export class Params {
  readonly values: unknown[] = [];
  p(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

// int8 (counts, identity keys) as JavaScript numbers: every key and count here stays far below 2^53.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 && format !== 'binary') return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

export interface PgDbOptions {
  url: string;
  /** The schema holding this store's tables (created by migrate); default `nexus`. */
  schema: string;
  /** Connections at most; default 10. */
  max?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export class PgDb {
  readonly pool: pg.Pool;
  readonly schema: string;
  private appendTx: AppendTx | undefined;
  private failed: Error | undefined;
  private sinceAnalyze = 0;
  private analyzedRows = 0;
  private analyzing: Promise<void> | undefined;

  constructor(options: PgDbOptions) {
    if (!SCHEMA_NAME.test(options.schema))
      throw new NexusError(
        'USAGE_INVALID',
        `store.open: schema "${options.schema}" must match ${SCHEMA_NAME}`,
      );
    this.schema = options.schema;
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.max ?? 10,
      // Every connection works in the store's schema; public stays on the path for extensions (pg_trgm).
      options: `-c search_path=${options.schema},public`,
      types,
      application_name: 'nexus',
    });
    // An idle connection dropped by the server must not crash the process; the next query reports it.
    this.pool.on('error', (err) => {
      this.failed = err;
    });
  }

  /** Set by the store once the audit table exists: every write transaction appends through it. */
  useAudit(appendTx: AppendTx): void {
    this.appendTx = appendTx;
  }

  get health(): { ok: boolean; reason?: string } {
    return this.failed ? { ok: false, reason: this.failed.message } : { ok: true };
  }

  async query<R extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    values: readonly unknown[] = [],
  ): Promise<R[]> {
    try {
      const res = await this.pool.query<R>(text, values as unknown[]);
      return res.rows;
    } catch (err) {
      throw storeError('store.query', err);
    }
  }

  /** Runs several reads on one connection inside a read-only REPEATABLE READ transaction: one consistent snapshot. */
  async snapshot<T>(run: (c: Client) => Promise<T>): Promise<T> {
    const c = await this.connect();
    try {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const out = await run(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw storeError('store.read', err);
    } finally {
      c.release();
    }
  }

  /**
   * Runs a change and appends its audit records in one transaction holding the store's write lock, so writes
   * commit one at a time in the order they took the lock: identity keys (statement seq, audit seq) then grow in
   * commit order, which lets readers follow "everything after marker N" without missing a late commit.
   */
  async write<T>(
    ctx: AccessContext,
    run: (c: Client) => Promise<T>,
    events: (result: T) => AuditEventInput | readonly AuditEventInput[],
    /** Rows the change added, for bulk writes: the store refreshes the planner's statistics as tables grow. */
    grew?: (result: T) => number,
  ): Promise<T> {
    const append = this.appendTx;
    if (!append) throw new NexusError('STORE_UNAVAILABLE', 'store.write: migrate() has not run');
    const result = await this.locked(async (c) => {
      const r = await run(c);
      const e = events(r);
      await append(c, ctx, Array.isArray(e) ? e : [e as AuditEventInput]);
      return r;
    });
    if (grew) this.noteGrowth(grew(result));
    return result;
  }

  /** A transaction holding the write lock with no audit record of its own (the audit table's group commits). */
  async locked<T>(run: (c: Client) => Promise<T>): Promise<T> {
    const c = await this.connect();
    try {
      await c.query('BEGIN');
      await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_WRITE, this.schema]);
      const result = await run(c);
      await c.query('COMMIT');
      return result;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw storeError('store.write', err);
    } finally {
      c.release();
    }
  }

  /**
   * Counts rows added and, once they reach a quarter of what the tables held at the last count (at least 5,000),
   * runs ANALYZE on the store's tables after the commit. The planner's row estimates then follow a bulk load at
   * once instead of waiting for autovacuum (which some servers run rarely or not at all): with an empty table's
   * statistics it joins a million statements as if there were a hundred.
   */
  private noteGrowth(rows: number): void {
    this.sinceAnalyze += rows;
    if (this.analyzing || this.sinceAnalyze < Math.max(5000, this.analyzedRows / 4)) return;
    const added = this.sinceAnalyze;
    this.sinceAnalyze = 0;
    this.analyzing = this.analyze()
      .then(() => {
        this.analyzedRows += added;
      })
      .catch(() => {
        // Statistics are an optimisation: a failure leaves the old ones, and the next growth tries again.
      })
      .finally(() => {
        this.analyzing = undefined;
      });
  }

  /** ANALYZE every table of the store's schema (not the whole database). */
  async analyze(): Promise<void> {
    const tables = await this.query<{ t: string }>(
      "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = $1",
      [this.schema],
    );
    if (tables.length > 0) await this.query(`ANALYZE ${tables.map((r) => r.t).join(', ')}`);
  }

  async connect(): Promise<Client> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw new NexusError('STORE_UNAVAILABLE', `store.open: cannot connect to PostgreSQL: ${message(err)}`);
    }
  }

  async close(): Promise<void> {
    await this.analyzing;
    await this.pool.end();
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** NexusErrors pass through; a lost connection is STORE_UNAVAILABLE; anything else keeps its SQLSTATE in the text. */
export function storeError(where: string, err: unknown): Error {
  if (err instanceof NexusError) return err;
  const code = err && typeof err === 'object' && 'code' in err ? String(err.code) : '';
  if (code === '' || code.startsWith('08') || code === '57P01' || code === 'ECONNREFUSED')
    return new NexusError('STORE_UNAVAILABLE', `${where}: ${message(err)}`);
  return new NexusError('STORE_UNAVAILABLE', `${where}: ${message(err)} (SQLSTATE ${code})`);
}
