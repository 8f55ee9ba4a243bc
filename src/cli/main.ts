// The `nexus` command: global options, the access context, and dispatch to subcommands.
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import {
  type AccessContext,
  gradingFilterOption,
  loadPolicy,
  localOperator,
  makeContext,
  withGrading,
} from '../access/index.js';
import type { AuditCategory } from '../audit/index.js';
import { isNexusError, NexusError } from '../model/index.js';
import { type Store, storeFromEnv } from '../store/index.js';
import { assessCommand, assessHelp } from './commands/assess.js';
import { auditCommand, auditHelp, eraseCommand, eraseHelp } from './commands/audit.js';
import { backupCommand, backupHelp, restoreCommand } from './commands/backup.js';
import { demoCommand, demoHelp } from './commands/demo.js';
import {
  campaignsCommand,
  centralityCommand,
  centralityHelp,
  communitiesCommand,
  expandCommand,
  exposureCommand,
  exposureHelp,
  pathsCommand,
  pathsHelp,
} from './commands/graph.js';
import { ingestCommand, ingestHelp } from './commands/ingest.js';
import { jobsCommand, jobsHelp } from './commands/jobs.js';
import {
  compareCommand,
  compareHelp,
  indexCommand,
  indexHelp,
  matchCommand,
  matchHelp,
} from './commands/match.js';
import {
  datasetsCommand,
  digestCommand,
  entityCommand,
  exportCommand,
  listCommand,
  searchCommand,
  statsCommand,
} from './commands/read.js';
import {
  judgeCommand,
  judgeHelp,
  reviewCommand,
  reviewHelp,
  unmergeCommand,
  xrefCommand,
  xrefHelp,
} from './commands/resolve.js';
import { seriesCommand, seriesHelp } from './commands/series.js';
import { serveCommand, serveHelp } from './commands/serve.js';
import {
  clusterCommand,
  clusterHelp,
  exposureCryptoCommand,
  exposureCryptoHelp,
  traceCommand,
  traceHelp,
} from './commands/trace.js';
import { tokenCommand, tokenHelp, userCommand, userHelp } from './commands/user.js';
import { workerCommand, workerHelp } from './commands/worker.js';
import { type CommandEnv, type Io, processIo } from './io.js';

type Command = (args: string[], c: CommandEnv) => Promise<number>;

/** Every subcommand; exported so tests can require a case per command (test/security/need-to-know.test.ts). */
export const commands = new Map<string, { run: Command; summary: string; help?: string }>([
  [
    'ingest',
    {
      run: ingestCommand,
      summary: 'load a source (FtM JSON lines, OFAC CSV, UN XML, STIX, CSV/XLSX + mapping)',
      help: ingestHelp,
    },
  ],
  ['datasets', { run: datasetsCommand, summary: 'list datasets with counts [--json]' }],
  ['stats', { run: statsCommand, summary: 'entities per schema, statements, datasets [--json]' }],
  [
    'search',
    {
      run: searchCommand,
      summary: 'name search: nexus search QUERY [--schema S] [--dataset D] [--limit N] [--json]',
    },
  ],
  [
    'entity',
    { run: entityCommand, summary: "one entity with every statement's provenance: nexus entity ID [--json]" },
  ],
  [
    'list',
    {
      run: listCommand,
      summary: 'list entities: [--schema S] [--dataset D] [--topic T] [--country C] [--after ID] [--json]',
    },
  ],
  [
    'export',
    {
      run: exportCommand,
      summary:
        'export: --dataset NAME --format ftm, or the graph: --format graphml|gexf [--dataset D] [--output FILE]',
    },
  ],
  [
    'digest',
    { run: digestCommand, summary: 'SHA-256 over all visible statement ids (equal stores, equal digests)' },
  ],
  [
    'match',
    {
      run: matchCommand,
      summary:
        'screen JSON-line queries (yente /match shape): [--dataset D] [--threshold T] [--limit N] [FILE]',
      help: matchHelp,
    },
  ],
  [
    'compare',
    { run: compareCommand, summary: 'score name pairs from CSV: --pairs FILE [--json]', help: compareHelp },
  ],
  ['index', { run: indexCommand, summary: 'bring the match index up to date [--json]', help: indexHelp }],
  [
    'xref',
    {
      run: xrefCommand,
      summary: 'score a dataset against the others, store suggestions: DATASET [--against D]',
      help: xrefHelp,
    },
  ],
  [
    'review',
    { run: reviewCommand, summary: 'decide match suggestions one by one [--json]', help: reviewHelp },
  ],
  [
    'judge',
    {
      run: judgeCommand,
      summary: 'record a decision: A B match|no-match|unsure [--reason TEXT]',
      help: judgeHelp,
    },
  ],
  ['unmerge', { run: unmergeCommand, summary: 'undo a merge: NX-...' }],
  [
    'paths',
    {
      run: pathsCommand,
      summary: 'how two entities connect: FROM TO [--k K] [--all] [--max-hops N] [--time-ordered] [--json]',
      help: pathsHelp,
    },
  ],
  ['expand', { run: expandCommand, summary: 'ego network: ID... [--depth N] [--max-nodes N] [--json]' }],
  [
    'exposure',
    {
      run: exposureCommand,
      summary: 'exposure to a hostile state with explaining paths: --state ru|cn|kp|ir [--proxies] [--json]',
      help: exposureHelp,
    },
  ],
  [
    'centrality',
    {
      run: centralityCommand,
      summary: 'rank nodes: --metric degree|pagerank|betweenness|kcore|brokers [--dataset D] [--json]',
      help: centralityHelp,
    },
  ],
  [
    'communities',
    {
      run: communitiesCommand,
      summary: 'Louvain communities with modularity and summaries [--dataset D] [--json]',
    },
  ],
  [
    'campaigns',
    { run: campaignsCommand, summary: 'group entities sharing phones, emails, accounts, sites [--json]' },
  ],
  [
    'series',
    {
      run: seriesCommand,
      summary: 'indicator series: list [--area A] [--json] | show ID [--json] (points and trend statistics)',
      help: seriesHelp,
    },
  ],
  [
    'assess',
    {
      run: assessCommand,
      summary:
        'the strategic assessment: [--year Y] [--out FILE.html] [--pdf FILE] [--json] [--ceiling M] | judgement edit|sign ID',
      help: assessHelp,
    },
  ],
  [
    'demo',
    {
      run: demoCommand,
      summary: 'load the fictional demo scenario and the real datasets found',
      help: demoHelp,
    },
  ],
  [
    'serve',
    {
      run: serveCommand,
      summary:
        'serve the HTTP API (POST /match/{dataset}, yente-compatible): [--host H] [--port P] [--no-auth]',
      help: serveHelp,
    },
  ],
  [
    'user',
    {
      run: userCommand,
      summary: 'API users: add NAME --role R --clearance L | set NAME ... | list | revoke NAME',
      help: userHelp,
    },
  ],
  [
    'audit',
    {
      run: auditCommand,
      summary: 'the audit log: verify (walk the hash chain) | list [--user U] [--action A] [--json]',
      help: auditHelp,
    },
  ],
  [
    'trace',
    {
      run: traceCommand,
      summary:
        'follow crypto funds: --from ADDR|SET --model poison|haircut|fifo [--direction forward|backward]',
      help: traceHelp,
    },
  ],
  [
    'exposure-crypto',
    {
      run: exposureCryptoCommand,
      summary: "where an address's funds came from, per seed set: ADDR [--model M]",
      help: exposureCryptoHelp,
    },
  ],
  [
    'cluster',
    {
      run: clusterCommand,
      summary: 'UTXO addresses grouped into wallets by common-input ownership [--include-coinjoin]',
      help: clusterHelp,
    },
  ],
  ['backup', { run: backupCommand, summary: 'an online copy of the store: FILE', help: backupHelp }],
  [
    'restore',
    { run: restoreCommand, summary: 'check a backup and put it in place: FILE [--force]', help: backupHelp },
  ],
  ['erase', { run: eraseCommand, summary: 'erase records for good: ID... --reason TEXT', help: eraseHelp }],
  [
    'token',
    {
      run: tokenCommand,
      summary: 'a bearer token for the API: create NAME [--expires-days N]',
      help: tokenHelp,
    },
  ],
  [
    'jobs',
    {
      run: jobsCommand,
      summary: 'background jobs on the queue: submit KIND ... | list | show ID | cancel ID',
      help: jobsHelp,
    },
  ],
  [
    'worker',
    {
      run: workerCommand,
      summary: 'run background jobs from the queue (REDIS_URL) until stopped [--concurrency N]',
      help: workerHelp,
    },
  ],
]);

/**
 * What each command records in the audit log when it opens the store (SECURITY.md R11): the action is
 * `cli.<command>`, with its DPA 2018 s.62 category; the store's own writes add their records beside it. A command
 * that never opens a store says why it records nothing. A command missing here stops the CLI at start-up.
 */
export const COMMAND_AUDIT: Readonly<Record<string, AuditCategory | { none: string }>> = {
  ingest: 'collection',
  datasets: 'consultation',
  stats: 'consultation',
  search: 'consultation',
  entity: 'consultation',
  list: 'consultation',
  export: 'disclosure',
  digest: 'consultation',
  match: 'consultation',
  compare: { none: 'scores name pairs from a file; opens no store' },
  index: 'combination',
  xref: 'combination',
  review: 'combination',
  judge: 'combination',
  unmerge: 'alteration',
  paths: 'consultation',
  expand: 'consultation',
  exposure: 'combination',
  centrality: 'combination',
  communities: 'combination',
  campaigns: 'combination',
  series: 'consultation',
  assess: 'disclosure',
  demo: 'collection',
  serve: 'administration',
  user: 'administration',
  audit: 'consultation',
  erase: 'erasure',
  backup: 'administration',
  trace: 'combination',
  'exposure-crypto': 'combination',
  cluster: 'combination',
  restore: { none: 'replaces the store; its record goes into the restored store once checked' },
  token: 'authentication',
  // Managing jobs; each job records its own action (job.ingest, job.xref, ...) as its user when it runs.
  jobs: 'administration',
  worker: 'administration',
};

export const COMMAND_NAMES: readonly string[] = [...commands.keys()];

for (const name of commands.keys())
  if (!(name in COMMAND_AUDIT))
    throw new Error(`src/cli/main.ts: command "${name}" declares no audit action`);

/** Options whose values are secrets and never reach the audit log (none take one today; kept as the rule). */
const SECRET_OPTIONS = /^--(password|token|secret)/;

function auditArgs(args: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (SECRET_OPTIONS.test(a)) {
      out.push(a.includes('=') ? `${a.split('=')[0]}=***` : a);
      if (!a.includes('=') && i + 1 < args.length && !(args[i + 1] as string).startsWith('-')) {
        out.push('***');
        i++;
      }
    } else out.push(a);
  }
  return out.join(' ');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function usage(): string {
  const lines = [...commands].map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `nexus ${version()}: intelligence analysis over FollowTheMoney statements

usage: nexus [global options] COMMAND [options]

commands:
${lines.join('\n')}

global options:
  --home DIR         where the embedded store lives (env NEXUS_HOME, default ./nexus-data)
  --user NAME        who is acting (env NEXUS_USER, default the OS user)
  --clearance LEVEL  act with this clearance, e.g. OFFICIAL (env NEXUS_CLEARANCE; default: local operator, all levels)
  --caveats LIST     comma-separated caveats held, e.g. "UK EYES ONLY"
  --purpose TEXT     why (recorded with access; env NEXUS_PURPOSE)
  --grading EXPR     see only statements graded so (env NEXUS_GRADING): AB = assessment A or B, 1AB = source 1
                     and A or B, AB+ungraded lets ungraded through too; see docs/grading.md. After \`ingest\`,
                     --grading is the ingest's own 3x5x2 code (and after \`jobs\`, the job's own option)
  --help, --version

environment:
  NEXUS_DATABASE_URL     a postgres:// URL: every command uses that PostgreSQL store instead of HOME/nexus.db
  NEXUS_DATABASE_SCHEMA  the schema holding it (default nexus); HOME still holds files (uploads, judgements)
  REDIS_URL              the job queue for \`nexus worker\` (default redis://127.0.0.1:6379)

nexus COMMAND --help shows a command's options.
`;
}

const GLOBAL_WITH_VALUE = new Set(['--home', '--user', '--clearance', '--caveats', '--purpose', '--grading']);
/** Commands with a --clearance of their own (the clearance of the user being managed): after them it is theirs. */
const OWN_CLEARANCE = new Set(['user']);
/** Commands with a --grading of their own (the 3x5x2 code of what they load): after them it is theirs. */
const OWN_GRADING = new Set(['ingest', 'jobs']);

/** Splits global options (anywhere on the line) from the command and its own arguments. */
function splitGlobals(argv: string[]): { globals: Map<string, string>; rest: string[] } {
  const globals = new Map<string, string>();
  const rest: string[] = [];
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const own =
      command !== undefined &&
      ((name === '--clearance' && OWN_CLEARANCE.has(command)) ||
        (name === '--grading' && OWN_GRADING.has(command)));
    if (GLOBAL_WITH_VALUE.has(name) && !own) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new NexusError('USAGE_INVALID', `${name} needs a value`);
      globals.set(name.slice(2), value);
    } else {
      if (command === undefined && !arg.startsWith('-')) command = arg;
      rest.push(arg);
    }
  }
  return { globals, rest };
}

function contextFrom(
  globals: Map<string, string>,
  env: Readonly<Record<string, string | undefined>>,
): AccessContext {
  const user = globals.get('user') ?? env.NEXUS_USER ?? safeUser();
  const purpose = globals.get('purpose') ?? env.NEXUS_PURPOSE ?? 'command-line use';
  const clearance = globals.get('clearance') ?? env.NEXUS_CLEARANCE;
  // Blank means no filter; anything else that is not a filter is GRADING_INVALID.
  const grading = gradingFilterOption(globals.get('grading') ?? env.NEXUS_GRADING);
  if (clearance === undefined) return withGrading(localOperator(user, purpose), grading);
  const caveats = (globals.get('caveats') ?? env.NEXUS_CAVEATS ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  return makeContext({ user, clearance, caveats, purpose, ...(grading ? { grading } : {}) });
}

function safeUser(): string {
  try {
    return userInfo().username || 'local';
  } catch {
    return 'local';
  }
}

export async function main(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
  io: Io = processIo,
): Promise<number> {
  try {
    const { globals, rest } = splitGlobals(argv);
    const [name, ...args] = rest;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.stdout(usage());
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-v') {
      io.stdout(`${version()}\n`);
      return 0;
    }
    const command = commands.get(name);
    if (!command) throw new NexusError('USAGE_INVALID', `unknown command "${name}"; try nexus --help`);
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout(`${command.help ?? `nexus ${name}: ${command.summary}`}\n`);
      return 0;
    }
    // The need-to-know policy (levels, caveats, compartments, roles) is validated before anything else runs.
    loadPolicy(env.NEXUS_POLICY);
    const home = resolve(globals.get('home') ?? env.NEXUS_HOME ?? 'nexus-data');
    const ctx = contextFrom(globals, env);
    const declared = COMMAND_AUDIT[name];
    let recorded = false;
    const openStore = async (): Promise<Store> => {
      const store = storeFromEnv(env, home);
      const m = await store.migrate();
      if (m.error) {
        await store.close();
        throw m.error;
      }
      // The command's record goes in before it reads anything; when it cannot be written, nothing is read (R12).
      if (!recorded && typeof declared === 'string') {
        try {
          await store.audit(ctx, [
            { action: `cli.${name}`, category: declared, detail: { args: auditArgs(args) } },
          ]);
        } catch (err) {
          await store.close();
          throw err;
        }
        recorded = true;
      }
      return store;
    };
    return await command.run(args, { io, ctx, home, env, openStore });
  } catch (err) {
    if (isNexusError(err)) {
      io.stderr(`nexus: ${err.code}: ${err.message}\n`);
      return err.code === 'USAGE_INVALID' ? 2 : 1;
    }
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`nexus: USAGE_INVALID: ${err.message}\n`);
      return 2;
    }
    io.stderr(`nexus: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
