// `nexus user` and `nexus token`: the API's users (role, clearance, caveats, password) and their bearer tokens.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { AccessContext } from '../../access/index.js';
import {
  checkPasswordPolicy,
  generatePassword,
  hashPassword,
  hashToken,
  newToken,
} from '../../access/passwords.js';
import { generateTotpSecret, totpUri } from '../../access/totp.js';
import { checkRole, checkUserName, USER_ROLES } from '../../access/users.js';
import { NexusError } from '../../model/index.js';
import type { Store, UserInput, UserRecord } from '../../store/index.js';
import { type CommandEnv, json, requireOperator as requireLocalOperator, withStore } from '../io.js';

export const userHelp = `nexus user add NAME --role ROLE --clearance LEVEL [--caveat C]... [--password-stdin] [--json]
nexus user set NAME [--role R] [--clearance L] [--caveat C]... [--no-caveats] [--disable|--enable]
                    [--password-stdin] [--json]
nexus user list [--json]
nexus user revoke NAME          # end every session and token of the user now
nexus user totp NAME [--off] [--json]   # enrol a TOTP second factor (or remove it with --off)

Users of the HTTP API (nexus serve). ROLE is one of ${USER_ROLES.join(', ')}; LEVEL a marking level such as
OFFICIAL, OFFICIAL-SENSITIVE, SECRET; --caveat (repeatable) a handling caveat such as "UK EYES ONLY". A user sees
exactly what that clearance and those caveats allow.

add: with --password-stdin the password is read from stdin (12 to 1024 characters; one trailing newline is
dropped); without it a strong random password is generated and printed once. set: --caveat replaces the list,
--no-caveats empties it. Any change of role, clearance, caveats, password or state ends the user's existing
sessions and tokens at once.

totp: makes a new TOTP secret (RFC 6238: SHA-1, 6 digits, 30 s) and prints it once, with its otpauth:// URI for
an authenticator app (as a QR code, e.g. qrencode -t ANSI URI); from then on POST /auth/login needs the current
code as "otp". Enrolling again replaces the secret; --off removes it. Either ends the user's sessions and tokens
like a password change; API tokens made afterwards with nexus token create need no code.

Only the local operator (no global --clearance) manages users; after the word \`user\`, --clearance is the
managed user's.`;

export const tokenHelp = `nexus token create NAME [--expires-days N] [--json]

Makes a bearer token for NAME (Authorization: Bearer nx_...) and prints it once: only its SHA-256 is stored.
Without --expires-days it lasts until revoked (nexus user revoke NAME) or until the user changes.`;

export interface UserHooks {
  /** Reads the whole of stdin; tests inject it. */
  readStdin?: () => Promise<string>;
}

const MAX_STDIN_BYTES = 8192;

async function readProcessStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    // Interactive: one line. It is echoed; pipe it in (e.g. from a password manager) to keep it off the screen.
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
    process.stderr.write('password (visible as you type): ');
    try {
      for await (const line of rl) return line;
      return '';
    } finally {
      rl.close();
    }
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > MAX_STDIN_BYTES)
      throw new NexusError('USAGE_INVALID', 'user: the password on stdin is too long');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function passwordFromStdin(hooks: UserHooks): Promise<string> {
  const text = await (hooks.readStdin ?? readProcessStdin)();
  const password = text.replace(/\r?\n$/, '');
  checkPasswordPolicy(password);
  return password;
}

function requireOperator(ctx: AccessContext): void {
  requireLocalOperator(ctx, 'user: managing users');
}

function shown(user: UserRecord) {
  return {
    name: user.name,
    role: user.role,
    clearance: user.clearance,
    caveats: user.caveats,
    disabled: user.disabled,
    totp: user.totpSecret !== null,
    version: user.version,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

function describe(user: UserRecord): string {
  return `role ${user.role}, clearance ${user.clearance}, caveats ${user.caveats.join(', ') || 'none'}, ${
    user.disabled ? 'disabled' : 'enabled'
  }, TOTP ${user.totpSecret === null ? 'off' : 'on'}`;
}

function oneName(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new NexusError('USAGE_INVALID', usage);
  return checkUserName(positionals[0] as string, 'user');
}

async function existing(store: Store, ctx: AccessContext, name: string): Promise<UserRecord> {
  const user = await store.getUser(ctx, name);
  if (!user) throw new NexusError('USAGE_INVALID', `user: no user "${name}"; see nexus user list`);
  return user;
}

async function add(args: string[], c: CommandEnv, hooks: UserHooks): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      clearance: { type: 'string' },
      caveat: { type: 'string', multiple: true },
      'password-stdin': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const name = oneName(positionals, 'user add: NAME --role ROLE --clearance LEVEL [--caveat C]...');
  if (values.role === undefined || values.clearance === undefined)
    throw new NexusError('USAGE_INVALID', 'user add: --role and --clearance are required');
  const role = checkRole(values.role, 'user add');
  requireOperator(c.ctx);
  const password = values['password-stdin'] ? await passwordFromStdin(hooks) : undefined;
  return withStore(c, async (store) => {
    if (await store.getUser(c.ctx, name))
      throw new NexusError('USAGE_INVALID', `user add: "${name}" exists; change it with nexus user set`);
    const secret = password ?? generatePassword();
    const user = await store.putUser(c.ctx, {
      name,
      role,
      clearance: values.clearance as string,
      caveats: values.caveat ?? [],
      passwordHash: await hashPassword(secret),
    });
    const generated = password === undefined ? secret : undefined;
    if (values.json) c.io.stdout(json({ user: shown(user), ...(generated ? { password: generated } : {}) }));
    else {
      c.io.stdout(`user ${user.name} added: ${describe(user)}\n`);
      if (generated) c.io.stdout(`password (shown once, store it now): ${generated}\n`);
    }
    return 0;
  });
}

async function set(args: string[], c: CommandEnv, hooks: UserHooks): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      clearance: { type: 'string' },
      caveat: { type: 'string', multiple: true },
      'no-caveats': { type: 'boolean', default: false },
      disable: { type: 'boolean', default: false },
      enable: { type: 'boolean', default: false },
      'password-stdin': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const name = oneName(
    positionals,
    'user set: NAME [--role R] [--clearance L] [--caveat C]... [--disable|--enable]',
  );
  if (values.disable && values.enable)
    throw new NexusError('USAGE_INVALID', 'user set: --disable or --enable, not both');
  if (values.caveat && values['no-caveats'])
    throw new NexusError('USAGE_INVALID', 'user set: --caveat or --no-caveats, not both');
  const change: UserInput = { name };
  if (values.role !== undefined) change.role = checkRole(values.role, 'user set');
  if (values.clearance !== undefined) change.clearance = values.clearance;
  if (values.caveat) change.caveats = values.caveat;
  if (values['no-caveats']) change.caveats = [];
  if (values.disable) change.disabled = true;
  if (values.enable) change.disabled = false;
  if (Object.keys(change).length === 1 && !values['password-stdin'])
    throw new NexusError('USAGE_INVALID', 'user set: nothing to change; see nexus user --help');
  requireOperator(c.ctx);
  if (values['password-stdin']) change.passwordHash = await hashPassword(await passwordFromStdin(hooks));
  return withStore(c, async (store) => {
    const before = await existing(store, c.ctx, name);
    const after = await store.putUser(c.ctx, { ...change, name: before.name });
    const moved = after.version !== before.version;
    if (values.json) c.io.stdout(json({ user: shown(after), changed: moved }));
    else if (moved)
      c.io.stdout(
        `user ${after.name} changed (version ${before.version} -> ${after.version}): ${describe(after)}; ` +
          'sessions and tokens made before no longer work\n',
      );
    else c.io.stdout(`user ${after.name}: nothing changed\n`);
    return 0;
  });
}

async function list(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  requireOperator(c.ctx);
  return withStore(c, async (store) => {
    const users = await store.listUsers(c.ctx);
    if (values.json) {
      c.io.stdout(json(users.map(shown)));
      return 0;
    }
    if (users.length === 0) c.io.stdout('no users; add one with nexus user add\n');
    for (const u of users)
      c.io.stdout(
        `${u.name.padEnd(20)} ${u.role.padEnd(9)} ${u.clearance.padEnd(20)} ${(u.caveats.join(',') || '-').padEnd(16)} ${
          u.disabled ? 'disabled' : 'enabled '
        } ${u.totpSecret === null ? 'totp-off' : 'totp-on '} v${u.version}\n`,
      );
    return 0;
  });
}

async function revoke(args: string[], c: CommandEnv): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const name = oneName(positionals, 'user revoke: NAME');
  requireOperator(c.ctx);
  return withStore(c, async (store) => {
    const user = await existing(store, c.ctx, name);
    const n = await store.revokeSessions(c.ctx, user.name);
    c.io.stdout(`user ${user.name}: every session and token revoked (${n} were not revoked before)\n`);
    return 0;
  });
}

async function totp(args: string[], c: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { off: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  const name = oneName(positionals, 'user totp: NAME [--off]');
  requireOperator(c.ctx);
  return withStore(c, async (store) => {
    const before = await existing(store, c.ctx, name);
    const secret = values.off ? null : generateTotpSecret();
    const after = await store.putUser(c.ctx, { name: before.name, totpSecret: secret });
    const moved = after.version !== before.version;
    const uri = secret === null ? undefined : totpUri(secret, after.name);
    if (values.json) {
      c.io.stdout(
        json({ user: shown(after), changed: moved, ...(secret ? { secret, otpauth_uri: uri } : {}) }),
      );
      return 0;
    }
    if (!moved) c.io.stdout(`user ${after.name}: TOTP was not on; nothing changed\n`);
    else {
      c.io.stdout(
        `user ${after.name}: TOTP ${secret ? (before.totpSecret ? 'replaced' : 'on') : 'off'} (version ${
          before.version
        } -> ${after.version}); sessions and tokens made before no longer work\n`,
      );
      if (secret)
        c.io.stdout(
          `otpauth URI (shown once; add it to an authenticator app, e.g. as a QR code): ${uri}\n` +
            `secret (shown once, store it now): ${secret}\n`,
        );
    }
    return 0;
  });
}

export async function userCommand(args: string[], c: CommandEnv, hooks: UserHooks = {}): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add':
      return add(rest, c, hooks);
    case 'set':
      return set(rest, c, hooks);
    case 'list':
      return list(rest, c);
    case 'revoke':
      return revoke(rest, c);
    case 'totp':
      return totp(rest, c);
    default:
      throw new NexusError('USAGE_INVALID', 'user: add, set, list, revoke or totp; see nexus user --help');
  }
}

export async function tokenCommand(args: string[], c: CommandEnv): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new NexusError('USAGE_INVALID', 'token: create NAME [--expires-days N]');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { 'expires-days': { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const name = oneName(positionals, 'token create: NAME [--expires-days N]');
  let expiresAt: string | null = null;
  const days = values['expires-days'];
  if (days !== undefined) {
    if (!/^\d{1,4}$/.test(days) || Number(days) < 1 || Number(days) > 3650)
      throw new NexusError('USAGE_INVALID', 'token create: --expires-days is a whole number from 1 to 3650');
    expiresAt = new Date(Date.now() + Number(days) * 86_400_000).toISOString();
  }
  requireOperator(c.ctx);
  return withStore(c, async (store) => {
    const user = await existing(store, c.ctx, name);
    if (user.disabled) throw new NexusError('USAGE_INVALID', `token create: user "${user.name}" is disabled`);
    const token = newToken();
    await store.createSession(c.ctx, {
      user: user.name,
      tokenHash: hashToken(token),
      kind: 'token',
      expiresAt,
    });
    if (values.json) c.io.stdout(json({ token, user: user.name, expires_at: expiresAt }));
    else {
      c.io.stdout(`${token}\n`);
      c.io.stderr(
        `token for ${user.name} (${expiresAt ? `expires ${expiresAt}` : 'no expiry'}), shown once: store it now. ` +
          `Use it as "Authorization: Bearer <token>"; revoke with nexus user revoke ${user.name}\n`,
      );
    }
    return 0;
  });
}
