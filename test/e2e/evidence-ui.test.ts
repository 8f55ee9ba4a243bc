// The evidence pages in Chromium (docs/evidence.md): the media provenance panel of an image that declares generative
// AI, and "Documents mentioning" on a person's page, against `nexus serve --no-auth` (from dist/) over a small case
// and an evidence folder made here. Screenshots go to test-artifacts/screenshots. Skips without /usr/bin/chromium.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening, nexus, nexusJson, tempHome } from '../cli/helpers.js';
import { exifSegment, makePdf, plainJpeg, withSegments, xmpSegment } from '../evidence/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = 'test-artifacts/screenshots';
const AI = 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia';

function newest(dir: string): number {
  let latest = 0;
  for (const name of readdirSync(dir)) {
    const st = statSync(join(dir, name));
    latest = Math.max(latest, st.isDirectory() ? newest(join(dir, name)) : st.mtimeMs);
  }
  return latest;
}

describe.skipIf(!existsSync(CHROMIUM))(
  `evidence pages in Chromium (skipped when ${CHROMIUM} is absent)`,
  () => {
    let server: ChildProcess | undefined;
    let browser: Browser | undefined;
    let page: Page;
    let base = '';
    let imageId = '';
    let strippedId = '';
    const errors: string[] = [];

    beforeAll(async () => {
      if (!existsSync('dist/web/index.html') || statSync('dist/web/index.html').mtimeMs < newest('web'))
        execFileSync(process.execPath, [
          'node_modules/vite/bin/vite.js',
          'build',
          'web',
          '--logLevel',
          'warn',
        ]);
      mkdirSync(SHOTS, { recursive: true });
      const home = tempHome('nexus-e2e-evidence-');
      const person = join(home, 'case.ftm.json');
      writeFileSync(
        person,
        JSON.stringify({ id: 'e2e-petrov', schema: 'Person', properties: { name: ['Viktor Petrov'] } }),
      );
      expect((await nexus(home, 'ingest', '--dataset', 'e2e_case', person)).code).toBe(0);
      const dir = join(home, 'evidence');
      mkdirSync(dir);
      writeFileSync(join(dir, 'report.pdf'), makePdf(['Meeting with Viktor Petrov at the port.']));
      writeFileSync(
        join(dir, 'picture.jpg'),
        withSegments(plainJpeg(64, 48, 1), [
          exifSegment({ make: 'Canon', model: 'Canon EOS R5' }),
          xmpSegment(`Iptc4xmpExt:DigitalSourceType="${AI}"`),
        ]),
      );
      writeFileSync(join(dir, 'stripped.jpg'), plainJpeg());
      expect(
        (await nexus(home, 'ingest', '--format', 'files', '--dataset', 'e2e_evidence', '--ocr', 'off', dir))
          .code,
      ).toBe(0);
      const images = await nexusJson<{ items: { id: string; properties: Record<string, string[]> }[] }>(
        home,
        'list',
        '--schema',
        'Image',
      );
      imageId = images.items.find((i) => i.properties.fileName?.[0] === 'picture.jpg')?.id ?? '';
      strippedId = images.items.find((i) => i.properties.fileName?.[0] === 'stripped.jpg')?.id ?? '';
      server = spawn(
        process.execPath,
        ['bin/nexus.js', '--home', home, 'serve', '--port', '0', '--no-auth'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      base = await listening(server, { stderr: '' });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-background-networking'],
      });
      page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
      page.setDefaultTimeout(15_000);
      page.on('pageerror', (err) => errors.push(err.message));
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      if (server && server.exitCode === null) server.kill('SIGTERM');
    });

    it("shows an image's provenance panel with the declared generative-AI origin, verbatim", async () => {
      await page.goto(`${base}/#/entity/${imageId}`);
      await page.locator('#provenance .prov-ai').waitFor();
      const panel = (await page.locator('#provenance').textContent()) ?? '';
      expect(panel).toContain('Generative AI declared');
      expect(panel).toContain(AI);
      expect(panel).toContain('Canon EOS R5');
      expect(panel).toContain('absence proves nothing either way');
      await page.screenshot({ path: `${SHOTS}/provenance.png`, fullPage: true });
    });

    it('flags an image stripped of its metadata', async () => {
      await page.goto(`${base}/#/entity/${strippedId}`);
      await page.locator('#provenance .prov-flags').waitFor();
      expect(await page.locator('#provenance .prov-flags').textContent()).toContain(
        'no EXIF, IPTC, XMP or C2PA metadata',
      );
    });

    it("lists the documents mentioning a person on the person's page, with a snippet", async () => {
      await page.goto(`${base}/#/entity/e2e-petrov`);
      await page.locator('#documents-mentioning .mentioning-doc').waitFor();
      const section = (await page.locator('#documents-mentioning').textContent()) ?? '';
      expect(section).toContain('report.pdf');
      expect(await page.locator('#documents-mentioning mark').first().textContent()).toBe('Viktor Petrov');
      await page.screenshot({ path: `${SHOTS}/documents-mentioning.png`, fullPage: true });
      expect(errors).toEqual([]);
    });
  },
);
