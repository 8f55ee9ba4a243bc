// Graph files for the graph benchmark, read by both bench/graph.js (Nexus) and bench/graph_igraph.py (igraph).
//
// Binary layout, little-endian: 'NXG1', n (u32), m (u32), flags (u32, bit 0 = directed), then src (u32 x m),
// dst (u32 x m), weight (f32 x m). Node labels, when the graph has any, sit beside it in <file>.ids, one a line;
// planted communities in <file>.truth (u32 x n).
import { closeSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

const MAGIC = 0x3147584e; // 'NXG1'

/** mulberry32: uniform numbers in [0, 1) from a 32-bit seed. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function writeGraphFile(file, { n, m, directed, src, dst, weight, ids, truth }) {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  writeSync(fd, new Uint32Array([MAGIC, n, m, directed ? 1 : 0]));
  for (const a of [src, dst, weight]) writeSync(fd, new Uint8Array(a.buffer, a.byteOffset, m * 4));
  closeSync(fd);
  if (ids) writeFileSync(`${file}.ids`, ids.join('\n'));
  if (truth) writeFileSync(`${file}.truth`, truth);
  renameSync(tmp, file);
}

/** The arrays of a graph file; they share one buffer read from disk. */
export function readGraphFile(file) {
  const buf = readFileSync(file);
  const bytes = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const [magic, n, m, flags] = new Uint32Array(bytes, 0, 4);
  if (magic !== MAGIC) throw new Error(`${file}: not a graph file`);
  return {
    n,
    m,
    directed: (flags & 1) === 1,
    src: new Uint32Array(bytes, 16, m),
    dst: new Uint32Array(bytes, 16 + 4 * m, m),
    weight: new Float32Array(bytes, 16 + 8 * m, m),
  };
}

/**
 * A UCINET adjacency matrix (first row and column are labels, cell = tie weight, 0 = none) as an edge list.
 * A symmetric matrix gives one undirected edge per pair (upper triangle), any other one directed edge per cell.
 */
export function ucinetGraph(text) {
  const rows = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true });
  const header = rows[0].slice(1).map(String);
  const labels = rows.slice(1).map((r) => String(r[0]));
  const n = labels.length;
  if (header.length !== n || labels.some((l, i) => l !== header[i]))
    throw new Error('not a square matrix with matching row and column labels');
  const cell = (i, j) => Number(rows[i + 1][j + 1] ?? 0) || 0;
  let symmetric = true;
  for (let i = 0; i < n && symmetric; i++)
    for (let j = i + 1; j < n; j++)
      if (cell(i, j) !== cell(j, i)) {
        symmetric = false;
        break;
      }
  const src = [];
  const dst = [];
  const weight = [];
  for (let i = 0; i < n; i++)
    for (let j = symmetric ? i + 1 : 0; j < n; j++) {
      const w = cell(i, j);
      if (w !== 0 && i !== j) {
        src.push(i);
        dst.push(j);
        weight.push(w);
      }
    }
  return {
    n,
    m: src.length,
    directed: !symmetric,
    src: Uint32Array.from(src),
    dst: Uint32Array.from(dst),
    weight: Float32Array.from(weight),
    ids: labels,
  };
}

/**
 * A planted-partition graph (stochastic block model): m distinct undirected edges over n = m / 10 nodes (mean
 * degree 20), communities of 100..1000 nodes. Each edge picks a uniform node u, then with probability 1 - mu a
 * uniform node of u's community, else a uniform node anywhere; duplicates and loops are dropped and redrawn.
 * Node numbers are shuffled (a community is not a block of consecutive numbers) and edges come in random order.
 * Weights are integers 1..5.
 */
export function plantedPartition({ m, seed = 42, mu = 0.2 }) {
  const random = rng(seed);
  const n = Math.round(m / 10);
  // Community c holds positions start[c] .. start[c+1]-1; position p is node perm[p].
  const starts = [0];
  while ((starts.at(-1) ?? 0) < n) starts.push((starts.at(-1) ?? 0) + 100 + Math.floor(random() * 901));
  starts[starts.length - 1] = n;
  if (starts.length > 2 && n - (starts.at(-2) ?? 0) < 100) starts.splice(starts.length - 2, 1);
  const k = starts.length - 1;
  const commOfPos = new Uint32Array(n);
  for (let c = 0; c < k; c++) commOfPos.fill(c, starts[c], starts[c + 1]);
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const truth = new Uint32Array(n);
  for (let p = 0; p < n; p++) truth[perm[p]] = commOfPos[p];

  // Edge keys min * n + max (exact in a double below 2^53), drawn until m distinct.
  let keys = new Float64Array(0);
  while (keys.length < m) {
    const want = Math.ceil((m - keys.length) * 1.05);
    const next = new Float64Array(keys.length + want);
    next.set(keys);
    let at = keys.length;
    for (let i = 0; i < want; i++) {
      const pu = Math.floor(random() * n);
      let pv;
      if (random() < mu) pv = Math.floor(random() * n);
      else {
        const c = commOfPos[pu];
        pv = starts[c] + Math.floor(random() * (starts[c + 1] - starts[c]));
      }
      const u = perm[pu];
      const v = perm[pv];
      if (u === v) continue;
      next[at++] = u < v ? u * n + v : v * n + u;
    }
    const sorted = next.subarray(0, at).sort();
    let unique = 0;
    for (let i = 0; i < sorted.length; i++)
      if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[unique++] = sorted[i];
    keys = sorted.slice(0, unique);
  }
  // m of them at random (partial Fisher-Yates), in random order.
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(random() * (keys.length - i));
    [keys[i], keys[j]] = [keys[j], keys[i]];
  }
  const src = new Uint32Array(m);
  const dst = new Uint32Array(m);
  const weight = new Float32Array(m);
  for (let e = 0; e < m; e++) {
    const key = keys[e];
    const u = Math.floor(key / n);
    const v = key - u * n;
    // Random orientation, so neither end is always the smaller number.
    if (random() < 0.5) {
      src[e] = u;
      dst[e] = v;
    } else {
      src[e] = v;
      dst[e] = u;
    }
    weight[e] = 1 + Math.floor(random() * 5);
  }
  return { n, m, directed: false, src, dst, weight, truth, communities: k, mu };
}
