// The OpenAPI document cannot drift from the app: every registered route is described (and nothing else), every
// $ref resolves, and live answers of each route conform to the documented schemas. Plus the /docs page's safety.
import { createHash } from 'node:crypto';
import { createContext, runInContext, Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperator, makeContext } from '../access/index.js';
import { hashPassword } from '../access/passwords.js';
import { ingest } from '../ingest/index.js';
import { updateMatchIndex } from '../resolve/index.js';
import { SqliteStore } from '../store/index.js';
import { createApp } from './app.js';
import { openApiDocument } from './openapi.js';

type Json = Record<string, unknown>;
const op = localOperator('tester', 'test setup');
const reader = makeContext({ user: 'svc', clearance: 'OFFICIAL', purpose: 'test' });
const doc = openApiDocument() as {
  openapi: string;
  paths: Record<string, Record<string, Json>>;
  components: Record<string, Record<string, Json>>;
  security: Json[];
};
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

let store: SqliteStore;

beforeAll(async () => {
  store = new SqliteStore({ path: ':memory:' });
  const m = await store.migrate();
  if (m.error) throw m.error;
  await ingest(op, store, { dataset: 'case', format: 'ftm', paths: ['test/fixtures/ftm/case.ftm.jsonl'] });
  await updateMatchIndex(op, store);
  await store.putSuggestions(op, [{ a: 'case-p1', b: 'case-p3', score: 0.6, explanation: 'x' }]);
  await store.putUser(op, {
    name: 'alice',
    role: 'analyst',
    clearance: 'OFFICIAL',
    passwordHash: await hashPassword('alice-pw-000000001'),
  });
});

afterAll(async () => {
  await store.close();
});

const plainApp = () => createApp({ store, contextFor: (_req, requestId) => ({ ...reader, requestId }) });
const authApp = () => createApp({ store, auth: {} });

/** Hono's `/api/entities/:id` as OpenAPI's `/api/entities/{id}`. */
function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(?:\{[^}]*\})?/g, '{$1}');
}

function lookup(ref: string): Json {
  const found = ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
  if (found === undefined) throw new Error(`unresolved ${ref}`);
  return found as Json;
}

function deref(node: Json): Json {
  let n = node;
  while (typeof n.$ref === 'string') n = lookup(n.$ref);
  return n;
}

/** A small JSON Schema check: types, enum/const, required and undocumented properties, items. */
function conform(schemaNode: Json, value: unknown, at: string, problems: string[]): void {
  const s = deref(schemaNode);
  if ('const' in s && value !== s.const) problems.push(`${at}: ${JSON.stringify(value)} is not ${s.const}`);
  if (Array.isArray(s.enum) && !s.enum.includes(value))
    problems.push(`${at}: ${JSON.stringify(value)} not in enum`);
  const types =
    s.type === undefined ? undefined : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
  const actual =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'array'
        : typeof value === 'number'
          ? Number.isInteger(value)
            ? 'integer'
            : 'number'
          : typeof value;
  if (types && !types.includes(actual) && !(actual === 'integer' && types.includes('number'))) {
    problems.push(`${at}: ${actual}, documented as ${types.join('|')}`);
    return;
  }
  if (Array.isArray(value) && s.items)
    for (const [i, v] of value.entries()) conform(s.items as Json, v, `${at}[${i}]`, problems);
  if (actual === 'object') {
    const obj = value as Json;
    const props = (s.properties ?? {}) as Record<string, Json>;
    for (const name of (s.required ?? []) as string[])
      if (!(name in obj)) problems.push(`${at}.${name}: missing`);
    for (const [k, v] of Object.entries(obj)) {
      const p = props[k];
      if (p) conform(p, v, `${at}.${k}`, problems);
      else if (typeof s.additionalProperties === 'object')
        conform(s.additionalProperties as Json, v, `${at}.${k}`, problems);
      else if (s.properties && s.additionalProperties !== true) problems.push(`${at}.${k}: not documented`);
    }
  }
}

async function checkAnswer(res: Response, method: string, path: string): Promise<string[]> {
  const operation = doc.paths[path]?.[method] as { responses: Record<string, Json> } | undefined;
  if (!operation) return [`${method} ${path}: not documented`];
  const response = operation.responses[String(res.status)];
  if (!response) return [`${method} ${path}: status ${res.status} not documented`];
  const content = deref(response).content as Record<string, { schema: Json }> | undefined;
  const text = await res.text();
  if (!content) return text === '' ? [] : [`${method} ${path} ${res.status}: body not documented`];
  const json = content['application/json'];
  if (!json) return [];
  const problems: string[] = [];
  conform(json.schema, JSON.parse(text), `${method} ${path} ${res.status}`, problems);
  return problems;
}

describe('the OpenAPI document', () => {
  it('describes every route the app registers, and only those', () => {
    const registered = new Set<string>();
    const missing: string[] = [];
    // With and without authentication: the auth routes exist only with it.
    for (const app of [plainApp(), authApp()]) {
      for (const route of app.routes) {
        if (route.path.includes('*')) continue; // middleware
        const path = openApiPath(route.path);
        const item = doc.paths[path];
        registered.add(`${route.method.toLowerCase()} ${path}`);
        if (!item) missing.push(`${route.method} ${route.path}`);
        // ALL answers other methods with 405 on a path documented with its real method.
        else if (route.method !== 'ALL' && !item[route.method.toLowerCase()])
          missing.push(`${route.method} ${route.path}`);
      }
    }
    expect(missing).toEqual([]);
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m} ${path}`),
    );
    expect(documented.filter((d) => !registered.has(d))).toEqual([]);
    for (const path of ['/api/search', '/api/entities/{id}', '/api/xref/judge', '/auth/login', '/docs'])
      expect(Object.keys(doc.paths)).toContain(path);
  });

  it('is OpenAPI 3.1 whose references resolve, with path parameters, ids, responses and security', () => {
    expect(doc.openapi).toBe('3.1.0');
    const refs: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) for (const n of node) walk(n);
      else if (node && typeof node === 'object')
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') refs.push(v);
          else walk(v);
        }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) expect(() => lookup(ref), ref).not.toThrow();
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const o = operation as { operationId: string; parameters?: Json[]; responses: Record<string, Json> };
        expect(ids.has(o.operationId), o.operationId).toBe(false);
        ids.add(o.operationId);
        const params = (o.parameters ?? []).map(deref);
        for (const [, name] of path.matchAll(/\{([^}]+)\}/g))
          expect(
            params.find((p) => p.in === 'path' && p.name === name && p.required === true),
            `${path} ${name}`,
          ).toBeDefined();
        expect(
          Object.keys(o.responses).some((s) => s.startsWith('2')),
          `${method} ${path}`,
        ).toBe(true);
        for (const [status, r] of Object.entries(o.responses)) {
          // /health answers its own {status: "degraded"} with 503; every other error is the one Error body.
          if (Number(status) < 400 || path === '/health') continue;
          const schema = (deref(r).content as Record<string, { schema: Json }>)['application/json']?.schema;
          expect(schema, `${method} ${path} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
        }
      }
    }
    expect(doc.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer' },
      cookieAuth: { type: 'apiKey', in: 'cookie', name: 'nexus_session' },
    });
    expect(doc.security).toEqual([{ bearerAuth: [] }, { cookieAuth: [] }]);
    for (const open of ['/health', '/auth/login', '/openapi.json', '/docs']) {
      const item = doc.paths[open] as Record<string, { security?: unknown[] }>;
      expect(Object.values(item)[0]?.security, open).toEqual([]);
    }
    expect(doc.paths['/api/search']?.get).toHaveProperty(['responses', '401']);
    expect(doc.paths['/api/xref/judge']?.post).toHaveProperty(['responses', '403']);
  });

  it('matches what the routes answer', async () => {
    const app = plainApp();
    const calls: [string, string, string, unknown?][] = [
      ['get', '/health', '/health'],
      ['get', '/api/datasets', '/api/datasets'],
      ['get', '/api/stats', '/api/stats'],
      ['get', '/api/search?q=belov', '/api/search'],
      ['get', '/api/search?limit=500', '/api/search'],
      ['get', '/api/entities/case-p1', '/api/entities/{id}'],
      ['get', '/api/entities/case-p3', '/api/entities/{id}'],
      ['get', '/api/entities/nobody', '/api/entities/{id}'],
      ['get', '/api/entities/case-p1/match?threshold=0.1', '/api/entities/{id}/match'],
      ['get', '/api/xref/next', '/api/xref/next'],
      ['get', '/api/xref/next?skip=5', '/api/xref/next'],
      ['post', '/api/xref/judge', '/api/xref/judge', { a: 'case-p1', b: 'case-p3', judgement: 'unsure' }],
      ['post', '/api/xref/judge', '/api/xref/judge', { a: 'case-p1' }],
      [
        'post',
        '/match/default',
        '/match/{dataset}',
        { queries: { q: { schema: 'Person', properties: { name: ['Ruslan Belov'] } } } },
      ],
      ['get', '/graph/centrality?metric=degree', '/graph/centrality'],
      ['get', '/graph/paths?from=case-p1&to=case-c1', '/graph/paths'],
      ['get', '/graph/expand?id=case-p1', '/graph/expand'],
      ['get', '/graph/exposure?from=case-p1', '/graph/exposure'],
      ['get', '/graph/communities', '/graph/communities'],
      ['get', '/graph/campaigns', '/graph/campaigns'],
      ['get', '/graph/export', '/graph/export'],
      ['get', '/assess', '/assess'],
      ['get', '/assess?ceiling=OFFICIAL&year=2024&as_of=2026-01-31', '/assess'],
      ['get', '/assess?year=24', '/assess'],
      ['get', '/assess/report', '/assess/report'],
      ['get', '/openapi.json', '/openapi.json'],
    ];
    const problems: string[] = [];
    for (const [method, url, path, body] of calls) {
      const res = await app.request(url, {
        method: method.toUpperCase(),
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      problems.push(...(await checkAnswer(res, method, path)));
    }
    expect(problems).toEqual([]);
  });

  it('matches what the auth routes answer, and the documents are public', async () => {
    const app = authApp();
    const problems: string[] = [];
    const login = await app.request('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'alice-pw-000000001' }),
    });
    const { token } = (await login.clone().json()) as { token: string };
    problems.push(...(await checkAnswer(login, 'post', '/auth/login')));
    const bearer = { authorization: `Bearer ${token}` };
    problems.push(
      ...(await checkAnswer(await app.request('/auth/me', { headers: bearer }), 'get', '/auth/me')),
    );
    problems.push(...(await checkAnswer(await app.request('/api/stats'), 'get', '/api/stats')));
    problems.push(
      ...(await checkAnswer(await app.request('/api/stats', { headers: bearer }), 'get', '/api/stats')),
    );
    problems.push(
      ...(await checkAnswer(
        await app.request('/auth/logout', { method: 'POST', headers: bearer }),
        'post',
        '/auth/logout',
      )),
    );
    expect(problems).toEqual([]);
    expect((await app.request('/openapi.json')).status).toBe(200);
    expect((await app.request('/docs')).status).toBe(200);
  });
});

describe('GET /openapi.json and GET /docs', () => {
  it('serves the document as JSON', async () => {
    const res = await plainApp().request('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('serves a self-contained page whose only script is its own, pinned by hash', async () => {
    const res = await plainApp().request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]?.[1]).toBe('');
    const hash = createHash('sha256')
      .update(scripts[0]?.[2] ?? '')
      .digest('base64');
    expect(csp).toContain(`'sha256-${hash}'`);
    // The page's code compiles (it runs in the browser; here it is only parsed).
    expect(() => new Script(scripts[0]?.[2] ?? '')).not.toThrow();
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    // No CDN, no external resource, and data never becomes markup.
    expect(html).not.toMatch(
      /https?:\/\/|\bsrc=|innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/,
    );
    expect(html).toContain("fetch('/openapi.json'");
    expect(html).toContain('Authorization');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
  it('runs: lists the operations by tag and sends a request with the parameters and token given', async () => {
    const app = plainApp();
    const html = await (await app.request('/docs')).text();
    const code = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    // Just enough DOM for the page: elements with attributes, children, text and listeners.
    class El {
      children: El[] = [];
      attrs: Record<string, string> = {};
      listeners: Record<string, (ev: unknown) => void> = {};
      textContent = '';
      value = '';
      constructor(readonly tag: string) {}
      setAttribute(k: string, v: string) {
        this.attrs[k] = v;
      }
      append(...nodes: El[]) {
        this.children.push(...nodes);
      }
      replaceChildren(...nodes: El[]) {
        this.children = nodes;
      }
      addEventListener(type: string, fn: (ev: unknown) => void) {
        this.listeners[type] = fn;
      }
      all(tag: string): El[] {
        return this.children.flatMap((c) => [...(c.tag === tag ? [c] : []), ...c.all(tag)]);
      }
      text(): string {
        return this.textContent + this.children.map((c) => c.text()).join(' ');
      }
    }
    const byId: Record<string, El> = { ops: new El('main'), token: new El('input'), title: new El('h1') };
    const sent: { url: string; init: { method: string; headers: Record<string, string> } }[] = [];
    const fetchFake = async (url: string, init: { method: string; headers: Record<string, string> }) => {
      sent.push({ url, init });
      return app.request(url, init);
    };
    const context = createContext({
      document: {
        createElement: (t: string) => new El(t),
        getElementById: (id: string) => byId[id],
        cookie: '',
      },
      fetch: fetchFake,
      URLSearchParams,
      performance,
      JSON,
    });
    runInContext(code, context);
    const settle = () => new Promise((done) => setTimeout(done, 50));
    await settle();
    const ops = byId.ops as El;
    expect(byId.title?.textContent).toBe('Nexus API 0.1.0');
    expect(
      ops
        .all('h2')
        .map((h) => h.textContent)
        .sort(),
    ).toEqual([
      'assessment',
      'audit',
      'auth',
      'crypto',
      'entities',
      'graph',
      'review',
      'screening',
      'system',
    ]);
    const summaries = ops.all('summary').map((x) => x.text());
    expect(summaries.length).toBe(
      Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0),
    );
    const search = ops.all('details').find((d) => d.all('code').some((c) => c.textContent === '/api/search'));
    const inputs = search?.all('input') ?? [];
    const field = (name: string) => inputs.find((i) => i.attrs.name === name) as El;
    field('q').value = 'belov';
    field('limit').value = '2';
    (byId.token as El).value = 'tok123';
    search?.all('form')[0]?.listeners.submit?.({ preventDefault() {} });
    await settle();
    expect(sent.at(-1)?.url).toBe('/api/search?q=belov&limit=2');
    expect(sent.at(-1)?.init.headers.Authorization).toBe('Bearer tok123');
    const shown = search?.all('pre')[0]?.textContent ?? '';
    expect(JSON.parse(shown)).toMatchObject({ limit: 2, hits: [{ caption: 'Ruslan Tamirovich Belov' }] });
    expect(search?.text()).toContain('200');
  });
});
