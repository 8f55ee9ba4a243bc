// `nexus serve`: brings the match index up to date, then serves the HTTP API until SIGINT or SIGTERM.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { localOperator } from '../../access/index.js';
import { formatMarking, NexusError } from '../../model/index.js';
import { updateMatchIndex } from '../../resolve/index.js';
import { createApp, formatLogLine, type ServerHandle, serve, serviceAccount } from '../../serve/index.js';
import { JobQueue, queueConfig } from '../../work/index.js';
import type { CommandEnv } from '../io.js';

export const serveHelp = `nexus serve [--host H] [--port P] [--no-auth] [--queue]

Serves the HTTP API (POST /match/{dataset} in the yente shape, GET /health) on H:P, default 127.0.0.1:8080;
--port 0 picks a free port. The match index is brought up to date first. Stops on SIGINT or SIGTERM.

Authentication is on: every route but /health and POST /auth/login needs a session from POST /auth/login or a
bearer token from \`nexus token create\`, and acts with that user's clearance and caveats. Add users with
\`nexus user add\`. NEXUS_SECURE_COOKIES=1 marks cookies Secure when TLS ends at a proxy in front.

--no-auth, for local use only: every request acts as one service account, the global --user, --clearance and
--caveats (with no --clearance, the local operator, who sees every level) and --grading. Request logs go to
stderr as JSON lines; see docs/api.md.

Every authenticated read takes a \`grading\` query parameter (e.g. ?grading=AB) that narrows the answer to
statements so graded; see docs/grading.md.

--queue (or NEXUS_QUEUE=redis): uploads become jobs on the durable queue in Redis (REDIS_URL, NEXUS_QUEUE_NAME),
run by \`nexus worker\` processes, and /api/jobs reads the queue, so several API processes can serve behind a
proxy. Uploads wait in HOME/uploads, which every worker must read at the same path. See docs/workers.md.`;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || port > 65535)
    throw new NexusError('USAGE_INVALID', `serve: --port must be 0..65535, not "${raw}"`);
  return port;
}

/** Resolves on the first SIGINT or SIGTERM (or when `stop` is aborted), so tests can stop the server too. */
function stopped(signal?: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const on = (name: string) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(name);
    };
    const onInt = on('SIGINT');
    const onTerm = on('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    signal?.addEventListener('abort', on('abort'), { once: true });
  });
}

export interface ServeHooks {
  /** Called once the server listens; in-process tests use it to learn the port. */
  onListening?: (handle: ServerHandle) => void;
  stop?: AbortSignal;
}

export async function serveCommand(args: string[], c: CommandEnv, hooks: ServeHooks = {}): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      'no-auth': { type: 'boolean', default: false },
      queue: { type: 'boolean', default: false },
    },
  });
  const useQueue = values.queue || c.env.NEXUS_QUEUE === 'redis';
  if (c.env.NEXUS_QUEUE !== undefined && c.env.NEXUS_QUEUE !== '' && c.env.NEXUS_QUEUE !== 'redis')
    throw new NexusError('USAGE_INVALID', 'serve: NEXUS_QUEUE is redis or unset');
  const auth = !values['no-auth'];
  const host = values.host;
  const port = parsePort(values.port);
  const store = await c.openStore();
  let queue: JobQueue | undefined;
  try {
    // Checked before serving: a configured queue that does not answer is a start-up error, not a later 503.
    if (useQueue) queue = await JobQueue.open(queueConfig(c.env));
    // Keys built from a partial view would hide entities from readers cleared for more, so the index is built by
    // the named operator context; requests still see only what their own context allows.
    const indexer = localOperator(c.ctx.user, 'match index maintenance before serving');
    const end = c.io.stderrIsTty ? '\r' : '\n';
    const summary = await updateMatchIndex(indexer, store, (p) =>
      c.io.stderr(`nexus serve: match index: ${p.processed} entities, ${p.keys} keys, ${p.rate}/s${end}`),
    );
    c.io.stderr(
      `${c.io.stderrIsTty ? '\n' : ''}nexus serve: match index up to date (${summary.entities} entities updated)\n`,
    );
    const account = c.ctx;
    const log = (line: object) => c.io.stderr(`${formatLogLine(line)}\n`);
    // Uploads wait beside the store until their job has read them (deleted when it ends).
    const uploads = { dir: join(c.home, 'uploads'), ...(queue ? { queue } : {}) };
    const app = auth
      ? createApp({
          store,
          auth: { secureCookies: c.env.NEXUS_SECURE_COOKIES === '1' },
          log,
          uploads,
          home: c.home,
        })
      : createApp({
          store,
          // --no-auth: one named service account for every caller (with the request's `grading` filter on top).
          contextFor: serviceAccount(account),
          log,
          uploads,
          home: c.home,
        });
    const handle = await serve(app, { host, port });
    if (auth) {
      const users = (await store.listUsers(c.ctx)).filter((u) => !u.disabled).length;
      c.io.stderr(
        `nexus serve: authentication on: each request acts as its signed-in user (${users} enabled users)\n`,
      );
      if (users === 0)
        c.io.stderr(
          'nexus serve: no users yet, so nobody can sign in: nexus user add NAME --role analyst --clearance OFFICIAL\n',
        );
    } else {
      const who = `${account.user}, clearance ${formatMarking(account.clearance)}, caveats ${[...account.caveats].join(', ') || 'none'}`;
      c.io.stderr(
        `nexus serve: WARNING: AUTHENTICATION IS OFF (--no-auth). Every request, from anyone who can reach ${host}:${handle.port}, acts as ${who}. For local use only.\n`,
      );
      if (!LOOPBACK.has(host))
        c.io.stderr(`nexus serve: WARNING: ${host} is not loopback and authentication is off\n`);
    }
    if (queue)
      c.io.stderr(
        `nexus serve: uploads run as jobs on queue "${queue.config.name}"; start nexus worker processes to run them\n`,
      );
    c.io.stdout(`nexus: listening on ${handle.url}\n`);
    hooks.onListening?.(handle);
    const why = await stopped(hooks.stop);
    c.io.stderr(`nexus serve: ${why}, closing\n`);
    await handle.close();
    return 0;
  } finally {
    await queue?.close();
    await store.close();
  }
}
