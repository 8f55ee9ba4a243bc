// The document-text part of the Store contract (Store.searchText): text search over visible bodyText statements
// with snippets, hidden text neither found nor counted (R8), datasets filtered, pages stable, erasure forgetting.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localOperator, makeContext } from '../../src/access/index.js';
import { newEntity } from '../../src/ingest/reader.js';
import { validateRecord } from '../../src/ingest/validate.js';
import type { Store, TextSearchResults } from '../../src/store/index.js';

const LONG = `${'Filler words about shipping schedules. '.repeat(20)}The cargo was paid by Ångström Holdings in cash. ${'More filler after the match. '.repeat(20)}`;

export function runDocumentContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store document contract: ${name}`, () => {
    let store: Store;
    const op = localOperator('ops', 'contract');
    const official = makeContext({ user: 'a', clearance: 'OFFICIAL', purpose: 'contract' });
    const search = (
      ctx = op,
      q = 'angstrom holdings',
      more: { datasets?: string[]; limit?: number; offset?: number } = {},
    ) =>
      store.searchText(ctx, {
        q,
        limit: more.limit ?? 10,
        ...more,
      });

    const put = async (id: string, text: string, marking = 'OFFICIAL', dataset = 'docs') => {
      const e = newEntity(id, 'PlainText');
      e.properties.set('fileName', [`${id}.txt`]);
      e.properties.set('bodyText', [text]);
      const v = validateRecord(
        { kind: 'record', origin: { file: `${id}.txt` }, entities: [e] },
        { dataset, marking, grading: null, now: '2026-01-01T00:00:00' },
      );
      await store.putStatements(op, { dataset, records: [{ groups: v.groups }] });
    };

    beforeEach(async () => {
      store = await makeStore();
      expect((await store.migrate()).error).toBeUndefined();
      await put('doc-a', LONG);
      await put('doc-b', 'Angstrom Holdings again, briefly.', 'OFFICIAL', 'other');
      await put('doc-c', 'Nothing of interest here.');
      await put('doc-secret', 'Ångström Holdings CANARY-TEXT in a secret file.', 'SECRET');
    });
    afterEach(async () => {
      await store.close();
    });

    it('finds document text by folded, prefixed words, with a snippet around the match', async () => {
      const r: TextSearchResults = await search(op, 'ANGSTR hold');
      expect(r.total).toBe(3);
      expect(r.hits.map((h) => h.id).sort()).toEqual(['doc-a', 'doc-b', 'doc-secret']);
      const a = r.hits.find((h) => h.id === 'doc-a');
      expect(a?.schema).toBe('PlainText');
      expect(a?.caption).toBe('doc-a.txt');
      const text = a?.snippet.map((p) => p.text).join('') ?? '';
      expect(text).toContain('paid by Ångström Holdings in cash');
      expect(text.length).toBeLessThan(300);
      expect(a?.snippet.filter((p) => p.match).map((p) => p.text)).toEqual(['Ångström', 'Holdings']);
      expect(r.marking).toBe('SECRET');
    });

    it('never finds or counts text the reader may not see', async () => {
      const r = await search(official);
      expect(r.total).toBe(2);
      expect(JSON.stringify(r)).not.toContain('CANARY');
      expect(r.marking).toBe('OFFICIAL');
      expect((await search(official, 'canary')).total).toBe(0);
    });

    it('filters by dataset and pages stably', async () => {
      expect((await search(op, 'angstrom', { datasets: ['other'] })).hits.map((h) => h.id)).toEqual([
        'doc-b',
      ]);
      const first = await search(op, 'angstrom', { limit: 2 });
      const second = await search(op, 'angstrom', { limit: 2, offset: 2 });
      expect(first.total).toBe(3);
      expect([...first.hits, ...second.hits].map((h) => h.id).sort()).toEqual([
        'doc-a',
        'doc-b',
        'doc-secret',
      ]);
    });

    it('answers nothing for a query without words, and refuses bad pages', async () => {
      expect((await search(op, ' -- ')).total).toBe(0);
      await expect(search(op, 'x', { limit: 0 })).rejects.toMatchObject({ code: 'USAGE_INVALID' });
      await expect(search(op, 'x', { offset: 10_001 })).rejects.toMatchObject({ code: 'USAGE_INVALID' });
    });

    it('forgets erased documents', async () => {
      await store.erase(op, { ids: ['doc-a'], reason: 'contract' });
      expect((await search(op)).hits.map((h) => h.id).sort()).toEqual(['doc-b', 'doc-secret']);
    });
  });
}
