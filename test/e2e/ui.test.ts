// The web UI in a real browser: Debian's Chromium driven by playwright-core against `nexus serve` (from dist/)
// over the fictional demo. Logs in, searches, reads provenance, explores the graph, judges a suggestion with the
// keyboard, checks the fictional banner and that nothing is loaded from another origin; screenshots each page.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome } from '../cli/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SHOTS = 'test-artifacts/screenshots';
const USER = 'e2e-analyst';
const PASSWORD = 'correct horse battery staple 42';

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

function listening(proc: ChildProcess, log: { text: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    proc.stderr?.on('data', (chunk: Buffer) => {
      log.text += chunk.toString();
    });
    proc.once('exit', (code) => reject(new Error(`nexus serve exited ${code}: ${log.text.slice(-2000)}`)));
  });
}

describe.skipIf(!HAVE_CHROMIUM)(
  `web UI in Chromium (skipped when ${CHROMIUM} is absent: apt-get install chromium)`,
  () => {
    let server: ChildProcess | undefined;
    let browser: Browser | undefined;
    let page: Page;
    let base = '';
    const serverLog = { text: '' };
    const foreign: string[] = [];
    const pageErrors: string[] = [];
    const nav = (name: string) =>
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();

    beforeAll(async () => {
      buildWeb();
      mkdirSync(SHOTS, { recursive: true });
      const home = tempHome('nexus-e2e-');
      nexusCli(home, ['demo', '--no-real']);
      nexusCli(
        home,
        [
          'user',
          'add',
          USER,
          '--role',
          'analyst',
          '--clearance',
          'SECRET',
          '--caveat',
          'SENSITIVE',
          '--password-stdin',
        ],
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

    it('shows a suggestion side by side and judges it with the keyboard', async () => {
      await nav('Review queue');
      await page.locator('table.compare').waitFor();
      expect(await page.locator('table.compare').textContent()).toContain('Darren');
      expect(await page.locator('.explain').textContent()).toMatch(/Name/);
      await expect.poll(() => page.locator('.fictional-banner').isVisible()).toBe(true);
      expect(await page.locator('.marking-bar').textContent()).toContain('SECRET');
      await page.screenshot({ path: `${SHOTS}/review.png`, fullPage: true });
      await page.locator('h1').focus();
      await page.keyboard.press('m');
      await page.locator('.state-empty', { hasText: 'Nothing to review' }).waitFor();
      expect(await page.locator('[role="status"]').first().textContent()).toContain('Recorded: Match');
      await page.screenshot({ path: `${SHOTS}/review-done.png`, fullPage: true });
    });

    it('loaded nothing from another origin and broke no Content-Security-Policy rule', () => {
      expect(foreign).toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  },
);
