// SECURITY.md R1: kill -9 during ingest loses no committed batch, never exposes a partial one, and resuming
// gives the same store as an uninterrupted run. Iterations: NEXUS_CRASH_ITERATIONS (default 3).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { replicate } from '../../src/demo/replicate.js';
import { buildScenario } from '../../src/demo/scenario.js';
import { Random } from '../../src/model/random.js';

const ITERATIONS = Number(process.env.NEXUS_CRASH_ITERATIONS ?? 3);
const BIN = 'bin/nexus.js';
const haveBuild = existsSync('dist/cli/main.js');

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function finish(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  let stdout = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  return new Promise((ok) => child.on('close', (code, signal) => ok({ code, signal, stdout })));
}

async function nexus(args: string[]) {
  const res = await finish(run(args));
  if (res.code !== 0) throw new Error(`nexus ${args.join(' ')} exited ${res.code}`);
  return res.stdout;
}

describe.skipIf(!haveBuild)('kill -9 during ingest (needs dist/: run npm run build)', () => {
  it(`resumes to the same store after ${ITERATIONS} random kills`, { timeout: 300_000 }, async () => {
    const work = mkdtempSync(join(tmpdir(), 'nexus-crash-'));
    const source = join(work, 'source.ftm.jsonl');
    const base = buildScenario().open.map((e) => ({
      ...e,
      properties: e.properties as Record<string, unknown[]>,
    }));
    const lines: string[] = [];
    const idsByLine: string[] = [];
    for (const e of replicate(base, 150)) {
      lines.push(JSON.stringify(e));
      idsByLine.push(e.id);
    }
    writeFileSync(source, `${lines.join('\n')}\n`);
    const ingestArgs = (home: string) => [
      '--home',
      home,
      'ingest',
      '--dataset',
      'crash',
      '--batch-size',
      '700',
      '--progress',
      'none',
      '--json',
      source,
    ];

    const clean = join(work, 'clean');
    await nexus(ingestArgs(clean));
    const want = (await nexus(['--home', clean, 'digest'])).trim();

    const r = new Random(4242);
    let killedMidway = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const home = join(work, `run${i}`);
      const child = run(ingestArgs(home));
      const done = finish(child);
      await new Promise((ok) => setTimeout(ok, r.int(250, 1500)));
      child.kill('SIGKILL');
      const res = await done;
      if (res.signal !== 'SIGKILL') continue;
      killedMidway++;
      // After the kill: the file is intact, and the store holds exactly the records the checkpoint covers.
      if (existsSync(join(home, 'nexus.db'))) {
        const db = new Database(join(home, 'nexus.db'));
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const hasTables = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'ingest_checkpoints'").get();
        if (hasTables) {
          const cp = db.prepare('SELECT items_done FROM ingest_checkpoints').pluck().get() as
            | number
            | undefined;
          const stored = new Set(db.prepare('SELECT id FROM entities').pluck().all() as string[]);
          const done = cp ?? 0;
          expect(stored.size).toBe(new Set(idsByLine.slice(0, done)).size);
          for (const id of idsByLine.slice(0, done)) expect(stored.has(id)).toBe(true);
        }
        db.close();
      }
      const resumed = JSON.parse(await nexus(ingestArgs(home))) as { resumedFrom: number };
      expect(resumed.resumedFrom).toBeGreaterThanOrEqual(0);
      expect((await nexus(['--home', home, 'digest'])).trim()).toBe(want);
    }
    // The test means nothing if every run finished before the kill.
    expect(killedMidway).toBeGreaterThan(0);
  });
});
