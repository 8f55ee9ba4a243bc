#!/usr/bin/env node
// Ingest benchmark: Nexus against the sqlite3 shell's .import of the same statement rows (the raw write bound).
// Usage: npm run bench [-- --entities 1000000]; results print as Markdown and land in bench/out/results.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { makeFtmSource } from './ftm-source.js';
import { machineInfo } from './machine.js';

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

// The peer loads the same rows Nexus stored (entities, provenance, statements) into equivalent tables with the
// same keys and indexes; only the names full-text index is left out, so the bound flatters the peer.
const TABLES = {
  entities: 'eid, id, schema, first_seen',
  provenance: 'pid, schema, dataset, origin, first_seen, marking, mlevel, caveats, grading',
  statements: 'eid, id, pid, prop, prop_type, value, original_value, last_seen',
};
const SCHEMA = `CREATE TABLE entities (eid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, schema TEXT NOT NULL, first_seen TEXT NOT NULL);
  CREATE TABLE provenance (pid INTEGER PRIMARY KEY, schema TEXT NOT NULL, dataset TEXT NOT NULL, origin TEXT NOT NULL,
    first_seen TEXT NOT NULL, marking TEXT NOT NULL, mlevel INTEGER NOT NULL, caveats TEXT NOT NULL, grading TEXT);
  CREATE TABLE statements (eid INTEGER NOT NULL, id TEXT NOT NULL, pid INTEGER NOT NULL, prop TEXT NOT NULL,
    prop_type TEXT NOT NULL, value TEXT NOT NULL, original_value TEXT, last_seen TEXT NOT NULL);`;
const INDEXES = `CREATE INDEX entities_schema ON entities(schema, eid);
  CREATE UNIQUE INDEX statements_key ON statements(eid, id);
  CREATE INDEX statements_ref ON statements(value) WHERE prop_type = 'entity';
  CREATE INDEX statements_topic ON statements(value, eid) WHERE prop_type = 'topic';
  CREATE INDEX statements_country ON statements(value, eid) WHERE prop_type = 'country';`;
const BARE = SCHEMA.replace(' UNIQUE', '');

/** The peer: the sqlite3 shell imports the same rows into equivalent tables, with the same durability and cache settings. */
function rawImport(csvs, withIndexes) {
  const db = join(OUT, 'raw.db');
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  const imports = Object.keys(TABLES)
    .map((t) => `.import --csv ${csvs[t]} ${t}`)
    .join('\n');
  const script = `PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\nPRAGMA cache_size=-131072;\n${withIndexes ? `${SCHEMA}\n${INDEXES}` : BARE}\n${imports}\n`;
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
  const csvs = {};
  for (const [table, columns] of Object.entries(TABLES)) {
    csvs[table] = join(OUT, `rows-${name}-${table}.csv`);
    sh('sqlite3', [
      join(home, 'nexus.db'),
      '.mode csv',
      `.output ${csvs[table]}`,
      `SELECT ${columns} FROM ${table} ORDER BY rowid`,
    ]);
  }
  return { seconds: run.seconds, summary, csvs, dbBytes: statSync(join(home, 'nexus.db')).size };
}

function measure(name, format, paths, entitiesLabel) {
  console.error(`bench: ${name}: nexus ingest...`);
  const ours = nexusIngest(name, format, paths);
  console.error(`bench: ${name}: sqlite3 .import (same rows, same keys and indexes)...`);
  const rawIdx = rawImport(ours.csvs, true);
  console.error(`bench: ${name}: sqlite3 .import (table only)...`);
  const rawBare = rawImport(ours.csvs, false);
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

const machine = machineInfo({ sqliteShell: sqliteShell() });
const results = [];
const ftm = await makeFtmSource(ENTITIES, DATA, OUT);
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
