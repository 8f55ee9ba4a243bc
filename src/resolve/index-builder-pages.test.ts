// The index builder over many pages and load batches: every id is filed with the keys of the entity getEntity
// gives it (a cluster member with the merged canonical entity's), and failures surface without stray rejections.
import { describe, expect, it } from 'vitest';
import { localOperator } from '../access/index.js';
import { newEntity } from '../ingest/reader.js';
import { validateRecord } from '../ingest/validate.js';
import { type RecordStatements, SqliteStore } from '../store/index.js';
import { type IndexProgress, updateMatchIndex } from './index-builder.js';
import { matchKeysFor } from './keys.js';

const ctx = localOperator('test', 'index builder pages test');

function person(id: string, name: string, line: number): RecordStatements {
  const e = newEntity(id, 'Person');
  e.properties.set('name', [name]);
  const v = validateRecord(
    { kind: 'record', origin: { file: 'fixture.jsonl', line }, entities: [e] },
    { dataset: 'case', marking: 'OFFICIAL', grading: null, now: '2026-01-01T00:00:00' },
  );
  return { groups: v.groups };
}

async function storeOf(names: string[]): Promise<SqliteStore> {
  const store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
  const records = names.map((name, i) => person(`p${i}`, name, i + 1));
  await store.putStatements(ctx, { dataset: 'case', records });
  return store;
}

/** Pages of at most `size` changed entities, as a large store's pages end. */
function pagedBy(store: SqliteStore, size: number): void {
  const changed = store.entitiesChangedSince.bind(store);
  store.entitiesChangedSince = (c, marker) => changed(c, marker, size);
}

/** Each filed id with its keys, from the index table. */
function filed(store: SqliteStore): Map<string, string[]> {
  const rows = store.db
    .prepare('SELECT e.id, m.key FROM match_keys m JOIN entities e ON e.eid = m.eid ORDER BY e.id, m.key')
    .all() as { id: string; key: string }[];
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.id, [...(out.get(r.id) ?? []), r.key]);
  return out;
}

/** What the index must hold: every entity's keys as getEntity gives the entity, one entity at a time. */
async function expected(store: SqliteStore): Promise<Map<string, string[]>> {
  const ids = store.db.prepare('SELECT id FROM entities ORDER BY id').pluck().all() as string[];
  const out = new Map<string, string[]>();
  for (const id of ids) {
    const entity = await store.getEntity(ctx, id);
    const keys = entity ? [...new Set(matchKeysFor(entity))].sort() : [];
    if (keys.length > 0) out.set(id, keys);
  }
  return out;
}

describe('updateMatchIndex over pages', () => {
  it('files every id as getEntity gives it, cluster members with the canonical entity, page after page', async () => {
    const store = await storeOf([
      'Anna Petrova',
      'Anna Petrovna Ivanova',
      'Oleg Sokolov',
      'Viktor Kazan',
      'Maria Kazan',
      'Igor Petrov',
      'Olga Sokolova',
    ]);
    const { canonical } = await store.judge(ctx, 'p0', 'p1', 'match', 'same person');
    expect(canonical).toMatch(/^NX-/);
    pagedBy(store, 2);
    const events: IndexProgress[] = [];
    const summary = await updateMatchIndex(ctx, store, (p) => events.push(p));
    expect(summary.entities).toBe(7);
    expect(events.length).toBeGreaterThanOrEqual(4);
    expect(events.at(-1)?.processed).toBe(7);
    const index = filed(store);
    expect(index).toEqual(await expected(store));
    // Both members carry the merged record's names.
    expect(index.get('p0')).toContain('ivanova');
    expect(index.get('p1')).toEqual(index.get('p0'));
    expect((await updateMatchIndex(ctx, store)).entities).toBe(0);
    await store.close();
  });

  it('loads a large page a batch at a time', async () => {
    const names = Array.from({ length: 4100 }, (_, i) => `Person Number${i % 997} Family${i % 13}`);
    const store = await storeOf(names);
    const batches: number[] = [];
    const getEntities = store.getEntities.bind(store);
    store.getEntities = (c, ids) => {
      batches.push(ids.length);
      return getEntities(c, ids);
    };
    const summary = await updateMatchIndex(ctx, store);
    expect(summary.entities).toBe(4100);
    expect(batches).toEqual([2000, 2000, 100]);
    expect(filed(store)).toEqual(await expected(store));
    await store.close();
  });

  it('reports a failed write, with the page read ahead failing too, and keeps the marker', async () => {
    const store = await storeOf(['Anna Petrova', 'Oleg Sokolov', 'Viktor Kazan']);
    pagedBy(store, 1);
    const changed = store.entitiesChangedSince.bind(store);
    let reads = 0;
    store.entitiesChangedSince = (c, marker, limit) =>
      ++reads > 1 ? Promise.reject(new Error('read failed')) : changed(c, marker, limit);
    store.putMatchKeys = () => Promise.reject(new Error('write failed'));
    await expect(updateMatchIndex(ctx, store)).rejects.toThrow('write failed');
    expect(reads).toBe(2);
    expect(await store.matchIndexMarker(ctx)).toBe(0);
    await store.close();
  });

  it('reports a failed load', async () => {
    const store = await storeOf(['Anna Petrova']);
    store.getEntities = () => Promise.reject(new Error('load failed'));
    await expect(updateMatchIndex(ctx, store)).rejects.toThrow('load failed');
    await store.close();
  });
});
