// The match-key index on both stores, checked against its own tables: re-filing entities whose keys change keeps
// every key's document frequency equal to the number of entities filed under it (never drifting, never negative),
// and the walk over changed entities pages exactly as changedFromRows pages the statement rows.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localOperator } from '../../src/access/index.js';
import { newEntity } from '../../src/ingest/reader.js';
import { validateRecord } from '../../src/ingest/validate.js';
import { changedFromRows, changedRowLimit } from '../../src/store/changed-rows.js';
import { type MatchKeys, PostgresStore, SqliteStore, type Store } from '../../src/store/index.js';
import { pgStore, pgUnavailable } from './pg.js';

const admin = localOperator('tester', 'match index contract');

/** A record of one entity with a name, as ingest would write it. */
function person(id: string, name: string, line: number) {
  const e = newEntity(id, 'Person');
  e.properties.set('name', [name]);
  const v = validateRecord(
    { kind: 'record', origin: { file: 'fixture.jsonl', line }, entities: [e] },
    { dataset: 'case', marking: 'OFFICIAL', grading: null, now: '2026-01-01T00:00:00' },
  );
  expect(v.rejects).toEqual([]);
  return { groups: v.groups };
}

interface IndexTables {
  /** `id key` for every filed key, sorted. */
  keys: string[];
  df: Map<string, number>;
}

async function tables(store: Store): Promise<IndexTables> {
  let keys: { id: string; key: string }[];
  let df: { key: string; n: number }[];
  if (store instanceof SqliteStore) {
    keys = store.db
      .prepare('SELECT e.id, m.key FROM match_keys m JOIN entities e ON e.eid = m.eid')
      .all() as typeof keys;
    df = store.db.prepare('SELECT key, n FROM match_key_df').all() as typeof df;
  } else if (store instanceof PostgresStore) {
    keys = await store.db.query<{ id: string; key: string }>(
      'SELECT e.id, m.key FROM match_keys m JOIN entities e ON e.eid = m.eid',
    );
    df = await store.db.query<{ key: string; n: number }>('SELECT key, n FROM match_key_df');
  } else throw new Error(`no table reader for ${store.kind}`);
  return {
    keys: keys.map((r) => `${r.id} ${r.key}`).sort(),
    df: new Map(df.map((r) => [r.key, Number(r.n)])),
  };
}

/** The frequencies the filed keys call for: every key's entity count. */
function counted(keys: readonly string[]): Map<string, number> {
  const n = new Map<string, number>();
  for (const row of keys) {
    const key = row.slice(row.indexOf(' ') + 1);
    n.set(key, (n.get(key) ?? 0) + 1);
  }
  return n;
}

/** What the index must hold after filing `batches` in order: each id's last keys (ids of no entity skipped). */
function expected(batches: readonly MatchKeys[][], stored: ReadonlySet<string>): string[] {
  const last = new Map<string, Set<string>>();
  for (const batch of batches) for (const entry of batch) last.set(entry.id, new Set(entry.keys));
  const rows: string[] = [];
  for (const [id, keys] of last) if (stored.has(id)) for (const key of keys) rows.push(`${id} ${key}`);
  return rows.sort();
}

/** The index holds exactly the expected keys, and every frequency is its key's entity count (0 once unused). */
async function expectExact(store: Store, want: string[]): Promise<void> {
  const now = await tables(store);
  expect(now.keys).toEqual(want);
  const n = counted(want);
  for (const [key, value] of now.df) expect([key, value]).toEqual([key, n.get(key) ?? 0]);
  for (const key of n.keys()) expect(now.df.has(key)).toBe(true);
}

/** A small deterministic generator, so a failure repeats. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

function runMatchIndexContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`match index contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
      expect((await store.migrate()).error).toBeUndefined();
    });
    afterEach(async () => {
      await store.close();
    });

    it('re-files entities with changed keys and keeps every frequency exact', async () => {
      await store.putStatements(admin, {
        dataset: 'case',
        records: [person('p1', 'Anna Petrova', 1), person('p2', 'Anna Ivanova', 2), person('p3', 'Oleg', 3)],
      });
      const stored = new Set(['p1', 'p2', 'p3']);
      const batches: MatchKeys[][] = [
        [
          { id: 'p1', keys: ['anna', 'petrova', 'shared'] },
          { id: 'p2', keys: ['anna', 'ivanova', 'shared', 'shared'] },
          { id: 'p3', keys: ['oleg'] },
        ],
        // p1 loses a key others keep and one only it had, and gains one; p2 is given twice (its last keys count);
        // an id of no entity is skipped.
        [
          { id: 'p1', keys: ['anna', 'petrov'] },
          { id: 'p2', keys: ['zzz'] },
          { id: 'nobody', keys: ['anna', 'ghost'] },
          { id: 'p2', keys: ['anna', 'ivanova', 'petrov'] },
        ],
        // Keys moved between entities in one batch, and an entity left with none.
        [
          { id: 'p3', keys: ['anna', 'ivanova', 'oleg'] },
          { id: 'p2', keys: ['oleg'] },
          { id: 'p1', keys: [] },
        ],
        // The same keys again change nothing.
        [{ id: 'p3', keys: ['oleg', 'anna', 'ivanova'] }],
      ];
      for (let i = 0; i < batches.length; i++) {
        await store.putMatchKeys(admin, batches[i] as MatchKeys[], 10 + i);
        expect(await store.matchIndexMarker(admin)).toBe(10 + i);
        await expectExact(store, expected(batches.slice(0, i + 1), stored));
      }
      const df = (await tables(store)).df;
      expect(df.get('petrova')).toBe(0);
      expect(df.get('shared')).toBe(0);
      expect(df.get('anna')).toBe(1);
      expect(df.has('ghost')).toBe(false);
      // Candidates see only the keys in use.
      expect((await store.candidates(admin, ['oleg'], { limit: 10 })).map((c) => c.id).sort()).toEqual([
        'p2',
        'p3',
      ]);
      expect(await store.candidates(admin, ['petrova'], { limit: 10 })).toEqual([]);
    });

    it('starts over, once, for profiles of another name analysis', async () => {
      await store.putStatements(admin, { dataset: 'case', records: [person('p1', 'Anna Petrova', 1)] });
      // A new store has no stamp: the first build records it (starting from 0, where it is anyway).
      expect(await store.restartMatchIndexFor(admin, 'v1')).toBe(true);
      expect(await store.restartMatchIndexFor(admin, 'v1')).toBe(false);
      await store.putMatchKeys(admin, [{ id: 'p1', keys: ['anna'] }], 7);
      expect(await store.restartMatchIndexFor(admin, 'v1')).toBe(false);
      expect(await store.matchIndexMarker(admin)).toBe(7);
      // Another analysis: back to the start, keys kept until filed again (the build replaces them).
      expect(await store.restartMatchIndexFor(admin, 'v2')).toBe(true);
      expect(await store.matchIndexMarker(admin)).toBe(0);
      await expectExact(store, ['p1 anna']);
      expect(await store.restartMatchIndexFor(admin, 'v2')).toBe(false);
      const restarts = await store.auditLog(admin, { action: 'index.restart' });
      expect(restarts.map((e) => e.detail)).toEqual([{ stamp: 'v2' }, { stamp: 'v1' }]);
    });

    it('keeps frequencies exact over many random re-filings', async () => {
      const ids = Array.from({ length: 24 }, (_, i) => `r${i}`);
      await store.putStatements(admin, {
        dataset: 'case',
        records: ids.map((id, i) => person(id, `Name ${i}`, i + 1)),
      });
      const stored = new Set(ids);
      const keyPool = Array.from({ length: 12 }, (_, i) => `k${i}`);
      const next = random(7);
      const batches: MatchKeys[][] = [];
      for (let round = 0; round < 25; round++) {
        const batch: MatchKeys[] = [];
        const size = 1 + Math.floor(next() * 10);
        for (let j = 0; j < size; j++) {
          // Now and then an id of no entity; keys may repeat within an entry.
          const id = next() < 0.1 ? `missing${j}` : (ids[Math.floor(next() * ids.length)] as string);
          const keys = keyPool.filter(() => next() < 0.3);
          if (next() < 0.2 && keys.length > 0) keys.push(keys[0] as string);
          batch.push({ id, keys });
        }
        batches.push(batch);
        await store.putMatchKeys(admin, batch, round + 1);
        await expectExact(store, expected(batches, stored));
      }
    });

    it('pages changed entities as changedFromRows pages the statement rows', async () => {
      // Entities written more than once, so their rows interleave with others' and a page can end inside one.
      for (let round = 0; round < 3; round++) {
        await store.putStatements(admin, {
          dataset: `d${round}`,
          records: Array.from({ length: 7 }, (_, i) =>
            person(`c${(i * (round + 2)) % 9}`, `Name ${round} ${i}`, round * 10 + i + 1),
          ),
        });
      }
      const rows = await statementRows(store);
      expect(rows.length).toBeGreaterThan(15);
      for (const limit of [1, 2, 3, 5, 100]) {
        let marker = 0;
        const seen: string[] = [];
        for (;;) {
          const page = await store.entitiesChangedSince(admin, marker, limit);
          const want = changedFromRows(
            rows.filter((r) => r.r > marker).slice(0, changedRowLimit(limit)),
            marker,
            limit,
          );
          expect(page).toEqual(want);
          if (page.ids.length === 0) break;
          seen.push(...page.ids);
          marker = page.marker;
        }
        expect(new Set(seen)).toEqual(new Set(rows.map((r) => r.id)));
      }
      const end = rows.at(-1)?.r ?? 0;
      expect(await store.entitiesChangedSince(admin, end, 10)).toEqual({ ids: [], marker: end });
    });
  });
}

/** Every statement row in write order with its entity id, as the stores' markers count them. */
async function statementRows(store: Store): Promise<{ r: number; id: string }[]> {
  if (store instanceof SqliteStore)
    return store.db
      .prepare(
        'SELECT s.rowid AS r, e.id AS id FROM statements s JOIN entities e ON e.eid = s.eid ORDER BY s.rowid',
      )
      .all() as { r: number; id: string }[];
  if (store instanceof PostgresStore)
    return store.db.query<{ r: number; id: string }>(
      'SELECT s.seq AS r, e.id FROM statements s JOIN entities e ON e.eid = s.eid ORDER BY s.seq',
    );
  throw new Error(`no statement reader for ${store.kind}`);
}

runMatchIndexContract('sqlite (memory)', async () => new SqliteStore({ path: ':memory:' }));
runMatchIndexContract(
  'sqlite (file, WAL)',
  async () => new SqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'nexus-match-index-')), 'store.db') }),
);

const unavailable = await pgUnavailable();
if (unavailable)
  describe('match index contract: postgres', () => {
    it.skip(`skipped: ${unavailable}`, () => {});
  });
else runMatchIndexContract('postgres', async () => pgStore());
