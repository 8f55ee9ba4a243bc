// `nexus assess` on the fictional demo plus the real wastewater and small-boat series: the claims section answers
// from real data, the report is the same bytes twice, and headless Chromium renders each section (a screenshot of
// each is saved to test-artifacts/screenshots/assess-*.png).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { nexus, nexusJson, tempHome } from '../cli/helpers.js';
import { DATA_DIR } from './data-dir.js';

const WASTEWATER = join(DATA_DIR, 'emcdda-wastewater');
const BOATS = join(DATA_DIR, 'uk-small-boats');
const present = existsSync(WASTEWATER) && existsSync(BOATS);
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = 'test-artifacts/screenshots';

interface Report {
  marking: string;
  judgements: { id: string; text: string; probability: number; yardstick: string; confidence: string }[];
  series: { id: string; points: [number, number][]; trend: { direction: string; theil_sen_slope: number } }[];
  claims: { id: string; verdict: string; finding: string; table?: { rows: (string | number)[][] } }[];
}

describe.skipIf(!present)(
  `nexus assess on the demo and the real series (needs emcdda-wastewater and uk-small-boats in ${DATA_DIR})`,
  () => {
    const home = tempHome('nexus-assess-real-');
    let report: Report;
    beforeAll(async () => {
      for (const args of [
        ['demo', '--no-real'],
        ['ingest', '--dataset', 'wastewater', '--format', 'wastewater', WASTEWATER],
        ['ingest', '--dataset', 'small-boats', '--format', 'small-boats', BOATS],
      ]) {
        const run = await nexus(home, ...args);
        expect(run.code, run.stderr).toBe(0);
      }
      report = await nexusJson<Report>(home, 'assess');
    }, 240_000);

    it('tests the claims against the real series', () => {
      const claim = (id: string) => report.claims.find((c) => c.id === id);
      // People per boat rose every year from 7.0 (2018) to 61.7 (2025).
      expect(claim('people-per-boat')?.verdict).toBe('agrees');
      expect(claim('people-per-boat')?.finding).toMatch(/from 7 in 2018 to 61\.7 in 2025/);
      // Bristol's cocaine loads rise; some UK cities rose 25% or more between their first and last years.
      const c25 = claim('cocaine-25');
      expect(c25?.verdict).toBe('agrees');
      expect(c25?.finding).toMatch(/Bristol/);
      expect(c25?.table?.rows.length).toBeGreaterThan(10);
      expect(claim('cocaine-tonnes')?.verdict).toMatch(/agrees|disagrees/);
      expect(claim('state-proxies')?.verdict).toBe('agrees');
      expect(claim('fraud-share')?.verdict).toBe('lacks data');
      const ppb = report.series.find((s) => s.id === 'small-boats/people-per-boat/year');
      expect(ppb?.trend.direction).toBe('rising');
      expect(ppb?.points[0]).toEqual([2018, expect.closeTo(7, 0)]);
      const kj = report.judgements.find((j) => j.id === 'KJ-immigration-1');
      expect(kj).toMatchObject({ yardstick: 'highly likely', confidence: 'high' });
      expect(report.judgements.find((j) => j.id === 'KJ-drugs-1')).toBeDefined();
    });

    it('writes the same bytes twice', async () => {
      const hashes: string[] = [];
      for (const name of ['r1.html', 'r2.html']) {
        const out = join(home, name);
        expect((await nexus(home, 'assess', '--out', out)).code).toBe(0);
        hashes.push(createHash('sha256').update(readFileSync(out)).digest('hex'));
      }
      expect(hashes[0]).toBe(hashes[1]);
    });

    describe.skipIf(!existsSync(CHROMIUM))(
      `in Chromium (skipped when ${CHROMIUM} is absent: apt-get install chromium)`,
      () => {
        it('renders every section, saved as a screenshot each, and prints a PDF', async () => {
          const out = join(home, 'report.html');
          expect((await nexus(home, 'assess', '--out', out, '--as-of', '2026-01-31')).code).toBe(0);
          mkdirSync(SHOTS, { recursive: true });
          const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
          try {
            const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
            const errors: string[] = [];
            page.on('pageerror', (e) => errors.push(e.message));
            page.on('request', (r) => {
              if (!r.url().startsWith('file:')) errors.push(`request ${r.url()}`);
            });
            await page.goto(`file://${out}`);
            const ids = await page.$$eval('section', (list) => list.map((s) => s.id));
            expect(ids).toEqual(
              expect.arrayContaining(['summary', 'judgements', 'priorities', 'claims', 'sources', 'method']),
            );
            expect(ids.filter((i) => i.startsWith('area-')).length).toBe(7);
            for (const id of ids) {
              const section = page.locator(`section#${id}`);
              const box = await section.boundingBox();
              expect(box?.height ?? 0, id).toBeGreaterThan(40);
              await section.screenshot({ path: `${SHOTS}/assess-${id}.png` });
            }
            expect(await page.locator('svg').count()).toBeGreaterThan(5);
            expect(await page.locator('.banner').first().textContent()).toBe(report.marking);
            expect(errors).toEqual([]);
          } finally {
            await browser.close();
          }
          const pdf = join(home, 'report.pdf');
          const run = await nexus(home, 'assess', '--pdf', pdf);
          expect(run.code, run.stderr).toBe(0);
          expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
        }, 120_000);
      },
    );
  },
);
