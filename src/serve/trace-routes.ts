// Crypto tracing over HTTP: GET /trace (forward or backward under a taint model) and GET /trace/exposure (an
// address's funds per seed set). Answers hold only transfers, labels and entities the caller may see, name their
// marking, and say LIMIT_REACHED when a cap was hit; at most two heavy runs per user at once (429 beyond).
import { Hono } from 'hono';
import type { AccessContext } from '../access/index.js';
import type { GraphService } from '../graph/index.js';
import { parseTime } from '../ingest/transfers-reader.js';
import { NexusError } from '../model/index.js';
import { type TaintModel, TraceService } from '../trace/index.js';
import type { AppEnv } from './app.js';

const MODELS = new Set(['poison', 'haircut', 'fifo']);

function bad(message: string): never {
  throw new NexusError('USAGE_INVALID', `trace: ${message}`);
}

function list(q: URLSearchParams, name: string): string[] | undefined {
  const values = q
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (values.length > 1000) bad(`at most 1,000 values of ${name}`);
  return values.length ? values : undefined;
}

function int(q: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max)
    bad(`${name} must be a whole number from ${min} to ${max}`);
  return Number(raw);
}

function time(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  return parseTime(raw) ?? bad(`${name} is Unix seconds or an ISO date-time`);
}

function model(q: URLSearchParams, fallback: TaintModel): TaintModel {
  const m = q.get('model') ?? fallback;
  if (!MODELS.has(m)) bad('model is poison, haircut or fifo');
  return m as TaintModel;
}

function scope(q: URLSearchParams) {
  const datasets = list(q, 'dataset');
  const chain = q.get('chain') ?? undefined;
  const asset = q.get('asset') ?? undefined;
  return {
    ...(datasets ? { datasets } : {}),
    ...(chain ? { chain } : {}),
    ...(asset ? { asset } : {}),
    stopAtServices: q.get('stop') !== 'false',
  };
}

export function traceRoutes(
  graph: GraphService,
  contextFor: (req: Request, requestId: string) => AccessContext,
  service = new TraceService(graph.store, graph),
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const ctxOf = (c: { req: { raw: Request }; get: (k: 'requestId') => string }) =>
    contextFor(c.req.raw, c.get('requestId'));

  app.get('/', async (c) => {
    const q = new URL(c.req.url).searchParams;
    const from = list(q, 'from') ?? bad('from is required (addresses or seed sets)');
    const direction = q.get('direction') ?? 'forward';
    if (direction !== 'forward' && direction !== 'backward') bad('direction is forward or backward');
    const ctx = ctxOf(c);
    const answer = await graph.run(ctx, () =>
      service.trace(ctx, {
        ...scope(q),
        from,
        model: model(q, 'haircut'),
        direction,
        maxHops: int(q, 'max_hops', 1, 50),
        maxAddresses: int(q, 'max_addresses', 1, 5_000_000),
        maxMs: int(q, 'timeout_ms', 1, 60_000) ?? 30_000,
        since: time(q, 'since'),
        until: time(q, 'until'),
      }),
    );
    return c.json(answer);
  });

  app.get('/exposure', async (c) => {
    const q = new URL(c.req.url).searchParams;
    const address = q.get('address') ?? bad('address is required');
    const ctx = ctxOf(c);
    const answer = await graph.run(ctx, () =>
      service.exposure(ctx, {
        ...scope(q),
        address,
        model: model(q, 'haircut'),
        maxHops: int(q, 'max_hops', 1, 50),
        maxMs: int(q, 'timeout_ms', 1, 60_000) ?? 30_000,
      }),
    );
    return c.json(answer);
  });

  return app;
}
