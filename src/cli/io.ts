// Output streams and options shared by CLI commands, injectable so tests run commands in-process.
import { type AccessContext, localOperator } from '../access/index.js';
import { NexusError } from '../model/index.js';
import type { Store } from '../store/index.js';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal, so progress can redraw one line. */
  stderrIsTty: boolean;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTty: Boolean(process.stderr.isTTY),
};

export interface CommandEnv {
  io: Io;
  ctx: AccessContext;
  home: string;
  env: Readonly<Record<string, string | undefined>>;
  openStore: () => Promise<Store>;
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Opens the store for one command and closes it whatever happens. */
export async function withStore<T>(c: CommandEnv, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await c.openStore();
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * Some commands are for whoever runs the store, who sees everything anyway: managing users, reading the audit log.
 * With a lower --clearance they would show what that clearance must not see, so they refuse.
 */
export function requireOperator(ctx: AccessContext, what: string): void {
  const operator = localOperator(ctx.user, ctx.purpose);
  if (ctx.clearance.rank < operator.clearance.rank || [...operator.caveats].some((c) => !ctx.caveats.has(c)))
    throw new NexusError(
      'ACCESS_CONTEXT_INVALID',
      `${what} needs the local operator; run without --clearance / NEXUS_CLEARANCE`,
    );
}
