// Screening evidence on real lists: UN positives must hit the listed person, synthetic negatives must not match.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperator } from '../../src/access/index.js';
import { ingest } from '../../src/ingest/index.js';
import { cleanIsoDate } from '../../src/model/index.js';
import { type MatchQueryResponse, screen, updateMatchIndex } from '../../src/resolve/index.js';
import { forgetAnalyses } from '../../src/resolve/names/index.js';
import { SqliteStore, type Store } from '../../src/store/index.js';
import { DATA_DIR } from './data-dir.js';

const UN = join(DATA_DIR, 'un-consolidated-list', 'UN_consolidated.xml');
const OFAC = join(DATA_DIR, 'ofac-sdn');
const FIXTURES = join(DATA_DIR, 'yente-screening-fixtures');
const present = [UN, OFAC, join(FIXTURES, 'positives_un_untreated.csv')].every((p) => existsSync(p));
const ctx = localOperator('test', 'screening evidence');

interface Row {
  full_name: string;
  first_name: string;
  middle_name: string;
  last_name: string;
  gender: string;
  date_of_birth: string;
  nationality: string;
}

function rows(file: string): Row[] {
  return parse(readFileSync(join(FIXTURES, file), 'utf8'), {
    columns: true,
    skip_empty_lines: true,
  }) as Row[];
}

/** The fixture row as a yente query: only the fields a screening client would send, invalid ones left out. */
function queryOf(r: Row) {
  const properties: Record<string, string[]> = { name: [r.full_name] };
  const add = (prop: string, value: string | undefined) => {
    if (value !== undefined && value.trim() !== '') properties[prop] = [value.trim()];
  };
  if (cleanIsoDate(r.date_of_birth) !== undefined) add('birthDate', r.date_of_birth);
  add('nationality', r.nationality);
  add('gender', r.gender);
  return { schema: 'Person', properties };
}

/** Name as a bag of folded tokens, to find which UN entries a positive row was taken from. */
function fold(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t !== '')
    .sort()
    .join(' ');
}

async function run(store: Store, list: Row[]): Promise<MatchQueryResponse[]> {
  const out: MatchQueryResponse[] = [];
  for (let i = 0; i < list.length; i += 100) {
    const queries: Record<string, unknown> = {};
    list.slice(i, i + 100).forEach((r, j) => {
      queries[`q${i + j}`] = queryOf(r);
    });
    const answer = await screen(ctx, store, { queries }, { dataset: 'default' });
    for (let j = 0; j < Object.keys(queries).length; j++) {
      const r = answer.responses[`q${i + j}`];
      if (r) out.push(r);
    }
  }
  return out;
}

describe.skipIf(!present)(
  `screening on the UN and OFAC SDN lists${present ? '' : ` (needs ${UN}, ${OFAC} and ${FIXTURES}: skipped)`}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-screen-'));
    const store = new SqliteStore({ path: join(dir, 'nexus.db') });
    const unByName = new Map<string, Set<string>>();
    const timings: Record<string, number> = {};

    beforeAll(async () => {
      await store.migrate();
      let t = Date.now();
      await ingest(ctx, store, { dataset: 'un_sc', format: 'un', paths: [UN] });
      await ingest(ctx, store, { dataset: 'ofac_sdn', format: 'ofac', paths: [OFAC] });
      timings.ingestMs = Date.now() - t;
      t = Date.now();
      await updateMatchIndex(ctx, store);
      timings.indexMs = Date.now() - t;
      for await (const e of store.exportDataset(ctx, 'un_sc'))
        for (const prop of ['name', 'alias'])
          for (const n of e.properties.get(prop) ?? []) {
            const key = fold(n);
            const set = unByName.get(key) ?? new Set<string>();
            set.add(e.id);
            unByName.set(key, set);
          }
    }, 120_000);

    afterAll(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('finds the listed person for the UN positives and matches few synthetic negatives', async () => {
      const positives = rows('positives_un_untreated.csv');
      let t = Date.now();
      const posAnswers = await run(store, positives);
      timings.positivesMs = Date.now() - t;
      let hits = 0;
      let anyMatch = 0;
      let unresolved = 0;
      const misses: string[] = [];
      positives.forEach((row, i) => {
        const r = posAnswers[i];
        const expected = unByName.get(fold(row.full_name));
        if (!expected) unresolved++;
        const hit = r?.results.some(
          (x) => x.match && (expected ? expected.has(x.id) : x.datasets.includes('un_sc')),
        );
        if (r?.results.some((x) => x.match)) anyMatch++;
        if (hit) hits++;
        else if (misses.length < 15)
          misses.push(
            `${row.full_name} (${row.date_of_birth}, ${row.nationality}) -> ${r?.status} ${r?.error ?? ''} ${r?.results
              .slice(0, 2)
              .map((x) => `${x.caption} ${x.score}`)
              .join('; ')}`,
          );
      });
      const recall = hits / positives.length;

      const negatives: Record<
        string,
        { queries: number; matched: number; errors: number; examples: string[] }
      > = {};
      t = Date.now();
      // The US Congress rows are PEPs, not on the UN or OFAC lists, so they are neither positives here nor synthetic
      // negatives; running them would double the time for no new evidence.
      for (const file of ['negatives_global_1000.csv', 'negatives_us_1000.csv']) {
        if (!existsSync(join(FIXTURES, file))) continue;
        const list = rows(file);
        const answers = await run(store, list);
        const examples: string[] = [];
        let matched = 0;
        let errors = 0;
        answers.forEach((r, i) => {
          if (r.status !== 200) errors++;
          const m = r.results.find((x) => x.match);
          if (m) {
            matched++;
            if (examples.length < 10) examples.push(`${list[i]?.full_name} -> ${m.caption} ${m.score}`);
          }
        });
        negatives[file] = { queries: list.length, matched, errors, examples };
      }
      timings.negativesMs = Date.now() - t;
      const synthetic = ['negatives_global_1000.csv', 'negatives_us_1000.csv'].map((f) => negatives[f]);
      const negQueries = synthetic.reduce((a, n) => a + (n?.queries ?? 0), 0);
      const negMatched = synthetic.reduce((a, n) => a + (n?.matched ?? 0), 0);
      const fpr = negQueries === 0 ? 0 : negMatched / negQueries;

      const report = {
        index: 'UN consolidated list + OFAC SDN (legacy CSV)',
        threshold: 0.7,
        positives: {
          queries: positives.length,
          hits,
          recall,
          // Rows whose name is on no entry of this UN file (delisted since); they can only hit an OFAC entry.
          unresolvedExpected: unresolved,
          anyMatch,
          misses,
        },
        negatives,
        falsePositiveRate: fpr,
        timings,
      };
      mkdirSync('bench/out', { recursive: true });
      writeFileSync('bench/out/screening.json', `${JSON.stringify(report, null, 2)}\n`);
      console.log(
        `screening: recall ${(recall * 100).toFixed(1)}% (${hits}/${positives.length}), synthetic FPR ${(fpr * 100).toFixed(2)}% (${negMatched}/${negQueries}); ${JSON.stringify(timings)}`,
      );
      // Measured 2026-11-29: recall 0.996 (the 3 misses are not on this UN edition and matched their OFAC
      // entries), FPR 0 of 2000. The floors leave room for the name engine to move.
      expect(recall).toBeGreaterThanOrEqual(0.98);
      expect(fpr).toBeLessThanOrEqual(0.01);
    }, 120_000);

    it('answers from match profiles exactly as from whole entities', async () => {
      const list = [
        ...rows('positives_un_untreated.csv'),
        ...rows('negatives_global_1000.csv').slice(0, 200),
      ];
      let profiles = 0;
      // The same store, its profiles hidden: every candidate is then assembled from its statements.
      const whole = new Proxy(store, {
        get(target, prop, receiver) {
          if (prop === 'matchProfiles') return async () => new Map();
          const value = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const counted = new Proxy(store, {
        get(target, prop, receiver) {
          if (prop === 'matchProfiles')
            return async (...args: Parameters<SqliteStore['matchProfiles']>) => {
              const found = await target.matchProfiles(...args);
              profiles += found.size;
              return found;
            };
          const value = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      // Each from cold analysis caches: the first compares the analyses stored in the profiles.
      forgetAnalyses();
      const fromProfiles = await run(counted, list);
      forgetAnalyses();
      expect(fromProfiles).toEqual(await run(whole, list));
      expect(profiles).toBeGreaterThan(list.length);
    }, 120_000);
  },
);
