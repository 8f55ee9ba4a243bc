#!/usr/bin/env node
// Web UI timings in a real browser: Debian's Chromium (/usr/bin/chromium, WebGL through SwiftShader, no GPU) driven
// by playwright-core against `nexus serve` from dist/. Measures, with in-page clocks (performance.now()):
//   - login to the dashboard's content, and a full page load of the dashboard and of search results with a
//     session, cold (empty HTTP cache) and warm (cached assets);
//   - the graph explorer on a generated network of ~5,000 people and ~15,000 ties (bench/ui-network.js):
//     opening it on a hub, each expansion until ~5,000 nodes are in view, frame times during a scripted zoom,
//     a pan and the Fit animation, Louvain colouring, and finding and highlighting a path.
// Usage: npm run bench:ui [-- --reps 5 --reuse-home --no-real]. Store: bench/out/ui-home (`nexus demo` with the
// real datasets of NEXUS_DATA_DIR, plus the generated network). Writes bench/out/ui-bench.json and ui-bench.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { machineInfo } from './machine.js';
import { crewNetwork, toEdgeList } from './ui-network.js';

const { values: opt } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    words: { type: 'string', default: 'mohammad,petrov,okafor' },
    'reuse-home': { type: 'boolean', default: false },
    'no-real': { type: 'boolean', default: false },
    crews: { type: 'string', default: '39' },
    'skip-pages': { type: 'boolean', default: false },
    'no-profile': { type: 'boolean', default: false },
  },
});
const REPS = Number(opt.reps);
const WORDS = opt.words.split(',');
const CHROMIUM = '/usr/bin/chromium';
const OUT = resolve('bench/out');
const HOME = join(OUT, 'ui-home');
const NETWORK = 'bench_crews';
const USER = 'bench-ui';
const PASSWORD = 'bench ui password 0123456789';
const log = (m) => console.error(`bench:ui: ${m}`);
const round = (x, d = 1) => (typeof x === 'number' ? Math.round(x * 10 ** d) / 10 ** d : x);
const load = () => loadavg().map((x) => round(x, 2));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};
const summary = (xs) => ({
  median: round(median(xs)),
  min: round(Math.min(...xs)),
  max: round(Math.max(...xs)),
  n: xs.length,
});

if (!existsSync(CHROMIUM)) {
  console.error(`bench:ui: ${CHROMIUM} is missing. Install it with: apt-get install -y chromium`);
  process.exit(2);
}
if (!existsSync('dist/web/index.html')) {
  console.error('bench:ui: dist/web is missing; run npm run build first');
  process.exit(2);
}

function nexus(args, input) {
  const res = spawnSync(process.execPath, ['bin/nexus.js', '--home', HOME, ...args], {
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  if (res.status !== 0) throw new Error(`nexus ${args.join(' ')} exited ${res.status}`);
  return res.stdout;
}

// ---------- the store ----------
const net = crewNetwork({ crews: Number(opt.crews) });
function buildHome() {
  if (opt['reuse-home'] && existsSync(join(HOME, 'nexus.db'))) {
    log(`reusing ${HOME}`);
    return;
  }
  rmSync(HOME, { recursive: true, force: true });
  mkdirSync(HOME, { recursive: true });
  log(`nexus demo${opt['no-real'] ? ' --no-real' : ' (with the real datasets)'} into ${HOME}...`);
  nexus(['demo', '--json', ...(opt['no-real'] ? ['--no-real'] : [])]);
  const file = join(OUT, 'ui-network.csv');
  writeFileSync(file, toEdgeList(net.ties));
  log(`ingesting the generated network: ${net.nodes} people, ${net.ties.length} ties...`);
  const s = JSON.parse(
    nexus([
      'ingest',
      '--dataset',
      NETWORK,
      '--format',
      'edgelist',
      '--title',
      'Generated crews (fictional, benchmark)',
      '--progress',
      'none',
      '--json',
      file,
    ]),
  );
  log(`ingested ${s.entities} entities (${s.accepted} records, ${s.rejected} rejected)`);
  nexus(
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
}

/** Person ids of the network's labels (the reader derives them from the network and the label). */
function idsByName() {
  const db = new Database(join(HOME, 'nexus.db'), { readonly: true, fileMustExist: true });
  const rows = db
    .prepare(
      `SELECT e.id, s.value AS name FROM entity_datasets d JOIN entities e ON e.eid = d.eid
       JOIN statements s ON s.eid = e.eid AND s.prop = 'name' WHERE d.dataset = ? AND e.schema = 'Person'`,
    )
    .all(NETWORK);
  db.close();
  return new Map(rows.map((r) => [r.name, r.id]));
}

function startServer() {
  const errFd = openSync(join(OUT, 'ui-serve.log'), 'w');
  const proc = spawn(process.execPath, ['bin/nexus.js', '--home', HOME, 'serve', '--port', '0'], {
    stdio: ['ignore', 'pipe', errFd],
  });
  return new Promise((ok, fail) => {
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) ok({ proc, base: m[1] });
    });
    proc.once('exit', (code) => fail(new Error(`nexus serve exited ${code}; see bench/out/ui-serve.log`)));
  });
}

// ---------- in-page helpers (installed in every document before the app runs) ----------
function pageHelpers() {
  /** Resolves when check() holds: `dom` when the DOM first satisfied it, `frame` in the next animation frame
   * (after any render sigma scheduled for that frame), both in performance.now() time. */
  window.__benchWait = (check, timeoutMs = 120_000) =>
    new Promise((resolve, reject) => {
      let mo;
      const done = () => {
        const dom = performance.now();
        mo?.disconnect();
        clearTimeout(timer);
        requestAnimationFrame(() => resolve({ dom, frame: performance.now() }));
      };
      const timer = setTimeout(() => {
        mo?.disconnect();
        reject(new Error('__benchWait: timed out'));
      }, timeoutMs);
      if (check()) return done();
      mo = new MutationObserver(() => {
        if (check()) done();
      });
      mo.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
    });
  window.__benchReady = {
    dashboard: () =>
      document.querySelector('tr[data-dataset]') !== null &&
      document.querySelector('.card[data-area]') !== null &&
      document.querySelector('.state-loading') === null &&
      [...document.querySelectorAll('p.muted')].some((p) =>
        p.textContent?.includes('statements visible to you'),
      ),
    search: () =>
      ((document.querySelector('li.hit') !== null && document.querySelector('.facet') !== null) ||
        document.querySelector('.view .state-empty') !== null) &&
      document.querySelector('.state-loading') === null,
    graph: () =>
      /^[\d,]+ nodes, [\d,]+ ties in view\.$/.test(
        document.querySelector('.graph-status')?.textContent ?? '',
      ),
  };
  /** Records animation frame times until stopped: the intervals say how long each frame took. */
  // Counts WebGL draw calls, so frame times can be read for the frames sigma actually drew.
  window.__benchDraws = 0;
  for (const C of [window.WebGL2RenderingContext, window.WebGLRenderingContext]) {
    for (const m of ['drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced']) {
      const original = C?.prototype[m];
      if (!original) continue;
      C.prototype[m] = function (...args) {
        window.__benchDraws++;
        return original.apply(this, args);
      };
    }
  }
  /**
   * Starts watching an interaction: the time of its first input event, and from then on every animation frame,
   * whether WebGL drew in it, and the longest frame.
   */
  window.__benchArm = () => {
    const st = { last: window.__benchDraws, calm: 0, drawn: 0, worst: 0, prev: performance.now(), on: true };
    window.__benchStep = st;
    const mark = () => {
      st.inputAt ??= performance.now();
    };
    for (const type of ['wheel', 'mousedown', 'click'])
      window.addEventListener(type, mark, { once: true, capture: true });
    const tick = () => {
      const now = performance.now();
      if (window.__benchDraws !== st.last) {
        st.last = window.__benchDraws;
        st.lastDrawAt = now;
        st.calm = 0;
        st.drawn++;
      } else st.calm++;
      st.worst = Math.max(st.worst, now - st.prev);
      st.prev = now;
      if (st.on) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  };
  /**
   * Resolves once `quiet` frames in a row after the call drew nothing: `ms` from the input event to the frame
   * after the last draw (the step finished on screen), `drawn` frames that drew, `worstMs` the longest frame.
   */
  window.__benchSettle = (quiet = 6) =>
    new Promise((resolve) => {
      const st = window.__benchStep;
      st.calm = 0;
      const check = () => {
        if (st.calm < quiet) return requestAnimationFrame(check);
        st.on = false;
        const start = st.inputAt ?? st.lastDrawAt ?? 0;
        resolve({
          ms: st.lastDrawAt === undefined ? 0 : st.lastDrawAt - start,
          drawn: st.drawn,
          worstMs: st.worst,
        });
      };
      requestAnimationFrame(check);
    });
}

/** Sums interaction steps: the median step, frames drawn, and the mean time per drawn frame. */
const steps = (list) => {
  const ms = list.reduce((a, b) => a + b.ms, 0);
  const drawn = list.reduce((a, b) => a + b.drawn, 0);
  return {
    steps: list.length,
    stepMedianMs: round(median(list.map((x) => x.ms))),
    stepMaxMs: round(Math.max(...list.map((x) => x.ms))),
    drawnFrames: drawn,
    msPerDrawnFrame: drawn ? round(ms / drawn) : null,
    worstFrameMs: round(Math.max(...list.map((x) => x.worstMs))),
    raw: list.map((x) => ({ ms: round(x.ms), drawn: x.drawn, worstMs: round(x.worstMs) })),
  };
};

/**
 * The main thread's time in a CPU profile: idle (waiting, e.g. for the GPU process to draw), the WebGL readback
 * sigma does for hover picking (getBufferSubData blocks until the GPU has drawn), garbage collection, native, and
 * JavaScript; per frame when frames are given; and the 12 functions with the most self time.
 */
function profileSummary(profile, frames) {
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = profile.timeDeltas ?? [];
  const cat = { idle: 0, gpuReadback: 0, gc: 0, program: 0, js: 0 };
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const us = dt[i] ?? 0;
    const name = f.functionName || '(anonymous)';
    if (name === '(idle)') cat.idle += us;
    else if (name === 'getBufferSubData' || name === 'readPixels') cat.gpuReadback += us;
    else if (name === '(garbage collector)') cat.gc += us;
    else if (name === '(program)') cat.program += us;
    else cat.js += us;
    const key = `${name} ${f.url.split('/').pop()}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + us);
  });
  const ms = Object.fromEntries(Object.entries(cat).map(([k, v]) => [`${k}Ms`, round(v / 1000)]));
  return {
    ...ms,
    jsPerFrameMs: frames ? round(cat.js / 1000 / frames) : undefined,
    top: [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([fn, us]) => ({ fn, ms: round(us / 1000) })),
  };
}

// ---------- main ----------
const loadStart = load();
buildHome();
const ids = idsByName();
const leaderIds = net.leaders.map((n) => ids.get(n));
if (leaderIds.some((x) => !x)) throw new Error('bench:ui: a crew leader is missing from the store');
log('starting nexus serve...');
const server = await startServer();
log(`listening on ${server.base}`);
const results = { dashboard: {}, search: {}, graph: {} };
let browser;
try {
  // Warm the server's graph projection for this reader, as a user who has used the graph once would find it.
  const loginRes = await fetch(`${server.base}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: USER, password: PASSWORD }),
  });
  const { token } = await loginRes.json();
  const t = performance.now();
  const warm = await fetch(
    `${server.base}/graph/expand?id=${encodeURIComponent(leaderIds[0])}&max_nodes=150`,
    {
      headers: { Authorization: `Bearer ${token}` },
    },
  );
  if (warm.status !== 200) throw new Error(`graph warm-up answered ${warm.status}`);
  results.graph.serverProjectionWarmupMs = round(performance.now() - t);
  log(
    `graph projection built by the server in ${results.graph.serverProjectionWarmupMs} ms (first /graph call)`,
  );

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--enable-precise-memory-info',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
  const viewport = { width: 1360, height: 900 };
  const first = await browser.newContext({ viewport });
  await first.addInitScript(pageHelpers);
  let page = await first.newPage();
  page.setDefaultTimeout(120_000);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  // Login, then the dashboard.
  await page.goto(`${server.base}/#/`);
  await page.getByLabel('User name').fill(USER);
  await page.getByLabel('Password').fill(PASSWORD);
  const loginTimes = await page.evaluate(async () => {
    const t0 = performance.now();
    document.querySelector('form.login-form button[type="submit"]').click();
    const r = await window.__benchWait(window.__benchReady.dashboard);
    return { dom: r.dom - t0, frame: r.frame - t0 };
  });
  results.dashboard.loginToContentMs = round(loginTimes.frame);
  log(`login to dashboard content: ${results.dashboard.loginToContentMs} ms`);
  const state = await first.storageState();

  /** Loads URL in a page as a new document; the time from navigation start to the content of `ready`. */
  async function loadTimes(p, url, ready) {
    await p.goto(url);
    return p.evaluate(async (key) => {
      const r = await window.__benchWait(window.__benchReady[key]);
      const nav = performance.getEntriesByType('navigation')[0];
      const api = performance
        .getEntriesByType('resource')
        .filter(
          (e) =>
            new URL(e.name).pathname.startsWith('/api/') || new URL(e.name).pathname.startsWith('/auth/'),
        );
      const assets = performance
        .getEntriesByType('resource')
        .filter((e) => new URL(e.name).pathname.startsWith('/assets/'));
      return {
        contentMs: r.frame,
        domContentLoadedMs: nav?.domContentLoadedEventEnd,
        assetBytes: assets.reduce((n, e) => n + (e.transferSize || 0), 0),
        slowestApi: api.reduce(
          (best, e) => (e.duration > best.ms ? { path: new URL(e.name).pathname, ms: e.duration } : best),
          { path: '', ms: 0 },
        ),
      };
    }, ready);
  }

  async function measurePage(name, url, ready) {
    const cold = [];
    const warmRuns = [];
    for (let i = 0; i < REPS; i++) {
      const ctx = await browser.newContext({ viewport, storageState: state });
      await ctx.addInitScript(pageHelpers);
      const p = await ctx.newPage();
      p.setDefaultTimeout(120_000);
      cold.push(await loadTimes(p, url, ready));
      // A new navigation (not a fragment change) in the same context: the hashed assets come from the cache.
      await p.goto('about:blank');
      warmRuns.push(await loadTimes(p, url, ready));
      await ctx.close();
    }
    const out = {
      url: url.replace(server.base, ''),
      coldMs: summary(cold.map((r) => r.contentMs)),
      warmMs: summary(warmRuns.map((r) => r.contentMs)),
      coldDomContentLoadedMs: summary(cold.map((r) => r.domContentLoadedMs)),
      coldAssetBytes: cold[0]?.assetBytes,
      warmAssetBytes: warmRuns[0]?.assetBytes,
      slowestApiWarmMs: summary(warmRuns.map((r) => r.slowestApi.ms)),
      slowestApiPath: warmRuns[0]?.slowestApi.path,
    };
    log(
      `${name}: content visible cold ${out.coldMs.median} ms (min ${out.coldMs.min}, max ${out.coldMs.max}), warm ${out.warmMs.median} ms; slowest API call ${out.slowestApiPath} ${out.slowestApiWarmMs.median} ms`,
    );
    return out;
  }

  if (!opt['skip-pages'])
    results.dashboard = {
      ...results.dashboard,
      ...(await measurePage('dashboard', `${server.base}/#/`, 'dashboard')),
    };
  for (const w of opt['skip-pages'] ? [] : WORDS) {
    const url = `${server.base}/#/search?q=${encodeURIComponent(w)}`;
    const total = await fetch(`${server.base}/api/search?q=${encodeURIComponent(w)}&limit=1`, {
      headers: { Authorization: `Bearer ${token}` },
    }).then((r) => r.json());
    results.search[w] = {
      hits: total.total,
      ...(await measurePage(`search "${w}" (${total.total} hits)`, url, 'search')),
    };
  }

  // ---------- the graph explorer ----------
  page = await first.newPage();
  page.setDefaultTimeout(120_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${server.base}/#/`);
  await page.evaluate(() => window.__benchWait(window.__benchReady.dashboard));
  const cdp = opt['no-profile'] ? undefined : await first.newCDPSession(page);
  const startProfile = async () => {
    if (!cdp) return;
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
  };
  const stopProfile = async (name, frames) => {
    if (!cdp) return undefined;
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(join(OUT, `ui-${name}.cpuprofile`), JSON.stringify(profile));
    return profileSummary(profile, frames);
  };
  const open = await page.evaluate(async (id) => {
    const t0 = performance.now();
    location.hash = `#/graph?id=${encodeURIComponent(id)}`;
    const r = await window.__benchWait(
      () => window.__benchReady.graph() && document.querySelector('#graph-canvas canvas') !== null,
    );
    return { ms: r.frame - t0, status: document.querySelector('.graph-status').textContent };
  }, leaderIds[0]);
  results.graph.openMs = round(open.ms);
  results.graph.openStatus = open.status;
  log(`graph opened on a crew leader: ${open.status} in ${round(open.ms)} ms`);

  const step = async (act) => {
    await page.evaluate(() => window.__benchArm());
    await act();
    return page.evaluate(() => window.__benchSettle());
  };
  const zoomSteps = async (n) => {
    const b = await page.locator('#graph-canvas').boundingBox();
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    const out = [];
    for (let i = 0; i < 2 * n; i++) out.push(await step(() => page.mouse.wheel(0, i < n ? -120 : 120)));
    return steps(out);
  };
  // The same zoom on the opening view, for scale: what a frame costs with few nodes on this machine.
  results.graph.zoomAtOpen = await zoomSteps(2);
  log(`zoom steps at ${open.status} ${JSON.stringify(results.graph.zoomAtOpen)}`);
  await page.mouse.move(5, 5); // off the picture, as when using the lists: sigma stops hover picking

  const expansions = [];
  const tExpand = performance.now();
  for (let c = 1; c < leaderIds.length; c++) {
    const lastOne = c === leaderIds.length - 1;
    if (lastOne) await startProfile();
    const r = await page.evaluate(async (id) => {
      const row = document.querySelector(`.node-list tr[data-node="${CSS.escape(id)}"]`);
      const button = row?.querySelector('.expand-node');
      if (!button) return { missing: true };
      const status = document.querySelector('.graph-status');
      const before = status.textContent;
      const t0 = performance.now();
      button.click();
      const w = await window.__benchWait(() => status.textContent !== before && window.__benchReady.graph());
      return { ms: w.frame - t0, domMs: w.dom - t0, status: status.textContent };
    }, leaderIds[c]);
    if (lastOne) results.graph.lastExpansionProfile = await stopProfile('expand-last', 1);
    if (r.missing) {
      log(`leader ${c} is not in the node list; stopping the expansion there`);
      break;
    }
    const m = /^([\d,]+) nodes, ([\d,]+) ties/.exec(r.status);
    const nodes = Number(m[1].replace(/,/g, ''));
    const ties = Number(m[2].replace(/,/g, ''));
    expansions.push({ step: c, nodes, ties, ms: round(r.ms), domMs: round(r.domMs) });
    if (c % 5 === 0 || c === leaderIds.length - 1)
      log(`expansion ${c}: ${nodes} nodes, ${ties} ties in view, ${round(r.ms)} ms`);
  }
  results.graph.expansions = expansions;
  results.graph.expansionTotalSeconds = round((performance.now() - tExpand) / 1000);
  const last = expansions[expansions.length - 1];
  results.graph.finalNodes = last?.nodes;
  results.graph.finalTies = last?.ties;
  results.graph.lastExpansionMs = last?.ms;
  results.graph.lastExpansionDomMs = last?.domMs;
  results.graph.heapMB = await page.evaluate(() =>
    performance.memory ? Math.round(performance.memory.usedJSHeapSize / 2 ** 20) : null,
  );
  await page.waitForTimeout(1500); // let the datasets lookups of the last expansion settle

  // Zoom, pan and Fit through the real input pipeline (wheel and drag events at the canvas). Each step is timed
  // from its input event until the renderer has been quiet for six frames: the time for the step to finish on
  // screen, and how many frames it drew.
  const box = await page.locator('#graph-canvas').boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.evaluate(() => {
    window.__benchArm();
    return window.__benchSettle();
  });
  await startProfile();
  results.graph.zoom = await zoomSteps(3);
  results.graph.zoomProfile = await stopProfile('zoom', results.graph.zoom.drawnFrames);
  log(`zoom steps: ${JSON.stringify(results.graph.zoom)}`);

  results.graph.pan = steps([
    await step(async () => {
      await page.mouse.down();
      for (let i = 1; i <= 15; i++) await page.mouse.move(cx + i * 16, cy + i * 8);
      await page.mouse.up();
    }),
  ]);
  log(`pan (a drag of 15 moves): ${JSON.stringify(results.graph.pan)}`);

  results.graph.fit = steps([
    await step(() => page.getByRole('button', { name: 'Fit', exact: true }).click()),
  ]);
  log(`fit (a 300 ms camera animation): ${JSON.stringify(results.graph.fit)}`);

  // Louvain colouring of the whole view, in the browser.
  const louvain = await page.evaluate(async () => {
    const select = document.querySelector('#graph-colour');
    const legend = document.querySelector('.legend');
    const t0 = performance.now();
    select.value = 'community';
    select.dispatchEvent(new Event('change'));
    const r = await window.__benchWait(() => (legend.textContent ?? '').includes('communities in view'));
    const text = legend.textContent;
    const back = performance.now();
    select.value = 'schema';
    select.dispatchEvent(new Event('change'));
    await window.__benchWait(() => !(legend.textContent ?? '').includes('communities in view'));
    return { ms: r.frame - t0, legend: text, backMs: performance.now() - back };
  });
  results.graph.louvainMs = round(louvain.ms);
  results.graph.louvainLegend = louvain.legend;
  log(`colour by community: ${round(louvain.ms)} ms (${louvain.legend})`);

  // Find and highlight a path between the start leader (selected from the start) and a leader far round the ring.
  const target = leaderIds[Math.floor(leaderIds.length / 2)];
  await startProfile();
  const path = await page.evaluate(async (id) => {
    const select = document.querySelector(`.node-list tr[data-node="${CSS.escape(id)}"] .select-node`);
    if (!select) return { missing: true };
    select.click();
    const button = document.querySelector('#find-path');
    if (button.disabled) return { disabled: true };
    const t0 = performance.now();
    button.click();
    const r = await window.__benchWait(() => document.querySelector('#path-panel li.hop') !== null);
    return {
      ms: r.frame - t0,
      domMs: r.dom - t0,
      hops: document.querySelectorAll('#path-panel li.hop').length,
      text: document.querySelector('#path-panel p')?.textContent,
    };
  }, target);
  results.graph.path =
    path.missing || path.disabled
      ? path
      : { ms: round(path.ms), domMs: round(path.domMs), hops: path.hops, summary: path.text };
  results.graph.pathProfile = await stopProfile('path', 1);
  log(`find path: ${JSON.stringify(results.graph.path)}`);
  // The path is drawn highlighted over the faded view: zoom steps with the path on.
  results.graph.zoomWithPath = await zoomSteps(1);
  log(`zoom steps with the path: ${JSON.stringify(results.graph.zoomWithPath)}`);
  await page.screenshot({ path: join(OUT, 'ui-graph-5k.png') });
  results.pageErrors = pageErrors;
} finally {
  await browser?.close();
  if (server.proc.exitCode === null) server.proc.kill('SIGTERM');
}

const machine = machineInfo({
  chromium: spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).stdout.trim(),
});
const report = {
  machine,
  loadavgStart: loadStart,
  loadavgEnd: load(),
  command: `npm run bench:ui -- --reps ${REPS}`,
  network: { people: net.nodes, ties: net.ties.length, crews: net.leaders.length },
  reps: REPS,
  results,
};
writeFileSync(join(OUT, 'ui-bench.json'), `${JSON.stringify(report, null, 2)}\n`);

const g = results.graph;
const md = [
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB, Node ${machine.node}, ${machine.chromium} (SwiftShader WebGL, no GPU), ${machine.date}; load average at start ${loadStart.join(' ')}, at end ${report.loadavgEnd.join(' ')}`,
  '',
  `| page | cold: median (min-max) ms | warm: median (min-max) ms | slowest API call (warm median) |`,
  '|---|---|---|---|',
  `| login -> dashboard content | ${results.dashboard.loginToContentMs} (once) | | |`,
  ...(results.dashboard.coldMs
    ? [
        `| dashboard | ${results.dashboard.coldMs.median} (${results.dashboard.coldMs.min}-${results.dashboard.coldMs.max}) | ${results.dashboard.warmMs.median} (${results.dashboard.warmMs.min}-${results.dashboard.warmMs.max}) | ${results.dashboard.slowestApiPath} ${results.dashboard.slowestApiWarmMs.median} ms |`,
      ]
    : []),
  ...Object.keys(results.search).map((w) => {
    const s = results.search[w];
    return `| search "${w}" (${s.hits} hits) | ${s.coldMs.median} (${s.coldMs.min}-${s.coldMs.max}) | ${s.warmMs.median} (${s.warmMs.min}-${s.warmMs.max}) | ${s.slowestApiPath} ${s.slowestApiWarmMs.median} ms |`;
  }),
  '',
  '| graph explorer | figure |',
  '|---|---|',
  `| open on a hub (${g.openStatus}) | ${g.openMs} ms |`,
  `| zoom at the opening view: one wheel step on screen, median; per drawn frame | ${g.zoomAtOpen?.stepMedianMs} ms; ${g.zoomAtOpen?.msPerDrawnFrame} ms |`,
  `| ${g.expansions?.length} expansions to ${g.finalNodes} nodes, ${g.finalTies} ties | ${g.expansionTotalSeconds} s in all; last one ${g.lastExpansionMs} ms (${g.lastExpansionDomMs} ms until in the page) |`,
  `| zoom at ${g.finalNodes} nodes: one wheel step on screen, median (max) | ${g.zoom?.stepMedianMs} (${g.zoom?.stepMaxMs}) ms |`,
  `| zoom: time per drawn frame, mean / worst (${g.zoom?.drawnFrames} frames in ${g.zoom?.steps} steps) | ${g.zoom?.msPerDrawnFrame} / ${g.zoom?.worstFrameMs} ms; main-thread JS ${g.zoomProfile?.jsPerFrameMs ?? '-'} ms a frame |`,
  `| pan, a drag of 15 moves: on screen; per drawn frame (${g.pan?.drawnFrames} frames) | ${g.pan?.stepMedianMs} ms; ${g.pan?.msPerDrawnFrame} ms |`,
  `| Fit, a 300 ms camera animation: on screen; per drawn frame (${g.fit?.drawnFrames} frames) | ${g.fit?.stepMedianMs} ms; ${g.fit?.msPerDrawnFrame} ms |`,
  `| colour by community (Louvain in the browser) | ${g.louvainMs} ms |`,
  `| find and highlight a path (${g.path?.summary ?? ''}): in the page; drawn | ${g.path?.domMs} ms; ${g.path?.ms} ms |`,
  `| zoom with the path highlighted: one wheel step, median; per drawn frame | ${g.zoomWithPath?.stepMedianMs} ms; ${g.zoomWithPath?.msPerDrawnFrame} ms |`,
  `| page JS heap at ${g.finalNodes} nodes | ${g.heapMB} MB |`,
];
writeFileSync(join(OUT, 'ui-bench.md'), `${md.join('\n')}\n`);
console.log(md.join('\n'));
