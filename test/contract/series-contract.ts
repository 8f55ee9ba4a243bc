// The indicator-series part of the Store contract: series and points stored exactly, deduplicated on reload, filtered
// like statements by the reader's clearance, with the checkpoint and audit record in the same transaction.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localOperator, makeContext } from '../../src/access/index.js';
import type { SeriesBatch, SeriesInput, Store } from '../../src/store/index.js';

function series(id: string, points: [string, number][], over: Partial<SeriesInput> = {}): SeriesInput {
  return {
    id,
    name: `Series ${id}`,
    unit: 'mg/1000 people/day',
    area: 'London',
    country: 'gb',
    subject: 'cocaine',
    frequency: 'year',
    source: 'contract fixture',
    points: points.map(([period, value]) => ({
      period,
      value,
      low: null,
      high: null,
      origin: `f.csv:${period}`,
    })),
    ...over,
  };
}

function batch(over: Partial<SeriesBatch> = {}): SeriesBatch {
  return { dataset: 'ww', origin: 'f.csv', marking: 'OFFICIAL', grading: null, series: [], ...over };
}

export function runSeriesContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store series contract: ${name}`, () => {
    let store: Store;
    const op = localOperator('ops', 'contract');
    const official = makeContext({ user: 'a', clearance: 'OFFICIAL', purpose: 'contract' });

    beforeEach(async () => {
      store = await makeStore();
      expect((await store.migrate()).error).toBeUndefined();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores series and points exactly, with bounds, partial periods and origins, in period order', async () => {
      const tiny = 0.1 + 0.2;
      const s = series('wastewater/gb/london/cocaine', [
        ['2019-01-01', 618.824],
        ['2011-01-01', tiny],
      ]);
      (s.points[0] as { low: number | null }).low = 500.5;
      (s.points[0] as { high: number | null }).high = 700;
      (s.points[1] as { partial?: boolean }).partial = true;
      const r = await store.putSeries(
        op,
        batch({ series: [s, series('x/other', [['2020-01-01', 3]], { area: 'Bristol' })] }),
      );
      expect(r).toEqual({ newPerSeries: [2, 1], pointsWritten: 3, seriesCreated: 2, conflicts: [] });
      const points = await store.seriesPoints(op, ['wastewater/gb/london/cocaine']);
      expect(points).toEqual([
        {
          series: 'wastewater/gb/london/cocaine',
          dataset: 'ww',
          period: '2011-01-01',
          value: tiny,
          low: null,
          high: null,
          partial: true,
          origin: 'f.csv:2011-01-01',
          marking: 'OFFICIAL',
        },
        expect.objectContaining({
          period: '2019-01-01',
          value: 618.824,
          low: 500.5,
          high: 700,
          partial: false,
        }),
      ]);
      const listed = await store.listSeries(op);
      expect(listed.map((l) => l.id)).toEqual(['wastewater/gb/london/cocaine', 'x/other']);
      expect(listed[0]).toMatchObject({
        name: 'Series wastewater/gb/london/cocaine',
        unit: 'mg/1000 people/day',
        area: 'London',
        country: 'gb',
        subject: 'cocaine',
        frequency: 'year',
        source: 'contract fixture',
        dataset: 'ww',
        marking: 'OFFICIAL',
        grading: null,
        points: 2,
        first: '2011-01-01',
        last: '2019-01-01',
      });
      expect((await store.listSeries(op, { area: 'bristol' })).map((l) => l.id)).toEqual(['x/other']);
      expect((await store.listSeries(op, { area: 'GB' })).length).toBe(2);
      expect((await store.listSeries(op, { subject: 'Cocaine', ids: ['x/other'] })).length).toBe(1);
      expect(await store.listSeries(op, { datasets: ['other'] })).toEqual([]);
      expect(await store.listSeries(op, { ids: [] })).toEqual([]);
    });

    it('adds nothing on a reload, and reports a changed value or unit instead of overwriting', async () => {
      const b = batch({
        series: [
          series('s1', [
            ['2020-01-01', 1],
            ['2021-01-01', 2],
          ]),
        ],
      });
      await store.putSeries(op, b);
      const v = await store.version(op);
      expect(await store.putSeries(op, b)).toEqual({
        newPerSeries: [0],
        pointsWritten: 0,
        seriesCreated: 0,
        conflicts: [],
      });
      expect(await store.version(op)).toBe(v);
      const changed = await store.putSeries(
        op,
        batch({
          series: [
            series('s1', [
              ['2021-01-01', 2.5],
              ['2022-01-01', 3],
            ]),
          ],
        }),
      );
      expect(changed).toMatchObject({ newPerSeries: [1], pointsWritten: 1 });
      // New points move the store version, so derived products (reports) know they are stale.
      expect(await store.version(op)).not.toBe(v);
      expect(changed.conflicts).toEqual([
        {
          series: 's1',
          index: 0,
          period: '2021-01-01',
          reason: expect.stringContaining('already stored as 2'),
        },
      ]);
      expect((await store.seriesPoints(op, ['s1'])).map((p) => p.value)).toEqual([1, 2, 3]);
      const unit = await store.putSeries(
        op,
        batch({ series: [series('s1', [['2023-01-01', 4]], { unit: 'kg' })] }),
      );
      expect(unit.conflicts[0]).toMatchObject({ series: 's1', period: null });
      expect(unit.pointsWritten).toBe(0);
      // The same id in another dataset is another series.
      const other = await store.putSeries(
        op,
        batch({ dataset: 'ww2', series: [series('s1', [['2020-01-01', 9]])] }),
      );
      expect(other.seriesCreated).toBe(1);
      expect((await store.seriesPoints(op, ['s1'])).map((p) => [p.dataset, p.value])).toEqual([
        ['ww', 1],
        ['ww', 2],
        ['ww', 3],
        ['ww2', 9],
      ]);
      expect((await store.seriesPoints(op, ['s1'], { datasets: ['ww2'] })).length).toBe(1);
    });

    it('shows series and points only within the reader clearance, and commits the checkpoint and audit record', async () => {
      await store.putSeries(
        op,
        batch({
          dataset: 'case',
          marking: 'SECRET',
          grading: '2BP',
          series: [series('hidden', [['2020-01-01', 1]])],
          checkpoint: { sourceKey: 'k1', dataset: 'case', itemsDone: 1, complete: false },
        }),
      );
      await store.putSeries(op, batch({ series: [series('open', [['2020-01-01', 1]])] }));
      // SECRET points added to an OFFICIAL series stay hidden from the OFFICIAL reader.
      await store.putSeries(op, batch({ marking: 'SECRET', series: [series('open', [['2021-01-01', 2]])] }));
      expect((await store.listSeries(official)).map((s) => [s.id, s.points, s.last])).toEqual([
        ['open', 1, '2020-01-01'],
      ]);
      expect((await store.listSeries(op)).map((s) => [s.id, s.points])).toEqual([
        ['hidden', 1],
        ['open', 2],
      ]);
      expect(await store.seriesPoints(official, ['hidden'])).toEqual([]);
      expect((await store.seriesPoints(official, ['open', 'hidden'])).map((p) => p.period)).toEqual([
        '2020-01-01',
      ]);
      expect((await store.datasets(official)).map((d) => d.name)).not.toContain('case');
      expect(await store.getCheckpoint(op, 'k1')).toMatchObject({ itemsDone: 1, complete: false });
      const audit = await store.auditLog(op, { action: 'ingest.series', limit: 10 });
      expect(audit.length).toBe(3);
      expect(audit[2]).toMatchObject({ category: 'collection', objects: ['case'] });
      expect(audit[2]?.detail).toMatchObject({
        series: 1,
        series_created: 1,
        points_written: 1,
        source: 'k1',
      });
    });

    it('refuses malformed periods and values without writing anything', async () => {
      await expect(
        store.putSeries(op, batch({ series: [series('bad', [['2020-13-01', 1]])] })),
      ).rejects.toMatchObject({
        code: 'USAGE_INVALID',
      });
      await expect(
        store.putSeries(op, batch({ series: [series('nan', [['2020-01-01', Number.NaN]])] })),
      ).rejects.toMatchObject({ code: 'VALUE_INVALID' });
      expect(await store.listSeries(op)).toEqual([]);
      // Hostile text is data: an id with SQL in it round-trips and matches nothing else.
      const evil = "x'; DROP TABLE indicator_points; --";
      await store.putSeries(
        op,
        batch({ series: [series(evil, [['2020-01-01', 1]], { area: '__proto__' })] }),
      );
      expect((await store.listSeries(op, { area: '__proto__' })).map((s) => s.id)).toEqual([evil]);
      expect((await store.seriesPoints(op, [evil])).length).toBe(1);
    });
  });
}
