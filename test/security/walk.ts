// The need-to-know walks (SECURITY.md R8), shared by test/security/need-to-know.test.ts and
// test/security/demo-need-to-know.test.ts: one user asks every API route (enumerated from the OpenAPI document) and
// runs every CLI command (enumerated from the command table), with the parameters a plan gives, and every answer
// (status, headers and body, or exit code and output) is kept for the tests to search and compare. A route or
// command without a case here makes both tests fail.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { makeContext } from '../../src/access/index.js';
import { serveCommand } from '../../src/cli/commands/serve.js';
import type { CommandEnv, Io } from '../../src/cli/io.js';
import { commands, main } from '../../src/cli/main.js';
import { METRICS } from '../../src/graph/index.js';
import { createApp } from '../../src/serve/app.js';
import { openApiDocument } from '../../src/serve/openapi.js';
import { SqliteStore, type Store } from '../../src/store/index.js';
import { JobQueue, queueConfig } from '../../src/work/index.js';

// ---- exchanges and normalisation ------------------------------------------------------------------------------------

/** One request of a walk and all its answer: status, headers and body (or exit code and output). */
export interface Exchange {
  label: string;
  text: string;
}

/** What may differ between two runs of the same walk: times, ids made at random, tokens, durations, temp paths. */
export function normalise(text: string, paths: readonly string[] = []): string {
  let out = text;
  for (const p of paths) out = out.split(p).join('<dir>');
  return out
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}[:-]\d{2}[:-]\d{2}(?:[.-]\d+)?Z?/g, '<time>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/nx_[A-Za-z0-9_-]+/g, '<token>')
    .replace(/(nexus_session|nexus_csrf)=[^;\s]+/g, '$1=<cookie>')
    .replace(
      /"(ms|elapsed_ms|elapsedMs|rate|eta_seconds|etaSeconds|\w*PerSec|\w*_per_second)":\s*(?:-?[0-9.e+]+|null)/g,
      '"$1":0',
    )
    .replace(/127\.0\.0\.1:\d+/g, '<address>')
    .replace(/\b\d+(?:\.\d+)? ?(?:ms|s)\b/g, '<duration>')
    .replace(/\(\d+\/s\)|\d+\/s\b/g, '<rate>');
}

export function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 150);
  return `  store: ...${a.slice(from, i + 250)}\n  twin:  ...${b.slice(from, i + 250)}`;
}

// ---- the API ----------------------------------------------------------------------------------------------------------

export type App = ReturnType<typeof createApp>;
type Json = Record<string, unknown>;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const DOC = openApiDocument() as {
  paths: Record<string, Record<string, Json>>;
  components: Record<string, Json>;
};

/** Every operation the OpenAPI document describes, as `METHOD /path/{param}`. */
export function documentedOperations(): string[] {
  return Object.entries(DOC.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
}

/** The parameter names of one documented operation, $refs resolved. */
export function parameterNames(operation: string): string[] {
  const [method, path] = operation.split(' ') as [string, string];
  const op = DOC.paths[path]?.[method.toLowerCase()] as { parameters?: Json[] } | undefined;
  return (op?.parameters ?? []).map((p) => {
    const ref = typeof p.$ref === 'string' ? p.$ref.split('/').pop() : undefined;
    const found = ref ? ((DOC.components.parameters as Json)[ref] as Json) : p;
    return String(found.name);
  });
}

export function loginRequest(app: App, username: string, password: string) {
  return app.request('/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

/** Logs in and returns the bearer header of the new session. */
export async function bearer(app: App, name: string, password: string): Promise<Record<string, string>> {
  const res = await loginRequest(app, name, password);
  expect(res.status).toBe(200);
  return { authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
}

/** Makes requests as one user and keeps every answer (status, headers, body) for the comparison. */
export class ApiWalker {
  readonly seen: Exchange[] = [];
  /** What one case leaves for a later one (the job id of an upload). */
  readonly state = new Map<string, string>();

  constructor(
    readonly app: App,
    readonly auth: Record<string, string>,
    private readonly operation: () => string,
  ) {}

  async call(
    method: string,
    path: string,
    init: { body?: string; headers?: Record<string, string>; auth?: boolean } = {},
  ): Promise<{ status: number; text: string }> {
    const res = await this.app.request(path, {
      method,
      headers: { ...(init.auth === false ? {} : this.auth), ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    const text = await res.text();
    const headers = [...res.headers]
      .filter(([k]) => k !== 'x-request-id' && k !== 'date')
      .map(([k, v]) => `${k}: ${v}`)
      .sort()
      .join('\n');
    this.seen.push({
      label: `${this.operation()} <- ${method} ${path}${init.body && init.body.length < 300 ? ` ${init.body}` : ''}`,
      text: `${res.status}\n${headers}\n\n${text}`,
    });
    return { status: res.status, text };
  }

  get(path: string) {
    return this.call('GET', path);
  }

  postJson(path: string, body: unknown) {
    return this.call('POST', path, {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  }
}

export async function waitForJob(w: ApiWalker, id: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const res = await w.app.request(`/api/jobs/${id}`, { headers: w.auth });
    const job = (await res.json()) as { state: string };
    if (['done', 'failed', 'cancelled'].includes(job.state)) return;
    await new Promise((ok) => setTimeout(ok, 10));
  }
  throw new Error(`job ${id} did not finish`);
}

/** An example entity as POST /match takes it (the yente shape). */
export interface MatchQuery {
  schema: string;
  properties: Record<string, string[]>;
}

/**
 * The parameters of an API walk. Lists of query strings are asked in order after the requests each case always
 * makes; an empty query string asks the route bare.
 */
export interface ApiPlan {
  /** The walker's own account: the login route tries it, a wrong password and an unknown name. */
  login: { name: string; password: string };
  /** Datasets to screen against (`POST /match/{dataset}`), each with every query of `matchQueries`. */
  matchDatasets: string[];
  matchQueries: Record<string, MatchQuery>;
  /** Pairs asked for the k shortest paths and for all paths up to 4 hops; then `pathQueries`. */
  paths: [string, string][];
  pathQueries: string[];
  /** Ids expanded two hops each; then `expandQueries`. */
  expandIds: string[];
  expandQueries: string[];
  /** States asked plain and for proxies only; then `exposureQueries`. */
  exposureStates: string[];
  exposureQueries: string[];
  /** After every metric: */
  centralityQueries: string[];
  communitiesQueries: string[];
  campaignsQueries: string[];
  /** The whole graph in each export format, then each of these datasets. */
  exportDatasets: string[];
  /** Browsing, then a name search for each of `searches`, each facet filter, then `searchQueries`. */
  searches: string[];
  facets: string[];
  searchQueries: string[];
  /** Entity pages. */
  entityIds: string[];
  /** Erasures asked for (an analyst may not). */
  deleteIds: string[];
  auditQueries: string[];
  /** Screening of stored entities, then `[id, query]` pairs. */
  entityMatchIds: string[];
  entityMatchQueries: [string, string][];
  /** An upload (FtM JSON lines into dataset `upl`), and what is asked once it is done. */
  upload: { body: string; after: string[] };
  /** Match decisions asked for. */
  judgements: Json[];
}

const withQuery = (path: string, query: string) => (query ? `${path}?${query}` : path);

/** One case per documented operation, with the plan's parameters; the walk fails on a route without one. */
export function apiCases(plan: ApiPlan): Record<string, (w: ApiWalker) => Promise<void>> {
  return {
    'GET /health': async (w) => {
      await w.get('/health');
    },
    'GET /openapi.json': async (w) => {
      await w.get('/openapi.json');
    },
    'GET /docs': async (w) => {
      await w.get('/docs');
    },
    'POST /auth/login': async (w) => {
      for (const [username, password] of [
        [plan.login.name, plan.login.password],
        [plan.login.name, 'wrong-password-000001'],
        ['nobody', 'wrong-password-000002'],
      ])
        await w.call('POST', '/auth/login', {
          auth: false,
          body: JSON.stringify({ username, password }),
          headers: { 'content-type': 'application/json' },
        });
    },
    'POST /auth/logout': async (w) => {
      const other = await bearer(w.app, plan.login.name, plan.login.password);
      await w.call('POST', '/auth/logout', { auth: false, headers: other });
    },
    'GET /auth/me': async (w) => {
      await w.get('/auth/me');
    },
    'POST /match/{dataset}': async (w) => {
      for (const dataset of plan.matchDatasets)
        await w.postJson(`/match/${dataset}`, { queries: plan.matchQueries });
      await w.postJson('/match/default?threshold=0.1&limit=10', { queries: plan.matchQueries });
    },
    'GET /graph/paths': async (w) => {
      for (const [from, to] of plan.paths) {
        await w.get(`/graph/paths?from=${from}&to=${to}&k=5`);
        await w.get(`/graph/paths?from=${from}&to=${to}&all=true&max_hops=4`);
      }
      for (const q of plan.pathQueries) await w.get(withQuery('/graph/paths', q));
    },
    'GET /graph/expand': async (w) => {
      for (const id of plan.expandIds) await w.get(`/graph/expand?id=${id}&depth=2`);
      for (const q of plan.expandQueries) await w.get(withQuery('/graph/expand', q));
    },
    'GET /graph/exposure': async (w) => {
      for (const state of plan.exposureStates) {
        await w.get(`/graph/exposure?state=${state}`);
        await w.get(`/graph/exposure?state=${state}&proxies=true`);
      }
      for (const q of plan.exposureQueries) await w.get(withQuery('/graph/exposure', q));
    },
    'GET /graph/centrality': async (w) => {
      for (const metric of METRICS) await w.get(`/graph/centrality?metric=${metric}&limit=1000`);
      for (const q of plan.centralityQueries) await w.get(withQuery('/graph/centrality', q));
    },
    'GET /graph/communities': async (w) => {
      for (const q of plan.communitiesQueries) await w.get(withQuery('/graph/communities', q));
    },
    'GET /graph/campaigns': async (w) => {
      for (const q of plan.campaignsQueries) await w.get(withQuery('/graph/campaigns', q));
    },
    'GET /graph/export': async (w) => {
      for (const format of ['graphml', 'gexf']) {
        await w.get(`/graph/export?format=${format}`);
        for (const dataset of plan.exportDatasets)
          await w.get(`/graph/export?format=${format}&dataset=${dataset}`);
      }
    },
    'GET /trace': async (w) => {
      await w.get('/trace?from=0xabc&model=haircut');
      await w.get('/trace?from=sanctioned&model=fifo&direction=backward');
    },
    'GET /trace/exposure': async (w) => {
      await w.get('/trace/exposure?address=0xabc');
    },
    'GET /assess': async (w) => {
      await w.get('/assess');
      await w.get('/assess?ceiling=OFFICIAL&year=2024&as_of=2026-01-31');
    },
    'GET /assess/report': async (w) => {
      await w.get('/assess/report?as_of=2026-01-31');
      await w.get('/assess/report?ceiling=OFFICIAL&recipient=NCA&conditions=walk%20only');
    },
    'GET /api/datasets/{name}/export': async (w) => {
      for (const dataset of plan.exportDatasets) {
        await w.get(`/api/datasets/${dataset}/export`);
        await w.get(`/api/datasets/${dataset}/export?ceiling=OFFICIAL`);
      }
    },
    'GET /api/datasets': async (w) => {
      await w.get('/api/datasets');
    },
    'GET /api/stats': async (w) => {
      await w.get('/api/stats');
    },
    'GET /api/search': async (w) => {
      await w.get('/api/search');
      for (const q of plan.searches) await w.get(`/api/search?q=${encodeURIComponent(q)}`);
      for (const f of plan.facets) await w.get(`/api/search?${f}`);
      for (const q of plan.searchQueries) await w.get(withQuery('/api/search', q));
    },
    'GET /api/entities/{id}': async (w) => {
      for (const id of plan.entityIds) await w.get(`/api/entities/${id}`);
    },
    'GET /api/entities/{id}/documents': async (w) => {
      for (const id of plan.entityIds) await w.get(`/api/entities/${id}/documents`);
    },
    'GET /api/documents/search': async (w) => {
      await w.get('/api/documents/search');
      for (const q of plan.searches) await w.get(`/api/documents/search?q=${encodeURIComponent(q)}`);
    },
    'DELETE /api/entities/{id}': async (w) => {
      // Erasure needs the erase permission, which analysts do not hold: 403 whatever is hidden.
      for (const id of plan.deleteIds)
        await w.call('DELETE', `/api/entities/${id}`, {
          body: JSON.stringify({ reason: 'need-to-know walk' }),
          headers: { 'content-type': 'application/json' },
        });
    },
    'GET /api/audit': async (w) => {
      for (const q of plan.auditQueries) await w.get(withQuery('/api/audit', q));
    },
    'GET /api/audit/verify': async (w) => {
      await w.get('/api/audit/verify');
    },
    'GET /api/entities/{id}/match': async (w) => {
      for (const id of plan.entityMatchIds) await w.get(`/api/entities/${id}/match`);
      for (const [id, q] of plan.entityMatchQueries) await w.get(withQuery(`/api/entities/${id}/match`, q));
    },
    'GET /api/xref/next': async (w) => {
      for (const skip of [0, 1, 2, 3]) await w.get(`/api/xref/next?skip=${skip}`);
    },
    'POST /api/ingest': async (w) => {
      const res = await w.call('POST', '/api/ingest?dataset=upl&filename=upload.ftm.jsonl&format=ftm', {
        body: plan.upload.body,
        headers: { 'content-type': 'application/x-ndjson' },
      });
      const id = (JSON.parse(res.text) as { id?: string }).id;
      if (id === undefined) return;
      w.state.set('job', id);
      await waitForJob(w, id);
      // What the upload now shows, next to what is hidden.
      for (const path of plan.upload.after) await w.get(path);
    },
    'GET /api/jobs': async (w) => {
      await w.get('/api/jobs');
    },
    'GET /api/jobs/{id}': async (w) => {
      await w.get(`/api/jobs/${w.state.get('job') ?? 'none'}`);
    },
    'GET /api/jobs/{id}/events': async (w) => {
      await w.get(`/api/jobs/${w.state.get('job') ?? 'none'}/events`);
    },
    'POST /api/jobs/{id}/cancel': async (w) => {
      await w.call('POST', `/api/jobs/${w.state.get('job') ?? 'none'}/cancel`);
    },
    'POST /api/xref/judge': async (w) => {
      for (const j of plan.judgements) await w.postJson('/api/xref/judge', j);
    },
  };
}

/** The app over `store` (authentication on, no web UI), with request ids counted and the current case named. */
export function walkerFor(store: Store, uploads: string) {
  let n = 0;
  let current = '';
  const app = createApp({
    store,
    auth: {},
    web: false,
    requestId: () => `req-${++n}`,
    uploads: { dir: uploads, batchSize: 2 },
  });
  return { app, setOperation: (o: string) => (current = o), operation: () => current };
}

/** Logs in as `login` and runs every case in the order the document lists the operations. */
export async function apiWalk(
  store: Store,
  uploads: string,
  cases: Record<string, (w: ApiWalker) => Promise<void>>,
  login: { name: string; password: string },
): Promise<Exchange[]> {
  const made = walkerFor(store, uploads);
  const w = new ApiWalker(made.app, await bearer(made.app, login.name, login.password), made.operation);
  // In the order the document lists them: the upload comes before the job routes that look at it.
  for (const operation of documentedOperations()) {
    const run = cases[operation];
    if (!run) throw new Error(`no walk case for ${operation}`);
    made.setOperation(operation);
    await run(w);
  }
  return w.seen;
}

// ---- the CLI ----------------------------------------------------------------------------------------------------------

export function captureIo(out: { text: string }): Io {
  return {
    stdout: (t) => {
      out.text += t;
    },
    stderr: (t) => {
      out.text += `[stderr] ${t}`;
    },
    stderrIsTty: false,
  };
}

export const isAudit = (label: string) => label.startsWith('audit <- ');

/** The access a CLI walk acts with: `--clearance` and `--caveats`, and the service account of `serve --no-auth`. */
export interface CliAccess {
  clearance: string;
  caveats?: string[];
}

export class CliWalker {
  readonly seen: Exchange[] = [];
  command = '';

  constructor(
    readonly home: string,
    readonly scratch: string,
    readonly access: CliAccess = { clearance: 'OFFICIAL' },
  ) {}

  private globals(): string[] {
    const caveats = this.access.caveats ?? [];
    return [
      '--clearance',
      this.access.clearance,
      ...(caveats.length ? ['--caveats', caveats.join(',')] : []),
    ];
  }

  /** `nexus --home HOME --clearance LEVEL [--caveats C] ARGS...` in-process; `files` are read back into the output. */
  async run(args: string[], files: string[] = []): Promise<string> {
    const out = { text: '' };
    const code = await main(
      ['--home', this.home, ...this.globals(), ...args],
      { NEXUS_DATA_DIR: join(this.scratch, 'no-data') },
      captureIo(out),
    );
    for (const f of files) {
      try {
        out.text += `\n[file ${f.slice(this.scratch.length)}]\n${readFileSync(f, 'utf8')}`;
      } catch {
        out.text += `\n[file ${f.slice(this.scratch.length)} missing]`;
      }
    }
    this.seen.push({
      label: `${this.command} <- nexus ${args.join(' ')}`,
      text: `exit ${code}\n${out.text}`,
    });
    return out.text;
  }

  /** `nexus serve --no-auth` as a service account with the walk's access, asked a few questions over a socket. */
  async serve(paths: string[]): Promise<void> {
    const out = { text: '' };
    const stop = new AbortController();
    const answers: string[] = [];
    const env: CommandEnv = {
      io: captureIo(out),
      ctx: makeContext({
        user: 'cli-walker',
        clearance: this.access.clearance,
        caveats: this.access.caveats ?? [],
        purpose: 'need-to-know walk',
      }),
      home: this.home,
      env: {},
      openStore: async () => {
        const store = new SqliteStore({ path: join(this.home, 'nexus.db') });
        const m = await store.migrate();
        if (m.error) throw m.error;
        return store;
      },
    };
    const code = await serveCommand(['--no-auth', '--port', '0'], env, {
      onListening: (handle) => {
        void (async () => {
          for (const p of paths) {
            const res = await fetch(`${handle.url}${p}`);
            answers.push(`${p}: ${res.status}\n${await res.text()}`);
          }
          stop.abort();
        })();
      },
      stop: stop.signal,
    });
    const log = out.text.replace(/"ms":[0-9.]+/g, '"ms":0');
    this.seen.push({
      label: `${this.command} <- nexus serve`,
      text: `exit ${code}\n${log}\n${answers.join('\n')}`,
    });
  }
}

/** The parameters of a CLI walk; argument lists run after the command name, in order. */
export interface CliPlan {
  /** An FtM JSON-lines file loaded into dataset `cliup`. */
  uploadFile: string;
  /** A JSON search for each, then `search` with each argument list. */
  searches: string[];
  searchArgs: string[][];
  /** Shown as JSON and as text. */
  entityIds: string[];
  /** `list --json` with each flag and value. */
  listFilters: [string, string][];
  /** FtM exports to stdout. */
  ftmExports: string[];
  /** Graph exports (GraphML and GEXF) of the whole graph, of each of these datasets, and of `fileExport` to a file. */
  graphExports: string[];
  /** Exported to a file as the graph (both formats) and as FtM. */
  fileExport: string;
  /** JSON lines of example entities; screened plainly, then with each argument list. */
  matchFile: string;
  matchArgs: string[][];
  /** `schema,name1,name2` rows for `compare`. */
  pairsFile: string;
  xref: string[][];
  judge: string[][];
  /** Pairs asked for the k shortest paths and for all paths up to 4 hops. */
  paths: [string, string][];
  expand: string[][];
  /** States asked as JSON and for proxies only; then `exposure` with each argument list. */
  exposureStates: string[];
  exposureArgs: string[][];
  /** Paths asked of `serve --no-auth`. */
  serve: string[];
  erase: string[][];
  /** Whose token `token create` is asked for. */
  tokenUser: string;
}

/** One case per command of the table, with the plan's parameters; the walk fails on a command without one. */
export function cliCases(plan: CliPlan): Record<string, (w: CliWalker) => Promise<void>> {
  let queue = 'walk-none';
  return {
    ingest: async (w) => {
      await w.run(['ingest', '--dataset', 'cliup', '--format', 'ftm', '--json', plan.uploadFile]);
      await w.run(['ingest', '--dataset', 'cliup', plan.uploadFile]);
    },
    datasets: async (w) => {
      await w.run(['datasets']);
      await w.run(['datasets', '--json']);
    },
    stats: async (w) => {
      await w.run(['stats']);
      await w.run(['stats', '--json']);
    },
    search: async (w) => {
      for (const q of plan.searches) await w.run(['search', q, '--json']);
      for (const a of plan.searchArgs) await w.run(['search', ...a]);
    },
    entity: async (w) => {
      for (const id of plan.entityIds) {
        await w.run(['entity', id, '--json']);
        await w.run(['entity', id]);
      }
    },
    list: async (w) => {
      await w.run(['list', '--json']);
      await w.run(['list', '--limit', '3']);
      for (const [flag, value] of plan.listFilters) await w.run(['list', flag, value, '--json']);
    },
    export: async (w) => {
      for (const dataset of plan.ftmExports) await w.run(['export', '--dataset', dataset, '--format', 'ftm']);
      for (const format of ['graphml', 'gexf']) {
        await w.run(['export', '--format', format]);
        for (const dataset of plan.graphExports)
          await w.run(['export', '--format', format, '--dataset', dataset]);
        const file = join(w.scratch, `graph.${format}`);
        await w.run(['export', '--format', format, '--dataset', plan.fileExport, '--output', file], [file]);
      }
      const file = join(w.scratch, `${plan.fileExport}.ftm.jsonl`);
      await w.run(['export', '--dataset', plan.fileExport, '--output', file], [file]);
    },
    digest: async (w) => {
      await w.run(['digest']);
    },
    match: async (w) => {
      await w.run(['match', '--json', plan.matchFile]);
      await w.run(['match', plan.matchFile]);
      for (const a of plan.matchArgs) await w.run(['match', '--json', ...a, plan.matchFile]);
    },
    compare: async (w) => {
      await w.run(['compare', '--pairs', plan.pairsFile, '--json']);
    },
    index: async (w) => {
      await w.run(['index', '--json']);
      await w.run(['index']);
    },
    xref: async (w) => {
      for (const a of plan.xref) await w.run(['xref', ...a]);
    },
    review: async (w) => {
      await w.run(['review', '--json']);
    },
    judge: async (w) => {
      for (const a of plan.judge) await w.run(['judge', ...a]);
    },
    unmerge: async (w) => {
      await w.run(['unmerge', 'NX-0000000000000000000a']);
    },
    paths: async (w) => {
      for (const [from, to] of plan.paths) {
        await w.run(['paths', from, to, '--k', '5', '--json']);
        await w.run(['paths', from, to, '--all', '--max-hops', '4']);
      }
    },
    expand: async (w) => {
      for (const a of plan.expand) await w.run(['expand', ...a]);
    },
    exposure: async (w) => {
      for (const state of plan.exposureStates) {
        await w.run(['exposure', '--state', state, '--json']);
        await w.run(['exposure', '--state', state, '--proxies']);
      }
      for (const a of plan.exposureArgs) await w.run(['exposure', ...a]);
    },
    centrality: async (w) => {
      for (const metric of METRICS) {
        await w.run(['centrality', '--metric', metric, '--json']);
        await w.run(['centrality', '--metric', metric]);
      }
    },
    communities: async (w) => {
      await w.run(['communities', '--json']);
      await w.run(['communities', '--seed', '3']);
    },
    campaigns: async (w) => {
      await w.run(['campaigns', '--json']);
      await w.run(['campaigns']);
    },
    // The walks' stores hold no transfers: these show a trace over nothing refuses alike (the crypto contract
    // tests checks that transfers and labels above a reader's clearance stay hidden).
    trace: async (w) => {
      await w.run(['trace', '--from', '0xabc', '--model', 'haircut', '--json']);
      await w.run(['trace', '--from', 'sanctioned', '--model', 'poison']);
    },
    'exposure-crypto': async (w) => {
      await w.run(['exposure-crypto', '0xabc', '--json']);
    },
    cluster: async (w) => {
      await w.run(['cluster', '--json']);
    },
    series: async (w) => {
      await w.run(['series', 'list', '--json']);
      await w.run(['series', 'list', '--area', 'gb']);
      await w.run(['series', 'show', 'wastewater/gb/london/cocaine', '--json']);
    },
    // The report over what the reader may see; the judgement edit names no judgement the walks' stores make.
    assess: async (w) => {
      await w.run(['assess', '--json']);
      await w.run(['assess']);
      await w.run(['assess', '--ceiling', 'OFFICIAL', '--json']);
      await w.run(['assess', 'judgement', 'sign', 'KJ-none-1']);
    },
    demo: async (w) => {
      await w.run(['demo', '--no-real', '--json']);
    },
    serve: async (w) => {
      await w.serve(plan.serve);
    },
    user: async (w) => {
      await w.run(['user', 'list', '--json']);
      await w.run(['user', 'add', 'mallory', '--role', 'admin', '--clearance', 'SECRET']);
    },
    audit: async (w) => {
      await w.run(['audit', 'verify']);
      await w.run(['audit', 'list', '--json', '--limit', '1000']);
    },
    // For the local operator only: with --clearance both refuse. A restore would put back the copy just made.
    backup: async (w) => {
      await w.run(['backup', join(w.scratch, 'backup', 'nexus.db'), '--json']);
    },
    restore: async (w) => {
      await w.run(['restore', join(w.scratch, 'backup', 'nexus.db'), '--force', '--json']);
    },
    erase: async (w) => {
      for (const a of plan.erase) await w.run(['erase', ...a]);
    },
    token: async (w) => {
      await w.run(['token', 'create', plan.tokenUser]);
    },
    // On a queue of the walk's own (a UUID in its name, so two walks read alike once normalised): the upload file
    // as a job, the walker's jobs and every user's (the local operator only), and a job that does not exist. The
    // worker case then runs it. Without Redis both fail alike (QUEUE_UNAVAILABLE).
    jobs: async (w) => {
      queue = `walk-${randomUUID()}`;
      const on = ['--queue', queue];
      await w.run(['jobs', 'submit', 'ingest', ...on, '--dataset', 'cliq', '--json', plan.uploadFile]);
      await w.run(['jobs', 'list', ...on, '--json']);
      await w.run(['jobs', 'list', ...on, '--all']);
      await w.run(['jobs', 'show', '00000000-0000-4000-8000-000000000000', ...on]);
    },
    worker: async (w) => {
      await w.run(['worker', '--queue', queue, '--drain', '--json']);
      await w.run(['jobs', 'list', '--queue', queue, '--json']);
      try {
        const q = await JobQueue.open(queueConfig({}, { name: queue }));
        await q.destroy();
        await q.close();
      } catch {
        // No Redis: nothing was queued, nothing to remove.
      }
    },
  };
}

/** Runs every case in the table's order: ingest first, demo (which loads its own data) near the end. */
export async function cliWalk(
  home: string,
  scratch: string,
  cases: Record<string, (w: CliWalker) => Promise<void>>,
  access: CliAccess = { clearance: 'OFFICIAL' },
): Promise<Exchange[]> {
  const w = new CliWalker(home, scratch, access);
  for (const name of commands.keys()) {
    const run = cases[name];
    if (!run) throw new Error(`no walk case for nexus ${name}`);
    w.command = name;
    await run(w);
  }
  return w.seen;
}
