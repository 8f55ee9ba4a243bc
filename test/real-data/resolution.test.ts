// Measures entity resolution end to end (mapping ingest, xref, match judgements) on the splink datasets against their ground truth.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { localOperator } from '../../src/access/index.js';
import { ingest, type Reject } from '../../src/ingest/index.js';
import { NexusError, stableId } from '../../src/model/index.js';
import { xref } from '../../src/resolve/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { DATA_DIR } from './data-dir.js';

const SPLINK = join(DATA_DIR, 'splink-datasets');
const FIXTURES = fileURLToPath(new URL('../fixtures/splink/', import.meta.url));
const ctx = localOperator('test', 'resolution evaluation');
/** xref keeps suggestions from here, so the lower thresholds can be read from the same run. */
const KEEP = 0.5;
/** Suggestions scoring at least this count as predicted matches: around the default match threshold 0.7. */
const THRESHOLDS = [0.6, 0.7, 0.8] as const;
/**
 * Febrl is subsampled by person so the whole file stays under 60 s on two cores: every STEP-th person number N is
 * kept with all of its records (originals and duplicates), so no true pair is cut in half. NEXUS_FEBRL_STEP=1 runs
 * the full files (several minutes).
 */
const FEBRL_STEP = Math.max(1, Number(process.env.NEXUS_FEBRL_STEP ?? 5));

interface Source {
  dataset: string;
  file: string;
}

interface Case {
  name: string;
  mapping: string;
  /** id_prefix and key column of the mapping: the record id is stableId(prefix, 'person', key). */
  prefix: string;
  keyColumn: string;
  sources: Source[];
  /** Ground-truth cluster of a record, from its CSV row. */
  truth: (row: Record<string, string>) => string;
  /** Rows kept (subsampling); all when absent. */
  keep?: (row: Record<string, string>) => boolean;
  xref: { dataset: string; against: string[] };
  why: string;
  sample: string;
}

const febrlPerson = (row: Record<string, string>): string => {
  const m = /^rec-(\d+)-/.exec(row.rec_id ?? '');
  if (!m) throw new Error(`febrl: unexpected rec_id "${row.rec_id}"`);
  return m[1] as string;
};
const febrlKeep = (row: Record<string, string>) => Number(febrlPerson(row)) % FEBRL_STEP === 0;
const febrlSample = FEBRL_STEP === 1 ? 'all rows' : `persons with N % ${FEBRL_STEP} = 0, all their records`;

const CASES: Case[] = [
  {
    name: 'fake_1000',
    mapping: join(FIXTURES, 'fake_1000.yml'),
    prefix: 'splink-fake',
    keyColumn: 'unique_id',
    sources: [{ dataset: 'splink_fake', file: join(SPLINK, 'fake_1000.csv') }],
    truth: (row) => row.cluster ?? '',
    // A deduplication task: the 250 people's records all sit in one file. Splitting it in two would hide every
    // true pair inside one half, so the dataset is cross-referenced against itself; xref seeds its `seen` set with
    // the entity's own id, so a record is never suggested as its own match. Each pair is scored from both sides and
    // stored once (a < b), with the score of whichever side was scored last.
    xref: { dataset: 'splink_fake', against: ['splink_fake'] },
    why: 'deduplication: xref of the dataset against itself (own id skipped)',
    sample: 'all rows',
  },
  {
    name: 'febrl3',
    mapping: join(FIXTURES, 'febrl.yml'),
    prefix: 'splink-febrl',
    keyColumn: 'rec_id',
    sources: [{ dataset: 'febrl3', file: join(SPLINK, 'febrl', 'dataset3.csv') }],
    truth: febrlPerson,
    keep: febrlKeep,
    // Also a deduplication task (originals and up to 9 duplicates each, in one file): self-xref as for fake_1000.
    xref: { dataset: 'febrl3', against: ['febrl3'] },
    why: 'deduplication: xref of the dataset against itself (own id skipped)',
    sample: febrlSample,
  },
  {
    name: 'febrl4',
    mapping: join(FIXTURES, 'febrl.yml'),
    prefix: 'splink-febrl',
    keyColumn: 'rec_id',
    sources: [
      { dataset: 'febrl4a', file: join(SPLINK, 'febrl', 'dataset4a.csv') },
      { dataset: 'febrl4b', file: join(SPLINK, 'febrl', 'dataset4b.csv') },
    ],
    truth: febrlPerson,
    keep: febrlKeep,
    // A linkage task split by the source itself: originals in 4a, one duplicate each in 4b; neither file has
    // duplicates inside it, so 4a is cross-referenced against 4b only.
    xref: { dataset: 'febrl4a', against: ['febrl4b'] },
    why: 'linkage: xref of 4a (originals) against 4b (one duplicate each)',
    sample: febrlSample,
  },
];

/** Rows of a simple CSV (the splink files have no quoting), with trimmed header and cells. */
function readRows(text: string): { header: string; lines: string[]; rows: Record<string, string>[] } {
  const [header = '', ...rest] = text.split(/\r?\n/);
  const columns = header.split(',').map((c) => c.trim());
  const lines = rest.filter((l) => l.trim() !== '');
  const rows = lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(columns.map((c, i) => [c, (cells[i] ?? '').trim()]));
  });
  return { header, lines, rows };
}

interface PRF {
  precision: number;
  recall: number;
  f1: number;
}

interface PairMetrics extends PRF {
  tp: number;
  fp: number;
  fn: number;
}

const prf = (precision: number, recall: number): PRF => ({
  precision,
  recall,
  f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
});

function pairMetrics(tp: number, predicted: number, actual: number): PairMetrics {
  return {
    ...prf(predicted > 0 ? tp / predicted : 1, actual > 0 ? tp / actual : 1),
    tp,
    fp: predicted - tp,
    fn: actual - tp,
  };
}

const pairKey = (a: string, b: string): string => (a < b ? `${a} ${b}` : `${b} ${a}`);
const choose2 = (n: number): number => (n * (n - 1)) / 2;

/** B-cubed precision/recall over records, and the pairs implied by the predicted clusters, against the truth. */
function clusterMetrics(
  predicted: ReadonlyMap<string, string>,
  truth: ReadonlyMap<string, string>,
): { bcubed: PRF; pairs: PairMetrics; clusters: number; largest: number } {
  const predSize = new Map<string, number>();
  const trueSize = new Map<string, number>();
  const both = new Map<string, number>();
  for (const [id, t] of truth) {
    const p = predicted.get(id) ?? id;
    predSize.set(p, (predSize.get(p) ?? 0) + 1);
    trueSize.set(t, (trueSize.get(t) ?? 0) + 1);
    const k = `${p} ${t}`;
    both.set(k, (both.get(k) ?? 0) + 1);
  }
  let precision = 0;
  let recall = 0;
  for (const [id, t] of truth) {
    const p = predicted.get(id) ?? id;
    const n = both.get(`${p} ${t}`) ?? 0;
    precision += n / (predSize.get(p) ?? 1);
    recall += n / (trueSize.get(t) ?? 1);
  }
  const sum = (m: Map<string, number>) => [...m.values()].reduce((s, n) => s + choose2(n), 0);
  return {
    bcubed: prf(precision / truth.size, recall / truth.size),
    pairs: pairMetrics(sum(both), sum(predSize), sum(trueSize)),
    clusters: predSize.size,
    largest: Math.max(0, ...predSize.values()),
  };
}

interface ThresholdResult {
  threshold: number;
  pairwise: PairMetrics;
  bcubed: PRF;
  clusterPairs: PairMetrics;
  clusters: number;
  largestCluster: number;
  judged: number;
  conflicts: number;
}

interface CaseResult {
  name: string;
  setup: string;
  sample: string;
  records: number;
  trueClusters: number;
  truePairs: number;
  invalidValues: number;
  suggestions: number;
  compared: number;
  /** True pairs xref never kept (not a candidate, or scored below KEEP). */
  missedBelowKeep: number;
  timingsMs: { ingest: number; xref: number; judge: number; total: number };
  thresholds: ThresholdResult[];
  /** The best-scored false matches and the best-scored missed true pairs at 0.7, with the scorer's explanation. */
  examples: { falseMatches: string[]; nearMisses: string[] };
}

interface Suggested {
  a: string;
  b: string;
  score: number;
  explanation: string;
}

const results: CaseResult[] = [];
const errorLog: string[] = [];

async function evaluate(c: Case): Promise<CaseResult> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'nexus-resolution-'));
  const dbPath = join(dir, 'x.db');
  const store = new SqliteStore({ path: dbPath });
  try {
    await store.migrate();
    // Ground truth per record id; the CSV (subsampled when asked) goes to the temp folder for the reader.
    const truth = new Map<string, string>();
    const rows = new Map<string, Record<string, string>>();
    let invalidValues = 0;
    for (const src of c.sources) {
      const csv = readRows(readFileSync(src.file, 'utf8'));
      const kept = csv.rows
        .map((row, i) => ({ row, line: csv.lines[i] ?? '' }))
        .filter((r) => c.keep?.(r.row) ?? true);
      const path = join(dir, `${src.dataset}.csv`);
      writeFileSync(path, `${[csv.header, ...kept.map((r) => r.line)].join('\n')}\n`);
      for (const { row } of kept) {
        const id = stableId(c.prefix, 'person', row[c.keyColumn] ?? '');
        truth.set(id, c.truth(row));
        rows.set(id, row);
      }
      const rejects: Reject[] = [];
      const summary = await ingest(ctx, store, {
        dataset: src.dataset,
        format: 'mapping',
        paths: [path],
        options: new Map([['mapping', c.mapping]]),
        onReject: (r) => rejects.push(r),
      });
      // Every row is a record; only single values (impossible Febrl dates such as 19551192, malformed fake_1000 e-mails) may be refused.
      expect(summary.accepted, `${src.dataset}: ${JSON.stringify(rejects.slice(0, 3))}`).toBe(kept.length);
      expect(summary.rejected).toBe(0);
      invalidValues += summary.invalidValues;
    }
    // The ids derived from the source keys are exactly the stored entities.
    const stored = new Set<string>();
    for (const src of c.sources) {
      let after: string | null = null;
      do {
        const page = await store.listEntities(ctx, { dataset: src.dataset }, { limit: 1000, after });
        for (const e of page.items) stored.add(e.id);
        after = page.next;
      } while (after !== null);
    }
    expect(stored.size).toBe(truth.size);
    for (const id of truth.keys()) expect(stored.has(id)).toBe(true);
    const ingestMs = Date.now() - started;

    const xrefStarted = Date.now();
    const summary = await xref(ctx, store, { ...c.xref, threshold: KEEP });
    const xrefMs = Date.now() - xrefStarted;

    // The Store interface hands out suggestions one at a time for review; the evaluation reads the stored table whole.
    const db = new Database(dbPath, { readonly: true });
    const suggested = db
      .prepare('SELECT a, b, score, explanation FROM suggestions ORDER BY score DESC, a, b')
      .all() as Suggested[];
    db.close();

    const members = new Map<string, string[]>();
    for (const [id, t] of truth) members.set(t, [...(members.get(t) ?? []), id]);
    const truePairs = new Set<string>();
    for (const ids of members.values())
      for (let i = 0; i < ids.length; i++)
        for (let j = i + 1; j < ids.length; j++) truePairs.add(pairKey(ids[i] as string, ids[j] as string));
    const keptPairs = new Set(suggested.map((s) => pairKey(s.a, s.b)));
    const missedBelowKeep = [...truePairs].filter((p) => !keptPairs.has(p)).length;

    // Apply the predicted matches best first, reading the clusters off each time a threshold is passed.
    const judgeStarted = Date.now();
    const thresholds: ThresholdResult[] = [];
    let next = 0;
    let judged = 0;
    let conflicts = 0;
    for (const threshold of [...THRESHOLDS].sort((x, y) => y - x)) {
      for (; next < suggested.length && (suggested[next] as Suggested).score >= threshold; next++) {
        const s = suggested[next] as Suggested;
        try {
          await store.judge(ctx, s.a, s.b, 'match', 'auto');
          judged++;
        } catch (err) {
          if (!(err instanceof NexusError && err.code === 'JUDGEMENT_CONFLICT')) throw err;
          conflicts++;
        }
      }
      let tp = 0;
      for (const s of suggested.slice(0, next)) if (truePairs.has(pairKey(s.a, s.b))) tp++;
      const canonical = new Map<string, string>();
      for (const id of truth.keys()) canonical.set(id, await store.canonicalOf(ctx, id));
      const cm = clusterMetrics(canonical, truth);
      thresholds.push({
        threshold,
        pairwise: pairMetrics(tp, next, truePairs.size),
        bcubed: cm.bcubed,
        clusterPairs: cm.pairs,
        clusters: cm.clusters,
        largestCluster: cm.largest,
        judged,
        conflicts,
      });
    }
    const judgeMs = Date.now() - judgeStarted;
    thresholds.sort((x, y) => x.threshold - y.threshold);

    // Error samples for the notes (NEXUS_RESOLUTION_ERRORS=1 prints them): near misses and false matches.
    const show = (id: string) => {
      const r = rows.get(id) ?? {};
      return Object.entries(r)
        .filter(([k]) => k !== c.keyColumn)
        .map(([, v]) => v)
        .join('|');
    };
    const examples = { falseMatches: [] as string[], nearMisses: [] as string[] };
    for (const s of suggested) {
      const isTrue = truePairs.has(pairKey(s.a, s.b));
      if (isTrue === s.score >= 0.7) continue;
      const line = `${s.score.toFixed(3)} [${show(s.a)}] ~ [${show(s.b)}]: ${s.explanation}`;
      errorLog.push(`${c.name} ${isTrue ? 'FN' : 'FP'} ${line}`);
      const list = isTrue ? examples.nearMisses : examples.falseMatches;
      if (list.length < 5) list.push(line);
    }
    for (const p of truePairs)
      if (!keptPairs.has(p)) {
        const [a, b] = p.split(' ') as [string, string];
        errorLog.push(`${c.name} MISSED [${show(a)}] ~ [${show(b)}]`);
      }

    return {
      name: c.name,
      setup: c.why,
      sample: c.sample,
      records: truth.size,
      trueClusters: members.size,
      truePairs: truePairs.size,
      invalidValues,
      suggestions: suggested.length,
      compared: summary.compared,
      missedBelowKeep,
      timingsMs: { ingest: ingestMs, xref: xrefMs, judge: judgeMs, total: Date.now() - started },
      thresholds,
      examples,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const f3 = (x: number): string => x.toFixed(3);

/**
 * F1 at the default threshold 0.7 as measured (Febrl with the default sample, NEXUS_FEBRL_STEP=5), minus 0.05 and
 * rounded down: a regression guard, not a goal. Measured: fake_1000 pairwise 0.555, B3 0.738; febrl3 0.977, 0.987;
 * febrl4 0.979, 0.986. The full Febrl files (NEXUS_FEBRL_STEP=1) score lower, more people giving more namesakes:
 * febrl3 0.952 / 0.957, febrl4 0.935 / 0.956.
 */
const FLOORS: Record<string, { pairwiseF1: number; bcubedF1: number }> = {
  fake_1000: { pairwiseF1: 0.5, bcubedF1: 0.68 },
  febrl3: { pairwiseF1: 0.92, bcubedF1: 0.93 },
  febrl4: { pairwiseF1: 0.92, bcubedF1: 0.93 },
};

describe.skipIf(!existsSync(SPLINK))(`entity resolution on the splink datasets (needs ${SPLINK})`, () => {
  afterAll(() => {
    if (results.length === 0) return;
    const lines = ['dataset     thr   pair P  pair R  pair F1   B3 P    B3 R    B3 F1   clusters  largest'];
    for (const r of results)
      for (const t of r.thresholds)
        lines.push(
          `${r.name.padEnd(10)}  ${t.threshold.toFixed(1)}   ${f3(t.pairwise.precision)}   ${f3(t.pairwise.recall)}   ${f3(t.pairwise.f1)}     ${f3(t.bcubed.precision)}   ${f3(t.bcubed.recall)}   ${f3(t.bcubed.f1)}   ${String(t.clusters).padStart(7)}  ${String(t.largestCluster).padStart(7)}`,
        );
    for (const r of results)
      lines.push(
        `${r.name}: ${r.records} records, ${r.trueClusters} people, ${r.truePairs} true pairs, ${r.suggestions} suggestions >= ${KEEP} (${r.missedBelowKeep} true pairs not among them); ${r.sample}; ingest ${r.timingsMs.ingest} ms, xref ${r.timingsMs.xref} ms, judge ${r.timingsMs.judge} ms`,
      );
    console.log(lines.join('\n'));
    if (process.env.NEXUS_RESOLUTION_ERRORS) console.log(errorLog.join('\n'));
    mkdirSync('bench/out', { recursive: true });
    writeFileSync(
      'bench/out/resolution.json',
      `${JSON.stringify({ keep: KEEP, thresholds: THRESHOLDS, febrlStep: FEBRL_STEP, datasets: results }, null, 2)}\n`,
    );
  });

  for (const c of CASES) {
    const present = c.sources.every((s) => existsSync(s.file));
    it.skipIf(!present)(`${c.name}: ${c.why}${present ? '' : ' (source file absent)'}`, async () => {
      const r = await evaluate(c);
      results.push(r);
      const at = r.thresholds.find((t) => t.threshold === 0.7);
      const floor = FLOORS[c.name];
      expect(at).toBeDefined();
      expect(at?.pairwise.f1 ?? 0).toBeGreaterThanOrEqual(floor?.pairwiseF1 ?? 1);
      expect(at?.bcubed.f1 ?? 0).toBeGreaterThanOrEqual(floor?.bcubedF1 ?? 1);
    });
  }
});
