// Need-to-know beyond visibility: roles, the audit log and disclosure (SECURITY.md R10-R13), the policy file.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy, localOperator, makeContext, parsePolicy } from '../../src/access/index.js';
import { hashPassword, hashToken, newToken } from '../../src/access/passwords.js';
import { main } from '../../src/cli/main.js';
import { ingest } from '../../src/ingest/index.js';
import { isNexusError } from '../../src/model/index.js';
import { createApp } from '../../src/serve/app.js';
import { ROUTE_RULES } from '../../src/serve/route-policy.js';
import { SqliteStore } from '../../src/store/index.js';

const op = localOperator('tester', 'test setup');
const CANARY = 'Quillon Canaryhurst';
const dir = mkdtempSync(join(tmpdir(), 'nexus-audit-'));
const home = join(dir, 'home');
const dbPath = join(home, 'nexus.db');
let store: SqliteStore;
const tokens: Record<string, string> = {};

function lines(objects: object[]): string {
  return objects.map((o) => JSON.stringify(o)).join('\n');
}

beforeAll(async () => {
  store = new SqliteStore({ path: dbPath });
  const m = await store.migrate();
  if (m.error) throw m.error;
  const open = join(dir, 'open.jsonl');
  writeFileSync(
    open,
    lines([
      { id: 'p1', schema: 'Person', properties: { name: ['Ruslan Belov'] } },
      { id: 'p2', schema: 'Person', properties: { name: ['R. Belov'] } },
      { id: 'c1', schema: 'Company', properties: { name: ['Severny Trade'] } },
      { id: 'o1', schema: 'Ownership', properties: { owner: ['p1'], asset: ['c1'] } },
    ]),
  );
  await ingest(op, store, {
    dataset: 'case',
    format: 'ftm',
    paths: [open],
    marking: 'OFFICIAL',
    grading: '2BP',
  });
  const secret = join(dir, 'secret.jsonl');
  writeFileSync(secret, lines([{ id: 's1', schema: 'Person', properties: { name: [CANARY] } }]));
  await ingest(op, store, { dataset: 'hidden', format: 'ftm', paths: [secret], marking: 'SECRET' });
  const conditional = join(dir, 'conditional.jsonl');
  writeFileSync(
    conditional,
    lines([{ id: 'k1', schema: 'Person', properties: { name: ['Conditional Informant'] } }]),
  );
  await ingest(op, store, {
    dataset: 'humint',
    format: 'ftm',
    paths: [conditional],
    marking: 'OFFICIAL',
    grading: '1AC',
  });
  for (const [name, role, clearance] of [
    ['ana', 'analyst', 'OFFICIAL'],
    ['rev', 'reviewer', 'SECRET'],
    ['aud', 'auditor', 'OFFICIAL'],
    ['adm', 'admin', 'OFFICIAL'],
  ] as const) {
    await store.putUser(op, {
      name,
      role,
      clearance,
      passwordHash: await hashPassword(`${name}-pw-0123456789`),
    });
    const token = newToken();
    await store.createSession(op, {
      user: name,
      kind: 'token',
      tokenHash: hashToken(token),
      expiresAt: null,
    });
    tokens[name] = token;
  }
});

afterAll(async () => {
  await store.close();
});

function app() {
  return createApp({ store, auth: {}, web: false, uploads: false });
}

function as(user: string, init: RequestInit = {}): RequestInit {
  return { ...init, headers: { ...(init.headers ?? {}), Authorization: `Bearer ${tokens[user]}` } };
}

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    ['--home', home, ...argv],
    {},
    {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      stderrIsTty: false,
    },
  );
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('R11 every route and command declares its audit action', () => {
  it('has a rule for every route the app registers', () => {
    const routes = app()
      .routes.filter((r) => r.method !== 'ALL' && r.path !== '/*' && r.path !== '*')
      .map((r) => `${r.method} ${r.path}`);
    const missing = [...new Set(routes)].filter((r) => {
      const [method, path] = r.split(' ') as [string, string];
      return !ROUTE_RULES.some((rule) => rule.method === method && rule.path === path);
    });
    expect(missing).toEqual([]);
    for (const rule of ROUTE_RULES) {
      if (rule.action === null) expect(rule.permission, `${rule.path} records nothing`).toBe('public');
      else expect(rule.category, `${rule.method} ${rule.path}`).toBeDefined();
    }
  });

  it('has a declaration for every CLI command', async () => {
    const { COMMAND_AUDIT, COMMAND_NAMES } = await import('../../src/cli/main.js');
    for (const name of COMMAND_NAMES) expect(COMMAND_AUDIT, name).toHaveProperty(name);
  });

  it('records exactly one matching event per request, with user, purpose and request id', async () => {
    const a = app();
    const cases: [string, string, RequestInit, string][] = [
      ['ana', '/api/entities/p1', {}, 'entity.read'],
      ['ana', '/api/search?q=belov', {}, 'entity.search'],
      ['ana', '/api/datasets', {}, 'dataset.list'],
      ['ana', '/graph/paths?from=p1&to=c1', {}, 'graph.paths'],
      ['ana', '/api/entities/nope', {}, 'entity.read'],
      [
        'rev',
        '/api/xref/judge',
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ a: 'p1', b: 'p2', judgement: 'unsure', reason: 'check' }),
        },
        'xref.judge',
      ],
    ];
    for (const [user, path, init, action] of cases) {
      const res = await a.request(
        path,
        as(user, { ...init, headers: { ...(init.headers ?? {}), 'X-Purpose': 'op test' } }),
      );
      expect(res.status, path).toBeLessThan(500);
      const rid = res.headers.get('X-Request-Id') as string;
      const records = await store.auditLog(op, { requestId: rid });
      expect(
        records.filter((r) => r.action === action),
        path,
      ).toHaveLength(1);
      expect(records[0]).toMatchObject({ user, purpose: 'op test', requestId: rid });
    }
    const missing = await store.auditLog(op, { action: 'entity.read', user: 'ana', limit: 1 });
    expect(missing[0]).toMatchObject({ outcome: '404', objects: ['nope'] });
  });

  it('records a CLI command before it reads, without secrets', async () => {
    const r = await cli('--user', 'ops', '--purpose', 'case 9', 'entity', 'p1', '--json');
    expect(r.code).toBe(0);
    const [rec] = await store.auditLog(op, { action: 'cli.entity', limit: 1 });
    expect(rec).toMatchObject({ user: 'ops', purpose: 'case 9', category: 'consultation' });
    expect(rec?.detail.args).toBe('p1 --json');
  });
});

describe('roles from the policy', () => {
  it('refuses what a role does not allow with 403, and records the refusal', async () => {
    const a = app();
    const judge = {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ a: 'p1', b: 'c1', judgement: 'no-match' }),
    };
    const refused = await a.request('/api/xref/judge', as('ana', judge));
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('xref.judge');
    const rid = refused.headers.get('X-Request-Id') as string;
    expect((await store.auditLog(op, { requestId: rid }))[0]).toMatchObject({ outcome: '403', user: 'ana' });
    expect(await store.judgements(op, 'c1')).toEqual([]);
    expect((await a.request('/api/entities/p1', as('aud'))).status).toBe(403);
    expect((await a.request('/api/audit', as('ana'))).status).toBe(403);
    expect((await a.request('/api/audit', as('adm'))).status).toBe(403);
  });
});

describe('R13 the audit log is tamper-evident and only auditors read it', () => {
  it('lets an auditor page through the log and records the auditor reading it', async () => {
    const a = app();
    const res = await a.request('/api/audit?user=ana&limit=2', as('aud'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { records: { user: string }[]; next_before: number | null };
    expect(body.records).toHaveLength(2);
    expect(body.records.every((r) => r.user === 'ana')).toBe(true);
    expect(body.next_before).not.toBeNull();
    const rid = res.headers.get('X-Request-Id') as string;
    expect((await store.auditLog(op, { requestId: rid }))[0]).toMatchObject({
      user: 'aud',
      action: 'audit.read',
    });
    const verify = await a.request('/api/audit/verify', as('aud'));
    expect(await verify.json()).toMatchObject({ ok: true });
    expect((await a.request('/api/audit?category=gossip', as('aud'))).status).toBe(400);
  });

  it.each([
    [
      'edit',
      (db: Database.Database, seq: number) =>
        db.prepare("UPDATE audit_log SET user = 'mallory' WHERE seq = ?").run(seq),
    ],
    [
      'delete',
      (db: Database.Database, seq: number) => db.prepare('DELETE FROM audit_log WHERE seq = ?').run(seq),
    ],
    [
      'reorder',
      (db: Database.Database, seq: number) => {
        // Swap the contents of two rows, seq numbers staying in place.
        const cols =
          'at, user, action, category, objects, purpose, request_id, outcome, detail, prev_hash, hash';
        const a = db.prepare(`SELECT ${cols} FROM audit_log WHERE seq = ?`).raw().get(seq) as unknown[];
        const b = db
          .prepare(`SELECT ${cols} FROM audit_log WHERE seq = ?`)
          .raw()
          .get(seq + 1) as unknown[];
        const set = db.prepare(
          `UPDATE audit_log SET (${cols}) = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE seq = ?`,
        );
        set.run(...b, seq);
        set.run(...a, seq + 1);
      },
    ],
  ])('nexus audit verify catches a %s at that record', async (_what, tamper) => {
    const copy = mkdtempSync(join(tmpdir(), 'nexus-tamper-'));
    await store.db.backup(join(copy, 'nexus.db'));
    const before = await main(['--home', copy, 'audit', 'verify'], {}, quiet());
    expect(before).toBe(0);
    const db = new Database(join(copy, 'nexus.db'));
    // Someone with the file can drop the triggers that keep the table append-only; the chain still tells.
    db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    tamper(db, 5);
    db.close();
    const err: string[] = [];
    const code = await main(
      ['--home', copy, 'audit', 'verify'],
      {},
      { ...quiet(), stderr: (t) => err.push(t) },
    );
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/AUDIT_CHAIN_BROKEN: audit chain broken at record 5:/);
  });

  it('refuses edits and deletes from inside the database (append-only triggers)', () => {
    expect(() => store.db.prepare("UPDATE audit_log SET user = 'x' WHERE seq = 1").run()).toThrow(
      /append-only/,
    );
    expect(() => store.db.prepare('DELETE FROM audit_log WHERE seq = 1').run()).toThrow(/append-only/);
  });

  it('catches a cut-off tail against a head kept elsewhere', async () => {
    const out: string[] = [];
    expect(
      await main(
        ['--home', home, 'audit', 'verify', '--json'],
        {},
        { ...quiet(), stdout: (t) => out.push(t) },
      ),
    ).toBe(0);
    const head = (JSON.parse(out.join('')) as { head: string }).head;
    expect(await main(['--home', home, 'audit', 'verify', '--expect-head', head], {}, quiet())).toBe(0);
    expect(
      await main(['--home', home, 'audit', 'verify', '--expect-head', 'f'.repeat(64)], {}, quiet()),
    ).toBe(1);
  });
});

function quiet() {
  return { stdout: () => {}, stderr: () => {}, stderrIsTty: false };
}

describe('R12 audit is atomic with the change and fails closed for reads', () => {
  it('answers 503 with no data, refuses the change and the CLI read, while the audit log cannot be written', async () => {
    const a = app();
    const failing = new SqliteStore({ path: dbPath });
    await failing.migrate();
    failing.db.exec(
      "CREATE TEMP TRIGGER audit_down BEFORE INSERT ON main.audit_log BEGIN SELECT RAISE(ABORT, 'disk gone'); END;",
    );
    const broken = createApp({ store: failing, auth: {}, web: false, uploads: false });
    const res = await broken.request('/api/entities/p1', as('ana'));
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).not.toContain('Belov');
    expect(JSON.parse(text)).toMatchObject({ status: 503, detail: 'audit log unavailable' });
    const search = await broken.request('/api/search?q=belov', as('ana'));
    expect(search.status).toBe(503);
    expect(await search.text()).not.toContain('Belov');
    // A write and its record commit together: the judgement is not there.
    const judged = await broken.request(
      '/api/xref/judge',
      as('rev', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ a: 'c1', b: 'p2', judgement: 'no-match' }),
      }),
    );
    expect(judged.status).toBe(503);
    expect(await failing.judgements(op, 'c1')).toEqual([]);
    await expect(failing.putStatements(op, { dataset: 'case', records: [] })).rejects.toSatisfy((e) =>
      isNexusError(e, 'AUDIT_UNAVAILABLE'),
    );
    await failing.close();
    // The CLI writes its record before it reads: with the log refusing records, it prints nothing.
    const copy = mkdtempSync(join(tmpdir(), 'nexus-down-'));
    await store.db.backup(join(copy, 'nexus.db'));
    const down = new Database(join(copy, 'nexus.db'));
    down.exec(
      "CREATE TRIGGER audit_down BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk gone'); END;",
    );
    down.close();
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      ['--home', copy, 'entity', 'p1'],
      {},
      {
        stdout: (t) => out.push(t),
        stderr: (t) => err.push(t),
        stderrIsTty: false,
      },
    );
    expect(code).toBe(1);
    expect(out.join('')).toBe('');
    expect(err.join('')).toContain('AUDIT_UNAVAILABLE');
    // The healthy app on the other connection still answers.
    expect((await a.request('/api/entities/p1', as('ana'))).status).toBe(200);
  });
});

describe('R10 derived products carry the highest marking; ceilings; handling code C', () => {
  it('marks an export SECRET with one SECRET statement inside and OFFICIAL under an OFFICIAL ceiling', async () => {
    const file = join(dir, 'graph.graphml');
    const secretRun = await cli('export', '--format', 'graphml', '--dataset', 'hidden', '--output', file);
    expect(secretRun.code).toBe(0);
    expect(secretRun.stderr).toContain('marking: SECRET');
    expect(readFileSync(file, 'utf8')).toContain('Classification: SECRET');
    const capped = await cli(
      'export',
      '--format',
      'graphml',
      '--dataset',
      'hidden',
      '--ceiling',
      'OFFICIAL',
      '--output',
      file,
    );
    expect(capped.code).toBe(0);
    expect(capped.stderr).toContain('marking: OFFICIAL');
    expect(readFileSync(file, 'utf8')).not.toContain(CANARY);
    const ftm = await cli('export', '--format', 'ftm', '--dataset', 'hidden');
    expect(ftm.stdout).toContain(CANARY);
    expect(ftm.stderr).toContain('marking: SECRET');
    const ftmCapped = await cli('export', '--format', 'ftm', '--dataset', 'hidden', '--ceiling', 'OFFICIAL');
    expect(ftmCapped.stdout).toBe('');
    expect((await cli('export', '--dataset', 'case', '--ceiling', 'PUBLIC')).stderr).toContain(
      'EXPORT_CEILING_INVALID',
    );
  });

  it('refuses to disclose C-coded intelligence without a recipient and conditions, on the CLI and the API', async () => {
    const refused = await cli('export', '--format', 'ftm', '--dataset', 'humint');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('HANDLING_CONDITIONS_REQUIRED');
    expect(refused.stdout).toBe('');
    const given = await cli(
      'export',
      '--format',
      'ftm',
      '--dataset',
      'humint',
      '--recipient',
      'NCA liaison',
      '--conditions',
      'no onward sharing',
    );
    expect(given.code).toBe(0);
    expect(given.stdout).toContain('Conditional Informant');
    expect(given.stderr).toContain(
      'Disclosed to NCA liaison under handling code C. Conditions: no onward sharing',
    );
    const a = app();
    const api = await a.request('/graph/export?format=gexf&dataset=humint', as('ana'));
    expect(api.status).toBe(400);
    expect(await api.text()).toContain('handling code C');
    const ok = await a.request(
      '/graph/export?format=gexf&dataset=humint&recipient=Liaison&conditions=none+onward',
      as('ana'),
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Handling: Disclosed to Liaison');
    const [rec] = await store.auditLog(op, { action: 'graph.export', limit: 1 });
    expect(rec).toMatchObject({ category: 'disclosure', user: 'ana' });
    expect(rec?.detail.recipient).toBe('Liaison');
  });
});

describe('R10 dataset export over HTTP', () => {
  it('streams FtM lines with the marking, under a ceiling, and refuses C-coded intelligence without its terms', async () => {
    const a = app();
    const res = await a.request('/api/datasets/case/export', as('ana'));
    expect(res.status).toBe(200);
    expect(res.headers.get('X-Nexus-Marking')).toBe('OFFICIAL');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string });
    expect(lines.map((l) => l.id).sort()).toEqual(['c1', 'o1', 'p1', 'p2']);
    // Hidden dataset: like a missing one.
    expect((await a.request('/api/datasets/hidden/export', as('ana'))).status).toBe(404);
    const secret = await a.request('/api/datasets/hidden/export', as('rev'));
    expect(secret.headers.get('X-Nexus-Marking')).toBe('SECRET');
    expect(await secret.text()).toContain(CANARY);
    expect((await a.request('/api/datasets/hidden/export?ceiling=OFFICIAL', as('rev'))).status).toBe(404);
    const refused = await a.request('/api/datasets/humint/export', as('ana'));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('handling code C');
    const given = await a.request(
      '/api/datasets/humint/export?recipient=Liaison&conditions=no+onward+sharing',
      as('ana'),
    );
    expect(given.status).toBe(200);
    expect(given.headers.get('X-Nexus-Handling')).toBe(
      'Disclosed to Liaison under handling code C. Conditions: no onward sharing',
    );
    const [rec] = await store.auditLog(op, { action: 'dataset.export', limit: 1 });
    expect(rec).toMatchObject({ category: 'disclosure', objects: ['humint'] });
    expect((await a.request('/api/datasets/case/export', as('aud'))).status).toBe(403);
  });
});

describe('policy as data', () => {
  it('validates a policy file at start-up, naming the file and the field', () => {
    const bad = join(dir, 'policy.json');
    writeFileSync(bad, JSON.stringify({ compartments: ['KESTREL'], roles: { analyst: ['read', 'fly'] } }));
    expect(() => loadPolicy(bad)).toThrow(/policy\.json: field roles/);
    writeFileSync(
      join(dir, 'p.yaml'),
      'compartments: [A]\nroles: {analyst: [], reviewer: [], admin: [], auditor: []}\n',
    );
    expect(() => loadPolicy(join(dir, 'p.yaml'))).toThrow(/auditor role must keep audit.read/);
    expect(() =>
      parsePolicy(
        {
          compartments: ['SECRET'],
          roles: { analyst: [], reviewer: [], admin: [], auditor: ['audit.read'] },
        },
        'x',
      ),
    ).toThrow(/also a classification level/);
    loadPolicy();
  });

  it('fails the CLI at start-up on a bad NEXUS_POLICY', async () => {
    const err: string[] = [];
    const code = await main(
      ['--home', home, 'stats'],
      { NEXUS_POLICY: join(dir, 'missing.json') },
      {
        ...quiet(),
        stderr: (t) => err.push(t),
      },
    );
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/POLICY_INVALID: .*missing\.json: cannot read/);
    loadPolicy();
  });

  it('hides statements in a compartment from everyone who does not hold it, whatever their level', async () => {
    const file = join(dir, 'kestrel.jsonl');
    writeFileSync(file, lines([{ id: 'op1', schema: 'Person', properties: { name: ['Kestrel Source'] } }]));
    await ingest(op, store, { dataset: 'kestrel', format: 'ftm', paths: [file], marking: 'SECRET KESTREL' });
    const secret = makeContext({ user: 'x', clearance: 'TOP SECRET', purpose: 't' });
    const briefed = makeContext({ user: 'y', clearance: 'SECRET', caveats: ['KESTREL'], purpose: 't' });
    expect(await store.getEntity(secret, 'op1')).toBeUndefined();
    expect((await store.getEntity(briefed, 'op1'))?.caption).toBe('Kestrel Source');
  });
});
