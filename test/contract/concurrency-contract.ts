// Concurrent writers on one store through separate handles (connections, pools, processes in production): edits,
// merges and ingests interleaved must lose no update, leave one consistent cluster and an unbroken audit chain.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AccessContext, localOperator } from '../../src/access/index.js';
import { verifyChain } from '../../src/audit/index.js';
import { newEntity } from '../../src/ingest/reader.js';
import { validateRecord } from '../../src/ingest/validate.js';
import type { RecordStatements, Store } from '../../src/store/index.js';

const NOW = '2026-01-01T00:00:00';

function rec(id: string, name: string, line: number): RecordStatements {
  const e = newEntity(id, 'Person');
  e.properties.set('name', [name]);
  const v = validateRecord(
    { kind: 'record', origin: { file: 'concurrent.jsonl', line }, entities: [e] },
    { dataset: 'case', marking: 'OFFICIAL', grading: null, now: NOW },
  );
  return { groups: v.groups };
}

/** `open()` gives a new handle on the same store each call (a second connection or pool). */
export function runConcurrencyContract(name: string, open: () => Promise<Store>): void {
  describe(`Store concurrency: ${name}`, () => {
    const handles: Store[] = [];
    const admin: AccessContext = localOperator('tester', 'concurrency test');

    beforeEach(async () => {
      for (let i = 0; i < 3; i++) {
        const s = await open();
        const m = await s.migrate();
        expect(m.error).toBeUndefined();
        handles.push(s);
      }
    });
    afterEach(async () => {
      for (const s of handles.splice(0)) await s.close();
    });

    it('keeps every statement of interleaved ingests, with one audit record per batch and an intact chain', async () => {
      const batches = 12;
      const perBatch = 25;
      await Promise.all(
        Array.from({ length: batches }, (_, b) =>
          (handles[b % handles.length] as Store).putStatements(admin, {
            dataset: 'case',
            records: Array.from({ length: perBatch }, (_, i) =>
              rec(`c${b}-${i}`, `Person ${b} ${i}`, b * 100 + i),
            ),
            checkpoint: { sourceKey: `src-${b}`, dataset: 'case', itemsDone: perBatch, complete: true },
          }),
        ),
      );
      const s = handles[0] as Store;
      const stats = await s.stats(admin);
      expect(stats.entities.Person).toBe(batches * perBatch);
      for (let b = 0; b < batches; b++)
        expect((await s.getCheckpoint(admin, `src-${b}`))?.itemsDone).toBe(perBatch);
      const chain = await verifyChain(s.scanAudit(admin));
      expect(chain.ok).toBe(true);
      const writes = (await s.auditLog(admin, { action: 'ingest.batch', limit: 1000 })).length;
      expect(writes).toBe(batches);
    });

    it('merges judged at once from different handles into one cluster, none lost', async () => {
      const s = handles[0] as Store;
      const ids = Array.from({ length: 8 }, (_, i) => `m${i}`);
      await s.putStatements(admin, {
        dataset: 'case',
        records: ids.map((id, i) => rec(id, `Same Person ${i}`, i)),
      });
      // A chain m0-m1, m1-m2, ... judged in parallel: every link joins the same cluster whatever the order.
      await Promise.all(
        ids
          .slice(1)
          .map((id, i) =>
            (handles[i % handles.length] as Store).judge(admin, ids[i] as string, id, 'match', 'same person'),
          ),
      );
      const canon = await s.canonicalOf(admin, 'm0');
      expect(canon).toMatch(/^NX-/);
      for (const id of ids) expect(await (handles[2] as Store).canonicalOf(admin, id)).toBe(canon);
      const merged = await s.getEntity(admin, canon);
      expect(merged?.properties.get('name')?.length).toBe(ids.length);
      expect((await verifyChain(s.scanAudit(admin))).ok).toBe(true);
    });

    it('keeps concurrent edits of one entity from different handles (no lost update)', async () => {
      const s = handles[0] as Store;
      await Promise.all(
        Array.from({ length: 9 }, (_, i) =>
          (handles[i % handles.length] as Store).putStatements(admin, {
            dataset: 'case',
            records: [rec('same', `Alias ${i}`, i)],
          }),
        ),
      );
      const e = await s.getEntity(admin, 'same');
      expect(new Set(e?.properties.get('name'))).toEqual(
        new Set(Array.from({ length: 9 }, (_, i) => `Alias ${i}`)),
      );
    });
  });
}
