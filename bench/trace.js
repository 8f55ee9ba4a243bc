#!/usr/bin/env node
// Crypto tracing benchmark (issue 7): ingest rate of account-model transfers, ledger load and 10-hop traces under
// each taint model, against a recursive SQL query computing poison taint over the same data in the same run (the
// sqlite3 shell on a copy of the same database file, and PostgreSQL when it answers).
//
// Usage: npm run bench:trace [-- --transfers 10000000] [--seeds 8] [--targets 3] [--reps 3] [--skip-pg]
//        [--skip-sqlite] [--skip-import] [--tmp DIR] [--keep]
// Generated data and stores go to a new temporary directory (removed at the end unless --keep; --tmp DIR outside the
// repository is used and kept instead), never into the repository.
// Prints Markdown on stdout; writes bench/out/trace-bench-N.json and .md.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { machineInfo } from './machine.js';
import { addressOf, generateTransfers } from './trace-gen.js';

const { values: opt } = parseArgs({
  options: {
    transfers: { type: 'string', default: '10000000' },
    seeds: { type: 'string', default: '8' },
    targets: { type: 'string', default: '3' },
    reps: { type: 'string', default: '3' },
    'skip-pg': { type: 'boolean', default: false },
    'skip-sqlite': { type: 'boolean', default: false },
    'skip-import': { type: 'boolean', default: false },
    tmp: { type: 'string' },
    keep: { type: 'boolean', default: false },
    pg: { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/test' },
    'peer-max-seconds': { type: 'string', default: '3600' },
  },
});

// The ledger of 10M transfers and the trace workspaces want more than Node's default heap; gc() makes the memory
// figures mean something. Re-run under those flags when started without them.
if (typeof globalThis.gc !== 'function') {
  const res = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=16384', ...process.argv.slice(1)],
    { stdio: 'inherit' },
  );
  process.exit(res.status ?? 1);
}

const N = Number(opt.transfers);
if (!Number.isInteger(N) || N < 1000) throw new Error('bench: --transfers must be a whole number >= 1000');
const SEEDS = Number(opt.seeds);
const TARGETS = Number(opt.targets);
const REPS = Math.max(1, Number(opt.reps));
const MAX_HOPS = 10;
const OUT = resolve('bench/out');
mkdirSync(OUT, { recursive: true });
if (opt.tmp && `${resolve(opt.tmp)}/`.startsWith(`${resolve('.')}/`))
  throw new Error('bench: --tmp must be outside the repository');
// A directory of our own is removed at the end (unless --keep); one given with --tmp is kept.
const TMP = opt.tmp ? resolve(opt.tmp) : mkdtempSync(join(tmpdir(), 'nexus-trace-bench-'));
const KEEP = opt.keep || opt.tmp !== undefined;
mkdirSync(TMP, { recursive: true });
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const PEER_MAX_SECONDS = Number(opt['peer-max-seconds']);

const log = (m) => console.error(`bench: ${m}`);
const round = (x, d = 2) => (x === null || x === undefined ? x : Math.round(x * 10 ** d) / 10 ** d);
const gc = () => globalThis.gc();
const mb = (bytes) => Math.round(bytes / 2 ** 20);

/** Runs a command, wall clock and (with /usr/bin/time) peak RSS; throws on failure, unless it ran out of time. */
function timedRun(cmd, args, { input, stdout = 'pipe', timeoutSeconds } = {}) {
  const rssFile = join(TMP, 'rss.txt');
  const full = timeoutSeconds
    ? ['timeout', '-s', 'KILL', String(timeoutSeconds), cmd, ...args]
    : [cmd, ...args];
  const [c, a] = TIME ? [TIME, ['-f', '%M', '-o', rssFile, ...full]] : [full[0], full.slice(1)];
  const t = performance.now();
  const res = spawnSync(c, a, {
    encoding: 'utf8',
    input,
    stdio: [input === undefined ? 'ignore' : 'pipe', stdout, 'pipe'],
    maxBuffer: 1 << 28,
  });
  const seconds = (performance.now() - t) / 1000;
  if (timeoutSeconds && seconds >= timeoutSeconds) return { seconds, timedOut: true };
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${res.status}): ${res.stderr}`);
  const rssKiB = TIME ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : Number.NaN;
  return { seconds, stdout: res.stdout, stderr: res.stderr, peakRssMB: round(rssKiB / 1024, 0) };
}

// ---------- 1. data ----------
const csv = join(TMP, `transfers-${N}.csv`);
log(`generating ${N} transfers into ${csv}`);
const gen = timedRun(process.execPath, ['bench/trace-gen.js', String(N), '--out', csv]);
log(`  ${round(gen.seconds, 1)} s, ${mb(statSync(csv).size)} MB`);

/**
 * Seeds and targets from the generator's own record of who sent and received what (deterministic: seed 1).
 * Services (the generator's first 0.1% of addresses, the exchanges) are never chosen. Seeds: ordinary addresses
 * whose number of spends lies between the 75th and 95th percentile of ordinary addresses (6-13 at 1M transfers:
 * a wallet that moves stolen funds on in several steps) and whose first spend falls in the middle fifth of the
 * data, so there is time after it to trace into; taken at even steps through the candidates. Targets: likewise
 * by number of receipts, with the last receipt in the last tenth of the data.
 */
function chooseAddresses() {
  const addresses = Math.max(16, Math.floor(N / 5));
  const services = Math.max(1, Math.floor(addresses / 1000));
  const outDeg = new Int32Array(addresses);
  const inDeg = new Int32Array(addresses);
  const firstSpend = new Int32Array(addresses).fill(-1);
  const lastReceipt = new Int32Array(addresses).fill(-1);
  const used = generateTransfers(N, { seed: 1 }, (i, _tx, _time, from, to) => {
    outDeg[from]++;
    inDeg[to]++;
    if (firstSpend[from] < 0) firstSpend[from] = i;
    lastReceipt[to] = i;
  });
  const pct = (arr, p) => {
    const v = Int32Array.from(arr.subarray(services, used)).sort();
    return v[Math.floor(p * (v.length - 1))];
  };
  const pick = (deg, ok, k) => {
    const lo = pct(deg, 0.75);
    const hi = pct(deg, 0.95);
    const c = [];
    for (let a = services; a < used; a++) if (deg[a] >= lo && deg[a] <= hi && ok(a)) c.push(a);
    const step = c.length / k;
    return {
      band: [lo, hi],
      candidates: c.length,
      chosen: Array.from({ length: Math.min(k, c.length) }, (_, j) => c[Math.floor(j * step)]),
    };
  };
  const seeds = pick(outDeg, (a) => firstSpend[a] >= 0.4 * N && firstSpend[a] < 0.6 * N, SEEDS);
  const targets = pick(inDeg, (a) => lastReceipt[a] >= 0.9 * N, TARGETS);
  return {
    addresses: used,
    services,
    seeds: seeds.chosen.map((a) => ({ address: addressOf(a), spends: outDeg[a], firstSpend: firstSpend[a] })),
    seedBand: seeds.band,
    targets: targets.chosen.map((a) => ({
      address: addressOf(a),
      receipts: inDeg[a],
      lastReceipt: lastReceipt[a],
    })),
    targetBand: targets.band,
  };
}
const chosen = chooseAddresses();
const seedAddresses = chosen.seeds.map((s) => s.address);
const targetAddresses = chosen.targets.map((s) => s.address);
log(
  `seeds: ${chosen.seeds.map((s) => `${s.address} (${s.spends} spends)`).join(', ')}; targets: ${chosen.targets
    .map((s) => `${s.address} (${s.receipts} receipts)`)
    .join(', ')}`,
);

// ---------- 2. ingest ----------
const home = join(TMP, 'home');
rmSync(home, { recursive: true, force: true });
log('ingesting with nexus (dist/, child process)');
const ing = timedRun(process.execPath, [
  'bin/nexus.js',
  '--home',
  home,
  'ingest',
  '--dataset',
  'chain',
  '--format',
  'transfers',
  '--progress',
  'none',
  '--json',
  csv,
]);
const summary = JSON.parse(ing.stdout);
if (summary.accepted !== N) throw new Error(`bench: ingest accepted ${summary.accepted} of ${N}`);
const db = join(home, 'nexus.db');
const ingest = {
  seconds: round(ing.seconds, 2),
  transfersPerSecond: Math.round(N / ing.seconds),
  elapsedMs: summary.elapsedMs,
  addresses: summary.entities,
  peakRssMB: ing.peakRssMB,
  dbMB: mb(statSync(db).size),
};
log(`  ${ingest.seconds} s, ${ingest.transfersPerSecond} transfers/s, db ${ingest.dbMB} MB`);

// The raw write bound for this table: the sqlite3 shell .import-ing the rows Nexus stored (address ids already
// resolved) into the same table with the same unique index and pragmas, in one transaction.
let importPeer;
if (!opt['skip-import']) {
  const rows = join(TMP, 'rows.csv');
  timedRun('sqlite3', [
    '-csv',
    db,
    `.output ${rows}`,
    'SELECT pid, chain, asset, tx, time, leg, n, from_aid, to_aid, amount FROM crypto_transfers ORDER BY rowid;',
  ]);
  const ddl = `CREATE TABLE crypto_transfers (pid INTEGER NOT NULL, chain TEXT NOT NULL, asset TEXT NOT NULL,
    tx TEXT NOT NULL, time INTEGER NOT NULL, leg INTEGER NOT NULL CHECK (leg IN (0, 1, 2)), n INTEGER NOT NULL,
    from_aid INTEGER NOT NULL, to_aid INTEGER NOT NULL, amount TEXT NOT NULL);`;
  const index =
    'CREATE UNIQUE INDEX crypto_transfers_key ON crypto_transfers(tx, chain, asset, leg, n, from_aid, to_aid);';
  const run = (withIndex) => {
    const file = join(TMP, `import-${withIndex ? 'index' : 'table'}.db`);
    rmSync(file, { force: true });
    const script = `PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\nPRAGMA cache_size=-131072;\n${ddl}\n${
      withIndex ? index : ''
    }\n.import --csv ${rows} crypto_transfers\n`;
    const r = timedRun('sqlite3', [file], { input: script });
    rmSync(file, { force: true });
    rmSync(`${file}-wal`, { force: true });
    return { seconds: round(r.seconds, 2), rowsPerSecond: Math.round(N / r.seconds) };
  };
  log('sqlite3 .import of the stored rows (raw write bound)');
  importPeer = { index: run(true), table: run(false) };
  rmSync(rows, { force: true });
  log(`  with the unique index ${importPeer.index.seconds} s, table only ${importPeer.table.seconds} s`);
}

// ---------- 3. ledger load and traces ----------
// The load's raw read bound: the sqlite3 shell reading the rows the store's scan reads (the same joins, in the same
// order, without the access filter), written to /dev/null.
log('sqlite3 shell reading the transfers as the ledger load does');
const readPeer = timedRun(
  'sqlite3',
  [
    db,
    `SELECT t.chain, t.asset, t.tx, t.time, t.leg, t.n, fa.address, ta.address, t.amount, p.dataset, p.marking,
       p.grading FROM crypto_transfers t JOIN provenance p ON p.pid = t.pid
       LEFT JOIN crypto_addresses fa ON fa.aid = t.from_aid LEFT JOIN crypto_addresses ta ON ta.aid = t.to_aid
       ORDER BY t.rowid;`,
  ],
  { stdout: 'ignore' },
);
log(`  ${round(readPeer.seconds, 2)} s`);

const { localOperator } = await import('../dist/access/index.js');
const { SqliteStore } = await import('../dist/store/index.js');
const { TraceService, trace } = await import('../dist/trace/index.js');

const store = new SqliteStore({ path: db });
await store.migrate();
const ctx = localOperator('bench', 'trace benchmark');
const service = new TraceService(store);
gc();
const mem0 = process.memoryUsage();
let t = performance.now();
const { ledgers } = await service.ledgers(ctx);
const loadSeconds = (performance.now() - t) / 1000;
gc();
const mem1 = process.memoryUsage();
const ledger = [...ledgers.values()][0];
const load = {
  seconds: round(loadSeconds, 2),
  transfersPerSecond: Math.round(N / loadSeconds),
  sqlite3ReadSeconds: round(readPeer.seconds, 2),
  events: ledger.eventCount,
  addresses: ledger.addressCount,
  doubles: ledger.doubles,
  heapMB: mb(mem1.heapUsed - mem0.heapUsed),
  arrayBuffersMB: mb(mem1.arrayBuffers - mem0.arrayBuffers),
  rssMB: mb(mem1.rss - mem0.rss),
  bytesPerTransfer: Math.round(
    (mem1.heapUsed + mem1.arrayBuffers - mem0.heapUsed - mem0.arrayBuffers) / ledger.eventCount,
  ),
};
log(`ledger: ${load.seconds} s for ${load.events} events, ${load.addresses} addresses`);

/** One trace, REPS times: the first run (workspaces allocated) and the median of all. */
function timeTrace(model, direction, seeds, extra = {}) {
  const ms = [];
  let r;
  for (let i = 0; i < REPS; i++) {
    gc();
    const t0 = performance.now();
    r = trace(ledger, {
      model,
      direction,
      seeds,
      maxHops: MAX_HOPS,
      maxAddresses: Number.POSITIVE_INFINITY,
      maxMs: 3_600_000,
      ...extra,
    });
    ms.push(performance.now() - t0);
  }
  const sorted = [...ms].sort((a, b) => a - b);
  let maxHop = 0;
  for (const a of r.reached) if (a.hops > maxHop) maxHop = a.hops;
  return {
    model,
    direction,
    firstMs: round(ms[0], 1),
    medianMs: round(sorted[Math.floor(sorted.length / 2)], 1),
    events: r.stats.events,
    reached: r.reached.length,
    maxHop,
    mode: r.stats.mode,
    limits: r.limits.map((l) => l.cap),
    result: r,
  };
}

const traces = [];
for (const model of ['poison', 'haircut', 'fifo']) {
  for (const [direction, seeds] of [
    ['forward', seedAddresses],
    ['backward', targetAddresses],
  ]) {
    log(`trace ${model} ${direction}`);
    const r = timeTrace(model, direction, seeds);
    log(`  ${r.medianMs} ms (first ${r.firstMs}), ${r.events} events, ${r.reached} addresses`);
    traces.push(r);
  }
}
const poison = traces.find((r) => r.model === 'poison' && r.direction === 'forward').result;
const nexusReach = new Map(poison.reached.map((a) => [a.address, a.hops]));

// The haircut trace as `nexus trace` answers it: TraceService.trace with its default address and time caps,
// labels, evidence path of every address reached and amounts as decimal strings.
log('TraceService.trace haircut forward (default caps, full answer)');
const answerMs = [];
let answer;
for (let i = 0; i < REPS; i++) {
  gc();
  t = performance.now();
  answer = await service.trace(ctx, { from: seedAddresses, model: 'haircut', maxHops: MAX_HOPS });
  answerMs.push(performance.now() - t);
}
const serviceHaircut = {
  firstMs: round(answerMs[0], 1),
  medianMs: round([...answerMs].sort((a, b) => a - b)[Math.floor(answerMs.length / 2)], 1),
  reached: answer.reached.length,
  limitReached: answer.limit_reached,
  limits: answer.limits.map((l) => l.cap),
};
answer = undefined;
gc();
const memTraces = process.memoryUsage();
await store.close();

// ---------- 4. peers: recursive SQL for poison ----------
/**
 * Nexus's forward poison rule, in SQL: a seed's every spend is tainted; an address that receives a tainted transfer
 * is tainted from that transfer on, and each of its later spends (later in (time, row) order: the order Nexus's
 * ledger gives events, equal times kept in the order stored) taints the receiver at one hop more; addresses up to
 * 10 hops are reported, those below 10 followed; transfers back into a seed are not followed (it is tainted already).
 *
 * The recursion walks spends, not addresses: a row (spend s, hop h) says s is a tainted spend by a sender at hop h.
 * It leads to the same sender's next spend at the same hop, and to the receiver's first spend after s at h + 1. Each
 * row has at most two successors, so the work is bounded by spends times hops; joining every tainted receipt to
 * every later spend instead multiplies in-degree by out-degree at the exchanges. UNION drops repeated rows. The
 * reach is every receiver of a tainted spend, at its lowest hop.
 */
function sqlitePoison(seeds) {
  const list = seeds.map((s) => `('${s}')`).join(', ');
  const next = (who) => `(SELECT n.rowid FROM crypto_transfers n WHERE n.from_aid = ${who}
      AND n.time >= t.time AND (n.time > t.time OR n.rowid > t.rowid) ORDER BY n.time, n.rowid LIMIT 1)`;
  return `WITH RECURSIVE
  seeds(aid) AS (SELECT aid FROM crypto_addresses WHERE chain = 'btc' AND address IN (VALUES ${list})),
  s(id, h) AS (
    SELECT (SELECT f.rowid FROM crypto_transfers f WHERE f.from_aid = seeds.aid ORDER BY f.time, f.rowid LIMIT 1), 0
    FROM seeds
    UNION
    SELECT CASE k.k WHEN 0 THEN ${next('t.from_aid')} ELSE ${next('t.to_aid')} END, s.h + k.k
    FROM s JOIN crypto_transfers t ON t.rowid = s.id JOIN (SELECT 0 AS k UNION ALL SELECT 1) k
    WHERE k.k = 0 OR (s.h < ${MAX_HOPS - 1} AND t.to_aid NOT IN seeds)
  )
SELECT a.address, min(s.h) + 1 FROM s JOIN crypto_transfers t ON t.rowid = s.id
  JOIN crypto_addresses a ON a.aid = t.to_aid
WHERE t.to_aid NOT IN seeds GROUP BY t.to_aid;`;
}

function pgPoison(seeds) {
  const list = seeds.map((s) => `('${s}')`).join(', ');
  return `WITH RECURSIVE
  seeds(a) AS (VALUES ${list}),
  s(pos, h) AS (
    SELECT f.pos, 0 FROM seeds CROSS JOIN LATERAL
      (SELECT pos FROM bench_transfers WHERE from_addr = seeds.a ORDER BY time, pos LIMIT 1) f
    UNION
    SELECT nx.pos, s.h + k.k
    FROM s JOIN bench_transfers t ON t.pos = s.pos CROSS JOIN (VALUES (0), (1)) k(k)
    CROSS JOIN LATERAL (SELECT n.pos FROM bench_transfers n
      WHERE n.from_addr = CASE WHEN k.k = 0 THEN t.from_addr ELSE t.to_addr END AND (n.time, n.pos) > (t.time, t.pos)
      ORDER BY n.time, n.pos LIMIT 1) nx
    WHERE k.k = 0 OR (s.h < ${MAX_HOPS - 1} AND t.to_addr NOT IN (SELECT a FROM seeds))
  )
SELECT t.to_addr, min(s.h) + 1 FROM s JOIN bench_transfers t ON t.pos = s.pos
WHERE t.to_addr NOT IN (SELECT a FROM seeds) GROUP BY t.to_addr;`;
}

/** The peer's reach against Nexus's: same addresses, same lowest hop. */
function compare(file) {
  const peer = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const [address, hops] = line.split('|');
    peer.set(address, Number(hops));
  }
  let onlyNexus = 0;
  let hopDiff = 0;
  for (const [a, h] of nexusReach) {
    const p = peer.get(a);
    if (p === undefined) onlyNexus++;
    else if (p !== h) hopDiff++;
  }
  let onlyPeer = 0;
  for (const a of peer.keys()) if (!nexusReach.has(a)) onlyPeer++;
  return { reached: peer.size, onlyNexus, onlyPeer, hopDiff, same: onlyNexus + onlyPeer + hopDiff === 0 };
}

const peers = {};
if (!opt['skip-sqlite']) {
  // A copy of the same store file, plus the index the recursion needs: spends by sender in event order.
  const copy = join(TMP, 'peer.db');
  log('sqlite3 shell: copy of the store, index on (from_aid, time), recursive poison query');
  t = performance.now();
  copyFileSync(db, copy);
  if (existsSync(`${db}-wal`)) copyFileSync(`${db}-wal`, `${copy}-wal`);
  const copySeconds = (performance.now() - t) / 1000;
  const idx = timedRun('sqlite3', [
    copy,
    'PRAGMA cache_size=-2097152; CREATE INDEX bench_spends ON crypto_transfers(from_aid, time);',
  ]);
  const outFile = join(TMP, 'sqlite-reach.txt');
  const q = timedRun('sqlite3', [copy], {
    input: `PRAGMA cache_size=-2097152;\nPRAGMA temp_store=MEMORY;\n.output ${outFile}\n${sqlitePoison(seedAddresses)}\n`,
    timeoutSeconds: PEER_MAX_SECONDS,
  });
  peers.sqlite = {
    tool: `sqlite3 shell ${spawnSync('sqlite3', ['--version'], { encoding: 'utf8' }).stdout.split(' ')[0]}`,
    copySeconds: round(copySeconds, 1),
    indexSeconds: round(idx.seconds, 1),
    querySeconds: round(q.seconds, 2),
    timedOut: q.timedOut ?? false,
    peakRssMB: q.peakRssMB,
    check: q.timedOut ? undefined : compare(outFile),
  };
  log(`  index ${peers.sqlite.indexSeconds} s, query ${peers.sqlite.querySeconds} s`);
  rmSync(copy, { force: true });
}

if (!opt['skip-pg']) {
  const psql = (args, input) =>
    timedRun('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', opt.pg, ...args], { input });
  const ping = spawnSync('psql', ['-X', '-d', opt.pg, '-tAc', 'SHOW server_version'], { encoding: 'utf8' });
  if (ping.status !== 0) log(`PostgreSQL not reachable (${ping.stderr.trim()}); skipped`);
  else {
    log('PostgreSQL: COPY, index, recursive poison query');
    psql(
      [],
      `DROP TABLE IF EXISTS bench_transfers;
       CREATE TABLE bench_transfers (pos bigint GENERATED ALWAYS AS IDENTITY, chain text, tx_hash text,
         time bigint, from_addr text, to_addr text, asset text, amount numeric);`,
    );
    const copy = psql([
      '-c',
      `\\copy bench_transfers (chain, tx_hash, time, from_addr, to_addr, asset, amount) FROM '${csv}' WITH (FORMAT csv, HEADER true)`,
    ]);
    const idx = psql(
      [],
      `SET maintenance_work_mem = '1GB';
       ALTER TABLE bench_transfers ADD PRIMARY KEY (pos);
       CREATE INDEX bench_spends ON bench_transfers (from_addr, time, pos);
       VACUUM ANALYZE bench_transfers;`,
    );
    const outFile = join(TMP, 'pg-reach.txt');
    let q;
    try {
      q = psql(
        ['-A', '-t', '-o', outFile],
        `SET work_mem = '4GB';\nSET jit = off;\nSET statement_timeout = '${PEER_MAX_SECONDS}s';\n${pgPoison(seedAddresses)}\n`,
      );
    } catch (err) {
      if (!/statement timeout/.test(String(err))) throw err;
      q = { seconds: PEER_MAX_SECONDS, timedOut: true };
    }
    peers.postgres = {
      tool: `PostgreSQL ${ping.stdout.trim().split(' ')[0]}`,
      copySeconds: round(copy.seconds, 1),
      indexSeconds: round(idx.seconds, 1),
      querySeconds: round(q.seconds, 2),
      timedOut: q.timedOut ?? false,
      check: q.timedOut ? undefined : compare(outFile),
    };
    log(
      `  COPY ${peers.postgres.copySeconds} s, index ${peers.postgres.indexSeconds} s, query ${peers.postgres.querySeconds} s`,
    );
    psql([], 'DROP TABLE bench_transfers;');
  }
}

// ---------- 5. report ----------
const load1 = (() => {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return undefined;
  }
})();
const result = {
  machine: machineInfo({
    loadAverageAtEnd: load1,
    sqlite3: peers.sqlite?.tool,
    postgres: peers.postgres?.tool,
  }),
  transfers: N,
  addresses: chosen.addresses,
  services: chosen.services,
  seeds: chosen.seeds,
  seedSpendsBand: chosen.seedBand,
  targets: chosen.targets,
  targetReceiptsBand: chosen.targetBand,
  generateSeconds: round(gen.seconds, 1),
  csvMB: mb(statSync(csv).size),
  ingest,
  importPeer,
  load,
  traces: traces.map(({ result: _r, ...rest }) => rest),
  serviceHaircut,
  heapAfterTracesMB: mb(memTraces.heapUsed),
  arrayBuffersAfterTracesMB: mb(memTraces.arrayBuffers),
  rssAfterTracesMB: mb(memTraces.rss),
  peers,
};
writeFileSync(join(OUT, `trace-bench-${N}.json`), `${JSON.stringify(result, null, 2)}\n`);

const lines = [];
lines.push(
  `Transfers: ${N} (${chosen.addresses} addresses, ${chosen.services} services), CSV ${result.csvMB} MB.`,
  '',
  '| ingest | s | transfers/s | peak RSS MB | db MB |',
  '|---|---|---|---|---|',
  `| nexus ingest --format transfers | ${ingest.seconds} | ${ingest.transfersPerSecond} | ${ingest.peakRssMB} | ${ingest.dbMB} |`,
);
if (importPeer)
  lines.push(
    `| sqlite3 .import of the stored rows, same unique index | ${importPeer.index.seconds} | ${importPeer.index.rowsPerSecond} | | |`,
    `| sqlite3 .import, table only | ${importPeer.table.seconds} | ${importPeer.table.rowsPerSecond} | | |`,
  );
lines.push(
  '',
  `Ledger load (TraceService.ledgers): ${load.seconds} s (${load.transfersPerSecond} transfers/s; the sqlite3 shell reads the same rows in ${load.sqlite3ReadSeconds} s), ${load.events} events, ${load.addresses} addresses; heap +${load.heapMB} MB, array buffers +${load.arrayBuffersMB} MB (${load.bytesPerTransfer} bytes a transfer), RSS +${load.rssMB} MB.`,
  '',
  `| trace (${SEEDS} seeds forward, ${TARGETS} targets backward, max hops ${MAX_HOPS}) | median ms (first) | events visited | addresses reached | highest hop | peer ratio |`,
  '|---|---|---|---|---|---|',
);
/** Nexus time / peer time (below 1: Nexus is faster); a peer that ran out of time gives an upper bound. */
const ratioTo = (p, ms) =>
  p &&
  `${p.timedOut ? '< ' : ''}${round(ms / 1000 / p.querySeconds, 4)} (${p === peers.sqlite ? 'sqlite3' : 'PostgreSQL'})`;
for (const r of traces) {
  const ratio =
    r.model === 'poison' && r.direction === 'forward'
      ? [ratioTo(peers.sqlite, r.medianMs), ratioTo(peers.postgres, r.medianMs)].filter(Boolean).join(', ')
      : '';
  lines.push(
    `| ${r.model} ${r.direction} | ${r.medianMs} (${r.firstMs}) | ${r.events} | ${r.reached} | ${r.maxHop} | ${ratio} |`,
  );
}
lines.push(
  `| haircut forward, TraceService.trace (default caps, whole answer) | ${serviceHaircut.medianMs} (${serviceHaircut.firstMs}) | | ${serviceHaircut.reached}${serviceHaircut.limitReached ? ` (LIMIT_REACHED: ${serviceHaircut.limits.join(', ')})` : ''} | | |`,
);
const same = (c) =>
  c === undefined
    ? 'not checked'
    : c.same
      ? 'yes'
      : `no: ${c.onlyNexus} only in Nexus, ${c.onlyPeer} only in the peer, ${c.hopDiff} with other hops`;
lines.push(
  '',
  '| poison peer (recursive SQL) | prepare s | query s | peak RSS MB | addresses | same addresses and hops as Nexus |',
  '|---|---|---|---|---|---|',
);
for (const [name, p] of Object.entries(peers))
  lines.push(
    `| ${p.tool} | ${name === 'sqlite' ? `copy ${p.copySeconds}, index ${p.indexSeconds}` : `COPY ${p.copySeconds}, index ${p.indexSeconds}`} | ${p.timedOut ? `> ${p.querySeconds} (stopped)` : p.querySeconds} | ${p.peakRssMB ?? ''} | ${p.check?.reached ?? ''} | ${same(p.check)} |`,
  );
lines.push(
  '',
  `Memory after the traces: heap ${result.heapAfterTracesMB} MB, array buffers ${result.arrayBuffersAfterTracesMB} MB, RSS ${result.rssAfterTracesMB} MB.`,
);
const md = lines.join('\n');
writeFileSync(join(OUT, `trace-bench-${N}.md`), `${md}\n`);
console.log(md);
if (!KEEP) rmSync(TMP, { recursive: true, force: true });
else log(`kept ${TMP}`);
