// Link analysis over HTTP: GET /graph/{paths,expand,exposure,centrality,communities,campaigns,export}. Each
// answers what the caller's context may see, names its marking, and reports caps as `limit`; a caller running
// too many graph operations at once gets 429.
import { Hono } from 'hono';
import { type AccessContext, disclosureTerms, withCeiling } from '../access/index.js';
import {
  type GraphService,
  type Limits,
  louvain,
  METRICS,
  type Metric,
  pagerank,
  writeGEXF,
  writeGraphML,
} from '../graph/index.js';
import { NexusError } from '../model/index.js';
import type { AppEnv } from './app.js';

type Query = URLSearchParams;

function list(q: Query, name: string): string[] | undefined {
  const values = q
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  return values.length ? values : undefined;
}

function int(q: Query, name: string, min: number, max: number): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new NexusError('USAGE_INVALID', `graph: ${name} must be an integer from ${min} to ${max}`);
  return n;
}

function flag(q: Query, name: string): boolean {
  const raw = q.get(name);
  if (raw === null) return false;
  if (['', 'true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new NexusError('USAGE_INVALID', `graph: ${name} must be true or false`);
}

/** Server-side caps: a request may ask for less, never for more. */
function limits(q: Query): Limits {
  return {
    maxMs: int(q, 'timeout_ms', 1, 60_000) ?? 30_000,
    maxNodes: int(q, 'max_nodes', 1, 5_000_000) ?? 1_000_000,
  };
}

function direction(q: Query): 'out' | 'in' | 'both' {
  const d = q.get('direction') ?? 'both';
  if (d !== 'out' && d !== 'in' && d !== 'both')
    throw new NexusError('USAGE_INVALID', 'graph: direction is both, out or in');
  return d;
}

/**
 * A document as a byte stream of the writer's pieces (about 64k characters each, src/graph/export.ts), each encoded
 * as it is made: the document is never one string, and the socket sends the pieces as it can. The writers are
 * synchronous, so the pieces wait in the stream's queue until sent (as bytes, not text).
 */
function chunked(write: (push: (piece: string) => void) => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      write((piece) => controller.enqueue(encoder.encode(piece)));
      controller.close();
    },
  });
}

export function graphRoutes(
  service: GraphService,
  contextFor: (req: Request, requestId: string) => AccessContext,
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const ctxOf = (c: { req: { raw: Request }; get: (k: 'requestId') => string }) =>
    contextFor(c.req.raw, c.get('requestId'));
  const query = (c: { req: { url: string } }) => new URL(c.req.url).searchParams;

  app.get('/paths', async (c) => {
    const q = query(c);
    const from = list(q, 'from');
    const to = list(q, 'to');
    if (!from || !to) throw new NexusError('USAGE_INVALID', 'graph: paths needs from and to entity ids');
    return c.json(
      await service.paths(ctxOf(c), {
        from,
        to,
        datasets: list(q, 'dataset'),
        k: int(q, 'k', 1, 50),
        all: flag(q, 'all'),
        timeOrdered: flag(q, 'time_ordered'),
        weighted: flag(q, 'weighted'),
        direction: direction(q),
        maxHops: int(q, 'max_hops', 1, 10),
        limits: { ...limits(q), maxResults: int(q, 'max_results', 1, 1000) ?? 200 },
      }),
    );
  });

  app.get('/expand', async (c) => {
    const q = query(c);
    const ids = list(q, 'id');
    if (!ids) throw new NexusError('USAGE_INVALID', 'graph: expand needs an entity id');
    return c.json(
      await service.expand(ctxOf(c), {
        ids,
        depth: int(q, 'depth', 0, 4),
        direction: direction(q),
        datasets: list(q, 'dataset'),
        limits: { ...limits(q), maxNodes: int(q, 'max_nodes', 1, 5000) ?? 500 },
      }),
    );
  });

  app.get('/exposure', async (c) => {
    const q = query(c);
    const seedIds = list(q, 'from');
    const state = q.get('state');
    if (!state && !seedIds) throw new NexusError('USAGE_INVALID', 'graph: exposure needs state or from');
    return c.json(
      await service.exposure(ctxOf(c), {
        state: state ?? 'chosen',
        seedIds,
        datasets: list(q, 'dataset'),
        proxiesOnly: flag(q, 'proxies'),
        includeSeeds: q.get('seeds') === null ? true : flag(q, 'seeds'),
        limit: int(q, 'limit', 1, 1000),
        maxHops: int(q, 'max_hops', 1, 8),
        limits: limits(q),
      }),
    );
  });

  app.get('/centrality', async (c) => {
    const q = query(c);
    const metric = (q.get('metric') ?? 'pagerank') as Metric;
    if (!METRICS.includes(metric))
      throw new NexusError('USAGE_INVALID', `graph: metric is one of ${METRICS.join(', ')}`);
    return c.json(
      await service.centrality(ctxOf(c), {
        metric,
        datasets: list(q, 'dataset'),
        samples: int(q, 'samples', 1, 100_000),
        limit: int(q, 'limit', 1, 100_000) ?? 100,
        limits: limits(q),
      }),
    );
  });

  app.get('/communities', async (c) => {
    const q = query(c);
    return c.json(
      await service.communities(ctxOf(c), { datasets: list(q, 'dataset'), seed: int(q, 'seed', 0, 2 ** 31) }),
    );
  });

  app.get('/campaigns', async (c) => {
    const q = query(c);
    return c.json(await service.campaigns(ctxOf(c), { datasets: list(q, 'dataset') }));
  });

  app.get('/export', async (c) => {
    const q = query(c);
    const format = q.get('format') ?? 'graphml';
    if (format !== 'graphml' && format !== 'gexf')
      throw new NexusError('USAGE_INVALID', 'graph: export format is graphml or gexf');
    // A ceiling narrows what is read at all; C-coded intelligence leaves only with a recipient and conditions (R10).
    const ctx = withCeiling(ctxOf(c), q.get('ceiling') ?? undefined);
    // Everything that can fail is done before the first byte goes out, so a failure is still an error answer.
    const out = await service.run(ctx, async () => {
      const p = await service.projection(ctx, { datasets: list(q, 'dataset') });
      const handling = disclosureTerms(
        p.conditional,
        { recipient: q.get('recipient') ?? undefined, conditions: q.get('conditions') ?? undefined },
        'graph export',
      );
      const options = {
        nodeScores: { pagerank: pagerank(p.graph), community: louvain(p.graph).membership },
        marking: p.marking,
        ...(handling ? { handling } : {}),
      };
      const writer = format === 'graphml' ? writeGraphML : writeGEXF;
      return { body: chunked((push) => writer(p.graph, p.nodes, push, options)), marking: p.marking };
    });
    return c.body(out.body, 200, {
      'Content-Type': format === 'graphml' ? 'application/graphml+xml' : 'application/gexf+xml',
      'Content-Disposition': `attachment; filename="nexus-graph.${format}"`,
      'X-Nexus-Marking': out.marking,
    });
  });

  return app;
}
