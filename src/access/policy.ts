// The need-to-know policy as data: classification levels, caveats, compartments and what each role may do.
// The default is src/access/data/policy.json; NEXUS_POLICY names an operator's file, validated at start-up.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BUILTIN_MARKINGS, configureMarkings, type MarkingTable, NexusError } from '../model/index.js';
import builtin from './data/policy.json' with { type: 'json' };
import { USER_ROLES, type UserRole } from './users.js';

/** What a route or command needs the caller's role to allow. */
export const PERMISSIONS = [
  'read',
  'search',
  'match',
  'graph',
  'ingest',
  'export',
  'jobs',
  'xref.read',
  'xref.judge',
  'users.manage',
  'erase',
  'audit.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export interface Policy {
  /** Where it came from: a file path, or `built-in`. */
  readonly source: string;
  readonly markings: MarkingTable;
  /** Caveats proper (handling, national) and compartments (operations), kept apart for people; alike for access. */
  readonly caveats: readonly string[];
  readonly compartments: readonly string[];
  readonly roles: Readonly<Record<UserRole, ReadonlySet<Permission>>>;
}

const WORD = /^[A-Z0-9][A-Z0-9 -]{0,39}$/;
const word = (what: string) =>
  z
    .string()
    .transform((s) => s.trim().toUpperCase().replace(/\s+/g, ' '))
    .refine((s) => WORD.test(s), `a ${what} is 1-40 letters, digits, spaces or "-"`);

const schema = z
  .object({
    _source: z.string().optional(),
    levels: z
      .array(z.object({ name: word('level'), rank: z.number().int().min(1).max(99) }).strict())
      .min(1)
      .optional(),
    default: z.string().optional(),
    caveats: z.array(word('caveat')).optional(),
    compartments: z.array(word('compartment')).default([]),
    roles: z
      .object(
        Object.fromEntries(USER_ROLES.map((r) => [r, z.array(z.enum(PERMISSIONS))])) as Record<
          UserRole,
          z.ZodArray<z.ZodEnum<{ [K in Permission]: K }>>
        >,
      )
      .strict(),
  })
  .strict();

function fail(source: string, message: string): never {
  throw new NexusError('POLICY_INVALID', `${source}: ${message}`);
}

/** Validates a policy object; POLICY_INVALID names the source and the field. */
export function parsePolicy(raw: unknown, source: string): Policy {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') || '(top level)';
    fail(source, `field ${field}: ${issue?.message ?? 'invalid'}`);
  }
  const p = result.data;
  const levels = p.levels ?? BUILTIN_MARKINGS.levels;
  const names = new Set(levels.map((l) => l.name));
  if (names.size !== levels.length) fail(source, 'field levels: level names repeat');
  const ranks = levels.map((l) => l.rank);
  if (new Set(ranks).size !== ranks.length) fail(source, 'field levels: ranks repeat');
  const caveats = p.caveats ?? BUILTIN_MARKINGS.caveats;
  const all = [...caveats, ...p.compartments];
  if (new Set(all).size !== all.length)
    fail(source, 'field compartments: a compartment repeats or shares a caveat name');
  for (const c of all) if (names.has(c)) fail(source, `field caveats: "${c}" is also a classification level`);
  const fallback = p.default ?? (p.levels ? levels[0]?.name : BUILTIN_MARKINGS.default);
  if (fallback === undefined || !names.has(fallback.trim().toUpperCase()))
    fail(source, 'field default: must be one of the levels');
  const roles = Object.fromEntries(USER_ROLES.map((r) => [r, new Set(p.roles[r])])) as Record<
    UserRole,
    Set<Permission>
  >;
  if (!roles.auditor.has('audit.read'))
    fail(source, 'field roles.auditor: the auditor role must keep audit.read');
  return Object.freeze({
    source,
    markings: { levels, caveats: all, default: fallback.trim().toUpperCase() },
    caveats,
    compartments: p.compartments,
    roles,
  });
}

let active: Policy | undefined;

/**
 * Reads, validates and applies a policy: the marking table every parse uses, and the role permissions. Without a
 * path, the built-in policy. Call once at start-up (the CLI and the server do); a bad file stops start-up.
 */
export function loadPolicy(path?: string): Policy {
  let policy: Policy;
  if (path === undefined || path === '') policy = parsePolicy(builtin, 'built-in policy');
  else {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      fail(path, `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    let raw: unknown;
    try {
      raw = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
    } catch (err) {
      fail(path, `not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
    }
    policy = parsePolicy(raw, path);
  }
  configureMarkings(policy.markings);
  active = policy;
  return policy;
}

/** The policy in force (the built-in one until loadPolicy is called with another). */
export function currentPolicy(): Policy {
  active ??= loadPolicy();
  return active;
}

export function roleAllows(role: UserRole, permission: Permission): boolean {
  return currentPolicy().roles[role].has(permission);
}
