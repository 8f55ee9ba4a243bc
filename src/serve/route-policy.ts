// Every API route declares what it needs and what it records: the permission its caller's role must hold (the
// policy's roles table) and the audit action with its DPA 2018 s.62 category. One middleware enforces both: a
// refused role is a 403 and recorded; a read answers only once its audit record is durable, else 503 (R11, R12).
import type { Context, MiddlewareHandler } from 'hono';
import { type AccessContext, makeContext, type Permission, roleAllows } from '../access/index.js';
import type { AuditCategory, AuditEventInput } from '../audit/index.js';
import { isNexusError, NexusError } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { AppEnv } from './app.js';

export interface RouteRule {
  method: string;
  /** Hono pattern, e.g. `/api/entities/:id`. */
  path: string;
  /** `public`: no credentials and nothing recorded (health, docs, the UI's files) unless `action` is set. */
  permission: Permission | 'signed-in' | 'public';
  /** The audit action; null only for public routes that touch no personal data. */
  action: string | null;
  category?: AuditCategory;
  /**
   * The store records a successful call inside the transaction of its change (with this action and the request
   * id), so the middleware records only failures: one event per request either way.
   */
  recordedBy?: 'store';
  /** Query parameters whose values name the objects acted on (ids, datasets), besides the path's own. */
  objectParams?: readonly string[];
  /** Query parameters kept in the record's detail (a search text, a metric). */
  detailParams?: readonly string[];
}

const GRAPH = ['dataset', 'datasets'];

export const ROUTE_RULES: readonly RouteRule[] = [
  { method: 'GET', path: '/health', permission: 'public', action: null },
  { method: 'GET', path: '/openapi.json', permission: 'public', action: null },
  { method: 'GET', path: '/docs', permission: 'public', action: null },
  {
    method: 'POST',
    path: '/auth/login',
    permission: 'public',
    action: 'session.create',
    category: 'authentication',
    recordedBy: 'store',
  },
  {
    method: 'POST',
    path: '/auth/logout',
    permission: 'signed-in',
    action: 'session.revoke',
    category: 'authentication',
    recordedBy: 'store',
  },
  {
    method: 'GET',
    path: '/auth/me',
    permission: 'signed-in',
    action: 'session.read',
    category: 'authentication',
  },
  {
    method: 'POST',
    path: '/match/:dataset',
    permission: 'match',
    action: 'match.screen',
    category: 'consultation',
    detailParams: ['threshold', 'limit'],
  },
  {
    method: 'GET',
    path: '/api/datasets',
    permission: 'read',
    action: 'dataset.list',
    category: 'consultation',
  },
  {
    method: 'GET',
    path: '/api/datasets/:name/export',
    permission: 'export',
    action: 'dataset.export',
    category: 'disclosure',
    detailParams: ['format', 'ceiling', 'recipient'],
  },
  { method: 'GET', path: '/api/stats', permission: 'read', action: 'stats.read', category: 'consultation' },
  {
    method: 'GET',
    path: '/api/search',
    permission: 'search',
    action: 'entity.search',
    category: 'consultation',
    objectParams: ['dataset'],
    detailParams: ['q', 'schema', 'topic', 'country', 'offset', 'limit'],
  },
  {
    method: 'GET',
    path: '/api/entities/:id',
    permission: 'read',
    action: 'entity.read',
    category: 'consultation',
  },
  {
    method: 'GET',
    path: '/api/entities/:id/documents',
    permission: 'read',
    action: 'entity.documents',
    category: 'consultation',
  },
  {
    method: 'GET',
    path: '/api/documents/search',
    permission: 'search',
    action: 'document.search',
    category: 'consultation',
    objectParams: ['dataset'],
    detailParams: ['q', 'offset', 'limit'],
  },
  {
    method: 'DELETE',
    path: '/api/entities/:id',
    permission: 'erase',
    action: 'entity.erase',
    category: 'erasure',
    recordedBy: 'store',
  },
  {
    method: 'GET',
    path: '/api/entities/:id/match',
    permission: 'match',
    action: 'entity.match',
    category: 'consultation',
    objectParams: ['dataset'],
  },
  {
    method: 'GET',
    path: '/api/xref/next',
    permission: 'xref.read',
    action: 'xref.read',
    category: 'consultation',
  },
  {
    method: 'POST',
    path: '/api/xref/judge',
    permission: 'xref.judge',
    action: 'xref.judge',
    category: 'combination',
    recordedBy: 'store',
  },
  {
    method: 'POST',
    path: '/api/ingest',
    permission: 'ingest',
    action: 'ingest.upload',
    category: 'collection',
    objectParams: ['dataset'],
    detailParams: ['format', 'marking', 'grading'],
  },
  { method: 'GET', path: '/api/jobs', permission: 'jobs', action: 'job.list', category: 'consultation' },
  { method: 'GET', path: '/api/jobs/:id', permission: 'jobs', action: 'job.read', category: 'consultation' },
  {
    method: 'GET',
    path: '/api/jobs/:id/events',
    permission: 'jobs',
    action: 'job.events',
    category: 'consultation',
  },
  {
    method: 'POST',
    path: '/api/jobs/:id/cancel',
    permission: 'jobs',
    action: 'job.cancel',
    category: 'alteration',
  },
  {
    method: 'GET',
    path: '/api/audit',
    permission: 'audit.read',
    action: 'audit.read',
    category: 'consultation',
    detailParams: ['user', 'action', 'category', 'request_id', 'before', 'since', 'limit'],
  },
  {
    method: 'GET',
    path: '/api/audit/verify',
    permission: 'audit.read',
    action: 'audit.verify',
    category: 'consultation',
  },
  {
    method: 'GET',
    path: '/graph/paths',
    permission: 'graph',
    action: 'graph.paths',
    category: 'consultation',
    objectParams: ['from', 'to', ...GRAPH],
  },
  {
    method: 'GET',
    path: '/graph/expand',
    permission: 'graph',
    action: 'graph.expand',
    category: 'consultation',
    objectParams: ['id', ...GRAPH],
  },
  {
    method: 'GET',
    path: '/graph/exposure',
    permission: 'graph',
    action: 'graph.exposure',
    category: 'combination',
    objectParams: ['from', ...GRAPH],
    detailParams: ['state', 'proxies'],
  },
  {
    method: 'GET',
    path: '/graph/centrality',
    permission: 'graph',
    action: 'graph.centrality',
    category: 'combination',
    objectParams: GRAPH,
    detailParams: ['metric'],
  },
  {
    method: 'GET',
    path: '/graph/communities',
    permission: 'graph',
    action: 'graph.communities',
    category: 'combination',
    objectParams: GRAPH,
  },
  {
    method: 'GET',
    path: '/graph/campaigns',
    permission: 'graph',
    action: 'graph.campaigns',
    category: 'combination',
    objectParams: GRAPH,
  },
  {
    method: 'GET',
    path: '/trace',
    permission: 'graph',
    action: 'trace.run',
    category: 'combination',
    objectParams: ['from', 'dataset'],
    detailParams: ['model', 'direction', 'chain', 'asset', 'max_hops'],
  },
  {
    method: 'GET',
    path: '/trace/exposure',
    permission: 'graph',
    action: 'trace.exposure',
    category: 'combination',
    objectParams: ['address', 'dataset'],
    detailParams: ['model', 'chain', 'asset'],
  },
  {
    // The assessment as data, for reading in the UI: the same as `nexus assess --json`, a combination of records.
    method: 'GET',
    path: '/assess',
    permission: 'read',
    action: 'assess.read',
    category: 'combination',
    detailParams: ['ceiling', 'year', 'as_of'],
  },
  {
    // The report is a document made to leave the system (like --out/--pdf): export, recorded as a disclosure.
    method: 'GET',
    path: '/assess/report',
    permission: 'export',
    action: 'assess.report',
    category: 'disclosure',
    detailParams: ['ceiling', 'year', 'as_of', 'recipient'],
  },
  {
    method: 'GET',
    path: '/graph/export',
    permission: 'export',
    action: 'graph.export',
    category: 'disclosure',
    objectParams: GRAPH,
    detailParams: ['format', 'ceiling', 'recipient'],
  },
];

interface Compiled {
  rule: RouteRule;
  pattern: RegExp;
  params: string[];
}

const compiled: Compiled[] = ROUTE_RULES.map((rule) => {
  const params: string[] = [];
  const source = rule.path
    .split('/')
    .map((part) => {
      if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(part.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { rule, pattern: new RegExp(`^${source}$`), params };
});

/** The rule for a request, with the path's parameters; undefined for paths no route declares (404s, files). */
export function ruleFor(
  method: string,
  path: string,
): { rule: RouteRule; params: Record<string, string> } | undefined {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  for (const c of compiled) {
    if (c.rule.method !== m) continue;
    const found = c.pattern.exec(path);
    if (!found) continue;
    const params: Record<string, string> = {};
    c.params.forEach((name, i) => {
      params[name] = safeDecode(found[i + 1] ?? '');
    });
    return { rule: c.rule, params };
  }
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export interface RoutePolicyDeps {
  store: Store;
  contextFor(req: Request, requestId: string): AccessContext;
}

function eventOf(rule: RouteRule, params: Record<string, string>, c: Context<AppEnv>, outcome: string) {
  const query = new URL(c.req.url).searchParams;
  const objects = [...Object.values(params)];
  for (const name of rule.objectParams ?? [])
    for (const v of query.getAll(name)) if (v !== '') objects.push(v);
  const detail: Record<string, string> = {};
  for (const name of rule.detailParams ?? []) {
    const v = query.get(name);
    if (v !== null) detail[name] = v;
  }
  return {
    action: rule.action as string,
    category: rule.category ?? 'consultation',
    objects,
    outcome,
    detail,
  } satisfies AuditEventInput;
}

/** Before the handler: the role check. After it: the audit record, and no answer without one. */
export function routePolicy(deps: RoutePolicyDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const found = ruleFor(c.req.method, c.req.path);
    if (!found || found.rule.action === null) return next();
    const { rule, params } = found;
    const requestId = c.get('requestId');
    const ctx =
      rule.permission === 'public'
        ? makeContext({ user: 'anonymous', clearance: 'OFFICIAL', purpose: 'authentication', requestId })
        : deps.contextFor(c.req.raw, requestId);
    if (
      rule.permission !== 'public' &&
      rule.permission !== 'signed-in' &&
      ctx.role !== undefined &&
      !roleAllows(ctx.role, rule.permission)
    ) {
      await deps.store.audit(ctx, [eventOf(rule, params, c, '403')]).catch(() => undefined);
      throw new NexusError('FORBIDDEN', `the ${ctx.role} role may not ${rule.permission} (${rule.action})`);
    }
    await next();
    const status = c.res.status;
    if (rule.recordedBy === 'store' && status < 400) return;
    try {
      await deps.store.audit(ctx, [eventOf(rule, params, c, status < 400 ? 'ok' : String(status))]);
    } catch (err) {
      if (!isNexusError(err, 'AUDIT_UNAVAILABLE')) throw err;
      // Fail closed: an answer whose consultation cannot be recorded is not given (SECURITY.md R12).
      await c.res.body?.cancel().catch(() => undefined);
      c.res = undefined;
      c.res = c.json({ status: 503, detail: 'audit log unavailable', request_id: requestId }, 503);
    }
  };
}
