// Runs the name engine over OpenSanctions' labelled name benchmark and compares it with logic-v2's frozen outcomes.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/resolve/names/index.js';
import { DATA_DIR } from './data-dir.js';

const BENCH = join(DATA_DIR, 'nomenklatura-name-bench');
const present = existsSync(join(BENCH, 'cases.csv')) && existsSync(join(BENCH, 'logicv2-frozen.csv'));
const THRESHOLD = 0.7;

type Row = Record<string, string>;
const read = (file: string): Row[] =>
  parse(readFileSync(join(BENCH, file), 'utf8'), { columns: true }) as Row[];

interface Counts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}
const empty = (): Counts => ({ tp: 0, fp: 0, tn: 0, fn: 0 });
function add(c: Counts, truth: boolean, predicted: boolean): void {
  if (truth && predicted) c.tp++;
  else if (truth) c.fn++;
  else if (predicted) c.fp++;
  else c.tn++;
}
function prf(c: Counts): { p: number; r: number; f1: number; n: number } {
  const p = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const r = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  const f1 = p + r === 0 ? 0 : (2 * p * r) / (p + r);
  return { p, r, f1, n: c.tp + c.fp + c.tn + c.fn };
}
const fmt = (x: number): string => x.toFixed(3);

describe.skipIf(!present)(
  'nomenklatura name benchmark (skips when nomenklatura-name-bench not in NEXUS_DATA_DIR)',
  () => {
    it('beats logic-v2 F1 at threshold 0.7 on the same pairs', () => {
      const cases = read('cases.csv');
      const frozen = new Map<string, Row>();
      for (const r of read('logicv2-frozen.csv'))
        frozen.set(`${r.case_group}|${r.name1}|${r.name2}|${r.schema}`, r);
      const ours = new Map<string, Counts>();
      const oursShared = new Map<string, Counts>();
      const theirs = new Map<string, Counts>();
      const errors: string[] = [];
      for (const c of cases) {
        const group = c.case_group ?? '';
        const truth = c.is_match === 'true';
        const result = compareNames(c.schema ?? '', [c.name1 ?? ''], [c.name2 ?? '']);
        const predicted = result.score >= THRESHOLD;
        for (const g of [group, 'ALL']) {
          if (!ours.has(g)) ours.set(g, empty());
          add(ours.get(g) as Counts, truth, predicted);
        }
        if (predicted !== truth)
          errors.push(`${truth ? 'FN' : 'FP'} ${result.score.toFixed(2)} ${result.explanation}`);
        const lv2 = frozen.get(`${group}|${c.name1}|${c.name2}|${c.schema}`);
        if (lv2 === undefined) continue;
        for (const g of [group, 'ALL']) {
          if (!theirs.has(g)) theirs.set(g, empty());
          if (!oursShared.has(g)) oursShared.set(g, empty());
          add(theirs.get(g) as Counts, truth, lv2.predicted_match === 'true');
          add(oursShared.get(g) as Counts, truth, predicted);
        }
      }
      const table = [...ours.keys()].sort().map((g) => ({
        group: g,
        nexus: prf(ours.get(g) as Counts),
        nexusOnShared: prf(oursShared.get(g) ?? empty()),
        logicV2: prf(theirs.get(g) ?? empty()),
      }));
      const lines = [
        'group              n    | nexus P  R     F1    | shared n  nexus F1  logic-v2 P  R     F1',
      ];
      for (const t of table) {
        lines.push(
          `${t.group.padEnd(18)} ${String(t.nexus.n).padStart(4)} | ${fmt(t.nexus.p)} ${fmt(t.nexus.r)} ${fmt(t.nexus.f1)} | ` +
            `${String(t.logicV2.n).padStart(8)}  ${fmt(t.nexusOnShared.f1)}     ${fmt(t.logicV2.p)} ${fmt(t.logicV2.r)} ${fmt(t.logicV2.f1)}`,
        );
      }
      console.log(lines.join('\n'));
      if (process.env.NAME_BENCH_ERRORS) console.log(errors.join('\n'));
      mkdirSync('bench/out', { recursive: true });
      writeFileSync(
        'bench/out/name-bench.json',
        `${JSON.stringify({ threshold: THRESHOLD, groups: table, errors: errors.length }, null, 2)}\n`,
      );
      const all = table.find((t) => t.group === 'ALL');
      expect(all).toBeDefined();
      expect(all?.nexusOnShared.f1 ?? 0).toBeGreaterThan(all?.logicV2.f1 ?? 1);
    });
  },
);
