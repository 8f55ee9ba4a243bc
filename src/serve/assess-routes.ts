// The strategic assessment over HTTP: GET /assess (the same content as `nexus assess --json`) and GET /assess/report
// (the self-contained HTML report). Both are built with the caller's own context, narrowed by `ceiling`; the report
// leaves the system as a document, so C-coded evidence in it needs `recipient` and `conditions`, as the CLI's
// --out/--pdf do. Heavy: at most two runs per user at once (429 beyond), like the graph routes.
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { type AccessContext, disclosureTerms, withCeiling } from '../access/index.js';
import {
  type Assessment,
  hasConditional as assessHasConditional,
  assessmentJson,
  buildAssessment,
  loadSignoffs,
  renderHtml,
} from '../assess/index.js';
import type { GraphService } from '../graph/index.js';
import { NexusError } from '../model/index.js';
import type { AppEnv } from './app.js';

function bad(message: string): never {
  throw new NexusError('USAGE_INVALID', `assess: ${message}`);
}

/** Whether any evidence carries handling code C (a 3x5x2 grading ending in C), signals and store counts included. */
export function hasConditional(a: Assessment): boolean {
  return assessHasConditional(a);
}

/** The report's policy: its one inline style sheet (pinned by hash) and inline SVG; no script, nothing fetched. */
export function reportCsp(html: string): string {
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
  return [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`,
    "img-src 'none'",
    "script-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function assessRoutes(
  graph: GraphService,
  contextFor: (req: Request, requestId: string) => AccessContext,
  home?: string,
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  /** The assessment for this request: the caller's context under the ceiling asked for, with year and as-of. */
  const build = async (c: { req: { raw: Request; url: string }; get: (k: 'requestId') => string }) => {
    const q = new URL(c.req.url).searchParams;
    const year = q.get('year') || undefined;
    if (year !== undefined && !/^\d{4}$/.test(year)) bad('year is a four-digit year');
    const asOf = q.get('as_of') || undefined;
    if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}(?:T[0-9:.]{2,15}(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(asOf))
      bad('as_of is an ISO date or date-time');
    const ceiling = q.get('ceiling') || undefined;
    // Never broader than the caller: withCeiling only narrows the signed-in user's own context.
    const ctx = withCeiling(contextFor(c.req.raw, c.get('requestId')), ceiling);
    const a = await graph.run(ctx, () =>
      buildAssessment(graph.store, ctx, {
        ...(year === undefined ? {} : { year: Number(year) }),
        ...(asOf === undefined ? {} : { asOf }),
        ...(ceiling === undefined ? {} : { ceiling }),
        signoffs: home === undefined ? {} : loadSignoffs(home),
      }),
    );
    return { a, q };
  };

  app.get('/', async (c) => {
    const { a } = await build(c);
    return c.json(assessmentJson(a), 200, { 'X-Nexus-Marking': a.marking });
  });

  app.get('/report', async (c) => {
    const { a, q } = await build(c);
    const terms = disclosureTerms(
      hasConditional(a),
      { recipient: q.get('recipient') ?? undefined, conditions: q.get('conditions') ?? undefined },
      'assess report',
    );
    const html = renderHtml(a, terms);
    return c.body(html, 200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': reportCsp(html),
      'X-Nexus-Marking': a.marking,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
  });

  return app;
}
