// The HTTP API as a Hono app: health and the yente-compatible /match endpoint, with request ids, logs and limits.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AccessContext } from '../access/index.js';
import { GraphService } from '../graph/index.js';
import { NexusError } from '../model/index.js';
import { screen } from '../resolve/index.js';
import type { Store } from '../store/index.js';
import { adminRoutes } from './admin-routes.js';
import { apiRoutes } from './api-routes.js';
import { assessRoutes } from './assess-routes.js';
import { Authenticator, type AuthOptions } from './auth.js';
import { errorAnswer, HttpError } from './errors.js';
import { evidenceRoutes } from './evidence-routes.js';
import { graphRoutes } from './graph-routes.js';
import { parseMatchParams } from './match-params.js';
import { openApiRoutes } from './openapi.js';
import { routePolicy } from './route-policy.js';
import { defaultWebRoot, serveStatic } from './static.js';
import { traceRoutes } from './trace-routes.js';
import { type UploadOptions, uploadRoutes } from './uploads.js';

/** Enough for 100 queries with generous property lists; larger bodies are refused while being read. */
export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;
const MAX_LOGGED_CHARS = 512;

export interface AppDeps {
  store: Store;
  /**
   * Who the request acts as. Without `auth`, one configured service account (`nexus serve --no-auth`); with `auth`,
   * createApp makes it answer with the signed-in user's context (routes keep calling deps.contextFor).
   */
  contextFor(req: Request, requestId: string): AccessContext;
  /** Authentication against the store's users (src/serve/auth.ts): every route but the public ones needs a session. */
  auth?: AuthOptions;
  clock?: () => Date;
  requestId?: () => string;
  /** Receives one object per request (and per unexpected error); the sink serialises it, see `formatLogLine`. */
  log?: (line: object) => void;
  maxBodyBytes?: number;
  /** Shared link-analysis service (its projection cache); one is made per app when absent. */
  graph?: GraphService;
  /** The built web UI served at `/` (default dist/web of this package); false serves none. */
  web?: string | false;
  /**
   * Ingest by upload (`POST /api/ingest`) and the job routes (`/api/jobs`): the upload folder, size and archive
   * caps, the job registry (src/serve/uploads.ts). On by default; false registers none of these routes.
   */
  uploads?: UploadOptions | false;
  /** The Nexus home, for the analyst's judgement edits and sign-offs (HOME/assess); none are applied without it. */
  home?: string;
}

/** What createApp takes: contextFor may be left out when `auth` is given. */
export type AppInput = Omit<AppDeps, 'contextFor'> & Partial<Pick<AppDeps, 'contextFor'>>;

export type AppEnv = { Variables: { requestId: string } };

/** SqliteStore reports a failed sync here (SECURITY.md R5); other stores may not, and then count as healthy. */
function storeHealthy(store: Store): boolean {
  const health = (store as Partial<{ health: { ok: boolean } }>).health;
  return health === undefined || health.ok;
}

function clip(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  return value.length > MAX_LOGGED_CHARS ? `${value.slice(0, MAX_LOGGED_CHARS)}...` : value;
}

function isJsonType(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

async function readJson(read: () => Promise<string>): Promise<unknown> {
  const text = await read();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parser's message can quote the body back; say only what was wrong.
    throw new NexusError('USAGE_INVALID', 'match: the request body is not valid JSON');
  }
}

async function datasetExists(deps: AppDeps, ctx: AccessContext, name: string): Promise<boolean> {
  if (name === 'default') return true;
  const visible = await deps.store.datasets(ctx);
  return visible.some((d) => d.name === name);
}

export function createApp(input: AppInput): Hono<AppEnv> {
  const authenticator = input.auth
    ? new Authenticator(
        { store: input.store, clock: input.clock ?? (() => new Date()), log: input.log ?? (() => {}) },
        input.auth,
      )
    : undefined;
  const contextFor = authenticator?.contextFor ?? input.contextFor;
  if (!contextFor) throw new NexusError('USAGE_INVALID', 'serve.createApp: needs auth or contextFor');
  // Routes ask deps.contextFor who a request acts as: the signed-in user with auth, the service account without.
  const deps: AppDeps = { ...input, contextFor };
  const clock = deps.clock ?? (() => new Date());
  const nextId = deps.requestId ?? randomUUID;
  const log = deps.log ?? (() => {});
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    const id = nextId();
    const started = performance.now();
    c.set('requestId', id);
    await next();
    c.res.headers.set('X-Request-Id', id);
    // Never the body, never credentials: method, path, outcome, timing, and a clipped user agent (R19).
    log({
      time: clock().toISOString(),
      request_id: id,
      method: c.req.method,
      path: clip(c.req.path),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      user_agent: clip(c.req.header('user-agent')),
    });
  });

  authenticator?.install(app);
  // After authentication (it needs the signed-in user), before every route it guards.
  app.use('*', routePolicy({ store: deps.store, contextFor }));
  authenticator?.installRoutes(app);

  app.onError((err, c) => {
    const id = c.get('requestId') ?? 'none';
    const answer = errorAnswer(err, id);
    if (answer.unexpected) {
      const e = err instanceof Error ? err : new Error(String(err));
      log({
        time: clock().toISOString(),
        request_id: id,
        level: 'error',
        error: e.name,
        message: clip(e.message),
        stack: e.stack,
      });
    }
    return c.json(answer.body, answer.status as 400, answer.headers);
  });

  app.notFound(() => {
    throw new HttpError(404, 'not found');
  });

  app.get('/health', (c) =>
    storeHealthy(deps.store) ? c.json({ status: 'ok' }) : c.json({ status: 'degraded' }, 503),
  );

  app.post(
    '/match/:dataset',
    bodyLimit({
      maxSize: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      onError: () => {
        throw new HttpError(413, 'request body too large');
      },
    }),
    async (c) => {
      if (!isJsonType(c.req.header('content-type')))
        throw new HttpError(400, 'match: the request body must be JSON (Content-Type: application/json)');
      const dataset = c.req.param('dataset');
      const params = parseMatchParams(dataset, new URL(c.req.url).searchParams);
      const ctx = deps.contextFor(c.req.raw, c.get('requestId'));
      // A dataset the caller cannot see answers exactly like one that does not exist (SECURITY.md R9).
      if (!(await datasetExists(deps, ctx, dataset))) throw new HttpError(404, 'dataset not found');
      const body = await readJson(() => c.req.text());
      return c.json(await screen(ctx, deps.store, body, params), 200);
    },
  );

  app.all('/match/:dataset', () => {
    throw new HttpError(405, 'method not allowed', { Allow: 'POST' });
  });

  const graph = deps.graph ?? new GraphService(deps.store);
  app.route('/graph', graphRoutes(graph, deps.contextFor));
  app.route('/trace', traceRoutes(graph, deps.contextFor));
  app.route('/assess', assessRoutes(graph, deps.contextFor, deps.home));
  app.route('/api', apiRoutes(deps));
  app.route('/api', evidenceRoutes(deps));
  app.route('/api', adminRoutes(deps));
  if (deps.uploads !== false)
    app.route(
      '/api',
      uploadRoutes(
        {
          store: deps.store,
          contextFor,
          authenticated: authenticator?.authenticated.bind(authenticator),
          clock,
          log,
        },
        deps.uploads,
      ),
    );
  app.route('/', openApiRoutes());
  // Last, so that the API's own routes and its JSON 404s always win over files.
  if (deps.web !== false) app.use('*', serveStatic({ root: deps.web ?? defaultWebRoot() }));

  return app;
}

/**
 * One log object as one line of JSON. JSON.stringify already escapes CR, LF and other control characters; U+2028
 * and U+2029 are escaped too, since some log viewers break lines on them.
 */
export function formatLogLine(line: object): string {
  return JSON.stringify(line)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
