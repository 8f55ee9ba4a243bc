// Every command honours NEXUS_DATABASE_URL: the same work on the embedded store and on PostgreSQL gives the same
// answers, and backup and restore on PostgreSQL round-trip with the audit chain intact (R22).
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshSchema, pgUnavailable, TEST_DATABASE_URL } from '../contract/pg.js';
import { nexus, nexusWith, tempHome } from './helpers.js';

const unavailable = await pgUnavailable();

/** Output with the parts that differ between two runs by nature (times, paths) left out. */
function stable(text: string): string {
  return text
    .replace(/\S*\/rejects\/\S+/g, 'REJECTS')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z?/g, 'TIME')
    .replace(/[\d.]+ ?(ms|s|\/s)\b/g, 'DURATION')
    .replace(/"(seconds|ms|elapsedMs|durationMs)": [\d.]+/g, '"$1": N');
}

describe.skipIf(unavailable)('the CLI on PostgreSQL', () => {
  const steps: string[][] = [
    ['ingest', '--dataset', 'case', 'test/fixtures/ftm/case.ftm.jsonl'],
    ['ingest', '--dataset', 'watchlist', 'test/fixtures/ftm/watchlist.ftm.jsonl'],
    ['ingest', '--dataset', 'chain', '--format', 'transfers', 'test/fixtures/chain/transfers.csv'],
    ['ingest', '--dataset', 'chain', '--format', 'labels', 'test/fixtures/chain/labels.csv'],
    ['index'],
    ['xref', 'case'],
    ['judge', 'case-p1', 'case-p3', 'no-match', '--reason', 'different people'],
  ];
  const reads: string[][] = [
    ['digest'],
    ['stats', '--json'],
    ['datasets', '--json'],
    ['search', 'belov', '--json'],
    ['entity', 'case-p1', '--json'],
    ['list', '--schema', 'Person', '--json'],
    ['match', '--json', 'test/fixtures/ftm/case.ftm.jsonl'],
    ['review', '--json'],
    ['expand', 'case-p1', '--json'],
    ['paths', 'case-p1', 'case-c1', '--json'],
    ['export', '--dataset', 'case', '--format', 'ftm'],
    ['trace', '--from', '0xseed', '--model', 'poison', '--json'],
  ];

  it('gives the answers the embedded store gives', async () => {
    const lite = tempHome();
    const env = { NEXUS_DATABASE_URL: TEST_DATABASE_URL, NEXUS_DATABASE_SCHEMA: freshSchema() };
    const home = tempHome();
    for (const step of steps) {
      const a = await nexus(lite, ...step);
      const b = await nexusWith(env, home, ...step);
      expect(stable(b.stderr), step.join(' ')).toBe(stable(a.stderr));
      expect(stable(b.stdout), step.join(' ')).toBe(stable(a.stdout));
      expect(b.code, step.join(' ')).toBe(a.code);
    }
    for (const read of reads) {
      const a = await nexus(lite, ...read);
      const b = await nexusWith(env, home, ...read);
      expect(b.code, read.join(' ')).toBe(a.code);
      // Name-search relevance is each engine's own (FTS5 bm25, PostgreSQL ts_rank): the hits and order must agree.
      const same = (t: string) =>
        read[0] === 'search' ? stable(t).replace(/"score": [\d.e-]+/g, '"score": S') : stable(t);
      expect(same(b.stdout), read.join(' ')).toBe(same(a.stdout));
    }
    // Nothing of it landed in the home folder's embedded store.
    expect((await nexus(home, 'stats', '--json')).stdout).toContain('"statements": 0');
    expect((await nexusWith(env, home, 'audit', 'verify')).code).toBe(0);
  });

  it('backs up and restores with the audit chain intact, and refuses a tampered copy', async () => {
    const schema = freshSchema();
    const env = { NEXUS_DATABASE_URL: TEST_DATABASE_URL, NEXUS_DATABASE_SCHEMA: schema };
    const home = tempHome();
    expect((await nexusWith(env, home, ...(steps[0] as string[]))).code).toBe(0);
    const digest = (await nexusWith(env, home, 'digest')).stdout;
    const file = join(tempHome('nexus-pgbackup-'), 'copy.dump');
    const backup = await nexusWith(env, home, 'backup', file);
    expect(backup.stderr).toBe('');
    expect(backup.stdout).toContain('chain intact');
    const target = { ...env, NEXUS_DATABASE_SCHEMA: freshSchema() };
    const run = await nexusWith(target, home, 'restore', file);
    expect(run.stderr).toBe('');
    expect((await nexusWith(target, home, 'digest')).stdout).toBe(digest);
    expect((await nexusWith(target, home, 'audit', 'verify')).code).toBe(0);
    const actions = (await nexusWith(target, home, 'audit', 'list', '--json')).stdout;
    expect(actions).toContain('store.backup');
    expect(actions).toContain('store.restore');
    expect((await nexusWith(target, home, 'restore', file)).code).toBe(2);
    expect((await nexusWith(target, home, 'restore', file, '--force')).code).toBe(0);

    // Tamper with the live store's chain, back it up: the check refuses the copy; a restore leaves the target.
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`ALTER TABLE ${schema}.audit_log DISABLE TRIGGER audit_log_no_change`);
    await client.query(`UPDATE ${schema}.audit_log SET purpose = 'nothing to see' WHERE seq = 2`);
    await client.end();
    const bad = join(tempHome('nexus-pgbackup-'), 'bad.dump');
    const refused = await nexusWith(env, home, 'backup', bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/AUDIT_CHAIN_BROKEN: .*record 2/);
    const kept = await nexusWith(target, home, 'restore', bad, '--force');
    expect(kept.stderr).toMatch(/AUDIT_CHAIN_BROKEN/);
    expect((await nexusWith(target, home, 'digest')).stdout).toBe(digest);
  });
});

if (unavailable) describe('the CLI on PostgreSQL', () => it.skip(`skipped: ${unavailable}`, () => {}));
