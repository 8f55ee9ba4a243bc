// The SQL form of the marking rule: a statement is visible when its level is within clearance and every caveat is held,
// and, for a reader with a grading filter (AccessContext.grading), when its 3x5x2 grading passes the filter.
import type { AccessContext, GradingFilter } from '../../access/index.js';

export const CAVEAT_SEPARATOR = '|';

/** Registered on each connection as nexus_caveats_ok(statement_caveats, held_caveats). */
export function caveatsOk(statementCaveats: string, held: string): number {
  if (statementCaveats === '') return 1;
  const have = new Set(held.split(CAVEAT_SEPARATOR));
  return statementCaveats.split(CAVEAT_SEPARATOR).every((c) => have.has(c)) ? 1 : 0;
}

/** @grades when the reader has no grading filter: the predicate's grading term is then true at once. */
export const ANY_GRADING = '*';

export interface VisibilityParams {
  rank: number;
  held: string;
  /** A GLOB pattern the grading must match (`[12][AB][PC]`), or ANY_GRADING for no filter. */
  grades: string;
  /** 1 when ungraded statements pass the grading filter (and when there is none). */
  ungraded: number;
}

/** The filter as a GLOB over 3x5x2 codes: legacy `5x5x5:` codes never match, nor anything when a part is empty. */
function gradingGlob(f: GradingFilter): string {
  return f.sources === '' || f.assessments === '' ? '' : `[${f.sources}][${f.assessments}][PC]`;
}

export function visibilityParams(ctx: AccessContext): VisibilityParams {
  const g = ctx.grading;
  return {
    rank: ctx.clearance.rank,
    held: [...ctx.caveats].sort().join(CAVEAT_SEPARATOR),
    grades: g ? gradingGlob(g) : ANY_GRADING,
    ungraded: g && !g.ungraded ? 0 : 1,
  };
}

/** True when the params carry a grading filter, so no query may skip the predicate. */
export function gradingFiltered(v: VisibilityParams): boolean {
  return v.grades !== ANY_GRADING;
}

/**
 * SQL predicate on the provenance alias `a`, bound to @rank, @held, @grades and @ungraded. Without a grading filter
 * the grading term is `@grades = '*'`, a bound constant, so the marking check costs what it did before.
 */
export function visibleSql(a: string): string {
  return (
    `(${a}.mlevel <= @rank AND (${a}.caveats = '' OR nexus_caveats_ok(${a}.caveats, @held) = 1)` +
    ` AND (@grades = '${ANY_GRADING}' OR coalesce(nullif(${a}.grading, '') GLOB @grades, @ungraded) = 1))`
  );
}
