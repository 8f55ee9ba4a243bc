// The match-key index's walk over statements written after a marker: how many statement rows to read for a page
// of entities (both stores), and how the rows become that page and the next marker (SQLite here; PostgreSQL the same in SQL).
import type { ChangedEntities } from './store.js';

const SCAN_ROWS = 200_000;

/** Statement rows to read for `limit` entities (an entity has a few dozen statements; never more than SCAN_ROWS). */
export function changedRowLimit(limit: number): number {
  return Math.min(SCAN_ROWS, Math.max(1, limit) * 64);
}

/** The first `limit` distinct entities of rows in statement order, and the marker after the last row they cover. */
export function changedFromRows(
  rows: readonly { r: number; id: string }[],
  marker: number,
  limit: number,
): ChangedEntities {
  const ids: string[] = [];
  const seen = new Set<string>();
  let last = marker;
  for (const row of rows) {
    if (!seen.has(row.id)) {
      if (ids.length >= limit) break;
      seen.add(row.id);
      ids.push(row.id);
    }
    last = row.r;
  }
  return { ids, marker: last };
}
