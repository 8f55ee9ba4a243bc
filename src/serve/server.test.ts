// The real socket's timeouts: a slow body that keeps coming is taken however long it takes, while headers that do
// not arrive and a body that stalls are cut (slowloris).
import { connect, type Socket } from 'node:net';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppEnv } from './app.js';
import { BODY_IDLE_MS, HEADERS_TIMEOUT_MS, httpServerOptions, type ServerHandle, serve } from './server.js';

let handle: ServerHandle | undefined;

afterEach(async () => {
  await handle?.close();
  handle = undefined;
});

/** Counts the bytes of a request body as it is read. */
function countingApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/count', async (c) => {
    const reader = c.req.raw.body?.getReader();
    let bytes = 0;
    for (;;) {
      const chunk = await reader?.read().catch((err: Error) => err);
      if (chunk instanceof Error) return c.json({ cut: chunk.message }, 400);
      if (!chunk || chunk.done) break;
      bytes += chunk.value.byteLength;
    }
    return c.json({ bytes });
  });
  return app;
}

function open(port: number): Promise<Socket> {
  return new Promise((ok, fail) => {
    const socket = connect(port, '127.0.0.1', () => ok(socket));
    socket.once('error', fail);
  });
}

/** Everything the server sends until it closes the connection, and how long that took. */
function untilClosed(socket: Socket): Promise<{ text: string; ms: number }> {
  const started = Date.now();
  let text = '';
  socket.on('data', (d) => {
    text += d.toString('latin1');
  });
  return new Promise((ok) => {
    socket.once('close', () => ok({ text, ms: Date.now() - started }));
  });
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

describe('serve timeouts', () => {
  it('sets no total request timeout, and bounds the headers', () => {
    const options = httpServerOptions();
    expect(options.requestTimeout).toBe(0);
    expect(options.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
    expect(HEADERS_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
    // Generous: a client on a poor link may pause for a while between bytes.
    expect(BODY_IDLE_MS).toBeGreaterThanOrEqual(60_000);
  });

  it('takes a slow body that lasts longer than the headers and idle timeouts together', async () => {
    handle = await serve(countingApp(), { port: 0, headersTimeoutMs: 300, bodyIdleMs: 400 });
    const socket = await open(handle.port);
    const closed = untilClosed(socket);
    socket.write(
      'POST /count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
    );
    // 1.5 s of body, a chunk every 150 ms: never idle for long, far longer than any one timeout.
    for (let i = 0; i < 10; i++) {
      await sleep(150);
      socket.write('400\r\n');
      socket.write(Buffer.alloc(1024, 0x61));
      socket.write('\r\n');
    }
    socket.write('0\r\n\r\n');
    const { text } = await closed;
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(text).toContain('{"bytes":10240}');
  });

  it('cuts a body that stalls', async () => {
    handle = await serve(countingApp(), { port: 0, headersTimeoutMs: 300, bodyIdleMs: 300 });
    const socket = await open(handle.port);
    const closed = untilClosed(socket);
    socket.write('POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n');
    socket.write(Buffer.alloc(1000, 0x61));
    const { text, ms } = await closed;
    expect(text).not.toContain('"bytes"');
    expect(ms).toBeLessThan(3_000);
  });

  it('cuts a client whose headers never finish', async () => {
    handle = await serve(countingApp(), { port: 0, headersTimeoutMs: 300, bodyIdleMs: 60_000 });
    const socket = await open(handle.port);
    const closed = untilClosed(socket);
    socket.write('POST /count HTTP/1.1\r\nHost: x\r\n');
    // A header line now and then: the idle timer alone would never fire.
    const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
    try {
      const { text, ms } = await closed;
      expect(text).toMatch(/^HTTP\/1\.1 408/);
      expect(ms).toBeLessThan(3_000);
    } finally {
      clearInterval(drip);
    }
  });
});
