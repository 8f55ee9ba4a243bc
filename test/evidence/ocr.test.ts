// OCR of a scanned image and of an image-only PDF through Debian's tesseract-ocr and pdftoppm (poppler-utils). The
// scan is made here: a text PDF rasterised by pdftoppm. Skips, saying why, where either tool is missing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nexus, nexusJson, tempHome } from '../cli/helpers.js';
import { makeImagePdf, makePdf } from './fixtures.js';

const has = (cmd: string, arg: string) => !spawnSync(cmd, [arg], { encoding: 'utf8' }).error;
const tesseract = has('tesseract', '--version');
const pdftoppm = has('pdftoppm', '-v');
const missing = [
  tesseract ? '' : 'tesseract (apt-get install tesseract-ocr)',
  pdftoppm ? '' : 'pdftoppm (apt-get install poppler-utils)',
].filter(Boolean);

describe.skipIf(missing.length > 0)(
  `OCR${missing.length ? ` (skipped: ${missing.join(' and ')} not installed)` : ''}`,
  () => {
    it('reads the text of a scanned image and of an image-only PDF', async () => {
      const work = mkdtempSync(join(tmpdir(), 'nexus-ocr-test-'));
      writeFileSync(
        join(work, 'text.pdf'),
        makePdf(['INVOICE NUMBER 4471 FOR CARGO', 'PAID BY NORTHERN SHIPPING']),
      );
      const r = spawnSync('pdftoppm', [
        '-r',
        '200',
        '-jpeg',
        '-singlefile',
        join(work, 'text.pdf'),
        join(work, 'scan'),
      ]);
      expect(r.status).toBe(0);
      const jpg = readFileSync(join(work, 'scan.jpg'));
      const home = tempHome('nexus-evidence-ocr-');
      const dir = join(home, 'scans');
      mkdirSync(dir);
      writeFileSync(join(dir, 'scan.jpg'), jpg);
      writeFileSync(join(dir, 'scan.pdf'), makeImagePdf(jpg, 1700, 2200));
      const summary = await nexusJson<{ ocr: string; documents: number }>(
        home,
        'ingest',
        '--format',
        'files',
        '--dataset',
        'scans',
        dir,
      );
      expect(summary.ocr).toMatch(/^tesseract /);
      expect(summary.documents).toBe(2);
      for (const schema of ['Image', 'Pages']) {
        const page = await nexusJson<{ items: { id: string; properties: Record<string, string[]> }[] }>(
          home,
          'list',
          '--schema',
          schema,
          '--dataset',
          'scans',
        );
        const e = page.items[0];
        expect(e?.properties.bodyText?.join(' ').toUpperCase()).toContain('INVOICE NUMBER 4471');
        expect(e?.properties.processingStatus?.join(' ')).toMatch(/from OCR/);
      }
      const off = await nexus(
        home,
        'ingest',
        '--format',
        'files',
        '--dataset',
        'scans-off',
        '--ocr',
        'off',
        '--json',
        dir,
      );
      expect(JSON.parse(off.stdout).ocr).toBe('off');
    }, 120_000);
  },
);
