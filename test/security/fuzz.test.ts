// SECURITY.md R15: every parser survives mutated input in a child process with a small heap and a time limit,
// giving only typed errors or rejects. NEXUS_FUZZ_ITERATIONS sets the cases per parser (default 40; run
// `npm run fuzz -- --iterations 20000` for a long run). Crashing inputs land in test/fixtures/fuzz-regressions/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../../src/ingest/fuzz.js';
import { FUZZ_TARGETS } from '../../src/ingest/fuzz-targets.js';

const ITERATIONS = Number(process.env.NEXUS_FUZZ_ITERATIONS ?? 40);
const haveBuild = existsSync('dist/ingest/fuzz-cli.js');

describe.skipIf(!haveBuild)('parser fuzzing (needs dist/: npm run build)', () => {
  for (const format of Object.keys(FUZZ_TARGETS)) {
    it(`${format}: ${ITERATIONS} mutated inputs, 256 MB heap, 90 s`, { timeout: 120_000 }, () => {
      const caseFile = join(mkdtempSync(join(tmpdir(), 'nexus-fuzz-case-')), 'current.bin');
      const run = spawnSync(
        process.execPath,
        [
          '--max-old-space-size=256',
          'dist/ingest/fuzz-cli.js',
          '--format',
          format,
          '--iterations',
          String(ITERATIONS),
          '--seed',
          '20261129',
          '--case-file',
          caseFile,
        ],
        { encoding: 'utf8', timeout: 90_000 },
      );
      const hung = run.signal !== null ? ` (killed by ${run.signal}; the input is in ${caseFile})` : '';
      expect(run.status, `${run.stderr}${hung}`).toBe(0);
      const [result] = JSON.parse(run.stdout) as { cases: number; crashes: unknown[] }[];
      expect(result?.crashes).toEqual([]);
      expect(result?.cases).toBe(ITERATIONS);
    });
  }

  it('replays every saved crashing input without an untyped error', async () => {
    const root = 'test/fixtures/fuzz-regressions';
    if (!existsSync(root)) return;
    for (const format of readdirSync(root)) {
      const target = FUZZ_TARGETS[format];
      if (!target) continue;
      const files = readdirSync(join(root, format)).map((f) => readFileSync(join(root, format, f)));
      const name = target.seeds[0]?.split('/').pop() ?? 'input';
      expect(await replay(target, name, files)).toEqual([]);
    }
  });
});
