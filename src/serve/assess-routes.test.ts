// GET /assess and GET /assess/report in-process: the JSON is the CLI's, the report is marked (header and banners)
// and locked down by its CSP, a ceiling narrows both, C-coded evidence needs a recipient and conditions, and a role
// without the permission (the auditor) is refused.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperator, makeContext } from '../access/index.js';
import { hashPassword } from '../access/passwords.js';
import { assessmentJson, buildAssessment } from '../assess/index.js';
import { ingest } from '../ingest/index.js';
import { SqliteStore } from '../store/index.js';
import { createApp } from './app.js';

const op = localOperator('tester', 'test setup');
const secret = makeContext({ user: 'svc-secret', clearance: 'SECRET', purpose: 'test' });
const official = makeContext({ user: 'svc-official', clearance: 'OFFICIAL', purpose: 'test' });
const PASSWORD = 'assess-routes-pw-0001';
const dir = mkdtempSync(join(tmpdir(), 'nexus-assess-routes-'));
let store: SqliteStore;

interface AssessJson {
  marking: string;
  year: number | null;
  as_of: string | null;
  ceiling: string | null;
  judgements: { id: string; yardstick: string; confidence: string; evidence: { grading: string[] }[] }[];
  areas: { id: string; score: { total: number } }[];
  claims: { id: string; verdict: string; evidence: { grading: string[] }[] }[];
}

beforeAll(async () => {
  store = new SqliteStore({ path: ':memory:' });
  const m = await store.migrate();
  if (m.error) throw m.error;
  await ingest(op, store, {
    dataset: 'case',
    format: 'ftm',
    paths: ['test/fixtures/ftm/case.ftm.jsonl'],
    grading: '2BP',
  });
  // Fictional cyber groups, SECRET and graded 1AC: evidence that may leave only under stated conditions.
  const cyber = join(dir, 'cyber.ftm.jsonl');
  writeFileSync(
    cyber,
    [1, 2, 3, 4]
      .map((n) =>
        JSON.stringify({
          id: `cy-${n}`,
          schema: 'Organization',
          properties: { name: [`Quillon Byte Crew ${n}`], topics: ['crime.cyber'], country: ['ru'] },
        }),
      )
      .join('\n'),
  );
  await ingest(op, store, {
    dataset: 'hidden',
    format: 'ftm',
    paths: [cyber],
    marking: 'SECRET',
    grading: '1AC',
  });
  for (const [name, role] of [
    ['ana', 'analyst'],
    ['aud', 'auditor'],
  ] as const)
    await store.putUser(op, {
      name,
      role,
      clearance: 'OFFICIAL',
      passwordHash: await hashPassword(PASSWORD),
    });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const appAs = (ctx: typeof secret) =>
  createApp({ store, web: false, contextFor: (_req, requestId) => ({ ...ctx, requestId }) });

describe('GET /assess', () => {
  it('answers what `nexus assess --json` prints, built with the caller context', async () => {
    const res = await appAs(secret).request('/assess?as_of=2026-01-31');
    expect(res.status).toBe(200);
    const body = (await res.json()) as AssessJson;
    const cli = assessmentJson(await buildAssessment(store, secret, { asOf: '2026-01-31', signoffs: {} }));
    expect(body).toEqual(JSON.parse(JSON.stringify(cli)));
    expect(body.marking).toBe('SECRET');
    expect(res.headers.get('x-nexus-marking')).toBe('SECRET');
    expect(body.judgements.length).toBeGreaterThan(0);
    expect(body.judgements[0]).toMatchObject({
      yardstick: expect.any(String),
      confidence: expect.any(String),
    });
    expect(body.areas.length).toBeGreaterThan(0);
    expect(body.claims.length).toBeGreaterThan(0);
  });

  it('narrows to the ceiling and never widens past the caller', async () => {
    const capped = (await (await appAs(secret).request('/assess?ceiling=OFFICIAL')).json()) as AssessJson;
    expect(capped.marking).toBe('OFFICIAL');
    expect(capped.ceiling).toBe('OFFICIAL');
    expect(JSON.stringify(capped)).not.toContain('SECRET');
    const mine = await (await appAs(official).request('/assess')).text();
    const asked = await (await appAs(official).request('/assess?ceiling=TOP%20SECRET')).text();
    expect(mine).not.toContain('SECRET');
    expect(asked.replace('"ceiling":"TOP SECRET"', '"ceiling":null')).toBe(mine);
  });

  it('refuses malformed parameters', async () => {
    for (const q of ['year=24', 'year=abcd', 'as_of=yesterday', 'ceiling=PUBLIC-ISH']) {
      const res = await appAs(secret).request(`/assess?${q}`);
      expect(res.status, q).toBe(400);
    }
    const y = (await (await appAs(secret).request('/assess?year=2020')).json()) as AssessJson;
    expect(y.year).toBe(2020);
  });
});

describe('GET /assess/report', () => {
  it('is the marked HTML report with a CSP that allows its style and no script', async () => {
    const res = await appAs(official).request('/assess/report?as_of=2026-01-31');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('x-nexus-marking')).toBe('OFFICIAL');
    const html = await res.text();
    expect(html.match(/<div class="banner official">OFFICIAL<\/div>/g)?.length).toBe(2);
    expect(html).toContain('as of 2026-01-31');
    expect(html).not.toMatch(/<script/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('holds C-coded evidence back without a recipient and conditions, and leaves it out under a ceiling', async () => {
    const full = (await (await appAs(secret).request('/assess')).json()) as AssessJson;
    const coded = [...full.judgements, ...full.claims].some((j) =>
      j.evidence.some((e) => e.grading.some((g) => /C$/.test(g))),
    );
    expect(coded).toBe(true);
    const refused = await appAs(secret).request('/assess/report');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/handling code C/);
    const given = await appAs(secret).request('/assess/report?recipient=NCA&conditions=Not%20for%20court');
    expect(given.status).toBe(200);
    expect(given.headers.get('x-nexus-marking')).toBe('SECRET');
    const html = await given.text();
    expect(html).toContain('Disclosed to NCA under handling code C. Conditions: Not for court');
    expect(html.match(/<div class="banner secret">SECRET<\/div>/g)?.length).toBe(2);
    const capped = await appAs(secret).request('/assess/report?ceiling=OFFICIAL');
    expect(capped.status).toBe(200);
    expect(capped.headers.get('x-nexus-marking')).toBe('OFFICIAL');
    expect(await capped.text()).not.toContain('SECRET');
  });
});

describe('roles', () => {
  it('lets an analyst read and export the assessment and refuses an auditor both, audited', async () => {
    const app = createApp({ store, web: false, auth: {} });
    const login = async (username: string) => {
      const res = await app.request('/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: PASSWORD }),
      });
      return { authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
    };
    const ana = await login('ana');
    const aud = await login('aud');
    expect((await app.request('/assess', { headers: ana })).status).toBe(200);
    expect((await app.request('/assess/report', { headers: ana })).status).toBe(200);
    for (const path of ['/assess', '/assess/report']) {
      const res = await app.request(path, { headers: aud });
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as { detail: string }).detail).toContain('auditor');
    }
    const events = await store.auditLog(op, { limit: 20 });
    const actions = events.map((e) => `${e.action} ${e.outcome} ${e.category}`);
    expect(actions).toContain('assess.read ok combination');
    expect(actions).toContain('assess.report ok disclosure');
    expect(actions).toContain('assess.report 403 disclosure');
  });
});
