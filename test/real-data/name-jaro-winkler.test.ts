// Checks Jaro-Winkler against moov-io/watchman's expected scores for single-word pairs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { jaroWinkler } from '../../src/resolve/names/index.js';
import { DATA_DIR } from './data-dir.js';

const FILE = join(DATA_DIR, 'watchman-cases', 'jaro_winkler_expected_scores.csv');

describe.skipIf(!existsSync(FILE))(
  'watchman Jaro-Winkler expectations (skips when watchman-cases absent)',
  () => {
    it('agrees within 0.02 on one-word pairs (watchman adds best-pair logic for several words)', () => {
      const rows = parse(readFileSync(FILE, 'utf8'), { columns: true }) as Record<string, string>[];
      const single = rows.filter(
        (r) => !/\s/.test((r.indexed ?? '').trim()) && !/\s/.test((r.search ?? '').trim()),
      );
      let agree = 0;
      for (const r of single) {
        const ours = jaroWinkler((r.indexed ?? '').toLowerCase(), (r.search ?? '').toLowerCase());
        if (Math.abs(ours - Number(r.expected_score)) <= 0.02) agree++;
        else
          console.log(
            `differs: ${r.indexed} / ${r.search}: ours ${ours.toFixed(3)} expected ${r.expected_score}`,
          );
      }
      console.log(`jaro-winkler: ${agree}/${single.length} one-word rows agree`);
      expect(single.length).toBeGreaterThan(0);
      expect(agree / single.length).toBeGreaterThanOrEqual(0.5);
    });
  },
);
