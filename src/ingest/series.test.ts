// Indicator series ingest: the generic CSV and the three real formats on small fixtures, rejects that name file,
// line, field and reason, idempotent reloads and resuming after a crash.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localOperator } from '../access/index.js';
import { SqliteStore, type Store, type StoredSeriesPoint } from '../store/index.js';
import { ingest } from './pipeline.js';
import type { Reject } from './reader.js';
import { parsePeriod, slug } from './series-reader.js';

const op = localOperator('t', 'test');
const DIR = 'test/fixtures/series';
let store: SqliteStore;

beforeEach(async () => {
  store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
});
afterEach(async () => {
  await store.close();
});

async function load(format: string, path: string, rejects: Reject[] = [], dataset = 'ds') {
  return ingest(op, store, { dataset, format, paths: [path], onReject: (r) => rejects.push(r) });
}

async function points(id: string): Promise<StoredSeriesPoint[]> {
  return store.seriesPoints(op, [id]);
}

const values = (ps: StoredSeriesPoint[]) => ps.map((p) => [p.period, p.value]);

describe('the generic series CSV', () => {
  it('stores every valid row and rejects the rest naming line, field and reason', async () => {
    const rejects: Reject[] = [];
    const summary = await load('series', `${DIR}/generic.csv`, rejects);
    expect(summary).toMatchObject({ format: 'series', accepted: 4, entities: 4, statements: 6, rejected: 7 });
    const fraud = await points('fraud/uk');
    expect(fraud.map((p) => [p.period, p.value, p.low, p.high, p.partial])).toEqual([
      ['2021-01-01', 1000, 900, 1100, false],
      ['2022-01-01', 1200.5, null, null, false],
      ['2023-01-01', 1300, null, null, true],
    ]);
    expect(fraud[0]?.origin).toBe('generic.csv:2');
    const [listed] = await store.listSeries(op, { ids: ['fraud/uk'] });
    expect(listed).toMatchObject({
      unit: 'reports',
      area: 'United Kingdom',
      country: 'gb',
      frequency: 'year',
    });
    expect(listed?.source).toBe('generic.csv');
    expect(values(await points('q/x'))).toEqual([['2020-07-01', 5]]);
    expect((await store.listSeries(op, { ids: ['q/x'] }))[0]).toMatchObject({
      area: 'Area, with comma',
      frequency: 'quarter',
    });
    expect(values(await points('w/x'))).toEqual([['2020-12-28', 7]]);
    const by = (line: number) => rejects.find((r) => r.line === line);
    expect(by(6)).toMatchObject({ file: 'generic.csv', code: 'PERIOD_DUPLICATE', field: 'period' });
    expect(by(7)).toMatchObject({ code: 'VALUE_INVALID', field: 'value' });
    expect(by(8)).toMatchObject({ code: 'SERIES_INCONSISTENT', field: 'unit' });
    expect(by(10)?.field).toBe('period');
    expect(by(12)?.field).toBe('period');
    expect(by(13)).toMatchObject({ field: 'low', code: 'VALUE_INVALID' });
    expect(by(14)).toMatchObject({ field: 'value', code: 'VALUE_INVALID' });
    // Formula-looking ids and `__proto__` areas are kept as text.
    const hostile = "=cmd|' /C calc'!A0";
    expect(values(await points(hostile))).toEqual([['2020-01-05', 1000]]);
    expect((await store.listSeries(op, { area: '__proto__' })).map((s) => s.id)).toEqual([hostile]);
  });

  it('adds nothing when the same file is loaded again', async () => {
    await load('series', `${DIR}/generic.csv`);
    const again = await load('series', `${DIR}/generic.csv`);
    expect(again).toMatchObject({ accepted: 0, duplicates: 4, statements: 0, entities: 0, rejected: 7 });
  });

  it('names missing columns', async () => {
    const rejects: Reject[] = [];
    await load('series', `${DIR}/small-boats/long_uk_small_boats_yearly.csv`, rejects);
    expect(rejects[0]).toMatchObject({ code: 'COLUMN_MISSING', line: 1 });
    expect(rejects[0]?.reason).toContain('series, name, unit, area, period, value');
  });

  it('reads every period form, and slugs names', () => {
    expect(parsePeriod('2019')).toEqual({ period: '2019-01-01', frequency: 'year' });
    expect(parsePeriod('2019Q4')).toEqual({ period: '2019-10-01', frequency: 'quarter' });
    expect(parsePeriod('2019-02')).toEqual({ period: '2019-02-01', frequency: 'month' });
    expect(parsePeriod('2019-W01')).toEqual({ period: '2018-12-31', frequency: 'week' });
    expect(parsePeriod('2019-02-29')).toBeUndefined();
    expect(parsePeriod('2020-02-29')).toEqual({ period: '2020-02-29', frequency: 'day' });
    expect(slug('Istanbul (II-VII)')).toBe('istanbul-ii-vii');
    expect(slug('Domžale-Kamnik')).toBe('domzale-kamnik');
  });
});

describe('wastewater (EMCDDA / SCORE)', () => {
  it('averages each city-year from the CSV and the JSON, taking shared measurements once', async () => {
    const rejects: Reject[] = [];
    const summary = await load('wastewater', `${DIR}/wastewater`, rejects);
    expect(summary).toMatchObject({ accepted: 2, entities: 2, statements: 3 });
    const london = await points('wastewater/gb/london/cocaine');
    // 2019: Monday 500 (in both files), Tuesday 600, Wednesday 700, Thursday 400 (JSON only): mean 550.
    expect(london.map((p) => [p.period, p.value, p.low, p.high])).toEqual([
      ['2019-01-01', 550, 400, 700],
      ['2020-01-01', 800, 800, 800],
    ]);
    expect(london[0]?.origin).toBe('flat.csv:2-4; nested.json#measurement 2');
    const [s] = await store.listSeries(op, { area: 'London' });
    expect(s).toMatchObject({
      name: 'Cocaine (as benzoylecgonine) in wastewater, London (United Kingdom)',
      unit: 'mg/1000 people/day',
      country: 'gb',
      subject: 'cocaine',
      frequency: 'year',
    });
    expect(values(await points('wastewater/at/graz/amphetamine'))).toEqual([['2021-01-01', 47.15]]);
    expect(rejects.map((r) => [r.file, r.line ?? r.record, r.field, r.code])).toEqual([
      ['flat.csv', 6, 'dayofweek', 'VALUE_INVALID'],
      ['flat.csv', 7, 'mg_per_1000_people_per_day', 'VALUE_INVALID'],
      ['nested.json', 'measurement 3', 'mg_per_1000_people_per_day', 'MEASUREMENT_CONFLICT'],
      ['nested.json', 'measurement 4', 'mg_per_1000_people_per_day', 'VALUE_INVALID'],
    ]);
    expect(rejects[2]?.reason).toContain('800 in flat.csv');
  });
});

describe('small boats (Home Office)', () => {
  it('gives people, boats and people per boat for each file, blanks as no crossings, the year to date partial', async () => {
    const rejects: Reject[] = [];
    const summary = await load('small-boats', `${DIR}/small-boats`, rejects);
    expect(summary).toMatchObject({ accepted: 6, statements: 17 });
    expect(values(await points('small-boats/people/day'))).toEqual([
      ['2025-12-30', 100],
      ['2025-12-31', 0],
      ['2026-01-01', 60],
    ]);
    expect(values(await points('small-boats/people-per-boat/day'))).toEqual([
      ['2025-12-30', 50],
      ['2026-01-01', 60],
    ]);
    const ppb = await points('small-boats/people-per-boat/year');
    expect(ppb.map((p) => [p.period, p.value, p.partial])).toEqual([
      ['2024-01-01', 36816 / 695, false],
      ['2025-01-01', 41472 / 672, false],
      ['2026-01-01', 15897 / 234, true],
    ]);
    expect(rejects.map((r) => [r.file, r.line, r.field, r.code])).toEqual([
      ['long_uk_small_boats_daily.csv', 5, 'boats_arrived', 'VALUE_INVALID'],
      ['long_uk_small_boats_daily.csv', 6, 'migrants_arrived', 'VALUE_INVALID'],
      ['long_uk_small_boats_weekly.csv', undefined, undefined, 'FILE_SKIPPED'],
    ]);
  });
});

describe('police-recorded crime (police.uk)', () => {
  it('counts rows per month and crime type with zeros, and refuses a month read from a second file', async () => {
    const rejects: Reject[] = [];
    const summary = await load('police-crime', `${DIR}/police`, rejects);
    expect(summary).toMatchObject({ accepted: 4, statements: 8 });
    const base = 'police-crime/city-of-london-police';
    // Two rows share Crime ID "aa": police.uk publishes such rows, and both are counted.
    expect(values(await points(`${base}/drugs`))).toEqual([
      ['2024-01-01', 2],
      ['2024-02-01', 1],
    ]);
    expect(values(await points(`${base}/robbery`))).toEqual([
      ['2024-01-01', 1],
      ['2024-02-01', 0],
    ]);
    expect(values(await points(`${base}/all-crime`))).toEqual([
      ['2024-01-01', 3],
      ['2024-02-01', 1],
    ]);
    expect((await store.listSeries(op, { subject: 'Anti-social behaviour' }))[0]?.unit).toBe('incidents');
    expect(rejects.map((r) => [r.file, r.line, r.field, r.code])).toEqual([
      ['2024-01-city-street.csv', 6, 'month', 'VALUE_INVALID'],
      ['2024-02-city-street.csv', 2, 'month', 'MONTH_DUPLICATE'],
    ]);
    expect(rejects[1]?.reason).toContain('counted from 2024-02-city-street-copy.csv');
  });
});

describe('resuming', () => {
  it('continues after a crash from the last committed batch and ends as a clean load does', async () => {
    let calls = 0;
    const crashing = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'putSeries')
          return async (...args: Parameters<Store['putSeries']>) => {
            if (++calls === 3) throw new Error('power cut');
            return target.putSeries(...args);
          };
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Store;
    const req = { dataset: 'boats', format: 'small-boats', paths: [`${DIR}/small-boats`], batchSize: 2 };
    await expect(ingest(op, crashing, req)).rejects.toThrow('power cut');
    const resumed = await ingest(op, store, req);
    expect(resumed.resumedFrom).toBeGreaterThan(0);
    const clean = new SqliteStore({ path: ':memory:' });
    await clean.migrate();
    await ingest(op, clean, req);
    const all = async (s: Store) => {
      const ids = (await s.listSeries(op)).map((x) => x.id);
      return (await s.seriesPoints(op, ids)).map((p) => [p.series, p.period, p.value, p.partial]);
    };
    expect(await all(store)).toEqual(await all(clean));
    await clean.close();
  });
});
