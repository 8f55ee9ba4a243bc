// Command-line fuzz driver: `npm run fuzz -- --format ofac --iterations 5000 [--seed N]`; prints a JSON result.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fuzz } from './fuzz.js';
import { FUZZ_TARGETS } from './fuzz-targets.js';

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      format: { type: 'string' },
      iterations: { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
      'case-file': { type: 'string' },
    },
  });
  const formats = values.format ? [values.format] : Object.keys(FUZZ_TARGETS);
  const results = [];
  for (const format of formats) {
    const target = FUZZ_TARGETS[format];
    if (!target) throw new Error(`fuzz: unknown format ${format}`);
    const caseFile = values['case-file'];
    // The current input is written before it runs, so a hang or an out-of-memory kill leaves it behind.
    const result = await fuzz(
      target,
      Number(values.iterations),
      Number(values.seed),
      caseFile ? (_i, input) => writeFileSync(caseFile, input) : undefined,
    );
    if (result.crashes.length > 0) {
      const dir = join('test', 'fixtures', 'fuzz-regressions', format);
      mkdirSync(dir, { recursive: true });
      for (const c of result.crashes)
        writeFileSync(join(dir, `seed${values.seed}-case${c.case}.bin`), Buffer.from(c.input, 'base64'));
    }
    results.push({ ...result, crashes: result.crashes.map(({ input: _input, ...rest }) => rest) });
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exitCode = results.some((r) => r.crashes.length > 0) ? 1 : 0;
}

await run();
