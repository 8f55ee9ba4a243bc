#!/usr/bin/env node
// Ingest benchmark: Nexus against the sqlite3 shell's .import of the same statement rows (the raw write bound).
// Usage: npm run bench [-- --entities 1000000]; results print as Markdown and land in bench/out/results.json.
import { spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseFtmLines, replicate } from '../dist/demo/replicate.js';
import { buildScenario } from '../dist/demo/scenario.js';

const { values } = parseArgs({
  options: { entities: { type: 'string', default: process.env.NEXUS_BENCH_ENTITIES ?? '1000000' } },
});
const ENTITIES = Number(values.entities);
const DATA = resolve(process.env.NEXUS_DATA_DIR ?? '../shared/data');
const OUT = resolve('bench/out');
mkdirSync(OUT, { recursive: true });

function sh(cmd, args, input) {
  const t = performance.now();
  const res = spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t) / 1000;
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${res.stderr}`);
  return { seconds, stdout: res.stdout };
}

function sqliteShell() {
  const res = spawnSync('sqlite3', ['--version'], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error('bench: the sqlite3 shell is missing (apt-get install -y sqlite3)');
  return res.stdout.split(' ')[0];
}

/** FtM JSON lines scaled to `count` entities by copying the real OpenSanctions fixtures with new ids. */
async function makeFtmSource(count) {
  const file = join(OUT, `ftm-${count}.jsonl`);
  if (existsSync(file)) return file;
  const dir = join(DATA, 'opensanctions-ftm-fixtures');
  const base = existsSync(dir)
    ? ['zala_sanctions.ftm.jsonl', 't1_eu_fsf.ftm.jsonl', 'parteispenden_donations.ftm.jsonl'].flatMap((f) =>
        parseFtmLines(readFileSync(join(dir, f), 'utf8')),
      )
    : buildScenario().open;
  const out = createWriteStream(`${file}.tmp`);
  let n = 0;
  for (const e of replicate(base, Math.ceil(count / base.length))) {
    if (n++ >= count) break;
    if (!out.write(`${JSON.stringify(e)}\n`)) await new Promise((ok) => out.once('drain', ok));
  }
  await new Promise((ok) => out.end(ok));
  spawnSync('mv', [`${file}.tmp`, file]);
  return file;
}

const COLUMNS =
  'eid, id, schema, prop, prop_type, value, original_value, dataset, origin, first_seen, last_seen, marking, mlevel, caveats, grading';
const TABLE = `CREATE TABLE statements (eid INTEGER NOT NULL, id TEXT NOT NULL, schema TEXT NOT NULL, prop TEXT NOT NULL,
  prop_type TEXT NOT NULL, value TEXT NOT NULL, original_value TEXT, dataset TEXT NOT NULL, origin TEXT NOT NULL,
  first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, marking TEXT NOT NULL, mlevel INTEGER NOT NULL, caveats TEXT NOT NULL, grading TEXT);`;
const INDEXES = `CREATE UNIQUE INDEX statements_key ON statements(eid, id);
  CREATE INDEX statements_ref ON statements(value) WHERE prop_type = 'entity';
  CREATE INDEX statements_topic ON statements(value, eid) WHERE prop_type = 'topic';
  CREATE INDEX statements_country ON statements(value, eid) WHERE prop_type = 'country';`;

/** The peer: the sqlite3 shell imports the same rows into an equivalent table, same durability settings. */
function rawImport(rowsCsv, withIndexes) {
  const db = join(OUT, 'raw.db');
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  const script = `PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n${TABLE}\n${withIndexes ? INDEXES : ''}\n.import --csv ${rowsCsv} statements\n`;
  return sh('sqlite3', [db], script).seconds;
}

function nexusIngest(name, format, paths) {
  const home = join(OUT, `home-${name}`);
  rmSync(home, { recursive: true, force: true });
  const run = sh(process.execPath, [
    'bin/nexus.js',
    '--home',
    home,
    'ingest',
    '--dataset',
    name,
    '--format',
    format,
    '--progress',
    'none',
    '--json',
    ...paths,
  ]);
  const summary = JSON.parse(run.stdout);
  const rows = join(OUT, `rows-${name}.csv`);
  sh('sqlite3', [
    join(home, 'nexus.db'),
    '.mode csv',
    `.output ${rows}`,
    `SELECT ${COLUMNS} FROM statements`,
  ]);
  return { seconds: run.seconds, summary, rows, dbBytes: statSync(join(home, 'nexus.db')).size };
}

function measure(name, format, paths, entitiesLabel) {
  console.error(`bench: ${name}: nexus ingest...`);
  const ours = nexusIngest(name, format, paths);
  console.error(`bench: ${name}: sqlite3 .import (same rows, same indexes)...`);
  const rawIdx = rawImport(ours.rows, true);
  console.error(`bench: ${name}: sqlite3 .import (table only)...`);
  const rawBare = rawImport(ours.rows, false);
  const st = ours.summary.statements;
  return {
    name,
    format,
    entities: ours.summary.entities,
    records: ours.summary.accepted,
    statements: st,
    sourceEntities: entitiesLabel,
    nexusSeconds: round(ours.seconds),
    entitiesPerSec: Math.round(ours.summary.entities / ours.seconds),
    statementsPerSec: Math.round(st / ours.seconds),
    rawIndexedSeconds: round(rawIdx),
    rawIndexedStatementsPerSec: Math.round(st / rawIdx),
    rawTableSeconds: round(rawBare),
    rawTableStatementsPerSec: Math.round(st / rawBare),
    ratioToIndexedBound: round(rawIdx / ours.seconds),
    ratioToTableBound: round(rawBare / ours.seconds),
    dbMB: Math.round(ours.dbBytes / 1e6),
  };
}

function round(x) {
  return Math.round(x * 100) / 100;
}

const machine = {
  date: new Date().toISOString().slice(0, 10),
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  memGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  sqliteShell: sqliteShell(),
};
const results = [];
const ftm = await makeFtmSource(ENTITIES);
results.push(measure('ftm', 'ftm', [ftm], ENTITIES));
if (existsSync(join(DATA, 'ofac-sdn')))
  results.push(measure('ofac', 'ofac', [join(DATA, 'ofac-sdn')], 'OFAC SDN 8976 entries'));
else console.error(`bench: ${join(DATA, 'ofac-sdn')} absent; OFAC run skipped`);
writeFileSync(join(OUT, 'results.json'), `${JSON.stringify({ machine, results }, null, 2)}\n`);

console.log(
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB, Node ${machine.node}, sqlite3 shell ${machine.sqliteShell}, ${machine.date}\n`,
);
console.log(
  '| run | entities | statements | Nexus s | entities/s | statements/s | sqlite3 .import, same indexes: s (stmts/s) | ratio | .import, table only: s | ratio | db MB |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.name} | ${r.entities} | ${r.statements} | ${r.nexusSeconds} | ${r.entitiesPerSec} | ${r.statementsPerSec} | ${r.rawIndexedSeconds} (${r.rawIndexedStatementsPerSec}) | ${r.ratioToIndexedBound} | ${r.rawTableSeconds} | ${r.ratioToTableBound} | ${r.dbMB} |`,
  );
}
