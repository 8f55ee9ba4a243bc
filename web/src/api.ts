// The HTTP client of the UI: same-origin JSON calls with the session cookie, the CSRF header on writes, and one
// error type. A 401 anywhere sends the reader back to the login page.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly requestId?: string,
    /** The typed refusal code some routes add (`UPLOAD_TOO_LARGE`, `ARCHIVE_BOMB`...). */
    readonly code?: string,
  ) {
    super(`${status}: ${detail}`);
    this.name = 'ApiError';
  }
}

const CSRF_COOKIE = 'nexus_csrf';
const CSRF_HEADER = 'X-CSRF-Token';

let onUnauthorised: (() => void) | undefined;

/** Called on any 401 answer, except from the login call itself. */
export function setUnauthorisedHandler(fn: () => void): void {
  onUnauthorised = fn;
}

function cookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

async function errorOf(res: Response): Promise<ApiError> {
  const requestId = res.headers.get('x-request-id') ?? undefined;
  let detail = res.statusText || 'request failed';
  let code: string | undefined;
  try {
    const body = (await res.json()) as {
      detail?: unknown;
      error?: unknown;
      message?: unknown;
      code?: unknown;
    };
    const text = body.detail ?? body.error ?? body.message;
    if (typeof text === 'string') detail = text;
    if (typeof body.code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(body.code)) code = body.code;
  } catch {
    // Not JSON (a proxy's page, say): keep the status text rather than show a body we cannot trust.
    detail = res.statusText || `HTTP ${res.status}`;
  }
  return new ApiError(res.status, detail, requestId, code);
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Do not treat 401 as "logged out" (the login form reports it itself). */
  quiet401?: boolean;
}

async function request(method: string, path: string, body?: unknown, opts: RequestOptions = {}) {
  return send(
    method,
    path,
    body === undefined ? undefined : JSON.stringify(body),
    body === undefined ? undefined : 'application/json',
    opts,
  );
}

async function send(
  method: string,
  path: string,
  body: BodyInit | undefined,
  contentType: string | undefined,
  opts: RequestOptions,
) {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  if (method !== 'GET' && method !== 'HEAD') {
    const token = cookie(CSRF_COOKIE);
    if (token) headers[CSRF_HEADER] = token;
  }
  const res = await fetch(path, {
    method,
    headers,
    body,
    credentials: 'same-origin',
    cache: 'no-store',
    signal: opts.signal,
  });
  if (res.status === 401 && !opts.quiet401) onUnauthorised?.();
  if (!res.ok) throw await errorOf(res);
  return res;
}

export async function getJson<T>(path: string, opts?: RequestOptions): Promise<T | null> {
  const res = await request('GET', path, undefined, opts);
  if (res.status === 204) return null;
  return (await res.json()) as T;
}

/** GET that must answer with a body. */
export async function get<T>(path: string, opts?: RequestOptions): Promise<T> {
  const body = await getJson<T>(path, opts);
  if (body === null) throw new ApiError(204, 'no content');
  return body;
}

export async function post<T>(path: string, body: unknown, opts?: RequestOptions): Promise<T | null> {
  const res = await request('POST', path, body, opts);
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? (JSON.parse(text) as T) : null;
}

/**
 * POST of a file as the raw request body (no form encoding), with the CSRF header. The server judges the type by
 * the bytes, so the body goes as application/octet-stream.
 */
export async function postFile<T>(path: string, file: Blob, opts?: RequestOptions): Promise<T> {
  const res = await send('POST', path, file, 'application/octet-stream', opts ?? {});
  return (await res.json()) as T;
}

/** GET of a file (GraphML export and the like) with its marking header. */
export async function getText(
  path: string,
  opts?: RequestOptions,
): Promise<{ text: string; marking?: string }> {
  const res = await request('GET', path, undefined, opts);
  return { text: await res.text(), marking: res.headers.get('x-nexus-marking') ?? undefined };
}

/** Builds `path?k=v&...`, leaving out empty values. */
export function url(
  path: string,
  params: Record<string, string | number | undefined | null | string[]>,
): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const item of v) q.append(k, item);
    else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

let roleSource: () => string | undefined = () => undefined;

/** Tells the error texts who is asking: the session registers the signed-in user's role here. */
export function setRoleSource(fn: () => string | undefined): void {
  roleSource = fn;
}

/**
 * A refusal because of the caller's role (the server's route policy). A 403 for a missing CSRF header, or one with a
 * typed code (`JOB_AUTHORITY_CHANGED`), is something else.
 */
export function isRoleRefusal(err: unknown): boolean {
  return err instanceof ApiError && err.status === 403 && !err.code && !/csrf/i.test(err.detail);
}

/** `role`: the reader's role, for a refusal; by default the signed-in user's. */
export function describeError(err: unknown, role: string | undefined = roleSource()): string {
  if (err instanceof ApiError) {
    const ref = err.requestId ? ` (request ${err.requestId})` : '';
    if (err.status === 404) return `Not found, or not visible at your clearance${ref}.`;
    if (isRoleRefusal(err))
      return role ? `Your role (${role}) does not allow this${ref}.` : `Your role does not allow this${ref}.`;
    if (err.status === 403 && !err.code)
      return `The page's security token was missing or stale: reload the page and try again${ref}.`;
    if (err.status === 429 && !err.code)
      return `The server is busy with your other requests; try again in a moment${ref}.`;
    if (err.status >= 500)
      return `The server failed (${err.status})${ref}. Try again, or report the request id.`;
    return `${err.code ? `${err.code}: ` : ''}${err.detail}${ref}`;
  }
  if (err instanceof DOMException && err.name === 'AbortError') return 'Cancelled.';
  if (err instanceof TypeError) return 'The server cannot be reached.';
  return err instanceof Error ? err.message : String(err);
}
