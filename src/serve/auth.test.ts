// Authentication in-process (SECURITY.md R16): login, no user enumeration, rate limit, bearer tokens, cookies with
// CSRF, sessions that end when the user changes, logout, marking rules per user, and logs without secrets.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperator } from '../access/index.js';
import { hashPassword, hashToken, newToken } from '../access/passwords.js';
import { ingest } from '../ingest/index.js';
import { updateMatchIndex } from '../resolve/index.js';
import { SqliteStore } from '../store/index.js';
import { createApp } from './app.js';
import { isPublicPath, LoginRateLimiter, PUBLIC_PATHS } from './auth.js';

const CANARY = 'Zebulon Canarywood Secretov';
const PASSWORDS = {
  alice: 'alice-CANARY-pw-0001',
  bob: 'bob-CANARY-pw-000002',
  carol: 'carol-CANARY-pw-0003',
  dan: 'dan-CANARY-pw-000004',
};
const WRONG = 'wrong-CANARY-pw-9999';
const op = localOperator('tester', 'test setup');
const START = new Date('2026-01-01T00:00:00Z').getTime();
/** One clock for the app and the store (which checks session expiry too); each test starts it again. */
const clock = { now: START };

let store: SqliteStore;

beforeAll(async () => {
  store = new SqliteStore({ path: ':memory:', clock: () => new Date(clock.now) });
  const m = await store.migrate();
  if (m.error) throw m.error;
  await ingest(op, store, {
    dataset: 'case',
    format: 'ftm',
    paths: ['test/fixtures/ftm/case.ftm.jsonl'],
    marking: 'OFFICIAL',
  });
  const secret = join(mkdtempSync(join(tmpdir(), 'nexus-auth-')), 'secret.ftm.jsonl');
  writeFileSync(
    secret,
    [
      { id: 'hidden-p1', schema: 'Person', properties: { name: [CANARY] } },
      { id: 'hidden-a1', schema: 'Associate', properties: { person: ['hidden-p1'], associate: ['case-p1'] } },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n'),
  );
  await ingest(op, store, { dataset: 'hidden', format: 'ftm', paths: [secret], marking: 'SECRET' });
  await updateMatchIndex(op, store);
  const users = [
    { name: 'alice', clearance: 'OFFICIAL' },
    { name: 'bob', clearance: 'SECRET' },
    { name: 'carol', clearance: 'SECRET' },
    { name: 'dan', clearance: 'OFFICIAL' },
  ] as const;
  for (const u of users)
    await store.putUser(op, {
      name: u.name,
      role: 'analyst',
      clearance: u.clearance,
      passwordHash: await hashPassword(PASSWORDS[u.name]),
    });
  await store.putUser(op, {
    name: 'ghost',
    role: 'analyst',
    clearance: 'OFFICIAL',
    passwordHash: await hashPassword(PASSWORDS.alice),
    disabled: true,
  });
});

afterAll(async () => {
  await store.close();
});

function setup() {
  const lines: object[] = [];
  clock.now = START;
  let n = 0;
  const app = createApp({
    store,
    auth: { clientIp: (req) => req.headers.get('x-test-ip') ?? '192.0.2.1' },
    clock: () => new Date(clock.now),
    requestId: () => `req-${++n}`,
    log: (line) => lines.push(line),
  });
  return { app, lines, clock };
}

type App = ReturnType<typeof setup>['app'];

function login(app: App, username: string, password: string, headers: Record<string, string> = {}, url = '') {
  return app.request(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username, password }),
  });
}

async function tokenFor(app: App, name: keyof typeof PASSWORDS): Promise<string> {
  const res = await login(app, name, PASSWORDS[name]);
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

function bearer(token: string) {
  return { authorization: `Bearer ${token}` };
}

function cookies(res: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (pair && eq > 0) out.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return out;
}

function matchBody(name: string) {
  return JSON.stringify({ queries: { q1: { schema: 'Person', properties: { name: [name] } } } });
}

describe('R16 POST /auth/login: strong hashes, no user enumeration, rate limit', () => {
  it('gives a token, the user, the expiry and HttpOnly SameSite=Strict cookies', async () => {
    const { app } = setup();
    const res = await login(app, 'alice', PASSWORDS.alice);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['expires_at', 'token', 'user']);
    expect(body.token).toMatch(/^nx_[A-Za-z0-9_-]{43}$/);
    expect(body.user).toEqual({
      name: 'alice',
      role: 'analyst',
      permissions: ['export', 'graph', 'ingest', 'jobs', 'match', 'read', 'search', 'xref.read'],
      clearance: 'OFFICIAL',
      caveats: [],
    });
    expect(body.expires_at).toBe('2026-01-01T08:00:00.000Z');
    const set = res.headers.getSetCookie();
    const session = set.find((l) => l.startsWith('nexus_session='));
    const csrf = set.find((l) => l.startsWith('nexus_csrf='));
    expect(session).toContain(`nexus_session=${body.token}`);
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(session).toMatch(/Path=\//);
    expect(session).not.toMatch(/Secure/);
    expect(csrf).toBeDefined();
    expect(csrf).not.toMatch(/HttpOnly/);
    const https = await login(app, 'dan', PASSWORDS.dan, {}, 'https://nexus.example');
    expect(https.status).toBe(200);
    for (const line of https.headers.getSetCookie()) expect(line).toMatch(/; Secure/);
  });

  it('answers a wrong password, an unknown user, a bad name and a disabled user with one identical 401', async () => {
    const { app } = setup();
    const answers: string[] = [];
    for (const [user, password, ip] of [
      ['alice', WRONG, '198.51.100.1'],
      ['nobody-here', WRONG, '198.51.100.2'],
      ['no such user!', PASSWORDS.alice, '198.51.100.3'],
      ['ghost', PASSWORDS.alice, '198.51.100.4'],
      ['ALICE', 'short', '198.51.100.5'],
    ] as const) {
      const res = await login(app, user, password, { 'x-test-ip': ip });
      expect(res.status).toBe(401);
      expect(res.headers.getSetCookie()).toEqual([]);
      answers.push(await res.text());
    }
    expect(new Set(answers).size).toBe(1);
    expect(JSON.parse(answers[0] as string)).toEqual({ status: 401, detail: 'invalid username or password' });
  });

  it('refuses malformed bodies with 400, not as a login attempt', async () => {
    const { app } = setup();
    for (const body of ['{', '[]', '{"username": "alice"}', '{"username": 1, "password": "x"}']) {
      const res = await app.request('/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(400);
    }
    const form = await app.request('/auth/login', { method: 'POST', body: 'username=a&password=b' });
    expect(form.status).toBe(400);
  });

  it('limits failures per user name: the sixth attempt is 429 with Retry-After, even with the right password', async () => {
    const { app, clock } = setup();
    for (let i = 0; i < 5; i++) {
      const res = await login(app, 'dan', WRONG, { 'x-test-ip': `203.0.113.${i}` });
      expect(res.status).toBe(401);
      clock.now += 1000;
    }
    const limited = await login(app, 'DAN', PASSWORDS.dan, { 'x-test-ip': '203.0.113.99' });
    expect(limited.status).toBe(429);
    const retry = Number(limited.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    expect(await limited.json()).toEqual({ status: 429, detail: 'too many failed logins; try again later' });
    // Another user is not affected; after the wait, the right password works again.
    expect((await login(app, 'alice', PASSWORDS.alice, { 'x-test-ip': '203.0.113.98' })).status).toBe(200);
    clock.now += retry * 1000;
    expect((await login(app, 'dan', PASSWORDS.dan, { 'x-test-ip': '203.0.113.97' })).status).toBe(200);
  });

  it('limits failures per client address, whatever names it tries', async () => {
    const { app } = setup();
    for (let i = 0; i < 5; i++)
      expect((await login(app, `guess${i}`, WRONG, { 'x-test-ip': '198.51.100.77' })).status).toBe(401);
    const limited = await login(app, 'alice', PASSWORDS.alice, { 'x-test-ip': '198.51.100.77' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe(String(15 * 60));
    expect((await login(app, 'alice', PASSWORDS.alice, { 'x-test-ip': '198.51.100.78' })).status).toBe(200);
  });

  it('counts parallel attempts before they are checked', async () => {
    const { app } = setup();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => login(app, 'carol', WRONG, { 'x-test-ip': '198.51.100.200' })),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });
});

describe('R16 the authentication middleware: sessions end when role or clearance changes', () => {
  it('needs a valid bearer token or session cookie everywhere but the public paths', async () => {
    const { app } = setup();
    const token = await tokenFor(app, 'alice');
    const me = await app.request('/auth/me', { headers: bearer(token) });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({
      user: {
        name: 'alice',
        role: 'analyst',
        permissions: ['export', 'graph', 'ingest', 'jobs', 'match', 'read', 'search', 'xref.read'],
        clearance: 'OFFICIAL',
        caveats: [],
      },
      expires_at: '2026-01-01T08:00:00.000Z',
    });
    for (const headers of [{}, bearer(newToken()), bearer('nx_short'), { authorization: `Basic ${token}` }]) {
      const res = await app.request('/auth/me', { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="nexus"');
      expect(await res.json()).toEqual({ status: 401, detail: 'authentication required' });
    }
    // Unknown routes and routes under public-looking prefixes are no way around it.
    for (const path of ['/no/such/route', '/graph/centrality', '/assets/%2e%2e/graph/centrality', '/health/'])
      expect((await app.request(path)).status).toBe(401);
    expect((await app.request('/health')).status).toBe(200);
    expect(
      (
        await app.request('/match/default', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: matchBody('x'),
        })
      ).status,
    ).toBe(401);
  });

  it('accepts API tokens made outside a login, until they expire', async () => {
    const { app, clock } = setup();
    const token = newToken();
    await store.createSession(op, {
      user: 'dan',
      tokenHash: hashToken(token),
      kind: 'token',
      expiresAt: '2026-01-02T00:00:00Z',
    });
    expect((await app.request('/auth/me', { headers: bearer(token) })).status).toBe(200);
    clock.now = new Date('2026-01-02T00:00:01Z').getTime();
    expect((await app.request('/auth/me', { headers: bearer(token) })).status).toBe(401);
  });

  it('ends a login session after its lifetime', async () => {
    const { app, clock } = setup();
    const token = await tokenFor(app, 'alice');
    clock.now += 8 * 60 * 60 * 1000 - 1000;
    expect((await app.request('/auth/me', { headers: bearer(token) })).status).toBe(200);
    clock.now += 1000;
    expect((await app.request('/auth/me', { headers: bearer(token) })).status).toBe(401);
  });

  it('takes the session cookie, and then wants the CSRF header on state-changing requests', async () => {
    const { app } = setup();
    const res = await login(app, 'alice', PASSWORDS.alice);
    const jar = cookies(res);
    const cookie = `nexus_session=${jar.get('nexus_session')}; nexus_csrf=${jar.get('nexus_csrf')}`;
    expect((await app.request('/auth/me', { headers: { cookie } })).status).toBe(200);
    const post = (headers: Record<string, string>) =>
      app.request('/match/default', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: matchBody('Ruslan Belov'),
      });
    expect((await post({ cookie })).status).toBe(403);
    expect((await post({ cookie, 'x-csrf-token': 'guess' })).status).toBe(403);
    // A CSRF value from another session does not fit this one.
    const other = cookies(await login(app, 'dan', PASSWORDS.dan)).get('nexus_csrf') as string;
    expect((await post({ cookie, 'x-csrf-token': other })).status).toBe(403);
    expect((await post({ cookie, 'x-csrf-token': jar.get('nexus_csrf') as string })).status).toBe(200);
    // Bearer requests carry no ambient credentials, so they need no CSRF header.
    expect((await post(bearer(jar.get('nexus_session') as string))).status).toBe(200);
  });

  it('ends existing sessions at once when the user changes role or clearance', async () => {
    const { app } = setup();
    const first = await tokenFor(app, 'carol');
    expect((await app.request('/auth/me', { headers: bearer(first) })).status).toBe(200);
    await store.putUser(op, { name: 'carol', role: 'reviewer' });
    expect((await app.request('/auth/me', { headers: bearer(first) })).status).toBe(401);
    const second = await tokenFor(app, 'carol');
    const me = await app.request('/auth/me', { headers: bearer(second) });
    expect(((await me.json()) as { user: { role: string } }).user.role).toBe('reviewer');
    await store.putUser(op, { name: 'carol', clearance: 'OFFICIAL' });
    expect((await app.request('/auth/me', { headers: bearer(second) })).status).toBe(401);
    await store.putUser(op, { name: 'carol', role: 'analyst', clearance: 'SECRET' });
  });

  it("shows each user only what their clearance allows: a SECRET statement is invisible to an OFFICIAL user's token", async () => {
    const { app } = setup();
    const official = await tokenFor(app, 'alice');
    const secret = await tokenFor(app, 'bob');
    const match = (token: string, dataset = 'default') =>
      app.request(`/match/${dataset}?threshold=0.5`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(token) },
        body: matchBody(CANARY),
      });
    const centrality = (token: string) =>
      app.request('/graph/centrality?metric=degree&limit=1000', { headers: bearer(token) });
    const seen = await (await match(secret)).text();
    expect(seen).toContain('hidden-p1');
    const secretGraph = await centrality(secret);
    expect(secretGraph.status).toBe(200);
    expect(await secretGraph.text()).toContain('hidden-p1');

    const hidden = await match(official);
    expect(hidden.status).toBe(200);
    const hiddenText = await hidden.text();
    const officialGraph = await centrality(official);
    expect(officialGraph.status).toBe(200);
    const graphText = await officialGraph.text();
    // The match answer echoes the query (the canary name) back, and nothing else of it.
    expect(JSON.parse(hiddenText).responses.q1.results).toEqual([]);
    expect(hiddenText.split('Canarywood')).toHaveLength(2);
    for (const text of [hiddenText, graphText]) {
      expect(text).not.toContain('hidden-');
      expect(text).not.toContain('SECRET');
    }
    expect(graphText).not.toContain('Canarywood');
    expect((await match(official, 'hidden')).status).toBe(404);
    expect((await match(secret, 'hidden')).status).toBe(200);
  });

  it('logs out: the session is revoked and the cookies cleared', async () => {
    const { app } = setup();
    const token = await tokenFor(app, 'dan');
    const out = await app.request('/auth/logout', { method: 'POST', headers: bearer(token) });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().join('\n')).toMatch(/nexus_session=;.*Max-Age=0/);
    expect((await app.request('/auth/me', { headers: bearer(token) })).status).toBe(401);
    // By cookie, logout is a state change like any other and needs the CSRF header.
    const jar = cookies(await login(app, 'dan', PASSWORDS.dan));
    const cookie = `nexus_session=${jar.get('nexus_session')}`;
    expect((await app.request('/auth/logout', { method: 'POST', headers: { cookie } })).status).toBe(403);
    const ok = await app.request('/auth/logout', {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': jar.get('nexus_csrf') as string },
    });
    expect(ok.status).toBe(200);
    expect((await app.request('/auth/me', { headers: { cookie } })).status).toBe(401);
  });

  it('never writes a password or a token to the log', async () => {
    const { app, lines } = setup();
    await login(app, 'alice', WRONG);
    await login(app, WRONG, WRONG);
    const res = await login(app, 'alice', PASSWORDS.alice);
    const token = ((await res.json()) as { token: string }).token;
    const jar = cookies(res);
    await app.request('/auth/me', { headers: bearer(token) });
    await app.request('/auth/me', { headers: { cookie: `nexus_session=${token}` } });
    await app.request('/auth/logout', {
      method: 'POST',
      headers: { cookie: `nexus_session=${token}`, 'x-csrf-token': jar.get('nexus_csrf') as string },
    });
    await app.request('/auth/me', { headers: bearer(token) });
    expect(lines.length).toBeGreaterThanOrEqual(8);
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    expect(text).toContain('"event":"login"');
    for (const secret of [PASSWORDS.alice, WRONG, token, token.slice(3), jar.get('nexus_csrf') as string])
      expect(text).not.toContain(secret);
    expect(text).not.toContain('CANARY');
  });
});

describe('public paths', () => {
  it('are health, login, the API description and static UI files; nothing with dot segments', () => {
    expect(isPublicPath('GET', '/health')).toBe(true);
    expect(isPublicPath('POST', '/auth/login')).toBe(true);
    expect(isPublicPath('GET', '/openapi.json')).toBe(true);
    expect(isPublicPath('GET', '/docs')).toBe(true);
    expect(isPublicPath('GET', '/')).toBe(true);
    expect(isPublicPath('GET', '/assets/app-1234.js')).toBe(true);
    expect(isPublicPath('GET', '/favicon.ico')).toBe(true);
    expect(isPublicPath('GET', '/robots.txt')).toBe(true);
    expect(isPublicPath('POST', '/')).toBe(false);
    expect(isPublicPath('GET', '/auth/me')).toBe(false);
    expect(isPublicPath('GET', '/graph/export')).toBe(false);
    expect(isPublicPath('GET', '/api/entities/x')).toBe(false);
    expect(isPublicPath('GET', '/export.json')).toBe(false);
    expect(isPublicPath('GET', '/assets/../match/default')).toBe(false);
    expect(isPublicPath('GET', '/assets/x%2F..%2Fmatch')).toBe(false);
    expect(isPublicPath('GET', '//health')).toBe(false);
  });

  it('can be extended by other parts of the app', () => {
    const rule = (m: string, p: string) => m === 'GET' && p === '/ui/welcome';
    PUBLIC_PATHS.push(rule);
    try {
      expect(isPublicPath('get', '/ui/welcome')).toBe(true);
    } finally {
      PUBLIC_PATHS.splice(PUBLIC_PATHS.indexOf(rule), 1);
    }
    expect(isPublicPath('GET', '/ui/welcome')).toBe(false);
  });
});

describe('LoginRateLimiter', () => {
  it('forgets failures as they leave the window and bounds its memory', () => {
    const limiter = new LoginRateLimiter(2, 1000, 3);
    limiter.fail(['a'], 0);
    limiter.fail(['a'], 500);
    expect(limiter.retryAfter(['a'], 600)).toBe(1);
    expect(limiter.retryAfter(['a'], 1001)).toBe(0);
    for (const k of ['b', 'c', 'd', 'e']) limiter.fail([k], 1001);
    limiter.fail(['b', 'b'], 1002);
    expect(limiter.retryAfter(['b'], 1003)).toBe(1);
  });
});
