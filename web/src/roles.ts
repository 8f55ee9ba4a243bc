// What the signed-in user's role may use, so the UI offers only that. The server decides (every route checks the
// role and answers 403); this only spares the reader pages and buttons that would be refused. The table is the
// default policy's (src/access/data/policy.json, checked against it by test/e2e/web-units.test.ts): an operator's own
// policy may differ, and then a refusal still reads "your role (X) does not allow this".

export type Permission =
  | 'read'
  | 'search'
  | 'match'
  | 'graph'
  | 'ingest'
  | 'export'
  | 'jobs'
  | 'xref.read'
  | 'xref.judge'
  | 'users.manage'
  | 'erase'
  | 'audit.read';

const ANALYST: readonly Permission[] = [
  'read',
  'search',
  'match',
  'graph',
  'ingest',
  'export',
  'jobs',
  'xref.read',
];

export const ROLE_PERMISSIONS: Readonly<Record<string, readonly Permission[]>> = {
  analyst: ANALYST,
  reviewer: [...ANALYST, 'xref.judge'],
  admin: [...ANALYST, 'xref.judge', 'users.manage', 'erase'],
  auditor: ['audit.read'],
};

/** Permissions the server reported for a role (`/auth/me`), under the policy it enforces: these win. */
const served = new Map<string, readonly string[]>();

export function learnPermissions(role: string | undefined, permissions: readonly string[] | undefined): void {
  if (role !== undefined && permissions !== undefined) served.set(role, permissions);
}

/**
 * Whether `role` holds `permission`. Without a role (a server without authentication, or one that does not say)
 * or with a role this table does not know, everything but the audit log is offered and the server decides.
 */
export function roleAllows(role: string | undefined, permission: Permission): boolean {
  const told = role === undefined ? undefined : served.get(role);
  if (told) return told.includes(permission);
  const known =
    role !== undefined && Object.hasOwn(ROLE_PERMISSIONS, role) ? ROLE_PERMISSIONS[role] : undefined;
  if (!known) return permission !== 'audit.read';
  return known.includes(permission);
}

/** The permission each page needs (its first call); pages not listed (login, not found) need none. */
export const VIEW_NEEDS: Readonly<Record<string, Permission>> = {
  '': 'read',
  search: 'search',
  entity: 'read',
  graph: 'graph',
  trace: 'graph',
  report: 'read',
  review: 'xref.read',
  upload: 'ingest',
  jobs: 'jobs',
  audit: 'audit.read',
};

/** Whether the page under `#/{key}` is one `role` may use. */
export function viewAllowed(role: string | undefined, key: string): boolean {
  const needs = Object.hasOwn(VIEW_NEEDS, key) ? VIEW_NEEDS[key] : undefined;
  return needs === undefined || roleAllows(role, needs);
}

/** Where a user lands: the dashboard, or for a role without it (the auditor) the first page it may use. */
export function homeFor(role: string | undefined): string {
  if (viewAllowed(role, '')) return '';
  for (const key of ['audit', 'search', 'review', 'graph', 'upload', 'jobs'])
    if (viewAllowed(role, key)) return key;
  return '';
}

/** Whether match suggestions may be decided (the judge call), not only read. */
export function canJudge(role: string | undefined): boolean {
  return roleAllows(role, 'xref.judge');
}
