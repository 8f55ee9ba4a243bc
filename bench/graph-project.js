#!/usr/bin/env node
// Projection benchmark: how long building the graph from the store takes, against the sqlite3 shell reading the
// same relationship rows out of the same database file (the raw read bound), and the memory the graph holds.
// Usage: npm run bench:graph-project [-- --entities 1000000]; Markdown on stdout, JSON in bench/out/.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { localOperator } from '../dist/access/index.js';
import { project } from '../dist/graph/index.js';
import { Random } from '../dist/model/index.js';
import { SqliteStore } from '../dist/store/index.js';
import { machineInfo } from './machine.js';

const { values } = parseArgs({ options: { entities: { type: 'string', default: '1000000' } } });
const ENTITIES = Number(values.entities);
const OUT = resolve('bench/out');
mkdirSync(OUT, { recursive: true });

/**
 * A synthetic company register: a third people, a sixth companies, the rest Ownership, Directorship and Family
 * records between them (power-law-ish: a few owners hold many firms), with a shared phone now and then.
 */
async function makeSource(count) {
  const file = join(OUT, `graph-project-${count}.jsonl`);
  if (existsSync(file)) return file;
  const r = new Random(20261129);
  const people = Math.floor(count / 3);
  const companies = Math.floor(count / 6);
  const links = count - people - companies;
  const out = createWriteStream(`${file}.tmp`);
  const write = async (e) => {
    if (!out.write(`${JSON.stringify(e)}\n`)) await new Promise((ok) => out.once('drain', ok));
  };
  const skewed = (n) => Math.floor(n * r.next() ** 3);
  for (let i = 0; i < people; i++)
    await write({
      id: `p${i}`,
      schema: 'Person',
      properties: {
        name: [`Person ${i}`],
        ...(i % 50 === 0 ? { phone: [`+44770090${String(i % 9973).padStart(4, '0')}`] } : {}),
      },
    });
  for (let i = 0; i < companies; i++)
    await write({
      id: `c${i}`,
      schema: 'Company',
      properties: { name: [`Company ${i} Ltd`], jurisdiction: ['gb'] },
    });
  for (let i = 0; i < links; i++) {
    const k = i % 3;
    if (k === 0)
      await write({
        id: `o${i}`,
        schema: 'Ownership',
        properties: {
          owner: [`p${skewed(people)}`],
          asset: [`c${r.int(0, companies - 1)}`],
          percentage: ['25'],
        },
      });
    else if (k === 1)
      await write({
        id: `d${i}`,
        schema: 'Directorship',
        properties: {
          director: [`p${skewed(people)}`],
          organization: [`c${r.int(0, companies - 1)}`],
          startDate: ['2020-01-01'],
        },
      });
    else
      await write({
        id: `f${i}`,
        schema: 'Family',
        properties: {
          person: [`p${r.int(0, people - 1)}`],
          relative: [`p${r.int(0, people - 1)}`],
          relationship: ['sibling'],
        },
      });
  }
  await new Promise((ok) => out.end(ok));
  spawnSync('mv', [`${file}.tmp`, file]);
  return file;
}

const source = await makeSource(ENTITIES);
const home = join(OUT, `graph-project-home-${ENTITIES}`);
if (!existsSync(join(home, 'nexus.db'))) {
  rmSync(home, { recursive: true, force: true });
  console.error(`ingesting ${ENTITIES} entities (once; kept in ${home})...`);
  const ing = spawnSync(
    'node',
    [
      'bin/nexus.js',
      '--home',
      home,
      'ingest',
      '--dataset',
      'register',
      '--format',
      'ftm',
      '--progress',
      'none',
      source,
    ],
    { stdio: 'inherit' },
  );
  if (ing.status !== 0) throw new Error('bench: ingest failed');
}
const db = join(home, 'nexus.db');

// Peer: the sqlite3 shell reading every statement of the same file with its entity id, provenance and marking
// (what any projection must at least read), written to /dev/null.
const peer = (() => {
  const sql =
    'SELECT e.id, e.schema, s.prop, s.prop_type, s.value, p.dataset, p.marking FROM statements s JOIN entities e ON e.eid = s.eid JOIN provenance p ON p.pid = s.pid ORDER BY s.eid;';
  const t = performance.now();
  const res = spawnSync('sqlite3', [db, sql], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (res.status !== 0) return undefined;
  return { seconds: (performance.now() - t) / 1000 };
})();

const store = new SqliteStore({ path: db });
await store.migrate();
global.gc?.();
const before = process.memoryUsage();
const t = performance.now();
const p = await project(store, localOperator('bench', 'projection benchmark'));
const seconds = (performance.now() - t) / 1000;
global.gc?.();
const after = process.memoryUsage();
await store.close();

const result = {
  machine: machineInfo(),
  entities: p.stats.entities,
  nodes: p.graph.n,
  edges: p.graph.m,
  seconds: Math.round(seconds * 10) / 10,
  entitiesPerSecond: Math.round(p.stats.entities / seconds),
  arrayBytesPerEdge: Math.round((p.graph.arrayBytes / p.graph.m) * 10) / 10,
  heapBytesPerEdge:
    Math.round(
      ((after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / p.graph.m) * 10,
    ) / 10,
  peer: peer && {
    tool: 'sqlite3 shell reading every statement',
    seconds: Math.round(peer.seconds * 10) / 10,
  },
};
writeFileSync(join(OUT, `graph-project-${ENTITIES}.json`), `${JSON.stringify(result, null, 2)}\n`);
console.log(`| entities | nodes | edges | projection s | entities/s | peer s (${result.peer?.tool ?? 'n/a'}) | ratio | typed arrays B/edge | heap B/edge |
|---|---|---|---|---|---|---|---|---|
| ${result.entities} | ${result.nodes} | ${result.edges} | ${result.seconds} | ${result.entitiesPerSecond} | ${result.peer?.seconds ?? 'n/a'} | ${result.peer ? (result.seconds / result.peer.seconds).toFixed(1) : 'n/a'} | ${result.arrayBytesPerEdge} | ${result.heapBytesPerEdge} |`);
