// SECURITY.md R8 and R9, need to know: an OFFICIAL analyst walks every API route (enumerated from the OpenAPI
// document) and every CLI command (enumerated from the command table) over a store holding SECRET, OFFICIAL-SENSITIVE
// and UK EYES ONLY statements with canary strings, and finds no canary byte in any body, header or output; each answer
// also equals the answer of a twin store that never held the hidden statements (counts, facets, graph edges). Hidden
// ids and datasets answer like ones that do not exist, and a seeded property test checks the store's visibility rule
// itself. NEXUS_PROPERTY_RUNS sets the property cases (default 300). The walking machinery is in ./walk.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canSee, localOperator, makeContext } from '../../src/access/index.js';
import { hashPassword } from '../../src/access/passwords.js';
import { commands } from '../../src/cli/main.js';
import { newEntity, type SourceRecord } from '../../src/ingest/reader.js';
import { validateRecord } from '../../src/ingest/validate.js';
import { formatMarking, parseMarking, Random, type Statement } from '../../src/model/index.js';
import { updateMatchIndex, xref } from '../../src/resolve/index.js';
import { type RecordStatements, SqliteStore } from '../../src/store/index.js';
import {
  ApiWalker,
  type App,
  apiCases,
  bearer,
  cliCases,
  documentedOperations,
  type Exchange,
  firstDifference,
  isAudit,
  normalise,
  parameterNames,
  waitForJob,
  apiWalk as walkApi,
  cliWalk as walkCli,
  walkerFor,
} from './walk.js';

const op = localOperator('tester', 'need-to-know setup');
/** One clock for both stores, so dataset and suggestion times agree between the store and its twin. */
const CLOCK = new Date('2026-01-02T00:00:00Z');
const NOW = '2026-01-01T00:00:00';
const PASSWORD = {
  olive: 'olive-need-to-know-pw-01',
  sam: 'sam-need-to-know-pw-0002',
  rita: 'rita-need-to-know-pw-003',
  ada: 'ada-need-to-know-pw-0004',
};
type UserName = keyof typeof PASSWORD;

// ---- the data -------------------------------------------------------------------------------------------------------

/**
 * Every hidden value carries one of these (compared without case). None occurs in the visible data, the requests'
 * own words aside (a search for a canary echoes it, in the twin's answer too).
 */
const CANARIES = ['qx7', 'kvantrilov', 'draskovina', 'pellumbrik', 'vexmoravian', 'obsidian', 'quintessa'];

const HIDDEN_DATASET = 'qx7vault';
const HIDDEN_PERSON = 'hid-qx7-person';
const HIDDEN_OWNERSHIP = 'hid-qx7-own';

interface Rec {
  id: string;
  schema: string;
  props: Record<string, string[]>;
  dataset: string;
  marking: string;
}

const open = (id: string, schema: string, props: Record<string, string[]>, dataset = 'open'): Rec => ({
  id,
  schema,
  props,
  dataset,
  marking: 'OFFICIAL',
});
const hidden = (
  marking: string,
  id: string,
  schema: string,
  props: Record<string, string[]>,
  dataset = 'open',
): Rec => ({ id, schema, props, dataset, marking });

const VISIBLE: Rec[] = [
  open('p1', 'Person', {
    name: ['Ruslan Belov'],
    birthDate: ['1979-03-02'],
    nationality: ['ru'],
    topics: ['sanction'],
  }),
  open('c1', 'Company', {
    name: ['Severny Trade LLC'],
    jurisdiction: ['ru'],
    registrationNumber: ['1027700000000'],
  }),
  open('o1', 'Ownership', { owner: ['p1'], asset: ['c1'], percentage: ['60'] }),
  open('s1', 'Sanction', { entity: ['p1'], program: ['RUSSIA-EO14024'], authority: ['OFAC'] }),
  open('p2', 'Person', { name: ['Mara Quell'], phone: ['+447700900123'], country: ['gb'] }),
  open('c2', 'Company', { name: ['Blue Harbour Ltd'], country: ['gb'] }),
  open('p3', 'Person', { name: ['Tomas Reyne'], country: ['gb'] }),
  open('d1', 'Directorship', { director: ['p3'], organization: ['c2'], role: ['director'] }),
  open('le1', 'LegalEntity', { name: ['Ostrava Holdings'], parent: ['c1'] }),
  open('ba1', 'BankAccount', { iban: ['GB82WEST12345698765432'], bankName: ['West Bank'] }),
  open('ba2', 'BankAccount', { accountNumber: ['31926819'], bankName: ['North Bank'] }),
  open(
    'l1',
    'Person',
    {
      name: ['Zorbek Kvantrilowa'],
      birthDate: ['1979-03-02'],
      nationality: ['ru'],
      topics: ['sanction'],
    },
    'lists',
  ),
];

const HIDDEN: Rec[] = [
  // On visible entities: an alias (which a list entry matches), facet values, a note; a phone, a registration number
  // and an IBAN that visible entities hold too (each would make a graph edge); a schema that refines a visible one.
  hidden('SECRET', 'p1', 'Person', {
    alias: ['Zorbek Kvantrilov'],
    topics: ['crime.terror'],
    country: ['kp'],
    notes: ['qx7 handler meets him monthly'],
  }),
  hidden('SECRET', 'c2', 'Company', { phone: ['+447700900123'] }),
  hidden('SECRET', 'p3', 'Person', { registrationNumber: ['1027700000000'] }),
  hidden('SECRET', 'ba2', 'BankAccount', { iban: ['GB82WEST12345698765432'] }),
  hidden('SECRET', 'le1', 'Company', { registrationNumber: ['QX7REG0042'] }),
  hidden('SECRET', 'hid-qx7-own2', 'Ownership', { owner: ['p2'], asset: ['c2'], percentage: ['49'] }),
  hidden('OFFICIAL-SENSITIVE', 'c1', 'Company', { alias: ['Draskovina Shipping'], topics: ['crime.fin'] }),
  hidden('OFFICIAL UK EYES ONLY', 'p2', 'Person', { alias: ['Pellumbrik Quell'], country: ['ir'] }),
  // A wholly hidden entity tied to visible ones, in a hidden dataset, and a hidden sanction on a visible person.
  hidden(
    'SECRET',
    HIDDEN_PERSON,
    'Person',
    { name: ['Ilsa Vexmoravian'], nationality: ['kp'], topics: ['role.spy'], phone: ['+850 2 381 0001'] },
    HIDDEN_DATASET,
  ),
  hidden(
    'SECRET',
    HIDDEN_OWNERSHIP,
    'Ownership',
    { owner: [HIDDEN_PERSON], asset: ['c1'], percentage: ['51'] },
    HIDDEN_DATASET,
  ),
  hidden(
    'SECRET',
    'hid-qx7-dir',
    'Directorship',
    { director: [HIDDEN_PERSON], organization: ['c2'] },
    HIDDEN_DATASET,
  ),
  hidden(
    'SECRET',
    'hid-qx7-link',
    'UnknownLink',
    { subject: [HIDDEN_PERSON], object: ['p1'] },
    HIDDEN_DATASET,
  ),
  hidden(
    'SECRET',
    'hid-qx7-sanction',
    'Sanction',
    { entity: ['p2'], program: ['QX7-OBSIDIAN'], authority: ['Quintessa Authority'] },
    HIDDEN_DATASET,
  ),
  hidden('SECRET', 'p3', 'Person', { topics: ['role.pep'] }, HIDDEN_DATASET),
];

const DATASETS = [
  { name: 'open', title: 'Open case file', fictional: true },
  { name: 'lists', title: 'Public list', fictional: false },
];
const HIDDEN_DATASETS = [{ name: HIDDEN_DATASET, title: 'Quintessa Obsidian Vault', fictional: true }];

const VISIBLE_IDS = ['p1', 'c1', 'o1', 's1', 'p2', 'c2', 'p3', 'd1', 'le1', 'ba1', 'ba2', 'l1'];
const HIDDEN_IDS = [
  HIDDEN_PERSON,
  HIDDEN_OWNERSHIP,
  'hid-qx7-own2',
  'hid-qx7-dir',
  'hid-qx7-link',
  'hid-qx7-sanction',
];

function recordOf(r: Rec, line: number, now = NOW): RecordStatements {
  const e = newEntity(r.id, r.schema);
  for (const [k, v] of Object.entries(r.props)) e.properties.set(k, v);
  const source: SourceRecord = {
    kind: 'record',
    origin: { file: `${r.dataset}.jsonl`, line },
    entities: [e],
  };
  const v = validateRecord(source, {
    dataset: r.dataset,
    marking: formatMarking(parseMarking(r.marking)),
    grading: '2BP',
    now,
  });
  if (v.rejects.length) throw new Error(JSON.stringify(v.rejects));
  return { groups: v.groups };
}

let passwordHashes: Record<UserName, string> | undefined;

/**
 * The store in `dir`/nexus.db: the visible records, then (unless `twin`) the hidden ones, the match index and one
 * cross-reference run by the local operator (as `npm start` does), and users: olive, the OFFICIAL analyst who walks;
 * sam, an analyst cleared SECRET with the SENSITIVE and UK EYES ONLY caveats; rita (reviewer) and ada (admin), both
 * OFFICIAL, for the routes an analyst may not use.
 */
async function buildStore(dir: string, twin: boolean): Promise<SqliteStore> {
  const store = new SqliteStore({ path: join(dir, 'nexus.db'), clock: () => CLOCK });
  const m = await store.migrate();
  if (m.error) throw m.error;
  const records = twin ? VISIBLE : [...VISIBLE, ...HIDDEN];
  let line = 0;
  for (const r of records)
    await store.putStatements(op, { dataset: r.dataset, records: [recordOf(r, ++line)] });
  for (const d of twin ? DATASETS : [...DATASETS, ...HIDDEN_DATASETS]) await store.upsertDataset(op, d);
  await updateMatchIndex(op, store);
  await xref(op, store, { dataset: 'lists' });
  if (!passwordHashes) {
    const hashes: Partial<Record<UserName, string>> = {};
    for (const name of Object.keys(PASSWORD) as UserName[]) hashes[name] = await hashPassword(PASSWORD[name]);
    passwordHashes = hashes as Record<UserName, string>;
  }
  const users = [
    { name: 'olive', role: 'analyst', clearance: 'OFFICIAL', caveats: [] },
    { name: 'sam', role: 'analyst', clearance: 'SECRET', caveats: ['SENSITIVE', 'UK EYES ONLY'] },
    { name: 'rita', role: 'reviewer', clearance: 'OFFICIAL', caveats: [] },
    { name: 'ada', role: 'admin', clearance: 'OFFICIAL', caveats: [] },
  ] as const;
  for (const u of users) await store.putUser(op, { ...u, passwordHash: passwordHashes[u.name] });
  return store;
}

/** A temp folder holding a built store; the store is closed again (the CLI opens its own). */
async function buildHome(root: string, name: string, twin: boolean): Promise<string> {
  const home = join(root, name);
  mkdirSync(home, { recursive: true });
  const store = await buildStore(home, twin);
  await store.close();
  return home;
}

// ---- comparing answers ------------------------------------------------------------------------------------------------

function canaryCounts(text: string): Record<string, number> {
  const lower = text.toLowerCase();
  const out: Record<string, number> = {};
  for (const c of CANARIES) {
    const n = lower.split(c).length - 1;
    if (n > 0) out[c] = n;
  }
  return out;
}

interface Difference {
  label: string;
  problem: string;
}

/**
 * Checks one walk against its twin: the same sequence of requests; no canary in any answer beyond what the twin's
 * answer to the same request holds (a search for a canary may echo it); and equal answers once normalised. Exchanges
 * `exempt` picks are left out (a known leak with its own test).
 */
function compareWalks(
  full: Exchange[],
  twin: Exchange[],
  paths: { full: string[]; twin: string[] },
  exempt: (label: string) => boolean = () => false,
): Difference[] {
  const problems: Difference[] = [];
  expect(full.map((e) => normalise(e.label, paths.full))).toEqual(
    twin.map((e) => normalise(e.label, paths.twin)),
  );
  full.forEach((f, i) => {
    const t = twin[i] as Exchange;
    if (exempt(f.label)) return;
    const fc = canaryCounts(f.text);
    const tc = canaryCounts(t.text);
    if (JSON.stringify(fc) !== JSON.stringify(tc))
      problems.push({
        label: f.label,
        problem: `canary bytes ${JSON.stringify(fc)} (twin: ${JSON.stringify(tc)})`,
      });
    {
      const a = withoutSearchScores(f.label, normalise(f.text, paths.full));
      const b = withoutSearchScores(t.label, normalise(t.text, paths.twin));
      if (a !== b)
        problems.push({ label: f.label, problem: `differs from the twin:\n${firstDifference(a, b)}` });
    }
  });
  return problems;
}

/**
 * Name search ranks by SQLite FTS5's bm25, whose term statistics count every indexed name, hidden ones too: the
 * scores (not the hits) differ from the twin's. A known trace, pinned by its own test below; the walk ignores them.
 */
function withoutSearchScores(label: string, text: string): string {
  if (!/<- (GET \/api\/search|nexus search)/.test(label)) return text;
  return text.replace(/"score":\s*-?[0-9.e+-]+/g, '"score":0').replace(/^ *-?\d+\.\d\d {2}/gm, '<score>  ');
}

function report(problems: Difference[]): string {
  return problems.map((p) => `${p.label}: ${p.problem}`).join('\n\n');
}

// ---- the API walk ---------------------------------------------------------------------------------------------------

const bearerFor = (app: App, name: UserName) => bearer(app, name, PASSWORD[name]);

const SEARCHES = [
  'Kvantrilov',
  'Zorbek',
  'Belov',
  'Vexmoravian',
  'Draskovina',
  'Pellumbrik',
  'Ostrava',
  'Quell',
  'Reyne',
  'Quintessa',
];
const FACETS = [
  'topic=crime.terror',
  'topic=role.spy',
  'topic=crime.fin',
  'topic=role.pep',
  'topic=sanction',
  'country=kp',
  'country=ir',
  'country=gb',
  `dataset=${HIDDEN_DATASET}`,
  'dataset=open',
  'schema=Company',
  'schema=LegalEntity',
  'schema=Person',
];
const PATHS: [string, string][] = [
  ['p2', 'c2'],
  ['p1', 'c1'],
  ['p3', 'c1'],
  ['c1', 'c2'],
  ['p1', 'p2'],
  ['ba1', 'ba2'],
  ['p1', 'l1'],
  ['p1', HIDDEN_PERSON],
];
const MATCH_QUERIES = {
  alias: { schema: 'Person', properties: { name: ['Zorbek Kvantrilov'] } },
  listed: { schema: 'Person', properties: { name: ['Zorbek Kvantrilowa'], birthDate: ['1979-03-02'] } },
  subject: { schema: 'Person', properties: { name: ['Ruslan Belov'], birthDate: ['1979-03-02'] } },
  hidden: { schema: 'Person', properties: { name: ['Ilsa Vexmoravian'], nationality: ['kp'] } },
  company: {
    schema: 'Company',
    properties: { name: ['Severny Trade'], registrationNumber: ['1027700000000'] },
  },
  sensitive: { schema: 'Company', properties: { name: ['Draskovina Shipping'] } },
  phone: { schema: 'Person', properties: { name: ['Mara Quell'], phone: ['+447700900123'] } },
  refined: {
    schema: 'Company',
    properties: { name: ['Ostrava Holdings'], registrationNumber: ['QX7REG0042'] },
  },
};
const UPLOAD = [
  { id: 'upl-1', schema: 'Person', properties: { name: ['Nadia Orrin'], phone: ['+447700900123'] } },
  { id: 'upl-2', schema: 'Ownership', properties: { owner: ['upl-1'], asset: ['c1'], percentage: ['5'] } },
]
  .map((e) => JSON.stringify(e))
  .join('\n');

/** Every documented operation, asked with these parameters (the cases are in ./walk.ts). */
const API_CASES = apiCases({
  login: { name: 'olive', password: PASSWORD.olive },
  matchDatasets: ['default', 'open', 'lists', HIDDEN_DATASET],
  matchQueries: MATCH_QUERIES,
  paths: PATHS,
  pathQueries: ['from=p2&to=c2&weighted=true&direction=out', 'from=p1,p2,p3&to=c1,c2&time_ordered=true'],
  expandIds: [...VISIBLE_IDS, HIDDEN_PERSON],
  expandQueries: ['id=p1,c2&depth=4', `id=c1&dataset=${HIDDEN_DATASET}`],
  exposureStates: ['ru', 'kp', 'ir', 'cn'],
  exposureQueries: ['from=p1&max_hops=6', `from=${HIDDEN_PERSON}`],
  centralityQueries: [`dataset=${HIDDEN_DATASET}`],
  communitiesQueries: ['', 'dataset=open&seed=7'],
  campaignsQueries: ['', 'dataset=open'],
  exportDatasets: ['open', HIDDEN_DATASET],
  searches: SEARCHES,
  facets: FACETS,
  searchQueries: ['q=Belov&topic=sanction&country=ru&limit=100', 'q=a&offset=1&limit=1'],
  entityIds: [...VISIBLE_IDS, ...HIDDEN_IDS],
  deleteIds: ['ba1', 'p1', HIDDEN_PERSON],
  auditQueries: ['', 'user=sam&category=consultation&limit=10'],
  entityMatchIds: ['p1', 'l1', 'p2', 'c1', 'c2', 'le1', 'p3', HIDDEN_PERSON],
  entityMatchQueries: [
    ['p1', 'dataset=lists&threshold=0.1'],
    ['l1', 'dataset=open&threshold=0.1'],
    ['p1', `dataset=${HIDDEN_DATASET}`],
  ],
  upload: {
    body: UPLOAD,
    after: ['/api/entities/c1', '/api/search?q=Orrin', '/graph/paths?from=upl-1&to=c2&k=3'],
  },
  judgements: [
    { a: 'p3', b: 'c1', judgement: 'unsure', reason: 'walk' },
    { a: HIDDEN_PERSON, b: 'p1', judgement: 'no-match' },
  ],
});

const apiWalk = (store: SqliteStore, uploads: string) =>
  walkApi(store, uploads, API_CASES, { name: 'olive', password: PASSWORD.olive });

// ---- the CLI walk ---------------------------------------------------------------------------------------------------

/** Files the CLI cases read, the same for both walks. */
const inputs = mkdtempSync(join(tmpdir(), 'nexus-ntk-inputs-'));
const MATCH_FILE = join(inputs, 'queries.jsonl');
const PAIRS_FILE = join(inputs, 'pairs.csv');
const UPLOAD_FILE = join(inputs, 'cli-upload.ftm.jsonl');
writeFileSync(
  MATCH_FILE,
  `${Object.entries(MATCH_QUERIES)
    .map(([id, q]) => JSON.stringify({ id, ...q }))
    .join('\n')}\n`,
);
writeFileSync(
  PAIRS_FILE,
  'schema,name1,name2\nPerson,Ruslan Belov,Ruslan Belov\nCompany,Blue Harbour Ltd,Severny Trade\n',
);
writeFileSync(UPLOAD_FILE, `${UPLOAD}\n`);

/** Every command of the table, run with these parameters (the cases are in ./walk.ts). */
const CLI_CASES = cliCases({
  uploadFile: UPLOAD_FILE,
  searches: SEARCHES,
  searchArgs: [
    ['Belov'],
    ['Ostrava', '--schema', 'Company'],
    ['Ostrava', '--schema', 'LegalEntity'],
    ['Belov', '--dataset', HIDDEN_DATASET],
    ['Vexmoravian', '--dataset', HIDDEN_DATASET],
  ],
  entityIds: [...VISIBLE_IDS, ...HIDDEN_IDS],
  listFilters: [
    ['--schema', 'Company'],
    ['--schema', 'LegalEntity'],
    ['--topic', 'crime.terror'],
    ['--topic', 'role.spy'],
    ['--topic', 'crime.fin'],
    ['--country', 'kp'],
    ['--country', 'ir'],
    ['--dataset', HIDDEN_DATASET],
    ['--dataset', 'open'],
  ],
  ftmExports: ['open', 'lists', HIDDEN_DATASET],
  graphExports: [HIDDEN_DATASET],
  fileExport: 'open',
  matchFile: MATCH_FILE,
  matchArgs: [
    ['--dataset', 'lists', '--threshold', '0.1'],
    ['--dataset', HIDDEN_DATASET],
  ],
  pairsFile: PAIRS_FILE,
  xref: [
    ['lists', '--json'],
    ['open', '--threshold', '0.3'],
    [HIDDEN_DATASET, '--json'],
  ],
  judge: [
    ['p3', 'c1', 'unsure', '--reason', 'walk', '--json'],
    [HIDDEN_PERSON, 'p1', 'no-match'],
  ],
  paths: PATHS,
  expand: [
    ['p1', 'c1', 'c2', 'p2', 'p3', 'ba2', '--depth', '2', '--json'],
    ['c1', '--depth', '3'],
    [HIDDEN_PERSON, '--json'],
  ],
  exposureStates: ['ru', 'kp', 'ir'],
  exposureArgs: [['--from', 'p1', '--json']],
  serve: [
    '/api/stats',
    '/api/search?q=Kvantrilov',
    '/api/search?topic=crime.terror',
    '/api/entities/p1',
    `/api/entities/${HIDDEN_PERSON}`,
    '/graph/export?format=gexf',
    '/graph/expand?id=c2',
  ],
  erase: [
    [HIDDEN_PERSON, '--reason', 'need-to-know walk'],
    ['ba1', '--reason', 'need-to-know walk', '--json'],
  ],
  tokenUser: 'sam',
});

/** As an OFFICIAL user, in the table's order. */
const cliWalk = (home: string, scratch: string) => walkCli(home, scratch, CLI_CASES);

// ---- R8: the walks --------------------------------------------------------------------------------------------------

const root = mkdtempSync(join(tmpdir(), 'nexus-need-to-know-'));

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(inputs, { recursive: true, force: true });
});

describe('R8 need to know: an OFFICIAL analyst sees no trace of what is above their clearance', () => {
  it('has a walk case for every documented API operation and every CLI command', () => {
    expect(Object.keys(API_CASES).sort()).toEqual(documentedOperations().sort());
    expect(Object.keys(CLI_CASES).sort()).toEqual([...commands.keys()].sort());
  });

  it('holds the canaries where a cleared reader finds them (the walk could see a leak)', async () => {
    const store = await buildStore(join(root, 'control'), false);
    try {
      const { app } = walkerFor(store, join(root, 'control', 'uploads'));
      const sam = await bearerFor(app, 'sam');
      const texts: string[] = [];
      for (const path of [
        '/api/entities/p1',
        '/api/entities/c1',
        '/api/entities/p2',
        `/api/entities/${HIDDEN_PERSON}`,
        '/api/datasets',
        '/api/xref/next',
      ])
        texts.push(await (await app.request(path, { headers: sam })).text());
      const seen = canaryCounts(texts.join('\n'));
      for (const c of CANARIES) expect(seen[c], c).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  describe('the API', () => {
    let full: Exchange[];
    let twin: Exchange[];
    const dirs = { full: join(root, 'api-full'), twin: join(root, 'api-twin') };

    beforeAll(async () => {
      const stores = await Promise.all([buildStore(dirs.full, false), buildStore(dirs.twin, true)]);
      try {
        full = await apiWalk(stores[0], join(dirs.full, 'uploads'));
        twin = await apiWalk(stores[1], join(dirs.twin, 'uploads'));
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    it('walks every route with realistic parameters', () => {
      const walked = new Set(full.map((e) => e.label.split(' <- ')[0]));
      expect([...walked].sort()).toEqual(documentedOperations().sort());
      expect(full.length).toBeGreaterThan(100);
    });

    it('finds no canary in any body or header, and every answer equals the twin store’s', () => {
      const problems = compareWalks(full, twin, { full: [dirs.full], twin: [dirs.twin] });
      expect(problems, report(problems)).toEqual([]);
    });

    it('counts the same as the twin: stats, datasets, search totals and facets', () => {
      const counted = (e: Exchange) =>
        /<- GET \/api\/(stats|datasets|search)/.test(e.label)
          ? [e.label, withoutSearchScores(e.label, normalise(e.text))]
          : [];
      expect(full.flatMap(counted)).toEqual(twin.flatMap(counted));
    });
  });

  describe('the CLI', () => {
    let full: Exchange[];
    let twin: Exchange[];
    const dirs = { full: join(root, 'cli-full'), twin: join(root, 'cli-twin') };

    beforeAll(async () => {
      const homes = await Promise.all([
        buildHome(dirs.full, 'home', false),
        buildHome(dirs.twin, 'home', true),
      ]);
      full = await cliWalk(homes[0] as string, dirs.full);
      twin = await cliWalk(homes[1] as string, dirs.twin);
    });

    it('runs every command, the graph exports included', () => {
      const walked = new Set(full.map((e) => e.label.split(' <- ')[0]));
      expect([...walked].sort()).toEqual([...commands.keys()].sort());
      for (const format of ['ftm', 'graphml', 'gexf'])
        expect(
          full.some(
            (e) => e.label.includes(`export --format ${format}`) || e.label.includes(`--format ${format}`),
          ),
        ).toBe(true);
    });

    it('prints no canary on stdout or stderr, and every output equals the twin store’s', () => {
      const problems = compareWalks(full, twin, { full: [dirs.full], twin: [dirs.twin] }, isAudit);
      expect(problems, report(problems)).toEqual([]);
    });

    // `nexus audit` is for the local operator only (with --clearance it refuses), as the API keeps it to auditors.
    it('`nexus audit` shows an OFFICIAL user nothing of hidden records', () => {
      const problems = compareWalks(full, twin, { full: [dirs.full], twin: [dirs.twin] }, (l) => !isAudit(l));
      expect(problems, report(problems)).toEqual([]);
    });

    it('counts the same as the twin: stats, datasets, list', () => {
      const counted = (e: Exchange) =>
        /<- nexus (stats|datasets|list)/.test(e.label) ? [e.label, normalise(e.text, [])] : [];
      expect(full.flatMap(counted)).toEqual(twin.flatMap(counted));
    });
  });
});

// ---- R9: hidden answers like missing --------------------------------------------------------------------------------

/** Parameters that name an object: a route taking one must answer a hidden one as it answers a missing one. */
const OBJECT_PARAMS = new Set([
  'id',
  'name',
  'dataset',
  'from',
  'to',
  'address',
  'include_dataset',
  'exclude_dataset',
]);

type Kind = 'entity' | 'dataset' | 'job';
interface R9Case {
  kind: Kind;
  /** Who asks, when an analyst may not: a reviewer judges, an admin erases (both OFFICIAL). */
  as?: 'rita' | 'ada';
  run: (w: ApiWalker, value: string) => Promise<unknown>;
}

const json = (w: ApiWalker, method: string, path: string, body: unknown) =>
  w.call(method, path, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** For each documented operation that takes an id or a dataset name: requests naming one object each. */
const R9_CASES: Record<string, R9Case[]> = {
  'POST /match/{dataset}': [
    {
      kind: 'dataset',
      run: (w, v) => json(w, 'POST', `/match/${v}`, { queries: { q: MATCH_QUERIES.subject } }),
    },
    {
      kind: 'dataset',
      run: (w, v) => json(w, 'POST', `/match/default?include_dataset=${v}`, { queries: MATCH_QUERIES }),
    },
    {
      kind: 'dataset',
      run: (w, v) => json(w, 'POST', `/match/default?exclude_dataset=${v}`, { queries: MATCH_QUERIES }),
    },
  ],
  'GET /graph/paths': [
    { kind: 'entity', run: (w, v) => w.get(`/graph/paths?from=${v}&to=p1`) },
    { kind: 'entity', run: (w, v) => w.get(`/graph/paths?from=c1&to=${v}&all=true`) },
    { kind: 'dataset', run: (w, v) => w.get(`/graph/paths?from=p1&to=c1&dataset=${v}`) },
  ],
  'GET /graph/expand': [
    { kind: 'entity', run: (w, v) => w.get(`/graph/expand?id=${v}`) },
    { kind: 'entity', run: (w, v) => w.get(`/graph/expand?id=p1,${v}&depth=2`) },
    { kind: 'dataset', run: (w, v) => w.get(`/graph/expand?id=p1&dataset=${v}`) },
  ],
  'GET /graph/exposure': [
    { kind: 'entity', run: (w, v) => w.get(`/graph/exposure?from=${v}`) },
    { kind: 'dataset', run: (w, v) => w.get(`/graph/exposure?state=kp&dataset=${v}`) },
  ],
  'GET /graph/centrality': [{ kind: 'dataset', run: (w, v) => w.get(`/graph/centrality?dataset=${v}`) }],
  'GET /graph/communities': [{ kind: 'dataset', run: (w, v) => w.get(`/graph/communities?dataset=${v}`) }],
  'GET /graph/campaigns': [{ kind: 'dataset', run: (w, v) => w.get(`/graph/campaigns?dataset=${v}`) }],
  'GET /graph/export': [
    { kind: 'dataset', run: (w, v) => w.get(`/graph/export?format=graphml&dataset=${v}`) },
    { kind: 'dataset', run: (w, v) => w.get(`/graph/export?format=gexf&dataset=${v}`) },
  ],
  'GET /api/datasets/{name}/export': [{ kind: 'dataset', run: (w, v) => w.get(`/api/datasets/${v}/export`) }],
  'GET /trace': [{ kind: 'dataset', run: (w, v) => w.get(`/trace?from=0xabc&dataset=${v}`) }],
  'GET /trace/exposure': [
    { kind: 'dataset', run: (w, v) => w.get(`/trace/exposure?address=0xabc&dataset=${v}`) },
  ],
  'GET /api/search': [
    { kind: 'dataset', run: (w, v) => w.get(`/api/search?dataset=${v}`) },
    { kind: 'dataset', run: (w, v) => w.get(`/api/search?q=Vexmoravian&dataset=${v}`) },
  ],
  'GET /api/entities/{id}': [
    { kind: 'entity', run: (w, v) => w.get(`/api/entities/${v}`) },
    { kind: 'entity', run: (w, v) => w.get(`/api/entities/${v.replace(HIDDEN_PERSON, HIDDEN_OWNERSHIP)}`) },
  ],
  'GET /api/entities/{id}/documents': [
    { kind: 'entity', run: (w, v) => w.get(`/api/entities/${v}/documents`) },
  ],
  'GET /api/documents/search': [
    { kind: 'dataset', run: (w, v) => w.get(`/api/documents/search?q=Vexmoravian&dataset=${v}`) },
  ],
  'DELETE /api/entities/{id}': [
    {
      kind: 'entity',
      run: (w, v) => json(w, 'DELETE', `/api/entities/${v}`, { reason: 'need-to-know walk' }),
    },
    {
      kind: 'entity',
      as: 'ada',
      run: (w, v) => json(w, 'DELETE', `/api/entities/${v}`, { reason: 'need-to-know walk' }),
    },
  ],
  'GET /api/entities/{id}/match': [
    { kind: 'entity', run: (w, v) => w.get(`/api/entities/${v}/match`) },
    { kind: 'dataset', run: (w, v) => w.get(`/api/entities/p1/match?dataset=${v}`) },
    { kind: 'dataset', run: (w, v) => w.get(`/api/entities/p1/match?include_dataset=${v}`) },
  ],
  'POST /api/ingest': [
    {
      kind: 'dataset',
      run: async (w, v) => {
        const res = await w.call('POST', `/api/ingest?dataset=${v}&filename=r9.ftm.jsonl`, {
          body: JSON.stringify({ id: 'r9-upl', schema: 'Person', properties: { name: ['Rhea Nine'] } }),
          headers: { 'content-type': 'application/x-ndjson' },
        });
        const id = (JSON.parse(res.text) as { id?: string }).id;
        if (id === undefined) return;
        await waitForJob(w, id);
        await w.get(`/api/jobs/${id}`);
      },
    },
  ],
  'GET /api/jobs/{id}': [{ kind: 'job', run: (w, v) => w.get(`/api/jobs/${v}`) }],
  'GET /api/jobs/{id}/events': [{ kind: 'job', run: (w, v) => w.get(`/api/jobs/${v}/events`) }],
  'POST /api/jobs/{id}/cancel': [{ kind: 'job', run: (w, v) => w.call('POST', `/api/jobs/${v}/cancel`) }],
  'POST /api/xref/judge': [
    {
      kind: 'entity',
      run: (w, v) => json(w, 'POST', '/api/xref/judge', { a: v, b: 'p1', judgement: 'unsure' }),
    },
    {
      kind: 'entity',
      as: 'rita',
      run: (w, v) => json(w, 'POST', '/api/xref/judge', { a: v, b: 'p1', judgement: 'unsure' }),
    },
    {
      kind: 'entity',
      as: 'rita',
      run: (w, v) => json(w, 'POST', '/api/xref/judge', { a: 'c1', b: v, judgement: 'match' }),
    },
  ],
};

/** Documented operations that take an id or a dataset name (a path or query parameter, or judge's a and b). */
function operationsNamingObjects(): string[] {
  return documentedOperations().filter(
    (o) => o === 'POST /api/xref/judge' || parameterNames(o).some((n) => OBJECT_PARAMS.has(n)),
  );
}

function randomHex(n: number): string {
  return Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
}

describe('R9 a hidden object answers exactly like one that does not exist', () => {
  it('has a case for every route that takes an id or a dataset name', () => {
    expect(Object.keys(R9_CASES).sort()).toEqual(operationsNamingObjects().sort());
  });

  it('gives the same status and the same body, the name aside, for hidden and random ids and datasets', async () => {
    const a = join(root, 'r9-hidden');
    const b = join(root, 'r9-random');
    const stores = await Promise.all([buildStore(a, false), buildStore(b, false)]);
    try {
      const left = walkerFor(stores[0], join(a, 'uploads'));
      const right = walkerFor(stores[1], join(b, 'uploads'));
      const side = async (made: ReturnType<typeof walkerFor>, name: UserName) =>
        new ApiWalker(made.app, await bearerFor(made.app, name), made.operation);
      const hiddenSide = await side(left, 'olive');
      const randomSide = await side(right, 'olive');
      const others = {
        hidden: { rita: await side(left, 'rita'), ada: await side(left, 'ada') },
        random: { rita: await side(right, 'rita'), ada: await side(right, 'ada') },
      };
      // The hidden job: another user's upload (SECRET, so nothing of it reaches olive's view of the store).
      const sam = await bearerFor(left.app, 'sam');
      const upload = await left.app.request('/api/ingest?dataset=samds&marking=SECRET&filename=s.ftm.jsonl', {
        method: 'POST',
        headers: { ...sam, 'content-type': 'application/x-ndjson' },
        body: JSON.stringify({ id: 'sam-1', schema: 'Person', properties: { name: ['Samuel Qx7'] } }),
      });
      expect(upload.status).toBe(202);
      const samJob = ((await upload.json()) as { id: string }).id;
      const hiddenValue: Record<Kind, string> = {
        entity: HIDDEN_PERSON,
        dataset: HIDDEN_DATASET,
        job: samJob,
      };
      const randomValue: Record<Kind, string> = {
        entity: `hid-zz${randomHex(3)}-person`,
        dataset: `zz${randomHex(6)}`,
        job: crypto.randomUUID(),
      };
      const problems: string[] = [];
      let compared = 0;
      for (const operation of documentedOperations()) {
        for (const c of R9_CASES[operation] ?? []) {
          left.setOperation(operation);
          right.setOperation(operation);
          const [h, r] = c.as ? [others.hidden[c.as], others.random[c.as]] : [hiddenSide, randomSide];
          const from = h.seen.length;
          await c.run(h, hiddenValue[c.kind]);
          await c.run(r, randomValue[c.kind]);
          const mine = h.seen.slice(from);
          const theirs = r.seen.slice(from);
          expect(mine.length).toBe(theirs.length);
          mine.forEach((hx, i) => {
            const rx = theirs[i] as Exchange;
            compared++;
            const label = `${c.as ?? 'olive'}: ${hx.label}`;
            const x = normalise(hx.text.split(hiddenValue[c.kind]).join('<NAME>'));
            const y = normalise(rx.text.split(randomValue[c.kind]).join('<NAME>'));
            const [hs, rs] = [x.split('\n')[0], y.split('\n')[0]];
            if (hs !== rs) problems.push(`${label}: status ${hs} for the hidden one, ${rs} for a random one`);
            else if (x !== y) problems.push(`${label}: bodies differ:\n${firstDifference(x, y)}`);
            else if (hs !== '404' && hs !== '403' && hs !== '400' && !/^20[02]$/.test(hs ?? ''))
              problems.push(`${label}: unexpected status ${hs}`);
          });
        }
      }
      expect(compared).toBeGreaterThan(30);
      expect(problems, problems.join('\n\n')).toEqual([]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

// ---- R8: known traces and resolution --------------------------------------------------------------------------------

describe('R8 need to know: resolution and writes', () => {
  it('a merge a SECRET analyst made cannot be undone, or its hidden members listed, by an OFFICIAL user', async () => {
    const store = await buildStore(join(root, 'merge'), false);
    try {
      const secret = makeContext({
        user: 'sam',
        clearance: 'SECRET',
        caveats: ['SENSITIVE', 'UK EYES ONLY'],
        purpose: 'test',
      });
      const official = makeContext({ user: 'olive', clearance: 'OFFICIAL', purpose: 'test' });
      const { canonical } = await store.judge(secret, 'p3', HIDDEN_PERSON, 'match', 'same man');
      expect(canonical).toMatch(/^NX-/);
      const missing = 'NX-00000000000000000000';
      const answers = await Promise.all(
        [canonical as string, missing].map((id) =>
          store.unmerge(official, id).then(
            (members) => `ok ${members.join(',')}`,
            (err: Error) => err.message.split(id).join('<ID>'),
          ),
        ),
      );
      expect(answers[0]).toBe(answers[1]);
      expect(answers[0]).not.toMatch(/qx7/i);
      // The cluster stands; its whole view is for those who may see it all.
      expect((await store.getEntity(secret, 'p3'))?.id).toBe(canonical);
      expect(await store.unmerge(secret, canonical as string)).toEqual([HIDDEN_PERSON, 'p3'].sort());
    } finally {
      await store.close();
    }
  });

  // LEAK (open): a visible record merged with a hidden one answers under the cluster's canonical id (NX-...), so an
  // OFFICIAL reader learns that it was resolved with something they cannot see; the twin answers `p3`. Fixing it
  // means resolving clusters per reader (getEntity, getEntities, clusterMap, screening): more than a small change.
  it.fails('a visible record merged with a hidden one keeps its own id for an OFFICIAL reader', async () => {
    const store = await buildStore(join(root, 'merge-id'), false);
    try {
      const secret = makeContext({ user: 'sam', clearance: 'SECRET', purpose: 'test' });
      const official = makeContext({ user: 'olive', clearance: 'OFFICIAL', purpose: 'test' });
      await store.judge(secret, 'p3', HIDDEN_PERSON, 'match', 'same man');
      expect((await store.getEntity(official, 'p3'))?.id).toBe('p3');
    } finally {
      await store.close();
    }
  });

  // LEAK (open): statements are content-addressed by dataset, entity, property and value, not marking, so an upload
  // repeating a hidden value is counted a duplicate (and stays hidden from its own uploader), and an upload under a
  // hidden entity's id creates no new entity: the ingest summary tells an OFFICIAL user what hidden data holds.
  // Fixing it changes statement identity (or the writer's counting per reader): more than a small change.
  it.fails('an OFFICIAL upload tells nothing of hidden values or hidden entity ids', async () => {
    const summaries: unknown[] = [];
    for (const twin of [false, true]) {
      const dir = join(root, `ingest-${twin ? 'twin' : 'full'}`);
      const store = await buildStore(dir, twin);
      try {
        const file = join(dir, 'guess.ftm.jsonl');
        writeFileSync(
          file,
          [
            { id: 'p1', schema: 'Person', properties: { alias: ['Zorbek Kvantrilov'] } },
            { id: HIDDEN_PERSON, schema: 'Person', properties: { name: ['Somebody'] } },
          ]
            .map((e) => JSON.stringify(e))
            .join('\n'),
        );
        const official = makeContext({ user: 'olive', clearance: 'OFFICIAL', purpose: 'test' });
        const { ingest } = await import('../../src/ingest/index.js');
        const s = await ingest(official, store, { dataset: 'open', format: 'ftm', paths: [file] });
        summaries.push({ duplicates: s.duplicates, entities: s.entities, statements: s.statements });
      } finally {
        await store.close();
      }
    }
    expect(summaries[0]).toEqual(summaries[1]);
  });

  // LEAK (open): name search scores are SQLite FTS5 bm25 values, whose term statistics count every indexed name,
  // hidden ones too, so scores (and with them the order of hits) move when hidden names are added. Fixing it means
  // ranking from visible data only (store.searchNames and the faceted search): more than a small change.
  it.fails('name search scores do not move when hidden names are added', async () => {
    const scores: number[][] = [];
    for (const twin of [false, true]) {
      const store = await buildStore(join(root, `scores-${twin ? 'twin' : 'full'}`), twin);
      try {
        const official = makeContext({ user: 'olive', clearance: 'OFFICIAL', purpose: 'test' });
        scores.push((await store.searchNames(official, 'Belov')).map((h) => h.score));
      } finally {
        await store.close();
      }
    }
    expect(scores[0]).toEqual(scores[1]);
  });
});

// ---- R8: the visibility rule as a property --------------------------------------------------------------------------

const RUNS = Number(process.env.NEXUS_PROPERTY_RUNS ?? 300);
const LEVELS = ['OFFICIAL', 'SECRET', 'TOP SECRET'];
const CAVEATS = ['SENSITIVE', 'UK EYES ONLY', 'PERSONAL', 'COMMERCIAL', 'LOCSEN'];
const SCHEMATA = ['Person', 'LegalEntity', 'Company', 'Organization'];
const TOPICS = ['sanction', 'crime', 'role.pep', 'poi'];
const COUNTRIES = ['ru', 'gb', 'kp', 'fr'];

function randomMarking(rnd: Random): string {
  const caveats = CAVEATS.filter(() => rnd.next() < 0.25);
  return formatMarking(parseMarking([rnd.pick(LEVELS), ...caveats].join(' ')));
}

/** A word of eight letters, different for every n: no name token is a prefix of another. */
function word(n: number): string {
  let out = '';
  let x = n + 11_881_376; // 26^5: every word has the same length
  for (let i = 0; i < 8; i++) {
    out = String.fromCharCode(97 + (x % 26)) + out;
    x = Math.floor(x / 26);
  }
  return out;
}

const sortedIds = (statements: readonly Statement[]) => statements.map((s) => s.id).sort();

describe(`R8 property: a statement reaches a reader iff canSee(reader, its marking) (${RUNS} cases)`, () => {
  it('holds for getEntity, getEntities, scanEntities, search and stats', async () => {
    let words = 0;
    const tally = { shown: 0, hidden: 0 };
    for (let run = 0; run < RUNS; run++) {
      const rnd = new Random(20_261_129 + run * 7919);
      const store = new SqliteStore({ path: ':memory:', clock: () => CLOCK });
      const m = await store.migrate();
      if (m.error) throw m.error;
      try {
        const ids = ['e0', 'e1', 'e2', 'e3'];
        const names = new Map<string, string>();
        const records = rnd.int(1, 10);
        for (let r = 0; r < records; r++) {
          const props: Record<string, string[]> = {};
          const name = word(words++);
          if (rnd.next() < 0.8) props.name = [`${name} ${word(words++)}`];
          if (rnd.next() < 0.4) props.topics = [rnd.pick(TOPICS)];
          if (rnd.next() < 0.4) props.country = [rnd.pick(COUNTRIES)];
          const rec: Rec = {
            id: rnd.pick(ids),
            schema: rnd.pick(SCHEMATA),
            props,
            dataset: rnd.pick(['d0', 'd1']),
            marking: randomMarking(rnd),
          };
          if (props.name) names.set(name, rec.id);
          await store.putStatements(op, { dataset: rec.dataset, records: [recordOf(rec, r + 1)] });
        }
        const reader = makeContext({
          user: 'reader',
          clearance: rnd.pick(LEVELS),
          caveats: CAVEATS.filter(() => rnd.next() < 0.4),
          purpose: 'property',
        });
        const where = `case ${run}: reader ${formatMarking(reader.clearance)} ${[...reader.caveats].join('+')}`;
        // The truth: every stored statement (the local operator sees all), kept when canSee says so.
        const all = new Map<string, Statement[]>();
        for (const id of ids) all.set(id, (await store.getEntity(op, id))?.statements.slice() ?? []);
        const allowed = (id: string) =>
          (all.get(id) ?? []).filter((s) => canSee(reader, parseMarking(s.marking)));

        for (const id of ids) {
          const seen = await store.getEntity(reader, id);
          expect(seen ? sortedIds(seen.statements) : [], `${where}: getEntity ${id}`).toEqual(
            sortedIds(allowed(id)),
          );
        }
        const batch = await store.getEntities(reader, ids);
        for (const id of ids)
          expect(sortedIds(batch.get(id)?.statements ?? []), `${where}: getEntities ${id}`).toEqual(
            sortedIds(allowed(id)),
          );
        const scanned: Statement[] = [];
        for await (const entities of store.scanEntities(reader))
          for (const e of entities) scanned.push(...e.statements);
        expect(sortedIds(scanned), `${where}: scanEntities`).toEqual(sortedIds(ids.flatMap(allowed)));

        // Search: a name's unique first word finds its entity iff that name statement is visible.
        for (const [token, id] of names) {
          const visible = allowed(id).some((s) => s.propType === 'name' && s.value.startsWith(`${token} `));
          const found = await store.search(reader, { q: token, limit: 10 });
          expect(
            found.hits.map((h) => h.id),
            `${where}: search ${token}`,
          ).toEqual(visible ? [id] : []);
          expect(found.total).toBe(visible ? 1 : 0);
        }
        // Browsing: the total and the topic and country facets count visible statements only.
        const browse = await store.search(reader, { limit: 100 });
        const present = ids.filter((id) => allowed(id).length > 0);
        expect(browse.hits.map((h) => h.id).sort(), `${where}: browse`).toEqual(present);
        for (const [facet, type] of [
          ['topics', 'topic'],
          ['countries', 'country'],
        ] as const) {
          const counts = new Map<string, number>();
          for (const id of present) {
            const values = new Set(
              allowed(id)
                .filter((s) => s.propType === type)
                .map((s) => s.value),
            );
            for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
          }
          const got = Object.fromEntries(browse.facets[facet].map((f) => [f.value, f.count]));
          expect(got, `${where}: ${facet} facet`).toEqual(Object.fromEntries(counts));
        }
        const stats = await store.stats(reader);
        expect(stats.statements, `${where}: stats`).toBe(ids.flatMap(allowed).length);
        // Entities per schema as the reader sees them (a hidden statement may refine the stored schema).
        const schemata: Record<string, number> = {};
        for (const id of present) {
          const name = (await store.getEntity(reader, id))?.schema.name ?? '?';
          schemata[name] = (schemata[name] ?? 0) + 1;
        }
        expect(stats.entities, `${where}: stats entities`).toEqual(schemata);
        const total = ids.flatMap((id) => all.get(id) ?? []).length;
        tally.shown += ids.flatMap(allowed).length;
        tally.hidden += total - ids.flatMap(allowed).length;
      } finally {
        await store.close();
      }
    }
    // Both sides of the rule were exercised.
    expect(tally.shown).toBeGreaterThan(RUNS);
    expect(tally.hidden).toBeGreaterThan(RUNS);
  });
});
