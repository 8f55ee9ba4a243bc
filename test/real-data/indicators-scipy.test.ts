// The trend statistics against an independent computation: scipy.stats (Debian's python3-scipy) on every real
// wastewater series, Kendall's tau and its p-value, and the Theil-Sen slope with Sen's interval.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { localOperator } from '../../src/access/index.js';
import { decimalYear, mannKendall, theilSen } from '../../src/indicators/index.js';
import { ingest } from '../../src/ingest/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { DATA_DIR } from './data-dir.js';

// Debian's python has scipy when python3-scipy is installed; the `python3` on PATH may not.
const PYTHON = '/usr/bin/python3';
const hasScipy =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import scipy'], { stdio: 'ignore' }).status === 0;
const WASTEWATER = join(DATA_DIR, 'emcdda-wastewater');

const SCRIPT = `
import json, sys, warnings
import numpy as np
from scipy import stats
warnings.simplefilter('ignore')
def num(x):
    x = float(x)
    return None if np.isnan(x) else x
out = []
for s in json.load(sys.stdin):
    t = np.array(s['t'], dtype=float); y = np.array(s['y'], dtype=float)
    tau = stats.kendalltau(t, y, method='asymptotic')
    exact = None
    if len(set(s['y'])) == len(y) and len(y) <= 10:
        exact = float(stats.kendalltau(t, y, method='exact').pvalue)
    ts = stats.theilslopes(y, t, alpha=0.95, method='joint')
    out.append({'tau': num(tau.statistic), 'p': num(tau.pvalue), 'exact': exact, 'slope': num(ts.slope),
                'intercept': num(ts.intercept), 'low': num(ts.low_slope), 'high': num(ts.high_slope)})
json.dump(out, sys.stdout)
`;

/** scipy's answers; null where it gives NaN (tau of a constant series). */
interface Reference {
  tau: number | null;
  p: number | null;
  exact: number | null;
  slope: number;
  intercept: number;
  low: number;
  high: number;
}

function close(a: number, b: number, rtol: number, atol = 1e-12): boolean {
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

describe.skipIf(!existsSync(WASTEWATER))(`trend statistics against scipy (needs ${WASTEWATER})`, () => {
  const series: { id: string; t: number[]; y: number[] }[] = [];
  const ctx = localOperator('test', 'scipy comparison');

  beforeAll(async () => {
    const store = new SqliteStore({ path: ':memory:' });
    await store.migrate();
    await ingest(ctx, store, { dataset: 'ww', format: 'wastewater', paths: [WASTEWATER] });
    const ids = (await store.listSeries(ctx)).filter((s) => s.points >= 4).map((s) => s.id);
    const points = await store.seriesPoints(ctx, ids);
    for (const id of ids) {
      const own = points.filter((p) => p.series === id);
      series.push({ id, t: own.map((p) => decimalYear(p.period)), y: own.map((p) => p.value) });
    }
    await store.close();
  }, 60_000);

  it.skipIf(!hasScipy)(
    'agrees with scipy.stats.kendalltau and theilslopes on every wastewater series of 4+ years (skips without /usr/bin/python3 + scipy: apt-get install python3-scipy)',
    () => {
      expect(series.length).toBeGreaterThan(250);
      const run = spawnSync(PYTHON, ['-c', SCRIPT], {
        input: JSON.stringify(series),
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      expect(run.status, run.stderr).toBe(0);
      const refs = JSON.parse(run.stdout) as Reference[];
      expect(refs.length).toBe(series.length);
      const problems: string[] = [];
      let exact = 0;
      let bounded = 0;
      let constant = 0;
      series.forEach((s, i) => {
        const ref = refs[i] as Reference;
        const mk = mannKendall(s.y, { continuity: false, exact: false });
        const ts = theilSen(s.t, s.y);
        const check = (what: string, ours: number | null, theirs: number, rtol: number) => {
          if (ours === null || !close(ours, theirs, rtol))
            problems.push(`${s.id} ${what}: ${ours} vs scipy ${theirs}`);
        };
        if (ref.tau === null || ref.p === null) {
          // A constant series: scipy has no tau; Nexus says S = 0, p = 1.
          constant++;
          if (mk.s !== 0 || mk.p !== 1) problems.push(`${s.id}: constant, but S = ${mk.s}, p = ${mk.p}`);
        } else {
          check('tau', mk.tau, ref.tau, 1e-12);
          check('p (normal, no continuity correction)', mk.p, ref.p, 1e-9);
        }
        check('slope', ts.slope, ref.slope, 1e-12);
        check('intercept', ts.intercept, ref.intercept, 1e-9);
        if (ref.exact !== null) {
          exact++;
          check('exact p', mannKendall(s.y).p, ref.exact, 1e-9);
        }
        // scipy clamps limits that fall outside the slopes to the extremes; Nexus says there is no interval.
        if (ts.low !== null) {
          bounded++;
          check('low', ts.low, ref.low, 1e-12);
          check('high', ts.high, ref.high, 1e-12);
        }
      });
      expect(problems).toEqual([]);
      expect(exact).toBeGreaterThan(100);
      expect(bounded).toBeGreaterThan(150);
      expect(constant).toBeLessThan(10);
    },
  );
});
