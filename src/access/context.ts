// The access context every read and write takes first: who is asking, with what clearance, and why.
import { type Marking, NexusError, parseMarking } from '../model/index.js';
import { type GradingFilter, intersectGradingFilters } from './grading-filter.js';
import type { UserRole } from './users.js';

export interface AccessContext {
  readonly user: string;
  /** Highest classification level the user may see, e.g. OFFICIAL or SECRET. */
  readonly clearance: Marking;
  /** Handling caveats the user holds (`UK EYES ONLY`, `SENSITIVE`, ...). */
  readonly caveats: ReadonlySet<string>;
  /** Why the user is asking (DPA 2018 s.62 logs record it). */
  readonly purpose: string;
  readonly requestId: string | null;
  /** The API user's role; absent for the local operator of an embedded store, whom roles do not bind. */
  readonly role?: UserRole;
  /**
   * Only statements whose 3x5x2 grading passes this filter are seen (`--grading AB`, `?grading=AB`); absent, grading
   * does not matter. A view the reader chose, applied on top of the marking rule, never instead of it.
   */
  readonly grading?: GradingFilter;
}

export interface AccessContextInput {
  user: string;
  clearance: string;
  caveats?: Iterable<string>;
  purpose: string;
  requestId?: string | null;
  role?: UserRole;
  grading?: GradingFilter;
}

export function makeContext(input: AccessContextInput): AccessContext {
  if (input.user.trim() === '')
    throw new NexusError('ACCESS_CONTEXT_INVALID', 'access.makeContext: user is empty');
  if (input.purpose.trim() === '')
    throw new NexusError('ACCESS_CONTEXT_INVALID', 'access.makeContext: purpose is empty');
  const clearance = parseMarking(input.clearance);
  const caveats = new Set([
    ...clearance.caveats,
    ...[...(input.caveats ?? [])].map((c) => c.trim().toUpperCase()),
  ]);
  return Object.freeze({
    user: input.user,
    clearance,
    caveats,
    purpose: input.purpose,
    requestId: input.requestId ?? null,
    ...(input.role ? { role: input.role } : {}),
    ...(input.grading ? { grading: input.grading } : {}),
  });
}

/** The context without its grading filter, for work that must read whole records (the match index). */
export function withoutGrading(ctx: AccessContext): AccessContext {
  if (ctx.grading === undefined) return ctx;
  const { grading: _filter, ...rest } = ctx;
  return Object.freeze(rest);
}

/** The context with a grading filter on top of any it has (the two combined only narrow); unchanged without one. */
export function withGrading(ctx: AccessContext, grading: GradingFilter | undefined): AccessContext {
  if (grading === undefined) return ctx;
  return Object.freeze({
    ...ctx,
    grading: ctx.grading ? intersectGradingFilters(ctx.grading, grading) : grading,
  });
}

/** True when the context's clearance dominates the marking and it holds every caveat the marking carries. */
export function canSee(ctx: AccessContext, marking: Marking): boolean {
  if (marking.rank > ctx.clearance.rank) return false;
  return marking.caveats.every((c) => ctx.caveats.has(c));
}

/**
 * The operator of an embedded store on their own machine: whoever can read the database file can read every
 * statement in it, so the CLI acts at the highest level unless told otherwise. Named so its uses can be found.
 */
export function localOperator(user: string, purpose: string): AccessContext {
  return makeContext({
    user,
    clearance: 'TOP SECRET',
    caveats: ['SENSITIVE', 'UK EYES ONLY', 'PERSONAL', 'COMMERCIAL', 'LOCSEN'],
    purpose,
  });
}
