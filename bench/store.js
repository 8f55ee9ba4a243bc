#!/usr/bin/env node
// Store benchmark: the same FtM file ingested into the embedded SQLite store and into PostgreSQL (NEXUS_DATABASE_URL),
// with PostgreSQL's own COPY of the same statement rows into equivalent tables as the raw bound (the peer).
// Usage: npm run bench:store [-- --entities 1000000] [--url postgres://postgres@127.0.0.1:5432/test]
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { makeFtmSource } from './ftm-source.js';
import { machineInfo } from './machine.js';

const { values } = parseArgs({
  options: {
    entities: { type: 'string', default: process.env.NEXUS_BENCH_ENTITIES ?? '1000000' },
    url: {
      type: 'string',
      default: process.env.NEXUS_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
  },
});
const ENTITIES = Number(values.entities);
const URL = values.url;
const SCHEMA = 'bench_store';
const DATA = resolve(process.env.NEXUS_DATA_DIR ?? '../shared/data');
const OUT = resolve('bench/out');
mkdirSync(OUT, { recursive: true });

function sh(cmd, args, options = {}) {
  const t = performance.now();
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, ...options });
  const seconds = (performance.now() - t) / 1000;
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${res.stderr}`);
  return { seconds, stdout: res.stdout };
}

const psql = (sql) => sh('psql', [URL, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql]);

function ingest(home, env, file) {
  rmSync(home, { recursive: true, force: true });
  const run = sh(
    process.execPath,
    [
      'bin/nexus.js',
      '--home',
      home,
      'ingest',
      '--dataset',
      'bench',
      '--format',
      'ftm',
      '--progress',
      'none',
      '--json',
      file,
    ],
    { env: { ...process.env, ...env } },
  );
  return { seconds: run.seconds, summary: JSON.parse(run.stdout) };
}

// The peer: the rows Nexus stored, exported to CSV and loaded back by COPY into tables with the same keys and
// indexes (the names search index left out, which flatters the peer).
const PEER = `DROP SCHEMA IF EXISTS bench_peer CASCADE; CREATE SCHEMA bench_peer;
  CREATE TABLE bench_peer.entities (eid BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE, schema TEXT NOT NULL, first_seen TEXT NOT NULL);
  CREATE TABLE bench_peer.provenance (pid BIGINT PRIMARY KEY, schema TEXT, dataset TEXT, origin TEXT, first_seen TEXT,
    marking TEXT, mlevel INT, caveats TEXT[], grading TEXT);
  CREATE TABLE bench_peer.statements (eid BIGINT NOT NULL, id TEXT NOT NULL, pid BIGINT NOT NULL, prop TEXT NOT NULL,
    prop_type TEXT NOT NULL, value TEXT NOT NULL, original_value TEXT, last_seen TEXT NOT NULL, PRIMARY KEY (eid, id));
  CREATE INDEX ON bench_peer.entities(schema, eid);
  CREATE INDEX ON bench_peer.statements(value) WHERE prop_type = 'entity';
  CREATE INDEX ON bench_peer.statements(value, eid) WHERE prop_type = 'topic';
  CREATE INDEX ON bench_peer.statements(value, eid) WHERE prop_type = 'country';`;
const COLUMNS = {
  entities: 'eid, id, schema, first_seen',
  provenance: 'pid, schema, dataset, origin, first_seen, marking, mlevel, caveats, grading',
  statements: 'eid, id, pid, prop, prop_type, value, original_value, last_seen',
};

function peerCopy() {
  for (const [t, cols] of Object.entries(COLUMNS))
    psql(`\\copy (SELECT ${cols} FROM ${SCHEMA}.${t}) TO '${join(OUT, `pg-${t}.csv`)}' CSV`);
  psql(PEER);
  let seconds = 0;
  for (const [t, cols] of Object.entries(COLUMNS))
    seconds += psql(`\\copy bench_peer.${t} (${cols}) FROM '${join(OUT, `pg-${t}.csv`)}' CSV`).seconds;
  psql('DROP SCHEMA bench_peer CASCADE');
  return seconds;
}

const round = (x) => Math.round(x * 100) / 100;
const file = await makeFtmSource(ENTITIES, DATA, OUT);
const pgVersion = psql('SHOW server_version').stdout.trim();
console.error('bench: sqlite: nexus ingest...');
const lite = ingest(join(OUT, 'home-store-sqlite'), { NEXUS_DATABASE_URL: '' }, file);
psql(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
console.error('bench: postgres: nexus ingest...');
const pg = ingest(
  join(OUT, 'home-store-pg'),
  { NEXUS_DATABASE_URL: URL, NEXUS_DATABASE_SCHEMA: SCHEMA },
  file,
);
const pgBytes = Number(
  psql(`SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n
  ON n.oid = c.relnamespace WHERE n.nspname = '${SCHEMA}' AND c.relkind = 'r'`).stdout.trim(),
);
console.error('bench: postgres: COPY of the same rows (peer)...');
const copySeconds = peerCopy();
const statements = pg.summary.statements;
const result = {
  machine: machineInfo({ postgres: pgVersion }),
  entities: pg.summary.entities,
  statements,
  sqliteSeconds: round(lite.seconds),
  postgresSeconds: round(pg.seconds),
  copySeconds: round(copySeconds),
  sqliteStatementsPerSec: Math.round(lite.summary.statements / lite.seconds),
  postgresStatementsPerSec: Math.round(statements / pg.seconds),
  copyStatementsPerSec: Math.round(statements / copySeconds),
  postgresToSqlite: round(lite.seconds / pg.seconds),
  postgresToCopy: round(copySeconds / pg.seconds),
  postgresMB: Math.round(pgBytes / 1e6),
};
writeFileSync(join(OUT, 'store.json'), `${JSON.stringify(result, null, 2)}\n`);
const m = result.machine;
console.log(
  `Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, Node ${m.node}, PostgreSQL ${m.postgres}, ${m.date}\n`,
);
console.log(
  '| entities | statements | SQLite s (stmts/s) | PostgreSQL s (stmts/s) | PG / SQLite speed | COPY same rows s (stmts/s) | PG / COPY speed | PG MB |',
);
console.log('|---|---|---|---|---|---|---|---|');
console.log(
  `| ${result.entities} | ${statements} | ${result.sqliteSeconds} (${result.sqliteStatementsPerSec}) | ${result.postgresSeconds} (${result.postgresStatementsPerSec}) | ${result.postgresToSqlite} | ${result.copySeconds} (${result.copyStatementsPerSec}) | ${result.postgresToCopy} | ${result.postgresMB} |`,
);
