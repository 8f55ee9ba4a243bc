// The SQL form of the marking rule: a statement is visible when its level is within clearance and every caveat is held.
import type { AccessContext } from '../../access/index.js';

export const CAVEAT_SEPARATOR = '|';

/** Registered on each connection as nexus_caveats_ok(statement_caveats, held_caveats). */
export function caveatsOk(statementCaveats: string, held: string): number {
  if (statementCaveats === '') return 1;
  const have = new Set(held.split(CAVEAT_SEPARATOR));
  return statementCaveats.split(CAVEAT_SEPARATOR).every((c) => have.has(c)) ? 1 : 0;
}

export interface VisibilityParams {
  rank: number;
  held: string;
}

export function visibilityParams(ctx: AccessContext): VisibilityParams {
  return { rank: ctx.clearance.rank, held: [...ctx.caveats].sort().join(CAVEAT_SEPARATOR) };
}

/** SQL predicate on the statement alias `a`, bound to @rank and @held. */
export function visibleSql(a: string): string {
  return `(${a}.mlevel <= @rank AND (${a}.caveats = '' OR nexus_caveats_ok(${a}.caveats, @held) = 1))`;
}
