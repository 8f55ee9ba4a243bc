// Checks the graph algorithms against python-igraph on real criminal and covert networks (UCINET matrices):
// PageRank, betweenness, coreness, weak components and Louvain modularity, plus the sampled-betweenness bound.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { betweenness, components, coreness, louvain, pagerank } from '../../src/graph/algorithms/index.js';
import { type Graph, GraphBuilder } from '../../src/graph/graph.js';
import { DATA_DIR } from './data-dir.js';

const CRIMINAL = join(DATA_DIR, 'criminal-networks');
const HIJACKERS = join(DATA_DIR, 'covert-911-hijackers-krebs', '9_11_HIJACKERS_ASSOCIATES.csv');
const files = existsSync(CRIMINAL)
  ? readdirSync(CRIMINAL)
      .filter((f) => f.endsWith('.csv'))
      .sort()
      .map((f) => join(CRIMINAL, f))
  : [];
if (existsSync(HIJACKERS)) files.push(HIJACKERS);

// Debian's python has igraph; the `python3` on PATH may not.
const PYTHON = '/usr/bin/python3';
const hasIgraph =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import igraph'], { stdio: 'ignore' }).status === 0;

interface Network {
  name: string;
  matrix: number[][];
  directed: boolean;
  graph: Graph;
}

/** A UCINET adjacency matrix CSV: first row and column are labels, a cell is a tie weight (0 or empty = none). */
function readMatrix(file: string): number[][] {
  const rows = parse(readFileSync(file, 'utf8'), { bom: true, relax_column_count: true }) as string[][];
  const body = rows.slice(1).filter((r) => r.length > 1);
  const matrix = body.map((r) => r.slice(1).map((cell) => (cell.trim() === '' ? 0 : Number(cell))));
  for (const row of matrix) {
    expect(row.length, `${file} is not square`).toBe(matrix.length);
    for (const x of row) expect(Number.isFinite(x), `${file} has a non-numeric cell`).toBe(true);
  }
  return matrix;
}

/** Symmetric matrix -> one undirected edge per unordered pair; otherwise a directed edge per nonzero cell. */
function network(file: string): Network {
  const matrix = readMatrix(file);
  const n = matrix.length;
  const cell = (i: number, j: number): number => matrix[i]?.[j] ?? 0;
  let directed = false;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (cell(i, j) !== cell(j, i)) directed = true;
  const b = new GraphBuilder();
  for (let i = 0; i < n; i++) b.node(String(i));
  for (let i = 0; i < n; i++)
    for (let j = directed ? 0 : i; j < n; j++)
      if (cell(i, j) !== 0) b.edge(i, j, { kind: 'tie', weight: cell(i, j), directed });
  return { name: basename(file, '.csv'), matrix, directed, graph: b.build() };
}

interface Reference {
  pagerank: number[];
  betweenness: number[];
  weightedBetweenness: number[];
  coreness: number[];
  components: number[];
  ourModularity: number;
  multilevel: number;
}

const SCRIPT = `
import json, random, sys
import igraph as ig
out = []
for net in json.load(sys.stdin):
    g = ig.Graph.Weighted_Adjacency(net['matrix'], mode='directed' if net['directed'] else 'undirected')
    u = g.as_undirected(mode='each') if net['directed'] else g
    # igraph's multilevel is randomised: take its best of 10 seeded runs.
    best = 0.0
    for seed in range(10):
        random.seed(seed)
        best = max(best, u.modularity(u.community_multilevel(weights='weight').membership, weights='weight'))
    out.append({
        'pagerank': g.pagerank(weights='weight', damping=0.85, directed=True),
        'betweenness': g.betweenness(directed=True),
        'weightedBetweenness': g.betweenness(directed=True, weights=[1 / w for w in g.es['weight']]),
        'coreness': g.coreness(mode='all'),
        'components': g.connected_components(mode='weak').membership,
        # On the undirected view, as ours is (igraph 0.10.2 ignores directed=False on a directed graph).
        'ourModularity': u.modularity(net['membership'], weights='weight'),
        'multilevel': best,
    })
json.dump(out, sys.stdout)
`;

function igraphReference(nets: Network[], memberships: Uint32Array[]): Reference[] {
  const input = JSON.stringify(
    nets.map((net, i) => ({
      matrix: net.matrix,
      directed: net.directed,
      membership: [...(memberships[i] ?? [])],
    })),
  );
  const run = spawnSync(PYTHON, ['-c', SCRIPT], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`igraph script failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Reference[];
}

function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if ((ab.get(x) ?? y) !== y || (ba.get(y) ?? x) !== x) return false;
    ab.set(x, y);
    ba.set(y, x);
  }
  return a.length === b.length;
}

function maxDiff(ours: ArrayLike<number>, theirs: number[]): number {
  expect(ours.length).toBe(theirs.length);
  let worst = 0;
  for (let i = 0; i < theirs.length; i++)
    worst = Math.max(worst, Math.abs((ours[i] as number) - (theirs[i] ?? 0)));
  return worst;
}

describe.skipIf(files.length === 0)(
  'graph algorithms on criminal networks (skips when criminal-networks/ and 9/11 data are not in NEXUS_DATA_DIR)',
  () => {
    const nets = files.map(network);

    it.skipIf(!hasIgraph)(
      'match igraph: PageRank, betweenness, coreness, components, modularity (skips without /usr/bin/python3 + igraph)',
      () => {
        const ours = nets.map((net) => louvain(net.graph, { seed: 1 }));
        const refs = igraphReference(
          nets,
          ours.map((r) => r.membership),
        );
        const summary: string[] = [];
        nets.forEach((net, i) => {
          const ref = refs[i] as Reference;
          const mine = ours[i] as (typeof ours)[number];
          const g = net.graph;
          const where = `${net.name} (n=${g.n}, m=${g.m}, ${net.directed ? 'directed' : 'undirected'})`;
          const diffs = {
            pagerank: maxDiff(pagerank(g), ref.pagerank),
            betweenness: maxDiff(betweenness(g).scores, ref.betweenness),
            weighted: maxDiff(betweenness(g, { weighted: true }).scores, ref.weightedBetweenness),
            modularity: Math.abs(mine.modularity - ref.ourModularity),
          };
          expect(diffs.pagerank, `${where} PageRank`).toBeLessThan(1e-6);
          expect(diffs.betweenness, `${where} betweenness`).toBeLessThan(1e-6);
          expect(diffs.weighted, `${where} weighted betweenness (length 1/w)`).toBeLessThan(1e-6);
          expect([...coreness(g)], `${where} coreness`).toEqual(ref.coreness);
          expect(samePartition(components(g).membership, ref.components), `${where} components`).toBe(true);
          expect(diffs.modularity, `${where} modularity`).toBeLessThan(1e-9);
          expect(mine.modularity, `${where} Louvain vs best igraph multilevel`).toBeGreaterThanOrEqual(
            0.99 * ref.multilevel,
          );
          const e = (x: number): string => x.toExponential(0);
          summary.push(
            `${net.name}: max diff PageRank ${e(diffs.pagerank)}, betweenness ${e(diffs.betweenness)}, ` +
              `weighted ${e(diffs.weighted)}, modularity ${e(diffs.modularity)}; ` +
              `Louvain Q ${mine.modularity.toFixed(4)} vs igraph best ${ref.multilevel.toFixed(4)}`,
          );
        });
        console.log(summary.join('\n'));
      },
    );

    it('sampled betweenness is within its stated error bound of exact on the largest network', () => {
      const largest = nets.reduce((a, b) => (b.graph.n > a.graph.n ? b : a));
      const g = largest.graph;
      const exact = betweenness(g);
      expect(exact.exact).toBe(true);
      expect(exact.errorBound).toBeNull();
      const samples = Math.floor(g.n / 3);
      const sampled = betweenness(g, { samples, seed: 11 });
      expect(sampled.exact).toBe(false);
      expect(sampled.samples).toBe(samples);
      const bound = sampled.errorBound as number;
      expect(bound).toBeGreaterThan(0);
      expect(bound).toBeLessThan(1);
      // Normalised as the bound is: by the pairs not involving the node, halved on an undirected graph.
      const pairs = ((g.n - 1) * (g.n - 2)) / (g.undirected ? 2 : 1);
      const worst = maxDiff(
        sampled.scores.map((x) => x / pairs),
        [...exact.scores].map((x) => x / pairs),
      );
      console.log(
        `${largest.name}: ${samples}/${g.n} sources, worst normalised error ${worst.toFixed(4)}, bound ${bound.toFixed(4)}`,
      );
      expect(worst).toBeLessThanOrEqual(bound);
      // The estimate is not degenerate: it ranks the top node of the exact scores near the top.
      const top = exact.scores.indexOf(Math.max(...exact.scores));
      expect(sampled.scores[top]).toBeGreaterThan(0);
    });
  },
);
