// The link-analysis commands end to end: ingest a network through the CLI, then paths, centrality,
// communities, exposure, campaigns and export; on real networks, PageRank and modularity equal igraph's.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_DIR } from '../real-data/data-dir.js';
import { nexus, nexusJson, tempHome } from './helpers.js';

const GROVE = 'test/fixtures/networks/grove.csv';

interface Scored {
  id: string;
  caption: string;
  score: number;
}

interface Communities {
  modularity: number;
  communities: { id: string; members: string[] }[];
}

describe('graph commands on a hand-made network', () => {
  const home = tempHome('nexus-graph-cli-');
  beforeAll(async () => {
    const run = await nexus(home, 'ingest', '--format', 'adjacency', '--dataset', 'grove', GROVE);
    expect(run.code, run.stderr).toBe(0);
  });

  it('ranks by weighted PageRank, sorted, summing to 1, captioned by label', async () => {
    const scores = await nexusJson<Scored[]>(
      home,
      'centrality',
      '--metric',
      'pagerank',
      '--dataset',
      'grove',
    );
    expect(scores.map((s) => s.caption).sort()).toEqual(['Ash', 'Birch', 'Cedar', 'Damson']);
    expect(scores.reduce((a, s) => a + s.score, 0)).toBeCloseTo(1, 9);
    for (let i = 1; i < scores.length; i++)
      expect((scores[i - 1] as Scored).score).toBeGreaterThanOrEqual((scores[i] as Scored).score);
    // Birch holds the heaviest ties (3 to Ash, 2 to Damson): strength 5 of 14 in all.
    expect(scores[0]?.caption).toBe('Birch');
    const degree = await nexusJson<Scored[]>(home, 'centrality', '--metric', 'degree');
    expect(degree.map((s) => s.score).sort()).toEqual([2, 2, 2, 2]);
  });

  it('finds communities with a modularity', async () => {
    const c = await nexusJson<Communities>(home, 'communities', '--dataset', 'grove');
    expect(c.communities.flatMap((x) => x.members)).toHaveLength(4);
    expect(c.modularity).toBeGreaterThan(0);
  });

  it('finds paths with each hop and its evidence, and says so when none exists', async () => {
    const scores = await nexusJson<Scored[]>(home, 'centrality', '--metric', 'degree');
    const id = (caption: string) => scores.find((s) => s.caption === caption)?.id as string;
    const answer = await nexusJson<{
      paths: { hops: { to: { caption: string }; evidence: { entity?: { schema: string } } }[] }[];
    }>(home, 'paths', id('Ash'), id('Damson'), '--k', '2');
    expect(answer.paths).toHaveLength(2);
    expect(answer.paths[0]?.hops).toHaveLength(2);
    expect(answer.paths[0]?.hops[0]?.evidence.entity?.schema).toBe('Associate');
    const text = await nexus(home, 'paths', id('Ash'), id('Damson'));
    expect(text.stdout).toContain('marking: OFFICIAL');
    const missing = await nexus(home, 'paths', id('Ash'), 'no-such-entity');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('no-such-entity');
  });

  it('exports GraphML and GEXF carrying the marking', async () => {
    const graphml = await nexus(home, 'export', '--format', 'graphml');
    expect(graphml.code).toBe(0);
    expect(graphml.stdout).toContain('<graphml');
    expect(graphml.stdout).toContain('OFFICIAL');
    expect((graphml.stdout.match(/<edge /g) ?? []).length).toBe(4);
    const gexf = await nexus(home, 'export', '--format', 'gexf', '--dataset', 'grove');
    expect(gexf.stdout).toContain('<gexf');
  });

  it('stops at a cap and says so, returning what it has', async () => {
    const scores = await nexusJson<Scored[]>(home, 'centrality', '--metric', 'degree');
    const ash = scores.find((s) => s.caption === 'Ash')?.id as string;
    const capped = await nexusJson<{ nodes: unknown[]; limit?: { code: string; cap: string } }>(
      home,
      'expand',
      ash,
      '--depth',
      '2',
      '--max-nodes',
      '2',
    );
    expect(capped.nodes).toHaveLength(2);
    expect(capped.limit).toMatchObject({ code: 'LIMIT_REACHED', cap: 'nodes' });
    const text = await nexus(home, 'expand', ash, '--depth', '2', '--max-nodes', '2');
    expect(text.stdout).toContain('LIMIT_REACHED');
    const full = await nexusJson<{ nodes: unknown[]; limit?: unknown }>(home, 'expand', ash, '--depth', '2');
    expect(full.nodes).toHaveLength(4);
    expect(full.limit).toBeUndefined();
  });

  it('refuses a bad metric with a clear message', async () => {
    const run = await nexus(home, 'centrality', '--metric', 'fame');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('degree, pagerank, betweenness');
  });
});

const PYTHON = '/usr/bin/python3';
const hasIgraph =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import igraph'], { stdio: 'ignore' }).status === 0;
const NETWORKS = ['morselli_siren.csv', 'morselli_caviar.csv'].map((f) =>
  join(DATA_DIR, 'criminal-networks', f),
);
const why = !hasIgraph
  ? 'needs python3-igraph at /usr/bin/python3 (apt-get install python3-igraph)'
  : `needs ${NETWORKS.join(', ')}`;

describe.skipIf(!hasIgraph || !NETWORKS.every(existsSync))(
  `CLI answers equal igraph on real networks (${why})`,
  () => {
    for (const file of NETWORKS) {
      it(`${file.split('/').pop()}: PageRank within 1e-6, modularity of our partition as igraph computes it`, async () => {
        const home = tempHome('nexus-graph-real-');
        expect((await nexus(home, 'ingest', '--format', 'adjacency', '--dataset', 'net', file)).code).toBe(0);
        const scores = await nexusJson<Scored[]>(
          home,
          'centrality',
          '--metric',
          'pagerank',
          '--dataset',
          'net',
        );
        const found = await nexusJson<Communities>(home, 'communities', '--dataset', 'net');
        const rows = parse(readFileSync(file, 'utf8'), { bom: true, relax_column_count: true }) as string[][];
        const labels = (rows[0] ?? []).slice(1);
        const caption = new Map(scores.map((s) => [s.id, s.caption]));
        const membership = new Map<string, number>();
        found.communities.forEach((c, i) => {
          for (const m of c.members) membership.set(caption.get(m) as string, i);
        });
        const script = `
import json, sys
import igraph as ig
d = json.load(sys.stdin)
m = d['matrix']
n = len(m)
directed = any(m[i][j] != m[j][i] for i in range(n) for j in range(n))
g = ig.Graph.Weighted_Adjacency(m, mode='directed' if directed else 'undirected')
pr = g.pagerank(weights='weight', damping=0.85)
u = g.as_undirected(mode='each') if directed else g
q = u.modularity(d['membership'], weights='weight')
print(json.dumps({'pagerank': pr, 'modularity': q}))
`;
        const matrix = rows.slice(1).map((r) => r.slice(1).map((x) => (x.trim() === '' ? 0 : Number(x))));
        const input = JSON.stringify({ matrix, membership: labels.map((l) => membership.get(l) ?? -1) });
        const out = spawnSync(PYTHON, ['-c', script], { input, encoding: 'utf8' });
        expect(out.status, out.stderr).toBe(0);
        const ref = JSON.parse(out.stdout) as { pagerank: number[]; modularity: number };
        const ours = new Map(scores.map((s) => [s.caption, s.score]));
        labels.forEach((label, i) => {
          expect(ours.get(label), label).toBeCloseTo(ref.pagerank[i] as number, 6);
        });
        expect(found.modularity).toBeCloseTo(ref.modularity, 6);
      });
    }
  },
);
