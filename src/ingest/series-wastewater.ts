// The `wastewater` series format: EMCDDA (now EUDA) / SCORE drug residue loads in municipal wastewater, as the flat
// CSV (one row per sampling day) or the upstream nested JSON (country > city > site > measurements). One series per
// city and substance: the yearly value is the mean daily load of the sampling week, mg per 1000 people per day.
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { NexusError } from '../model/index.js';
import type { SeriesInput } from '../store/index.js';
import { type Reject, reject } from './reader.js';
import {
  countField,
  csvHeader,
  csvRows,
  decimalField,
  linesOrigin,
  RowError,
  ranges,
  type SeriesReader,
  slug,
  textField,
} from './series-reader.js';

export const WASTEWATER_COLUMNS = [
  'country_code',
  'country',
  'city',
  'site_id',
  'population',
  'year',
  'dayofweek',
  'mg_per_1000_people_per_day',
  'substance',
] as const;

export const WASTEWATER_SOURCE =
  'EMCDDA (EUDA) and SCORE, Wastewater analysis and drugs: a European multi-city study (CC BY 4.0)';

/** What the labs measure for each substance (the EMCDDA extract's SOURCE.md): the series name says so. */
const RESIDUE: Readonly<Record<string, string>> = {
  cocaine: 'benzoylecgonine',
  cannabis: 'THC-COOH',
};

const DAYS = new Set(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']);
const MAX_JSON_BYTES = 256 * 1024 * 1024;

interface Measurement {
  cc: string;
  country: string;
  city: string;
  site: string;
  population: number;
  year: number;
  day: string;
  value: number;
  substance: string;
  file: string;
  /** The CSV line, or the JSON measurement id. */
  line?: number;
  record?: string;
}

/** Site-days per (city, substance, year), checking that a site stays in one city and a day has one value. */
class Loads {
  private readonly sites = new Map<string, string>();
  private readonly days = new Map<string, Measurement>();
  readonly groups = new Map<string, Measurement[]>();

  add(m: Measurement): RowError | undefined {
    const place = `${m.cc}\u0000${m.city}`;
    const known = this.sites.get(m.site);
    if (known !== undefined && known !== place)
      return new RowError(
        'site_id',
        'SITE_INCONSISTENT',
        `site ${m.site} is in ${known.replace('\u0000', ' ')} elsewhere`,
      );
    this.sites.set(m.site, place);
    const key = `${m.site}\u0000${m.year}\u0000${m.day}\u0000${m.substance}`;
    const seen = this.days.get(key);
    if (seen) {
      // The CSV and the JSON carry the same measurements: a repeat is taken once, a different value refused.
      if (seen.value === m.value) return undefined;
      return new RowError(
        'mg_per_1000_people_per_day',
        'MEASUREMENT_CONFLICT',
        `site ${m.site} ${m.substance} ${m.year} ${m.day} is ${seen.value} in ${seen.file}`,
      );
    }
    this.days.set(key, m);
    const group = `${m.cc}\u0000${m.city}\u0000${m.substance}`;
    const list = this.groups.get(group) ?? [];
    list.push(m);
    this.groups.set(group, list);
    return undefined;
  }
}

function measurementOf(
  fields: {
    cc: unknown;
    country: unknown;
    city: unknown;
    site: unknown;
    population: unknown;
    year: unknown;
    day: unknown;
    value: unknown;
    substance: unknown;
  },
  where: { file: string; line?: number; record?: string },
): Measurement {
  const cc = textField(String(fields.cc ?? ''), 'country_code', 2).toUpperCase();
  if (!/^[A-Z]{2}$/.test(cc))
    throw new RowError('country_code', 'VALUE_INVALID', 'country_code is two letters');
  const year = countField(String(fields.year ?? ''), 'year');
  if (year < 1990 || year > 2100) throw new RowError('year', 'VALUE_INVALID', `year ${year} is out of range`);
  const day = String(fields.day ?? '').trim();
  if (!DAYS.has(day))
    throw new RowError('dayofweek', 'VALUE_INVALID', 'dayofweek is a weekday name (Monday...)');
  const populationText = String(fields.population ?? '').trim();
  return {
    cc,
    country: textField(String(fields.country ?? ''), 'country'),
    city: textField(String(fields.city ?? ''), 'city'),
    site: textField(String(fields.site ?? ''), 'site_id', 40),
    population: populationText === '' ? 0 : countField(populationText, 'population'),
    year,
    day,
    value: decimalField(String(fields.value ?? ''), 'mg_per_1000_people_per_day', { min: 0 }),
    substance: textField(String(fields.substance ?? ''), 'substance', 60),
    ...where,
  };
}

interface JsonCountry {
  country_code?: unknown;
  name?: unknown;
  cities?: { name?: unknown; locations?: JsonSite[] | null }[] | null;
}

interface JsonSite {
  id?: unknown;
  population_size?: unknown;
  measurements?: {
    id?: unknown;
    year?: unknown;
    dayofweek?: unknown;
    value?: unknown;
    metabolite?: { name?: unknown };
  }[];
}

function* jsonMeasurements(path: string): Generator<Measurement | Reject> {
  const file = basename(path);
  let doc: { countries?: JsonCountry[] };
  try {
    if (statSync(path).size > MAX_JSON_BYTES)
      throw new NexusError('LIMIT_REACHED', `ingest.wastewater: ${file} is over ${MAX_JSON_BYTES} bytes`);
    doc = JSON.parse(readFileSync(path, 'utf8')) as { countries?: JsonCountry[] };
  } catch (err) {
    if (err instanceof NexusError) throw err;
    yield reject(file, 'RECORD_INVALID', `not JSON: ${(err as Error).message}`);
    return;
  }
  if (!Array.isArray(doc?.countries)) {
    yield reject(file, 'FORMAT_MISMATCH', 'no "countries" list: not the EMCDDA wastewater JSON');
    return;
  }
  for (const c of doc.countries)
    for (const city of c.cities ?? [])
      for (const site of city.locations ?? [])
        for (const m of site.measurements ?? []) {
          const record = `measurement ${String(m.id ?? '?')}`;
          try {
            yield measurementOf(
              {
                cc: c.country_code,
                country: c.name,
                city: city.name,
                site: site.id,
                population: site.population_size ?? '',
                year: m.year,
                day: m.dayofweek,
                value: m.value,
                substance: m.metabolite?.name,
              },
              { file, record },
            );
          } catch (err) {
            if (!(err instanceof RowError)) throw err;
            yield reject(file, err.code, err.message, { record, field: err.field });
          }
        }
}

function originOf(ms: readonly Measurement[]): string {
  const byFile = new Map<string, Measurement[]>();
  for (const m of ms) byFile.set(m.file, [...(byFile.get(m.file) ?? []), m]);
  return [...byFile]
    .map(([file, list]) => {
      if (list[0]?.line !== undefined)
        return linesOrigin(
          file,
          list.map((m) => m.line as number),
        );
      const ids = list.map((m) => (m.record ?? '').replace('measurement ', ''));
      return `${file}#measurement ${ids.every((id) => /^\d+$/.test(id)) ? ranges(ids.map(Number)) : ids.join(',')}`;
    })
    .join('; ');
}

function capitalised(s: string): string {
  return s === s.toLowerCase() ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

/**
 * One series from a city's measurements of one substance. Each year's value is the population-weighted mean over
 * sites of each site's mean daily load (a city has one site in the extract, so it is that site's weekly mean); low
 * and high are the lowest and highest daily load of the year's sampling days: a range, not a confidence interval.
 */
function seriesOf(ms: readonly Measurement[]): SeriesInput {
  const first = ms[0] as Measurement;
  const years = new Map<number, Measurement[]>();
  for (const m of ms) years.set(m.year, [...(years.get(m.year) ?? []), m]);
  const points = [...years]
    .sort((a, b) => a[0] - b[0])
    .map(([year, list]) => {
      const sites = new Map<string, Measurement[]>();
      for (const m of list) sites.set(m.site, [...(sites.get(m.site) ?? []), m]);
      let weighted = 0;
      let weights = 0;
      for (const days of sites.values()) {
        const w = sites.size === 1 ? 1 : Math.max((days[0] as Measurement).population, 1);
        weighted += w * (days.reduce((s, m) => s + m.value, 0) / days.length);
        weights += w;
      }
      const values = list.map((m) => m.value);
      return {
        period: `${year}-01-01`,
        value: weighted / weights,
        low: Math.min(...values),
        high: Math.max(...values),
        origin: originOf(list),
      };
    });
  const residue = RESIDUE[first.substance.toLowerCase()];
  return {
    id: `wastewater/${first.cc.toLowerCase()}/${slug(first.city)}/${slug(first.substance)}`,
    name: `${capitalised(first.substance)}${residue ? ` (as ${residue})` : ''} in wastewater, ${first.city} (${first.country})`,
    unit: 'mg/1000 people/day',
    area: first.city,
    country: first.cc.toLowerCase(),
    subject: first.substance,
    frequency: 'year',
    source: WASTEWATER_SOURCE,
    points,
  };
}

export const readWastewater: SeriesReader = async function* (files, opts) {
  const loads = new Loads();
  const take = function* (m: Measurement | Reject): Generator<Reject> {
    if ('kind' in m) {
      yield m;
      return;
    }
    const problem = loads.add(m);
    if (problem)
      yield reject(m.file, problem.code, problem.message, {
        ...(m.line !== undefined ? { line: m.line } : { record: m.record as string }),
        field: problem.field,
      });
  };
  for (const path of files) {
    const file = basename(path);
    if (extname(path).toLowerCase() === '.json') {
      opts.onBytes(statSync(path).size);
      for (const m of jsonMeasurements(path)) yield* take(m);
      continue;
    }
    const header = await csvHeader(path);
    if (!header?.includes('mg_per_1000_people_per_day')) {
      opts.onBytes(statSync(path).size);
      yield reject(file, 'FORMAT_MISMATCH', 'not an EMCDDA wastewater CSV or JSON file; not read');
      continue;
    }
    for await (const row of csvRows(path, WASTEWATER_COLUMNS, opts)) {
      if (row.kind === 'reject') {
        yield row;
        continue;
      }
      try {
        const m = measurementOf(
          {
            cc: row.cell('country_code'),
            country: row.cell('country'),
            city: row.cell('city'),
            site: row.cell('site_id'),
            population: row.cell('population'),
            year: row.cell('year'),
            day: row.cell('dayofweek'),
            value: row.cell('mg_per_1000_people_per_day'),
            substance: row.cell('substance'),
          },
          { file: row.file, line: row.line },
        );
        yield* take(m);
      } catch (err) {
        if (!(err instanceof RowError)) throw err;
        yield reject(row.file, err.code, err.message, { line: row.line, field: err.field });
      }
    }
  }
  const series = [...loads.groups.values()]
    .map(seriesOf)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const s of series) yield { kind: 'series', series: s };
};
