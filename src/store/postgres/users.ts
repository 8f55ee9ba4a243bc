// Users and sessions in PostgreSQL: who may sign in, with what clearance, and which tokens (by hash) stand for them.
// The same rules as src/store/sqlite/users.ts; every write runs in the caller's write transaction.
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
  return toUserRecord(r, [...r.caveats], r.disabled);
}

function toSession(r: SessionRow): SessionRecord {
  return toSessionRecord(r.user_name, r);
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
  const checked = checkUserInput(input);
  const old = await getUser(c, checked.name);
  if (!old) {
    const user = newUser(ctx, input, checked);
    const res = await c.query<UserRow>(
      `INSERT INTO users (name, password_hash, role, clearance, caveats, disabled, version, created_at, updated_at,
         totp_secret)
       VALUES ($1, $2, $3, $4, $5::text[], $6, 1, $7, $7, $8)
       RETURNING ${USER_COLUMNS}`,
      [
        user.name,
        user.passwordHash,
        user.role,
        user.clearance,
        user.caveats,
        user.disabled,
        now,
        user.totpSecret,
      ],
    );
    return toUser(res.rows[0] as UserRow);
  }
  const { next, changed, totpChanged } = updatedUser(ctx, old, input, checked);
  let after = old;
  if (changed) {
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
  if (res.rowCount === 0) throw totpStepUsed();
}

export async function createSession(c: Client, input: SessionInput, now: string): Promise<SessionRecord> {
  const { hash, expiresAt } = checkSessionInput(input);
  const user = sessionUser(await getUser(c, input.user));
  await c.query(
    `INSERT INTO sessions (token_hash, user_name, kind, created_at, expires_at, revoked_at, user_version)
     VALUES ($1, $2, $3, $4, $5, NULL, $6)`,
    [hash, user.name, input.kind, now, expiresAt, user.version],
  );
  return newSessionRecord(user, input.kind, now, expiresAt);
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
  if (!isTokenHash(hash)) return undefined;
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
  if (!isTokenHash(hash)) return false;
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
