// Issue 6, done when "a demo user without SECRET clearance sees the demo's SECRET statements nowhere" (SECURITY.md
// R8). The fictional demo `npm start` loads (`nexus demo --no-real`, run in-process by the local operator) holds an
// OFFICIAL-SENSITIVE case strand and a SECRET state-linked strand (dataset demo_kestrel_secret). Every value of a
// SECRET statement that no statement visible at OFFICIAL-SENSITIVE also holds, and every SECRET entity id, is a
// "secret-only" string. A demo-like analyst cleared OFFICIAL with the SENSITIVE caveat walks every API route and
// every CLI command (./walk.ts, as test/security/need-to-know.test.ts does) with parameters aimed at the secret
// strand, and no answer (status, headers, body; exit code and output) holds a secret-only string more often than
// the same request answers over a twin store that never held the strand (a search for a secret name may echo the
// name it was asked). The control: the same walk as a SECRET analyst, the demo user `npm start` creates, finds
// every one of them.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperator, makeContext } from '../../src/access/index.js';
import { hashPassword } from '../../src/access/passwords.js';
import { commands, main } from '../../src/cli/main.js';
import { buildScenario } from '../../src/demo/scenario.js';
import type { Entity } from '../../src/model/index.js';
import { SqliteStore } from '../../src/store/index.js';
import {
  apiCases,
  apiWalk,
  captureIo,
  cliCases,
  cliWalk,
  documentedOperations,
  type Exchange,
  type MatchQuery,
  normalise,
} from './walk.js';

const op = localOperator('tester', 'demo need-to-know setup');

/** The demo user were it not cleared SECRET: OFFICIAL-SENSITIVE, an analyst. */
const OS = {
  name: 'demo-os',
  password: 'demo-os-need-to-know-pw-1',
  clearance: 'OFFICIAL',
  caveats: ['SENSITIVE'],
};
/** The demo user as `npm start` creates it (scripts/start.js): SECRET with the SENSITIVE caveat, an analyst. */
const SECRET = {
  name: 'demo-secret',
  password: 'demo-secret-need-to-know-pw',
  clearance: 'SECRET',
  caveats: ['SENSITIVE'],
};

const CASE = 'demo_kestrel';
const STRAND = 'demo_kestrel_secret';
// Entities the scenario names (src/demo/scenario.ts): the principal, his shell company, a street dealer, the
// fronts of the business, his accountant and wallet; and the state-linked strand's handler, front and source report.
const BOSS = 'demo-person-1';
const SHELL = 'demo-co-shell';
const DEALER = 'demo-person-3';
const CARWASH = 'demo-co-carwash';
const HAULAGE = 'demo-co-haulage';
const ACCOUNTANT = 'demo-person-accountant';
const WALLET = 'demo-wallet-1';
const HANDLER = 'demo-person-handler';
const FRONT = 'demo-co-front';
const CONTACT = 'demo-secret-contact-1';

// ---- the stores -----------------------------------------------------------------------------------------------------

const root = mkdtempSync(join(tmpdir(), 'nexus-demo-need-to-know-'));

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

async function nexus(args: string[]): Promise<string> {
  const out = { text: '' };
  const code = await main(args, { NEXUS_DATA_DIR: join(root, 'no-data') }, captureIo(out));
  expect(code, `nexus ${args.join(' ')}:\n${out.text}`).toBe(0);
  return out.text;
}

async function withStore<T>(home: string, fn: (store: SqliteStore) => Promise<T>): Promise<T> {
  const store = new SqliteStore({ path: join(home, 'nexus.db') });
  const m = await store.migrate();
  if (m.error) throw m.error;
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function scan(store: SqliteStore, clearance: string): Promise<Entity[]> {
  const ctx = makeContext({
    user: 'tester',
    clearance,
    caveats: ['SENSITIVE'],
    purpose: 'demo need-to-know',
  });
  const out: Entity[] = [];
  for await (const batch of store.scanEntities(ctx)) out.push(...batch);
  return out;
}

let hashes: { os: string; secret: string } | undefined;

async function addUsers(home: string): Promise<void> {
  hashes ??= { os: await hashPassword(OS.password), secret: await hashPassword(SECRET.password) };
  const { os, secret } = hashes;
  await withStore(home, async (store) => {
    for (const [u, passwordHash] of [
      [OS, os],
      [SECRET, secret],
    ] as const)
      await store.putUser(op, {
        name: u.name,
        role: 'analyst',
        clearance: u.clearance,
        caveats: u.caveats,
        passwordHash,
      });
  });
}

/** What is secret-only, and which visible entities the secret strand touches. */
interface Secrets {
  /** Secret-only strings as searched for: quotes around a value dropped, at least three characters. */
  strings: string[];
  /** Secret-only values too short to search for as text (country codes the requests themselves name). */
  short: string[];
  /** Entities with SECRET statements. */
  ids: string[];
  /** Visible entities a SECRET statement names. */
  adjacent: string[];
  /** Names (and aliases) of SECRET statements, with their entity's schema. */
  names: { schema: string; name: string }[];
}

function secretsOf(all: Entity[], visible: Entity[]): Secrets {
  const visibleValues = new Set(visible.flatMap((e) => e.statements.map((s) => s.value.toLowerCase())));
  const visibleIds = new Set(visible.map((e) => e.id));
  const secret = all.flatMap((e) => e.statements.filter((s) => s.marking.startsWith('SECRET')));
  const ids = [...new Set(secret.map((s) => s.entityId))];
  const only = new Set<string>(ids);
  for (const s of secret) if (!visibleValues.has(s.value.toLowerCase())) only.add(s.value);
  const needles = [...only].map((v) => v.replace(/^"(.*)"$/, '$1'));
  return {
    strings: needles.filter((v) => v.length >= 3).sort(),
    short: needles.filter((v) => v.length < 3).sort(),
    ids: ids.sort(),
    adjacent: [
      ...new Set(
        secret.filter((s) => s.propType === 'entity' && visibleIds.has(s.value)).map((s) => s.value),
      ),
    ].sort(),
    names: secret
      .filter((s) => s.propType === 'name')
      .map((s) => ({ schema: s.schema, name: s.value.replace(/^"(.*)"$/, '$1') })),
  };
}

// ---- finding secret-only strings ------------------------------------------------------------------------------------

/** Undoes the escaping of JSON, XML and HTML, so a value is found however an answer encodes it. */
function decoded(text: string): string {
  return text
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    .replace(/\\(["\\/])/g, '$1')
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function safeDecodeUri(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How often each string occurs in the text, as a whole word (no letter or digit either side), any case. */
function counter(strings: readonly string[]): (text: string) => Map<string, number> {
  const patterns = strings.map(
    (s) => [s, new RegExp(`(?<![\\p{L}\\p{N}_.])${escapeRegExp(s)}(?![\\p{L}\\p{N}_])`, 'giu')] as const,
  );
  return (text) => {
    const plain = decoded(text);
    const out = new Map<string, number>();
    for (const [s, re] of patterns) {
      const n = plain.match(re)?.length ?? 0;
      if (n > 0) out.set(s, n);
    }
    return out;
  };
}

interface Finding {
  label: string;
  string: string;
  count: number;
  twin: number;
}

/**
 * Secret-only strings in a walk beyond what the twin's answer to the same request holds. From `trustedUntil` on the
 * twin holds the strand too (its own `nexus demo` run, by the walker, has loaded it at SECRET): there it only vouches
 * for an echo of a string the request itself names, and any other occurrence counts.
 */
function beyondTwin(
  walk: Exchange[],
  twin: Exchange[],
  count: (text: string) => Map<string, number>,
  trustedUntil = walk.length,
): Finding[] {
  expect(walk.map((e) => e.label.split(' <- ')[0])).toEqual(twin.map((e) => e.label.split(' <- ')[0]));
  const out: Finding[] = [];
  walk.forEach((e, i) => {
    const t = count((twin[i] as Exchange).text);
    const label = decoded(safeDecodeUri(e.label)).toLowerCase();
    for (const [string, n] of count(e.text)) {
      const allowed = i < trustedUntil || label.includes(string.toLowerCase()) ? (t.get(string) ?? 0) : 0;
      if (n > allowed) out.push({ label: e.label, string, count: n, twin: allowed });
    }
  });
  return out;
}

function report(findings: Finding[], paths: readonly string[]): string {
  return findings
    .map((f) => `${normalise(f.label, paths)}: "${f.string}" ${f.count}x (twin ${f.twin}x)`)
    .join('\n');
}

/** The routes or commands whose answers held the findings. */
function revealing(findings: Finding[]): Set<string> {
  return new Set(findings.map((f) => f.label.split(' <- ')[0] as string));
}

// ---- the walks' parameters ------------------------------------------------------------------------------------------

/** Visible entity pairs whose paths the secret strand would shorten, and pairs from the strand itself. */
const PATHS: [string, string][] = [
  [BOSS, SHELL],
  [SHELL, BOSS],
  [BOSS, DEALER],
  [CARWASH, BOSS],
  [SHELL, WALLET],
  [ACCOUNTANT, BOSS],
  [HAULAGE, DEALER],
  [HANDLER, DEALER],
  [BOSS, HANDLER],
  [FRONT, SHELL],
];

function uploadBody(bossPhone: string): string {
  return [
    { id: 'upl-1', schema: 'Person', properties: { name: ['Nadia Orrin'], phone: [bossPhone] } },
    { id: 'upl-2', schema: 'Ownership', properties: { owner: ['upl-1'], asset: [SHELL], percentage: ['5'] } },
  ]
    .map((e) => JSON.stringify(e))
    .join('\n');
}

function matchQueries(s: Secrets, boss: MatchQuery): Record<string, MatchQuery> {
  // Each secret name as it is, and a person's with the principal's birth date too (the source report's contact).
  const queries: Record<string, MatchQuery> = { boss };
  s.names.forEach(({ schema, name }, i) => {
    queries[`secret-${i}`] = { schema, properties: { name: [name] } };
    if (schema === 'Person')
      queries[`secret-${i}-born`] = {
        schema,
        properties: { name: [name], birthDate: boss.properties.birthDate ?? [] },
      };
  });
  return queries;
}

interface Plans {
  api: Parameters<typeof apiCases>[0];
  cli: Parameters<typeof cliCases>[0];
}

function plans(s: Secrets, boss: MatchQuery, bossPhone: string, login: typeof OS, files: string): Plans {
  const searches = [
    ...s.names.map((n) => n.name),
    'Veselov',
    'Arkady',
    'Uncle Sasha',
    'Volga',
    'Darren',
    'Haddow',
    'Kestrel',
  ];
  const pages = [...new Set([...s.adjacent, BOSS, SHELL, DEALER, CARWASH, WALLET, ACCOUNTANT, ...s.ids])];
  const near = [...new Set([...s.adjacent, CARWASH, WALLET, ACCOUNTANT])];
  const queries = matchQueries(s, boss);
  const matchFile = join(files, 'queries.jsonl');
  const pairsFile = join(files, 'pairs.csv');
  const uploadFile = join(files, 'upload.ftm.jsonl');
  mkdirSync(files, { recursive: true });
  writeFileSync(
    matchFile,
    `${Object.entries(queries)
      .map(([id, q]) => JSON.stringify({ id, ...q }))
      .join('\n')}\n`,
  );
  writeFileSync(pairsFile, 'schema,name1,name2\nPerson,Darren Haddow,Darren Hadow\nCompany,Volga,Kestrel\n');
  writeFileSync(uploadFile, `${uploadBody(bossPhone)}\n`);
  return {
    api: {
      login: { name: login.name, password: login.password },
      matchDatasets: ['default', CASE, STRAND],
      matchQueries: queries,
      paths: PATHS,
      pathQueries: [
        `from=${BOSS}&to=${SHELL}&weighted=true&direction=out`,
        `from=${BOSS},${SHELL}&to=${DEALER},${CARWASH}&time_ordered=true`,
        `from=${SHELL}&to=${BOSS}&dataset=${STRAND}`,
      ],
      expandIds: [...near, HANDLER],
      expandQueries: [`id=${BOSS},${SHELL}&depth=4`, `id=${BOSS}&dataset=${STRAND}`, `id=${CONTACT}`],
      exposureStates: ['ru', 'cn', 'kp', 'ir'],
      exposureQueries: [
        'state=ru&proxies=true&limit=50&max_hops=6',
        `from=${BOSS}&max_hops=6`,
        `from=${SHELL}`,
        `from=${HANDLER}`,
        `state=ru&dataset=${CASE}`,
      ],
      centralityQueries: [
        `dataset=${CASE}`,
        `dataset=${STRAND}`,
        `metric=brokers&dataset=${CASE}&limit=1000`,
      ],
      communitiesQueries: ['', `dataset=${CASE}&seed=7`],
      campaignsQueries: ['', `dataset=${CASE}`],
      exportDatasets: [CASE, STRAND],
      searches,
      facets: [
        'topic=role.spy',
        'topic=gov.security',
        'topic=sanction.linked',
        'topic=crime.boss',
        'country=ru',
        'country=ae',
        'country=gb',
        `dataset=${STRAND}`,
        `dataset=${CASE}`,
        'schema=Person',
        'schema=Company',
        'schema=Payment',
        'schema=UnknownLink',
      ],
      searchQueries: [
        'q=Darren&limit=100',
        `q=Veselov&dataset=${STRAND}`,
        'limit=100',
        'limit=100&offset=100',
      ],
      entityIds: pages,
      deleteIds: [BOSS, HANDLER],
      auditQueries: ['', `user=${SECRET.name}&limit=10`],
      entityMatchIds: [BOSS, SHELL, DEALER, CONTACT, HANDLER, FRONT],
      entityMatchQueries: [
        [BOSS, 'threshold=0.1'],
        [BOSS, `dataset=${STRAND}`],
        [BOSS, `include_dataset=${STRAND}&threshold=0.1`],
        [SHELL, 'threshold=0.1'],
      ],
      upload: {
        body: uploadBody(bossPhone),
        after: [`/api/entities/${SHELL}`, '/api/search?q=Orrin', `/graph/paths?from=upl-1&to=${BOSS}&k=3`],
      },
      judgements: [
        { a: BOSS, b: CONTACT, judgement: 'match', reason: 'walk' },
        { a: BOSS, b: SHELL, judgement: 'unsure' },
      ],
    },
    cli: {
      uploadFile,
      searches,
      searchArgs: [
        ['Darren'],
        ['Darren', '--dataset', STRAND],
        ['Volga', '--schema', 'Company'],
        ['Veselov', '--limit', '50'],
      ],
      entityIds: pages,
      listFilters: [
        ['--topic', 'role.spy'],
        ['--topic', 'gov.security'],
        ['--topic', 'sanction.linked'],
        ['--country', 'ru'],
        ['--country', 'ae'],
        ['--dataset', STRAND],
        ['--dataset', CASE],
        ['--schema', 'UnknownLink'],
        ['--schema', 'Payment'],
      ],
      ftmExports: [CASE, STRAND],
      graphExports: [STRAND],
      fileExport: CASE,
      matchFile,
      matchArgs: [
        ['--dataset', CASE, '--threshold', '0.1'],
        ['--dataset', STRAND],
      ],
      pairsFile,
      xref: [
        [CASE, '--json'],
        [STRAND, '--json'],
        [CASE, '--threshold', '0.3'],
      ],
      judge: [
        [BOSS, CONTACT, 'match', '--reason', 'walk', '--json'],
        [BOSS, SHELL, 'unsure'],
      ],
      paths: PATHS,
      expand: [
        [...near, '--depth', '2', '--json'],
        [BOSS, '--depth', '3'],
        [HANDLER, '--json'],
      ],
      exposureStates: ['ru', 'kp'],
      exposureArgs: [
        ['--state', 'ru', '--proxies', '--limit', '50', '--json'],
        ['--state', 'ru', '--from', BOSS, '--json'],
        ['--state', 'ru', '--dataset', CASE],
      ],
      // Asked after `nexus demo` has loaded the strand into the twin too (see beyondTwin): no secret-only string in them.
      serve: [
        '/api/stats',
        '/api/search?q=Darren',
        '/api/search?q=Veselov',
        '/api/search?topic=crime.boss',
        `/api/entities/${BOSS}`,
        `/graph/expand?id=${BOSS}&depth=2`,
        '/graph/exposure?state=ru',
        '/graph/export?format=gexf',
      ],
      erase: [
        [HANDLER, '--reason', 'demo need-to-know walk'],
        [WALLET, '--reason', 'demo need-to-know walk', '--json'],
      ],
      tokenUser: SECRET.name,
    },
  };
}

// ---- the test -------------------------------------------------------------------------------------------------------

describe('issue 6: a demo user without SECRET clearance sees the demo’s SECRET statements nowhere', () => {
  const base = join(root, 'base');
  const twin = join(root, 'twin');
  let secrets: Secrets;
  let count: (text: string) => Map<string, number>;
  let plan: { os: Plans; secret: Plans };

  /** A copy of a built home for one walk, which may change it (uploads, erasures). */
  function copyOf(home: string, name: string): { dir: string; home: string } {
    const dir = join(root, name);
    cpSync(home, join(dir, 'home'), { recursive: true });
    return { dir, home: join(dir, 'home') };
  }

  async function walkApiAs(home: string, name: string, p: Plans): Promise<Exchange[]> {
    const { dir, home: copy } = copyOf(home, name);
    return withStore(copy, (store) => apiWalk(store, join(dir, 'uploads'), apiCases(p.api), p.api.login));
  }

  async function walkCliAs(home: string, name: string, p: Plans, who: typeof OS): Promise<Exchange[]> {
    const { dir, home: copy } = copyOf(home, name);
    return cliWalk(copy, dir, cliCases(p.cli), { clearance: who.clearance, caveats: who.caveats });
  }

  beforeAll(async () => {
    // As `npm start` does: `nexus demo` (here without the real datasets) by the local operator, then the users.
    await nexus(['--home', base, 'demo', '--no-real', '--json']);
    await addUsers(base);
    // The twin: the case strand alone, loaded as `nexus demo` loads it, and indexed for matching.
    const scenario = buildScenario();
    mkdirSync(twin, { recursive: true });
    const file = join(twin, 'kestrel-case.ftm.jsonl');
    writeFileSync(file, `${scenario.open.map((e) => JSON.stringify(e)).join('\n')}\n`);
    await nexus([
      '--home',
      twin,
      'ingest',
      '--dataset',
      CASE,
      '--format',
      'ftm',
      '--marking',
      'OFFICIAL-SENSITIVE',
      '--grading',
      '1BP',
      file,
    ]);
    await nexus(['--home', twin, 'index']);
    await addUsers(twin);
    const [all, visible] = await withStore(base, async (store) => [
      await scan(store, 'SECRET'),
      await scan(store, 'OFFICIAL'),
    ]);
    secrets = secretsOf(all, visible);
    count = counter(secrets.strings);
    const bossEntity = visible.find((e) => e.id === BOSS);
    const prop = (name: string) =>
      bossEntity?.statements.filter((s) => s.prop === name).map((s) => s.value) ?? [];
    const boss: MatchQuery = {
      schema: 'Person',
      properties: { name: prop('name'), birthDate: prop('birthDate') },
    };
    const phone = prop('phone')[0] ?? '';
    plan = {
      os: plans(secrets, boss, phone, OS, join(root, 'files-os')),
      secret: plans(secrets, boss, phone, SECRET, join(root, 'files-secret')),
    };
  });

  it('knows many secret-only strings, the strand’s names and the visible entities it touches', () => {
    expect(secrets.strings.length, secrets.strings.join('\n')).toBeGreaterThan(20);
    expect(secrets.ids).toEqual([...new Set(buildScenario().secret.map((e) => e.id))].sort());
    expect(secrets.strings).toEqual(
      expect.arrayContaining([...secrets.ids, 'Arkady Veselov', 'Uncle Sasha']),
    );
    expect(secrets.names.length).toBeGreaterThanOrEqual(4);
    expect(secrets.adjacent).toEqual(expect.arrayContaining([BOSS, SHELL]));
    // The short ones are country codes, which requests name themselves (`exposure --state ru`).
    expect(secrets.short).toEqual(['ae', 'ru']);
  });

  describe('the API', () => {
    const walks: Record<'os' | 'twin' | 'secret', Exchange[]> = { os: [], twin: [], secret: [] };

    beforeAll(async () => {
      walks.os = await walkApiAs(base, 'api-os', plan.os);
      walks.twin = await walkApiAs(twin, 'api-twin', plan.os);
      walks.secret = await walkApiAs(base, 'api-secret', plan.secret);
    });

    it('walks every documented route', () => {
      const walked = new Set(walks.os.map((e) => e.label.split(' <- ')[0]));
      expect([...walked].sort()).toEqual(documentedOperations().sort());
      expect(walks.os.length).toBeGreaterThan(120);
    });

    it('shows an OFFICIAL-SENSITIVE analyst no secret-only string in any body or header', () => {
      const found = beyondTwin(walks.os, walks.twin, count);
      expect(found, report(found, [root])).toEqual([]);
    });

    it('shows a SECRET analyst every one of them (the walk would see a leak)', () => {
      const findings = beyondTwin(walks.secret, walks.twin, count);
      const found = new Set(findings.map((f) => f.string));
      expect(secrets.strings.filter((s) => !found.has(s))).toEqual([]);
      // And through every kind of question the walk asks of the strand, not only its entity pages.
      expect([...revealing(findings)].sort()).toEqual(
        expect.arrayContaining([
          'GET /api/entities/{id}',
          'GET /api/entities/{id}/match',
          'GET /api/search',
          'GET /api/xref/next',
          'GET /graph/expand',
          'GET /graph/export',
          'GET /graph/exposure',
          'GET /graph/paths',
          'POST /match/{dataset}',
        ]),
      );
    });
  });

  describe('the CLI', () => {
    const walks: Record<'os' | 'twin' | 'secret', Exchange[]> = { os: [], twin: [], secret: [] };
    /** Where the twin's own `nexus demo` run loads the strand into it. */
    const afterDemo = (w: Exchange[]) => w.findIndex((e) => e.label.startsWith('demo <- ')) + 1;

    beforeAll(async () => {
      walks.os = await walkCliAs(base, 'cli-os', plan.os, OS);
      walks.twin = await walkCliAs(twin, 'cli-twin', plan.os, OS);
      walks.secret = await walkCliAs(base, 'cli-secret', plan.secret, SECRET);
    });

    it('runs every command, the FtM, GraphML and GEXF exports included', () => {
      const walked = new Set(walks.os.map((e) => e.label.split(' <- ')[0]));
      expect([...walked].sort()).toEqual([...commands.keys()].sort());
      for (const format of ['ftm', 'graphml', 'gexf'])
        expect(walks.os.some((e) => e.label.includes(`--format ${format}`))).toBe(true);
      expect(afterDemo(walks.twin)).toBeGreaterThan(0);
    });

    it('prints an OFFICIAL-SENSITIVE user no secret-only string on stdout, stderr or in files', () => {
      const found = beyondTwin(walks.os, walks.twin, count, afterDemo(walks.twin));
      expect(found, report(found, [root])).toEqual([]);
    });

    it('prints a SECRET user every one of them (the walk would see a leak)', () => {
      const findings = beyondTwin(walks.secret, walks.twin, count, afterDemo(walks.twin));
      const found = new Set(findings.map((f) => f.string));
      expect(secrets.strings.filter((s) => !found.has(s))).toEqual([]);
      expect([...revealing(findings)].sort()).toEqual(
        expect.arrayContaining([
          'entity',
          'expand',
          'export',
          'exposure',
          'list',
          'match',
          'paths',
          'review',
          'search',
          'serve',
        ]),
      );
    });

    // LEAK (open, no string): `nexus demo` run again by an OFFICIAL-SENSITIVE user writes the strand's file up to
    // SECRET and reports it all "duplicates" (and its match index 0 entities updated), where over a store without the
    // strand the same run reports 7 new entities: the user learns the SECRET strand is already held. The root cause
    // is the one need-to-know.test.ts pins in "an OFFICIAL upload tells nothing of hidden values or hidden entity
    // ids" (statements are content-addressed without their marking; src/ingest and src/store): not a small change.
    it.fails('`nexus demo` rerun by an OFFICIAL-SENSITIVE user says nothing of the SECRET strand already held', () => {
      const summary = (w: Exchange[]) => {
        const e = w.find((x) => x.label.startsWith('demo <- ')) as Exchange;
        const out = JSON.parse(e.text.slice(e.text.indexOf('{'))) as {
          results: { dataset: string; summary?: Record<string, unknown> }[];
          index: Record<string, unknown>;
        };
        const strand = out.results.find((r) => r.dataset === STRAND)?.summary ?? {};
        return {
          accepted: strand.accepted,
          duplicates: strand.duplicates,
          entities: strand.entities,
          statements: strand.statements,
          indexed: out.index.entities,
        };
      };
      expect(summary(walks.os)).toEqual(summary(walks.twin));
    });
  });
});
