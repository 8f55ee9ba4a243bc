// The access context every read and write takes first: who is asking, with what clearance, and why.
import { type Marking, NexusError, parseMarking } from '../model/index.js';
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
}

export interface AccessContextInput {
  user: string;
  clearance: string;
  caveats?: Iterable<string>;
  purpose: string;
  requestId?: string | null;
  role?: UserRole;
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
