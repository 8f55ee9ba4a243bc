#!/usr/bin/env node
// HTTP API under load: `nexus serve` (from dist/, authentication on, a bearer token) loaded by wrk on three read
// routes, against the transport floor in the same run: a bare node:http server answering the same requests with
// the same bytes (bench/api-floor.js). Routes: GET /api/entities/{id} over real ids, GET /api/search?q= over
// words from real names, POST /match/default with one yente query per body over real names.
// Usage: npm run bench:api [-- --duration 20 --warmup 3 --configs 1x1,8x2 --routes entity,search,match
//        --reuse-home]. Needs wrk (apt-get install -y wrk). Store: the demo plus the real datasets found in
// NEXUS_DATA_DIR (default ../shared/data), loaded by `nexus demo` into bench/out/api-home, or into PostgreSQL when
// NEXUS_DATABASE_URL is set (schema NEXUS_DATABASE_SCHEMA, default nexus; --reuse-home then reuses that schema).
// Prints progress on stderr and a Markdown table on stdout; writes bench/out/api-bench.json and api-bench.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { machineInfo } from './machine.js';

const { values: opt } = parseArgs({
  options: {
    duration: { type: 'string', default: process.env.NEXUS_BENCH_API_DURATION ?? '20' },
    warmup: { type: 'string', default: '3' },
    configs: { type: 'string', default: '1x1,8x2' },
    routes: { type: 'string', default: 'entity,search,match' },
    ids: { type: 'string', default: '500' },
    queries: { type: 'string', default: '200' },
    'reuse-home': { type: 'boolean', default: false },
  },
});
const DURATION = Number(opt.duration);
const WARMUP = Number(opt.warmup);
const CONFIGS = opt.configs.split(',').map((c) => {
  const [conns, threads] = c.split('x').map(Number);
  return { connections: conns, threads };
});
const ROUTES = opt.routes.split(',');
const OUT = resolve('bench/out');
const HOME = join(OUT, 'api-home');
const WORK = join(OUT, 'api-wrk');
const DATA = resolve(process.env.NEXUS_DATA_DIR ?? '../shared/data');
const USER = 'bench-api';
const PASSWORD = 'bench api password 0123456789';
const log = (m) => console.error(`bench:api: ${m}`);
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const load = () => loadavg().map((x) => round(x));

// ---------- wrk ----------
function wrkVersion() {
  const res = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (res.error) {
    console.error(
      'bench:api: wrk is missing. Install it with: apt-get install -y wrk  (Debian package "wrk")',
    );
    process.exit(2);
  }
  return /wrk\s+(\S+)/.exec(`${res.stdout}${res.stderr}`)?.[1] ?? 'unknown';
}

// ---------- the store, a user and a bearer token ----------
function nexus(args, input, inherit = false) {
  const res = spawnSync(process.execPath, ['bin/nexus.js', '--home', HOME, ...args], {
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['pipe', 'pipe', inherit ? 'inherit' : 'pipe'],
  });
  return res;
}

function buildStore() {
  if (opt['reuse-home'] && (PG_URL || existsSync(join(HOME, 'nexus.db')))) {
    log(`reusing ${HOME}`);
    return null;
  }
  rmSync(HOME, { recursive: true, force: true });
  log(`nexus demo into ${HOME} (the demo plus the real datasets in ${DATA})...`);
  const t = performance.now();
  const res = nexus(['demo', '--json'], undefined, true);
  if (res.status !== 0) throw new Error(`nexus demo exited ${res.status}`);
  const seconds = (performance.now() - t) / 1000;
  log(`store built in ${seconds.toFixed(1)} s`);
  return seconds;
}

function makeToken() {
  const add = nexus(
    [
      'user',
      'add',
      USER,
      '--role',
      'analyst',
      '--clearance',
      'SECRET',
      '--caveat',
      'SENSITIVE',
      '--password-stdin',
    ],
    `${PASSWORD}\n`,
  );
  if (add.status !== 0 && !/exists/.test(add.stderr)) throw new Error(`nexus user add: ${add.stderr}`);
  const tok = nexus(['token', 'create', USER]);
  const token = /nx_[A-Za-z0-9_-]+/.exec(tok.stdout)?.[0];
  if (tok.status !== 0 || !token) throw new Error(`nexus token create: ${tok.stderr}`);
  return token;
}

// ---------- what to ask: real ids, words of real names, real names ----------
const PG_URL = process.env.NEXUS_DATABASE_URL || '';
const PARTIES_SQL = `SELECT e.id, e.schema, (SELECT s.value FROM statements s WHERE s.eid = e.eid AND s.prop = 'name'
    ORDER BY s.id LIMIT 1) AS name
  FROM entities e WHERE e.schema IN ('Person', 'Company', 'Organization', 'Vessel') ORDER BY e.eid`;
const DATASETS_SQL = 'SELECT dataset, count(*) AS n FROM entity_datasets GROUP BY dataset';

/** The same two reads from either store (the tables have the same names and columns in both). */
async function storeRows() {
  if (PG_URL) {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`SET search_path = ${process.env.NEXUS_DATABASE_SCHEMA || 'nexus'}, public`);
    const parties = (await client.query(PARTIES_SQL)).rows;
    const datasets = (await client.query(DATASETS_SQL)).rows.map((r) => ({ ...r, n: Number(r.n) }));
    await client.end();
    return { parties, datasets };
  }
  const db = new Database(join(HOME, 'nexus.db'), { readonly: true, fileMustExist: true });
  const parties = db.prepare(PARTIES_SQL).all();
  const datasets = db.prepare(DATASETS_SQL).all();
  db.close();
  return { parties, datasets };
}

async function sample() {
  const rows = await storeRows();
  const parties = rows.parties.filter((p) => p.name);
  const datasets = rows.datasets;
  const every = (list, n) => {
    const step = Math.max(1, list.length / n);
    const out = [];
    for (let k = 0; k < n && Math.floor(k * step) < list.length; k++) out.push(list[Math.floor(k * step)]);
    return out;
  };
  const ids = every(parties, Number(opt.ids)).map((p) => p.id);
  // A query word: the longest alphabetic word (4+ letters) of a name, as an analyst would type a surname.
  const words = [];
  const seen = new Set();
  for (const p of every(parties, Number(opt.queries) * 3)) {
    const w = (p.name.match(/\p{L}{4,}/gu) ?? []).sort((a, b) => b.length - a.length)[0]?.toLowerCase();
    if (w && !seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
    if (words.length >= Number(opt.queries)) break;
  }
  const names = every(
    parties.filter((p) => p.schema === 'Person' || p.schema === 'Company'),
    Number(opt.queries),
  ).map((p) => ({ schema: p.schema, name: p.name }));
  return { parties: parties.length, datasets, ids, words, names };
}

function requestSets(s) {
  return {
    entity: {
      method: 'GET',
      label: 'GET /api/entities/{id}',
      lines: s.ids.map((id) => `/api/entities/${encodeURIComponent(id)}`),
    },
    search: {
      method: 'GET',
      label: 'GET /api/search?q=',
      lines: s.words.map((w) => `/api/search?q=${encodeURIComponent(w)}`),
    },
    match: {
      method: 'POST',
      path: '/match/default',
      label: 'POST /match/default',
      lines: s.names.map((n) =>
        JSON.stringify({ queries: { q1: { schema: n.schema, properties: { name: [n.name] } } } }),
      ),
    },
  };
}

// ---------- servers ----------
const children = [];
// A failed run must not leave servers behind.
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
});

function startServer(name, args, logFile) {
  const errFd = openSync(logFile, 'w');
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', errFd] });
  children.push(proc);
  return new Promise((ok, fail) => {
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) ok({ name, proc, base: m[1] });
    });
    proc.once('exit', (code) => fail(new Error(`${name} exited ${code}; see ${logFile}`)));
  });
}

function stop(server) {
  return new Promise((ok) => {
    if (server.proc.exitCode !== null) return ok();
    server.proc.once('exit', ok);
    server.proc.kill('SIGTERM');
  });
}

/** CPU seconds (user + system, all threads) of a process so far, from /proc. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function rssMB(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** Sends every request of a set once; all must answer 200. Returns the bodies (for the floor) and their sizes. */
async function verify(base, token, set) {
  const bodies = {};
  let bytes = 0;
  let slowest = 0;
  for (const line of set.lines) {
    const t = performance.now();
    const res = await fetch(`${base}${set.method === 'POST' ? set.path : line}`, {
      method: set.method,
      headers: {
        Authorization: `Bearer ${token}`,
        'Accept-Encoding': 'identity',
        ...(set.method === 'POST' ? { 'Content-Type': 'application/json' } : {}),
      },
      body: set.method === 'POST' ? line : undefined,
    });
    const text = await res.text();
    slowest = Math.max(slowest, performance.now() - t);
    if (res.status !== 200)
      throw new Error(`${set.label}: ${line.slice(0, 120)} answered ${res.status}: ${text}`);
    bodies[line] = text;
    bytes += Buffer.byteLength(text);
  }
  return { bodies, meanBodyBytes: Math.round(bytes / set.lines.length), slowestMs: round(slowest, 1) };
}

function wrk(server, token, set, file, { connections, threads }, seconds) {
  const args = [
    '-t',
    String(threads),
    '-c',
    String(connections),
    '-d',
    `${seconds}s`,
    '--timeout',
    '30s',
    '-H',
    `Authorization: Bearer ${token}`,
    ...(set.method === 'POST' ? ['-H', 'Content-Type: application/json'] : []),
    '-s',
    'bench/api-wrk.lua',
    server.base,
    '--',
    set.method,
    file,
    ...(set.path ? [set.path] : []),
  ];
  const cpu0 = cpuSeconds(server.proc.pid);
  const load0 = load();
  const startedAt = Date.now();
  const res = spawnSync('wrk', args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const endedAt = Date.now();
  const cpu1 = cpuSeconds(server.proc.pid);
  const line = /^WRKJSON (.*)$/m.exec(res.stdout)?.[1];
  if (res.status !== 0 || !line) throw new Error(`wrk failed (${res.status}): ${res.stdout}\n${res.stderr}`);
  const r = JSON.parse(line);
  const secs = r.duration_us / 1e6;
  const ms = (us) => round(us / 1000, 3);
  return {
    requests: r.requests,
    seconds: round(secs),
    window: [startedAt, endedAt],
    rps: round(r.requests / secs, 1),
    // A closed loop: each connection waits for its answer, so the mean response time is connections / rate.
    closedLoopMeanMs: round((connections * 1000 * secs) / Math.max(1, r.requests), 3),
    // wrk 4 corrects these for coordinated omission (stats_correct): a stall adds the samples a client sending
    // at the measured rate would have waited, so the tail reads higher than the raw per-request times.
    latencyMs: {
      p50: ms(r.latency_us.p50),
      p90: ms(r.latency_us.p90),
      p99: ms(r.latency_us.p99),
      p999: ms(r.latency_us.p999),
      mean: ms(r.latency_us.mean),
      max: ms(r.latency_us.max),
    },
    errors: r.errors,
    bytesPerResponse: r.requests ? Math.round(r.bytes / r.requests) : 0,
    serverCpuMsPerRequest: r.requests ? round(((cpu1 - cpu0) * 1000) / r.requests, 3) : null,
    serverCpuShare: round((cpu1 - cpu0) / secs),
    serverRssMB: rssMB(server.proc.pid),
    loadavgBefore: load0,
    loadavgAfter: load(),
  };
}

// ---------- main ----------
const wrkVer = wrkVersion();
mkdirSync(WORK, { recursive: true });
const loadStart = load();
const storeSeconds = buildStore();
const token = makeToken();
const s = await sample();
log(
  `${s.parties} parties in the store; ${s.ids.length} ids, ${s.words.length} search words, ${s.names.length} names to rotate`,
);
const sets = requestSets(s);
for (const route of ROUTES) {
  if (!sets[route]) throw new Error(`unknown route ${route} (entity, search, match)`);
  writeFileSync(join(WORK, `${route}.txt`), `${sets[route].lines.join('\n')}\n`);
}

log('starting nexus serve (brings the match index up to date first)...');
let t = performance.now();
const nexusServer = await startServer(
  'nexus',
  ['bin/nexus.js', '--home', HOME, 'serve', '--port', '0'],
  join(OUT, 'api-serve.log'),
);
const serveStartSeconds = round((performance.now() - t) / 1000);
log(`nexus serve listening on ${nexusServer.base} after ${serveStartSeconds} s`);

const captured = { get: {}, post: {} };
const verified = {};
for (const route of ROUTES) {
  t = performance.now();
  const v = await verify(nexusServer.base, token, sets[route]);
  verified[route] = {
    meanBodyBytes: v.meanBodyBytes,
    slowestMs: v.slowestMs,
    firstPassMs: round(performance.now() - t),
  };
  Object.assign(sets[route].method === 'POST' ? captured.post : captured.get, v.bodies);
  log(
    `${route}: all ${sets[route].lines.length} requests answer 200 (mean body ${v.meanBodyBytes} B, slowest ${v.slowestMs} ms)`,
  );
}
const capturedFile = join(WORK, 'captured.json');
writeFileSync(capturedFile, JSON.stringify(captured));
const floorServer = await startServer(
  'floor',
  ['bench/api-floor.js', capturedFile],
  join(OUT, 'api-floor.log'),
);
log(`floor server listening on ${floorServer.base}`);

const results = [];
try {
  for (const route of ROUTES) {
    const set = sets[route];
    const file = join(WORK, `${route}.txt`);
    for (const config of CONFIGS) {
      const tag = `${route} ${config.connections}c/${config.threads}t`;
      for (const server of [nexusServer, floorServer]) {
        if (WARMUP > 0) wrk(server, token, set, file, config, WARMUP);
        log(`${tag} ${server.name}: ${DURATION} s...`);
        const r = wrk(server, token, set, file, config, DURATION);
        const bad = Object.values(r.errors).reduce((a, b) => a + b, 0);
        log(
          `${tag} ${server.name}: ${r.rps} req/s, p50 ${r.latencyMs.p50} ms, p90 ${r.latencyMs.p90} ms, p99 ${r.latencyMs.p99} ms` +
            `${bad ? `, ${bad} errors ${JSON.stringify(r.errors)}` : ''}, server CPU ${r.serverCpuMsPerRequest} ms/req, load ${r.loadavgAfter[0]}`,
        );
        results.push({ route, label: set.label, ...config, target: server.name, ...r });
      }
    }
  }
} finally {
  await stop(nexusServer);
  await stop(floorServer);
}

// Server-side handling time per request, from the request log of `nexus serve` (one JSON line per request with
// its `ms`), for the requests finished inside each measured run: raw times, no correction, no transport.
const logLines = readFileSync(join(OUT, 'api-serve.log'), 'utf8').split('\n');
const served = [];
for (const line of logLines) {
  if (!line.startsWith('{"time"')) continue;
  try {
    const e = JSON.parse(line);
    if (typeof e.ms === 'number') served.push({ t: Date.parse(e.time), ms: e.ms, status: e.status });
  } catch {
    // not a request line
  }
}
const pct = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : null;
for (const r of results) {
  if (r.target !== 'nexus') continue;
  const [a, b] = r.window;
  const inRun = served.filter((e) => e.t >= a && e.t <= b);
  const ms = inRun.map((e) => e.ms).sort((x, y) => x - y);
  r.serverLogMs = {
    requests: ms.length,
    non200: inRun.filter((e) => e.status !== 200).length,
    p50: pct(ms, 0.5),
    p90: pct(ms, 0.9),
    p99: pct(ms, 0.99),
    max: ms[ms.length - 1] ?? null,
  };
}

const machine = machineInfo({ wrk: wrkVer, store: PG_URL ? 'postgres' : 'sqlite' });
const rows = [];
for (const route of ROUTES)
  for (const c of CONFIGS) {
    const pick = (target) =>
      results.find(
        (r) =>
          r.route === route &&
          r.connections === c.connections &&
          r.threads === c.threads &&
          r.target === target,
      );
    const n = pick('nexus');
    const f = pick('floor');
    rows.push({
      route,
      label: sets[route].label,
      connections: c.connections,
      threads: c.threads,
      nexus: n,
      floor: f,
      rpsRatio: round(n.rps / f.rps, 4),
      p50Ratio: round(n.latencyMs.p50 / f.latencyMs.p50, 1),
    });
  }
const report = {
  machine,
  loadavgStart: loadStart,
  loadavgEnd: load(),
  command: `npm run bench:api -- --duration ${DURATION} --warmup ${WARMUP} --configs ${opt.configs} --routes ${opt.routes}`,
  store: {
    home: HOME,
    builtSeconds: storeSeconds === null ? null : round(storeSeconds),
    parties: s.parties,
    datasets: s.datasets,
  },
  serveStartSeconds,
  rotation: { ids: s.ids.length, searchWords: s.words.length, matchNames: s.names.length },
  verified,
  results,
  rows,
};
writeFileSync(join(OUT, 'api-bench.json'), `${JSON.stringify(report, null, 2)}\n`);

const md = [];
md.push(
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB, Node ${machine.node}, wrk ${machine.wrk}, store ${machine.store}, ${machine.date}; load average at start ${loadStart.join(' ')}, at end ${report.loadavgEnd.join(' ')}\n`,
);
md.push(
  '| route | conns/threads | Nexus req/s | mean ms (closed loop) | wrk p50 / p90 / p99 ms | server log p50 / p90 / p99 ms | server CPU ms/req | floor req/s | floor p50 / p99 ms | req/s ratio | bytes/resp |',
);
md.push('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const n = r.nexus;
  const f = r.floor;
  const l = n.serverLogMs ?? {};
  md.push(
    `| ${r.label} | ${r.connections}/${r.threads} | ${n.rps} | ${n.closedLoopMeanMs} | ${n.latencyMs.p50} / ${n.latencyMs.p90} / ${n.latencyMs.p99} | ${l.p50} / ${l.p90} / ${l.p99} | ${n.serverCpuMsPerRequest} | ${f.rps} | ${f.latencyMs.p50} / ${f.latencyMs.p99} | ${r.rpsRatio} | ${n.bytesPerResponse} |`,
  );
}
writeFileSync(join(OUT, 'api-bench.md'), `${md.join('\n')}\n`);
console.log(md.join('\n'));
