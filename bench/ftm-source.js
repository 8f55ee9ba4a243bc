// The ingest benchmarks' source: FtM JSON lines scaled to N entities by copying the real OpenSanctions fixtures
// (or the demo scenario when the shared data is absent) with new ids; made once per size under bench/out.

import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFtmLines, replicate } from '../dist/demo/replicate.js';
import { buildScenario } from '../dist/demo/scenario.js';

/** FtM JSON lines scaled to `count` entities by copying the real OpenSanctions fixtures with new ids. */
export async function makeFtmSource(count, DATA, OUT) {
  const file = join(OUT, `ftm-${count}.jsonl`);
  if (existsSync(file)) return file;
  const dir = join(DATA, 'opensanctions-ftm-fixtures');
  const base = existsSync(dir)
    ? ['zala_sanctions.ftm.jsonl', 't1_eu_fsf.ftm.jsonl', 'parteispenden_donations.ftm.jsonl'].flatMap((f) =>
        parseFtmLines(readFileSync(join(dir, f), 'utf8')),
      )
    : buildScenario().open;
  const out = createWriteStream(`${file}.tmp`);
  let n = 0;
  for (const e of replicate(base, Math.ceil(count / base.length))) {
    if (n++ >= count) break;
    if (!out.write(`${JSON.stringify(e)}\n`)) await new Promise((ok) => out.once('drain', ok));
  }
  await new Promise((ok) => out.end(ok));
  spawnSync('mv', [`${file}.tmp`, file]);
  return file;
}
