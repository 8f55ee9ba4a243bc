// Serves the built web UI (dist/web) at `/`: files only from that folder, with a strict Content-Security-Policy.
// Mounted after the API routes; a path that is not a file here falls through to the API's JSON 404.
import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app.js';
import { HttpError } from './errors.js';

/** dist/web beside this module's package: the same folder whether this runs from src/ (tests) or dist/. */
export function defaultWebRoot(): string {
  return fileURLToPath(new URL('../../dist/web/', import.meta.url));
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Self only. Sigma draws with WebGL (no CSP directive governs it) and styles its elements through the CSSOM,
 * which style-src does not restrict, so no 'unsafe-inline' is needed; exports are blob: downloads.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
});

/** Vite names built assets by content hash, so they never change under one name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (index.html above all) is checked again on every load, to pick up a new build. */
const REVALIDATE = 'no-cache';

/**
 * Turns a request path into a file path inside `root`, or undefined when it is not one: `..` segments (raw or
 * percent-encoded, once or twice), backslashes, NUL bytes and dot files are refused before the file system is asked.
 */
export function resolveInside(root: string, rawPath: string): string | undefined {
  let path = rawPath;
  // Decode until stable (at most three rounds), so `%252e%252e` cannot slip through as `%2e%2e`.
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    if (next === path) break;
    path = next;
    if (i === 2 && /%[0-9a-f]{2}/i.test(path)) return undefined;
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('.'))) return undefined;
  const rel = segments.length === 0 ? 'index.html' : segments.join(sep);
  const file = resolve(root, rel);
  return file.startsWith(root.endsWith(sep) ? root : `${root}${sep}`) ? file : undefined;
}

export interface StaticOptions {
  /** The folder of the built UI. */
  root: string;
}

/**
 * GET and HEAD of files under `root`; anything else, or a path that is not a file there, goes on to the next
 * handler (and so to the API's 404). Symbolic links that lead outside `root` are refused too.
 */
export function serveStatic(options: StaticOptions): MiddlewareHandler<AppEnv> {
  const root = resolve(options.root);
  let realRoot: string | undefined;
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    // The URL parser has already folded plain `/../` segments; what is left encoded is checked here.
    const raw = new URL(c.req.url).pathname;
    const file = resolveInside(root, raw);
    // Refused like a missing file, so probing learns nothing.
    if (!file) throw new HttpError(404, 'not found');
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(file);
      realRoot ??= await realpath(root);
      const real = await realpath(file);
      if (!real.startsWith(`${realRoot}${sep}`)) return next();
    } catch {
      // No such file (or no built UI at all): not ours to answer.
      return next();
    }
    if (!info.isFile()) return next();
    const type = TYPES[extname(file).toLowerCase()];
    if (!type) return next();
    const etag = `"${createHash('sha1').update(`${file}:${info.size}:${info.mtimeMs}`).digest('base64url').slice(0, 20)}"`;
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      'Content-Type': type,
      'Cache-Control': raw.startsWith('/assets/') ? IMMUTABLE : REVALIDATE,
      ETag: etag,
    };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    if (c.req.method === 'HEAD')
      return c.body(null, 200, { ...headers, 'Content-Length': String(info.size) });
    return c.body(await readFile(file), 200, headers);
  };
}
