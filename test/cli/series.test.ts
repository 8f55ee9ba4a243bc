// `nexus series` over the CLI: ingest a series CSV, list and show it with its trend, within the reader's clearance.
import { describe, expect, it } from 'vitest';
import { nexus, nexusJson, tempHome } from './helpers.js';

interface Shown {
  marking: string;
  series: {
    id: string;
    points: { period: string; value: number; partial: boolean }[];
    trend: { mann_kendall_p: number; theil_sen_slope: number; direction: string; excluded: string[] };
  }[];
}

describe('nexus series', () => {
  it('lists and shows series with points and trend statistics, the marking of what is shown, audited', async () => {
    const home = tempHome();
    const load = await nexus(
      home,
      'ingest',
      '--dataset',
      'boats',
      '--format',
      'small-boats',
      'test/fixtures/series/small-boats',
    );
    expect(load.code).toBe(0);
    expect(
      (
        await nexus(
          home,
          'ingest',
          '--dataset',
          'fraud',
          '--format',
          'series',
          '--marking',
          'SECRET',
          'test/fixtures/series/generic.csv',
        )
      ).code,
    ).toBe(0);
    const list = await nexusJson<{ marking: string; series: { id: string }[] }>(
      home,
      'series',
      'list',
      '--area',
      'GB',
    );
    expect(list.marking).toBe('SECRET');
    expect(list.series.map((s) => s.id)).toContain('fraud/uk');
    const official = await nexus(home, '--clearance', 'OFFICIAL', 'series', 'list', '--json');
    expect(JSON.parse(official.stdout).series.map((s: { id: string }) => s.id)).not.toContain('fraud/uk');
    expect((await nexus(home, '--clearance', 'OFFICIAL', 'series', 'show', 'fraud/uk')).code).toBe(1);
    const shown = await nexusJson<Shown>(home, 'series', 'show', 'small-boats/people-per-boat/year');
    expect(shown.marking).toBe('OFFICIAL');
    expect(shown.series[0]?.points.map((p) => p.partial)).toEqual([false, false, true]);
    expect(shown.series[0]?.trend).toMatchObject({ direction: 'insufficient', excluded: ['2026-01-01'] });
    const text = await nexus(home, 'series', 'show', 'fraud/uk');
    expect(text.stdout).toContain('marking: SECRET');
    expect(text.stdout).toContain('1200.5');
    expect(text.stdout).toContain('(partial period)');
    expect((await nexus(home, 'series')).code).toBe(2);
    const audit = (await nexus(home, 'audit', 'list', '--action', 'cli.series', '--json')).stdout;
    expect(JSON.parse(audit).length).toBe(5);
  });
});
