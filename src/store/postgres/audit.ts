// The audit log in PostgreSQL: appends inside the caller's write transaction (atomic with the change) or, for reads,
// in group commits that resolve once durable; listing and an in-order scan for chain verification.
import type { AccessContext } from '../../access/index.js';
import {
  type AuditEventInput,
  type AuditQuery,
  type AuditRecord,
  normaliseEvent,
} from '../../audit/index.js';
import { NexusError } from '../../model/index.js';
import { auditLimit, auditUnavailable, buildAuditRecords } from '../audit-append.js';
import { type AuditRow, toAuditRecord } from '../audit-rows.js';
import { type Client, Params, type PgDb } from './db.js';

/** user_name read back as user: `user` is reserved in PostgreSQL. */
const COLUMNS =
  'seq, at, user_name AS "user", action, category, objects, purpose, request_id, outcome, detail, prev_hash, hash';

interface Pending {
  ctx: AccessContext;
  events: Required<AuditEventInput>[];
  resolve: (records: AuditRecord[]) => void;
  reject: (err: Error) => void;
}

export class PgAudit {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private scheduled = false;

  constructor(
    private readonly db: PgDb,
    private readonly clock: () => Date,
  ) {}

  /**
   * Appends inside the write transaction the client holds (it holds the store's write lock, so the chain's head
   * cannot move under it). AUDIT_UNAVAILABLE when the record cannot be written, which rolls the change back.
   */
  async appendTx(c: Client, ctx: AccessContext, events: readonly AuditEventInput[]): Promise<AuditRecord[]> {
    return this.write(c, ctx, events.map(normaliseEvent));
  }

  private async write(
    c: Client,
    ctx: AccessContext,
    events: Required<AuditEventInput>[],
  ): Promise<AuditRecord[]> {
    try {
      const head = await c.query<{ seq: number; hash: string }>(
        'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
      );
      const { records, rows } = buildAuditRecords(ctx, events, head.rows[0], this.clock().toISOString());
      const cols: unknown[][] = [[], [], [], [], [], [], [], [], [], [], [], []];
      for (const row of rows) for (const [i, v] of row.entries()) cols[i]?.push(v);
      if (records.length > 0)
        await c.query(
          `INSERT INTO audit_log (seq, at, user_name, action, category, objects, purpose, request_id, outcome, detail, prev_hash, hash)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
             $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])`,
          cols,
        );
      return records;
    } catch (err) {
      throw auditUnavailable(err);
    }
  }

  /**
   * Appends in a transaction of its own, shared with every other append made meanwhile (one commit for many reads).
   * Resolves once the records are durable; rejects with AUDIT_UNAVAILABLE otherwise.
   */
  append(ctx: AccessContext, events: readonly AuditEventInput[]): Promise<AuditRecord[]> {
    const normal = events.map(normaliseEvent);
    return new Promise((resolve, reject) => {
      this.pending.push({ ctx, events: normal, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // One flush at a time: appends arriving while one commits wait for the next, and go together.
    const after = this.flushing ?? Promise.resolve();
    this.flushing = after.then(
      () =>
        new Promise<void>((done) =>
          setImmediate(() => {
            this.scheduled = false;
            this.flush().finally(done);
          }),
        ),
    );
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let results: AuditRecord[][];
    try {
      results = await this.db.locked(async (c) => {
        const out: AuditRecord[][] = [];
        for (const p of batch) out.push(await this.write(c, p.ctx, p.events));
        return out;
      });
    } catch (err) {
      const e = err instanceof NexusError && err.code === 'AUDIT_UNAVAILABLE' ? err : auditUnavailable(err);
      for (const p of batch) p.reject(e);
      return;
    }
    for (const [i, p] of batch.entries()) p.resolve(results[i] ?? []);
  }

  async list(query: AuditQuery): Promise<AuditRecord[]> {
    const q = new Params();
    const where: string[] = [];
    if (query.user !== undefined) where.push(`user_name = ${q.p(query.user)}`);
    if (query.action !== undefined) where.push(`action = ${q.p(query.action)}`);
    if (query.category !== undefined) where.push(`category = ${q.p(query.category)}`);
    if (query.requestId !== undefined) where.push(`request_id = ${q.p(query.requestId)}`);
    if (query.before !== undefined) where.push(`seq < ${q.p(query.before)}`);
    if (query.since !== undefined) where.push(`at >= ${q.p(query.since)}`);
    const limit = auditLimit(query);
    const rows = await this.db.query<AuditRow>(
      `SELECT ${COLUMNS} FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ${q.p(limit)}`,
      q.values,
    );
    return rows.map(toAuditRecord);
  }

  async *scan(batch: number): AsyncGenerator<AuditRecord[]> {
    let after = 0;
    for (;;) {
      const rows = await this.db.query<AuditRow>(
        `SELECT ${COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [after, batch],
      );
      if (rows.length === 0) return;
      after = rows[rows.length - 1]?.seq ?? after;
      yield rows.map(toAuditRecord);
    }
  }

  /** Highest seq of an erasure record (0 when none): part of Store.version. */
  async lastErasure(): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      "SELECT coalesce(max(seq), 0)::bigint AS n FROM audit_log WHERE category = 'erasure'",
    );
    return rows[0]?.n ?? 0;
  }
}
