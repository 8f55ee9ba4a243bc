// Users and sessions in SQLite: who may sign in, with what clearance, and which tokens (by hash) stand for them.
import type Database from 'better-sqlite3';
import { type AccessContext, canSee } from '../../access/index.js';
import { isTotpSecret } from '../../access/totp.js';
import {
  checkRole,
  checkUserName,
  normaliseCaveats,
  normaliseClearance,
  type UserRole,
} from '../../access/users.js';
import { NexusError, parseMarking } from '../../model/index.js';
import type { SessionInput, SessionRecord, UserInput, UserRecord } from '../store.js';

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

const HASH = /^[0-9a-f]{64}$/;

function toUser(r: UserRow): UserRecord {
  return {
    name: r.name,
    passwordHash: r.password_hash,
    role: r.role,
    clearance: r.clearance,
    caveats: JSON.parse(r.caveats) as string[],
    disabled: r.disabled === 1,
    totpSecret: r.totp_secret ?? null,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toSession(r: SessionRow): SessionRecord {
  return {
    user: r.user,
    kind: r.kind,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    userVersion: r.user_version,
  };
}

function checkHash(hash: string, where: string): string {
  if (!HASH.test(hash))
    throw new NexusError('USAGE_INVALID', `${where}: a token hash is 64 lower-case hex digits (SHA-256)`);
  return hash;
}

/** Nobody grants a clearance or caveat they do not hold themselves. */
function checkGrant(ctx: AccessContext, clearance: string, caveats: readonly string[]): void {
  const granted = parseMarking([clearance, ...caveats].join(' '));
  if (!canSee(ctx, granted))
    throw new NexusError(
      'ACCESS_CONTEXT_INVALID',
      `store.putUser: ${ctx.user} cannot grant a clearance or caveat they do not hold`,
    );
}

export class Users {
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
    const name = checkUserName(input.name, 'store.putUser');
    const role = input.role === undefined ? undefined : checkRole(input.role, 'store.putUser');
    const clearance = input.clearance === undefined ? undefined : normaliseClearance(input.clearance);
    const caveats = input.caveats === undefined ? undefined : normaliseCaveats(input.caveats);
    if (input.passwordHash !== undefined && input.passwordHash.trim() === '')
      throw new NexusError('USAGE_INVALID', 'store.putUser: the password hash is empty');
    if (typeof input.totpSecret === 'string' && !isTotpSecret(input.totpSecret))
      throw new NexusError(
        'USAGE_INVALID',
        'store.putUser: a TOTP secret is upper-case base32 of 10 to 64 bytes',
      );
    if (input.totpStep !== undefined && !(Number.isSafeInteger(input.totpStep) && input.totpStep >= 0))
      throw new NexusError('USAGE_INVALID', 'store.putUser: a TOTP step is a whole number from 0');
    const old = this.get(name);
    if (!old) {
      if (input.passwordHash === undefined || role === undefined || clearance === undefined)
        throw new NexusError(
          'USAGE_INVALID',
          `store.putUser: a new user needs a password hash, a role and a clearance`,
        );
      if (input.totpStep !== undefined)
        throw new NexusError('USAGE_INVALID', 'store.putUser: a new user has no TOTP step to record');
      checkGrant(ctx, clearance, caveats ?? []);
      this.db
        .prepare(
          `INSERT INTO users (name, password_hash, role, clearance, caveats, disabled, version, created_at, updated_at,
             totp_secret)
           VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
        )
        .run(
          name,
          input.passwordHash,
          role,
          clearance,
          JSON.stringify(caveats ?? []),
          input.disabled ? 1 : 0,
          now,
          now,
          input.totpSecret ?? null,
        );
      return this.get(name) as UserRecord;
    }
    const next = {
      passwordHash: input.passwordHash ?? old.passwordHash,
      role: role ?? old.role,
      clearance: clearance ?? old.clearance,
      caveats: caveats ?? old.caveats,
      disabled: input.disabled ?? old.disabled,
      totpSecret: input.totpSecret === undefined ? old.totpSecret : input.totpSecret,
    };
    const totpChanged = next.totpSecret !== old.totpSecret;
    const changed =
      next.passwordHash !== old.passwordHash ||
      next.role !== old.role ||
      next.clearance !== old.clearance ||
      JSON.stringify(next.caveats) !== JSON.stringify(old.caveats) ||
      next.disabled !== old.disabled ||
      totpChanged;
    if (changed) {
      if (next.clearance !== old.clearance || JSON.stringify(next.caveats) !== JSON.stringify(old.caveats))
        checkGrant(ctx, next.clearance, next.caveats);
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
    if (r.changes === 0)
      throw new NexusError(
        'USAGE_INVALID',
        'store.putUser: no TOTP enrolled, or this TOTP step or a later one has been used already',
      );
  }

  createSession(input: SessionInput, now: string): SessionRecord {
    const hash = checkHash(input.tokenHash, 'store.createSession');
    if (input.kind !== 'session' && input.kind !== 'token')
      throw new NexusError('USAGE_INVALID', 'store.createSession: kind is session or token');
    let expiresAt: string | null = null;
    if (input.expiresAt !== null) {
      const at = new Date(input.expiresAt);
      if (Number.isNaN(at.getTime()))
        throw new NexusError('USAGE_INVALID', 'store.createSession: expiresAt is not a date');
      expiresAt = at.toISOString();
    }
    const user = this.get(input.user);
    if (!user || user.disabled)
      throw new NexusError('USAGE_INVALID', 'store.createSession: no such enabled user');
    this.db
      .prepare(
        `INSERT INTO sessions (token_hash, user, kind, created_at, expires_at, revoked_at, user_version)
         VALUES (?, ?, ?, ?, ?, NULL, ?)`,
      )
      .run(hash, user.name, input.kind, now, expiresAt, user.version);
    return {
      user: user.name,
      kind: input.kind,
      createdAt: now,
      expiresAt,
      revokedAt: null,
      userVersion: user.version,
    };
  }

  /** Every validity rule in one query, so no caller can forget one. */
  byTokenHash(hash: string, now: string): { user: UserRecord; session: SessionRecord } | undefined {
    if (!HASH.test(hash)) return undefined;
    const row = this.db
      .prepare(
        `SELECT s.user, s.kind, s.created_at, s.expires_at, s.revoked_at, s.user_version,
           u.name, u.password_hash, u.role, u.clearance, u.caveats, u.disabled, u.version, u.totp_secret,
           u.created_at AS u_created_at, u.updated_at AS u_updated_at
         FROM sessions s JOIN users u ON u.name = s.user
         WHERE s.token_hash = ? AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > ?)
           AND u.disabled = 0 AND u.version = s.user_version`,
      )
      .get(hash, now) as (SessionRow & UserRow & { u_created_at: string; u_updated_at: string }) | undefined;
    if (!row) return undefined;
    return {
      user: toUser({ ...row, created_at: row.u_created_at, updated_at: row.u_updated_at }),
      session: toSession(row),
    };
  }

  revoke(hash: string, now: string): boolean {
    if (!HASH.test(hash)) return false;
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
