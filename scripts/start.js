#!/usr/bin/env node
// `npm start`: build if the sources changed, then load the fictional demo and any real datasets, and say what to try.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir) {
  let latest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    latest = Math.max(latest, st.isDirectory() ? newest(path) : st.mtimeMs);
  }
  return latest;
}

const built = 'dist/cli/main.js';
if (!existsSync(built) || newest('src') > statSync(built).mtimeMs) {
  console.log('building...');
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
const demo = spawnSync(process.execPath, ['bin/nexus.js', 'demo', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(demo.status ?? 1);
