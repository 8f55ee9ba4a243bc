// The three real indicator datasets through the series ingest: counts, known values, and the trends the source
// assessment talks about (UK cities' cocaine loads; people per boat per year).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { localOperator } from '../../src/access/index.js';
import { KNOWN_SERIES } from '../../src/demo/sources.js';
import { consumption, countDirections, emergingSignals, trend } from '../../src/indicators/index.js';
import { type IngestSummary, ingest, type Reject } from '../../src/ingest/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { DATA_DIR } from './data-dir.js';

// The demo's own definitions (nexus demo loads these when present), so what is tested is what the demo loads.
const SOURCES = Object.fromEntries(KNOWN_SERIES.map((s) => [s.format, s.paths[0] as string]));
const present = Object.values(SOURCES).every((d) => existsSync(join(DATA_DIR, d)));
const ctx = localOperator('test', 'real-data test');

describe.skipIf(!present)(
  `real indicator series (needs ${Object.values(SOURCES).join(', ')} in ${DATA_DIR}; set NEXUS_DATA_DIR)`,
  () => {
    const store = new SqliteStore({ path: ':memory:' });
    const summaries = new Map<string, IngestSummary>();
    const rejects = new Map<string, Reject[]>();
    const points = async (id: string) => store.seriesPoints(ctx, [id]);

    beforeAll(async () => {
      await store.migrate();
      for (const [format, dir] of Object.entries(SOURCES)) {
        const list: Reject[] = [];
        summaries.set(
          format,
          await ingest(ctx, store, {
            dataset: format,
            format,
            paths: [join(DATA_DIR, dir)],
            onReject: (r) => list.push(r),
          }),
        );
        rejects.set(format, list);
      }
    }, 120_000);

    it('loads every city and substance of the EMCDDA extract, taking the CSV and the JSON as one', async () => {
      // 17,758 daily loads; 636 (city, substance) pairs over 2,569 city-substance-years (counted from the flat CSV).
      expect(summaries.get('wastewater')).toMatchObject({ accepted: 636, entities: 636, statements: 2569 });
      // Only the folder's LICENSE.md and SOURCE.md are refused: no measurement differs between the two files.
      expect(rejects.get('wastewater')?.map((r) => [r.file, r.code])).toEqual([
        ['LICENSE.md', 'FORMAT_MISMATCH'],
        ['SOURCE.md', 'FORMAT_MISMATCH'],
      ]);
      const london = await points('wastewater/gb/london/cocaine');
      expect(london.map((p) => p.period.slice(0, 4))).toEqual([
        '2011',
        '2013',
        '2014',
        '2015',
        '2016',
        '2019',
      ]);
      // 2019: seven daily loads averaging 618.824 (380.89 to 874.47), mg benzoylecgonine per 1000 people per day.
      expect(london[5]).toMatchObject({ low: 380.89, high: 874.47 });
      expect(london[5]?.value).toBeCloseTo(618.8243, 4);
      expect((await points('wastewater/gb/bristol/cocaine'))[0]?.value).toBeCloseTo(248.2986, 4);
      expect((await store.listSeries(ctx, { subject: 'cannabis' })).length).toBeGreaterThan(10);
      expect(
        new Set((await store.listSeries(ctx, { datasets: ['wastewater'] })).map((s) => s.country)).size,
      ).toBe(30);
    });

    it('loads the Home Office small-boat counts: 2022 peaks at 45,755 people in 1,110 boats', async () => {
      expect(summaries.get('small-boats')).toMatchObject({ accepted: 9, entities: 9 });
      expect(rejects.get('small-boats')?.map((r) => r.code)).toEqual(Array(6).fill('FILE_SKIPPED'));
      const people = await points('small-boats/people/year');
      const boats = await points('small-boats/boats/year');
      expect(people.find((p) => p.period === '2022-01-01')?.value).toBe(45_755);
      expect(boats.find((p) => p.period === '2022-01-01')?.value).toBe(1_110);
      expect((await points('small-boats/people/day')).length).toBe(3154);
      expect((await points('small-boats/people/month')).length).toBe(104);
      // The daily file ends on 2026-08-20, so 2026 and August 2026 are partial.
      expect(people.filter((p) => p.partial).map((p) => p.period)).toEqual(['2026-01-01']);
      const months = await points('small-boats/people/month');
      expect(months.filter((p) => p.partial).map((p) => p.period)).toEqual(['2026-08-01']);
      // The monthly and daily files add up to the yearly one for a complete year.
      const sum = (ps: { period: string; value: number }[], year: string) =>
        ps.filter((p) => p.period.startsWith(year)).reduce((s, p) => s + p.value, 0);
      expect(sum(months, '2023')).toBe(29_437);
      expect(sum(await points('small-boats/people/day'), '2023')).toBe(29_437);
    });

    it('counts police.uk street crime in the City of London per month and type, as SOURCE.md does', async () => {
      expect(summaries.get('police-crime')).toMatchObject({ accepted: 15, statements: 15 * 36 });
      const total = async (type: string) =>
        (await points(`police-crime/city-of-london-police/${type}`)).reduce((s, p) => s + p.value, 0);
      expect(await total('other-theft')).toBe(5638);
      expect(await total('drugs')).toBe(1756);
      expect(await total('anti-social-behaviour')).toBe(1964);
      expect(await total('possession-of-weapons')).toBe(224);
      // 27,422 rows less 1,964 anti-social behaviour incidents.
      expect(await total('all-crime')).toBe(25_458);
      expect((await points('police-crime/city-of-london-police/all-crime'))[0]).toMatchObject({
        period: '2021-09-01',
        origin: '2021-09-city-of-london-street.csv',
      });
    });

    it('loads nothing twice', async () => {
      for (const [format, dir] of Object.entries(SOURCES)) {
        const again = await ingest(ctx, store, { dataset: format, format, paths: [join(DATA_DIR, dir)] });
        expect(again, format).toMatchObject({ accepted: 0, statements: 0, entities: 0 });
      }
    });

    it("finds the trend of UK cities' cocaine loads: Bristol rising, London level at 0.05", async () => {
      const uk = (await store.listSeries(ctx, { area: 'gb', subject: 'cocaine' })).map((s) => s.id);
      expect(uk).toEqual(['wastewater/gb/bristol/cocaine', 'wastewater/gb/london/cocaine']);
      const trends = await Promise.all(uk.map(async (id) => trend(await points(id))));
      const [bristol, london] = trends;
      // Bristol 2014-2021: 248, 306, 390, 755, 969, 849: one falling pair of 15 (2018 -> 2021), so S = 14 - 1 = 13;
      // exact two-sided p = P(|S| >= 13) = 2 x 6/720 = 0.0167 < 0.05: rising.
      expect(bristol?.mannKendall).toMatchObject({ s: 13, method: 'exact' });
      expect(bristol?.mannKendall?.p).toBeCloseTo(12 / 720, 12);
      expect(bristol?.direction).toBe('rising');
      // London 2011-2019: up to 2015, then down: S = 5, exact p = 0.469: level.
      expect(london?.mannKendall?.s).toBe(5);
      expect(london?.direction).toBe('level');
      expect(countDirections(trends)).toEqual({ rising: 1, falling: 0, level: 1, insufficient: 0 });
      // The 2019 London load as cocaine consumed: 618.8 x 2.33 = 1441.9 mg per 1000 people per day (to 2221.5 at 3.59).
      const c = consumption((await points('wastewater/gb/london/cocaine'))[5]?.value as number, 'cocaine');
      expect(c.value).toBeCloseTo(1441.86, 1);
      expect(c.high).toBeCloseTo(2221.58, 1);
    });

    it('counts European cities by the direction of their cocaine loads, and finds substances appearing', async () => {
      const list = await store.listSeries(ctx, { datasets: ['wastewater'] });
      const all = await store.seriesPoints(
        ctx,
        list.map((s) => s.id),
      );
      const series = list.map((s) => ({
        id: s.id,
        area: `${s.country}/${s.area}`,
        subject: s.subject,
        points: all.filter((p) => p.series === s.id),
      }));
      const cocaine = series.filter((s) => s.subject === 'cocaine').map((s) => trend(s.points));
      // 142 cities with cocaine loads; half have fewer than 4 years. None falls significantly over its years.
      expect(countDirections(cocaine)).toEqual({ rising: 25, falling: 0, level: 45, insufficient: 72 });
      const signals = emergingSignals(series);
      // London's methamphetamine: 8.2 (2011), 9.0 (2013), 0 (2014), 0 (2015), then 57.6 in 2019.
      expect(signals.filter((x) => x.area === 'gb/London')).toEqual([
        expect.objectContaining({
          kind: 'after-zero',
          series: 'wastewater/gb/london/methamphetamine',
          period: '2019-01-01',
          absent: ['2014-01-01', '2015-01-01'],
        }),
      ]);
      expect(signals.some((x) => x.kind === 'new-in-area')).toBe(true);
    });

    it('finds people per boat rising every year from 7 (2018) to 62 (2025), the partial 2026 left out', async () => {
      const t = trend(await points('small-boats/people-per-boat/year'));
      expect(t).toMatchObject({ n: 8, first: '2018-01-01', last: '2025-01-01', excluded: ['2026-01-01'] });
      // Strictly increasing: S = 28 (all pairs), tau = 1, exact two-sided p = 2/8! = 4.96e-5.
      expect(t.mannKendall).toMatchObject({ s: 28, tau: 1, method: 'exact' });
      expect(t.mannKendall?.p).toBeCloseTo(2 / 40_320, 10);
      expect(t.direction).toBe('rising');
      expect(t.theilSen?.slope).toBeGreaterThan(7);
      expect(t.theilSen?.slope).toBeLessThan(10);
      expect(t.theilSen?.low).toBeGreaterThan(0);
    });
  },
);
