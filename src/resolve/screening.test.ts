// Screening against a temporary store: hits, visibility, batch limits, per-query errors and the yente filters.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { localOperator, makeContext } from '../access/index.js';
import { ingest } from '../ingest/index.js';
import { isNexusError } from '../model/index.js';
import { SqliteStore } from '../store/index.js';
import { updateMatchIndex } from './index-builder.js';
import { compareNamePairs, screen } from './screening.js';

const operator = localOperator('test', 'screening test');
const official = makeContext({ user: 'analyst', clearance: 'OFFICIAL', purpose: 'screening test' });
const store = new SqliteStore({ path: ':memory:' });

const belov = {
  schema: 'Person',
  properties: { name: ['Ruslan Belov'], birthDate: ['1979-03-02'], nationality: ['ru'] },
};

beforeAll(async () => {
  await store.migrate();
  await ingest(operator, store, {
    dataset: 'case',
    format: 'ftm',
    marking: 'OFFICIAL',
    paths: ['test/fixtures/ftm/case.ftm.jsonl'],
  });
  const dir = mkdtempSync(join(tmpdir(), 'nexus-screening-'));
  const secret = join(dir, 'secret.ftm.jsonl');
  writeFileSync(
    secret,
    `${[
      {
        id: 'sec-1',
        schema: 'Person',
        properties: { name: ['Ruslan Tamirovich Belov'], nationality: ['ru'] },
      },
      { id: 'sec-2', schema: 'Person', properties: { name: ['Viktor Sekretov'] } },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n')}\n`,
  );
  await ingest(operator, store, { dataset: 'secret', format: 'ftm', marking: 'SECRET', paths: [secret] });
  await updateMatchIndex(operator, store);
});

const one = async (ctx: typeof operator, query: unknown, params = {}) => {
  const answer = await screen(ctx, store, { queries: { q1: query } }, { dataset: 'default', ...params });
  const r = answer.responses.q1;
  if (!r) throw new Error('no response for q1');
  return { answer, r };
};

describe('screen', () => {
  it('finds a known person with a match and the yente result shape', async () => {
    const { answer, r } = await one(official, belov);
    expect(r.status).toBe(200);
    const top = r.results[0];
    expect(top).toMatchObject({
      id: 'case-p1',
      schema: 'Person',
      match: true,
      datasets: ['case'],
      referents: [],
    });
    expect(top?.score).toBeGreaterThanOrEqual(0.7);
    expect(top?.properties.name).toEqual(['Ruslan Tamirovich Belov']);
    expect(top?.explanation.join('\n')).toMatch(/birth date: 1979-03-02 = 1979-03-02/);
    expect(top?.target).toBe(true);
    expect(r.total.relation).toBe('eq');
    expect(r.query).toMatchObject({ schema: 'Person', properties: { name: ['Ruslan Belov'] } });
    expect(answer.matcher.features.name_match?.coefficient).toBe(1);
    expect(answer.limit).toBe(5);
  });

  it('never shows a SECRET entity to an OFFICIAL reader, nor counts it', async () => {
    const hidden = await one(official, { schema: 'Person', properties: { name: ['Viktor Sekretov'] } });
    expect(hidden.r).toMatchObject({ status: 200, results: [], total: { value: 0 } });
    const seen = await one(operator, { schema: 'Person', properties: { name: ['Viktor Sekretov'] } });
    expect(seen.r.results[0]?.id).toBe('sec-2');
    const a = await one(official, belov);
    const b = await one(operator, belov);
    expect(a.r.results.map((x) => x.id)).not.toContain('sec-1');
    expect(b.r.results.map((x) => x.id)).toContain('sec-1');
    expect(b.r.total.value).toBe(a.r.total.value + 1);
  });

  it('refuses more than 100 queries and malformed bodies with USAGE_INVALID', async () => {
    const queries = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`q${i}`, belov]));
    await expect(screen(official, store, { queries }, { dataset: 'default' })).rejects.toSatisfy((e) =>
      isNexusError(e, 'USAGE_INVALID'),
    );
    for (const body of [null, 'x', { queries: [] }, {}])
      await expect(screen(official, store, body, { dataset: 'default' })).rejects.toSatisfy((e) =>
        isNexusError(e, 'USAGE_INVALID'),
      );
    await expect(
      screen(official, store, { queries: {} }, { dataset: 'default', threshold: 2 }),
    ).rejects.toSatisfy((e) => isNexusError(e, 'USAGE_INVALID'));
  });

  it('answers each bad query with its own 400 while the good ones run', async () => {
    const bad: Record<string, unknown> = {
      schema: { schema: 'Dragon', properties: { name: ['Smaug'] } },
      noname: { schema: 'Person', properties: { nationality: ['ru'] } },
      short: { schema: 'Person', properties: { name: ['X'] } },
      long: { schema: 'Person', properties: { name: ['x'.repeat(1001)] } },
      emoji: { schema: 'Person', properties: { name: ['😀😀'] } },
      date: { schema: 'Person', properties: { name: ['Ruslan Belov'], birthDate: ['not a date'] } },
      object: { schema: 'Person', properties: { name: [{ x: 1 }] } },
      notObject: 'Ruslan Belov',
    };
    const queries = JSON.parse(
      JSON.stringify({ ...bad, good: belov, proto: { schema: 'Person', properties: {} } }).replace(
        '"proto":{"schema":"Person","properties":{}}',
        '"proto":{"schema":"Person","properties":{"__proto__":["x"],"name":["Ruslan Belov"]}}',
      ),
    ) as Record<string, unknown>;
    const answer = await screen(official, store, { queries }, { dataset: 'default' });
    for (const key of [...Object.keys(bad), 'proto']) {
      const r = answer.responses[key];
      expect(r?.status, key).toBe(400);
      expect(r?.error, key).toMatch(/\w/);
      expect(r?.results).toEqual([]);
    }
    expect(answer.responses.proto?.error).toMatch(/__proto__/);
    expect(answer.responses.good?.status).toBe(200);
    expect(answer.responses.good?.results[0]?.id).toBe('case-p1');
  });

  it('keeps a query named __proto__ an ordinary key of the answer', async () => {
    const queries = JSON.parse(`{"__proto__": ${JSON.stringify(belov)}}`) as Record<string, unknown>;
    const answer = await screen(official, store, { queries }, { dataset: 'default' });
    expect(Object.hasOwn(answer.responses, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(answer.responses, '__proto__')?.value).toMatchObject({
      status: 200,
    });
    expect(Object.getPrototypeOf(answer.responses)).toBe(Object.prototype);
  });

  it('clamps the limit to 1..10', async () => {
    expect((await one(official, belov, { limit: 50 })).answer.limit).toBe(10);
    const low = await one(official, belov, { limit: 0 });
    expect(low.answer.limit).toBe(1);
    expect(low.r.results.length).toBeLessThanOrEqual(1);
  });

  it('honours exclude_schema, the dataset, topics and changed_since', async () => {
    const company = { schema: 'LegalEntity', properties: { name: ['Severny Trade'] } };
    expect((await one(official, company)).r.results[0]?.id).toBe('case-c1');
    expect((await one(official, company, { excludeSchema: ['Company'] })).r.results).toEqual([]);
    expect((await one(official, belov, { dataset: 'case' })).r.results[0]?.id).toBe('case-p1');
    expect((await one(official, belov, { dataset: 'nothing_here' })).r.results).toEqual([]);
    expect((await one(official, belov, { excludeDataset: ['case'] })).r.results).toEqual([]);
    expect((await one(official, belov, { topics: ['sanction'] })).r.results[0]?.id).toBe('case-p1');
    expect((await one(official, belov, { topics: ['role.pep'] })).r.results).toEqual([]);
    expect((await one(official, belov, { changedSince: '2199-01-01' })).r.results).toEqual([]);
  });
});

describe('compareNamePairs', () => {
  it('scores pairs in order and never throws on odd rows', () => {
    const out = compareNamePairs([
      { schema: 'Person', name1: 'Kim Jong Un', name2: 'KIM Jong-un' },
      { schema: 'Person', name1: 'Kim Jong Un', name2: 'Severny Trade' },
      { schema: 'Dragon', name1: 'a', name2: 'b' },
      { schema: 'Person', name1: '', name2: '😀' },
    ]);
    expect(out[0]?.match).toBe(true);
    expect(out[1]?.match).toBe(false);
    expect(out[2]).toMatchObject({ score: 0, match: false });
    expect(out[3]?.score).toBe(0);
  });
});

/** A new in-memory store holding these FtM records as dataset `d`, indexed. */
async function storeWith(records: object[]): Promise<SqliteStore> {
  const local = new SqliteStore({ path: ':memory:' });
  await local.migrate();
  const dir = mkdtempSync(join(tmpdir(), 'nexus-screening-local-'));
  const file = join(dir, 'd.ftm.jsonl');
  writeFileSync(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  await ingest(operator, local, { dataset: 'd', format: 'ftm', paths: [file] });
  await updateMatchIndex(operator, local);
  return local;
}

describe('screen ordering', () => {
  it('puts a listed target before an equally scored record that is not one', async () => {
    const local = await storeWith([
      { id: 'a-plain', schema: 'Person', properties: { name: ['Anatoly Grebnev'] } },
      { id: 'z-listed', schema: 'Person', properties: { name: ['Anatoly Grebnev'], topics: ['sanction'] } },
    ]);
    const answer = await screen(
      operator,
      local,
      { queries: { q: { schema: 'Person', properties: { name: ['Anatoly Grebnev'] } } } },
      { dataset: 'default' },
    );
    expect(answer.responses.q?.results.map((x) => x.id)).toEqual(['z-listed', 'a-plain']);
    await local.close();
  });
});

describe('screen across scripts', () => {
  it('finds a name listed in Latin script from a query in Arabic script, which has no p, v or g', async () => {
    const local = await storeWith([
      { id: 'putin', schema: 'Person', properties: { name: ['Vladimir Vladimirovich Putin'] } },
      { id: 'gandhi', schema: 'Person', properties: { name: ['Pranab Gandhi'] } },
    ]);
    const answer = await screen(
      operator,
      local,
      {
        queries: {
          putin: { schema: 'Person', properties: { name: ['فلاديمير بوتين'] } },
          gandhi: { schema: 'Person', properties: { name: ['براناب غاندي'] } },
        },
      },
      { dataset: 'default' },
    );
    // No word of either query is written as in the list: only the Latin keys an Arabic-script key may stand for
    // (f for v, b for p, gh for g) bring the listed names up as candidates.
    expect(answer.responses.putin?.results.map((x) => [x.id, x.match])).toEqual([['putin', true]]);
    expect(answer.responses.gandhi?.results.map((x) => [x.id, x.match])).toEqual([['gandhi', true]]);
    await local.close();
  });
});
