#!/usr/bin/env node
// Match-index build benchmark: `nexus index` from scratch on a copy of an existing SQLite store and, optionally, on a
// PostgreSQL schema already holding a store, with a digest of the resulting index so runs of two builds can be
// compared for identical contents (keys by entity id, so the digests of both stores agree on the same data).
// Usage: node bench/index-build.js --home bench/out/scr/home-v2-100000 [--runs 2] [--schema idx_bench]
//          [--url postgres://postgres@127.0.0.1:5432/test] [--nexus bin/nexus.js]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { machineInfo } from './machine.js';

const { values } = parseArgs({
  options: {
    home: { type: 'string', default: 'bench/out/scr/home-v2-100000' },
    runs: { type: 'string', default: '1' },
    schema: { type: 'string' },
    url: {
      type: 'string',
      default: process.env.NEXUS_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
    nexus: { type: 'string', default: 'bin/nexus.js' },
  },
});
const RUNS = Math.max(1, Number(values.runs));
const OUT = resolve('bench/out');
mkdirSync(OUT, { recursive: true });

const RESET = ['DELETE FROM match_keys', 'DELETE FROM match_key_df', 'UPDATE match_state SET marker = 0'];
// Byte order in both stores (SQLite's BINARY collation, PostgreSQL's "C"), so equal indexes give equal digests.
const KEYS_SQL = (collate) =>
  `SELECT m.key, e.id FROM match_keys m JOIN entities e ON e.eid = m.eid ORDER BY m.key ${collate}, e.id ${collate}`;
const DF_SQL = (collate) => `SELECT key, n FROM match_key_df WHERE n > 0 ORDER BY key ${collate}`;

function digest(rows) {
  const hash = createHash('sha256');
  for (const r of rows) hash.update(`${r.join('\t')}\n`);
  return hash.digest('hex').slice(0, 16);
}

/** One `nexus index --json` run: wall seconds and the CLI's own summary. */
function index(home, env = {}) {
  const t = performance.now();
  const res = spawnSync(process.execPath, [values.nexus, '--home', home, 'index', '--json'], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 26,
  });
  const seconds = (performance.now() - t) / 1000;
  if (res.status !== 0) throw new Error(`nexus index failed: ${res.stderr}`);
  const summary = JSON.parse(res.stdout.trim().split('\n').at(-1));
  return {
    seconds: Math.round(seconds * 100) / 100,
    ...summary,
    rate: Math.round(summary.entities / seconds),
  };
}

function sqliteRuns() {
  const home = mkdtempSync(join(tmpdir(), 'nexus-index-bench-'));
  const path = join(home, 'nexus.db');
  copyFileSync(join(values.home, 'nexus.db'), path);
  const runs = [];
  let contents;
  try {
    for (let i = 0; i < RUNS; i++) {
      const db = new Database(path);
      for (const sql of RESET) db.exec(sql);
      // Compact, with the write-ahead log emptied, as a store that never had an index: every run starts alike.
      db.exec('VACUUM');
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      runs.push(index(home));
      const check = new Database(path, { readonly: true });
      contents = {
        keys: digest(check.prepare(KEYS_SQL('')).raw().all()),
        df: digest(check.prepare(DF_SQL('')).raw().all()),
      };
      check.close();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  return { runs, contents };
}

async function postgresRuns(schema) {
  const client = new pg.Client({ connectionString: values.url, options: `-c search_path=${schema}` });
  await client.connect();
  const runs = [];
  let contents;
  const home = mkdtempSync(join(tmpdir(), 'nexus-index-bench-pg-'));
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const sql of RESET) await client.query(sql);
      // Fresh statistics for the emptied tables, as a first build would have them.
      await client.query('VACUUM ANALYZE match_keys');
      await client.query('VACUUM ANALYZE match_key_df');
      runs.push(index(home, { NEXUS_DATABASE_URL: values.url, NEXUS_DATABASE_SCHEMA: schema }));
      const rows = async (sql) => (await client.query({ text: sql, rowMode: 'array' })).rows;
      contents = {
        keys: digest(await rows(KEYS_SQL('COLLATE "C"'))),
        df: digest(await rows(DF_SQL('COLLATE "C"'))),
      };
    }
  } finally {
    await client.end();
    rmSync(home, { recursive: true, force: true });
  }
  return { runs, contents };
}

const result = { machine: machineInfo({ home: values.home }), sqlite: sqliteRuns() };
if (values.schema) result.postgres = { schema: values.schema, ...(await postgresRuns(values.schema)) };
writeFileSync(join(OUT, 'index-build.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
