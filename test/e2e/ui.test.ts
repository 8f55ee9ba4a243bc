// The web UI in a real browser: Debian's Chromium driven by playwright-core against `nexus serve` (from dist/)
// over the fictional demo. Logs in, searches, reads provenance, explores the graph, traces funds over a few transfers,
// reads the strategic assessment, reads a suggestion as an analyst (who may not decide) and judges it with the keyboard as a reviewer, uploads a file
// and follows its job, sees a refused upload's code, then signs in as an auditor who sees only the audit log, with the
// analyst's actions in it, and verifies its hash chain; checks the fictional banner and that nothing is loaded from
// another origin; screenshots each page.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening, tempHome } from '../cli/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SHOTS = 'test-artifacts/screenshots';
const USER = 'e2e-analyst';
const REVIEWER = 'e2e-reviewer';
const AUDITOR = 'e2e-auditor';
const PASSWORD = 'correct horse battery staple 42';
const CHAIN = 'test/fixtures/chain';

function newest(dir: string): number {
  let latest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    latest = Math.max(latest, st.isDirectory() ? newest(path) : st.mtimeMs);
  }
  return latest;
}

/** The global setup builds the server (tsc); the UI is built here when dist/web is missing or older than web/. */
function buildWeb(): void {
  const index = 'dist/web/index.html';
  if (existsSync(index) && statSync(index).mtimeMs >= newest('web')) return;
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', 'web', '--logLevel', 'warn'], {
    stdio: 'pipe',
  });
}

function nexusCli(home: string, args: string[], input?: string): string {
  const run = spawnSync(process.execPath, ['bin/nexus.js', '--home', home, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, NEXUS_DATA_DIR: '/nonexistent' },
  });
  if (run.status !== 0) throw new Error(`nexus ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/** A few fictional FtM entities, one record of an unknown schema and one bad value (to fill the rejects table). */
const UPLOAD_LINES = [
  {
    id: 'e2e-up-person-1',
    schema: 'Person',
    properties: {
      name: ['Morwenna Tregaskis'],
      birthDate: ['1981-04-02'],
      nationality: ['gb'],
      notes: ['FICTIONAL: written by the e2e test'],
    },
  },
  {
    id: 'e2e-up-company-1',
    schema: 'Company',
    properties: { name: ['Quillon Freight Forwarding Ltd'], jurisdiction: ['gb'], notes: ['FICTIONAL'] },
  },
  {
    id: 'e2e-up-own-1',
    schema: 'Ownership',
    properties: { owner: ['e2e-up-person-1'], asset: ['e2e-up-company-1'], percentage: ['75'] },
  },
  { id: 'e2e-up-bad-1', schema: 'Spaceship', properties: { name: ['Not a schema'] } },
  {
    id: 'e2e-up-person-2',
    schema: 'Person',
    properties: { name: ['Tamsin Polglase'], birthDate: ['not a date'], notes: ['FICTIONAL'] },
  },
];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A real (stored, uncompressed) ZIP archive of one small CSV file. */
function tinyZip(): Buffer {
  const name = Buffer.from('people.csv');
  const data = Buffer.from('name,country\nMorwenna Tregaskis,gb\n');
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const centralAt = local.length + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(centralAt, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

describe.skipIf(!HAVE_CHROMIUM)(
  `web UI in Chromium (skipped when ${CHROMIUM} is absent: apt-get install chromium)`,
  () => {
    let server: ChildProcess | undefined;
    let browser: Browser | undefined;
    let page: Page;
    let base = '';
    let uploadFile = '';
    let home = '';
    const serverLog = { stderr: '' };
    const foreign: string[] = [];
    const pageErrors: string[] = [];
    const judgeCalls: string[] = [];
    const nav = (name: string) =>
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
    /** Logs the current user out and another in; resolves once the header names them. */
    const signInAs = async (name: string) => {
      await page.locator('#logout').click();
      await page.getByLabel('User name').waitFor();
      await page.getByLabel('User name').fill(name);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.locator('.who .user-name', { hasText: name }).waitFor();
    };

    beforeAll(async () => {
      buildWeb();
      mkdirSync(SHOTS, { recursive: true });
      home = tempHome('nexus-e2e-');
      uploadFile = join(mkdtempSync(join(tmpdir(), 'nexus-e2e-upload-')), 'e2e_upload.ftm.jsonl');
      writeFileSync(uploadFile, `${UPLOAD_LINES.map((l) => JSON.stringify(l)).join('\n')}\n`);
      nexusCli(home, ['demo', '--no-real']);
      // A few transfers and address labels (test/fixtures/chain) for the trace view.
      nexusCli(home, ['ingest', '--dataset', 'e2e_chain', '--format', 'transfers', `${CHAIN}/transfers.csv`]);
      nexusCli(home, [
        'ingest',
        '--dataset',
        'e2e_chain_labels',
        '--format',
        'labels',
        `${CHAIN}/labels.csv`,
      ]);
      for (const [name, role, clearance] of [
        [USER, 'analyst', ['SECRET', '--caveat', 'SENSITIVE']],
        [REVIEWER, 'reviewer', ['SECRET', '--caveat', 'SENSITIVE']],
        [AUDITOR, 'auditor', ['OFFICIAL']],
      ] as const)
        nexusCli(
          home,
          ['user', 'add', name, '--role', role, '--clearance', ...clearance, '--password-stdin'],
          `${PASSWORD}\n`,
        );
      server = spawn(process.execPath, ['bin/nexus.js', '--home', home, 'serve', '--port', '0'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      base = await listening(server, serverLog);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        // Sigma draws with WebGL2: SwiftShader gives it without a GPU. The rest keeps Chromium off the network.
        args: [
          '--no-sandbox',
          '--use-angle=swiftshader',
          '--enable-unsafe-swiftshader',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--disable-quic',
          '--no-first-run',
        ],
      });
      const context = await browser.newContext({
        viewport: { width: 1360, height: 900 },
        acceptDownloads: true,
      });
      page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const origin = new URL(base).origin;
      page.on('request', (req) => {
        const u = req.url();
        if (req.method() === 'POST' && u.includes('/api/xref/judge')) judgeCalls.push(u);
        if (!u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin) foreign.push(u);
      });
      page.on('pageerror', (err) => pageErrors.push(err.message));
      page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text()))
          pageErrors.push(msg.text());
      });
    });

    afterAll(async () => {
      await browser?.close();
      if (server && server.exitCode === null) server.kill('SIGTERM');
    });

    it('serves the page with the security headers and sends an unknown reader to the login page', async () => {
      const res = await fetch(`${base}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      await page.goto(`${base}/#/search`);
      await page.getByLabel('User name').waitFor();
      expect(page.url()).toContain('#/login');
      await page.screenshot({ path: `${SHOTS}/login.png` });
      await page.getByLabel('Password').fill('wrong password 123');
      await page.getByLabel('User name').fill(USER);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expect.poll(() => page.locator('.form-error').textContent()).toContain('not recognised');
    });

    it('logs in and shows the dashboard with FICTIONAL datasets and threat areas', async () => {
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      // The login returns to where the reader was going.
      await page.locator('h1', { hasText: 'Search' }).waitFor();
      await nav('Dashboard');
      await page.locator('tr[data-dataset="demo_kestrel"]').waitFor();
      expect(await page.locator('tr[data-dataset="demo_kestrel"] .badge-fictional').textContent()).toBe(
        'FICTIONAL',
      );
      await page.locator('.card[data-area="Drugs"]').waitFor();
      expect(
        Number(
          await page
            .locator('.card[data-area="Drugs"] .card-count')
            .evaluate((e) => e.firstChild?.textContent),
        ),
      ).toBeGreaterThan(0);
      await expect.poll(() => page.locator('.fictional-banner').isVisible()).toBe(true);
      expect(await page.locator('.marking-bar').textContent()).toMatch(/SECRET/);
      expect(await page.locator('.who').textContent()).toContain(USER);
      await page.screenshot({ path: `${SHOTS}/dashboard.png`, fullPage: true });
    });

    it('searches for a demo name and marks the matched words', async () => {
      await nav('Search');
      await page.getByRole('searchbox', { name: 'Search' }).fill('haddow');
      await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
      const hit = page.locator('li.hit[data-id="demo-person-1"]');
      await hit.waitFor();
      expect((await hit.locator('mark').first().textContent())?.toLowerCase()).toBe('haddow');
      expect(await page.locator('.facet[data-facet="schema"]').textContent()).toContain('Person');
      await expect.poll(() => page.locator('.fictional-banner').isVisible()).toBe(true);
      await page.screenshot({ path: `${SHOTS}/search.png`, fullPage: true });
      // A facet is a filter: clicking one narrows the results and shows as an active filter.
      await page.locator('.facet[data-facet="schema"] a', { hasText: 'Person' }).click();
      await page.locator('.chip-filter').waitFor();
      expect(page.url()).toContain('schema=Person');
    });

    it('opens the entity and shows the provenance of every value and screens it against the lists', async () => {
      await page.locator('li.hit[data-id="demo-person-1"] a.hit-title').click();
      await page.locator('h1', { hasText: 'Darren Haddow' }).waitFor();
      const nameRow = page.locator('tr.provenance[data-prop="name"]').first();
      expect(await nameRow.locator('.chip').first().textContent()).toContain('demo_kestrel');
      expect(await nameRow.locator('.origin').textContent()).toMatch(/kestrel-case\.ftm\.jsonl:\d+/);
      expect(await nameRow.locator('.marking-badge').textContent()).toBe('OFFICIAL-SENSITIVE');
      expect(await nameRow.locator('.grading').textContent()).toBe('1BP');
      expect(await page.locator('.fictional-banner').textContent()).toContain('demo_kestrel');
      expect(await page.locator('.references').textContent()).toContain('Ownership');
      await page.getByRole('button', { name: 'Match against lists' }).click();
      await page.locator('.match-box table, .match-box .state-empty').first().waitFor();
      await page.screenshot({ path: `${SHOTS}/entity.png`, fullPage: true });
    });

    it('opens the graph, expands a node, finds a path and shows the evidence of a tie', async () => {
      await page.getByRole('link', { name: 'Open in graph' }).click();
      await page.locator('#graph-canvas canvas').first().waitFor();
      const rows = page.locator('.node-list tr[data-node]');
      await rows.first().waitFor();
      const before = await rows.count();
      // Expand the shell company: the principal's neighbourhood grows by its companies.
      await page.locator('.node-list tr[data-node="demo-co-shell"] .expand-node').click();
      await expect.poll(() => rows.count()).toBeGreaterThan(before);
      // The principal is selected at the start; add the car wash and ask for the path between them.
      await page.locator('.node-list tr[data-node="demo-co-carwash"] .select-node').click();
      await page.getByRole('button', { name: 'Find path' }).click();
      const hops = page.locator('#path-panel li.hop');
      await hops.first().waitFor();
      expect(await hops.count()).toBeGreaterThanOrEqual(1);
      expect(await page.locator('#path-panel').textContent()).toContain('Sparkle Hand Car Wash Ltd');
      await hops.first().getByRole('button', { name: 'Evidence' }).click();
      await page.locator('#evidence-panel .evidence-entity, #evidence-panel code').first().waitFor();
      expect(await page.locator('#evidence-panel').textContent()).toMatch(
        /Ownership|Directorship|Payment|share/i,
      );
      await page.selectOption('#graph-colour', 'community');
      await expect.poll(() => page.locator('.legend').textContent()).toContain('communities');
      await page.selectOption('#graph-colour', 'exposure:ru');
      await expect.poll(() => page.locator('.legend').textContent()).toContain('Exposure to Russia');
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export GraphML' }).click();
      expect((await download).suggestedFilename()).toBe('nexus-graph.graphml');
      const png = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export PNG' }).click();
      expect((await png).suggestedFilename()).toBe('nexus-graph.png');
      await expect.poll(() => page.locator('.fictional-banner').isVisible()).toBe(true);
      await page.screenshot({ path: `${SHOTS}/graph.png`, fullPage: true });
    });

    it('traces funds from a seed, drawing the flow by hop with the exchange marked STOP, and its exposure', async () => {
      await nav('Trace');
      await page.locator('h1', { hasText: 'Trace funds' }).waitFor();
      await page.locator('.trace-results .state-empty').waitFor();
      await page.locator('#trace-from').fill('0xseed');
      await page.selectOption('#trace-model', 'haircut');
      await page.locator('#trace-asset').fill('ETH');
      await page.getByRole('button', { name: 'Trace', exact: true }).click();
      await expect.poll(() => page.url()).toContain('from=0xseed');
      expect(page.url()).toContain('asset=ETH');
      const exchange = page.locator('svg.flow-diagram g.flow-node.is-stop[data-address="0xexchange"]');
      await exchange.waitFor();
      expect(await exchange.locator('.flow-badge-text').textContent()).toBe('STOP');
      expect(await exchange.getAttribute('data-hop')).toBe('2');
      expect(
        await page.locator('svg.flow-diagram g.flow-node[data-address="0xseed"]').getAttribute('data-hop'),
      ).toBe('0');
      expect(await page.locator('svg.flow-diagram .flow-link-label').allTextContents()).toContain(
        '5.125 ETH',
      );
      expect(await page.locator('table.trace-table tr[data-address="0xexchange"]').textContent()).toContain(
        '5.125 ETH',
      );
      expect(await page.locator('.trace-marking').textContent()).toContain('OFFICIAL');
      expect(await page.locator('.trace-limit').count()).toBe(0);
      // Clicking an address shows where its funds came from, per seed set.
      await exchange.click();
      const sanctioned = page.locator('#exposure-panel tr[data-set="label:sanctioned"]');
      await sanctioned.waitFor();
      expect(await sanctioned.textContent()).toContain('25.0%');
      await page.screenshot({ path: `${SHOTS}/trace.png`, fullPage: true });
    });

    it('shows the assessment: key judgements, priorities, signals, wastewater trends, store counts, claims, the marking and the full report link', async () => {
      // A fictional UK city's wastewater (cocaine rising over six years, MDMA first reported in the last) gives the
      // signal scan and the trend counts something to show; loaded through the CLI into the served store.
      const csv = join(mkdtempSync(join(tmpdir(), 'nexus-e2e-ww-')), 'wastewater.csv');
      const site = 'GB,United Kingdom,Porthkennack,GB900,FICTIONAL e2e site,100000,50.1,-5.5,,,';
      writeFileSync(
        csv,
        [
          'country_code,country,city,site_id,site_name,population,lat,lon,institution,institution_website,year,dayofweek,mg_per_1000_people_per_day,substance',
          ...[300, 350, 420, 480, 560, 640].map((v, i) => `${site}${2016 + i},Monday,${v},cocaine`),
          `${site}2021,Monday,25,MDMA`,
        ].join('\n'),
      );
      nexusCli(home, ['ingest', '--dataset', 'e2e_wastewater', '--format', 'wastewater', csv]);
      await nav('Report');
      const judgement = page.locator('.report-judgement').first();
      await judgement.waitFor();
      expect(await judgement.locator('.report-yardstick').textContent()).not.toBe('');
      expect(await page.locator('table.report-priorities tbody tr').count()).toBeGreaterThan(0);
      expect(await page.locator('.report-claims li').count()).toBeGreaterThan(0);
      // Emerging signals, grouped by threat area, each with the series it rests on and a marking.
      const signal = page
        .locator('.report-signal-area[data-area="drugs"] li[data-kind="new-in-area"]')
        .first();
      await signal.waitFor();
      expect(await signal.textContent()).toContain('MDMA appeared in Porthkennack');
      expect(await signal.locator('code').first().textContent()).toBe('wastewater/gb/porthkennack/mdma');
      expect(await signal.locator('.marking-badge').count()).toBeGreaterThan(0);
      expect(await page.locator('.report-signal-area h3').first().textContent()).toMatch(/^Drugs.*\(\d+\)$/);
      // Wastewater trends: the UK row for cocaine counts the city as rising.
      const uk = page.locator('table.report-wastewater tr[data-substance="cocaine"][data-scope="gb"] td');
      expect(await uk.allTextContents()).toEqual(['cocaine', 'UK', '1', '1', '0', '0', '0']);
      // Counts from the store: the demo's monthly series, each with a line and its trend in words.
      const derived = page.locator('.report-derived-series');
      expect(await derived.count()).toBeGreaterThan(0);
      expect(await derived.first().getAttribute('data-series')).toMatch(/^derived\//);
      expect(await derived.first().locator('svg.sparkline circle').count()).toBeGreaterThan(0);
      expect(await derived.first().locator('.report-derived-trend').textContent()).toMatch(/month/);
      // The demo holds no Project entity: investigations lack data.
      expect(await page.locator('.report-investigations').textContent()).toContain('lacks data');
      await expect.poll(() => page.locator('.fictional-banner').isVisible()).toBe(true);
      await expect.poll(() => page.locator('.marking-bar').textContent()).toMatch(/SECRET/);
      const link = page.getByRole('link', { name: 'Open the full report' });
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await link.getAttribute('href')).toMatch(/^\/assess\/report/);
      await page.screenshot({ path: `${SHOTS}/report.png`, fullPage: true });
      await page.locator('.report-signals').screenshot({ path: `${SHOTS}/report-signals.png` });
      await page.locator('.report-derived').screenshot({ path: `${SHOTS}/report-store-counts.png` });
    });

    it('shows an analyst a suggestion side by side, explaining that deciding needs the reviewer role', async () => {
      await nav('Review queue');
      await page.locator('table.compare').waitFor();
      expect(await page.locator('table.compare').textContent()).toContain('Darren');
      expect(await page.locator('.explain').textContent()).toMatch(/Name/);
      await expect.poll(() => page.locator('.fictional-banner').isVisible()).toBe(true);
      expect(await page.locator('.marking-bar').textContent()).toContain('SECRET');
      expect(await page.locator('.review-readonly').textContent()).toContain(
        'Deciding needs the reviewer role: your role (analyst)',
      );
      expect(await page.locator('button[data-decision="match"]').count()).toBe(0);
      await page.screenshot({ path: `${SHOTS}/review.png`, fullPage: true });
      // The decision keys do nothing for an analyst: the suggestion stays, and no judge call goes out.
      await page.locator('h1').focus();
      await page.keyboard.press('m');
      expect(await page.locator('table.compare').isVisible()).toBe(true);
    });

    it('judges the suggestion with the keyboard as a reviewer', async () => {
      await signInAs(REVIEWER);
      await nav('Review queue');
      await page.locator('button[data-decision="match"]').waitFor();
      await page.locator('h1').focus();
      await page.keyboard.press('m');
      await page.locator('.state-empty', { hasText: 'Nothing to review' }).waitFor();
      expect(await page.locator('[role="status"]').first().textContent()).toContain('Recorded: Match');
      // One judge call: the reviewer's, none from the analyst's key press.
      expect(judgeCalls).toHaveLength(1);
      await page.screenshot({ path: `${SHOTS}/review-done.png`, fullPage: true });
      await signInAs(USER);
    });

    it('uploads an FtM file, follows its job to done and finds an uploaded entity through search', async () => {
      await nav('Upload');
      await page.locator('h1', { hasText: 'Upload' }).waitFor();
      // The dataset name is checked as the server checks it, before anything is sent.
      await page.locator('#upload-dataset').fill('Bad Name');
      await page.locator('#upload-dataset').blur();
      expect(await page.locator('#upload-dataset-error').textContent()).toContain('lower-case');
      await page.locator('#upload-dataset').fill('');
      await page.locator('#upload-file').setInputFiles(uploadFile);
      // An empty dataset name is proposed from the file name.
      expect(await page.locator('#upload-dataset').inputValue()).toBe('e2e_upload');
      expect(await page.locator('.file-chosen').textContent()).toContain('e2e_upload.ftm.jsonl');
      // SECRET with the SENSITIVE caveat: TOP SECRET is not offered.
      expect(await page.locator('#upload-marking option').allTextContents()).toEqual([
        'OFFICIAL',
        'OFFICIAL-SENSITIVE',
        'SECRET',
      ]);
      await page.selectOption('#upload-format', 'ftm');
      await page.selectOption('#upload-marking', 'OFFICIAL-SENSITIVE');
      await page.selectOption('#upload-grading-source', '2');
      await page.selectOption('#upload-grading-assessment', 'B');
      await page.selectOption('#upload-grading-handling', 'P');
      expect(await page.locator('#upload-grading-note').textContent()).toContain('2BP');
      await page.screenshot({ path: `${SHOTS}/upload.png`, fullPage: true });
      await page.getByRole('button', { name: 'Upload and ingest' }).click();
      await page.locator('h1', { hasText: 'Ingest job' }).waitFor();
      expect(page.url()).toMatch(/#\/jobs\/[A-Za-z0-9-]+$/);
      await page.locator('.job-head .job-state[data-state="done"]').waitFor({ timeout: 30_000 });
      const summary = page.locator('.job-summary');
      await summary.waitFor();
      expect(await summary.textContent()).toContain('New entities');
      expect(await page.locator('progress.job-progress').getAttribute('value')).toBe('100');
      // The unknown schema and the bad date are listed with their codes.
      const rejects = page.locator('table.rejects tbody tr');
      expect(await rejects.count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator('table.rejects').textContent()).toContain('birthDate');
      expect(await page.locator('.job-params').textContent()).toContain('2BP');
      expect(await page.locator('.marking-bar').textContent()).toBe('OFFICIAL-SENSITIVE');
      expect(await page.locator('#job-cancel').isHidden()).toBe(true);
      await page.screenshot({ path: `${SHOTS}/job.png`, fullPage: true });
      // The summary leads to the dataset's entities in search.
      await page.locator('a.dataset-link').click();
      await page.locator('h1', { hasText: 'Search' }).waitFor();
      expect(page.url()).toContain('dataset=e2e_upload');
      await page.locator('li.hit[data-id="e2e-up-person-1"]').waitFor();
      await page.getByRole('searchbox', { name: 'Search' }).fill('tregaskis');
      await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
      const hit = page.locator('li.hit[data-id="e2e-up-person-1"]');
      await hit.waitFor();
      expect(await hit.locator('.marking-badge').textContent()).toBe('OFFICIAL-SENSITIVE');
      expect(await hit.locator('.chips').textContent()).toContain('e2e_upload');
    });

    it('shows the typed code of a refused upload: a .csv name on ZIP bytes', async () => {
      await nav('Upload');
      await page
        .locator('#upload-file')
        .setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: tinyZip() });
      await page.locator('#upload-dataset').fill('e2e_refused');
      await page.getByRole('button', { name: 'Upload and ingest' }).click();
      const refusal = page.locator('.upload-error');
      await refusal.locator('.error-code').waitFor();
      expect(await refusal.locator('.error-code').textContent()).toBe('UPLOAD_TYPE_MISMATCH');
      expect(await refusal.textContent()).toMatch(/ZIP/);
      expect(page.url()).toContain('#/upload');
      await page.screenshot({ path: `${SHOTS}/upload-refused.png`, fullPage: true });
    });

    it('lists the finished job on the dashboard, linking to its view', async () => {
      await nav('Dashboard');
      const row = page.locator('.jobs-panel tr[data-job]').first();
      await row.waitFor();
      expect(await row.getAttribute('data-state')).toBe('done');
      expect(await row.textContent()).toContain('e2e_upload');
      // The panel re-renders every 2 s while jobs are polled: wait for the settled list rather than count mid-render.
      await page.waitForFunction(() => document.querySelectorAll('.jobs-panel tr[data-job]').length === 1);
      expect(await page.locator('.note').textContent()).toMatch(/crypto tracing runs on the Trace page/i);
      await row.getByRole('link').click();
      await page.locator('.job-head .job-state[data-state="done"]').waitFor();
    });

    it("signs in an auditor, who sees only the audit log, finds the analyst's actions and verifies the chain", async () => {
      await signInAs(AUDITOR);
      // The auditor lands on the audit log, the one page its role may use.
      await page.locator('h1', { hasText: 'Audit log' }).waitFor();
      expect(page.url()).toContain('#/audit');
      expect(
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents(),
      ).toEqual(['Audit']);
      const rows = page.locator('table.audit-table tbody tr');
      await rows.first().waitFor();
      const seqs = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-seq'))));
      expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
      expect(await page.locator(`table.audit-table tr[data-user="${USER}"]`).count()).toBeGreaterThan(0);
      // Paging back with next_before: the older page starts below where this one ended.
      const oldest = seqs[seqs.length - 1] as number;
      await page.locator('#audit-older').click();
      await page.locator('#audit-newest').waitFor();
      await rows.first().waitFor();
      expect(Number(await rows.first().getAttribute('data-seq'))).toBeLessThan(oldest);
      // Only the analyst's entity reads: the entity opened earlier is among their objects.
      await page.locator('#audit-user').fill(USER);
      await page.locator('#audit-action').fill('entity.read');
      await page.getByRole('button', { name: 'Filter', exact: true }).click();
      await expect.poll(() => page.url()).toContain('action=entity.read');
      // The filtered table replaces the page shown before: every row is then the analyst's entity read.
      const shown = () =>
        rows.evaluateAll((trs) => [
          ...new Set(trs.map((tr) => `${tr.getAttribute('data-user')} ${tr.getAttribute('data-action')}`)),
        ]);
      await expect.poll(shown).toEqual([`${USER} entity.read`]);
      expect(await page.locator('table.audit-table tbody').textContent()).toContain('demo-person-1');
      await page.getByRole('button', { name: 'Verify chain' }).click();
      const verdict = page.locator('.verify-result[data-ok="true"]');
      await verdict.waitFor();
      expect(await verdict.textContent()).toContain('intact');
      expect(await verdict.locator('code.hash').textContent()).toMatch(/^[0-9a-f]{64}$/);
      await page.screenshot({ path: `${SHOTS}/audit.png`, fullPage: true });
      // Any other page says plainly that the role does not allow it.
      await page.evaluate(() => {
        location.hash = '#/search';
      });
      await expect
        .poll(() => page.locator('.state-forbidden').textContent())
        .toContain('Your role (auditor) does not allow this page.');
    });

    it('loaded nothing from another origin and broke no Content-Security-Policy rule', () => {
      expect(foreign).toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  },
);
