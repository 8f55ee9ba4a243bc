// The store-independent rules for indicator series (batch checks, values as decimal text, conflict reasons, how a
// listing is filtered and sorted), shared by the SQLite and PostgreSQL stores so both answer exactly alike.
import { NexusError } from '../model/index.js';
import type { SeriesBatch, SeriesFilter, SeriesInput, StoredSeriesPoint } from './store.js';

const FREQUENCIES: ReadonlySet<string> = new Set(['day', 'week', 'month', 'quarter', 'year', 'irregular']);
const PERIOD = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Decimal text of a finite number: JavaScript's shortest round-trip form, so Number(text) gives it back exactly. */
export function decimalText(value: number, what: string): string {
  if (!Number.isFinite(value))
    throw new NexusError('VALUE_INVALID', `store.putSeries: ${what} is not a finite number`);
  return String(value);
}

function optionalText(value: number | null | undefined, what: string): string | null {
  return value === null || value === undefined ? null : decimalText(value, what);
}

function checkSeries(s: SeriesInput, index: number): void {
  if (s.id === '' || s.id.length > 200)
    throw new NexusError('USAGE_INVALID', `store.putSeries: series ${index} needs an id of 1-200 characters`);
  if (!FREQUENCIES.has(s.frequency))
    throw new NexusError(
      'USAGE_INVALID',
      `store.putSeries: series "${s.id}" has unknown frequency "${s.frequency}"`,
    );
  for (const p of s.points)
    if (!PERIOD.test(p.period))
      throw new NexusError(
        'USAGE_INVALID',
        `store.putSeries: series "${s.id}" has period "${p.period}", not YYYY-MM-DD`,
      );
}

/** Checks every series' id, frequency and periods before anything is written, so a bad batch fails early. */
export function checkSeriesBatch(batch: SeriesBatch): void {
  batch.series.forEach(checkSeries);
}

/** A point's value and bounds as stored: decimal text. */
export interface PointText {
  value: string;
  low: string | null;
  high: string | null;
}

/** The point's value and bounds as decimal text; VALUE_INVALID for one that is not finite. */
export function pointText(s: SeriesInput, p: SeriesInput['points'][number]): PointText {
  return {
    value: decimalText(p.value, `${s.id} ${p.period} value`),
    low: optionalText(p.low, `${s.id} ${p.period} low`),
    high: optionalText(p.high, `${s.id} ${p.period} high`),
  };
}

/** Why a series stored with another unit or frequency refuses the batch's. */
export function seriesConflictReason(stored: { unit: string; frequency: string }): string {
  return `series already stored with unit "${stored.unit}" and frequency ${stored.frequency}`;
}

/** Why a point stored with other values refuses the batch's. */
export function pointConflictReason(stored: PointText): string {
  return `already stored as ${stored.value}${stored.low === null ? '' : ` [${stored.low}, ${stored.high}]`}`;
}

/** The listed series the filter's area and subject keep, by id then dataset. */
export function filterSeries<
  T extends { id: string; dataset: string; area: string; country: string; subject: string },
>(rows: readonly T[], filter: SeriesFilter): T[] {
  // Case is folded here rather than in SQL, whose lower() folds differently per store (Gävle, Domžale).
  const area = filter.area?.toLowerCase();
  const subject = filter.subject?.toLowerCase();
  return rows
    .filter(
      (r) =>
        (area === undefined || r.area.toLowerCase() === area || r.country === area) &&
        (subject === undefined || r.subject.toLowerCase() === subject),
    )
    .sort((a, b) => compare(a.id, b.id) || compare(a.dataset, b.dataset));
}

/** Points by series, dataset and period. */
export function sortPoints(points: StoredSeriesPoint[]): StoredSeriesPoint[] {
  return points.sort(
    (a, b) => compare(a.series, b.series) || compare(a.dataset, b.dataset) || compare(a.period, b.period),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
