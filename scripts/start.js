#!/usr/bin/env node
// `npm start`: build what changed, load the fictional demo and any real datasets, create a demo user once, then
// serve the API and the web UI on 127.0.0.1 (port 8080 or the next free one) until Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const HOST = '127.0.0.1';
const FIRST_PORT = 8080;
const DEMO_USER = 'demo';
// The demo's state-linked strand is SECRET and its case OFFICIAL-SENSITIVE (the SENSITIVE caveat): see
// src/cli/commands/demo.ts. Real public lists load as OFFICIAL.
const DEMO_CLEARANCE = 'SECRET';
const DEMO_CAVEATS = ['SENSITIVE'];

function newest(dir) {
  let latest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    latest = Math.max(latest, st.isDirectory() ? newest(path) : st.mtimeMs);
  }
  return latest;
}

function run(args, options = {}) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
  return result;
}

const built = 'dist/cli/main.js';
if (!existsSync(built) || newest('src') > statSync(built).mtimeMs) {
  console.log('building the server...');
  run(['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
}
const page = 'dist/web/index.html';
if (!existsSync(page) || newest('web') > statSync(page).mtimeMs) {
  console.log('building the web UI...');
  run(['node_modules/vite/bin/vite.js', 'build', 'web', '--logLevel', 'warn']);
}

// Global options (--home and friends) pass through to every nexus command; the rest goes to `nexus demo`.
const argv = process.argv.slice(2);
const homeAt = argv.findIndex((a) => a === '--home' || a.startsWith('--home='));
const homeArg =
  homeAt < 0
    ? undefined
    : argv[homeAt].includes('=')
      ? argv[homeAt].slice('--home='.length)
      : argv[homeAt + 1];
const home = resolve(homeArg ?? process.env.NEXUS_HOME ?? 'nexus-data');
const nexus = (args, options) => run(['bin/nexus.js', '--home', home, ...args], options);

nexus(['demo', ...argv.filter((_, i) => homeAt < 0 || (i !== homeAt && i !== homeAt + 1))]);

// The demo user: created once, its password printed once. A marker in the home folder remembers that it was.
mkdirSync(home, { recursive: true });
const marker = join(home, '.demo-user-created');
const listed = spawnSync(process.execPath, ['bin/nexus.js', '--home', home, 'user', 'list', '--json'], {
  encoding: 'utf8',
});
if (listed.status !== 0) {
  process.stderr.write(listed.stderr);
  process.exit(listed.status ?? 1);
}
const users = JSON.parse(listed.stdout || '[]');
const exists = users.some((u) => u.name === DEMO_USER);
if (exists || existsSync(marker)) {
  console.log(
    `\nDemo user "${DEMO_USER}": already created; reset its password with ` +
      `nexus --home ${home} user set ${DEMO_USER} --password-stdin`,
  );
  if (!existsSync(marker)) writeFileSync(marker, `${new Date().toISOString()}\n`);
} else {
  // 24 characters of base64url: 144 random bits, typeable, and far beyond what guessing could reach.
  const password = randomBytes(18).toString('base64url');
  nexus(
    [
      'user',
      'add',
      DEMO_USER,
      '--role',
      'analyst',
      '--clearance',
      DEMO_CLEARANCE,
      ...DEMO_CAVEATS.flatMap((c) => ['--caveat', c]),
      '--password-stdin',
    ],
    { input: `${password}\n`, stdio: ['pipe', 'ignore', 'inherit'] },
  );
  // Only the fact and the time are kept, never the password.
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  console.log(`
Demo user created (shown this once; reset with nexus user set ${DEMO_USER} --password-stdin):
  user name: ${DEMO_USER}
  password:  ${password}
  role analyst, clearance ${DEMO_CLEARANCE} ${DEMO_CAVEATS.join(' ')}: sees the whole fictional demo`);
}

function free(port) {
  return new Promise((ok) => {
    const probe = createServer();
    probe.once('error', () => ok(false));
    probe.listen(port, HOST, () => probe.close(() => ok(true)));
  });
}

let port = FIRST_PORT;
while (!(await free(port))) {
  if (port >= FIRST_PORT + 50) {
    console.error(`no free port on ${HOST} from ${FIRST_PORT} to ${port}`);
    process.exit(1);
  }
  port++;
}

// Request logs (JSON lines) go to a file; anything else the server says (warnings, errors) to the terminal.
const logPath = join(home, 'serve.log');
const log = createWriteStream(logPath, { flags: 'a' });
const server = spawn(
  process.execPath,
  ['bin/nexus.js', '--home', home, 'serve', '--host', HOST, '--port', String(port)],
  {
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
createInterface({ input: server.stderr }).on('line', (line) => {
  if (line.startsWith('{')) log.write(`${line}\n`);
  else console.error(line);
});
createInterface({ input: server.stdout }).on('line', (line) => {
  const m = /listening on (\S+)/.exec(line);
  if (m) {
    console.log(`
Nexus is running: open ${m[1]}/ in a browser and log in as ${DEMO_USER}.
Request logs: ${logPath}. Stop with Ctrl-C.`);
  } else console.log(line);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => {
  log.end();
  process.exit(code ?? 0);
});
