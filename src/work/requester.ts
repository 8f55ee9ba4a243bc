// Who a job acts for: the submitter's access context, carried in the job's data, and rebuilt when the job runs so
// that the store filters and audits as that user (SECURITY.md R11, R17).
import { z } from 'zod';
import {
  type AccessContext,
  formatGradingFilter,
  makeContext,
  parseGradingFilter,
  USER_ROLES,
} from '../access/index.js';
import { formatMarking, NexusError } from '../model/index.js';
import type { Store } from '../store/index.js';

export const Requester = z.strictObject({
  user: z.string().min(1).max(200),
  clearance: z.string().min(1).max(200),
  caveats: z.array(z.string().max(100)).max(100),
  purpose: z.string().min(1).max(500),
  requestId: z.string().max(200).nullable(),
  grading: z.string().max(100).optional(),
  role: z.enum(USER_ROLES).optional(),
  /**
   * An API user's account and its version when the job was submitted. The worker looks the account up again
   * and refuses the job when it is gone, disabled or changed (role, clearance, caveats, password).
   */
  account: z.strictObject({ name: z.string().min(1).max(200), version: z.number().int() }).optional(),
});
export type Requester = z.infer<typeof Requester>;

/** The context as job data. */
export function requesterOf(ctx: AccessContext, account?: { name: string; version: number }): Requester {
  return {
    user: ctx.user,
    clearance: formatMarking({ ...ctx.clearance, caveats: [] }),
    caveats: [...ctx.caveats].sort(),
    purpose: ctx.purpose,
    requestId: ctx.requestId,
    ...(ctx.grading ? { grading: formatGradingFilter(ctx.grading) } : {}),
    ...(ctx.role ? { role: ctx.role } : {}),
    ...(account ? { account } : {}),
  };
}

/**
 * The context a job runs with, decided when it starts (R17). A command-line submitter is taken as given, like the
 * command line itself; an API user must still exist, be enabled and be at the version they had when they submitted,
 * else JOB_AUTHORITY_CHANGED.
 */
export async function authorityOf(store: Store, r: Requester): Promise<AccessContext> {
  const grading = r.grading === undefined ? undefined : parseGradingFilter(r.grading);
  const common = { purpose: r.purpose, requestId: r.requestId, ...(grading ? { grading } : {}) };
  if (r.account === undefined)
    return makeContext({
      user: r.user,
      clearance: r.clearance,
      caveats: r.caveats,
      ...(r.role ? { role: r.role } : {}),
      ...common,
    });
  const sys = makeContext({
    user: 'nexus-jobs',
    clearance: 'OFFICIAL',
    purpose: 'job authority check',
    requestId: r.requestId,
  });
  const user = await store.getUser(sys, r.account.name);
  if (!user || user.disabled || user.version !== r.account.version)
    throw new NexusError(
      'JOB_AUTHORITY_CHANGED',
      "jobs: the user's account, role or clearance changed after the job was queued; submit it again",
    );
  return makeContext({
    user: user.name,
    clearance: user.clearance,
    caveats: user.caveats,
    role: user.role,
    ...common,
  });
}
