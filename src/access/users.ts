// Users of the API: the roles, and the rules for names, clearances and caveats every Store applies alike.
import { formatMarking, NexusError, parseMarking } from '../model/index.js';

export const USER_ROLES = ['analyst', 'reviewer', 'admin', 'auditor'] as const;
export type UserRole = (typeof USER_ROLES)[number];

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function isUserRole(value: string): value is UserRole {
  return (USER_ROLES as readonly string[]).includes(value);
}

/** 1-64 characters: ASCII letters, digits, `.`, `_` and `-`. Names are unique regardless of case. */
export function isValidUserName(name: string): boolean {
  return NAME.test(name);
}

export function checkUserName(name: string, where: string): string {
  if (!isValidUserName(name))
    throw new NexusError(
      'USAGE_INVALID',
      `${where}: a user name is 1-64 letters, digits, ".", "_" or "-" (got ${JSON.stringify(name.slice(0, 80))})`,
    );
  return name;
}

export function checkRole(role: string, where: string): UserRole {
  if (!isUserRole(role))
    throw new NexusError(
      'USAGE_INVALID',
      `${where}: role must be one of ${USER_ROLES.join(', ')} (got ${JSON.stringify(role.slice(0, 40))})`,
    );
  return role;
}

/** The canonical text of a clearance (`OFFICIAL-SENSITIVE`, `SECRET UK EYES ONLY`); MARKING_INVALID otherwise. */
export function normaliseClearance(clearance: string): string {
  return formatMarking(parseMarking(clearance));
}

/** Upper-case, known caveats, sorted and without repeats; MARKING_INVALID for one the marking table lacks. */
export function normaliseCaveats(caveats: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const raw of caveats) {
    const caveat = raw.trim().toUpperCase();
    if (caveat === '') continue;
    const parsed = parseMarking(`OFFICIAL ${caveat}`).caveats;
    if (parsed.length !== 1 || parsed[0] !== caveat)
      throw new NexusError('MARKING_INVALID', `user: "${raw}" is not one caveat`);
    out.add(caveat);
  }
  return [...out].sort();
}
