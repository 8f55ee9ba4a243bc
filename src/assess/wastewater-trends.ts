// How many cities' wastewater loads rise, fall or stay level, per substance, in the UK and across every city
// loaded (DOMAIN.md, "Indicators": report the number of areas that rise, fall or stay level).
import { countDirections } from '../indicators/index.js';
import type { SeriesData } from './evidence.js';

export interface WastewaterDirections {
  substance: string;
  /** `gb` for UK cities, `all` for every city loaded. */
  scope: 'gb' | 'all';
  cities: number;
  rising: number;
  falling: number;
  level: number;
  /** Fewer complete years than a trend test needs. */
  insufficient: number;
}

export function wastewaterDirections(series: readonly SeriesData[]): WastewaterDirections[] {
  const ww = series.filter((s) => s.id.startsWith('wastewater/'));
  const substances = [...new Set(ww.map((s) => s.subject.toLowerCase()))].sort();
  const out: WastewaterDirections[] = [];
  for (const substance of substances)
    for (const scope of ['gb', 'all'] as const) {
      const list = ww.filter(
        (s) => s.subject.toLowerCase() === substance && (scope === 'all' || s.country === 'gb'),
      );
      if (list.length === 0) continue;
      out.push({ substance, scope, cities: list.length, ...countDirections(list.map((s) => s.trend)) });
    }
  return out;
}

/** One sentence per substance: "cocaine: UK 3 rising, 0 falling, 5 level (2 too short); all cities ...". */
export function directionsSentence(rows: readonly WastewaterDirections[]): string {
  const bySubstance = new Map<string, WastewaterDirections[]>();
  for (const r of rows) bySubstance.set(r.substance, [...(bySubstance.get(r.substance) ?? []), r]);
  return [...bySubstance]
    .map(
      ([substance, list]) =>
        `${substance}: ${list
          .map(
            (r) =>
              `${r.scope === 'gb' ? 'UK' : 'all'} ${r.cities} ${r.cities === 1 ? 'city' : 'cities'}, ${r.rising} rising, ${r.falling} falling, ${r.level} level (${r.insufficient} too short to test)`,
          )
          .join('; ')}`,
    )
    .join('. ');
}
