// Authentication for the API (SECURITY.md R16): login with a password, bearer tokens and session cookies, a
// login rate limit, and the middleware that turns a valid session into the request's access context.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { type AccessContext, currentPolicy, makeContext, withGrading } from '../access/index.js';
import { DUMMY_HASH, hashToken, looksLikeToken, newToken, verifyPassword } from '../access/passwords.js';
import { DUMMY_TOTP_SECRET, verifyTotp } from '../access/totp.js';
import { isValidUserName } from '../access/users.js';
import { isNexusError } from '../model/index.js';
import type { Store, UserRecord } from '../store/index.js';
import type { AppEnv } from './app.js';
import { HttpError } from './errors.js';
import { requestGrading } from './grading-param.js';

export const SESSION_COOKIE = 'nexus_session';
/** Readable by the page's script, which sends it back as the X-CSRF-Token header on state-changing requests. */
export const CSRF_COOKIE = 'nexus_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
export const PURPOSE_HEADER = 'X-Purpose';

/** The one answer to every failed login, whether the user exists or not. */
export const LOGIN_FAILED = 'invalid username or password';
const UNAUTHENTICATED = 'authentication required';

export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60 * 1000;
export const DEFAULT_MAX_FAILURES = 5;
export const DEFAULT_FAILURE_WINDOW_MS = 15 * 60 * 1000;
const MAX_LOGIN_BODY_BYTES = 16 * 1024;
const MAX_PURPOSE_CHARS = 200;

export interface AuthOptions {
  /** How long a login session lasts (absolute, from login); default 8 hours. API tokens have their own expiry. */
  sessionTtlMs?: number;
  /** Failed logins allowed per client address and per user name within the window; default 5. */
  maxFailures?: number;
  /** Default 15 minutes. */
  failureWindowMs?: number;
  /** Clock for session expiry and the rate limit; the app's clock when absent. */
  clock?: () => Date;
  /**
   * The client's address, for the rate limit. Default: the socket's remote address under @hono/node-server, or
   * `unknown` (in-process requests). Behind a reverse proxy every client has the proxy's address unless this
   * reads a header the proxy sets; never trust such a header without a proxy that overwrites it.
   */
  clientIp?: (req: Request, env: unknown) => string | undefined;
  /** Mark cookies Secure always (TLS ends at a proxy); otherwise only when the request URL is https. */
  secureCookies?: boolean;
}

/** Who an authenticated request acts as. */
export interface Authenticated {
  ctx: AccessContext;
  user: UserRecord;
  via: 'bearer' | 'cookie';
  tokenHash: string;
  expiresAt: string | null;
}

/**
 * Rules for requests that need no credentials: a rule gets the method (upper case) and the path. Everything not
 * matched needs a session, so new API routes are protected by default; the web UI adds its pages here, e.g.
 * `PUBLIC_PATHS.push((m, p) => m === 'GET' && p.startsWith('/ui/'))`.
 */
export type PublicPathRule = (method: string, path: string) => boolean;

const READ = new Set(['GET', 'HEAD']);
const STATIC_FILE =
  /^\/[A-Za-z0-9_-][A-Za-z0-9._-]*\.(?:html|js|mjs|css|map|svg|png|jpe?g|gif|webp|ico|txt|webmanifest|woff2?)$/;

export const PUBLIC_PATHS: PublicPathRule[] = [
  (_m, p) => p === '/health',
  (_m, p) => p === '/auth/login',
  (m, p) => READ.has(m) && (p === '/openapi.json' || p === '/docs' || p.startsWith('/docs/')),
  // Static files of the web UI: the page, its assets, and single top-level files such as /favicon.ico.
  (m, p) =>
    READ.has(m) && (p === '/' || p === '/favicon.ico' || p.startsWith('/assets/') || STATIC_FILE.test(p)),
];

/** True when the request needs no credentials. Paths with dot segments or encoded slashes are never public. */
export function isPublicPath(method: string, path: string): boolean {
  if (/%2f|%5c|\\|\/\/|\/\.\.?(?:\/|$)/i.test(path)) return false;
  const m = method.toUpperCase();
  return PUBLIC_PATHS.some((rule) => rule(m, path));
}

/**
 * Failed logins per key (`ip:...`, `user:...`) in a sliding window, in memory: a restart forgets them, and each
 * server process counts on its own. At most `maxKeys` keys are kept (the least recently failed go first), so
 * a flood of made-up names cannot exhaust memory.
 */
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max = DEFAULT_MAX_FAILURES,
    private readonly windowMs = DEFAULT_FAILURE_WINDOW_MS,
    private readonly maxKeys = 100_000,
  ) {}

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  /** Seconds until a login may be tried again (0 when it may now): the longest wait of any key. */
  retryAfter(keys: readonly string[], now: number): number {
    let wait = 0;
    for (const key of keys) {
      const list = this.recent(key, now);
      const oldest = list[0];
      if (list.length >= this.max && oldest !== undefined)
        wait = Math.max(wait, Math.ceil((oldest + this.windowMs - now) / 1000), 1);
    }
    return wait;
  }

  fail(keys: readonly string[], now: number): void {
    for (const key of keys) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.delete(key);
      this.failures.set(key, list.slice(-this.max));
    }
    while (this.failures.size > this.maxKeys) {
      const first = this.failures.keys().next().value;
      if (first === undefined) break;
      this.failures.delete(first);
    }
  }

  /** Takes back one failure counted at `at` (a login counted as failed before it was checked, then succeeded). */
  undo(key: string, at: number): void {
    const list = this.failures.get(key);
    const i = list?.lastIndexOf(at) ?? -1;
    if (list && i >= 0) list.splice(i, 1);
    if (list?.length === 0) this.failures.delete(key);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }
}

function publicUser(user: UserRecord) {
  // The role's permissions under the policy in force, so a client offers only what the server will allow.
  const permissions = [...currentPolicy().roles[user.role]].sort();
  return { name: user.name, role: user.role, permissions, clearance: user.clearance, caveats: user.caveats };
}

/** The CSRF value belongs to one session: derived from its token, so it cannot be planted or guessed. */
function csrfFor(token: string): string {
  return createHash('sha256').update(`nexus-csrf\0${token}`, 'utf8').digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function purposeOf(header: string | undefined): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const text = (header ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').trim();
  return text === '' ? 'api' : text.slice(0, MAX_PURPOSE_CHARS);
}

function defaultClientIp(_req: Request, env: unknown): string | undefined {
  const bindings = env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return bindings?.incoming?.socket?.remoteAddress;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function isJsonType(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

export interface AuthDeps {
  store: Store;
  clock: () => Date;
  log: (line: object) => void;
}

/** Store-backed authentication for one app: install() adds the middleware and the /auth routes. */
export class Authenticator {
  private readonly limiter: LoginRateLimiter;
  private readonly clock: () => Date;
  private readonly ttlMs: number;
  /** Who each request in flight acts as, by the server-made request id (handlers may replace the Request). */
  private readonly current = new Map<string, Authenticated>();

  constructor(
    private readonly deps: AuthDeps,
    private readonly options: AuthOptions = {},
  ) {
    this.clock = options.clock ?? deps.clock;
    this.ttlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    this.limiter = new LoginRateLimiter(
      options.maxFailures ?? DEFAULT_MAX_FAILURES,
      options.failureWindowMs ?? DEFAULT_FAILURE_WINDOW_MS,
    );
  }

  /** The access context of an authenticated request; 401 when there is none (a public route asked). */
  readonly contextFor = (_req: Request, requestId: string): AccessContext => {
    const found = this.current.get(requestId);
    if (!found) throw new HttpError(401, UNAUTHENTICATED, { 'WWW-Authenticate': 'Bearer realm="nexus"' });
    return found.ctx;
  };

  /** The authenticated user of a request in flight, if any. */
  authenticated(requestId: string): Authenticated | undefined {
    return this.current.get(requestId);
  }

  /** The store is asked about users and sessions with a context of its own, not any caller's. */
  private system(requestId: string | null): AccessContext {
    return makeContext({ user: 'nexus-auth', clearance: 'OFFICIAL', purpose: 'authentication', requestId });
  }

  private refuse(): never {
    throw new HttpError(401, UNAUTHENTICATED, { 'WWW-Authenticate': 'Bearer realm="nexus"' });
  }

  private async authenticate(c: Context<AppEnv>): Promise<Authenticated> {
    const requestId = c.get('requestId');
    const header = c.req.header('authorization');
    let token: string | undefined;
    let via: Authenticated['via'];
    if (header !== undefined) {
      token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
      via = 'bearer';
    } else {
      token = getCookie(c, SESSION_COOKIE);
      via = 'cookie';
    }
    if (token === undefined || !looksLikeToken(token)) this.refuse();
    const tokenHash = hashToken(token);
    const found = await this.deps.store.sessionByTokenHash(this.system(requestId), tokenHash);
    if (!found) this.refuse();
    const now = this.clock().toISOString();
    if (found.session.expiresAt !== null && found.session.expiresAt <= now) this.refuse();
    // A browser sends cookies on its own, so a state-changing request must also prove it came from our page.
    if (via === 'cookie' && !SAFE_METHODS.has(c.req.method.toUpperCase())) {
      const sent = c.req.header(CSRF_HEADER);
      if (sent === undefined || !sameText(sent, csrfFor(token)))
        throw new HttpError(403, `missing or wrong ${CSRF_HEADER} header`);
    }
    const ctx = makeContext({
      user: found.user.name,
      clearance: found.user.clearance,
      caveats: found.user.caveats,
      purpose: purposeOf(c.req.header(PURPOSE_HEADER)),
      requestId,
      role: found.user.role,
    });
    // The `grading` filter of a read (docs/grading.md) narrows what this request sees; a bad one is a 400.
    const filtered = withGrading(ctx, requestGrading(c.req.raw));
    return { ctx: filtered, user: found.user, via, tokenHash, expiresAt: found.session.expiresAt };
  }

  private secure(c: Context<AppEnv>): boolean {
    return this.options.secureCookies === true || new URL(c.req.url).protocol === 'https:';
  }

  private event(c: Context<AppEnv>, outcome: string, user?: string): void {
    // Never the password, never the name a failed login typed (people type passwords into the name field).
    this.deps.log({
      time: this.clock().toISOString(),
      request_id: c.get('requestId'),
      event: 'login',
      outcome,
      ...(user === undefined ? {} : { user }),
    });
  }

  install(app: Hono<AppEnv>): void {
    app.use('*', async (c, next) => {
      if (isPublicPath(c.req.method, c.req.path)) return next();
      const id = c.get('requestId');
      this.current.set(id, await this.authenticate(c));
      try {
        await next();
      } finally {
        this.current.delete(id);
      }
    });
  }

  /** The login, logout and me routes; after install() and any middleware that needs the signed-in user. */
  installRoutes(app: Hono<AppEnv>): void {
    app.post(
      '/auth/login',
      bodyLimit({
        maxSize: MAX_LOGIN_BODY_BYTES,
        onError: () => {
          throw new HttpError(413, 'request body too large');
        },
      }),
      async (c) => this.login(c),
    );

    app.post('/auth/logout', async (c) => {
      const found = this.current.get(c.get('requestId'));
      if (!found) this.refuse();
      await this.deps.store.revokeSession(found.ctx, found.tokenHash);
      const secure = this.secure(c);
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure, httpOnly: true, sameSite: 'Strict' });
      deleteCookie(c, CSRF_COOKIE, { path: '/', secure, sameSite: 'Strict' });
      return c.json({ status: 'logged out' }, 200);
    });

    app.get('/auth/me', (c) => {
      const found = this.current.get(c.get('requestId'));
      if (!found) this.refuse();
      return c.json({ user: publicUser(found.user), expires_at: found.expiresAt }, 200);
    });
  }

  /** Records the TOTP step just accepted; false when it (or a later one) was used before: a replayed code. */
  private async useStep(sys: AccessContext, user: UserRecord, step: number | undefined): Promise<boolean> {
    if (!user.totpSecret || step === undefined) return true;
    try {
      await this.deps.store.putUser(sys, { name: user.name, totpStep: step });
      return true;
    } catch (err) {
      if (isNexusError(err, 'USAGE_INVALID')) return false;
      throw err;
    }
  }

  private async login(c: Context<AppEnv>): Promise<Response> {
    const usage =
      'login: send JSON {"username": "...", "password": "...", "otp": "123456" (when TOTP is on)}';
    if (!isJsonType(c.req.header('content-type'))) throw new HttpError(400, usage);
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      throw new HttpError(400, usage);
    }
    const { username, password, otp } = (body ?? {}) as Record<string, unknown>;
    if (typeof username !== 'string' || typeof password !== 'string') throw new HttpError(400, usage);
    if (otp !== undefined && typeof otp !== 'string') throw new HttpError(400, usage);

    const now = this.clock();
    const ip = (this.options.clientIp ?? defaultClientIp)(c.req.raw, c.env) ?? 'unknown';
    const ipKey = `ip:${ip}`;
    const userKey = `user:${username.toLowerCase().slice(0, 128)}`;
    const keys = [ipKey, userKey];
    const wait = this.limiter.retryAfter(keys, now.getTime());
    if (wait > 0) {
      this.event(c, 'limited');
      throw new HttpError(429, 'too many failed logins; try again later', { 'Retry-After': String(wait) });
    }
    // Counted as a failure before the check and taken back on success, so a burst of parallel attempts cannot all
    // slip in before the first of them has failed.
    this.limiter.fail(keys, now.getTime());
    const sys = this.system(c.get('requestId'));
    const user = isValidUserName(username) ? await this.deps.store.getUser(sys, username) : undefined;
    // Unknown names are checked against a dummy hash, so they take as long as a wrong password.
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    // Likewise every login checks a one-time code, against a dummy secret when the user has no TOTP (or does not
    // exist); a missing or wrong code is the same failure as a wrong password.
    const step = verifyTotp(user?.totpSecret ?? DUMMY_TOTP_SECRET, typeof otp === 'string' ? otp : '', now);
    const secondOk = !user?.totpSecret || step !== undefined;
    if (!ok || !user || user.disabled || !secondOk || !(await this.useStep(sys, user, step))) {
      this.event(c, 'failed');
      throw new HttpError(401, LOGIN_FAILED);
    }
    this.limiter.undo(ipKey, now.getTime());
    this.limiter.forget(userKey);
    const token = newToken();
    const expiresAt = new Date(now.getTime() + this.ttlMs).toISOString();
    // Recorded in the audit log as the user who signed in, not as the authenticator.
    const signedIn = makeContext({
      user: user.name,
      clearance: 'OFFICIAL',
      purpose: 'sign-in',
      requestId: c.get('requestId'),
    });
    await this.deps.store.createSession(signedIn, {
      user: user.name,
      tokenHash: hashToken(token),
      kind: 'session',
      expiresAt,
    });
    const secure = this.secure(c);
    const maxAge = Math.floor(this.ttlMs / 1000);
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/', secure, maxAge });
    setCookie(c, CSRF_COOKIE, csrfFor(token), { sameSite: 'Strict', path: '/', secure, maxAge });
    this.event(c, 'ok', user.name);
    return c.json({ token, user: publicUser(user), expires_at: expiresAt }, 200);
  }
}
