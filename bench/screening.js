#!/usr/bin/env node
// Screening benchmark: Nexus screen() on an index of N entities (UN + OFAC SDN replicated with perturbed names) against PostgreSQL pg_trgm over the same names.
// Usage: node bench/screening.js [--entities 1000000] [--queries 2000] [--xref 100000] [--skip-pg] [--skip-http] [--skip-xref] [--cpu-prof] [--ingest-only]
//        [--dump-queries FILE] (writes the store's home and the queries as JSON, and stops)
// Prints Markdown tables and writes bench/out/screening-bench.json. Generated files and stores are cached in bench/out/scr/ keyed by N.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { localOperator } from '../dist/access/index.js';
import { screen } from '../dist/resolve/screening.js';
import { SqliteStore } from '../dist/store/index.js';
import { machineInfo } from './machine.js';

const { values: opt } = parseArgs({
  options: {
    entities: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '2000' },
    xref: { type: 'string', default: '100000' },
    'pg-thresholds': { type: 'string', default: '0.3,0.5' },
    'skip-pg': { type: 'boolean', default: false },
    'skip-http': { type: 'boolean', default: false },
    'skip-xref': { type: 'boolean', default: false },
    'keep-pg': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'ingest-only': { type: 'boolean', default: false },
    'dump-queries': { type: 'string' },
  },
});
const N = Number(opt.entities);
const Q = Number(opt.queries);
const NEG = Math.round(Q / 4);
const XREF = Math.min(Number(opt.xref), N);
const THRESHOLD = 0.7;
const LIMIT = 5;
const CONCURRENCY = 8;
const DATA = resolve(process.env.NEXUS_DATA_DIR ?? '../shared/data');
const OUT = resolve('bench/out');
const WORK = join(OUT, 'scr');
mkdirSync(WORK, { recursive: true });
const MATCHABLE = new Set(['Person', 'Organization', 'Company', 'Vessel', 'LegalEntity']);
const NAME_PROPS = ['name', 'alias', 'previousName', 'weakAlias'];
const PSQL = [
  '-h',
  '127.0.0.1',
  '-U',
  process.env.PGUSER ?? 'postgres',
  '-d',
  'test',
  '-X',
  '-q',
  '-v',
  'ON_ERROR_STOP=1',
];
const PG_SCHEMA = 'nexus_screen_bench';
const log = (m) => console.error(`bench: ${m}`);
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

// ---------- deterministic randomness ----------
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (n) => Math.floor(next() * n);
  next.pick = (xs) => xs[Math.floor(next() * xs.length)];
  return next;
}

// ---------- child processes ----------
function nexus(home, args, { prof = false } = {}) {
  const t = performance.now();
  const flags = prof && opt['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', join(WORK, 'prof')] : [];
  const res = spawnSync(process.execPath, [...flags, 'bin/nexus.js', '--home', home, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const seconds = (performance.now() - t) / 1000;
  if (res.status !== 0)
    throw new Error(`nexus ${args.join(' ')} failed (${res.status}): ${res.stderr.slice(-2000)}`);
  return { seconds, stdout: res.stdout, stderr: res.stderr };
}

function psql(args, input) {
  const t = performance.now();
  const res = spawnSync('psql', [...PSQL, ...args], { encoding: 'utf8', input, maxBuffer: 1 << 28 });
  if (res.status !== 0) throw new Error(`psql ${args.join(' ')} failed: ${res.stderr}`);
  return { seconds: (performance.now() - t) / 1000, stdout: res.stdout };
}

function psqlAsync(args) {
  return new Promise((ok, fail) => {
    const p = spawn('psql', [...PSQL, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.on('close', (code) => (code === 0 ? ok() : fail(new Error(`psql failed: ${err}`))));
  });
}

async function writeLines(file, lines) {
  const out = createWriteStream(`${file}.tmp`);
  for (const line of lines) if (!out.write(`${line}\n`)) await new Promise((ok) => out.once('drain', ok));
  await new Promise((ok) => out.end(ok));
  execFileSync('mv', [`${file}.tmp`, file]);
}

// ---------- the real lists ----------
/** UN + OFAC SDN ingested once into a base home and exported as FtM (cached). */
function baseLists() {
  const home = join(WORK, 'base');
  const files = ['un', 'ofac'].map((d) => join(WORK, `${d}.ftm.jsonl`));
  if (!files.every(existsSync)) {
    rmSync(home, { recursive: true, force: true });
    log('ingesting the UN list and OFAC SDN into the base home...');
    nexus(home, [
      'ingest',
      '--dataset',
      'un',
      '--format',
      'un',
      '--progress',
      'none',
      '--json',
      join(DATA, 'un-consolidated-list', 'UN_consolidated.xml'),
    ]);
    nexus(home, [
      'ingest',
      '--dataset',
      'ofac',
      '--format',
      'ofac',
      '--progress',
      'none',
      '--json',
      join(DATA, 'ofac-sdn'),
    ]);
    for (const d of ['un', 'ofac'])
      nexus(home, ['export', '--dataset', d, '--format', 'ftm', '--output', join(WORK, `${d}.ftm.jsonl`)]);
  }
  const all = files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l)),
  );
  const targets = all.filter((e) => MATCHABLE.has(e.schema) && (e.properties.name ?? []).length > 0);
  return { home, total: all.length, targets };
}

// ---------- name noise ----------
const LAT2CYR = [
  ['shch', 'щ'],
  ['kh', 'х'],
  ['zh', 'ж'],
  ['ts', 'ц'],
  ['ch', 'ч'],
  ['sh', 'ш'],
  ['yu', 'ю'],
  ['ya', 'я'],
  ['a', 'а'],
  ['b', 'б'],
  ['c', 'к'],
  ['d', 'д'],
  ['e', 'е'],
  ['f', 'ф'],
  ['g', 'г'],
  ['h', 'х'],
  ['i', 'и'],
  ['j', 'дж'],
  ['k', 'к'],
  ['l', 'л'],
  ['m', 'м'],
  ['n', 'н'],
  ['o', 'о'],
  ['p', 'п'],
  ['q', 'к'],
  ['r', 'р'],
  ['s', 'с'],
  ['t', 'т'],
  ['u', 'у'],
  ['v', 'в'],
  ['w', 'в'],
  ['x', 'кс'],
  ['y', 'й'],
  ['z', 'з'],
];
function toCyrillic(name) {
  let s = name.toLowerCase();
  let out = '';
  outer: while (s.length > 0) {
    for (const [l, c] of LAT2CYR)
      if (s.startsWith(l)) {
        out += out === '' || /[\s-]$/.test(out) ? c.toUpperCase() : c;
        s = s.slice(l.length);
        continue outer;
      }
    out += s[0];
    s = s.slice(1);
  }
  return out;
}
// Spelling variants as transliterations differ (Mohammed/Muhammad, Yusuf/Yousef, ...).
const VARIANTS = [
  [/mohammed|mohamed|muhammad/i, 'Mohamad'],
  [/ou/i, 'u'],
  [/ph/i, 'f'],
  [/y/i, 'i'],
  [/kh/i, 'h'],
  [/q/i, 'k'],
  [/ee/i, 'i'],
  [/sh/i, 'sch'],
  [/j/i, 'dzh'],
  [/abd al/i, 'Abdul'],
  [/al-/i, 'el '],
  [/ov\b/i, 'off'],
  [/ck/i, 'k'],
  [/w/i, 'v'],
  [/ai/i, 'ay'],
];
const tokens = (s) => s.split(/\s+/).filter((t) => t !== '');
/** "LAST, First" (OFAC) to the order a person types: "First LAST". */
const natural = (s) =>
  (s.includes(', ') ? s.split(', ').slice(1).join(' ') + ' ' + s.split(', ')[0] : s).trim();

function typo(r, word) {
  if (word.length < 5) return word;
  const i = 1 + r.int(word.length - 2);
  switch (r.int(3)) {
    case 0:
      return word.slice(0, i) + word.slice(i + 1); // drop a letter
    case 1:
      return word.slice(0, i - 1) + word[i] + word[i - 1] + word.slice(i + 1); // swap two letters
    default: {
      const v = 'aeiou';
      const c = word[i].toLowerCase();
      const rep = v.includes(c) ? v[(v.indexOf(c) + 1 + r.int(4)) % 5] : word[i];
      return word.slice(0, i) + rep + word.slice(i + 1); // another vowel
    }
  }
}
function typoName(r, name) {
  const t = tokens(name);
  const long = t.map((w, i) => [w, i]).filter(([w]) => w.length >= 5);
  if (long.length === 0) return name;
  const [w, i] = r.pick(long);
  t[i] = typo(r, w);
  return t.join(' ');
}
function variant(r, name) {
  const hits = VARIANTS.filter(([re]) => re.test(name));
  if (hits.length === 0) return typoName(r, name);
  const [re, rep] = r.pick(hits);
  return name.replace(re, rep);
}
function reorder(name) {
  const t = tokens(name);
  return t.length < 2 ? name : [t[t.length - 1], ...t.slice(0, -1)].join(' ');
}
function dropMiddle(r, name) {
  const t = tokens(name);
  if (t.length < 3) return name;
  t.splice(1 + r.int(t.length - 2), 1);
  return t.join(' ');
}

// ---------- the index: real lists plus perturbed replicas ----------
/**
 * Replica i copies a real entity: a third keep its names with one or two perturbations (a letter dropped or swapped,
 * parts swapped, a transliteration variant, an extra given name); the rest recombine its given names with another
 * listed entity's surname (or an organisation's words with another's), then perturb. Ids `bench-r{i}`, no identifiers.
 */
function* replicas(targets, count, seed) {
  const r = rng(seed);
  const persons = targets.filter((e) => e.schema === 'Person');
  const given = persons.map((e) => tokens(natural(e.properties.name[0]))[0]).filter((x) => x && x.length > 2);
  const surnames = persons
    .map((e) => tokens(natural(e.properties.name[0])).at(-1))
    .filter((x) => x && x.length > 2);
  const orgWords = targets
    .filter((e) => e.schema !== 'Person')
    .flatMap((e) => tokens(e.properties.name[0]))
    .filter((w) => w.length > 3);
  const sameWords = (a, b) =>
    tokens(a.toLowerCase()).sort().join(' ') === tokens(b.toLowerCase()).sort().join(' ');
  const perturb = (name, person) => {
    let n = name;
    const steps = 1 + r.int(2);
    for (let s = 0; s < steps; s++) {
      const k = r.int(5);
      if (k === 0) n = typoName(r, n);
      else if (k === 1) n = reorder(n);
      else if (k === 2) n = variant(r, n);
      else if (k === 3) n = person ? `${r.pick(given)} ${n}` : `${n} ${r.pick(orgWords)}`;
      else n = typoName(r, n);
    }
    // A copy whose words are the listed name's, only reordered or re-cased, is the listed name itself: every query
    // for it ties with the original. Each copy is a different spelling (or, when no word is long enough for a typo,
    // the listed name with another given name or word added).
    if (sameWords(n, name)) n = typoName(r, n);
    if (sameWords(n, name)) n = person ? `${r.pick(given)} ${n}` : `${n} ${r.pick(orgWords)}`;
    return n;
  };
  for (let i = 0; i < count; i++) {
    const e = targets[i % targets.length];
    const person = e.schema === 'Person';
    const recombine = r() < 0.67;
    const names = [e.properties.name[0], ...(e.properties.alias ?? []).slice(0, 2)].map((raw) => {
      const n = natural(raw);
      if (!recombine) return perturb(n, person);
      const t = tokens(n);
      if (person)
        return perturb([...t.slice(0, Math.max(1, t.length - 1)), r.pick(surnames)].join(' '), true);
      const w = t.slice();
      w[r.int(w.length)] = r.pick(orgWords);
      return perturb(w.join(' '), false);
    });
    const properties = { name: [names[0]] };
    if (names.length > 1) properties.alias = names.slice(1);
    for (const p of ['country', 'nationality', 'gender', 'flag'])
      if (e.properties[p] && !recombine) properties[p] = e.properties[p].slice(0, 2);
    if (person && e.properties.birthDate && r() < 0.7)
      properties.birthDate = [
        `${1940 + r.int(60)}-${String(1 + r.int(12)).padStart(2, '0')}-${String(1 + r.int(28)).padStart(2, '0')}`,
      ];
    yield { id: `bench-r${i}`, schema: e.schema, properties };
  }
}

async function buildStore(base) {
  const home = join(WORK, `home-v2-${N}`);
  const ingested = join(home, 'bench-ingest.json');
  const done = join(home, 'bench-build.json');
  const replicaCount = Math.max(0, N - base.total);
  const replicaFile = join(WORK, `replicas-v2-${N}.jsonl`);
  if (!existsSync(replicaFile)) {
    log(`writing ${replicaCount} replicas to ${replicaFile}...`);
    await writeLines(
      replicaFile,
      (function* () {
        for (const e of replicas(base.targets, replicaCount, 1)) yield JSON.stringify(e);
      })(),
    );
  }
  if (existsSync(done)) {
    // A store migration may ask for a rebuild (one that resets the marker): bring the index up to date first.
    const idx = nexus(home, ['index']);
    log(`cached store; index catch-up ${round(idx.seconds)} s`);
    return { home, replicaFile, ...JSON.parse(readFileSync(done, 'utf8')), cached: true };
  }
  // The ingest is kept apart from the index, so a change to the index code rebuilds only the index
  // (delete bench-build.json and the match_keys, match_key_df and match_state rows).
  if (!existsSync(ingested)) {
    rmSync(home, { recursive: true, force: true });
    mkdirSync(home, { recursive: true });
    // The base home already holds UN + OFAC (about 40k entities with their sanctions, addresses, documents).
    for (const f of ['nexus.db', 'nexus.db-wal', 'nexus.db-shm'])
      if (existsSync(join(base.home, f))) cpSync(join(base.home, f), join(home, f));
    log(`nexus ingest of ${replicaCount} replicas...`);
    const ing = nexus(
      home,
      [
        'ingest',
        '--dataset',
        'bench_replicas',
        '--format',
        'ftm',
        '--progress',
        'none',
        '--json',
        replicaFile,
      ],
      { prof: true },
    );
    const ingest = JSON.parse(ing.stdout);
    writeFileSync(
      ingested,
      JSON.stringify({
        ingestSeconds: round(ing.seconds),
        ingestEntities: ingest.entities,
        ingestStatements: ingest.statements,
      }),
    );
    log(`ingest ${round(ing.seconds)} s`);
  }
  if (opt['ingest-only']) return null;
  log('nexus index...');
  const idx = nexus(home, ['index'], { prof: true });
  log(`index ${round(idx.seconds)} s`);
  const stats = JSON.parse(nexus(home, ['stats', '--json']).stdout);
  const build = {
    replicas: replicaCount,
    ...JSON.parse(readFileSync(ingested, 'utf8')),
    indexSeconds: round(idx.seconds),
    indexOutput: (idx.stdout + idx.stderr).trim().split('\n').slice(-2).join(' '),
    storeEntities: Object.values(stats.entities).reduce((a, b) => a + b, 0),
    storeStatements: stats.statements,
    dbMB: Math.round(Number(execFileSync('du', ['-sb', home], { encoding: 'utf8' }).split('\t')[0]) / 1e6),
  };
  writeFileSync(done, JSON.stringify(build, null, 2));
  return { home, replicaFile, ...build, cached: false };
}

// ---------- queries ----------
const SYL = [
  'ka',
  'lo',
  'ren',
  'vi',
  'dro',
  'ste',
  'mar',
  'qui',
  'zel',
  'po',
  'tha',
  'bri',
  'nok',
  'ul',
  'fen',
  'gar',
  'sim',
  'tor',
  'ye',
  'wex',
];
function invented(r) {
  const word = () => {
    const n = 2 + r.int(2);
    let w = '';
    for (let i = 0; i < n; i++) w += r.pick(SYL);
    return w[0].toUpperCase() + w.slice(1);
  };
  if (r() < 0.7) return { schema: 'Person', name: `${word()} ${r() < 0.4 ? `${word()} ` : ''}${word()}` };
  return {
    schema: 'Company',
    name: `${word()} ${word()} ${r.pick(['Holdings', 'Trading LLC', 'Group', 'Shipping Ltd'])}`,
  };
}

function makeQueries(targets) {
  const r = rng(42);
  const qs = [];
  for (let i = 0; i < Q; i++) {
    const e = r.pick(targets);
    const aliases = e.properties.alias ?? [];
    const raw = aliases.length > 0 && r() < 0.2 ? r.pick(aliases) : e.properties.name[0];
    let name = natural(raw);
    const noise = [];
    if (e.schema === 'Person' && r() < 0.08 && /^[\x20-\x7e]+$/.test(name)) {
      name = toCyrillic(name);
      noise.push('cyrillic');
    } else {
      const steps = 1 + r.int(2);
      for (let s = 0; s < steps; s++) {
        const k = r.int(5);
        const before = name;
        if (k === 0 || k === 1) name = typoName(r, name);
        else if (k === 2) name = reorder(name);
        else if (k === 3) name = dropMiddle(r, name);
        else name = variant(r, name);
        if (name !== before) noise.push(['typo', 'typo', 'reorder', 'drop-middle', 'variant'][k]);
      }
      if (r() < 0.3) name = name.toLowerCase();
    }
    qs.push({
      qid: i,
      schema: e.schema,
      name,
      expected: e.id,
      source: raw,
      noise: noise.join('+') || 'none',
    });
  }
  for (let i = 0; i < NEG; i++) {
    const inv = invented(r);
    qs.push({ qid: Q + i, schema: inv.schema, name: inv.name, expected: null, noise: 'invented' });
  }
  return qs;
}

// ---------- metrics ----------
function pct(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
/** hits: qid -> ids returned as matches. */
/** CPU seconds a process has used, all its threads, from /proc (Linux); undefined elsewhere. */
function cpuSecondsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
/**
 * CPU seconds used by PostgreSQL's processes, live and reaped: a backend's time moves to the postmaster's children's
 * time (cutime, cstime) when it exits. Readable when the server runs on this machine.
 */
function postgresCpuSeconds() {
  let ticks = 0;
  let found = false;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const f = stat.split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      found = true;
    } catch {
      // gone meanwhile
    }
  }
  return found ? ticks / CLOCK_TICKS : undefined;
}
/** CPU seconds between two readings; undefined when either could not be read. */
const cpuSince = (before, after) =>
  before === undefined || after === undefined ? undefined : after - before;
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function metrics(label, queries, latencies, wallSeconds, hits, cpuSeconds) {
  const lat = [...latencies].sort((a, b) => a - b);
  let pos = 0;
  let found = 0;
  let top1 = 0;
  let neg = 0;
  let fp = 0;
  const misses = [];
  for (const q of queries) {
    const ids = hits.get(q.qid) ?? [];
    if (q.expected) {
      pos++;
      if (ids.includes(q.expected)) found++;
      else if (misses.length < 15)
        misses.push(
          `${q.name} [${q.noise}] <- ${q.source} (${q.expected}); got ${ids.slice(0, 3).join(',') || 'nothing'}`,
        );
      if (ids[0] === q.expected) top1++;
    } else {
      neg++;
      if (ids.length > 0) fp++;
    }
  }
  return {
    label,
    queries: latencies.length,
    p50ms: round(pct(lat, 50)),
    p95ms: round(pct(lat, 95)),
    p99ms: round(pct(lat, 99)),
    qps: round(latencies.length / wallSeconds, 1),
    wallSeconds: round(wallSeconds),
    // Queries per second of CPU the screening process used (all its threads): throughput per core, whatever
    // else the machine was doing.
    ...(cpuSeconds !== undefined
      ? { cpuSeconds: round(cpuSeconds), qpsPerCpu: round(latencies.length / cpuSeconds, 1) }
      : {}),
    recall: round(found / pos, 4),
    top1: round(top1 / pos, 4),
    fpRate: round(fp / neg, 4),
    misses,
  };
}

// ---------- Nexus ----------
const bodyOf = (q) => ({ queries: { q: { schema: q.schema, properties: { name: [q.name] } } } });
const matchedIds = (resp) => (resp.responses.q?.results ?? []).filter((x) => x.match).map((x) => x.id);

async function runPool(items, concurrency, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function cpuSecondsSince(start) {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

async function nexusInProcess(home, queries) {
  const store = new SqliteStore({ path: join(home, 'nexus.db') });
  const m = await store.migrate();
  if (m.error) throw m.error;
  const ctx = localOperator('bench', 'screening benchmark');
  const params = { dataset: 'default', threshold: THRESHOLD, limit: LIMIT };
  log('nexus in-process: warm-up (200 queries, not counted)...');
  for (const q of queries.slice(0, 200)) await screen(ctx, store, bodyOf(q), params);
  const out = [];
  for (const conc of [1, CONCURRENCY]) {
    log(`nexus in-process: ${queries.length} queries, ${conc} caller(s)...`);
    const lat = [];
    const hits = new Map();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await runPool(queries, conc, async (q) => {
      const t = performance.now();
      const resp = await screen(ctx, store, bodyOf(q), params);
      lat.push(performance.now() - t);
      hits.set(q.qid, matchedIds(resp));
    });
    out.push(
      metrics(
        `Nexus screen() in-process, ${conc} caller${conc > 1 ? 's' : ''}`,
        queries,
        lat,
        (performance.now() - t0) / 1000,
        hits,
        cpuSecondsSince(cpu0),
      ),
    );
  }
  await store.close();
  return out;
}

/** A screening account (OFFICIAL, as the lists are) and a bearer token for it: the server asks for authentication. */
function screeningToken(home) {
  const user = 'bench-screening';
  const add = spawnSync(
    process.execPath,
    [
      'bin/nexus.js',
      '--home',
      home,
      'user',
      'add',
      user,
      '--role',
      'analyst',
      '--clearance',
      'OFFICIAL',
      '--password-stdin',
    ],
    { encoding: 'utf8', input: 'bench-screening-password-1\n' },
  );
  if (add.status !== 0 && !/exists/.test(add.stderr)) throw new Error(`nexus user add: ${add.stderr}`);
  const token = /nx_[A-Za-z0-9_-]+/.exec(nexus(home, ['token', 'create', user]).stdout)?.[0];
  if (!token) throw new Error('nexus token create gave no token');
  return token;
}

async function nexusHttp(home, queries) {
  const token = screeningToken(home);
  const child = spawn(process.execPath, ['bin/nexus.js', '--home', home, 'serve', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise((ok, fail) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = /listening on (\S+)/.exec(buf);
      if (m) ok(m[1].replace(/\/$/, ''));
    });
    child.on('exit', (c) => fail(new Error(`nexus serve exited ${c}`)));
  });
  // The server's request log (JSON lines on stderr) gives each request's time inside the server: from the first
  // middleware to the answer built (authentication, screen(), the synced audit record, the JSON), without the
  // socket or the client's fetch.
  const served = [];
  let logged = '';
  child.stderr.on('data', (d) => {
    logged += d;
    for (let nl = logged.indexOf('\n'); nl >= 0; nl = logged.indexOf('\n')) {
      const line = logged.slice(0, nl);
      logged = logged.slice(nl + 1);
      try {
        const entry = JSON.parse(line);
        if (typeof entry.ms === 'number' && String(entry.path).startsWith('/match/')) served.push(entry.ms);
      } catch {
        // not a log line
      }
    }
  });
  const ask = async (q) => {
    const res = await fetch(`${url}/match/default?threshold=${THRESHOLD}&limit=${LIMIT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(bodyOf(q)),
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
    return res.json();
  };
  try {
    for (const q of queries.slice(0, 100)) await ask(q);
    const out = [];
    for (const conc of [1, CONCURRENCY]) {
      log(`nexus serve over HTTP: ${conc} fetch client(s)...`);
      const lat = [];
      const hits = new Map();
      const cpu0 = cpuSecondsOf(child.pid);
      const from = served.length;
      const t0 = performance.now();
      await runPool(queries, conc, async (q) => {
        const t = performance.now();
        const resp = await ask(q);
        lat.push(performance.now() - t);
        hits.set(q.qid, matchedIds(resp));
      });
      const wall = (performance.now() - t0) / 1000;
      const cpu = cpuSince(cpu0, cpuSecondsOf(child.pid));
      // The last requests' log lines are written before their answers; give the pipe a moment to deliver them.
      await new Promise((ok) => setTimeout(ok, 300));
      const inServer = served.slice(from).sort((a, b) => a - b);
      out.push({
        ...metrics(`Nexus serve, HTTP, ${conc} client${conc > 1 ? 's' : ''}`, queries, lat, wall, hits, cpu),
        serverRequests: inServer.length,
        serverP50ms: round(pct(inServer, 50)),
        serverP95ms: round(pct(inServer, 95)),
      });
    }
    return out;
  } finally {
    child.kill('SIGTERM');
  }
}

// ---------- PostgreSQL pg_trgm ----------
const csv = (s) => `"${String(s).replace(/"/g, '""')}"`;

async function pgNames(base, replicaFile) {
  const file = join(WORK, `names-v2-${N}.csv`);
  if (existsSync(file)) return file;
  const lines = [];
  for (const e of base.targets)
    for (const p of NAME_PROPS) for (const v of e.properties[p] ?? []) lines.push(`${csv(e.id)},${csv(v)}`);
  const rl = (await import('node:readline')).createInterface({
    input: (await import('node:fs')).createReadStream(replicaFile),
  });
  for await (const line of rl) {
    if (line === '') continue;
    const e = JSON.parse(line);
    for (const p of NAME_PROPS) for (const v of e.properties[p] ?? []) lines.push(`${csv(e.id)},${csv(v)}`);
  }
  await writeLines(file, lines);
  return file;
}

async function postgres(base, replicaFile, queries) {
  const version = psql(['-tAc', 'SHOW server_version']).stdout.trim();
  const namesFile = await pgNames(base, replicaFile);
  const qFile = join(WORK, `pg-queries-${N}-${Q}.csv`);
  writeFileSync(qFile, queries.map((q) => `${q.qid},${csv(q.name)}`).join('\n') + '\n');
  log('postgres: loading names...');
  psql(
    [],
    `CREATE EXTENSION IF NOT EXISTS pg_trgm;
DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE;
CREATE SCHEMA ${PG_SCHEMA};
CREATE TABLE ${PG_SCHEMA}.names (id text NOT NULL, name text NOT NULL);
CREATE TABLE ${PG_SCHEMA}.queries (qid int PRIMARY KEY, q text NOT NULL);
CREATE TABLE ${PG_SCHEMA}.results (run text, qid int, ms double precision, ids text[]);
-- One query at a time, timed on the server with clock_timestamp() around the SELECT alone (plan cached by PL/pgSQL).
CREATE FUNCTION ${PG_SCHEMA}.run(label text, part int, parts int, thr real) RETURNS void LANGUAGE plpgsql AS $$
DECLARE r record; t0 timestamptz; found text[];
BEGIN
  PERFORM set_config('pg_trgm.similarity_threshold', thr::text, true);
  FOR r IN SELECT qid, q FROM ${PG_SCHEMA}.queries WHERE qid % parts = part ORDER BY qid LOOP
    t0 := clock_timestamp();
    SELECT array_agg(x.id ORDER BY x.s DESC) INTO found FROM (
      SELECT n.id, similarity(n.name, r.q) s FROM ${PG_SCHEMA}.names n WHERE n.name % r.q ORDER BY s DESC LIMIT ${LIMIT}) x;
    INSERT INTO ${PG_SCHEMA}.results VALUES (label, r.qid, extract(epoch FROM clock_timestamp() - t0) * 1000, found);
  END LOOP;
END $$;`,
  );
  const load = psql(['-c', `\\copy ${PG_SCHEMA}.names FROM '${namesFile}' WITH (FORMAT csv)`]);
  psql(['-c', `\\copy ${PG_SCHEMA}.queries FROM '${qFile}' WITH (FORMAT csv)`]);
  log(`postgres: ${round(load.seconds)} s to load; building the GIN trigram index...`);
  const idx = psql([
    '-c',
    `CREATE INDEX names_trgm ON ${PG_SCHEMA}.names USING gin (name gin_trgm_ops); ANALYZE ${PG_SCHEMA}.names;`,
  ]);
  const rows = Number(psql(['-tAc', `SELECT count(*) FROM ${PG_SCHEMA}.names`]).stdout.trim());
  const sizeMB = Number(
    psql(['-tAc', `SELECT pg_total_relation_size('${PG_SCHEMA}.names') / 1000000`]).stdout.trim(),
  );
  const runs = [];
  // Warm the cache once (not counted).
  psql(['-c', `SELECT ${PG_SCHEMA}.run('warm', 0, 10, 0.3)`]);
  for (const thr of opt['pg-thresholds'].split(',').map(Number)) {
    for (const conc of [1, CONCURRENCY]) {
      const label = `t${thr}-c${conc}`;
      log(`postgres: threshold ${thr}, ${conc} psql process(es)...`);
      const cpu0 = postgresCpuSeconds();
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: conc }, (_, k) =>
          psqlAsync(['-c', `SELECT ${PG_SCHEMA}.run('${label}', ${k}, ${conc}, ${thr})`]),
        ),
      );
      const wall = (performance.now() - t0) / 1000;
      // The backends exit with their psql; their time reaches the postmaster once it has reaped them.
      await new Promise((ok) => setTimeout(ok, 500));
      const cpu1 = postgresCpuSeconds();
      const res = psql([
        '-tA',
        '-F',
        '\t',
        '-c',
        `SELECT qid, ms, coalesce(array_to_string(ids, '|'), '') FROM ${PG_SCHEMA}.results WHERE run = '${label}'`,
      ]);
      const lat = [];
      const hits = new Map();
      for (const line of res.stdout.split('\n')) {
        if (line === '') continue;
        const [qid, ms, ids] = line.split('\t');
        lat.push(Number(ms));
        hits.set(Number(qid), ids === '' ? [] : ids.split('|'));
      }
      runs.push({
        threshold: thr,
        ...metrics(
          `pg_trgm, similarity_threshold ${thr}, ${conc} psql`,
          queries,
          lat,
          wall,
          hits,
          cpuSince(cpu0, cpu1),
        ),
      });
    }
  }
  if (!opt['keep-pg']) psql(['-c', `DROP SCHEMA ${PG_SCHEMA} CASCADE`]);
  return { version, rows, sizeMB, loadSeconds: round(load.seconds), indexSeconds: round(idx.seconds), runs };
}

// ---------- xref ----------
function xrefRun(base, store) {
  const home = join(WORK, `xref-${N}`);
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home);
  const t = performance.now();
  for (const f of ['nexus.db', 'nexus.db-wal', 'nexus.db-shm'])
    if (existsSync(join(store.home, f))) cpSync(join(store.home, f), join(home, f));
  const copySeconds = (performance.now() - t) / 1000;
  const file = join(WORK, `xref-probe-${XREF}.jsonl`);
  const lines = [];
  for (const e of replicas(base.targets, XREF, 7))
    lines.push(JSON.stringify({ ...e, id: `xref-p${e.id.slice(7)}` }));
  writeFileSync(file, lines.join('\n') + '\n');
  log(`xref: ingesting ${XREF} probe entities into a copy of the store...`);
  const ing = nexus(home, [
    'ingest',
    '--dataset',
    'xref_probe',
    '--format',
    'ftm',
    '--progress',
    'none',
    '--json',
    file,
  ]);
  const idx = nexus(home, ['index']);
  log(`xref: nexus xref xref_probe (${XREF} entities against ${store.storeEntities})...`);
  const x = nexus(home, ['xref', 'xref_probe', '--json'], { prof: true });
  let summary;
  try {
    summary = JSON.parse(x.stdout);
  } catch {
    summary = x.stdout.trim().slice(-500);
  }
  rmSync(home, { recursive: true, force: true });
  return {
    entities: XREF,
    against: store.storeEntities,
    copySeconds: round(copySeconds),
    ingestSeconds: round(ing.seconds),
    indexSeconds: round(idx.seconds),
    xrefSeconds: round(x.seconds),
    entitiesPerSec: round(XREF / x.seconds, 1),
    summary,
  };
}

// ---------- main ----------
const machine = machineInfo();
const base = baseLists();
log(
  `real lists: ${base.total} entities, ${base.targets.length} Person/Organization/Company/Vessel with names`,
);
const store = await buildStore(base);
if (store === null) process.exit(0);
const queries = makeQueries(base.targets);
if (opt['dump-queries']) {
  // For checking that a change leaves every answer as it was: the same queries, screened by another runner.
  writeFileSync(opt['dump-queries'], JSON.stringify({ home: store.home, queries }));
  log(`queries written to ${opt['dump-queries']}`);
  process.exit(0);
}
const result = {
  machine,
  entities: N,
  positives: Q,
  negatives: NEG,
  threshold: THRESHOLD,
  limit: LIMIT,
  build: { ...store, home: undefined },
  runs: [],
};
result.runs.push(...(await nexusInProcess(store.home, queries)));
if (!opt['skip-http']) result.runs.push(...(await nexusHttp(store.home, queries)));
if (!opt['skip-pg']) {
  result.postgres = await postgres(base, store.replicaFile, queries);
  machine.postgres = result.postgres.version;
  result.runs.push(...result.postgres.runs);
}
const save = () => writeFileSync(join(OUT, 'screening-bench.json'), `${JSON.stringify(result, null, 2)}\n`);
save(); // before xref, which is slow: the screening figures survive an interrupted xref
if (!opt['skip-xref']) {
  result.xref = xrefRun(base, store);
  save();
}

console.log(
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB, Node ${machine.node}${machine.postgres ? `, PostgreSQL ${machine.postgres}` : ''}, ${machine.date}\n`,
);
console.log(
  `Index: ${store.storeEntities} entities (${base.total} from UN + OFAC SDN, ${store.replicas} perturbed replicas), ${store.storeStatements} statements, ${store.dbMB} MB; ` +
    `nexus ingest of the replicas ${store.ingestSeconds} s, nexus index ${store.indexSeconds} s${store.cached ? ' (cached build, timed when it was made)' : ''}.`,
);
if (result.postgres)
  console.log(
    `PostgreSQL: ${result.postgres.rows} names, \\copy ${result.postgres.loadSeconds} s, GIN trigram index ${result.postgres.indexSeconds} s, ${result.postgres.sizeMB} MB.`,
  );
console.log(
  `Queries: ${Q} noisy listed names (expected entity known) + ${NEG} invented names; threshold ${THRESHOLD}, limit ${LIMIT}.\n`,
);
console.log(
  '| run | p50 ms | p95 ms | p99 ms | queries/s | queries per CPU-second | recall | top-1 | false positives |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of result.runs)
  console.log(
    `| ${r.label} | ${r.p50ms} | ${r.p95ms} | ${r.p99ms} | ${r.qps} | ${r.qpsPerCpu ?? '-'} | ${r.recall} | ${r.top1} | ${r.fpRate} |`,
  );
for (const r of result.runs)
  if (r.serverP50ms !== undefined)
    console.log(
      `\n${r.label}, time inside the server (its request log, ${r.serverRequests} requests): p50 ${r.serverP50ms} ms, p95 ${r.serverP95ms} ms.`,
    );
if (result.xref)
  console.log(
    `\nXref: ${result.xref.entities} entities against ${result.xref.against}: ${result.xref.xrefSeconds} s (${result.xref.entitiesPerSec}/s); ` +
      `their ingest ${result.xref.ingestSeconds} s, index ${result.xref.indexSeconds} s.`,
  );
