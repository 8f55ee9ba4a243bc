// SECURITY.md R2: re-ingesting adds nothing, and any permutation or duplication of input rows gives the same store.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localOperator } from '../../src/access/index.js';
import { buildScenario } from '../../src/demo/scenario.js';
import { ingest } from '../../src/ingest/index.js';
import { Random } from '../../src/model/random.js';
import { SqliteStore } from '../../src/store/index.js';

const ctx = localOperator('test', 'idempotency test');
const lines = buildScenario().open.map((e) => JSON.stringify(e));
const now = () => new Date('2026-01-01T00:00:00Z');

async function digestOf(rows: string[], batchSize: number): Promise<{ digest: string; statements: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-idem-'));
  const file = join(dir, 'in.ftm.jsonl');
  writeFileSync(file, `${rows.join('\n')}\n`);
  const store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
  const summary = await ingest(ctx, store, { dataset: 'd', paths: [file], batchSize, now });
  const digest = await store.digest(ctx);
  await store.close();
  return { digest, statements: summary.statements };
}

describe('idempotent ingest', () => {
  it('gives the same store for any order, duplication and batch size', async () => {
    const want = await digestOf(lines, 50);
    const r = new Random(7);
    for (let i = 0; i < 8; i++) {
      const rows = [...lines, ...lines.filter(() => r.next() < 0.3)];
      for (let j = rows.length - 1; j > 0; j--) {
        const k = r.int(0, j);
        [rows[j], rows[k]] = [rows[k] as string, rows[j] as string];
      }
      const got = await digestOf(rows, r.int(1, 400));
      expect(got).toEqual(want);
    }
  });

  it('reports 0 accepted and N duplicates on the second run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-idem-'));
    const file = join(dir, 'in.ftm.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const store = new SqliteStore({ path: join(dir, 'store.db') });
    await store.migrate();
    const first = await ingest(ctx, store, { dataset: 'd', paths: [file], now });
    const before = await store.digest(ctx);
    const second = await ingest(ctx, store, { dataset: 'd', paths: [file], now });
    expect(first.accepted).toBe(lines.length);
    expect(second).toMatchObject({ accepted: 0, duplicates: lines.length, statements: 0, entities: 0 });
    expect(await store.digest(ctx)).toBe(before);
    await store.close();
  });
});
