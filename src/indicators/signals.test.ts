// Emerging signals and anomalies on small made-up series.
import { describe, expect, it } from 'vitest';
import { anomalies, emergingSignals } from './signals.js';

const yearly = (start: number, values: number[]) =>
  values.map((value, i) => ({ period: `${start + i}-01-01`, value }));

describe('emergingSignals', () => {
  it('finds a substance first reported after years in which its city reported others', () => {
    const signals = emergingSignals([
      { id: 'a/cocaine', area: 'A', subject: 'cocaine', points: yearly(2015, [100, 120, 130, 150, 160]) },
      { id: 'a/meth', area: 'A', subject: 'methamphetamine', points: yearly(2018, [4, 9]) },
      { id: 'b/meth', area: 'B', subject: 'methamphetamine', points: yearly(2018, [4, 9]) },
    ]);
    expect(signals).toEqual([
      {
        kind: 'new-in-area',
        series: 'a/meth',
        area: 'A',
        subject: 'methamphetamine',
        period: '2018-01-01',
        value: 4,
        absent: ['2015-01-01', '2016-01-01', '2017-01-01'],
      },
    ]);
  });

  it('finds a series turning positive after a run of zeros, and honours minAbsent and since', () => {
    const s = [{ id: 'x', area: 'A', subject: 'nitazenes', points: yearly(2018, [0, 0, 3, 0, 5]) }];
    expect(emergingSignals(s).map((e) => [e.kind, e.period, e.absent.length])).toEqual([
      ['after-zero', '2020-01-01', 2],
    ]);
    expect(emergingSignals(s, { minAbsent: 1 }).map((e) => e.period)).toEqual(['2020-01-01', '2022-01-01']);
    expect(emergingSignals(s, { since: '2021-01-01' })).toEqual([]);
  });
});

describe('anomalies', () => {
  it('flags the point far off the trend by the modified z-score of its residual', () => {
    const values = [10, 12.5, 13.8, 16.2, 18.1, 45, 22.3, 23.7, 26.4, 27.9];
    const r = anomalies(yearly(2010, values));
    expect(r.anomalies.map((a) => a.period)).toEqual(['2015-01-01']);
    expect(r.anomalies[0]?.score).toBeGreaterThan(3.5);
    expect(r.anomalies[0]?.expected).toBeCloseTo(20, 0);
    expect(r.note).toBeNull();
  });

  it('says why when it cannot score: too few points, or no spread', () => {
    expect(anomalies(yearly(2010, [1, 2, 3])).note).toContain('3 points');
    expect(anomalies(yearly(2010, [1, 2, 3, 4, 5, 6, 7, 60])).note).toContain('MAD 0');
  });
});
