// The `police-crime` series format: data.police.uk street-level CSVs (one row per crime or anti-social behaviour
// incident, a file per force and month), counted per force, month and crime type.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { reject } from './reader.js';
import {
  csvHeader,
  csvRows,
  RowError,
  SeriesBuilder,
  type SeriesReader,
  slug,
  textField,
} from './series-reader.js';

export const POLICE_COLUMNS = ['month', 'falls within', 'crime type'] as const;

export const POLICE_SOURCE =
  'data.police.uk street-level crime, police forces of England, Wales and Northern Ireland (OGL v3.0)';

const ASB = 'Anti-social behaviour';
const ALL = 'All crime';

interface Force {
  /** Rows per month per crime type, and the files each month came from. */
  counts: Map<string, Map<string, number>>;
  files: Map<string, Set<string>>;
}

/**
 * Every crime type a force reported in any month read gets a point for every month read for that force, zero when
 * none was recorded: a month file lists the crimes there were, so a type absent from it had none. `All crime` sums
 * every type but anti-social behaviour, which police.uk publishes alongside crimes but which is not recorded crime.
 * Rows are counted as published: Crime IDs repeat within a month in police.uk files (on rows at different places),
 * so they are not a key. What is refused is a force's month coming from a second file (the same file read twice, or
 * overlapping extracts): those rows are not counted, and one reject per file and month says how many.
 */
export const readPoliceCrime: SeriesReader = async function* (files, opts) {
  const forces = new Map<string, Force>();
  /** force + month -> the file it is counted from. */
  const monthFile = new Map<string, string>();
  for (const path of files) {
    const file = basename(path);
    const header = await csvHeader(path);
    if (!header?.includes('crime type') || !header.includes('falls within')) {
      opts.onBytes(statSync(path).size);
      yield reject(file, 'FILE_SKIPPED', 'not a police.uk street-level crime CSV; not read');
      continue;
    }
    const overlaps = new Map<
      string,
      { force: string; month: string; other: string; rows: number; line: number }
    >();
    for await (const row of csvRows(path, POLICE_COLUMNS, opts)) {
      if (row.kind === 'reject') {
        yield row;
        continue;
      }
      try {
        const month = (row.cell('month') ?? '').trim();
        if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
          throw new RowError('month', 'VALUE_INVALID', 'month is YYYY-MM');
        const force = textField(row.cell('falls within'), 'falls within');
        const type = textField(row.cell('crime type'), 'crime type', 100);
        const key = `${force}\u0000${month}`;
        const counted = monthFile.get(key) ?? file;
        monthFile.set(key, counted);
        if (counted !== file) {
          const o = overlaps.get(key) ?? { force, month, other: counted, rows: 0, line: row.line };
          o.rows++;
          overlaps.set(key, o);
          continue;
        }
        const f = forces.get(force) ?? { counts: new Map(), files: new Map() };
        forces.set(force, f);
        const byType = f.counts.get(month) ?? new Map<string, number>();
        f.counts.set(month, byType);
        byType.set(type, (byType.get(type) ?? 0) + 1);
        const from = f.files.get(month) ?? new Set<string>();
        from.add(file);
        f.files.set(month, from);
      } catch (err) {
        if (!(err instanceof RowError)) throw err;
        yield reject(row.file, err.code, err.message, { line: row.line, field: err.field });
      }
    }
    for (const o of overlaps.values())
      yield reject(
        file,
        'MONTH_DUPLICATE',
        `${o.rows} rows of ${o.force} for ${o.month} not counted: that month is counted from ${o.other}`,
        { line: o.line, field: 'month' },
      );
  }
  const builder = new SeriesBuilder();
  for (const [force, f] of forces) {
    const months = [...f.counts.keys()].sort();
    const types = new Set<string>();
    for (const byType of f.counts.values()) for (const t of byType.keys()) types.add(t);
    for (const type of [...types, ALL]) {
      for (const month of months) {
        const byType = f.counts.get(month) as Map<string, number>;
        const value =
          type === ALL
            ? [...byType].reduce((sum, [t, n]) => (t === ASB ? sum : sum + n), 0)
            : (byType.get(type) ?? 0);
        builder.add(
          {
            id: `police-crime/${slug(force)}/${slug(type)}`,
            name:
              type === ALL
                ? `Crimes recorded (all types, not anti-social behaviour), ${force}`
                : `${type}, recorded by ${force}`,
            unit: type === ASB ? 'incidents' : 'crimes',
            area: force,
            country: 'gb',
            subject: type,
            frequency: 'month',
            source: POLICE_SOURCE,
          },
          {
            period: `${month}-01`,
            value,
            low: null,
            high: null,
            origin: [...(f.files.get(month) ?? [])].sort().join(', '),
          },
        );
      }
    }
  }
  for (const series of builder.finish()) yield { kind: 'series', series };
};
