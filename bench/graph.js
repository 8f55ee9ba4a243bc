#!/usr/bin/env node
// Graph analytics benchmark: Nexus (dist/graph) against igraph 0.10 (Debian's /usr/bin/python3) on the same files.
// Usage: npm run bench:graph [-- --sizes 1e5,1e6,1e7] [--pivots 64] [--skip-real] [--exact-max-seconds 240]
// (`node bench/graph.js --report` re-prints the tables of the last run.)
// Graphs: the criminal networks in ${NEXUS_DATA_DIR:-../shared/data}/criminal-networks (UCINET matrices) and
// planted-partition graphs of each size in edges (NEXUS_BENCH_GRAPH_SIZES, default 1e5,1e6), generated once
// into bench/out/graph/. Each graph runs in a fresh process per side (so RSS deltas are the graph's own).
// Prints Markdown tables and writes bench/out/graph-bench.json and bench/out/graph-bench.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { plantedPartition, readGraphFile, ucinetGraph, writeGraphFile } from './graph-gen.js';
import { machineInfo } from './machine.js';

const { values: opt } = parseArgs({
  options: {
    worker: { type: 'string' },
    source: { type: 'string', default: '0' },
    exact: { type: 'boolean', default: false },
    sizes: { type: 'string', default: process.env.NEXUS_BENCH_GRAPH_SIZES ?? '1e5,1e6' },
    pivots: { type: 'string', default: '64' },
    'skip-real': { type: 'boolean', default: false },
    report: { type: 'boolean', default: false },
    'exact-max-seconds': { type: 'string', default: '240' },
  },
});
const PIVOTS = Number(opt.pivots);
const PYTHON = '/usr/bin/python3'; // Debian's, with igraph; the pyenv python3 on PATH has none
const log = (m) => console.error(`bench: ${m}`);
const round = (x, d = 2) => (x === null || x === undefined ? x : Math.round(x * 10 ** d) / 10 ** d);

/**
 * Median seconds per call: at least minReps samples, more until minMs have passed. Calls quicker than a
 * millisecond are timed in batches (the first call sizes the batch), so the clock's resolution does not count.
 */
function timed(fn, minReps, minMs = 0) {
  let t = performance.now();
  let result = fn();
  const first = (performance.now() - t) / 1000;
  const batch = first < 1e-3 ? Math.min(10_000, Math.ceil(1e-3 / Math.max(first, 1e-7))) : 1;
  const times = batch === 1 ? [first] : []; // a slow first call is a sample; a quick one was a warm-up
  let total = first;
  while (times.length < minReps || (total < minMs / 1000 && times.length < 1000)) {
    t = performance.now();
    for (let i = 0; i < batch; i++) result = fn();
    const s = (performance.now() - t) / 1000;
    times.push(s / batch);
    total += s;
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)], reps: times.length * batch, result };
}

// ---------- worker: Nexus on one graph file, JSON on stdout ----------
async function worker(file) {
  const { Graph, NO_TIME } = await import('../dist/graph/graph.js');
  const { bfsDistances, pagerank, betweenness, louvain } = await import('../dist/graph/algorithms/index.js');
  const gc = globalThis.gc ?? (() => {});
  gc();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const f = readGraphFile(file);
  const ids = existsSync(`${file}.ids`)
    ? readFileSync(`${file}.ids`, 'utf8').split('\n')
    : Array.from({ length: f.n }, (_, i) => String(i));
  const g = new Graph({
    ids,
    src: f.src,
    dst: f.dst,
    weight: f.weight,
    kind: new Uint16Array(f.m),
    directed: new Uint8Array(f.m).fill(f.directed ? 1 : 0),
    time: new Int32Array(f.m).fill(NO_TIME),
    evidenceRef: new Int32Array(f.m).fill(-1),
    kinds: ['link'],
    evidence: [],
  });
  const loadSeconds = (performance.now() - t0) / 1000;
  gc();
  const rssDelta = process.memoryUsage().rss - rss0;

  const small = g.m < 1e4;
  const large = g.m >= 5e6;
  // At least a second of calls for the quick operations, so a busy machine's hiccups fall outside the median.
  const minMs = small ? 200 : 1000;
  const source = Number(opt.source);
  const bfs = timed(() => bfsDistances(g, source), 5, minMs);
  let reached = 0;
  for (const d of bfs.result) if (d >= 0) reached++;
  log(`  nexus bfs ${round(bfs.seconds * 1000)} ms`);
  const pr = timed(() => pagerank(g, { damping: 0.85, weighted: true }), large ? 2 : 3, minMs);
  log(`  nexus pagerank ${round(pr.seconds * 1000)} ms`);
  const bs = timed(() => betweenness(g, { samples: PIVOTS, seed: 1 }), 1, small ? minMs : 0);
  log(`  nexus betweenness (${bs.result.samples} sources) ${round(bs.seconds * 1000)} ms`);
  const be = opt.exact ? timed(() => betweenness(g), 1, small ? minMs : 0) : undefined;
  if (be) log(`  nexus exact betweenness ${round(be.seconds * 1000)} ms`);
  const lv = timed(() => louvain(g, { seed: 1 }), large ? 1 : 3, minMs);
  log(`  nexus louvain ${round(lv.seconds * 1000)} ms, Q ${round(lv.result.modularity, 4)}`);

  const dump = (suffix, a) =>
    writeFileSync(`${file}.nx.${suffix}`, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  dump('pagerank', pr.result);
  dump('membership', lv.result.membership);
  dump('betweenness-sampled', bs.result.scores);
  if (be) dump('betweenness-exact', be.result.scores);
  const out = {
    distBuilt: statSync(new URL('../dist/graph/algorithms/index.js', import.meta.url)).mtime.toISOString(),
    n: g.n,
    m: g.m,
    directed: !g.undirected,
    loadSeconds,
    arrayBytes: g.arrayBytes,
    rssDelta,
    bfsSeconds: bfs.seconds,
    bfsReps: bfs.reps,
    reached,
    pagerankSeconds: pr.seconds,
    betweennessSeconds: bs.seconds,
    betweennessSamples: bs.result.samples,
    betweennessExact: bs.result.exact,
    errorBound: bs.result.errorBound,
    exactBetweennessSeconds: be?.seconds ?? null,
    louvainSeconds: lv.seconds,
    louvainReps: lv.reps,
    modularity: lv.result.modularity,
    communities: lv.result.count,
    levels: lv.result.levels,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

// ---------- orchestrator ----------
function run(cmd, args) {
  const res = spawnSync(cmd, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${res.status})`);
  return JSON.parse(res.stdout.trim().split('\n').at(-1));
}

/** The node with most out-arcs (lowest number on ties): a BFS source that reaches far on every graph. */
function hub(f) {
  const deg = new Uint32Array(f.n);
  for (let e = 0; e < f.m; e++) {
    deg[f.src[e]]++;
    if (!f.directed) deg[f.dst[e]]++;
  }
  let best = 0;
  for (let v = 1; v < f.n; v++) if (deg[v] > deg[best]) best = v;
  return best;
}

function prepare(dir) {
  const graphs = [];
  if (!opt['skip-real']) {
    const data = join(resolve(process.env.NEXUS_DATA_DIR ?? '../shared/data'), 'criminal-networks');
    const csvs = existsSync(data) ? readdirSync(data).filter((f) => f.endsWith('.csv')) : [];
    if (csvs.length === 0) log(`no criminal networks in ${data}; skipping the real networks`);
    for (const csv of csvs.sort()) {
      const name = basename(csv, '.csv');
      const file = join(dir, `real-${name}.bin`);
      const f = ucinetGraph(readFileSync(join(data, csv), 'utf8'));
      writeGraphFile(file, f);
      graphs.push({ name, kind: 'real', file, source: hub(f), exact: true });
    }
  }
  for (const size of opt.sizes.split(',').filter(Boolean)) {
    const m = Math.round(Number(size));
    const file = join(dir, `sbm-${m}.bin`);
    if (!existsSync(file)) {
      log(`generating a planted-partition graph with ${m} edges...`);
      const t = performance.now();
      const f = plantedPartition({ m, seed: 42 });
      writeGraphFile(file, f);
      log(`  ${f.n} nodes, ${f.communities} communities, ${round((performance.now() - t) / 1000)} s`);
    }
    graphs.push({ name: `planted ${fmtCount(m)} edges`, kind: 'planted', file, source: 0, m });
  }
  return graphs;
}

function fmtCount(x) {
  return x >= 1e6 ? `${x / 1e6}M` : x >= 1e3 ? `${x / 1e3}k` : String(x);
}

function main() {
  const dir = resolve('bench/out/graph');
  mkdirSync(dir, { recursive: true });
  const version = spawnSync(PYTHON, ['-c', 'import igraph; print(igraph.__version__)'], { encoding: 'utf8' });
  if (version.status !== 0)
    throw new Error(`bench: igraph is missing from ${PYTHON} (apt-get install python3-igraph)`);
  const graphs = prepare(dir);
  const exactMax = Number(opt['exact-max-seconds']);
  const results = [];
  let perSourceCost; // igraph seconds per Brandes source per edge, from the last exact run
  for (const graph of graphs) {
    const head = readGraphFile(graph.file);
    // igraph's exact betweenness (n sources) only when its predicted time fits; ours exact alongside it.
    const predicted = perSourceCost === undefined ? null : perSourceCost * head.m * head.n;
    const exact = graph.exact || (predicted === null ? head.n * head.m <= 2e9 : predicted <= exactMax);
    log(`${graph.name}: ${head.n} nodes, ${head.m} edges${exact ? ', with exact betweenness' : ''}`);
    const flags = ['--source', String(graph.source), ...(exact ? ['--exact'] : [])];
    const nexus = run(process.execPath, [
      '--expose-gc',
      '--max-old-space-size=16384',
      'bench/graph.js',
      '--worker',
      graph.file,
      '--pivots',
      String(PIVOTS),
      ...flags,
    ]);
    const igraph = run(PYTHON, ['bench/graph_igraph.py', graph.file, ...flags]);
    const estimate = perSourceCost === undefined ? null : perSourceCost * head.m;
    if (graph.kind === 'planted' && igraph.exactBetweennessSeconds)
      perSourceCost = igraph.exactBetweennessSeconds / head.n / head.m;
    results.push({
      ...graph,
      predictedIgraphExactSeconds: exact ? null : predicted,
      igraphPerSourceEstimate: exact ? null : estimate,
      nexus,
      igraph,
    });
  }
  const machine = machineInfo({ igraph: version.stdout.trim(), python: PYTHON });
  const md = markdown(results, machine);
  process.stdout.write(md);
  writeFileSync(resolve('bench/out/graph-bench.md'), md);
  writeFileSync(
    resolve('bench/out/graph-bench.json'),
    `${JSON.stringify({ machine, pivots: PIVOTS, results }, null, 2)}\n`,
  );
}

// ---------- report ----------
const ms = (s) =>
  s === null || s === undefined ? '-' : s < 0.01 ? (s * 1000).toFixed(3) : (s * 1000).toFixed(1);
const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : '-');
// RSS moves in pages and allocator arenas: meaningless per edge on the small networks.
const rss = (x) => (x.m < 1e4 ? '-' : (x.rssDelta / x.m).toFixed(0));
const pair = (a, b) => `${ms(a)} / ${ms(b)} (${ratio(a, b)})`;

function markdown(results, machine, pivots = PIVOTS) {
  const lines = [];
  lines.push(
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB, Node ${machine.node}, ` +
      `python-igraph ${machine.igraph}; ${machine.date}; ${pivots} betweenness sources.`,
    '',
    'Times in ms, Nexus / igraph (ratio Nexus / igraph; below 1 means Nexus is faster).',
    '',
    '| graph | n | m | dir | load | BFS | PageRank | betweenness per source | Louvain |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of results) {
    const { nexus: a, igraph: b } = r;
    // Per Brandes source: ours from the sampled run; igraph's from its exact run (n sources) when it ran.
    const ourPer = a.betweennessSeconds / a.betweennessSamples;
    // Where igraph's exact run was too long: its cost per source per edge on the previous graph, times m.
    const theirPer = b.exactBetweennessSeconds ? b.exactBetweennessSeconds / b.n : r.igraphPerSourceEstimate;
    const est = b.exactBetweennessSeconds || !theirPer ? '' : ' est.';
    lines.push(
      `| ${r.name} | ${a.n} | ${a.m} | ${a.directed ? 'yes' : 'no'} | ${pair(a.loadSeconds, b.loadSeconds)} | ` +
        `${pair(a.bfsSeconds, b.bfsSeconds)} | ${pair(a.pagerankSeconds, b.pagerankSeconds)} | ` +
        `${pair(ourPer, theirPer)}${est} | ${pair(a.louvainSeconds, b.louvainSeconds)} |`,
    );
  }
  lines.push(
    '',
    '| graph | Q Nexus | Q igraph | ΔQ | communities N / I | NMI to planted N / I | PageRank L1 diff | ' +
      'betweenness: bound / max error seen | exact betweenness ms N / I | bytes per edge: arrays / RSS N / RSS I |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of results) {
    const { nexus: a, igraph: b } = r;
    const dq = ((b.modularityOfNexus - b.modularity) / Math.abs(b.modularity)) * 100;
    const nmi = b.nmiNexus === null ? '-' : `${b.nmiNexus.toFixed(3)} / ${b.nmi.toFixed(3)}`;
    const err =
      a.errorBound === null
        ? 'exact'
        : `${a.errorBound.toFixed(3)} / ${b.sampledMaxError === null ? '-' : b.sampledMaxError.toFixed(4)}`;
    const exact = a.exactBetweennessSeconds
      ? pair(a.exactBetweennessSeconds, b.exactBetweennessSeconds)
      : r.predictedIgraphExactSeconds
        ? `- / ~${Math.round(r.predictedIgraphExactSeconds)} s (est.)`
        : '-';
    lines.push(
      `| ${r.name} | ${b.modularityOfNexus.toFixed(4)} | ${b.modularity.toFixed(4)} | ${dq >= 0 ? '+' : ''}${dq.toFixed(2)}% | ` +
        `${a.communities} / ${b.communities} | ${nmi} | ${b.pagerankL1 === null ? '-' : b.pagerankL1.toExponential(1)} | ` +
        `${err} | ${exact} | ${(a.arrayBytes / a.m).toFixed(1)} / ${rss(a)} / ${rss(b)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

if (opt.worker) await worker(opt.worker);
else if (opt.report) {
  // Re-print the tables of the last run.
  const last = JSON.parse(readFileSync(resolve('bench/out/graph-bench.json'), 'utf8'));
  process.stdout.write(markdown(last.results, last.machine, last.pivots));
} else main();
