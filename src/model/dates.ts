// Date parsing into the ISO prefixes FtM stores (YYYY, YYYY-MM, YYYY-MM-DD, or a full timestamp).

const MONTHS = new Map<string, number>([
  ['jan', 1],
  ['feb', 2],
  ['mar', 3],
  ['apr', 4],
  ['may', 5],
  ['jun', 6],
  ['jul', 7],
  ['aug', 8],
  ['sep', 9],
  ['sept', 9],
  ['oct', 10],
  ['nov', 11],
  ['dec', 12],
]);

const ISO =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function validDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

function plausibleYear(y: number): boolean {
  return y >= 1000 && y <= 2200;
}

/**
 * Cleans an ISO date or date-time prefix; returns undefined when the text is not a valid date.
 * Timestamps are normalised to UTC second precision (`YYYY-MM-DDTHH:MM:SS`).
 */
export function cleanIsoDate(text: string): string | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const y = Number(m[1]);
  if (!plausibleYear(y)) return undefined;
  if (m[2] === undefined) return m[1];
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return undefined;
  if (m[3] === undefined) return `${m[1]}-${m[2]}`;
  const d = Number(m[3]);
  if (!validDay(y, mo, d)) return undefined;
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  if (m[4] === undefined) return day;
  const hh = Number(m[4]);
  const mi = Number(m[5]);
  const ss = Number(m[6] ?? '0');
  if (hh > 23 || mi > 59 || ss > 59) return undefined;
  if (m[7] === undefined || m[7] === 'Z') return `${day}T${m[4]}:${m[5]}:${pad(ss)}`;
  const parsed = new Date(
    `${day}T${m[4]}:${m[5]}:${pad(ss)}${m[7].length === 5 ? `${m[7].slice(0, 3)}:${m[7].slice(3)}` : m[7]}`,
  );
  if (Number.isNaN(parsed.getTime())) return undefined;
  return parsed.toISOString().slice(0, 19);
}

/**
 * Parses the date spellings sanctions lists use: ISO, `12 Jan 1970`, `Jan 1970`, `12/31/1970` (US order
 * when `usOrder`), `31.12.1970`, a bare year. Returns every date the text names (`1960 to 1962` gives both
 * years); an empty list means nothing parseable.
 */
export function parseDates(text: string, usOrder = false): string[] {
  const out: string[] = [];
  const cleaned = text.replace(/\b(circa|approximately|approx\.?|about|ca\.?)\s*/gi, '').trim();
  for (const part of cleaned.split(/\s*(?:;|,?\s+to\s+|\s+-\s+|\s+and\s+)\s*/i)) {
    const one = parseOneDate(part.trim(), usOrder);
    if (one !== undefined && !out.includes(one)) out.push(one);
  }
  return out;
}

function parseOneDate(text: string, usOrder: boolean): string | undefined {
  if (text === '') return undefined;
  const iso = cleanIsoDate(text);
  if (iso !== undefined) return iso;
  let m = /^(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4})$/.exec(text);
  if (m) return ymd(Number(m[3]), monthOf(m[2]), Number(m[1]));
  m = /^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(text);
  if (m) return ymd(Number(m[3]), monthOf(m[1]), Number(m[2]));
  m = /^([A-Za-z]{3,9})\.?\s+(\d{4})$/.exec(text);
  if (m) {
    const mo = monthOf(m[1]);
    const y = Number(m[2]);
    if (mo === undefined || !plausibleYear(y)) return undefined;
    return `${m[2]}-${pad(mo)}`;
  }
  m = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(text);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    return usOrder ? ymd(Number(m[3]), a, b) : ymd(Number(m[3]), b, a);
  }
  m = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/.exec(text);
  if (m) return ymd(Number(m[1]), Number(m[2]), Number(m[3]));
  return undefined;
}

function monthOf(name: string | undefined): number | undefined {
  return name === undefined ? undefined : MONTHS.get(name.slice(0, 3).toLowerCase());
}

function ymd(y: number, mo: number | undefined, d: number): string | undefined {
  if (mo === undefined || !plausibleYear(y) || !validDay(y, mo, d)) return undefined;
  return `${y}-${pad(mo)}-${pad(d)}`;
}
