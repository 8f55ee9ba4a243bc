// The Report view's indicator parts without a browser: reading signals, wastewater trends, the store's monthly
// series and investigations from GET /assess (hostile input too), grouping signals by threat area, the trend in
// words, and where the small line puts its points.
import { describe, expect, it } from 'vitest';
import { readIndicators, signalsByArea, trendWords } from '../../web/src/assess/indicators.js';
import { readAssessment } from '../../web/src/assess/read.js';
import { monthLabel, sparkPoints } from '../../web/src/assess/sparkline.js';

const evidence = (ref: string, grading = ['ungraded']) => [
  { kind: 'series', ref, text: ref, marking: 'OFFICIAL', grading, datasets: ['d'] },
];

const answer = {
  marking: 'OFFICIAL',
  areas: [
    { id: 'state-threats', label: 'State threats', score: { total: 60 } },
    { id: 'drugs', label: 'Drugs', score: { total: 66 } },
  ],
  series: [
    { id: 'wastewater/gb/london/cocaine', name: 'Cocaine', unit: 'mg', points: [[2019, 1]], trend: {} },
    {
      id: 'derived/entities/drugs/month',
      name: 'Drugs: records per month',
      unit: 'records',
      area: 'drugs',
      marking: 'OFFICIAL-SENSITIVE',
      points: [
        [2026.832877, 10],
        [2026.747945, 4],
        ['x', 3],
      ],
      trend: { direction: 'insufficient', n: 2, mann_kendall_p: null, theil_sen_slope: null },
    },
  ],
  investigations: {
    definition: 'Projects',
    schemata: ['Project'],
    count: 0,
    as_of_month: '2026-11',
    items: [],
  },
  signals: [
    {
      kind: 'anomaly',
      series: 'small-boats/people/year',
      area: null,
      period: '2024-01-01',
      text: 'People: far above its trend.',
      marking: 'OFFICIAL',
      evidence: evidence('small-boats/people/year'),
    },
    {
      kind: 'new-in-area',
      series: 'wastewater/gb/x/mdma',
      area: 'drugs',
      period: '2021-01-01',
      text: 'MDMA appeared in X.',
      marking: 'OFFICIAL',
      evidence: evidence('wastewater/gb/x/mdma', ['2BC']),
    },
    {
      kind: 'after-zero',
      series: 'derived/entities/state-threats/month',
      area: 'state-threats',
      period: '2026-11-01',
      text: 'Records after none.',
      marking: 'SECRET',
      evidence: [],
    },
    { kind: 'anomaly', text: '' },
    'junk',
  ],
  wastewater_trends: [
    { substance: 'cocaine', scope: 'gb', cities: 3, rising: 1, falling: 0, level: 1, insufficient: 1 },
    { substance: 'mdma', scope: 'all', cities: -2, rising: 'many' },
    { scope: 'gb' },
  ],
};

describe('the report view: indicators', () => {
  it('reads signals, wastewater trends, the store counts and investigations', () => {
    const r = readIndicators(answer);
    expect(r.signals.map((s) => s.kind)).toEqual(['anomaly', 'new-in-area', 'after-zero']);
    expect(r.signals[0]?.area).toBe('');
    expect(r.signals[1]?.evidence[0]).toEqual({
      ref: 'wastewater/gb/x/mdma',
      text: 'wastewater/gb/x/mdma',
      marking: 'OFFICIAL',
      grading: ['2BC'],
      datasets: ['d'],
    });
    expect(r.wastewater).toEqual([
      { substance: 'cocaine', scope: 'gb', cities: 3, rising: 1, falling: 0, level: 1, insufficient: 1 },
      { substance: 'mdma', scope: 'all', cities: 0, rising: 0, falling: 0, level: 0, insufficient: 0 },
    ]);
    // Only the derived/ series, their points in time order, malformed points dropped.
    expect(r.derived.map((s) => s.id)).toEqual(['derived/entities/drugs/month']);
    expect(r.derived[0]?.points).toEqual([
      [2026.747945, 4],
      [2026.832877, 10],
    ]);
    expect(r.investigations).toEqual({
      count: 0,
      schemata: ['Project'],
      definition: 'Projects',
      asOfMonth: '2026-11',
    });
  });

  it('reads nothing from hostile or empty answers', () => {
    for (const body of [
      null,
      'x',
      [],
      { signals: 'x', series: {}, investigations: [], wastewater_trends: 5 },
    ]) {
      const r = readIndicators(body);
      expect(r).toEqual({
        signals: [],
        wastewater: [],
        derived: [],
        investigations: { count: 0, schemata: [], definition: '', asOfMonth: '' },
      });
    }
  });

  it('asks for disclosure terms when a signal rests on C-coded evidence', () => {
    const a = readAssessment(answer);
    expect(a.indicators.signals).toHaveLength(3);
    expect(a.conditional).toBe(true);
    expect(readAssessment({ ...answer, signals: [] }).conditional).toBe(false);
  });

  it('groups signals by threat area in priority order, those tied to none last', () => {
    const areas = readAssessment(answer).priorities;
    const groups = signalsByArea(readIndicators(answer).signals, areas);
    expect(groups.map((g) => [g.label, g.signals.length])).toEqual([
      ['Drugs', 1],
      ['State threats', 1],
      ['No threat area', 1],
    ]);
  });

  it('words a trend, or says the series is too short', () => {
    expect(
      trendWords({ direction: 'rising', p: 0.01234, slope: 3.4567, n: 8, changePercent: 40 }, 'records'),
    ).toBe('rising (Mann-Kendall p = 0.012; Theil-Sen 3.46 records a year)');
    expect(
      trendWords({ direction: 'insufficient', p: null, slope: null, n: 2, changePercent: null }, 'x'),
    ).toBe('too few points (2) for a trend test');
  });

  it('labels monthly points and places them in the box', () => {
    expect(monthLabel(2026.832877)).toBe('2026-11');
    expect(monthLabel(2026)).toBe('2026-01');
    expect(monthLabel(2025.915068)).toBe('2025-12');
    expect(
      sparkPoints(
        [
          [2020, 0],
          [2021, 5],
          [2022, 10],
        ],
        108,
        48,
      ),
    ).toEqual([
      [4, 44],
      [54, 24],
      [104, 4],
    ]);
    expect(sparkPoints([[2020, 3]], 100, 40)).toEqual([[50, 4]]);
    expect(sparkPoints([], 100, 40)).toEqual([]);
  });
});
