// Match profiles: screening and cross-referencing answer exactly as they do from whole entities, with far fewer loaded.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { localOperator } from '../access/index.js';
import { ingest } from '../ingest/index.js';
import { SqliteStore, type Store, type Suggestion } from '../store/index.js';
import { updateMatchIndex } from './index-builder.js';
import { ANALYSIS_STAMP, forgetAnalyses, storedNames } from './names/index.js';
import { parseProfile } from './profile.js';
import { screen } from './screening.js';
import { xref } from './xref.js';

const operator = localOperator('test', 'profile test');

/** Lists with aliases, identifiers, dates, countries, topics and text the scorer never reads; a case file to screen. */
const LIST = [
  {
    id: 'l1',
    schema: 'Person',
    properties: {
      name: ['Ruslan Tamirovich Belov'],
      alias: ['Ruslan Belov', 'R. T. Belov'],
      birthDate: ['1979-03-02'],
      nationality: ['ru'],
      passportNumber: ['7501 123456'],
      topics: ['sanction'],
      notes: ['Listed for acting on behalf of a hostile state.'],
    },
  },
  {
    id: 'l2',
    schema: 'Person',
    properties: { name: ['Ruslan Belov'], birthDate: ['1990'], nationality: ['ua'], gender: ['male'] },
  },
  {
    id: 'l3',
    schema: 'Company',
    properties: { name: ['OOO Severny Trade'], alias: ['Severny Trade LLC'], jurisdiction: ['ru'] },
  },
  {
    id: 'l4',
    schema: 'Company',
    properties: { name: ['Severnaya Torgovlya JSC'], registrationNumber: ['1027700'] },
  },
  {
    id: 'l5',
    schema: 'Person',
    properties: { name: ['Kim Jong Un'], alias: ['KIM Jong-un', '김정은'], email: ['kju@example.kp'] },
  },
  { id: 'l6', schema: 'Person', properties: { firstName: ['Margaret'], lastName: ['Oyelaran-Whitby'] } },
];
const CASE = [
  { id: 'c1', schema: 'Person', properties: { name: ['Belov, Ruslan'], birthDate: ['1979-03-02'] } },
  { id: 'c2', schema: 'Company', properties: { name: ['Severny Trade'], jurisdiction: ['ru'] } },
  { id: 'c3', schema: 'Person', properties: { name: ['Kim Jong-Un'], email: ['KJU@example.kp'] } },
  { id: 'c4', schema: 'Person', properties: { name: ['Margaret Whitby'] } },
];
const QUERIES = [
  ...CASE.map((c) => ({ schema: c.schema, properties: c.properties })),
  { schema: 'Person', properties: { name: ['Ruslan Belov'], nationality: ['ru'] } },
  { schema: 'Person', properties: { passportNumber: ['7501123456'] } },
  { schema: 'LegalEntity', properties: { name: ['Severny'] } },
  { schema: 'Company', properties: { name: ['Severnaya Torgovlya'], registrationNumber: ['1027700'] } },
];

/** The store as it would be without profiles, counting the entities each way loads. */
function counting(store: Store, profiles: boolean) {
  const seen = { profiles: 0, entities: 0 };
  const view = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'matchProfiles')
        return async (...args: Parameters<Store['matchProfiles']>) => {
          const found = profiles ? await target.matchProfiles(...args) : new Map();
          seen.profiles += found.size;
          return found;
        };
      if (prop === 'getEntities')
        return async (...args: Parameters<Store['getEntities']>) => {
          seen.entities += args[1].length;
          return target.getEntities(...args);
        };
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { view, seen };
}

const store = new SqliteStore({ path: ':memory:' });

beforeAll(async () => {
  await store.migrate();
  const dir = mkdtempSync(join(tmpdir(), 'nexus-profile-'));
  const write = (name: string, rows: object[]) => {
    const path = join(dir, name);
    writeFileSync(path, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    return path;
  };
  await ingest(operator, store, { dataset: 'lists', format: 'ftm', paths: [write('lists.jsonl', LIST)] });
  await ingest(operator, store, { dataset: 'case', format: 'ftm', paths: [write('case.jsonl', CASE)] });
  await updateMatchIndex(operator, store);
});

describe('match profiles', () => {
  it('keep what scoring reads and nothing it does not', async () => {
    const texts = await store.matchProfiles(operator, ['l1', 'l6']);
    const got = new Map([...texts].map(([id, text]) => [id, parseProfile(text)]));
    expect(got.get('l1')).toEqual({
      schema: 'Person',
      properties: {
        name: ['Ruslan Tamirovich Belov'],
        alias: ['Ruslan Belov', 'R. T. Belov'],
        birthDate: ['1979-03-02'],
        nationality: ['ru'],
        passportNumber: ['7501 123456'],
        topics: ['sanction'],
      },
      datasets: ['lists'],
      names: storedNames('Person', ['Ruslan Tamirovich Belov', 'Ruslan Belov', 'R. T. Belov']),
    });
    expect(got.get('l1')?.names?.stamp).toBe(ANALYSIS_STAMP);
    expect(got.get('l6')?.properties).toEqual({ firstName: ['Margaret'], lastName: ['Oyelaran-Whitby'] });
  });

  it('give screening the same answers as whole entities, loading only the results', async () => {
    const body = { queries: Object.fromEntries(QUERIES.map((q, i) => [`q${i}`, q])) };
    let shownAll = 0;
    let loadedWithout = 0;
    for (const params of [
      { dataset: 'default' },
      { dataset: 'default', threshold: 0.3, limit: 10 },
      { dataset: 'lists', topics: ['sanction'] },
      { dataset: 'default', excludeDataset: ['case'], excludeSchema: ['Company'] },
    ]) {
      const withProfiles = counting(store, true);
      const without = counting(store, false);
      // From cold analysis caches, so the profiles' stored analyses are what the first run compares.
      forgetAnalyses();
      const a = await screen(operator, withProfiles.view, body, params);
      forgetAnalyses();
      const b = await screen(operator, without.view, body, params);
      expect(a, JSON.stringify(params)).toEqual(b);
      expect(withProfiles.seen.profiles).toBeGreaterThan(0);
      const shown = Object.values(a.responses).reduce((n, r) => n + r.results.length, 0);
      expect(withProfiles.seen.entities).toBe(shown);
      shownAll += shown;
      loadedWithout += without.seen.entities;
    }
    expect(loadedWithout).toBeGreaterThan(shownAll);
    const hits = (await screen(operator, store, body, { dataset: 'default' })).responses;
    expect(hits.q0?.results[0]).toMatchObject({ id: 'l1', match: true });
    expect(hits.q5?.results[0]).toMatchObject({ id: 'l1', match: true });
  });

  it('give cross-referencing the same suggestions as whole entities', async () => {
    const suggested = async (profiles: boolean) => {
      const { view, seen } = counting(store, profiles);
      const kept: Suggestion[] = [];
      const capture = new Proxy(view, {
        get(target, prop, receiver) {
          if (prop === 'putSuggestions')
            return async (_ctx: unknown, list: Suggestion[]) => {
              kept.push(...list);
              return list.length;
            };
          return Reflect.get(target, prop, receiver);
        },
      });
      const summary = await xref(operator, capture, { dataset: 'case' });
      return { kept, summary: { ...summary, elapsedMs: 0 }, seen };
    };
    forgetAnalyses();
    const a = await suggested(true);
    forgetAnalyses();
    const b = await suggested(false);
    expect(a.kept).toEqual(b.kept);
    expect(a.summary).toEqual(b.summary);
    expect(a.kept.map((s) => `${s.a} ${s.b}`)).toContain('c1 l1');
    expect(a.seen.profiles).toBeGreaterThan(0);
  });
});
