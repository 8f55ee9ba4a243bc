// Runs the nexus CLI in-process with captured output, for command tests.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempHome(prefix = 'nexus-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function nexus(home: string, ...args: string[]): Promise<Run> {
  return nexusWith({}, home, ...args);
}

/** As nexus(), with more environment (NEXUS_DATABASE_URL for a PostgreSQL store, say). */
export async function nexusWith(env: Record<string, string>, home: string, ...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    ['--home', home, ...args],
    { NEXUS_DATA_DIR: process.env.NEXUS_DATA_DIR, ...env },
    {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      stderrIsTty: false,
    },
  );
  return { code, stdout, stderr };
}

export async function nexusJson<T = unknown>(home: string, ...args: string[]): Promise<T> {
  const run = await nexus(home, ...args, '--json');
  if (run.code !== 0) throw new Error(`nexus ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** Resolves with the URL `nexus serve` prints once it listens; rejects if the process ends first. */
export function listening(proc: ChildProcess, output: { stderr: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m?.[1]) resolve(m[1]);
    });
    proc.stderr?.on('data', (chunk: Buffer) => {
      output.stderr += chunk.toString();
    });
    proc.once('exit', (code) =>
      reject(new Error(`nexus serve exited ${code}: ${output.stderr.slice(-2000)}`)),
    );
  });
}
