// Periods (ISO dates a period starts on) as times in years, the unit every slope here is per.
import { NexusError } from '../model/index.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * The period's start as a decimal year: `2019-01-01` is 2019 exactly and `2019-07-01` is 2019.4959 (day 182 of 365),
 * so yearly series step by exactly 1 and a slope is per year whatever the frequency. Monthly periods are spaced by
 * their days, not by twelfths, which is what a per-year rate over days means.
 */
export function decimalYear(period: string): number {
  const m = DATE.exec(period);
  if (!m) throw new NexusError('VALUE_INVALID', `indicators.time: period "${period}" is not YYYY-MM-DD`);
  const year = Number(m[1]);
  const start = Date.UTC(year, 0, 1);
  const at = Date.UTC(year, Number(m[2]) - 1, Number(m[3]));
  const day = (at - start) / 86_400_000;
  return year + day / (isLeap(year) ? 366 : 365);
}
