// Disclosure rules for exports and reports (SECURITY.md R10): a ceiling narrows what leaves, and intelligence with
// 3x5x2 handling code C leaves only with its conditions stated and a named recipient.
import { formatMarking, NexusError, parseMarking } from '../model/index.js';
import { type AccessContext, makeContext } from './context.js';

/**
 * The context for an export capped at a ceiling marking: the lower of the two levels, and only the caveats both
 * hold, so nothing above the ceiling (or carrying a caveat it lacks) is read at all.
 */
export function withCeiling(ctx: AccessContext, ceiling: string | undefined): AccessContext {
  if (ceiling === undefined || ceiling.trim() === '') return ctx;
  let cap: ReturnType<typeof parseMarking>;
  try {
    cap = parseMarking(ceiling);
  } catch {
    throw new NexusError(
      'EXPORT_CEILING_INVALID',
      `export: ceiling "${ceiling.slice(0, 80)}" is not a marking`,
    );
  }
  const level = cap.rank < ctx.clearance.rank ? cap : ctx.clearance;
  const caveats = cap.caveats.filter((c) => ctx.caveats.has(c));
  return makeContext({
    user: ctx.user,
    clearance: formatMarking({ level: level.level, rank: level.rank, caveats: [] }),
    caveats,
    purpose: ctx.purpose,
    requestId: ctx.requestId,
    ...(ctx.role ? { role: ctx.role } : {}),
    ...(ctx.grading ? { grading: ctx.grading } : {}),
  });
}

export interface DisclosureTerms {
  recipient?: string | undefined;
  conditions?: string | undefined;
}

/**
 * Refuses (HANDLING_CONDITIONS_REQUIRED) to disclose C-coded intelligence without a named recipient and the
 * conditions; returns the line that must travel with the export, or undefined when nothing is C-coded.
 */
export function disclosureTerms(
  conditional: boolean,
  terms: DisclosureTerms,
  where: string,
): string | undefined {
  const recipient = terms.recipient?.trim() ?? '';
  const conditions = terms.conditions?.trim() ?? '';
  if (!conditional) return undefined;
  if (recipient === '' || conditions === '')
    throw new NexusError(
      'HANDLING_CONDITIONS_REQUIRED',
      `${where}: the data holds intelligence with handling code C; name the recipient and state the conditions ` +
        '(recipient and conditions)',
    );
  if (recipient.length > 200 || conditions.length > 1000)
    throw new NexusError('USAGE_INVALID', `${where}: recipient is at most 200 characters, conditions 1,000`);
  return `Disclosed to ${recipient} under handling code C. Conditions: ${conditions}`;
}
