// The marking rule in PostgreSQL SQL: a row is visible when its level is within clearance, every caveat is held,
// and, for a reader with a grading filter, its 3x5x2 grading passes the filter (src/store/sqlite/visibility.ts
// is the same rule for SQLite).
import type { AccessContext, GradingFilter } from '../../access/index.js';
import type { Params } from './db.js';

/** The filter as an anchored regular expression over 3x5x2 codes; legacy `5x5x5:` codes never match. */
function gradingPattern(f: GradingFilter): string | null {
  return f.sources === '' || f.assessments === '' ? null : `^[${f.sources}][${f.assessments}][PC]$`;
}

/**
 * SQL predicate on the provenance alias `a` (columns mlevel int, caveats text[], grading text), its values added to
 * `q`. A reader with no grading filter gets no grading term at all.
 */
export function visibleSql(ctx: AccessContext, a: string, q: Params): string {
  const held = [...ctx.caveats].sort();
  // `caveats = '{}' OR` changes nothing (the empty set is within any) but lets the planner estimate the predicate
  // from the column's statistics: for `<@` alone it guesses a fraction of a percent, then hashes all of provenance
  // to join a few thousand statements.
  let sql = `(${a}.mlevel <= ${q.p(ctx.clearance.rank)} AND (${a}.caveats = '{}' OR ${a}.caveats <@ ${q.p(held)}::text[])`;
  const g = ctx.grading;
  if (g) {
    const pattern = gradingPattern(g);
    const graded = pattern === null ? 'false' : `${a}.grading ~ ${q.p(pattern)}`;
    sql += ` AND (CASE WHEN coalesce(${a}.grading, '') = '' THEN ${g.ungraded ? 'true' : 'false'} ELSE ${graded} END)`;
  }
  return `${sql})`;
}

/** Caveats as stored: upper-case, sorted, no duplicates. */
export function caveatArray(caveats: Iterable<string>): string[] {
  return [...new Set(caveats)].sort();
}
