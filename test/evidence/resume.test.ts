// R1/R2 for evidence ingest: a run stopped after some committed batches resumes after them and ends with the same
// store as an uninterrupted run; running it again adds nothing.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localOperator } from '../../src/access/index.js';
import { ingestEvidence } from '../../src/evidence/index.js';
import { SqliteStore, type Store } from '../../src/store/index.js';
import { makePdf, plainJpeg, plainPng } from './fixtures.js';

const ctx = localOperator('tester', 'evidence resume test');

function folder(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'nexus-evidence-resume-')), 'case');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  for (let i = 0; i < 5; i++) writeFileSync(join(dir, `note-${i}.txt`), `Note ${i} about the shipment.`);
  writeFileSync(join(dir, 'sub', 'report.pdf'), makePdf(['Report text']));
  writeFileSync(join(dir, 'sub', 'a.jpg'), plainJpeg());
  writeFileSync(join(dir, 'sub', 'b.png'), plainPng());
  return dir;
}

async function fresh(): Promise<SqliteStore> {
  const store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
  return store;
}

describe('evidence ingest after a crash', () => {
  it('resumes after the last committed batch and ends with the same store', async () => {
    const dir = folder();
    const clean = await fresh();
    await ingestEvidence(ctx, clean, { dataset: 'ev', paths: [dir], ocr: false, batchSize: 1 });
    const expected = await clean.digest(ctx);

    const store = await fresh();
    const stop = new AbortController();
    let writes = 0;
    // Stops the run after its third committed batch, as a kill between batches would.
    const stopping = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop !== 'putStatements') return Reflect.get(target, prop, receiver);
        return async (...args: Parameters<Store['putStatements']>) => {
          const result = await target.putStatements(...args);
          if (++writes === 3) stop.abort();
          return result;
        };
      },
    });
    const first = await ingestEvidence(ctx, stopping, {
      dataset: 'ev',
      paths: [dir],
      ocr: false,
      batchSize: 1,
      signal: stop.signal,
    });
    expect(first.documents).toBeLessThan(8);
    const second = await ingestEvidence(ctx, store, {
      dataset: 'ev',
      paths: [dir],
      ocr: false,
      batchSize: 1,
    });
    expect(second.resumedFrom).toBeGreaterThan(0);
    expect(await store.digest(ctx)).toBe(expected);
    expect(second.nearDuplicates.length).toBe(1);

    const again = await ingestEvidence(ctx, store, { dataset: 'ev', paths: [dir], ocr: false, batchSize: 1 });
    expect(again.statements).toBe(0);
    expect(again.resumedFrom).toBe(0);
    expect(await store.digest(ctx)).toBe(expected);
    await clean.close();
    await store.close();
  }, 60_000);
});
