// The `small-boats` series format: Home Office counts of people and boats detected crossing the English Channel in
// small boats, as the daily, monthly and yearly CSVs of the Home Office time series (processed by The National).
// Each file gives three series: people, boats, and people per boat (people / boats, where boats > 0).
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { SeriesFrequency, SeriesInput } from '../store/index.js';
import { reject } from './reader.js';
import {
  countField,
  csvHeader,
  csvRows,
  RowError,
  SeriesBuilder,
  type SeriesReader,
} from './series-reader.js';

export const SMALL_BOATS_SOURCE =
  'Home Office and Border Force, Migrants detected crossing the English Channel in small boats (OGL v3.0), processed by The National';

interface Layout {
  frequency: SeriesFrequency;
  /** The column naming the period, and how to read it. */
  period: (cell: (c: string) => string | undefined) => string | undefined;
}

const LAYOUTS: { test: (h: readonly string[]) => boolean; layout: Layout }[] = [
  {
    test: (h) => h.includes('full_date'),
    layout: {
      frequency: 'day',
      period: (cell) => {
        const t = (cell('full_date') ?? '').trim();
        return /^\d{4}-\d{2}-\d{2}$/.test(t) ? t : undefined;
      },
    },
  },
  {
    test: (h) => h.includes('date_month'),
    layout: {
      frequency: 'month',
      period: (cell) => {
        const t = (cell('date_month') ?? '').trim();
        return /^\d{4}-\d{2}-01$/.test(t) ? t : undefined;
      },
    },
  },
  {
    test: (h) => h.includes('n_year') && !h.includes('n_week') && !h.includes('n_month'),
    layout: {
      frequency: 'year',
      period: (cell) => {
        const t = (cell('n_year') ?? '').trim();
        return /^\d{4}$/.test(t) ? `${t}-01-01` : undefined;
      },
    },
  },
];

function nextPeriod(period: string, frequency: SeriesFrequency): string {
  const d = new Date(`${period}T00:00:00Z`);
  if (frequency === 'day') d.setUTCDate(d.getUTCDate() + 1);
  else if (frequency === 'month') d.setUTCMonth(d.getUTCMonth() + 1);
  else d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.toISOString().slice(0, 10);
}

const SERIES = [
  { key: 'people', unit: 'people', name: 'People detected crossing the Channel in small boats' },
  { key: 'boats', unit: 'boats', name: 'Small boats detected crossing the Channel' },
  { key: 'people-per-boat', unit: 'people/boat', name: 'People per small boat crossing the Channel' },
] as const;

const PER = {
  day: 'per day',
  week: 'per week',
  month: 'per month',
  quarter: 'per quarter',
  year: 'per year',
} as const;

/**
 * Blank counts mean no crossing was recorded that day (the source's convention): 0 people and 0 boats, and no
 * people-per-boat point. A month or year ends after the last day any file covers is marked partial (2026 to date);
 * with the yearly file alone the reader cannot tell, and marks nothing.
 */
export const readSmallBoats: SeriesReader = async function* (files, opts) {
  const builder = new SeriesBuilder();
  // The day after the last day (or month) the daily (or monthly) file covers.
  const covered: Partial<Record<SeriesFrequency, string>> = {};
  for (const path of files) {
    const file = basename(path);
    const header = await csvHeader(path);
    const layout = header ? LAYOUTS.find((l) => l.test(header))?.layout : undefined;
    if (!header || !layout) {
      opts.onBytes(statSync(path).size);
      const why = header?.includes('n_week')
        ? 'weekly totals are not read: the daily file holds the same counts and its weeks are not ISO weeks'
        : header?.some((h) => /^\d{4}$/.test(h))
          ? 'cumulative counts with a column per year are not read: the long files hold the same counts'
          : 'not a Home Office small-boats CSV (daily, monthly or yearly); not read';
      yield reject(file, 'FILE_SKIPPED', why);
      continue;
    }
    for await (const row of csvRows(path, ['migrants_arrived', 'boats_arrived'], opts)) {
      if (row.kind === 'reject') {
        yield row;
        continue;
      }
      try {
        const period = layout.period(row.cell);
        if (period === undefined)
          throw new RowError(
            layout.frequency === 'day' ? 'full_date' : layout.frequency === 'month' ? 'date_month' : 'n_year',
            'VALUE_INVALID',
            `not a ${layout.frequency} period`,
          );
        const people = countField(row.cell('migrants_arrived'), 'migrants_arrived', 0);
        const boats = countField(row.cell('boats_arrived'), 'boats_arrived', 0);
        if (boats === 0 && people > 0)
          throw new RowError('boats_arrived', 'VALUE_INVALID', `${people} people but no boats`);
        const values = [people, boats, boats > 0 ? people / boats : undefined];
        SERIES.forEach((s, i) => {
          const value = values[i];
          if (value === undefined) return;
          const id = `small-boats/${s.key}/${layout.frequency}`;
          const problem = builder.add(
            {
              id,
              name: `${s.name}, ${PER[layout.frequency as keyof typeof PER]}`,
              unit: s.unit,
              area: 'United Kingdom',
              country: 'gb',
              subject: s.key.replace(/-/g, ' '),
              frequency: layout.frequency,
              source: SMALL_BOATS_SOURCE,
            },
            { period, value, low: null, high: null, origin: `${file}:${row.line}` },
          );
          if (problem) throw problem;
        });
        const end = nextPeriod(period, layout.frequency);
        if (end > (covered[layout.frequency] ?? '')) covered[layout.frequency] = end;
      } catch (err) {
        if (!(err instanceof RowError)) throw err;
        yield reject(row.file, err.code, err.message, { line: row.line, field: err.field });
      }
    }
  }
  // The finest file read says how far the data reach: days over months; the yearly file says nothing of it.
  const coveredUntil = covered.day ?? covered.month;
  for (const s of builder.finish()) {
    if (coveredUntil !== undefined)
      for (const p of s.points) if (nextPeriod(p.period, s.frequency) > coveredUntil) p.partial = true;
    yield { kind: 'series', series: s } satisfies { kind: 'series'; series: SeriesInput };
  }
};
