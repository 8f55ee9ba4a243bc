// Users and sessions in SQLite: who may sign in, with what clearance, and which tokens (by hash) stand for them.
import type Database from 'better-sqlite3';
import type { AccessContext } from '../../access/index.js';
import type { UserRole } from '../../access/users.js';
import type { SessionInput, SessionRecord, UserInput, UserRecord } from '../store.js';
import {
  checkSessionInput,
  checkUserInput,
  isTokenHash,
  newSessionRecord,
  newUser,
  sessionUser,
  toSessionRecord,
  totpStepUsed,
  toUserRecord,
  updatedUser,
} from '../user-rules.js';

interface UserRow {
  name: string;
  password_hash: string;
  role: UserRole;
  clearance: string;
  caveats: string;
  disabled: number;
  version: number;
  created_at: string;
  updated_at: string;
  totp_secret: string | null;
}

interface SessionRow {
  user: string;
  kind: 'session' | 'token';
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  user_version: number;
}

function toUser(r: UserRow): UserRecord {
  return toUserRecord(r, JSON.parse(r.caveats) as string[], r.disabled === 1);
}

function toSession(r: SessionRow): SessionRecord {
  return toSessionRecord(r.user, r);
}

export class Users {
  private sessionQuery: Database.Statement | undefined;
  readonly put: (ctx: AccessContext, input: UserInput, now: string) => UserRecord;

  constructor(private readonly db: Database.Database) {
    this.put = db.transaction((ctx: AccessContext, input: UserInput, now: string) =>
      this.putTx(ctx, input, now),
    );
  }

  get(name: string): UserRecord | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE name = ?').get(name) as UserRow | undefined;
    return row && toUser(row);
  }

  list(): UserRecord[] {
    const rows = this.db.prepare('SELECT * FROM users ORDER BY name').all() as UserRow[];
    return rows.map(toUser);
  }

  private putTx(ctx: AccessContext, input: UserInput, now: string): UserRecord {
    const checked = checkUserInput(input);
    const old = this.get(checked.name);
    if (!old) {
      const user = newUser(ctx, input, checked);
      this.db
        .prepare(
          `INSERT INTO users (name, password_hash, role, clearance, caveats, disabled, version, created_at, updated_at,
             totp_secret)
           VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
        )
        .run(
          user.name,
          user.passwordHash,
          user.role,
          user.clearance,
          JSON.stringify(user.caveats),
          user.disabled ? 1 : 0,
          now,
          now,
          user.totpSecret,
        );
      return this.get(user.name) as UserRecord;
    }
    const { next, changed, totpChanged } = updatedUser(ctx, old, input, checked);
    if (changed) {
      // A new or removed secret starts the record of used steps afresh.
      this.db
        .prepare(
          `UPDATE users SET password_hash = ?, role = ?, clearance = ?, caveats = ?, disabled = ?, totp_secret = ?,
             totp_last_step = CASE WHEN ? THEN NULL ELSE totp_last_step END,
             version = version + 1, updated_at = ? WHERE name = ?`,
        )
        .run(
          next.passwordHash,
          next.role,
          next.clearance,
          JSON.stringify(next.caveats),
          next.disabled ? 1 : 0,
          next.totpSecret,
          totpChanged ? 1 : 0,
          now,
          old.name,
        );
    }
    if (input.totpStep !== undefined) this.useTotpStep(old.name, input.totpStep);
    return changed ? (this.get(old.name) as UserRecord) : old;
  }

  /** Records a TOTP step as used, in the caller's transaction; only a step later than the last one is taken. */
  private useTotpStep(name: string, step: number): void {
    const r = this.db
      .prepare(
        `UPDATE users SET totp_last_step = ?
         WHERE name = ? AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < ?)`,
      )
      .run(step, name, step);
    if (r.changes === 0) throw totpStepUsed();
  }

  createSession(input: SessionInput, now: string): SessionRecord {
    const { hash, expiresAt } = checkSessionInput(input);
    const user = sessionUser(this.get(input.user));
    this.db
      .prepare(
        `INSERT INTO sessions (token_hash, user, kind, created_at, expires_at, revoked_at, user_version)
         VALUES (?, ?, ?, ?, ?, NULL, ?)`,
      )
      .run(hash, user.name, input.kind, now, expiresAt, user.version);
    return newSessionRecord(user, input.kind, now, expiresAt);
  }

  /** Every validity rule in one query, so no caller can forget one. */
  byTokenHash(hash: string, now: string): { user: UserRecord; session: SessionRecord } | undefined {
    if (!isTokenHash(hash)) return undefined;
    // Prepared once: every authenticated request asks, and preparing took a fifth of authenticating.
    this.sessionQuery ??= this.db.prepare(
      `SELECT s.user, s.kind, s.created_at, s.expires_at, s.revoked_at, s.user_version,
         u.name, u.password_hash, u.role, u.clearance, u.caveats, u.disabled, u.version, u.totp_secret,
         u.created_at AS u_created_at, u.updated_at AS u_updated_at
       FROM sessions s JOIN users u ON u.name = s.user
       WHERE s.token_hash = ? AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > ?)
         AND u.disabled = 0 AND u.version = s.user_version`,
    );
    const row = this.sessionQuery.get(hash, now) as
      | (SessionRow & UserRow & { u_created_at: string; u_updated_at: string })
      | undefined;
    if (!row) return undefined;
    return {
      user: toUser({ ...row, created_at: row.u_created_at, updated_at: row.u_updated_at }),
      session: toSession(row),
    };
  }

  revoke(hash: string, now: string): boolean {
    if (!isTokenHash(hash)) return false;
    const r = this.db
      .prepare('UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL')
      .run(now, hash);
    return r.changes > 0;
  }

  revokeAll(user: string, now: string): number {
    const r = this.db
      .prepare('UPDATE sessions SET revoked_at = ? WHERE user = ? AND revoked_at IS NULL')
      .run(now, user);
    return r.changes;
  }
}
