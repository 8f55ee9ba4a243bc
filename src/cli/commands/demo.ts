// `nexus demo`: loads the fictional demo scenario and every known real dataset found, then says what to try.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildScenario, type DemoEntity } from '../../demo/scenario.js';
import { availableSources } from '../../demo/sources.js';
import { GraphService } from '../../graph/index.js';
import { formatProgress, type IngestSummary, ingest, RejectReport } from '../../ingest/index.js';
import { isNexusError } from '../../model/index.js';
import { updateMatchIndex, xref } from '../../resolve/index.js';
import { storeLocation } from '../../store/index.js';
import type { CommandEnv } from '../io.js';

export const demoHelp = `nexus demo [--data-dir DIR] [--no-real] [--json]

Loads the FICTIONAL demo scenario (Operation KESTREL: a UK organised crime network with a state-linked
handler) and every known public dataset found in DIR (env NEXUS_DATA_DIR, default ../shared/data).
Safe to rerun: statements are content-addressed, so nothing is loaded twice.`;

function jsonl(entities: DemoEntity[]): string {
  return entities
    .map((e) => JSON.stringify(e))
    .join('\n')
    .concat('\n');
}

export async function demoCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string' },
      'no-real': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const dataDir = resolve(values['data-dir'] ?? c.env.NEXUS_DATA_DIR ?? '../shared/data');
  const scenario = buildScenario();
  const dir = join(c.home, 'demo');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kestrel-case.ftm.jsonl'), jsonl(scenario.open));
  writeFileSync(join(dir, 'kestrel-state-strand.ftm.jsonl'), jsonl(scenario.secret));

  const jobs = [
    {
      dataset: 'demo_kestrel',
      title: 'FICTIONAL demo: Operation KESTREL case intelligence',
      format: 'ftm',
      paths: [join(dir, 'kestrel-case.ftm.jsonl')],
      marking: 'OFFICIAL-SENSITIVE',
      grading: '1BP',
      fictional: true,
    },
    {
      dataset: 'demo_kestrel_secret',
      title: 'FICTIONAL demo: Operation KESTREL state-linked strand',
      format: 'ftm',
      paths: [join(dir, 'kestrel-state-strand.ftm.jsonl')],
      marking: 'SECRET',
      grading: '2CP',
      fictional: true,
    },
  ];
  const { found, missing } =
    values['no-real'] || !existsSync(dataDir) ? { found: [], missing: [] } : availableSources(dataDir);
  for (const s of found)
    jobs.push({
      dataset: s.dataset,
      title: s.title,
      format: s.format,
      paths: s.paths.map((p) => join(dataDir, p)),
      marking: 'OFFICIAL',
      grading: '',
      fictional: false,
    });

  const results: { dataset: string; summary?: IngestSummary; error?: string; rejects: number }[] = [];
  const store = await c.openStore();
  try {
    for (const job of jobs) {
      const report = new RejectReport(join(c.home, 'rejects', `${job.dataset}.jsonl`));
      try {
        const summary = await ingest(c.ctx, store, {
          ...job,
          grading: job.grading || undefined,
          onReject: (r) => report.add(r),
          onProgress: (e) => {
            if (c.io.stderrIsTty && !values.json)
              c.io.stderr(`\r\u001b[2K${formatProgress(e)}${e.type === 'done' ? '\n' : ''}`);
          },
        });
        results.push({ dataset: job.dataset, summary, rejects: report.count });
      } catch (err) {
        if (!isNexusError(err)) throw err;
        results.push({ dataset: job.dataset, error: `${err.code}: ${err.message}`, rejects: report.count });
      } finally {
        await report.close();
      }
    }
    // Matching needs the key index; cross-referencing the case against the lists fills the review queue.
    const index = await updateMatchIndex(c.ctx, store);
    const suggested = await xref(c.ctx, store, { dataset: 'demo_kestrel_secret', threshold: 0.7 });
    const links = await linkAnalysis(c, new GraphService(store));
    const stats = await store.stats(c.ctx);
    if (values.json) {
      // The index summary without its marker: a statement row number, it counts hidden statements too (R8).
      const { marker: _marker, ...indexed } = index;
      c.io.stdout(
        `${JSON.stringify({ dataDir, results, missing: missing.map((m) => m.dataset), index: indexed, xref: suggested, links, stats }, null, 2)}\n`,
      );
      return 0;
    }
    c.io.stdout(`\nNexus demo loaded into ${storeLocation(c.env, c.home).where}\n\n`);
    for (const r of results) {
      const d = stats.datasets[r.dataset];
      const line = r.error
        ? `FAILED ${r.error}`
        : `${d?.entities ?? 0} entities, ${d?.statements ?? 0} statements (${r.summary?.statements ?? 0} new), ${r.rejects} rejects`;
      c.io.stdout(`  ${r.dataset.padEnd(22)} ${line}\n`);
    }
    if (missing.length > 0)
      c.io.stdout(`\n  not found in ${dataDir}: ${missing.map((m) => m.dataset).join(', ')}\n`);
    if (found.length === 0 && !values['no-real'])
      c.io.stdout(`\n  no real datasets found in ${dataDir} (set NEXUS_DATA_DIR)\n`);
    c.io.stdout(
      `\n  match index: ${index.entities} entities updated; xref of demo_kestrel_secret: ${suggested.suggestions} suggestions to review\n`,
    );
    for (const line of links.lines) c.io.stdout(`  ${line}\n`);
    c.io.stdout(`
The demo_kestrel datasets are FICTIONAL, generated by Nexus; the others are real public lists.
Try next (add --home ${c.home} if you run from elsewhere):
  npx nexus stats
  npx nexus search "veselov"                    # the fictional state-linked handler (SECRET strand)
  npx nexus entity demo-person-1                # every value with dataset, origin, marking, grading
  npx nexus --clearance OFFICIAL --caveats SENSITIVE search veselov   # an OFFICIAL reader sees nothing of it
  npx nexus search "lazarus" --json             # MITRE ATT&CK intrusion set, attributed to North Korea
  npx nexus list --topic sanction --country kp   # entities sanctioned under DPRK programmes
  npx nexus export --dataset demo_kestrel --format ftm
  echo '{"schema":"Person","properties":{"name":["Kim Jong Un"]}}' | npx nexus match --json   # screening
  npx nexus serve                               # yente-compatible POST /match/default on 127.0.0.1:8080
  npx nexus exposure --state ru --proxies        # who a hostile state reaches, with the evidence of each hop
  npx nexus paths demo-person-handler demo-person-3 --k 3   # how the handler reaches a street dealer
  npx nexus centrality --metric brokers --dataset demo_kestrel
  npx nexus communities --dataset net_caviar     # Louvain on the real CAVIAR wiretap network
  npx nexus campaigns --dataset demo_kestrel     # fraud reports sharing phones, accounts, e-mails
  npx nexus export --format graphml --output graph.graphml   # for Gephi, yEd, i2-style tools
  npx nexus review                              # decide the suggested matches; nexus unmerge NX-... undoes
`);
    return results.some((r) => r.error) ? 1 : 0;
  } finally {
    await store.close();
  }
}

/** Runs each link analysis once on what was loaded, so the demo shows them working; returns what it printed. */
async function linkAnalysis(
  c: CommandEnv,
  graph: GraphService,
): Promise<{ lines: string[]; [k: string]: unknown }> {
  const lines: string[] = [];
  const p = await graph.projection(c.ctx);
  lines.push(
    `graph: ${p.graph.n} nodes, ${p.graph.m} edges (${p.stats.sharedValuesOverCap} over-shared values left out)`,
  );
  const proxies = await graph.exposure(c.ctx, { state: 'ru', proxiesOnly: true, limit: 3 });
  lines.push(`exposure to Russia: ${proxies.seeds} seeds; top proxy candidates (${proxies.marking}):`);
  for (const e of proxies.entities)
    lines.push(
      `  ${e.score.toFixed(2)} ${e.caption}: ${[e.path[0]?.from.caption, ...e.path.map((h) => `(${h.kind}) ${h.to.caption}`)].join(' > ')}`,
    );
  const kestrel = p.datasets.filter((d) => d.startsWith('demo_kestrel'));
  const brokers = await graph.centrality(c.ctx, { metric: 'brokers', datasets: kestrel, limit: 3 });
  lines.push(`brokers in the case: ${brokers.scores.map((s) => s.caption).join('; ')}`);
  const campaigns = await graph.campaigns(c.ctx, { datasets: kestrel });
  lines.push(
    `fraud campaigns: ${campaigns.campaigns.map((x) => `${x.members.length} reports`).join(', ') || 'none'}`,
  );
  let caviar: { modularity: number; communities: number } | undefined;
  if (p.datasets.includes('net_caviar')) {
    const found = await graph.communities(c.ctx, { datasets: ['net_caviar'] });
    caviar = { modularity: found.modularity, communities: found.communities.length };
    lines.push(
      `CAVIAR network: ${caviar.communities} communities, modularity ${caviar.modularity.toFixed(3)}`,
    );
  }
  return {
    lines,
    proxies: proxies.entities.length,
    brokers: brokers.scores.length,
    campaigns: campaigns.campaigns.length,
    caviar,
  };
}
