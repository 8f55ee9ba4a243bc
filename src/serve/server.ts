// Puts a Hono app on a real socket with @hono/node-server, and takes it down again without dropping requests.
import type { ServerOptions as HttpServerOptions, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve as nodeServe } from '@hono/node-server';
import type { Hono } from 'hono';
import { NexusError } from '../model/index.js';
import type { AppEnv } from './app.js';

export interface ServeOptions {
  /** Loopback by default: without authentication the API must not face a network by accident. */
  host?: string;
  /** 0 picks a free port; the handle says which. */
  port?: number;
  /** How long close() waits for requests in flight before cutting connections. */
  graceMs?: number;
  /** How long a client may take to send the request headers; default 10 s. */
  headersTimeoutMs?: number;
  /** How long a request body may stall (no bytes at all) before the connection is cut; default 60 s. */
  bodyIdleMs?: number;
}

export interface ServerHandle {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Slow clients must not hold sockets open for ever (slowloris): the headers must arrive within a short time, and a
 * body may not stall for long. There is no cap on the whole request, so a 256 MB upload over a slow link still
 * arrives as long as its bytes keep coming.
 */
export const HEADERS_TIMEOUT_MS = 10_000;
export const BODY_IDLE_MS = 60_000;

/** The Node server's own timeouts: headers bounded, no total for the request (the body idle timer stands in). */
export function httpServerOptions(headersTimeoutMs = HEADERS_TIMEOUT_MS): HttpServerOptions {
  return {
    headersTimeout: headersTimeoutMs,
    requestTimeout: 0,
    // Node looks for expired headers this often; the default (30 s) would let headers take up to 40 s.
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(headersTimeoutMs / 2))),
  };
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Cuts the connection when a request body stalls for `idleMs`, and only while the body arrives: a response that
 * takes long to compute is not cut. Node's socket timeout is used, so the socket's own handling applies (without a
 * listener a timed-out socket is destroyed); once the body has arrived the socket goes back to the server's setting.
 */
function guardBodies(server: Server, idleMs: number): void {
  server.on('request', (req: IncomingMessage) => {
    if (!hasBody(req) || req.complete) return;
    const socket = req.socket;
    socket.setTimeout(idleMs);
    req.once('end', () => {
      // After the response has finished, Node has set the keep-alive timeout on this socket: leave it be.
      if (socket.timeout === idleMs) socket.setTimeout(server.timeout || 0);
    });
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export function serve(app: Hono<AppEnv>, options: ServeOptions = {}): Promise<ServerHandle> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  const graceMs = options.graceMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const server = nodeServe({
      fetch: app.fetch,
      hostname: host,
      port,
      serverOptions: httpServerOptions(options.headersTimeoutMs),
    }) as Server;
    guardBodies(server, options.bodyIdleMs ?? BODY_IDLE_MS);
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        new NexusError(
          'USAGE_INVALID',
          `serve: cannot listen on ${host}:${port}: ${err.code ?? err.message}`,
        ),
      );
    };
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      const actual = (server.address() as AddressInfo).port;
      let closing: Promise<void> | undefined;
      resolve({
        host,
        port: actual,
        url: `http://${urlHost(host)}:${actual}`,
        close: () => {
          closing ??= new Promise<void>((done) => {
            const timer = setTimeout(() => server.closeAllConnections(), graceMs);
            timer.unref();
            server.close(() => {
              clearTimeout(timer);
              done();
            });
            // Idle keep-alive sockets would otherwise hold close() open until the grace period ends.
            server.closeIdleConnections();
          });
          return closing;
        },
      });
    });
  });
}
