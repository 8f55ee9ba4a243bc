// The index builder: builds once, reports progress, then only picks up entities written since.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localOperator } from '../access/index.js';
import { ingest } from '../ingest/index.js';
import { SqliteStore } from '../store/index.js';
import { type IndexProgress, updateMatchIndex } from './index-builder.js';
import { matchKeysFor } from './keys.js';

const ctx = localOperator('test', 'index builder test');

describe('updateMatchIndex', () => {
  it('indexes every entity, then only the changed ones, and makes them candidates', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    await store.migrate();
    await ingest(ctx, store, { dataset: 'case', format: 'ftm', paths: ['test/fixtures/ftm/case.ftm.jsonl'] });
    const events: IndexProgress[] = [];
    const first = await updateMatchIndex(ctx, store, (p) => events.push(p));
    expect(first.entities).toBe(6);
    expect(first.keys).toBeGreaterThan(0);
    expect(events.at(-1)?.processed).toBe(6);
    expect((await updateMatchIndex(ctx, store)).entities).toBe(0);

    const file = join(mkdtempSync(join(tmpdir(), 'nexus-index-')), 'more.ftm.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify({ id: 'new-1', schema: 'Person', properties: { name: ['Viktor Sekretov'] } })}\n`,
    );
    await ingest(ctx, store, { dataset: 'more', format: 'ftm', paths: [file] });
    const second = await updateMatchIndex(ctx, store);
    expect(second.entities).toBe(1);
    expect(second.marker).toBeGreaterThan(first.marker);
    const keys = matchKeysFor({ schema: 'Person', properties: new Map([['name', ['Viktor Sekretov']]]) });
    const found = await store.candidates(ctx, keys, { limit: 5 });
    expect(found[0]?.id).toBe('new-1');
    await store.close();
  });
});
