// `nexus user`, `nexus token` and `nexus serve` with authentication: in-process, and the built command on a socket.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localOperator } from '../../src/access/index.js';
import { hashToken, verifyPassword } from '../../src/access/passwords.js';
import { totpCode } from '../../src/access/totp.js';
import { userCommand } from '../../src/cli/commands/user.js';
import type { CommandEnv } from '../../src/cli/io.js';
import { SqliteStore } from '../../src/store/index.js';
import { listening, nexus, tempHome } from './helpers.js';

const BIN = 'bin/nexus.js';
const BUILT = existsSync('dist/cli/commands/user.js');
const op = localOperator('tester', 'test');

async function openStore(home: string): Promise<SqliteStore> {
  const store = new SqliteStore({ path: join(home, 'nexus.db') });
  const m = await store.migrate();
  if (m.error) throw m.error;
  return store;
}

async function withStore<T>(home: string, fn: (s: SqliteStore) => Promise<T>): Promise<T> {
  const store = await openStore(home);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Runs `nexus user ...` in-process with stdin given as a string. */
async function userWithStdin(home: string, stdin: string, ...args: string[]) {
  const out = { stdout: '', stderr: '' };
  const c: CommandEnv = {
    io: {
      stdout: (t) => {
        out.stdout += t;
      },
      stderr: (t) => {
        out.stderr += t;
      },
      stderrIsTty: false,
    },
    ctx: op,
    home,
    env: {},
    openStore: () => openStore(home),
  };
  const code = await userCommand(args, c, { readStdin: async () => stdin });
  return { code, ...out };
}

describe('nexus user', () => {
  it('adds a user with a generated password printed once, and lists users without their hashes', async () => {
    const home = tempHome('nexus-user-');
    const add = await nexus(
      home,
      'user',
      'add',
      'alice',
      '--role',
      'analyst',
      '--clearance',
      'official-sensitive',
      '--caveat',
      'uk eyes only',
    );
    expect(add.code).toBe(0);
    expect(add.stdout).toContain(
      'user alice added: role analyst, clearance OFFICIAL-SENSITIVE, caveats UK EYES ONLY',
    );
    const password = /password \(shown once, store it now\): (\S+)/.exec(add.stdout)?.[1] as string;
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await withStore(home, async (s) => {
      const user = await s.getUser(op, 'alice');
      expect(await verifyPassword(password, user?.passwordHash as string)).toBe(true);
    });

    const again = await nexus(home, 'user', 'add', 'alice', '--role', 'analyst', '--clearance', 'OFFICIAL');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists');

    const list = await nexus(home, 'user', 'list', '--json');
    expect(list.code).toBe(0);
    const users = JSON.parse(list.stdout) as Record<string, unknown>[];
    expect(users).toEqual([
      expect.objectContaining({
        name: 'alice',
        role: 'analyst',
        clearance: 'OFFICIAL-SENSITIVE',
        caveats: ['UK EYES ONLY'],
        disabled: false,
        version: 1,
      }),
    ]);
    expect(list.stdout).not.toContain('scrypt');
    expect((await nexus(home, 'user', 'list')).stdout).toMatch(/^alice\s+analyst\s+OFFICIAL-SENSITIVE/);
  });

  it('reads the password from stdin when asked, with the length policy', async () => {
    const home = tempHome('nexus-user-');
    const ok = await userWithStdin(
      home,
      'a long stdin password\n',
      'add',
      'bob',
      '--role',
      'reviewer',
      '--clearance',
      'SECRET',
      '--password-stdin',
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).not.toContain('password');
    await withStore(home, async (s) => {
      const hash = (await s.getUser(op, 'bob'))?.passwordHash as string;
      expect(await verifyPassword('a long stdin password', hash)).toBe(true);
    });
    await expect(
      userWithStdin(
        home,
        'short\n',
        'add',
        'carl',
        '--role',
        'analyst',
        '--clearance',
        'OFFICIAL',
        '--password-stdin',
      ),
    ).rejects.toMatchObject({ code: 'USAGE_INVALID' });
    const changed = await userWithStdin(home, 'another long password', 'set', 'bob', '--password-stdin');
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain('version 1 -> 2');
    await withStore(home, async (s) => {
      const hash = (await s.getUser(op, 'bob'))?.passwordHash as string;
      expect(await verifyPassword('another long password', hash)).toBe(true);
    });
  });

  it('changes a user, and any change ends the sessions and tokens made before', async () => {
    const home = tempHome('nexus-user-');
    expect(
      (await nexus(home, 'user', 'add', 'dora', '--role', 'analyst', '--clearance', 'OFFICIAL')).code,
    ).toBe(0);
    const made = await nexus(home, 'token', 'create', 'dora', '--expires-days', '30');
    expect(made.code).toBe(0);
    const token = made.stdout.trim();
    expect(token).toMatch(/^nx_[A-Za-z0-9_-]{43}$/);
    expect(made.stderr).toContain('shown once');
    const valid = (t: string) => withStore(home, (s) => s.sessionByTokenHash(op, hashToken(t)));
    const session = await valid(token);
    expect(session?.session).toMatchObject({ kind: 'token', user: 'dora' });
    expect(Date.parse(session?.session.expiresAt as string) - Date.now()).toBeGreaterThan(29 * 86_400_000);

    const set = await nexus(home, 'user', 'set', 'dora', '--clearance', 'SECRET', '--caveat', 'LOCSEN');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('version 1 -> 2');
    expect(set.stdout).toContain('clearance SECRET, caveats LOCSEN');
    expect(await valid(token)).toBeUndefined();
    expect((await nexus(home, 'user', 'set', 'dora', '--clearance', 'SECRET')).stdout).toContain(
      'nothing changed',
    );

    const second = (await nexus(home, 'token', 'create', 'dora')).stdout.trim();
    expect((await valid(second))?.session.expiresAt).toBeNull();
    expect((await nexus(home, 'user', 'set', 'dora', '--disable')).code).toBe(0);
    expect(await valid(second)).toBeUndefined();
    expect((await nexus(home, 'token', 'create', 'dora')).code).toBe(2);
    expect((await nexus(home, 'user', 'set', 'dora', '--enable', '--no-caveats')).code).toBe(0);
    const third = (await nexus(home, 'token', 'create', 'dora', '--json')).stdout;
    const { token: t3 } = JSON.parse(third) as { token: string };
    expect(await valid(t3)).toBeDefined();
    const revoked = await nexus(home, 'user', 'revoke', 'dora');
    expect(revoked.stdout).toContain('every session and token revoked');
    expect(await valid(t3)).toBeUndefined();
    const listed = JSON.parse((await nexus(home, 'user', 'list', '--json')).stdout) as { version: number }[];
    expect(listed[0]?.version).toBe(4); // one step per change: clearance+caveat, disable, enable+no-caveats
  });

  it('enrols TOTP (URI and secret printed once), lists it, and removes it with --off; each ends the sessions', async () => {
    const home = tempHome('nexus-user-');
    expect(
      (await nexus(home, 'user', 'add', 'fay', '--role', 'analyst', '--clearance', 'OFFICIAL')).code,
    ).toBe(0);
    const token = (await nexus(home, 'token', 'create', 'fay')).stdout.trim();
    const valid = (t: string) => withStore(home, (s) => s.sessionByTokenHash(op, hashToken(t)));
    expect(await valid(token)).toBeDefined();
    expect((await nexus(home, 'user', 'list')).stdout).toMatch(/^fay\s.*totp-off v1$/m);

    const on = await nexus(home, 'user', 'totp', 'fay');
    expect(on.code).toBe(0);
    expect(on.stdout).toContain('user fay: TOTP on (version 1 -> 2)');
    const secret = /secret \(shown once, store it now\): ([A-Z2-7]{32})$/m.exec(on.stdout)?.[1] as string;
    expect(secret).toBeDefined();
    const uri = /otpauth:\/\/totp\/\S+/.exec(on.stdout)?.[0] as string;
    expect(uri.startsWith('otpauth://totp/Nexus:fay?')).toBe(true);
    expect(new URL(uri).searchParams.get('secret')).toBe(secret);
    expect(new URL(uri).searchParams.get('issuer')).toBe('Nexus');
    expect(on.stderr).not.toContain(secret);
    expect(await valid(token)).toBeUndefined();
    await withStore(home, async (s) => {
      const user = await s.getUser(op, 'fay');
      expect(user?.totpSecret).toBe(secret);
      // The secret is the one an authenticator computes codes from.
      expect(totpCode(secret, new Date(0))).toMatch(/^\d{6}$/);
    });
    expect((await nexus(home, 'user', 'list')).stdout).toMatch(/^fay\s.*totp-on {2}v2$/m);
    const listed = await nexus(home, 'user', 'list', '--json');
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ name: 'fay', totp: true, version: 2 }),
    ]);
    expect(listed.stdout).not.toContain(secret);

    // Enrolling again replaces the secret; --json gives both forms.
    const again = JSON.parse((await nexus(home, 'user', 'totp', 'fay', '--json')).stdout) as {
      secret: string;
      otpauth_uri: string;
      changed: boolean;
      user: { version: number; totp: boolean };
    };
    expect(again.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(again.secret).not.toBe(secret);
    expect(again.otpauth_uri).toContain(`secret=${again.secret}`);
    expect(again).toMatchObject({ changed: true, user: { version: 3, totp: true } });

    const second = (await nexus(home, 'token', 'create', 'fay')).stdout.trim();
    expect(await valid(second)).toBeDefined();
    const off = await nexus(home, 'user', 'totp', 'fay', '--off');
    expect(off.code).toBe(0);
    expect(off.stdout).toContain('user fay: TOTP off (version 3 -> 4)');
    expect(off.stdout).not.toMatch(/secret|otpauth/);
    expect(await valid(second)).toBeUndefined();
    expect((await withStore(home, (s) => s.getUser(op, 'fay')))?.totpSecret).toBeNull();
    expect((await nexus(home, 'user', 'totp', 'fay', '--off')).stdout).toContain('nothing changed');
    expect((await nexus(home, 'user', 'list')).stdout).toMatch(/^fay\s.*totp-off v4$/m);
  });

  it('refuses bad input and anyone but the local operator', async () => {
    const home = tempHome('nexus-user-');
    const cases: [string[], number, RegExp][] = [
      [['user', 'add', 'bad name', '--role', 'analyst', '--clearance', 'OFFICIAL'], 2, /user name/],
      [['user', 'add', 'eve', '--role', 'root', '--clearance', 'OFFICIAL'], 2, /role must be one of/],
      [['user', 'add', 'eve', '--role', 'analyst'], 2, /required/],
      [['user', 'add', 'eve', '--role', 'analyst', '--clearance', 'ULTRA'], 1, /MARKING_INVALID/],
      [['user', 'set', 'nobody', '--role', 'analyst'], 2, /no user/],
      [['user', 'set', 'eve'], 2, /nothing to change/],
      [['user', 'frobnicate'], 2, /add, set, list, revoke or totp/],
      [['user', 'totp', 'nobody'], 2, /no user/],
      [['user', 'totp'], 2, /user totp: NAME/],
      [['--clearance', 'SECRET', 'user', 'totp', 'eve'], 1, /local operator/],
      [['token', 'create', 'nobody'], 2, /no user/],
      [['token', 'create', 'eve', '--expires-days', '0'], 2, /1 to 3650/],
      [['--clearance', 'OFFICIAL', 'user', 'list'], 1, /local operator/],
      [['--clearance', 'SECRET', 'token', 'create', 'eve'], 1, /local operator/],
    ];
    for (const [args, code, message] of cases) {
      const run = await nexus(home, ...args);
      expect(run.code, args.join(' ')).toBe(code);
      expect(run.stderr).toMatch(message);
    }
    expect((await nexus(home, 'user', '--help')).stdout).toContain('--password-stdin');
  });
});

let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

describe.skipIf(!BUILT)('nexus serve with authentication (real socket; needs dist/)', () => {
  it('is on by default: 401 without credentials, answers with a token or a login', async () => {
    const home = tempHome('nexus-serve-auth-');
    expect((await nexus(home, 'ingest', '--dataset', 'case', 'test/fixtures/ftm/case.ftm.jsonl')).code).toBe(
      0,
    );
    // The built command, with the password piped to its stdin.
    const password = 'piped password 12345';
    execFileSync(
      process.execPath,
      [
        BIN,
        '--home',
        home,
        'user',
        'add',
        'zed',
        '--role',
        'analyst',
        '--clearance',
        'OFFICIAL',
        '--password-stdin',
      ],
      { input: `${password}\n`, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const token = (await nexus(home, 'token', 'create', 'zed')).stdout.trim();

    const output = { stderr: '' };
    child = spawn(process.execPath, [BIN, '--home', home, 'serve', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await listening(child, output);
    expect(output.stderr).toContain('authentication on');
    expect(output.stderr).not.toContain('AUTHENTICATION IS OFF');
    const match = (headers: Record<string, string>) =>
      fetch(`${url}/match/default?threshold=0.5`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({
          queries: { q1: { schema: 'Person', properties: { name: ['Ruslan Belov'] } } },
        }),
      });
    expect((await match({})).status).toBe(401);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const ok = await match({ authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { responses: { q1: { results: { id: string }[] } } };
    expect(body.responses.q1.results.map((r) => r.id)).toContain('case-p1');
    const login = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'zed', password }),
    });
    expect(login.status).toBe(200);
    const session = ((await login.json()) as { token: string }).token;
    expect((await fetch(`${url}/auth/me`, { headers: { authorization: `Bearer ${session}` } })).status).toBe(
      200,
    );

    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const secret of [password, token, session]) expect(output.stderr).not.toContain(secret);
  });

  it('--no-auth serves as the one service account and says so loudly', async () => {
    const home = tempHome('nexus-serve-noauth-');
    const output = { stderr: '' };
    child = spawn(process.execPath, [BIN, '--home', home, 'serve', '--port', '0', '--no-auth'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await listening(child, output);
    expect(output.stderr).toContain('WARNING: AUTHENTICATION IS OFF (--no-auth)');
    expect((await fetch(`${url}/graph/centrality?metric=degree`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
