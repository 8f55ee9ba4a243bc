// The store-independent rules for users and sessions (input checks, who may grant what, how a user changes, record
// shapes), shared by the SQLite and PostgreSQL stores so both accept, refuse and answer exactly alike.
import { type AccessContext, canSee } from '../access/index.js';
import { isTotpSecret } from '../access/totp.js';
import {
  checkRole,
  checkUserName,
  normaliseCaveats,
  normaliseClearance,
  type UserRole,
} from '../access/users.js';
import { NexusError, parseMarking } from '../model/index.js';
import type { SessionInput, SessionRecord, UserInput, UserRecord } from './store.js';

const HASH = /^[0-9a-f]{64}$/;

/** True when the text is a token hash as stored: 64 lower-case hex digits. */
export function isTokenHash(hash: string): boolean {
  return HASH.test(hash);
}

function checkHash(hash: string, where: string): string {
  if (!HASH.test(hash))
    throw new NexusError('USAGE_INVALID', `${where}: a token hash is 64 lower-case hex digits (SHA-256)`);
  return hash;
}

/** Nobody grants a clearance or caveat they do not hold themselves. */
export function checkGrant(ctx: AccessContext, clearance: string, caveats: readonly string[]): void {
  const granted = parseMarking([clearance, ...caveats].join(' '));
  if (!canSee(ctx, granted))
    throw new NexusError(
      'ACCESS_CONTEXT_INVALID',
      `store.putUser: ${ctx.user} cannot grant a clearance or caveat they do not hold`,
    );
}

/** A user's input with name, role, clearance and caveats normalised (undefined: not given). */
export interface CheckedUserInput {
  name: string;
  role: UserRole | undefined;
  clearance: string | undefined;
  caveats: string[] | undefined;
}

/** Checks what Store.putUser needs no database for, in the order both stores report it. */
export function checkUserInput(input: UserInput): CheckedUserInput {
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
  return { name, role, clearance, caveats };
}

/** A new user as it will be inserted, once its input is complete and the grant allowed. */
export interface NewUser {
  name: string;
  passwordHash: string;
  role: UserRole;
  clearance: string;
  caveats: string[];
  disabled: boolean;
  totpSecret: string | null;
}

/** Checks that the input can create a user (what a new user needs, and the grant) and returns its values. */
export function newUser(ctx: AccessContext, input: UserInput, checked: CheckedUserInput): NewUser {
  const { role, clearance } = checked;
  if (input.passwordHash === undefined || role === undefined || clearance === undefined)
    throw new NexusError(
      'USAGE_INVALID',
      `store.putUser: a new user needs a password hash, a role and a clearance`,
    );
  if (input.totpStep !== undefined)
    throw new NexusError('USAGE_INVALID', 'store.putUser: a new user has no TOTP step to record');
  checkGrant(ctx, clearance, checked.caveats ?? []);
  return {
    name: checked.name,
    passwordHash: input.passwordHash,
    role,
    clearance,
    caveats: checked.caveats ?? [],
    disabled: input.disabled ?? false,
    totpSecret: input.totpSecret ?? null,
  };
}

/** What an update makes of a stored user. */
export interface UserUpdate {
  next: {
    passwordHash: string;
    role: UserRole;
    clearance: string;
    caveats: string[];
    disabled: boolean;
    totpSecret: string | null;
  };
  /** Whether anything changes (then the row is written and its version goes up). */
  changed: boolean;
  /** A new or removed secret starts the record of used steps afresh. */
  totpChanged: boolean;
}

/** The stored user as the input updates it; checks the grant when the clearance or caveats change. */
export function updatedUser(
  ctx: AccessContext,
  old: UserRecord,
  input: UserInput,
  checked: CheckedUserInput,
): UserUpdate {
  const next = {
    passwordHash: input.passwordHash ?? old.passwordHash,
    role: checked.role ?? old.role,
    clearance: checked.clearance ?? old.clearance,
    caveats: checked.caveats ?? old.caveats,
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
  if (changed && (next.clearance !== old.clearance || caveatsChanged))
    checkGrant(ctx, next.clearance, next.caveats);
  return { next, changed, totpChanged };
}

/** The error when a TOTP step cannot be recorded as used. */
export function totpStepUsed(): NexusError {
  return new NexusError(
    'USAGE_INVALID',
    'store.putUser: no TOTP enrolled, or this TOTP step or a later one has been used already',
  );
}

/** Checks what needs no database before a session is created: the token hash, the kind and the expiry. */
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

/** The user a session is created for: one that exists and is enabled. */
export function sessionUser(user: UserRecord | undefined): UserRecord {
  if (!user || user.disabled)
    throw new NexusError('USAGE_INVALID', 'store.createSession: no such enabled user');
  return user;
}

/** The record of a session just created. */
export function newSessionRecord(
  user: UserRecord,
  kind: SessionInput['kind'],
  now: string,
  expiresAt: string | null,
): SessionRecord {
  return {
    user: user.name,
    kind,
    createdAt: now,
    expiresAt,
    revokedAt: null,
    userVersion: user.version,
  };
}

/** The columns of a users row both stores keep alike (caveats and disabled are stored differently). */
export interface UserRowBase {
  name: string;
  password_hash: string;
  role: UserRole;
  clearance: string;
  version: number;
  created_at: string;
  updated_at: string;
  totp_secret: string | null;
}

export function toUserRecord(r: UserRowBase, caveats: string[], disabled: boolean): UserRecord {
  return {
    name: r.name,
    passwordHash: r.password_hash,
    role: r.role,
    clearance: r.clearance,
    caveats,
    disabled,
    totpSecret: r.totp_secret ?? null,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The columns of a sessions row both stores keep alike (the user's column is named per store). */
export interface SessionRowBase {
  kind: 'session' | 'token';
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  user_version: number;
}

export function toSessionRecord(user: string, r: SessionRowBase): SessionRecord {
  return {
    user,
    kind: r.kind,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    userVersion: r.user_version,
  };
}
