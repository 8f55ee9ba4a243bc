// SQLite-specific guarantees: durable settings at start-up (R3), the memory map's size, and atomic, single-runner
// migrations (R21).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { localOperator } from '../../access/index.js';
import { newEntity } from '../../ingest/reader.js';
import { validateRecord } from '../../ingest/validate.js';
import { storeFromEnv } from '../open.js';
import { migrations } from './migrations.js';
import { migrate } from './migrator.js';
import { DEFAULT_MMAP_BYTES, SqliteStore } from './sqlite-store.js';

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'nexus-sqlite-')), 'nexus.db');
}

/** One record per id: a Person named `name(id)`, as ingest would write it. */
function people(ids: readonly string[], name: (id: string) => string, file = 'f.jsonl') {
  return ids.map((id, i) => {
    const entity = newEntity(id, 'Person');
    entity.properties.set('name', [name(id)]);
    return {
      groups: validateRecord(
        { kind: 'record', origin: { file, line: i + 1 }, entities: [entity] },
        { dataset: 'case', marking: 'OFFICIAL', grading: null, now: '2026-01-01T00:00:00' },
      ).groups,
    };
  });
}

describe('SqliteStore durability (R3)', () => {
  it('runs in WAL mode with synchronous=FULL', async () => {
    const store = new SqliteStore({ path: tempDb() });
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    await store.close();
  });
});

describe('SqliteStore memory map', () => {
  it('reads the file through a map of DEFAULT_MMAP_BYTES unless told otherwise, and refuses a bad size', async () => {
    const byDefault = new SqliteStore({ path: tempDb() });
    // SQLite caps the size at its compiled maximum, 2 GiB less 64 KiB in better-sqlite3's build.
    expect(Number(byDefault.db.pragma('mmap_size', { simple: true }))).toBe(
      Math.min(DEFAULT_MMAP_BYTES, 0x7fff0000),
    );
    await byDefault.close();
    const off = new SqliteStore({ path: tempDb(), mmapBytes: 0 });
    expect(off.db.pragma('mmap_size', { simple: true })).toBe(0);
    await off.close();
    const env = { NEXUS_SQLITE_MMAP: '1048576' };
    const fromEnv = storeFromEnv(env, dirname(tempDb())) as SqliteStore;
    expect(fromEnv.db.pragma('mmap_size', { simple: true })).toBe(1048576);
    await fromEnv.close();
    expect(() => new SqliteStore({ path: tempDb(), mmapBytes: -1 })).toThrow(/mmapBytes/);
    expect(() => storeFromEnv({ NEXUS_SQLITE_MMAP: '2GB' }, dirname(tempDb()))).toThrow(/NEXUS_SQLITE_MMAP/);
  });
});

describe('migrations (R21)', () => {
  it('apply all or nothing and report the error instead of throwing', () => {
    const db = new Database(':memory:');
    const result = migrate(db, [
      { version: 1, name: 'good', sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 2, name: 'bad', sql: 'CREATE TABLE b (y INTEGER); CREATE TABLE a (x INTEGER);' },
    ]);
    expect(result.error).toMatchObject({ code: 'MIGRATION_FAILED' });
    expect(result.applied).toEqual([]);
    // The run is one transaction: the failing migration took the good one before it down too.
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('a', 'b')").all()).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: 0 });
  });

  it('opens a new file while another process holds a write lock on it, waiting instead of failing at once', async () => {
    const path = tempDb();
    // The other process writes to the new (not yet WAL) file and holds its lock for 400 ms. SQLite refuses the switch
    // to WAL at once in this state (SQLITE_BUSY without calling the busy handler); the store must wait it out.
    const holder = `import Database from 'better-sqlite3';
      const d = new Database(${JSON.stringify(path)});
      d.exec('CREATE TABLE t (x)'); d.exec('BEGIN IMMEDIATE'); d.exec('INSERT INTO t VALUES (1)');
      console.log('locked'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
      d.exec('COMMIT'); d.close();`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', holder], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const done = new Promise((ok) => child.on('close', ok));
    await new Promise((ok) => child.stdout.once('data', ok));
    const store = new SqliteStore({ path });
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    await store.close();
    await done;
    // With a busy timeout shorter than the lock, the open fails with the store's own error, naming the file.
    const path2 = tempDb();
    const holder2 = holder.replace(JSON.stringify(path), JSON.stringify(path2));
    const child2 = spawn(process.execPath, ['--input-type=module', '-e', holder2], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const done2 = new Promise((ok) => child2.on('close', ok));
    await new Promise((ok) => child2.stdout.once('data', ok));
    expect(() => new SqliteStore({ path: path2, busyTimeoutMs: 50 })).toThrow(/stayed locked.*WAL/);
    await done2;
  });

  it.skipIf(!existsSync('dist/store/index.js'))(
    'two processes migrating one fresh file at once: one applies them all, the other waits and finds them done',
    async () => {
      const path = tempDb();
      const script = `import { SqliteStore } from './dist/store/index.js';
      const s = new SqliteStore({ path: ${JSON.stringify(path)} });
      const r = await s.migrate(); console.log(JSON.stringify({ applied: r.applied.length, error: r.error?.code ?? null, version: r.version }));
      await s.close();`;
      const runs = await Promise.all(
        [0, 1].map(
          () =>
            new Promise<string>((ok) => {
              const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
                stdio: ['ignore', 'pipe', 'inherit'],
              });
              let out = '';
              child.stdout.on('data', (d) => {
                out += d;
              });
              child.on('close', () => ok(out));
            }),
        ),
      );
      const results = runs.map(
        (r) => JSON.parse(r) as { applied: number; error: string | null; version: number },
      );
      expect(results.map((r) => r.error)).toEqual([null, null]);
      expect(results.map((r) => r.applied).sort()).toEqual([0, migrations.length]);
      const db = new Database(path);
      expect(db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({
        n: migrations.length,
      });
      db.close();
    },
  );
});

/** Two stores on one new file, migrated: one reads while the other writes. */
async function twoConnections(): Promise<[SqliteStore, SqliteStore]> {
  const path = tempDb();
  const reader = new SqliteStore({ path });
  const writer = new SqliteStore({ path });
  await reader.migrate();
  await writer.migrate();
  return [reader, writer];
}

describe('candidate weights', () => {
  it('follow the entity count after writes and erasures by this connection and by another', async () => {
    const [reader, writer] = await twoConnections();
    const ctx = localOperator('tester', 'candidate weights');
    const add = async (store: SqliteStore, ids: string[]) => {
      await store.putStatements(ctx, { dataset: 'case', records: people(ids, (id) => `Anna ${id}`) });
      const { marker } = await store.entitiesChangedSince(ctx, await store.matchIndexMarker(ctx), 1000);
      await store.putMatchKeys(
        ctx,
        ids.map((id) => ({ id, keys: ['anna', id] })),
        marker,
      );
    };
    // log(1 + N / df) for the key every entity has: N entities, df = N.
    const weight = async () => (await reader.candidates(ctx, ['anna'], { limit: 1 }))[0]?.weight;
    await add(reader, ['a1', 'a2']);
    expect(await weight()).toBe(Math.round(Math.log(2) * 1000) / 1000);
    await add(reader, ['a3']);
    expect(await weight()).toBe(Math.round(Math.log(2) * 1000) / 1000);
    // Another connection adds entities under another key: the count moves, so the weight of 'anna' does.
    await writer.putStatements(ctx, { dataset: 'case', records: people(['b1'], () => 'Boris', 'g.jsonl') });
    expect(await weight()).toBe(Math.round(Math.log(1 + 4 / 3) * 1000) / 1000);
    // An audited read writes to the store without changing the count; an erasure changes it.
    await reader.audit(ctx, [{ action: 'entity.read', category: 'consultation', objects: ['a1'] }]);
    expect(await weight()).toBe(Math.round(Math.log(1 + 4 / 3) * 1000) / 1000);
    await writer.erase(ctx, { ids: ['a3'], reason: 'test' });
    expect(await weight()).toBe(Math.round(Math.log(1 + 3 / 2) * 1000) / 1000);
    await reader.close();
    await writer.close();
  });

  it('follow the keys after index writes and erasures by another connection', async () => {
    const [reader, writer] = await twoConnections();
    const ctx = localOperator('tester', 'candidate postings');
    await writer.putStatements(ctx, {
      dataset: 'case',
      records: people(['a1', 'a2', 'a3'], (id) => `Anna ${id}`),
    });
    const ids = async (key: string) =>
      (await reader.candidates(ctx, [key], { limit: 10 })).map((c) => c.id).sort();
    await writer.putMatchKeys(
      ctx,
      [
        { id: 'a1', keys: ['anna'] },
        { id: 'a2', keys: ['anna'] },
      ],
      1,
    );
    expect(await ids('anna')).toEqual(['a1', 'a2']);
    expect(await ids('zed')).toEqual([]);
    // Keys filed, moved and erased by the other connection: each answer is the store's, not the one read before.
    await writer.putMatchKeys(ctx, [{ id: 'a3', keys: ['anna'] }], 2);
    expect(await ids('anna')).toEqual(['a1', 'a2', 'a3']);
    await writer.putMatchKeys(ctx, [{ id: 'a1', keys: ['zed'] }], 3);
    expect(await ids('anna')).toEqual(['a2', 'a3']);
    expect(await ids('zed')).toEqual(['a1']);
    await writer.erase(ctx, { ids: ['a2'], reason: 'test' });
    expect(await ids('anna')).toEqual(['a3']);
    // The same marker again after a restart, with other keys: still the store's answer.
    await writer.restartMatchIndexFor(ctx, 'another analysis');
    await writer.putMatchKeys(ctx, [{ id: 'a3', keys: ['zed'] }], 3);
    expect(await ids('anna')).toEqual([]);
    expect(await ids('zed')).toEqual(['a1', 'a3']);
    await reader.close();
    await writer.close();
  });
});
