// The audit log in SQLite: appends inside the caller's transaction (atomic with a change) or, for reads, in group
// commits that resolve once durable; listing and an in-order scan for chain verification.
import type Database from 'better-sqlite3';
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

interface Pending {
  ctx: AccessContext;
  events: Required<AuditEventInput>[];
  resolve: (records: AuditRecord[]) => void;
  reject: (err: Error) => void;
}

export class AuditTable {
  private readonly head: Database.Statement;
  private readonly insert: Database.Statement;
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Database.Database,
    private readonly clock: () => Date,
  ) {
    this.head = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.insert = db.prepare(
      `INSERT INTO audit_log (seq, at, user, action, category, objects, purpose, request_id, outcome, detail, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /**
   * Appends inside the transaction the caller holds (the change and its record commit or roll back together).
   * AUDIT_UNAVAILABLE when the record cannot be written, which rolls the caller's change back.
   */
  appendTx(ctx: AccessContext, events: readonly AuditEventInput[]): AuditRecord[] {
    return this.write(ctx, events.map(normaliseEvent));
  }

  private write(ctx: AccessContext, events: Required<AuditEventInput>[]): AuditRecord[] {
    try {
      const last = this.head.get() as { seq: number; hash: string } | undefined;
      const { records, rows } = buildAuditRecords(ctx, events, last, this.clock().toISOString());
      for (const row of rows) this.insert.run(...row);
      return records;
    } catch (err) {
      throw auditUnavailable(err);
    }
  }

  /**
   * Appends in its own transaction, shared with every other append made in the same turn of the event loop (one
   * sync for many reads). Resolves once the records are durable; rejects with AUDIT_UNAVAILABLE otherwise.
   */
  append(ctx: AccessContext, events: readonly AuditEventInput[]): Promise<AuditRecord[]> {
    const normal = events.map(normaliseEvent);
    return new Promise((resolve, reject) => {
      this.pending.push({ ctx, events: normal, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    let results: AuditRecord[][];
    try {
      results = this.db.transaction(() => batch.map((p) => this.write(p.ctx, p.events))).immediate();
    } catch (err) {
      const e = err instanceof NexusError ? err : auditUnavailable(err);
      for (const p of batch) p.reject(e);
      return;
    }
    for (const [i, p] of batch.entries()) p.resolve(results[i] ?? []);
  }

  list(query: AuditQuery): AuditRecord[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (query.user !== undefined) {
      where.push('user = @user');
      params.user = query.user;
    }
    if (query.action !== undefined) {
      where.push('action = @action');
      params.action = query.action;
    }
    if (query.category !== undefined) {
      where.push('category = @category');
      params.category = query.category;
    }
    if (query.requestId !== undefined) {
      where.push('request_id = @rid');
      params.rid = query.requestId;
    }
    if (query.before !== undefined) {
      where.push('seq < @before');
      params.before = query.before;
    }
    if (query.since !== undefined) {
      where.push('at >= @since');
      params.since = query.since;
    }
    params.limit = auditLimit(query);
    const rows = this.db
      .prepare(
        `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`,
      )
      .all(params) as AuditRow[];
    return rows.map(toAuditRecord);
  }

  *scan(batch: number): Generator<AuditRecord[]> {
    let after = 0;
    const page = this.db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
    for (;;) {
      const rows = page.all(after, batch) as AuditRow[];
      if (rows.length === 0) return;
      after = rows[rows.length - 1]?.seq ?? after;
      yield rows.map(toAuditRecord);
    }
  }

  /** Highest seq of an erasure record (0 when none): part of Store.version. */
  lastErasure(): number {
    return Number(
      this.db.prepare("SELECT coalesce(max(seq), 0) FROM audit_log WHERE category = 'erasure'").pluck().get(),
    );
  }
}
