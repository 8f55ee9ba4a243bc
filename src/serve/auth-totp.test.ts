// The TOTP second factor at login, in-process (SECURITY.md R16): a code is needed once enrolled, a missing, wrong
// or replayed one fails exactly as a wrong password does and counts toward the rate limit, and API tokens made on
// the server need none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperator } from '../access/index.js';
import { hashPassword, hashToken, newToken } from '../access/passwords.js';
import { base32Decode, generateTotpSecret, hotp, timeStep } from '../access/totp.js';
import { SqliteStore } from '../store/index.js';
import { createApp } from './app.js';
import { LOGIN_FAILED } from './auth.js';

const PASSWORD = 'totp-CANARY-pw-000001';
const WRONG = 'wrong-CANARY-pw-99999';
const op = localOperator('tester', 'test setup');
/** The middle of a time step, so the step either side is plainly another one. */
const START = new Date('2026-01-01T00:00:15Z').getTime();
const clock = { now: START };
const secrets = new Map<string, string>();

let store: SqliteStore;

beforeAll(async () => {
  store = new SqliteStore({ path: ':memory:', clock: () => new Date(clock.now) });
  const m = await store.migrate();
  if (m.error) throw m.error;
  const hash = await hashPassword(PASSWORD);
  for (const name of ['plain', 'tina', 'tom', 'tess', 'ted', 'tara']) {
    await store.putUser(op, { name, role: 'analyst', clearance: 'OFFICIAL', passwordHash: hash });
    if (name === 'plain') continue;
    const secret = generateTotpSecret();
    secrets.set(name, secret);
    await store.putUser(op, { name, totpSecret: secret });
  }
});

afterAll(async () => {
  await store.close();
});

function setup() {
  clock.now = START;
  let n = 0;
  const lines: object[] = [];
  const app = createApp({
    store,
    auth: { clientIp: (req) => req.headers.get('x-test-ip') ?? '192.0.2.1' },
    clock: () => new Date(clock.now),
    requestId: () => `req-${++n}`,
    log: (line) => lines.push(line),
  });
  return { app, lines };
}

type App = ReturnType<typeof setup>['app'];

/** The code of `name` for the step `offset` steps from the clock's. */
function code(name: string, offset = 0): string {
  const key = base32Decode(secrets.get(name) as string) as Buffer;
  return hotp(key, timeStep(new Date(clock.now)) + offset);
}

function login(app: App, username: string, password: string, otp?: string, ip = '192.0.2.1') {
  return app.request('/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test-ip': ip },
    body: JSON.stringify({ username, password, ...(otp === undefined ? {} : { otp }) }),
  });
}

describe('R16 a second factor: POST /auth/login with TOTP', () => {
  it('lets a user without TOTP in with or without a code, and a user with TOTP only with the right one', async () => {
    const { app } = setup();
    expect((await login(app, 'plain', PASSWORD)).status).toBe(200);
    expect((await login(app, 'plain', PASSWORD, '123456')).status).toBe(200);
    expect((await login(app, 'tina', PASSWORD)).status).toBe(401);
    expect((await login(app, 'tina', PASSWORD, '')).status).toBe(401);
    const ok = await login(app, 'tina', PASSWORD, code('tina'));
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { token: string; user: Record<string, unknown> };
    // The secret never leaves the server.
    expect(body.user).toMatchObject({ name: 'tina', role: 'analyst', clearance: 'OFFICIAL', caveats: [] });
    expect(Object.keys(body.user).sort()).toEqual(['caveats', 'clearance', 'name', 'permissions', 'role']);
    const me = await app.request('/auth/me', { headers: { authorization: `Bearer ${body.token}` } });
    expect(await me.text()).not.toContain(secrets.get('tina') as string);
  });

  it('answers a missing, wrong or malformed code exactly as a wrong password or an unknown user', async () => {
    const { app } = setup();
    const right = code('tom');
    const wrong = right === '000000' ? '000001' : '000000';
    const answers: string[] = [];
    const cases: [string, string, string | undefined][] = [
      ['tom', PASSWORD, undefined],
      ['tom', PASSWORD, wrong],
      ['tom', PASSWORD, 'abcdef'],
      ['tom', PASSWORD, code('tom', -2)],
      ['tom', WRONG, right],
      ['plain', WRONG, undefined],
      ['nobody-here', WRONG, right],
    ];
    for (const [i, [user, password, otp]] of cases.entries()) {
      const res = await login(app, user, password, otp, `198.51.100.${i + 1}`);
      expect(res.status, `${user} ${otp}`).toBe(401);
      expect(res.headers.getSetCookie()).toEqual([]);
      answers.push(await res.text());
    }
    expect(new Set(answers).size).toBe(1);
    expect(JSON.parse(answers[0] as string)).toEqual({ status: 401, detail: LOGIN_FAILED });
    // A code of the wrong type is a malformed request, not a login attempt.
    const typed = await app.request('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'tom', password: PASSWORD, otp: 123456 }),
    });
    expect(typed.status).toBe(400);
  });

  it('takes each code once: a replay fails, a later step works, an earlier one does not', async () => {
    const { app } = setup();
    const now = code('tess');
    expect((await login(app, 'tess', PASSWORD, now)).status).toBe(200);
    const replay = await login(app, 'tess', PASSWORD, now, '198.51.100.50');
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ status: 401, detail: LOGIN_FAILED });
    // The previous step is still inside the window, but older than the one used.
    expect((await login(app, 'tess', PASSWORD, code('tess', -1))).status).toBe(401);
    // The next step (a fast clock) is fine, and then the step after it once the clock gets there.
    expect((await login(app, 'tess', PASSWORD, code('tess', 1))).status).toBe(200);
    expect((await login(app, 'tess', PASSWORD, code('tess', 1))).status).toBe(401);
    clock.now += 60_000;
    expect((await login(app, 'tess', PASSWORD, code('tess'))).status).toBe(200);
  });

  it('lets only one of two parallel logins with the same code in', async () => {
    const { app } = setup();
    const c = code('tara');
    const answers = await Promise.all([
      login(app, 'tara', PASSWORD, c, '198.51.100.60'),
      login(app, 'tara', PASSWORD, c, '198.51.100.61'),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('counts wrong codes toward the rate limit, even with the right password', async () => {
    const { app } = setup();
    const right = code('ted');
    const wrong = right === '111111' ? '222222' : '111111';
    for (let i = 0; i < 5; i++)
      expect((await login(app, 'ted', PASSWORD, wrong, `203.0.113.${i}`)).status).toBe(401);
    const limited = await login(app, 'ted', PASSWORD, right, '203.0.113.99');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).not.toBeNull();
  });
});

describe('TOTP enrolment and API tokens', () => {
  it('ends sessions on enrolment and removal; tokens made on the server afterwards need no code', async () => {
    const { app } = setup();
    const hash = await hashPassword(PASSWORD);
    await store.putUser(op, { name: 'uma', role: 'analyst', clearance: 'OFFICIAL', passwordHash: hash });
    const first = (await (await login(app, 'uma', PASSWORD)).json()) as { token: string };
    const me = async (token: string) =>
      (await app.request('/auth/me', { headers: { authorization: `Bearer ${token}` } })).status;
    expect(await me(first.token)).toBe(200);

    const secret = generateTotpSecret();
    secrets.set('uma', secret);
    await store.putUser(op, { name: 'uma', totpSecret: secret });
    expect(await me(first.token)).toBe(401);

    const token = newToken();
    await store.createSession(op, {
      user: 'uma',
      tokenHash: hashToken(token),
      kind: 'token',
      expiresAt: null,
    });
    expect(await me(token)).toBe(200);
    const match = await app.request('/match/default', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ queries: { q1: { schema: 'Person', properties: { name: ['Nobody'] } } } }),
    });
    expect(match.status).toBe(200);

    await store.putUser(op, { name: 'uma', totpSecret: null });
    expect(await me(token)).toBe(401);
    expect((await login(app, 'uma', PASSWORD)).status).toBe(200);
  });

  it('never logs the code or the secret', async () => {
    const { app, lines } = setup();
    const c = code('tina', 1);
    expect((await login(app, 'tina', PASSWORD, c)).status).toBe(200);
    expect((await login(app, 'tina', PASSWORD, c)).status).toBe(401);
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    for (const secret of [c, secrets.get('tina') as string, PASSWORD]) expect(text).not.toContain(secret);
    expect(text).toContain('"outcome":"failed"');
  });
});
