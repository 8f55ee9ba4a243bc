// Ingest by upload (SECURITY.md R14, R17, R18): an FtM upload becomes a job whose entities are then visible, progress
// streams as server-sent events (in-process and over a real socket), and hostile uploads, built here byte by byte,
// are each refused with their own code before anything is ingested and without a byte written outside the folder.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperator } from '../access/index.js';
import { hashPassword } from '../access/passwords.js';
import { ingest } from '../ingest/index.js';
import { SqliteStore } from '../store/index.js';
import { createApp } from './app.js';
import { JobRegistry, type JobView } from './jobs.js';
import { serve } from './server.js';
import { safeFileName, sniff } from './uploads.js';

const op = localOperator('tester', 'test setup');
const PASSWORDS = {
  alice: 'alice-upload-pw-0001',
  bob: 'bob-upload-pw-000002',
  carol: 'carol-upload-pw-0003',
  dan: 'dan-upload-pw-000004',
};
type Name = keyof typeof PASSWORDS;
const CASE = readFileSync('test/fixtures/ftm/case.ftm.jsonl');

let store: SqliteStore;
/** Every upload folder of this file lives under here, so "nothing outside the folder" can be checked. */
const scratch = mkdtempSync(join(tmpdir(), 'nexus-upload-test-'));

beforeAll(async () => {
  store = new SqliteStore({ path: ':memory:' });
  const m = await store.migrate();
  if (m.error) throw m.error;
  const clearances: Record<Name, string> = {
    alice: 'OFFICIAL',
    bob: 'OFFICIAL',
    carol: 'SECRET',
    dan: 'OFFICIAL',
  };
  for (const name of Object.keys(PASSWORDS) as Name[])
    await store.putUser(op, {
      name,
      role: 'analyst',
      clearance: clearances[name],
      passwordHash: await hashPassword(PASSWORDS[name]),
    });
});

afterAll(async () => {
  await store.close();
  rmSync(scratch, { recursive: true, force: true });
});

let appCount = 0;

function setup(options: Record<string, unknown> = {}) {
  const dir = join(scratch, `app-${++appCount}`, 'uploads');
  const jobs = new JobRegistry({ maxPerUser: 2 });
  const lines: object[] = [];
  const app = createApp({
    store,
    auth: {},
    web: false,
    log: (line) => lines.push(line),
    uploads: { dir, jobs, batchSize: 2, heartbeatMs: 50, ...options },
  });
  return { app, dir, jobs, lines };
}

type App = ReturnType<typeof setup>['app'];

async function tokenFor(app: App, name: Name): Promise<Record<string, string>> {
  const res = await app.request('/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: name, password: PASSWORDS[name] }),
  });
  expect(res.status).toBe(200);
  return { authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
}

function upload(
  app: App,
  auth: Record<string, string>,
  query: string,
  body: RequestInit['body'] | null,
  headers: Record<string, string> = {},
) {
  return app.request(`/api/ingest?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...auth, ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
}

async function refusal(res: Response): Promise<{ status: number; code: string; detail: string }> {
  const body = (await res.json()) as { status: number; code: string; detail: string };
  expect(body.status).toBe(res.status);
  return body;
}

/** Job folders left in the upload folder (none once a job has finished or an upload was refused). */
function leftovers(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Every file name under the scratch folder, so a zip-slip escapee would show. */
function allFiles(root = scratch): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => !d.isDirectory())
    .map((d) => d.name);
}

async function waitFor(app: App, auth: Record<string, string>, id: string): Promise<JobView> {
  for (let i = 0; i < 400; i++) {
    const res = await app.request(`/api/jobs/${id}`, { headers: auth });
    const job = (await res.json()) as JobView;
    if (['done', 'failed', 'cancelled'].includes(job.state)) return job;
    await new Promise((ok) => setTimeout(ok, 10));
  }
  throw new Error(`job ${id} did not finish`);
}

// ---- hostile fixtures, made here -------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface ZipEntry {
  name: string | Buffer;
  data?: Buffer | string;
  /** 8 deflates, 0 stores. */
  method?: 0 | 8;
  /** Unix mode (file type and permissions), stored in the external attributes. */
  mode?: number;
  /** Overrides the uncompressed size written in the headers (a lying entry). */
  declaredSize?: number;
}

/** A ZIP archive with exactly the entries given: names, modes and sizes are written as they are, hostile or not. */
function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.isBuffer(e.name) ? e.name : Buffer.from(e.name, 'utf8');
    const raw = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data ?? '', 'utf8');
    const method = e.method ?? 8;
    const data = method === 8 ? deflateRawSync(raw) : raw;
    const size = e.declaredSize ?? raw.length;
    const crc = crc32(raw);
    const flags = Buffer.isBuffer(e.name) ? 0 : 0x800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A body that arrives in chunks without a Content-Length. */
function chunked(total: number, chunk = 16 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(chunk, total - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(0x61));
    },
  });
}

function entities(n: number): string {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({ id: `gen-p${i}`, schema: 'Person', properties: { name: [`Generated Person ${i}`] } }),
  ).join('\n');
}

/** Parses an SSE body into its events (comments and retry lines left out). */
function parseSse(text: string): { id: number; event: string; data: Record<string, unknown> }[] {
  return text
    .split('\n\n')
    .filter((block) => block.includes('event: '))
    .map((block) => {
      const field = (name: string) =>
        block
          .split('\n')
          .find((l) => l.startsWith(`${name}: `))
          ?.slice(name.length + 2) ?? '';
      return { id: Number(field('id')), event: field('event'), data: JSON.parse(field('data')) };
    });
}

// ---- tests ------------------------------------------------------------------------------------------------------

describe('sniffing and names', () => {
  it('tells content kinds by their bytes', () => {
    expect(sniff(zip([{ name: 'a.jsonl', data: '{}' }]))).toBe('zip');
    expect(sniff(gzipSync('x'))).toBe('gzip');
    expect(sniff(Buffer.from('\uFEFF  <?xml version="1.0"?><x/>'))).toBe('xml');
    expect(sniff(Buffer.from('{"id": "a"}\n{"id": "b"}\n'))).toBe('json');
    expect(sniff(Buffer.from('name,country\nA,ru\n'))).toBe('text');
    expect(sniff(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]))).toBe('binary');
    expect(sniff(Buffer.from('a,b\u0000c'))).toBe('binary');
    expect(sniff(Buffer.from('%PDF-1.7 ...'))).toBe('binary');
  });

  it('makes file names safe', () => {
    expect(safeFileName('sdn.csv')).toBe('sdn.csv');
    expect(safeFileName('../../etc/passwd')).toBe('etc_passwd');
    expect(safeFileName('.hidden')).toBe('hidden');
    expect(safeFileName('Liste Ω.csv')).toBe('Liste_.csv');
    expect(safeFileName('')).toBe('file');
    expect(safeFileName(`${'a'.repeat(300)}.jsonl`)).toMatch(/^a+\.jsonl$/);
    expect(safeFileName(`${'a'.repeat(300)}.jsonl`).length).toBe(100);
  });
});

describe('POST /api/ingest', () => {
  it('turns an FtM upload into a job whose entities are then visible', async () => {
    const { app, dir } = setup();
    const alice = await tokenFor(app, 'alice');
    const before = await app.request('/api/entities/case-p1', { headers: alice });
    expect(before.status).toBe(404);
    const res = await upload(app, alice, 'dataset=uploaded&filename=case.ftm.jsonl&grading=2BP', CASE, {
      'content-type': 'application/x-ndjson',
    });
    expect(res.status).toBe(202);
    const queued = (await res.json()) as JobView;
    expect(res.headers.get('location')).toBe(`/api/jobs/${queued.id}`);
    expect(queued).toMatchObject({
      kind: 'ingest',
      user: 'alice',
      dataset: 'uploaded',
      state: 'queued',
      params: { file: 'case.ftm.jsonl', type: 'json', format: 'ftm', marking: 'OFFICIAL', grading: '2BP' },
    });
    const job = await waitFor(app, alice, queued.id);
    expect(job.state).toBe('done');
    expect(job.error).toBeNull();
    expect(job.summary).toMatchObject({ dataset: 'uploaded', format: 'ftm' });
    expect(job.summary?.accepted).toBeGreaterThan(0);
    expect(job.progress?.type).toBe('done');
    // The fixture has bad values: rejects are listed by file name and line, never by the server's path.
    expect(job.rejects.length).toBeGreaterThan(0);
    expect(JSON.stringify(job)).not.toContain(scratch);
    expect(job.rejects[0]?.file).toBe('case.ftm.jsonl');

    const entity = await app.request('/api/entities/case-p1', { headers: alice });
    expect(entity.status).toBe(200);
    const shown = (await entity.json()) as {
      datasets: string[];
      properties: Record<string, { grading: string }[]>;
    };
    expect(shown.datasets).toEqual(['uploaded']);
    expect(shown.properties.name?.[0]?.grading).toBe('2BP');
    // The job's files are gone once it has finished.
    expect(leftovers(dir)).toEqual([]);
    const list = (await (await app.request('/api/jobs', { headers: alice })).json()) as { jobs: JobView[] };
    expect(list.jobs.map((j) => j.id)).toEqual([queued.id]);
  });

  it('takes gzip and ZIP uploads, including an OFAC CSV set', async () => {
    const { app, dir } = setup();
    const alice = await tokenFor(app, 'alice');
    const gz = await upload(app, alice, 'dataset=gz&filename=case.jsonl.gz', gzipSync(CASE));
    expect(gz.status).toBe(202);
    const gzJob = await waitFor(app, alice, ((await gz.json()) as JobView).id);
    expect(gzJob).toMatchObject({ state: 'done', params: { type: 'gzip', format: 'ftm' } });

    const sdn = 'test/fixtures/ofac/sdn';
    const ofac = zip(
      ['sdn.csv', 'add.csv', 'alt.csv', 'sdn_comments.csv'].map((f) => ({
        name: `sdn/${f}`,
        data: readFileSync(join(sdn, f)),
      })),
    );
    const res = await upload(app, alice, 'dataset=ofac-upload', ofac, { 'content-type': 'application/zip' });
    expect(res.status).toBe(202);
    const job = await waitFor(app, alice, ((await res.json()) as JobView).id);
    expect(job).toMatchObject({ state: 'done', params: { type: 'zip', format: 'ofac' } });
    expect(job.summary?.accepted).toBeGreaterThan(0);
    expect(leftovers(dir)).toEqual([]);
  });

  it('records the uploaded file name (made safe) and the uploader as origin, never a server path', async () => {
    const { app } = setup();
    const bob = await tokenFor(app, 'bob');
    const origins = async (dataset: string) => {
      const found = new Set<string>();
      for await (const batch of store.scanEntities(op, { datasets: [dataset] }))
        for (const e of batch) for (const st of e.statements) found.add(st.origin);
      return [...found];
    };
    const cases: [string, string, Uint8Array, RegExp][] = [
      [
        'origin-plain',
        '&filename=Case%20file%20(v2).ftm.jsonl',
        CASE,
        /^upload by bob: Case_file_v2_\.ftm\.jsonl:\d+$/,
      ],
      ['origin-gz', '&filename=case.jsonl.gz', gzipSync(CASE), /^upload by bob: case\.jsonl\.gz:\d+$/],
      [
        'origin-zip',
        '&filename=bundle.zip',
        zip([{ name: 'inner/case.ftm.jsonl', data: CASE }]),
        /^upload by bob: bundle\.zip\/case\.ftm\.jsonl:\d+$/,
      ],
      ['origin-none', '&format=ftm', CASE, /^upload by bob: upload:\d+$/],
      // The OFAC reader takes the upload's folder: each file is still named by what was uploaded.
      [
        'origin-ofac',
        '&filename=ofac%20set.zip',
        zip(
          ['sdn.csv', 'add.csv', 'alt.csv'].map((f) => ({
            name: `sdn/${f}`,
            data: readFileSync(join('test/fixtures/ofac/sdn', f)),
          })),
        ),
        /^upload by bob: ofac_set\.zip\/(sdn|add|alt)\.csv:\d+$/,
      ],
      [
        'origin-sdn',
        '&filename=sdn.csv&format=ofac',
        readFileSync('test/fixtures/ofac/sdn/sdn.csv'),
        /^upload by bob: sdn\.csv:\d+$/,
      ],
    ];
    for (const [dataset, query, body, shape] of cases) {
      const res = await upload(app, bob, `dataset=${dataset}${query}`, body);
      expect(res.status).toBe(202);
      expect((await waitFor(app, bob, ((await res.json()) as JobView).id)).state).toBe('done');
      const found = await origins(dataset);
      expect(found.length).toBeGreaterThan(1);
      for (const origin of found) {
        expect(origin).toMatch(shape);
        expect(origin).not.toContain(scratch);
        expect(origin).not.toContain('job-');
      }
    }
  });

  it("keeps an existing dataset's title unless its reader asks, and never touches one hidden from the uploader", async () => {
    const { app } = setup();
    const alice = await tokenFor(app, 'alice');
    const dir = mkdtempSync(join(scratch, 'seed-'));
    const seed = join(dir, 'seed.ftm.jsonl');
    writeFileSync(seed, '{"id": "seed-p1", "schema": "Person", "properties": {"name": ["Seed Person"]}}\n');
    await ingest(op, store, {
      dataset: 'hidden-ds',
      title: 'Hidden Title',
      paths: [seed],
      marking: 'SECRET',
    });
    await ingest(op, store, { dataset: 'shared-ds', title: 'Shared Title', fictional: true, paths: [seed] });
    const info = async (name: string) => (await store.datasets(op)).find((d) => d.name === name);
    const run = async (query: string) => {
      const res = await upload(app, alice, query, CASE);
      expect(res.status).toBe(202);
      return waitFor(app, alice, ((await res.json()) as JobView).id);
    };

    // Seen by alice, no title asked: title and flag stay; asked: the title changes.
    expect((await run('dataset=shared-ds')).state).toBe('done');
    expect(await info('shared-ds')).toMatchObject({ title: 'Shared Title', fictional: true });
    expect((await run('dataset=shared-ds&title=Renamed')).state).toBe('done');
    expect(await info('shared-ds')).toMatchObject({ title: 'Renamed', fictional: true });

    // Hidden from alice: the upload goes as it would into a new dataset, and the dataset's title and flag stay.
    const hiddenRun = await run('dataset=hidden-ds&title=Pwned');
    const freshRun = await run('dataset=never-seen-ds&title=Pwned');
    expect(hiddenRun.state).toBe('done');
    const shape = (j: JobView) => ({
      state: j.state,
      error: j.error,
      summary: { ...j.summary, dataset: '', elapsedMs: 0 },
      rejects: j.rejects,
    });
    expect(shape(hiddenRun)).toEqual(shape(freshRun));
    expect(JSON.stringify(hiddenRun)).not.toContain('Hidden Title');
    expect(await info('hidden-ds')).toMatchObject({ title: 'Hidden Title', fictional: false });

    // A new dataset takes the title given.
    expect((await run('dataset=fresh-ds&title=Fresh')).state).toBe('done');
    expect(await info('fresh-ds')).toMatchObject({ title: 'Fresh', fictional: false });
  });

  it('refuses a body over the cap while it streams, chunked or declared, before anything is ingested', async () => {
    const { app, dir, lines } = setup({ maxBytes: 64 * 1024 });
    const alice = await tokenFor(app, 'alice');
    const res = await upload(app, alice, 'dataset=toolarge', chunked(1024 * 1024));
    expect(res.status).toBe(413);
    expect(await refusal(res)).toMatchObject({ code: 'UPLOAD_TOO_LARGE' });
    const declared = await upload(app, alice, 'dataset=toolarge', 'x', { 'content-length': String(1 << 30) });
    expect(declared.status).toBe(413);
    expect(leftovers(dir)).toEqual([]);
    expect((await store.datasets(op)).map((d) => d.name)).not.toContain('toolarge');
    const jobs = (await (await app.request('/api/jobs', { headers: alice })).json()) as { jobs: unknown[] };
    expect(jobs.jobs).toEqual([]);
    expect(lines.filter((l) => 'level' in l)).toEqual([]);
  });

  it('refuses content that is not what its type or name says, and types no reader takes', async () => {
    const { app, dir } = setup();
    const alice = await tokenFor(app, 'alice');
    const archive = zip([{ name: 'data.jsonl', data: CASE }]);
    const cases: [string, RequestInit['body'], Record<string, string>, number, string][] = [
      // A "CSV" whose bytes are a ZIP archive.
      ['filename=data.csv', archive, { 'content-type': 'text/csv' }, 415, 'UPLOAD_TYPE_MISMATCH'],
      ['filename=data.csv', archive, {}, 415, 'UPLOAD_TYPE_MISMATCH'],
      ['', archive, { 'content-type': 'text/csv' }, 415, 'UPLOAD_TYPE_MISMATCH'],
      ['filename=list.xml', CASE, {}, 415, 'UPLOAD_TYPE_MISMATCH'],
      [
        '',
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
        {},
        415,
        'UPLOAD_TYPE_UNSUPPORTED',
      ],
      ['', CASE, { 'content-type': 'multipart/form-data; boundary=x' }, 415, 'UPLOAD_TYPE_UNSUPPORTED'],
      ['', CASE, { 'content-type': 'application/pdf' }, 415, 'UPLOAD_TYPE_UNSUPPORTED'],
      ['', '', {}, 400, 'UPLOAD_EMPTY'],
      ['filename=bad%0D%0Aname.jsonl', CASE, {}, 400, 'UPLOAD_NAME_INVALID'],
      ['filename=..%2Fup.jsonl', CASE, {}, 400, 'UPLOAD_NAME_INVALID'],
      ['', zip([{ name: 'inner.jsonl.gz', data: gzipSync(CASE), method: 0 }]), {}, 400, 'ARCHIVE_NESTED'],
      ['', zip([{ name: 'x.csv', data: '{"id": 1}' }]), {}, 415, 'UPLOAD_TYPE_MISMATCH'],
      ['format=mapping', CASE, {}, 400, 'USAGE_INVALID'],
      ['marking=SECRET', CASE, {}, 400, 'MARKING_ABOVE_CLEARANCE'],
      ['marking=PURPLE', CASE, {}, 400, 'MARKING_INVALID'],
      ['', 'name,country\nA,ru\n', {}, 400, 'FORMAT_UNKNOWN'],
    ];
    for (const [query, body, headers, status, code] of cases) {
      const res = await upload(app, alice, `dataset=mismatch&${query}`, body, headers);
      expect([query, res.status], code).toEqual([query, status]);
      const answer = await refusal(res);
      expect([query, answer.code]).toEqual([query, code]);
      expect(answer.detail).not.toContain(scratch);
    }
    expect(leftovers(dir)).toEqual([]);
    expect((await store.datasets(op)).map((d) => d.name)).not.toContain('mismatch');
  });

  it('refuses hostile archives, each with its own code, writing nothing outside the upload folder', async () => {
    const { app, dir } = setup({ maxEntries: 1000 });
    const alice = await tokenFor(app, 'alice');
    const ok = { name: 'ok.jsonl', data: CASE };
    const cases: [string, Buffer, number, string][] = [
      ['zip-slip', zip([ok, { name: '../evil.jsonl', data: CASE }]), 400, 'ARCHIVE_UNSAFE_PATH'],
      ['deep zip-slip', zip([{ name: 'a/../../../evil.jsonl', data: CASE }]), 400, 'ARCHIVE_UNSAFE_PATH'],
      ['absolute', zip([{ name: '/tmp/evil.jsonl', data: CASE }]), 400, 'ARCHIVE_UNSAFE_PATH'],
      ['drive', zip([{ name: 'C:/evil.jsonl', data: CASE }]), 400, 'ARCHIVE_UNSAFE_PATH'],
      ['backslash', zip([{ name: '..\\evil.jsonl', data: CASE }]), 400, 'ARCHIVE_UNSAFE_PATH'],
      ['CRLF (UTF-8 name)', zip([{ name: 'evil\r\nname.jsonl', data: CASE }]), 400, 'ARCHIVE_NAME_INVALID'],
      [
        'CRLF (CP437 name)',
        zip([{ name: Buffer.from('evil\r\n.jsonl', 'latin1'), data: CASE }]),
        400,
        'ARCHIVE_NAME_INVALID',
      ],
      ['ANSI escape', zip([{ name: 'evil\u001b[31m.jsonl', data: CASE }]), 400, 'ARCHIVE_NAME_INVALID'],
      [
        'symlink',
        zip([ok, { name: 'link.jsonl', data: '/etc/passwd', mode: 0o120777 }]),
        400,
        'ARCHIVE_SYMLINK',
      ],
      ['fifo', zip([{ name: 'pipe', data: '', mode: 0o010644 }]), 400, 'ARCHIVE_SYMLINK'],
      [
        'bomb',
        zip([{ name: 'zeros.jsonl', data: Buffer.alloc(20 * 1024 * 1024, 0x20) }]),
        413,
        'ARCHIVE_BOMB',
      ],
      [
        'too many entries',
        zip(
          Array.from({ length: 1001 }, (_, i) => ({ name: `e${i}.jsonl`, data: '{}', method: 0 as const })),
        ),
        413,
        'ARCHIVE_TOO_MANY_ENTRIES',
      ],
      ['lying size', zip([{ name: 'lie.jsonl', data: CASE, declaredSize: 10 }]), 400, 'ARCHIVE_INVALID'],
      ['truncated', zip([ok]).subarray(0, 60), 400, 'ARCHIVE_INVALID'],
      ['only junk', zip([{ name: '__MACOSX/._ok.jsonl', data: 'x' }]), 400, 'ARCHIVE_INVALID'],
      ['duplicate names', zip([ok, { name: 'sub/ok.jsonl', data: CASE }]), 400, 'ARCHIVE_INVALID'],
    ];
    for (const [what, body, status, code] of cases) {
      const res = await upload(app, alice, 'dataset=hostile', body);
      expect([what, res.status]).toEqual([what, status]);
      expect([what, (await refusal(res)).code]).toEqual([what, code]);
    }
    // A gzip bomb is refused the same way.
    const gz = await upload(app, alice, 'dataset=hostile', gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20)));
    expect([gz.status, (await refusal(gz)).code]).toEqual([413, 'ARCHIVE_BOMB']);
    expect(allFiles().filter((f) => f.includes('evil') || f === 'link.jsonl')).toEqual([]);
    expect(leftovers(dir)).toEqual([]);
    expect((await store.datasets(op)).map((d) => d.name)).not.toContain('hostile');
  });

  it('caps the total an archive may expand to', async () => {
    const { app, dir } = setup({ maxUncompressedBytes: 1000 });
    const alice = await tokenFor(app, 'alice');
    const res = await upload(
      app,
      alice,
      'dataset=big',
      zip([
        { name: 'a.jsonl', data: CASE },
        { name: 'b.jsonl', data: CASE },
      ]),
    );
    expect([res.status, (await refusal(res)).code]).toEqual([413, 'ARCHIVE_TOO_LARGE']);
    expect(leftovers(dir)).toEqual([]);
  });

  it('limits concurrent jobs per user and answers 405 to other methods', async () => {
    const { app, jobs } = setup();
    const alice = await tokenFor(app, 'alice');
    const bob = await tokenFor(app, 'bob');
    jobs.pause();
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await upload(app, alice, 'dataset=limit', CASE);
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as JobView).id);
    }
    const third = await upload(app, alice, 'dataset=limit', CASE);
    expect(third.status).toBe(429);
    expect(await refusal(third)).toMatchObject({ code: 'LIMIT_REACHED' });
    // Another user has slots of their own.
    const other = await upload(app, bob, 'dataset=limit', CASE);
    expect(other.status).toBe(202);
    for (const id of ids) await app.request(`/api/jobs/${id}/cancel`, { method: 'POST', headers: alice });
    const again = await upload(app, alice, 'dataset=limit', CASE);
    expect(again.status).toBe(202);
    jobs.resume();
    await jobs.idle();
    expect((await app.request('/api/ingest', { headers: alice })).status).toBe(405);
  });
});

describe('jobs', () => {
  it('streams progress in order and ends with done, live and replayed', async () => {
    const { app, jobs } = setup();
    const alice = await tokenFor(app, 'alice');
    jobs.pause();
    const res = await upload(app, alice, 'dataset=events', entities(40));
    const { id } = (await res.json()) as JobView;
    const live = await app.request(`/api/jobs/${id}/events`, { headers: alice });
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(live.headers.get('cache-control')).toContain('no-cache');
    const text = live.text();
    jobs.resume();
    const events = parseSse(await text);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
    expect(events.at(-1)?.event).toBe('done');
    expect(events.at(-1)?.data).toMatchObject({ id, state: 'done', summary: { accepted: 40 } });
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress[0]?.data.type).toBe('start');
    expect(progress.at(-1)?.data.type).toBe('done');
    const records = progress.map((e) => e.data.records as number);
    expect(records).toEqual([...records].sort((a, b) => a - b));
    expect(progress.at(-1)?.data).toMatchObject({ records: 40, etaSeconds: 0 });

    // A late subscriber gets the same events and the stream closes; Last-Event-ID resumes after one.
    const late = parseSse(await (await app.request(`/api/jobs/${id}/events`, { headers: alice })).text());
    expect(late).toEqual(events);
    const resumed = await app.request(`/api/jobs/${id}/events`, {
      headers: { ...alice, 'last-event-id': String(events[0]?.id) },
    });
    expect(parseSse(await resumed.text())).toEqual(events.slice(1));
  });

  it('sends heartbeats while a job waits', async () => {
    const { app, jobs } = setup();
    const alice = await tokenFor(app, 'alice');
    jobs.pause();
    const { id } = (await (await upload(app, alice, 'dataset=beats', CASE)).json()) as JobView;
    const res = await app.request(`/api/jobs/${id}/events`, { headers: alice });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    while (!seen.includes(': heartbeat')) {
      const { value } = await reader.read();
      seen += new TextDecoder().decode(value);
    }
    await reader.cancel();
    await app.request(`/api/jobs/${id}/cancel`, { method: 'POST', headers: alice });
    jobs.resume();
    await jobs.idle();
  });

  it('refuses an oversized chunked body over a real socket, before it has all arrived', async () => {
    const { app, dir } = setup({ maxBytes: 64 * 1024 });
    const handle = await serve(app, { port: 0 });
    try {
      const alice = await tokenFor(app, 'alice');
      let sent = 0;
      // Far more than the cap, sent slowly: the answer comes while the client is still sending.
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent >= 64 * 1024 * 1024) return controller.close();
          sent += 64 * 1024;
          controller.enqueue(new Uint8Array(64 * 1024).fill(0x61));
          await new Promise((ok) => setTimeout(ok, 1));
        },
      });
      const res = await fetch(`${handle.url}/api/ingest?dataset=socket-big`, {
        method: 'POST',
        headers: alice,
        body,
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(((await res.json()) as { code: string }).code).toBe('UPLOAD_TOO_LARGE');
      expect(sent).toBeLessThan(64 * 1024 * 1024);
      expect(leftovers(dir)).toEqual([]);
      expect((await store.datasets(op)).map((d) => d.name)).not.toContain('socket-big');
    } finally {
      await handle.close();
    }
  });

  it('streams events over a real socket', async () => {
    const { app, jobs } = setup();
    const handle = await serve(app, { port: 0 });
    try {
      const alice = await tokenFor(app, 'alice');
      jobs.pause();
      const res = await fetch(`${handle.url}/api/ingest?dataset=socket&filename=case.jsonl`, {
        method: 'POST',
        headers: alice,
        body: chunked(0),
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('UPLOAD_EMPTY');
      const ok = await fetch(`${handle.url}/api/ingest?dataset=socket`, {
        method: 'POST',
        headers: alice,
        body: CASE,
      });
      const { id } = (await ok.json()) as JobView;
      const stream = await fetch(`${handle.url}/api/jobs/${id}/events`, { headers: alice });
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
      // The stream is open (headers and the first bytes arrived) before the job has even started.
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toContain('retry:');
      jobs.resume();
      let text = first;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      const events = parseSse(text);
      expect(events.at(-1)).toMatchObject({ event: 'done', data: { state: 'done' } });
      expect(events.filter((e) => e.event === 'progress').length).toBeGreaterThanOrEqual(2);
    } finally {
      await handle.close();
    }
  });

  it('cancels a queued job at once and a running one between batches', async () => {
    const { app, jobs, dir } = setup();
    const alice = await tokenFor(app, 'alice');
    jobs.pause();
    const queued = (await (await upload(app, alice, 'dataset=cancelq', CASE)).json()) as JobView;
    const cancel = await app.request(`/api/jobs/${queued.id}/cancel`, { method: 'POST', headers: alice });
    expect(cancel.status).toBe(202);
    const after = await waitFor(app, alice, queued.id);
    expect(after).toMatchObject({ state: 'cancelled', cancel_requested: true, summary: null });

    const running = (await (await upload(app, alice, 'dataset=cancelr', entities(200))).json()) as JobView;
    // Cancelled as soon as the first batch is committed and reported.
    const sub = jobs.subscribe(running.id, 'alice', 0, (e) => {
      if (e.event === 'progress' && (e.data as { type: string }).type === 'progress')
        jobs.cancel(running.id, 'alice');
    });
    expect(sub).toBeDefined();
    jobs.resume();
    const job = await waitFor(app, alice, running.id);
    expect(job.state).toBe('cancelled');
    expect(job.summary?.accepted).toBeGreaterThan(0);
    expect(job.summary?.accepted).toBeLessThan(200);
    expect((await app.request('/api/entities/gen-p199', { headers: alice })).status).toBe(404);
    expect((await app.request('/api/entities/gen-p0', { headers: alice })).status).toBe(200);
    // Cancelling a finished job leaves it as it is.
    const again = await app.request(`/api/jobs/${running.id}/cancel`, { method: 'POST', headers: alice });
    expect(((await again.json()) as JobView).state).toBe('cancelled');
    expect(leftovers(dir)).toEqual([]);
  });

  it("shows a user's jobs to nobody else: another user's job is a 404 like a made-up id", async () => {
    const { app } = setup();
    const alice = await tokenFor(app, 'alice');
    const bob = await tokenFor(app, 'bob');
    const { id } = (await (await upload(app, alice, 'dataset=private', CASE)).json()) as JobView;
    await waitFor(app, alice, id);
    const made = '00000000-0000-0000-0000-000000000000';
    for (const [method, path] of [
      ['GET', ''],
      ['GET', '/events'],
      ['POST', '/cancel'],
    ] as const) {
      const theirs = await app.request(`/api/jobs/${id}${path}`, { method, headers: bob });
      const none = await app.request(`/api/jobs/${made}${path}`, { method, headers: bob });
      expect(theirs.status).toBe(404);
      expect(await theirs.json()).toEqual(await none.json());
    }
    expect((await app.request('/api/jobs/..%2F..%2Fetc', { headers: bob })).status).toBe(404);
    const list = (await (await app.request('/api/jobs', { headers: bob })).json()) as { jobs: JobView[] };
    expect(list.jobs).toEqual([]);
    expect((await app.request(`/api/jobs/${id}`)).status).toBe(401);
  });

  it("fails with a typed code when the user's clearance is lowered between enqueue and run (R17)", async () => {
    const { app, jobs } = setup();
    const carol = await tokenFor(app, 'carol');
    jobs.pause();
    const res = await upload(app, carol, 'dataset=secret-upload&marking=SECRET', CASE);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as JobView;
    await store.putUser(op, { name: 'carol', clearance: 'OFFICIAL' });
    jobs.resume();
    await jobs.idle();
    // Her old session ended with the change; a new one sees the job and why it failed.
    const again = await tokenFor(app, 'carol');
    const job = (await (await app.request(`/api/jobs/${id}`, { headers: again })).json()) as JobView;
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('JOB_AUTHORITY_CHANGED');
    expect(job.summary).toBeNull();
    expect((await store.datasets(op)).map((d) => d.name)).not.toContain('secret-upload');
    await store.putUser(op, { name: 'carol', clearance: 'SECRET' });
  });

  it('fails with a typed code when the session that queued the job has ended (R17)', async () => {
    const { app, jobs } = setup();
    const dan = await tokenFor(app, 'dan');
    jobs.pause();
    const { id } = (await (await upload(app, dan, 'dataset=logged-out', CASE)).json()) as JobView;
    expect((await app.request('/auth/logout', { method: 'POST', headers: dan })).status).toBe(200);
    jobs.resume();
    await jobs.idle();
    expect(jobs.get(id, 'dan')?.error).toEqual({
      code: 'JOB_SESSION_ENDED',
      message: expect.stringContaining('session'),
    });
  });

  it('reports reader failures with their code and without the server path (R18)', async () => {
    const { app } = setup();
    const alice = await tokenFor(app, 'alice');
    const res = await upload(
      app,
      alice,
      'dataset=wrong-format&format=ftm&filename=list.csv',
      'name,country\nA,ru\n',
    );
    const job = await waitFor(app, alice, ((await res.json()) as JobView).id);
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('FORMAT_MISMATCH');
    expect(job.error?.message).toContain('list.csv');
    expect(job.error?.message).not.toContain(scratch);
    expect(job.error?.message).not.toContain('nexus-upload');
  });
});
