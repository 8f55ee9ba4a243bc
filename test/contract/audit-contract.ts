// The audit and erasure part of the Store contract (SECURITY.md R11-R13): every store runs it beside the main suite.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AccessContext, localOperator, makeContext } from '../../src/access/index.js';
import { type AuditRecord, verifyChain } from '../../src/audit/index.js';
import { newEntity } from '../../src/ingest/reader.js';
import { validateRecord } from '../../src/ingest/validate.js';
import type { RecordStatements, Store } from '../../src/store/index.js';

function rec(
  id: string,
  schema: string,
  props: Record<string, string[]>,
  marking = 'OFFICIAL',
): RecordStatements {
  const e = newEntity(id, schema);
  for (const [k, v] of Object.entries(props)) e.properties.set(k, v);
  const v = validateRecord(
    { kind: 'record', origin: { file: 'audit.jsonl', line: 1 }, entities: [e] },
    { dataset: 'case', marking, grading: null, now: '2026-01-01T00:00:00' },
  );
  return { groups: v.groups };
}

async function all(store: Store, ctx: AccessContext): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const batch of store.scanAudit(ctx, { batch: 3 })) out.push(...batch);
  return out;
}

export function runAuditContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store audit contract: ${name}`, () => {
    let store: Store;
    const admin = makeContext({
      user: 'ops',
      clearance: 'TOP SECRET',
      caveats: ['UK EYES ONLY', 'SENSITIVE'],
      purpose: 'operation KESTREL',
      requestId: 'req-1',
    });
    const official = makeContext({
      user: 'analyst',
      clearance: 'OFFICIAL',
      purpose: 'case 7',
      requestId: 'req-2',
    });

    beforeEach(async () => {
      store = await makeStore();
      expect((await store.migrate()).error).toBeUndefined();
    });
    afterEach(async () => {
      await store.close();
    });

    it('records every write in the same transaction with user, UTC time, purpose and request id', async () => {
      await store.upsertDataset(admin, { name: 'case', title: 'Case', fictional: true });
      await store.putStatements(admin, {
        dataset: 'case',
        records: [
          rec('p1', 'Person', { name: ['Viktor Kazan'] }),
          rec('p2', 'Person', { name: ['V. Kazan'] }),
        ],
      });
      await store.judge(admin, 'p1', 'p2', 'match', 'same passport');
      const records = await all(store, admin);
      expect(records.map((r) => r.action)).toEqual(['dataset.put', 'ingest.batch', 'xref.judge']);
      for (const r of records) {
        expect(r.user).toBe('ops');
        expect(r.purpose).toBe('operation KESTREL');
        expect(r.requestId).toBe('req-1');
        expect(r.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
      expect(records[1]).toMatchObject({ category: 'collection', objects: ['case'] });
      expect(records[1]?.detail).toMatchObject({ records: 2, statements_written: 4 });
      expect(records[2]).toMatchObject({ category: 'combination', objects: ['p1', 'p2'] });
      // No values in the log: names stay in the statements.
      expect(JSON.stringify(records)).not.toContain('Kazan');
    });

    it('appends read records in order, durable when the promise resolves, and lists them newest first', async () => {
      const many = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          store.audit(official, [{ action: 'entity.read', category: 'consultation', objects: [`e${i}`] }]),
        ),
      );
      expect(many.flat().map((r) => r.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      const listed = await store.auditLog(admin, { user: 'analyst', limit: 5 });
      expect(listed.map((r) => r.seq)).toEqual([25, 24, 23, 22, 21]);
      expect((await store.auditLog(admin, { before: 3 })).map((r) => r.seq)).toEqual([2, 1]);
      expect(await store.auditLog(admin, { requestId: 'req-2', limit: 1 })).toHaveLength(1);
      expect(await store.auditLog(admin, { action: 'nothing.like.this' })).toEqual([]);
    });

    it('chains every record to the one before, and verify walks the chain to its head', async () => {
      await store.putStatements(admin, { dataset: 'case', records: [rec('p1', 'Person', { name: ['A'] })] });
      await store.audit(official, [
        { action: 'search', category: 'consultation', detail: { q: 'line\r\nbreak \u001b[31m' } },
      ]);
      const records = await all(store, admin);
      expect(records[0]?.prevHash).toBe('0'.repeat(64));
      expect(records[1]?.prevHash).toBe(records[0]?.hash);
      expect(records[1]?.detail.q).toBe('line\\x0d\\x0abreak \\x1b[31m');
      const report = await verifyChain(store.scanAudit(admin, { batch: 1 }));
      expect(report).toMatchObject({ ok: true, records: 2, lastSeq: 2, head: records[1]?.hash });
    });

    it('refuses events that are not dotted actions or known categories', async () => {
      await expect(store.audit(admin, [{ action: 'Bad Action', category: 'consultation' }])).rejects.toThrow(
        /dotted/,
      );
      await expect(
        store.audit(admin, [{ action: 'x.y', category: 'gossip' as 'consultation' }]),
      ).rejects.toThrow(/category/);
      expect(await all(store, admin)).toEqual([]);
    });

    it('erases records, references to them and their index rows; the record names ids and counts only', async () => {
      await store.putStatements(admin, {
        dataset: 'case',
        records: [
          rec('p1', 'Person', { name: ['Erased Person'], phone: ['+447700900123'] }),
          rec('c1', 'Company', { name: ['Kept Company'] }),
          rec('o1', 'Ownership', { owner: ['p1'], asset: ['c1'] }),
          rec('p2', 'Person', { name: ['Erased Person Alias'] }, 'SECRET'),
        ],
      });
      await store.judge(admin, 'p1', 'p2', 'match', 'Erased Person seen twice');
      const before = await store.version(admin);
      // A record hidden from this reader is answered like a missing id; a visible one merged with a hidden one is
      // refused whole, so nobody destroys what they cannot see.
      await store.putStatements(admin, {
        dataset: 'case',
        records: [rec('p3', 'Person', { name: ['Q'] }, 'SECRET')],
      });
      await expect(store.erase(official, { ids: ['p3'], reason: 'SAR-1' })).rejects.toMatchObject({
        code: 'ENTITY_NOT_FOUND',
      });
      await expect(store.erase(official, { ids: ['p1'], reason: 'SAR-1' })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      expect(await store.getEntity(admin, 'p2')).toBeDefined();
      await expect(store.erase(admin, { ids: ['p1'], reason: ' ' })).rejects.toMatchObject({
        code: 'USAGE_INVALID',
      });
      const result = await store.erase(admin, { ids: ['p1'], reason: 'SAR-1' });
      expect(result.records).toEqual(['p1', 'p2']);
      expect(result.statements).toBeGreaterThanOrEqual(5);
      expect(result.references).toBe(1);
      expect(await store.getEntity(admin, 'p1')).toBeUndefined();
      expect(await store.getEntity(admin, 'p2')).toBeUndefined();
      expect(await store.searchNames(admin, 'Erased')).toEqual([]);
      expect((await store.referencing(admin, 'c1')).length).toBe(1);
      expect((await store.getEntity(admin, 'o1'))?.properties.get('owner')).toBeUndefined();
      expect(await store.judgements(admin, 'p1')).toEqual([]);
      expect(await store.version(admin)).not.toBe(before);
      const erasure = (await store.auditLog(admin, { category: 'erasure' }))[0];
      expect(erasure).toMatchObject({ action: 'entity.erase', objects: ['p1', 'p2'] });
      expect(erasure?.detail).toMatchObject({ reason: 'SAR-1', references: 1 });
      expect(JSON.stringify(await all(store, admin))).not.toMatch(/Erased|447700900123/);
      expect((await verifyChain(store.scanAudit(admin))).ok).toBe(true);
    });

    it('lets only what the local operator holds be erased through a lower context', async () => {
      const op = localOperator('ops', 'erasure');
      await store.putStatements(op, { dataset: 'case', records: [rec('x1', 'Person', { name: ['X'] })] });
      expect((await store.erase(official, { ids: ['x1'], reason: 'R-2' })).records).toEqual(['x1']);
    });
  });
}
