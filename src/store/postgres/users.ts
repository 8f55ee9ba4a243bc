// Users and sessions in PostgreSQL: who may sign in, with what clearance, and which tokens (by hash) stand for them.
// The same rules as src/store/sqlite/users.ts; every write runs in the caller's write transaction.
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
import type { Client } from './db.js';

/** Something that runs a query: the pool (PgDb) or a client inside a transaction. */
export type Queryable = Pick<Client, 'query'>;

interface UserRow {
  name: string;
  password_hash: string;
  role: UserRole;
  clearance: string;
  caveats: string[];
  disabled: boolean;
  version: number;
  created_at: string;
  updated_at: string;
  totp_secret: string | null;
}

interface SessionRow {
  user_name: string;
  kind: 'session' | 'token';
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  user_version: number;
}

const HASH = /^[0-9a-f]{64}$/;
/**
 * Names compare as SQLite's NOCASE does: ASCII letters folded, nothing else. `lower(x COLLATE "C")` folds exactly
 * that whatever the database's locale (a Turkish one would lower I to a dotless i). Stored names are ASCII
 * (checkUserName), so a name with anything else, or NUL (which PostgreSQL text cannot hold), matches no user.
 */
function comparable(name: string): boolean {
  return !/[^\p{ASCII}]/u.test(name) && !name.includes('\u0000');
}

const USER_COLUMNS =
  'name, password_hash, role, clearance, caveats, disabled, version, created_at, updated_at, totp_secret';

function toUser(r: UserRow): UserRecord {
  return {
    name: r.name,
    passwordHash: r.password_hash,
    role: r.role,
    clearance: r.clearance,
    caveats: [...r.caveats],
    disabled: r.disabled,
    totpSecret: r.totp_secret ?? null,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toSession(r: SessionRow): SessionRecord {
  return {
    user: r.user_name,
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

/** The user by name, any case. */
export async function getUser(q: Queryable, name: string): Promise<UserRecord | undefined> {
  if (!comparable(name)) return undefined;
  const res = await q.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users WHERE lower(name COLLATE "C") = lower($1 COLLATE "C")`,
    [name],
  );
  const row = res.rows[0];
  return row && toUser(row);
}

/** Every user, by name regardless of case, as SQLite's NOCASE column orders them. */
export async function listUsers(q: Queryable): Promise<UserRecord[]> {
  const res = await q.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users ORDER BY lower(name COLLATE "C"), name COLLATE "C"`,
  );
  return res.rows.map(toUser);
}

/** Creates or updates a user inside the caller's write transaction (see Store.putUser). */
export async function putUser(
  c: Client,
  ctx: AccessContext,
  input: UserInput,
  now: string,
): Promise<UserRecord> {
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
  const old = await getUser(c, name);
  if (!old) {
    if (input.passwordHash === undefined || role === undefined || clearance === undefined)
      throw new NexusError(
        'USAGE_INVALID',
        `store.putUser: a new user needs a password hash, a role and a clearance`,
      );
    if (input.totpStep !== undefined)
      throw new NexusError('USAGE_INVALID', 'store.putUser: a new user has no TOTP step to record');
    checkGrant(ctx, clearance, caveats ?? []);
    const res = await c.query<UserRow>(
      `INSERT INTO users (name, password_hash, role, clearance, caveats, disabled, version, created_at, updated_at,
         totp_secret)
       VALUES ($1, $2, $3, $4, $5::text[], $6, 1, $7, $7, $8)
       RETURNING ${USER_COLUMNS}`,
      [
        name,
        input.passwordHash,
        role,
        clearance,
        caveats ?? [],
        input.disabled ?? false,
        now,
        input.totpSecret ?? null,
      ],
    );
    return toUser(res.rows[0] as UserRow);
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
  const caveatsChanged = JSON.stringify(next.caveats) !== JSON.stringify(old.caveats);
  const changed =
    next.passwordHash !== old.passwordHash ||
    next.role !== old.role ||
    next.clearance !== old.clearance ||
    caveatsChanged ||
    next.disabled !== old.disabled ||
    totpChanged;
  let after = old;
  if (changed) {
    if (next.clearance !== old.clearance || caveatsChanged) checkGrant(ctx, next.clearance, next.caveats);
    // A new or removed secret starts the record of used steps afresh.
    const res = await c.query<UserRow>(
      `UPDATE users SET password_hash = $1, role = $2, clearance = $3, caveats = $4::text[], disabled = $5,
         totp_secret = $6, totp_last_step = CASE WHEN $7 THEN NULL ELSE totp_last_step END,
         version = version + 1, updated_at = $8
       WHERE name = $9
       RETURNING ${USER_COLUMNS}`,
      [
        next.passwordHash,
        next.role,
        next.clearance,
        next.caveats,
        next.disabled,
        next.totpSecret,
        totpChanged,
        now,
        old.name,
      ],
    );
    after = toUser(res.rows[0] as UserRow);
  }
  if (input.totpStep !== undefined) await useTotpStep(c, old.name, input.totpStep);
  return after;
}

/** Records a TOTP step as used, in the caller's transaction; only a step later than the last one is taken. */
async function useTotpStep(c: Client, name: string, step: number): Promise<void> {
  const res = await c.query(
    `UPDATE users SET totp_last_step = $1
     WHERE name = $2 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $1)`,
    [step, name],
  );
  if (res.rowCount === 0)
    throw new NexusError(
      'USAGE_INVALID',
      'store.putUser: no TOTP enrolled, or this TOTP step or a later one has been used already',
    );
}

/** Checks what needs no database before a write transaction is opened for it. */
export function checkSessionInput(input: SessionInput): { hash: string; expiresAt: string | null } {
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
  return { hash, expiresAt };
}

export async function createSession(c: Client, input: SessionInput, now: string): Promise<SessionRecord> {
  const { hash, expiresAt } = checkSessionInput(input);
  const user = await getUser(c, input.user);
  if (!user || user.disabled)
    throw new NexusError('USAGE_INVALID', 'store.createSession: no such enabled user');
  await c.query(
    `INSERT INTO sessions (token_hash, user_name, kind, created_at, expires_at, revoked_at, user_version)
     VALUES ($1, $2, $3, $4, $5, NULL, $6)`,
    [hash, user.name, input.kind, now, expiresAt, user.version],
  );
  return {
    user: user.name,
    kind: input.kind,
    createdAt: now,
    expiresAt,
    revokedAt: null,
    userVersion: user.version,
  };
}

/**
 * Every validity rule in one query, so no caller can forget one. Times are ISO text in one format, compared as
 * bytes (COLLATE "C") as SQLite compares them.
 */
export async function sessionByTokenHash(
  q: Queryable,
  hash: string,
  now: string,
): Promise<{ user: UserRecord; session: SessionRecord } | undefined> {
  if (!HASH.test(hash)) return undefined;
  const res = await q.query<SessionRow & UserRow & { u_created_at: string; u_updated_at: string }>(
    `SELECT s.user_name, s.kind, s.created_at, s.expires_at, s.revoked_at, s.user_version,
       u.name, u.password_hash, u.role, u.clearance, u.caveats, u.disabled, u.version, u.totp_secret,
       u.created_at AS u_created_at, u.updated_at AS u_updated_at
     FROM sessions s JOIN users u ON u.name = s.user_name
     WHERE s.token_hash = $1 AND s.revoked_at IS NULL
       AND (s.expires_at IS NULL OR s.expires_at COLLATE "C" > $2)
       AND NOT u.disabled AND u.version = s.user_version`,
    [hash, now],
  );
  const row = res.rows[0];
  if (!row) return undefined;
  return {
    user: toUser({ ...row, created_at: row.u_created_at, updated_at: row.u_updated_at }),
    session: toSession(row),
  };
}

export async function revokeSession(c: Client, hash: string, now: string): Promise<boolean> {
  if (!HASH.test(hash)) return false;
  const res = await c.query(
    'UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL',
    [now, hash],
  );
  return (res.rowCount ?? 0) > 0;
}

/** The user's name matched regardless of case, as SQLite's NOCASE column matches it. */
export async function revokeSessions(c: Client, user: string, now: string): Promise<number> {
  if (!comparable(user)) return 0;
  const res = await c.query(
    'UPDATE sessions SET revoked_at = $1 WHERE lower(user_name COLLATE "C") = lower($2 COLLATE "C") AND revoked_at IS NULL',
    [now, user],
  );
  return res.rowCount ?? 0;
}
