// Backup and restore of a PostgreSQL store: pg_dump of the store's schema (custom format) and pg_restore of such a
// dump into a fresh schema, which may be named differently from the one dumped (a staging schema checked before it
// is swapped in, or a copy beside the live store). The tools run without a shell; the password travels in the
// environment, never on a command line other users can read.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import type { AccessContext } from '../../access/index.js';
import { NexusError } from '../../model/index.js';
import type { PgParts } from './parts.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The URL without its password, and an environment carrying the password for libpq. */
function connection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new NexusError('USAGE_INVALID', 'store.backup: the store URL is not a postgres:// URL');
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  const password = u.password ? decodeURIComponent(u.password) : u.searchParams.get('password');
  if (password) env.PGPASSWORD = password;
  u.password = '';
  u.searchParams.delete('password');
  return { dbname: u.toString(), env };
}

interface Done {
  code: number | null;
  stderr: string;
}

/** Runs a tool to completion; stderr kept (bounded) for the error message. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Done> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

function failed(where: string, tool: string, done: Done): NexusError {
  // CONTEXT and DETAIL lines can quote a row or key: stored values stay out of error messages.
  const why = done.stderr
    .trim()
    .split('\n')
    .filter((l) => !/\b(CONTEXT|DETAIL|LINE \d+):/.test(l))
    .slice(0, 3)
    .join('; ')
    .slice(0, 500);
  return new NexusError('STORE_UNAVAILABLE', `${where}: ${tool} failed (exit ${done.code}): ${why}`);
}

/** pg_dump of the store's schema to `path`, after the backup is on record, so the copy holds its own record. */
export async function backup(parts: PgParts, ctx: AccessContext, path: string): Promise<{ bytes: number }> {
  if (path.trim() === '') throw new NexusError('USAGE_INVALID', 'store.backup: give the file to write');
  await parts.audit.append(ctx, [
    { action: 'store.backup', category: 'administration', detail: { target: path } },
  ]);
  const { dbname, env } = connection(String(parts.db.pool.options.connectionString ?? ''));
  let done: Done;
  try {
    done = await run(
      'pg_dump',
      ['--format=custom', `--schema=${parts.db.schema}`, `--file=${path}`, `--dbname=${dbname}`],
      env,
    );
  } catch (err) {
    throw new NexusError('STORE_UNAVAILABLE', `store.backup: cannot run pg_dump: ${(err as Error).message}`);
  }
  if (done.code !== 0) throw failed('store.backup', 'pg_dump', done);
  return { bytes: statSync(path).size };
}

/** The schema a custom-format dump made by backup() holds, from its table of contents. */
async function dumpedSchema(path: string): Promise<string> {
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn('pg_restore', ['--list', path], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString('utf8');
      });
      child.stderr.on('data', (d: Buffer) => {
        if (stderr.length < 4000) stderr += d.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    },
  );
  if (out.code !== 0)
    throw failed('store.restore', 'pg_restore --list', { code: out.code, stderr: out.stderr });
  const names = [...out.stdout.matchAll(/^\d+; \d+ \d+ SCHEMA - (\S+) /gm)].map((m) => m[1] as string);
  if (names.length !== 1 || !SCHEMA_NAME.test(names[0] as string))
    throw new NexusError('USAGE_INVALID', `store.restore: ${path} is not a dump of one Nexus store schema`);
  return names[0] as string;
}

/**
 * Renames the dumped schema in the SQL pg_restore writes: only in statements, never inside COPY data (a row is one
 * line in COPY's text format; the block ends at `\.`), so no value changes.
 */
function renamer(from: string, to: string): (line: string) => string {
  const qualified = new RegExp(`(^|[^A-Za-z0-9_$"])${from}\\.`, 'g');
  const schema = new RegExp(`\\bSCHEMA ${from}\\b`, 'g');
  let data = false;
  return (line) => {
    if (data) {
      if (line === '\\.') data = false;
      return line;
    }
    const out = line.replace(qualified, `$1${to}.`).replace(schema, `SCHEMA ${to}`);
    if (/^COPY .* FROM stdin;$/.test(out)) data = true;
    return out;
  };
}

/**
 * Restores a dump made by backup() into `schema`, which must not exist yet, in one transaction (psql
 * --single-transaction with ON_ERROR_STOP): the schema holds the whole copy or nothing. The caller then checks it
 * (migrate, `nexus audit verify`) before putting it to use.
 */
export async function restorePostgres(url: string, schema: string, path: string): Promise<void> {
  if (!SCHEMA_NAME.test(schema))
    throw new NexusError('USAGE_INVALID', `store.restore: schema "${schema}" must match ${SCHEMA_NAME}`);
  const from = await dumpedSchema(path);
  const { dbname, env } = connection(url);
  const rename = renamer(from, schema);
  const source = spawn('pg_restore', ['--no-owner', '--no-privileges', '--file=-', path], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const sink = spawn(
    'psql',
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-f', '-', `--dbname=${dbname}`],
    { env, stdio: ['pipe', 'ignore', 'pipe'] },
  );
  const errors = { source: '', sink: '' };
  source.stderr.on('data', (d: Buffer) => {
    if (errors.source.length < 4000) errors.source += d.toString('utf8');
  });
  sink.stderr.on('data', (d: Buffer) => {
    if (errors.sink.length < 4000) errors.sink += d.toString('utf8');
  });
  const closed = (child: ReturnType<typeof spawn>) =>
    new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
  const sourceDone = closed(source);
  const sinkDone = closed(sink);
  let sinkClosed = false;
  void sinkDone.then(
    () => {
      sinkClosed = true;
    },
    () => {
      sinkClosed = true;
    },
  );
  // psql stopping early (an error) closes its input: its exit code tells, not a write error here.
  sink.stdin?.on('error', () => {});
  // The names index ranks with pg_trgm, which lives outside the dumped schema.
  sink.stdin?.write(
    'SET client_min_messages = warning;\nCREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;\n',
  );
  let rest = '';
  source.stdout.setEncoding('utf8');
  for await (const chunk of source.stdout as AsyncIterable<string>) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    const text = `${lines.map(rename).join('\n')}\n`;
    if (!sink.stdin?.write(text))
      await Promise.race([new Promise((r) => sink.stdin?.once('drain', r)), sinkDone]);
    if (sinkClosed) {
      source.kill();
      break;
    }
  }
  if (rest !== '') sink.stdin?.write(rename(rest));
  sink.stdin?.end();
  const [sourceCode, sinkCode] = await Promise.all([sourceDone, sinkDone]);
  // psql first: when it stops on an error, pg_restore is stopped too and says nothing useful.
  if (sinkCode !== 0) throw failed('store.restore', 'psql', { code: sinkCode, stderr: errors.sink });
  if (sourceCode !== 0)
    throw failed('store.restore', 'pg_restore', { code: sourceCode, stderr: errors.source });
}
