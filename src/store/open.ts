// Which store a process uses: PostgreSQL when NEXUS_DATABASE_URL names one, else the embedded SQLite file in HOME.
import { join } from 'node:path';
import { NexusError } from '../model/index.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface StoreLocation {
  kind: 'sqlite' | 'postgres';
  /** Where, for people: the file path, or the URL without its password and the schema. */
  where: string;
}

function postgresUrl(env: NodeJS.ProcessEnv): string | undefined {
  const url = env.NEXUS_DATABASE_URL?.trim();
  if (!url) return undefined;
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new NexusError(
      'USAGE_INVALID',
      'NEXUS_DATABASE_URL must be a postgres:// URL (leave it unset for the embedded store)',
    );
  return url;
}

function schemaOf(env: NodeJS.ProcessEnv): string {
  return env.NEXUS_DATABASE_SCHEMA?.trim() || 'nexus';
}

/** NEXUS_SQLITE_MMAP: bytes of the embedded store read through a memory map (0 for none); unset for the default. */
export function sqliteMmapBytes(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.NEXUS_SQLITE_MMAP?.trim();
  if (!raw) return undefined;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)))
    throw new NexusError(
      'USAGE_INVALID',
      `NEXUS_SQLITE_MMAP must be a number of bytes (0 turns it off), not "${raw}"`,
    );
  return Number(raw);
}

/** The URL with any password replaced, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

export function storeLocation(env: NodeJS.ProcessEnv, home: string): StoreLocation {
  const url = postgresUrl(env);
  return url
    ? { kind: 'postgres', where: `${redactUrl(url)} (schema ${schemaOf(env)})` }
    : { kind: 'sqlite', where: join(home, 'nexus.db') };
}

/** The PostgreSQL store the environment names (URL and schema), or undefined for the embedded one. */
export function postgresTarget(env: NodeJS.ProcessEnv): { url: string; schema: string } | undefined {
  const url = postgresUrl(env);
  return url ? { url, schema: schemaOf(env) } : undefined;
}

/** A new, unmigrated store for the environment: NEXUS_DATABASE_URL (+ NEXUS_DATABASE_SCHEMA) or HOME/nexus.db. */
export function storeFromEnv(env: NodeJS.ProcessEnv, home: string): Store {
  const url = postgresUrl(env);
  if (url) return new PostgresStore({ url, schema: schemaOf(env) });
  const mmapBytes = sqliteMmapBytes(env);
  return new SqliteStore({ path: join(home, 'nexus.db'), ...(mmapBytes !== undefined ? { mmapBytes } : {}) });
}
