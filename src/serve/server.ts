// Puts a Hono app on a real socket with @hono/node-server, and takes it down again without dropping requests.
import type { Server } from 'node:http';
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
}

export interface ServerHandle {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Slow clients must not hold sockets open for ever (slowloris); these bound the headers and the whole request. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export function serve(app: Hono<AppEnv>, options: ServeOptions = {}): Promise<ServerHandle> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  const graceMs = options.graceMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const server = nodeServe({ fetch: app.fetch, hostname: host, port }) as Server;
    server.headersTimeout = HEADERS_TIMEOUT_MS;
    server.requestTimeout = REQUEST_TIMEOUT_MS;
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
