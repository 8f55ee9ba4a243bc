#!/usr/bin/env node
// The transport floor for bench/api.js: a bare node:http server (one process, like `nexus serve`) that answers
// every request of the benchmark with the very bytes Nexus answered it with, captured beforehand, and does
// nothing else: no routing framework, no authentication, no store, no JSON encoding, no request log.
// What Nexus does per request costs the difference. Usage: node bench/api-floor.js CAPTURED.json
// (CAPTURED: {"get": {PATH: BODY}, "post": {REQUEST_BODY: BODY}}); prints "listening on http://127.0.0.1:P".
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const captured = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8'));
const get = new Map(Object.entries(captured.get).map(([k, v]) => [k, Buffer.from(v)]));
const post = new Map(Object.entries(captured.post).map(([k, v]) => [k, Buffer.from(v)]));
const missing = Buffer.from('{"status": 404, "detail": "not captured"}');

function send(res, body) {
  res.writeHead(body === missing ? 404 : 200, {
    'Content-Type': 'application/json; charset=UTF-8',
    'Content-Length': body.length,
  });
  res.end(body);
}

const server = createServer((req, res) => {
  if (req.method === 'POST') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => send(res, post.get(Buffer.concat(chunks).toString('utf8')) ?? missing));
  } else send(res, get.get(req.url ?? '') ?? missing);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`listening on http://127.0.0.1:${port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
