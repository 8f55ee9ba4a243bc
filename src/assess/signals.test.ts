// The assessment's emerging signals and anomalies, and the count of cities whose wastewater rises, falls or stays
// level, on small hand-made series whose answers can be worked out by eye.
import { describe, expect, it } from 'vitest';
import { trend } from '../indicators/index.js';
import type { SeriesData } from './evidence.js';
import { findSignals } from './signals.js';
import { directionsSentence, wastewaterDirections } from './wastewater-trends.js';

function series(id: string, points: [string, number][], over: Partial<SeriesData> = {}): SeriesData {
  const [, country = '', city = '', substance = ''] = id.split('/');
  return {
    id,
    dataset: 'ww',
    name: `${substance} in ${city}`,
    unit: 'mg/1000 people/day',
    area: city,
    country,
    subject: substance,
    source: 'test',
    marking: 'OFFICIAL',
    grading: ['ungraded'],
    fictional: false,
    points,
    partial: [],
    trend: trend(points.map(([period, value]) => ({ period, value }))),
    ...over,
  };
}

const years = (from: number, values: number[]): [string, number][] =>
  values.map((v, i) => [`${from + i}-01-01`, v]);

describe('findSignals', () => {
  it('finds a substance new in a city, worded, with the years it was absent and its evidence', () => {
    const signals = findSignals([
      series('wastewater/gb/bristol/cocaine', years(2015, [300, 310, 320, 330, 340, 350, 360])),
      series('wastewater/gb/bristol/ketamine', years(2020, [12, 15])),
      // Bath reports nothing before its ketamine: not new, just a city's first year.
      series('wastewater/gb/bath/ketamine', years(2020, [3, 4])),
    ]);
    expect(signals.map((s) => [s.kind, s.series, s.period])).toEqual([
      ['new-in-area', 'wastewater/gb/bristol/ketamine', '2020-01-01'],
    ]);
    const s = signals[0];
    expect(s).toMatchObject({
      area: 'drugs',
      city: 'bristol',
      country: 'gb',
      substance: 'ketamine',
      value: 12,
      baseline: { absent: ['2015-01-01', '2016-01-01', '2017-01-01', '2018-01-01', '2019-01-01'] },
    });
    expect(s?.text).toBe(
      'ketamine appeared in bristol (GB) wastewater in 2020 at 12 mg/1000 people/day, after 5 years in which bristol reported other substances but not ketamine (2015 to 2019). A lab may have begun to test for it late: absence means not reported.',
    );
    expect(s?.evidence[0]).toMatchObject({ kind: 'series', ref: 'wastewater/gb/bristol/ketamine' });
  });

  it('leaves out appearances older than the recent periods', () => {
    const signals = findSignals([
      series('wastewater/gb/leeds/cocaine', years(2011, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])),
      series('wastewater/gb/leeds/mdma', years(2014, [5, 5, 5, 5, 5, 5, 5])), // new in 2014, long ago
    ]);
    expect(signals).toEqual([]);
  });

  it('flags a recent point far off its own trend, above or below, and not an old one', () => {
    const line = [10, 11, 12.2, 12.8, 14.1, 15, 15.9, 17.1, 18, 19.2];
    const recent = [...line];
    recent[9] = 40;
    const old = [...line];
    old[1] = 40;
    const signals = findSignals([
      series('wastewater/gb/hull/cocaine', years(2012, recent)),
      series('wastewater/gb/york/cocaine', years(2012, old)),
    ]);
    expect(signals.map((s) => [s.kind, s.series, s.period])).toEqual([
      ['anomaly', 'wastewater/gb/hull/cocaine', '2021-01-01'],
    ]);
    const b = signals[0]?.baseline;
    expect(b?.expected).toBeCloseTo(19.1, 0);
    expect(b?.score).toBeGreaterThan(3.5);
    expect(b?.points).toBe(10);
    expect(signals[0]?.text).toMatch(
      /^cocaine in hull: 40 mg\/1000 people\/day in 2021, far above its own trend/,
    );
  });

  it('reads a threat area turning up after months with none in the store counts, and scans them for no anomaly', () => {
    const months = Array.from(
      { length: 20 },
      (_, i) => `${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`,
    );
    const counts = [3, 2, 4, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 250, 1];
    const s = series(
      'derived/entities/terrorism/month',
      months.map((m, i) => [m, counts[i] as number]),
      {
        name: "Terrorism: records first seen with the area's topics, per month",
        unit: 'records',
        area: 'terrorism',
        country: '',
        subject: 'entities',
      },
    );
    const signals = findSignals([s]);
    expect(signals.map((x) => [x.kind, x.area, x.period, x.value])).toEqual([
      ['after-zero', 'terrorism', '2025-07-01', 250],
    ]);
    expect(signals[0]?.text).toBe(
      "Terrorism: records first seen with the area's topics, per month: 250 records in 2025-07, after 14 months with none (2024-05 to 2025-06).",
    );
  });
});

describe('wastewaterDirections', () => {
  it('counts UK and all cities rising, falling, level or too short, per substance', () => {
    const rows = wastewaterDirections([
      series('wastewater/gb/bristol/cocaine', years(2015, [1, 2, 3, 4, 5, 6])),
      series('wastewater/gb/leeds/cocaine', years(2015, [5, 5.1, 4.9, 5, 5.2, 4.8])),
      series('wastewater/be/ghent/cocaine', years(2015, [9, 8, 7, 6, 5, 4])),
      series('wastewater/be/ghent/mdma', years(2020, [1, 2])),
      series('small-boats/people/year', years(2018, [1, 2, 3, 4, 5])),
    ]);
    expect(rows).toEqual([
      { substance: 'cocaine', scope: 'gb', cities: 2, rising: 1, falling: 0, level: 1, insufficient: 0 },
      { substance: 'cocaine', scope: 'all', cities: 3, rising: 1, falling: 1, level: 1, insufficient: 0 },
      { substance: 'mdma', scope: 'all', cities: 1, rising: 0, falling: 0, level: 0, insufficient: 1 },
    ]);
    expect(directionsSentence(rows)).toBe(
      'cocaine: UK 2 cities, 1 rising, 0 falling, 1 level (0 too short to test); all 3 cities, 1 rising, 1 falling, 1 level (0 too short to test). mdma: all 1 city, 0 rising, 0 falling, 0 level (1 too short to test)',
    );
  });
});
