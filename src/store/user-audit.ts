// The audit events of user and session changes, shared by the SQLite and PostgreSQL stores so both record the same
// change exactly alike (what changed, never a password hash or a token).
import type { AuditEventInput } from '../audit/index.js';
import type { SessionRecord, UserRecord } from './store.js';

/** Store.putUser's record: created or updated, and what the user now is. */
export function userPutEvent(before: UserRecord | undefined, after: UserRecord): AuditEventInput {
  return {
    action: before ? 'user.update' : 'user.create',
    category: 'administration',
    objects: [after.name],
    // What changed, never the password hash.
    detail: {
      role: after.role,
      clearance: after.clearance,
      caveats: after.caveats.join(','),
      disabled: after.disabled,
      password_changed: before !== undefined && before.passwordHash !== after.passwordHash,
      version: after.version,
    },
  };
}

/** Store.createSession's record. */
export function sessionCreateEvent(r: SessionRecord): AuditEventInput {
  return {
    action: r.kind === 'token' ? 'token.create' : 'session.create',
    category: 'authentication',
    objects: [r.user],
    detail: { expires_at: r.expiresAt },
  };
}

/** Store.revokeSession's record: whether a live session was revoked. */
export function sessionRevokeEvent(done: boolean): AuditEventInput {
  return { action: 'session.revoke', category: 'authentication', outcome: done ? 'ok' : 'none' };
}

/** Store.revokeSessions' record: whose sessions, and how many were revoked. */
export function sessionsRevokeEvent(user: string, revoked: number): AuditEventInput {
  return {
    action: 'session.revoke_all',
    category: 'administration',
    objects: [user],
    detail: { revoked },
  };
}
