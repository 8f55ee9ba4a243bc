// Routes for auditors and administrators under /api: the audit log and its chain check (auditor role only, each
// read itself audited by the route policy), and erasure of records (the erase permission).
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { disclosureTerms, withCeiling } from '../access/index.js';
import { AUDIT_CATEGORIES, type AuditCategory, type AuditQuery, verifyChain } from '../audit/index.js';
import {
  entityIdProblem,
  formatMarking,
  highestMarking,
  isNexusError,
  type Marking,
  NexusError,
  parseMarking,
} from '../model/index.js';
import type { AppDeps, AppEnv } from './app.js';
import { HttpError } from './errors.js';

const MAX_ERASE_BODY_BYTES = 16 * 1024;

function bad(message: string): NexusError {
  return new NexusError('USAGE_INVALID', message);
}

function auditQuery(q: URLSearchParams): AuditQuery {
  const out: AuditQuery = {};
  const text = (name: string) => {
    const v = q.get(name);
    if (v !== null && v.length > 200) throw bad(`audit: ${name} is longer than 200 characters`);
    return v === null || v === '' ? undefined : v;
  };
  const whole = (name: string, max: number) => {
    const v = text(name);
    if (v === undefined) return undefined;
    if (!/^\d{1,12}$/.test(v) || Number(v) < 1 || Number(v) > max)
      throw bad(`audit: ${name} must be a whole number from 1 to ${max}`);
    return Number(v);
  };
  const user = text('user');
  const action = text('action');
  const category = text('category');
  const requestId = text('request_id');
  const since = text('since');
  if (category !== undefined && !(AUDIT_CATEGORIES as readonly string[]).includes(category))
    throw bad(`audit: category must be one of ${AUDIT_CATEGORIES.join(', ')}`);
  if (since !== undefined && Number.isNaN(Date.parse(since)))
    throw bad('audit: since must be an ISO date-time');
  if (user !== undefined) out.user = user;
  if (action !== undefined) out.action = action;
  if (category !== undefined) out.category = category as AuditCategory;
  if (requestId !== undefined) out.requestId = requestId;
  if (since !== undefined) out.since = new Date(since).toISOString();
  const before = whole('before', Number.MAX_SAFE_INTEGER);
  if (before !== undefined) out.before = before;
  out.limit = whole('limit', 1000) ?? 100;
  return out;
}

export function adminRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const ctxOf = (c: { req: { raw: Request }; get(key: 'requestId'): string }) =>
    deps.contextFor(c.req.raw, c.get('requestId'));

  app.get('/audit', async (c) => {
    const query = auditQuery(new URL(c.req.url).searchParams);
    const records = await deps.store.auditLog(ctxOf(c), query);
    const last = records[records.length - 1];
    return c.json({
      records,
      // The next page: records older than the last one shown.
      next_before: records.length === query.limit && last ? last.seq : null,
    });
  });

  app.get('/audit/verify', async (c) => {
    const ctx = ctxOf(c);
    return c.json(await verifyChain(deps.store.scanAudit(ctx)));
  });

  // A dataset as FtM JSON lines (disclosure): under an optional ceiling, C-coded intelligence only with a named
  // recipient and conditions, which travel in the headers; the marking of what is inside in X-Nexus-Marking.
  app.get('/datasets/:name/export', async (c) => {
    const name = c.req.param('name');
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name)) throw bad('export: not a dataset name');
    const q = new URL(c.req.url).searchParams;
    const format = q.get('format') ?? 'ftm';
    if (format !== 'ftm') throw bad('export: format is ftm (the graph exports under /graph/export)');
    const ctx = withCeiling(ctxOf(c), q.get('ceiling') ?? undefined);
    if (!(await deps.store.datasets(ctx)).some((d) => d.name === name))
      throw new HttpError(404, 'dataset not found');
    // A first pass finds the marking and any C-coded intelligence, so a refusal comes before any byte is sent.
    const markings: Marking[] = [];
    let conditional = false;
    let count = 0;
    for await (const entity of deps.store.exportDataset(ctx, name)) {
      markings.push(parseMarking(entity.marking));
      conditional ||= entity.conditional;
      count++;
    }
    const handling = disclosureTerms(
      conditional,
      { recipient: q.get('recipient') ?? undefined, conditions: q.get('conditions') ?? undefined },
      'export',
    );
    const store = deps.store;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        try {
          for await (const entity of store.exportDataset(ctx, name))
            controller.enqueue(encoder.encode(`${JSON.stringify(entity.toFtM())}\n`));
          controller.close();
        } catch (err) {
          controller.error(err);
        }
      },
    });
    return c.body(body, 200, {
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}.ftm.jsonl"`,
      'X-Nexus-Marking': formatMarking(highestMarking(markings)),
      'X-Nexus-Entities': String(count),
      // Header-safe: printable ASCII as is, anything else percent-encoded.
      ...(handling
        ? { 'X-Nexus-Handling': handling.replace(/[^\x20-\x7e]/g, (ch) => encodeURIComponent(ch)) }
        : {}),
    });
  });

  app.delete(
    '/entities/:id',
    bodyLimit({
      maxSize: MAX_ERASE_BODY_BYTES,
      onError: () => {
        throw new HttpError(413, 'request body too large');
      },
    }),
    async (c) => {
      const id = c.req.param('id');
      const problem = entityIdProblem(id);
      if (problem !== undefined) throw bad(`erase: ${problem}`);
      let reason: unknown;
      try {
        reason = ((await c.req.json()) as { reason?: unknown }).reason;
      } catch {
        throw bad('erase: the body must be JSON with a "reason" (a legal basis or request reference)');
      }
      if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 500)
        throw bad('erase: "reason" must be 1-500 characters (a legal basis or request reference)');
      try {
        const result = await deps.store.erase(ctxOf(c), { ids: [id], reason });
        return c.json({
          erased: result.records,
          statements: result.statements,
          references: result.references,
        });
      } catch (err) {
        // One answer for "no such entity" and "not yours to see" (SECURITY.md R9).
        if (isNexusError(err, 'ENTITY_NOT_FOUND')) throw new HttpError(404, 'entity not found');
        throw err;
      }
    },
  );

  return app;
}
