// SQLite only: neither a token nor a password ever reaches the database file, in any form the bytes would show.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localOperator } from '../../access/index.js';
import { hashPassword, hashToken, newToken } from '../../access/passwords.js';
import { SqliteStore } from './sqlite-store.js';

function bytesOf(path: string): Buffer {
  // The WAL and its index hold recent pages until a checkpoint; search them too.
  return Buffer.concat(
    [path, `${path}-wal`, `${path}-shm`].filter((p) => existsSync(p)).map((p) => readFileSync(p)),
  );
}

describe('SqliteStore users and sessions on disk', () => {
  it('stores only the SHA-256 of a token and only the scrypt hash of a password', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'nexus-users-')), 'nexus.db');
    const store = new SqliteStore({ path });
    expect((await store.migrate()).error).toBeUndefined();
    const op = localOperator('tester', 'test');
    const password = 'CANARY-password-0123456789';
    await store.putUser(op, {
      name: 'erin',
      passwordHash: await hashPassword(password),
      role: 'analyst',
      clearance: 'OFFICIAL',
    });
    const tokens = [newToken(), newToken()];
    await store.createSession(op, {
      user: 'erin',
      tokenHash: hashToken(tokens[0] as string),
      kind: 'session',
      expiresAt: '2999-01-01T00:00:00Z',
    });
    await store.createSession(op, {
      user: 'erin',
      tokenHash: hashToken(tokens[1] as string),
      kind: 'token',
      expiresAt: null,
    });
    expect(await store.sessionByTokenHash(op, hashToken(tokens[0] as string))).toBeDefined();

    for (const checkpoint of [false, true]) {
      if (checkpoint) store.db.pragma('wal_checkpoint(TRUNCATE)');
      const bytes = bytesOf(path);
      expect(bytes.includes(hashToken(tokens[1] as string))).toBe(true);
      for (const secret of [...tokens, password, (tokens[0] as string).slice(3)])
        expect(bytes.includes(secret), `found ${secret.slice(0, 6)}...`).toBe(false);
    }
    await store.close();
    const bytes = bytesOf(path);
    for (const secret of [...tokens, password]) expect(bytes.includes(secret)).toBe(false);
  });
});
