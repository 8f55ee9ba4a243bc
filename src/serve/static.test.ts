// Static serving of the web UI in-process: content types, security headers, caching, fall-through to the API's
// JSON 404, and no way out of the UI folder (`..` raw, encoded once or twice, backslashes, NUL, dot files, links).
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeContext } from '../access/index.js';
import { SqliteStore } from '../store/index.js';
import { createApp } from './app.js';
import { CONTENT_SECURITY_POLICY, resolveInside } from './static.js';

const SECRET = 'TOP-SECRET-FILE-CONTENT';
const reader = makeContext({ user: 'svc-test', clearance: 'OFFICIAL', purpose: 'test' });

let store: SqliteStore;
let base: string;
let root: string;

beforeAll(async () => {
  store = new SqliteStore({ path: ':memory:' });
  const m = await store.migrate();
  if (m.error) throw m.error;
  base = mkdtempSync(join(tmpdir(), 'nexus-static-'));
  root = join(base, 'web');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Nexus</title>');
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'index-abc123.css'), 'body{}');
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(root, '.env'), SECRET);
  writeFileSync(join(root, 'notes.unknownext'), SECRET);
  writeFileSync(join(base, 'secret.txt'), SECRET);
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.js'));
});

afterAll(async () => {
  await store.close();
});

function app() {
  return createApp({ store, contextFor: (_r, requestId) => ({ ...reader, requestId }), web: root });
}

describe('static serving of the web UI', () => {
  it('serves index.html at / with the security headers and no caching', async () => {
    const res = await app().request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('<title>Nexus</title>');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/https?:/);
  });

  it('serves hashed assets with their content type and a long immutable cache, and answers HEAD and If-None-Match', async () => {
    const js = await app().request('/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const css = await app().request('/assets/index-abc123.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const svg = await app().request('/favicon.svg');
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');

    const head = await app().request('/assets/index-abc123.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const etag = js.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await app().request('/assets/index-abc123.js', {
      headers: { 'if-none-match': etag ?? '' },
    });
    expect(again.status).toBe(304);
  });

  it('leaves API routes and their JSON 404s alone', async () => {
    const a = app();
    const health = await a.request('/health');
    expect(await health.json()).toEqual({ status: 'ok' });
    for (const path of ['/api/no-such-route', '/graph/nothing', '/no-such-file.js', '/assets/missing.js']) {
      const res = await a.request(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toContain('application/json');
      expect(await res.json(), path).toMatchObject({ status: 404 });
    }
    const post = await a.request('/', { method: 'POST' });
    expect(post.status).toBe(404);
    expect(post.headers.get('content-type')).toContain('application/json');
  });

  it('never serves a file outside the UI folder, a dot file, a link out, or an unknown type', async () => {
    const a = app();
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%252e%252e%252fsecret.txt',
      '/%25252e%25252e%25252fsecret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/index.html%00.js',
      '/.env',
      '/%2eenv',
      '/assets/link.js',
      '/notes.unknownext',
      '/%ff%fe',
    ];
    for (const path of attempts) {
      const res = await a.request(path);
      const body = await res.text();
      expect(res.status, path).toBe(404);
      expect(body, path).not.toContain(SECRET);
      expect(res.headers.get('content-type'), path).toContain('application/json');
    }
  });

  it('resolveInside refuses every form of `..` and keeps paths under the root', () => {
    expect(resolveInside('/srv/web', '/')).toBe('/srv/web/index.html');
    expect(resolveInside('/srv/web', '/assets/a.js')).toBe('/srv/web/assets/a.js');
    expect(resolveInside('/srv/web', '/a%20b.js')).toBe('/srv/web/a b.js');
    for (const bad of [
      '/../x',
      '/a/../../x',
      '/%2e%2e/x',
      '/%2e%2E%2fx',
      '/%252e%252e/x',
      '/..%5cx',
      '/a\\..\\x',
      '/x%00',
      '/.git/config',
      '/%',
    ])
      expect(resolveInside('/srv/web', bad), bad).toBeUndefined();
  });

  it('serves nothing when there is no built UI, and can be switched off', async () => {
    const none = createApp({
      store,
      contextFor: (_r, requestId) => ({ ...reader, requestId }),
      web: join(base, 'no-such-folder'),
    });
    expect((await none.request('/')).status).toBe(404);
    const off = createApp({ store, contextFor: (_r, requestId) => ({ ...reader, requestId }), web: false });
    expect((await off.request('/')).status).toBe(404);
  });
});
