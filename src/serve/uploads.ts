// POST /api/ingest: a file as the request body becomes an ingest job. Every limit is enforced before anything is
// ingested (SECURITY.md R14): the size while the body streams to a file in the upload folder (chunked bodies too),
// the type by content (magic bytes and structure, checked against the declared type and file name), and for ZIP
// archives (read with yauzl) the entry count, names, links, total size and compression ratio, each refusal with its
// own code. Entries are written flat under fresh names inside the job's folder, so nothing lands outside it.
import { constants, createReadStream } from 'node:fs';
import { type FileHandle, lstat, mkdir, mkdtemp, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { type Context, Hono } from 'hono';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { type AccessContext, canSee, makeContext } from '../access/index.js';
import {
  ArchiveRefusal,
  checkZipEntry,
  guessFormat,
  ingest,
  RATIO_MIN_BYTES,
  ratioTooHigh,
  readers,
} from '../ingest/index.js';
import {
  DEFAULT_MARKING,
  formatMarking,
  isNexusError,
  NexusError,
  parseGrading,
  parseMarking,
} from '../model/index.js';
import type { Store } from '../store/index.js';
import type { JobQueue } from '../work/index.js';
import type { AppEnv } from './app.js';
import type { Authenticated } from './auth.js';
import { HttpError } from './errors.js';
import { ApiError, answerCoded, JobRegistry, type JobRegistryOptions, jobRoutes } from './jobs.js';
import { queueJobRoutes, reserveQueued, submitUpload } from './queue-jobs.js';
import { uploadOriginNames } from './upload-origin.js';

export const DEFAULT_UPLOAD_MAX_BYTES = 256 * 1024 * 1024;
export const DEFAULT_ARCHIVE_MAX_ENTRIES = 1000;
export const DEFAULT_ARCHIVE_MAX_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_ARCHIVE_MAX_RATIO = 100;
export { RATIO_MIN_BYTES };

/** Job folders older than this are removed when the upload folder is first used (left by a killed server). */
const STALE_MS = 24 * 60 * 60 * 1000;
const SNIFF_BYTES = 64 * 1024;
const MAX_NAME_CHARS = 200;
const MAX_TITLE_CHARS = 200;
const DATASET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export interface UploadOptions {
  /**
   * The upload folder (created 0700), e.g. HOME/uploads beside the store; default `nexus-uploads` in the OS temp
   * folder.
   */
  dir?: string;
  /** Largest request body; default 256 MB. */
  maxBytes?: number;
  /** Most entries in a ZIP archive (folders and skipped files count); default 1000. */
  maxEntries?: number;
  /** Most bytes an archive (ZIP or gzip) may expand to, all entries together; default 1 GB. */
  maxUncompressedBytes?: number;
  /** Highest compression ratio of an entry, and of the whole archive, from 1 MB uncompressed; default 100. */
  maxRatio?: number;
  /** Statements per committed batch (default 10,000: each is a synchronous write the server waits out). */
  batchSize?: number;
  /** The job registry, or options for the one made for this app. */
  jobs?: JobRegistry | JobRegistryOptions;
  /**
   * The durable queue (`nexus serve --queue`, src/work): uploads become jobs for `nexus worker` processes, which
   * must read this upload folder at the same path (a shared volume), and the job routes read the queue. Without
   * it, jobs run in this process.
   */
  queue?: JobQueue;
  /** How often idle event streams get a heartbeat comment; default 15 s. */
  heartbeatMs?: number;
}

export interface UploadRouteDeps {
  store: Store;
  contextFor(req: Request, requestId: string): AccessContext;
  /** The signed-in user behind a request, when the app authenticates; the job re-checks it when it starts. */
  authenticated?: (requestId: string) => Authenticated | undefined;
  clock?: () => Date;
  log?: (line: object) => void;
}

interface Limits {
  maxBytes: number;
  maxEntries: number;
  maxUncompressedBytes: number;
  maxRatio: number;
}

// ---- content types ----------------------------------------------------------------------------------------------

/** What the bytes are, by magic numbers and structure (never by name). */
export type ContentKind = 'zip' | 'gzip' | 'xml' | 'json' | 'text' | 'binary';
/** What the client says the file is; `anytext` for text/plain. */
type Claim = 'text' | 'json' | 'xml' | 'zip' | 'gzip' | 'anytext';

const KIND_TEXT: Record<ContentKind, string> = {
  zip: 'a ZIP archive',
  gzip: 'gzip-compressed',
  xml: 'XML',
  json: 'JSON',
  text: 'delimited text (CSV)',
  binary: 'binary data',
};
const CLAIM_TEXT: Record<Claim, string> = {
  text: 'CSV',
  json: 'JSON',
  xml: 'XML',
  zip: 'ZIP',
  gzip: 'gzip',
  anytext: 'text',
};

function startsWith(head: Uint8Array, ...bytes: number[]): boolean {
  return bytes.every((b, i) => head[i] === b);
}

const BINARY_MAGIC: number[][] = [
  [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  [0x42, 0x5a, 0x68], // bzip2
  [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], // 7z
  [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], // xz
  [0x28, 0xb5, 0x2f, 0xfd], // zstd
  [0x52, 0x61, 0x72, 0x21], // Rar!
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x47, 0x49, 0x46, 0x38], // GIF8
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0xd0, 0xcf, 0x11, 0xe0], // OLE2: .xls, .doc
  [0xff, 0xfe], // UTF-16 LE BOM: the readers take UTF-8
  [0xfe, 0xff], // UTF-16 BE BOM
];

/** The kind of content from its first bytes (up to 64 KB). */
export function sniff(head: Uint8Array): ContentKind {
  if (
    startsWith(head, 0x50, 0x4b, 0x03, 0x04) ||
    startsWith(head, 0x50, 0x4b, 0x05, 0x06) ||
    startsWith(head, 0x50, 0x4b, 0x07, 0x08)
  )
    return 'zip';
  if (startsWith(head, 0x1f, 0x8b)) return 'gzip';
  if (BINARY_MAGIC.some((m) => startsWith(head, ...m))) return 'binary';
  const start = startsWith(head, 0xef, 0xbb, 0xbf) ? 3 : 0;
  let controls = 0;
  for (let i = start; i < head.length; i++) {
    const b = head[i] as number;
    if (b === 0) return 'binary';
    // Tab, LF, FF, CR, and SUB (the DOS end-of-file mark that OFAC files still end with) occur in text.
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1a) || b === 0x7f)
      controls++;
  }
  if (controls > 0 && controls * 100 >= head.length - start) return 'binary';
  let i = start;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d))
    i++;
  const first = head[i];
  if (first === 0x3c) return 'xml'; // <
  if (first === 0x7b || first === 0x5b) return 'json'; // { [
  return 'text';
}

const TYPE_CLAIMS = new Map<string, Claim | null>([
  // The content decides: no claim.
  ['application/octet-stream', null],
  ['application/x-www-form-urlencoded', null], // curl --data-binary sends this unless told otherwise
  ['binary/octet-stream', null],
  ['text/plain', 'anytext'],
  ['text/csv', 'text'],
  ['application/csv', 'text'],
  ['text/tab-separated-values', 'text'],
  ['application/vnd.ms-excel', 'text'], // what some browsers call a .csv file
  ['application/json', 'json'],
  ['application/x-ndjson', 'json'],
  ['application/ndjson', 'json'],
  ['application/jsonl', 'json'],
  ['application/x-jsonlines', 'json'],
  ['application/jsonlines', 'json'],
  ['application/xml', 'xml'],
  ['text/xml', 'xml'],
  ['application/zip', 'zip'],
  ['application/x-zip-compressed', 'zip'],
  ['application/x-zip', 'zip'],
  ['application/gzip', 'gzip'],
  ['application/x-gzip', 'gzip'],
]);

const NAME_CLAIMS = new Map<string, Claim>([
  ['.csv', 'text'],
  ['.tsv', 'text'],
  ['.txt', 'anytext'],
  ['.json', 'json'],
  ['.jsonl', 'json'],
  ['.ndjson', 'json'],
  ['.ftm', 'json'],
  ['.xml', 'xml'],
  ['.zip', 'zip'],
  ['.xlsx', 'zip'],
  ['.gz', 'gzip'],
  ['.gzip', 'gzip'],
]);

/** The kind the Content-Type header claims; refuses multipart bodies and types no reader takes. */
function claimOfType(header: string | undefined): Claim | null {
  const type = header?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === '') return null;
  if (type === 'multipart/form-data')
    throw new ApiError(
      415,
      'UPLOAD_TYPE_UNSUPPORTED',
      'ingest: send the file itself as the request body (Content-Type: application/octet-stream), not a form',
    );
  const known = TYPE_CLAIMS.get(type);
  if (known !== undefined) return known;
  if (/^application\/[a-z0-9.+-]+\+json$/.test(type)) return 'json';
  if (/^application\/[a-z0-9.+-]+\+xml$/.test(type)) return 'xml';
  throw new ApiError(
    415,
    'UPLOAD_TYPE_UNSUPPORTED',
    'ingest: unsupported Content-Type; send application/octet-stream or the type of a CSV, JSON, XML, ZIP or gzip file',
  );
}

function claimOfName(name: string | undefined): Claim | null {
  if (name === undefined) return null;
  return NAME_CLAIMS.get(extname(name).toLowerCase()) ?? null;
}

function fits(claim: Claim, kind: ContentKind): boolean {
  if (claim === 'anytext') return kind === 'text' || kind === 'json' || kind === 'xml';
  return claim === kind;
}

function mismatch(claim: Claim, kind: ContentKind, what: string): ApiError {
  return new ApiError(
    415,
    'UPLOAD_TYPE_MISMATCH',
    `ingest: ${what} says ${CLAIM_TEXT[claim]} but the content is ${KIND_TEXT[kind]}`,
  );
}

// ---- names ------------------------------------------------------------------------------------------------------

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffd]/;

/** The client's file name: plain text without folders; only its safe form is ever used on disk. */
function checkUploadName(raw: string | null): string | undefined {
  if (raw === null || raw === '') return undefined;
  if (CONTROL.test(raw))
    throw new ApiError(
      400,
      'UPLOAD_NAME_INVALID',
      'ingest: filename holds CR, LF or other control characters',
    );
  if (raw.length > MAX_NAME_CHARS)
    throw new ApiError(
      400,
      'UPLOAD_NAME_INVALID',
      `ingest: filename is longer than ${MAX_NAME_CHARS} characters`,
    );
  if (/[/\\]/.test(raw) || raw === '.' || raw === '..' || /^[A-Za-z]:/.test(raw))
    throw new ApiError(
      400,
      'UPLOAD_NAME_INVALID',
      'ingest: filename must be a bare file name, without folders',
    );
  return raw;
}

/** A name safe on any file system: letters, digits, `.`, `_` and `-`, not hidden, at most 100 characters. */
export function safeFileName(name: string): string {
  const clean = name
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '');
  if (clean.length <= 100) return clean === '' ? 'file' : clean;
  const ext = extname(clean).slice(0, 20);
  return `${clean.slice(0, 100 - ext.length)}${ext}`;
}

const EXT_FOR: Partial<Record<ContentKind, string>> = { json: '.json', xml: '.xml', text: '.csv' };

/** The name a file gets on disk, with an extension that tells the format guesser what it is. */
function diskName(name: string | undefined, kind: ContentKind): string {
  const safe = safeFileName(name ?? 'upload');
  return extname(safe) === '' ? `${safe}${EXT_FOR[kind] ?? ''}` : safe;
}

// ---- the body ---------------------------------------------------------------------------------------------------

function tooLarge(max: number): ApiError {
  return new ApiError(413, 'UPLOAD_TOO_LARGE', `ingest: the upload is larger than ${max} bytes`);
}

/** Streams the body to a new file, counting; refuses past `max` (a chunked body is cut off there). */
export async function receiveBody(
  body: ReadableStream<Uint8Array> | null,
  path: string,
  max: number,
): Promise<number> {
  const file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  let bytes = 0;
  const reader = body?.getReader();
  try {
    if (!reader) return 0;
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch {
        throw new ApiError(400, 'UPLOAD_INCOMPLETE', 'ingest: the upload was interrupted');
      }
      const { done, value } = chunk;
      if (done) break;
      bytes += value.byteLength;
      if (bytes > max) {
        await reader.cancel().catch(() => {});
        throw tooLarge(max);
      }
      await file.write(value);
    }
    return bytes;
  } finally {
    reader?.releaseLock();
    await file.close();
  }
}

async function readHead(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await file.read(buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

// ---- archives ---------------------------------------------------------------------------------------------------

function archiveInvalid(detail: string): ApiError {
  return new ApiError(400, 'ARCHIVE_INVALID', `ingest: ${detail}`);
}

function bomb(): ApiError {
  return new ApiError(
    413,
    'ARCHIVE_BOMB',
    'ingest: the archive expands far more than data does (a compression bomb); refused',
  );
}

function archiveTooLarge(max: number): ApiError {
  return new ApiError(413, 'ARCHIVE_TOO_LARGE', `ingest: the archive expands to more than ${max} bytes`);
}

/** Checks one central-directory entry by the rules evidence ingest shares (src/ingest/archive-checks.ts). */
function checkEntry(entry: Entry): { name: string; file: boolean } {
  try {
    return checkZipEntry(entry);
  } catch (err) {
    if (err instanceof ArchiveRefusal) throw new ApiError(400, err.code, `ingest: ${err.message}`);
    throw err;
  }
}

async function openZip(path: string): Promise<ZipFile> {
  try {
    return await yauzl.openPromise(path, {
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: true,
      strictFileNames: true,
    });
  } catch {
    throw archiveInvalid('the ZIP archive cannot be read (corrupt, truncated or split)');
  }
}

/**
 * Checks every entry of the central directory first (count, names, links, sizes, ratios), then writes the files
 * flat into `dir` under safe names, counting bytes again as they are inflated. Answers the written paths.
 */
export async function unpackZip(
  path: string,
  archiveBytes: number,
  dir: string,
  limits: Limits,
): Promise<string[]> {
  const zip = await openZip(path);
  try {
    if (zip.entryCount > limits.maxEntries)
      throw new ApiError(
        413,
        'ARCHIVE_TOO_MANY_ENTRIES',
        `ingest: the archive holds more than ${limits.maxEntries} entries`,
      );
    const files: { entry: Entry; name: string }[] = [];
    const names = new Set<string>();
    let total = 0;
    let count = 0;
    try {
      for await (const entry of zip.eachEntry()) {
        if (++count > limits.maxEntries)
          throw new ApiError(
            413,
            'ARCHIVE_TOO_MANY_ENTRIES',
            `ingest: the archive holds more than ${limits.maxEntries} entries`,
          );
        const { name, file } = checkEntry(entry);
        total += entry.uncompressedSize;
        if (total > limits.maxUncompressedBytes) throw archiveTooLarge(limits.maxUncompressedBytes);
        if (ratioTooHigh(entry.uncompressedSize, entry.compressedSize, limits.maxRatio)) throw bomb();
        if (!file) continue;
        const safe = safeFileName(basename(name));
        if (names.has(safe.toLowerCase()))
          throw archiveInvalid(`two archive entries are both called ${safe}`);
        names.add(safe.toLowerCase());
        files.push({ entry, name: safe });
      }
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw archiveInvalid('the ZIP archive cannot be read (corrupt, truncated or split)');
    }
    // Entries may share compressed data (an overlapping bomb): the whole archive is judged too.
    if (ratioTooHigh(total, archiveBytes, limits.maxRatio)) throw bomb();
    if (files.length === 0) throw archiveInvalid('the archive holds no file to ingest');

    const written: string[] = [];
    let inflated = 0;
    for (const { entry, name } of files) {
      const target = resolve(dir, name);
      if (!target.startsWith(resolve(dir) + sep)) throw new Error('uploads: entry path left the folder');
      const out = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      let bytes = 0;
      const { sink, state } = checkedSink(out, (n) => {
        bytes += n;
        inflated += n;
        if (bytes > entry.uncompressedSize)
          throw archiveInvalid(`archive entry ${name} holds more than its stated size`);
        if (inflated > limits.maxUncompressedBytes) throw archiveTooLarge(limits.maxUncompressedBytes);
      });
      try {
        await pipeline(await zip.openReadStreamPromise(entry), sink);
      } catch (err) {
        if (state.refused) throw state.refused;
        if (err instanceof ApiError) throw err;
        // yauzl checks sizes and CRCs as it inflates: an entry that lies about them is refused.
        throw archiveInvalid(`archive entry ${name} cannot be read (corrupt, or its sizes do not match)`);
      } finally {
        await out.close();
      }
      written.push(target);
    }
    return written;
  } finally {
    zip.close();
  }
}

/**
 * A pipeline end that writes to `out` after `check` has counted each chunk. A refusal thrown by `check` is kept
 * in `state`, since the pipeline itself rejects with an AbortError when its last stage throws.
 */
function checkedSink(out: FileHandle, check: (bytes: number) => void) {
  const state: { refused?: ApiError } = {};
  const sink = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      try {
        check(chunk.length);
      } catch (err) {
        if (err instanceof ApiError) state.refused = err;
        throw err;
      }
      await out.write(chunk);
    }
  };
  return { sink, state };
}

/** Inflates a gzip upload into `dest` within the same limits as a ZIP archive. */
export async function gunzipTo(
  src: string,
  dest: string,
  compressedBytes: number,
  limits: Limits,
): Promise<void> {
  const out = await open(dest, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  let bytes = 0;
  const { sink, state } = checkedSink(out, (n) => {
    bytes += n;
    if (bytes > limits.maxUncompressedBytes) throw archiveTooLarge(limits.maxUncompressedBytes);
    if (ratioTooHigh(bytes, compressedBytes, limits.maxRatio)) throw bomb();
  });
  try {
    await pipeline(createReadStream(src), createGunzip(), sink);
  } catch (err) {
    if (state.refused) throw state.refused;
    if (err instanceof ApiError) throw err;
    throw archiveInvalid('not a valid gzip file');
  } finally {
    await out.close();
  }
}

// ---- the upload folder ------------------------------------------------------------------------------------------

/** Creates the folder (0700) and makes sure it is a real folder of this user that nobody else can open. */
async function prepareRoot(root: string): Promise<void> {
  await mkdir(root, { recursive: true, mode: 0o700 });
  const st = await lstat(root);
  if (!st.isDirectory()) throw new Error('uploads: the upload folder is not a folder');
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid)
    throw new Error('uploads: the upload folder belongs to another user');
  if ((st.mode & 0o077) !== 0)
    throw new Error('uploads: the upload folder is open to other users (want 0700)');
}

async function sweepStale(root: string, now: number): Promise<void> {
  for (const name of await readdir(root)) {
    if (!/^job-[A-Za-z0-9]+$/.test(name)) continue;
    const path = join(root, name);
    try {
      if (now - (await stat(path)).mtimeMs > STALE_MS) await rm(path, { recursive: true, force: true });
    } catch {
      // Gone already, or not ours to remove: left alone.
    }
  }
}

// ---- authority --------------------------------------------------------------------------------------------------

/**
 * The check a job makes when it starts (SECURITY.md R17). With authentication: the user must still exist, be
 * enabled and be at the version they had when they uploaded (any change of role, clearance, caveats or password
 * moves it), and the session or token used must still be valid; the job then acts with the user's context as it is
 * now. Without authentication the service account's context is used as is.
 */
function authorityOf(
  deps: UploadRouteDeps,
  ctx: AccessContext,
  requestId: string,
  marking: string,
): () => Promise<AccessContext> {
  const found = deps.authenticated?.(requestId);
  const level = parseMarking(marking);
  const ensure = (now: AccessContext) => {
    if (!canSee(now, level))
      throw new ApiError(
        403,
        'JOB_AUTHORITY_CHANGED',
        'the user no longer holds the clearance for this marking',
      );
    return now;
  };
  if (!found) return async () => ensure(ctx);
  const snapshot = { name: found.user.name, version: found.user.version, tokenHash: found.tokenHash };
  return async () => {
    const sys = makeContext({
      user: 'nexus-jobs',
      clearance: 'OFFICIAL',
      purpose: 'job authority check',
      requestId: ctx.requestId,
    });
    const user = await deps.store.getUser(sys, snapshot.name);
    if (!user || user.disabled || user.version !== snapshot.version)
      throw new ApiError(
        403,
        'JOB_AUTHORITY_CHANGED',
        "the user's account, role or clearance changed after the job was queued; upload again",
      );
    const session = await deps.store.sessionByTokenHash(sys, snapshot.tokenHash);
    const now = (deps.clock ?? (() => new Date()))().toISOString();
    if (
      !session ||
      session.user.name !== user.name ||
      (session.session.expiresAt !== null && session.session.expiresAt <= now)
    )
      throw new ApiError(
        401,
        'JOB_SESSION_ENDED',
        'the session that queued the job has ended; sign in and upload again',
      );
    return ensure(
      makeContext({
        user: user.name,
        clearance: user.clearance,
        caveats: user.caveats,
        purpose: ctx.purpose,
        requestId: ctx.requestId,
      }),
    );
  };
}

// ---- routes -----------------------------------------------------------------------------------------------------

function bad(detail: string): ApiError {
  return new ApiError(400, 'USAGE_INVALID', `ingest: ${detail}`);
}

function optionalText(q: URLSearchParams, name: string, max: number): string | undefined {
  const raw = q.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  if (raw.length > max || CONTROL.test(raw))
    throw bad(`${name} must be at most ${max} characters of plain text`);
  return raw.trim();
}

/** The readers an upload may use: all but mapped sheets, which need a mapping file. */
function uploadFormats(): string[] {
  return [...readers.keys()].filter((f) => f !== 'mapping');
}

const OFAC_FILE = /^(?:sdn|add|alt|sdn_comments|cons_prim|cons_add|cons_alt|cons_comments)\.csv$/i;

/** The format to read the files with: the one asked for, else guessed from names and first bytes. */
function formatFor(
  asked: string | undefined,
  paths: string[],
  dir: string,
): { format: string; paths: string[] } {
  // The OFAC reader takes the folder holding the CSV set.
  const ofac = paths.some((p) => OFAC_FILE.test(basename(p)));
  const sources = ofac && (asked === undefined || asked === 'ofac') ? [dir] : paths;
  if (asked !== undefined) return { format: asked, paths: sources };
  try {
    return { format: guessFormat(sources, false), paths: sources };
  } catch (err) {
    if (!isNexusError(err)) throw err;
    // The guesser's message names the file by its path in the upload folder.
    throw new ApiError(
      400,
      'FORMAT_UNKNOWN',
      `ingest: cannot tell the format of the upload; give format= (${uploadFormats().join(', ')})`,
    );
  }
}

/** The per-user cap on jobs: the registry's option when given, else its default. */
function maxPerUser(options: UploadOptions): number | undefined {
  return options.jobs instanceof JobRegistry ? undefined : options.jobs?.maxPerUser;
}

/** POST /ingest and the /jobs routes, with the registry they share. */
export function uploadRoutes(deps: UploadRouteDeps, options: UploadOptions = {}): Hono<AppEnv> {
  const registry =
    options.jobs instanceof JobRegistry
      ? options.jobs
      : new JobRegistry({ clock: deps.clock, log: deps.log, ...(options.jobs ?? {}) });
  const root = resolve(options.dir ?? join(tmpdir(), 'nexus-uploads'));
  const limits: Limits = {
    maxBytes: options.maxBytes ?? DEFAULT_UPLOAD_MAX_BYTES,
    maxEntries: options.maxEntries ?? DEFAULT_ARCHIVE_MAX_ENTRIES,
    maxUncompressedBytes: options.maxUncompressedBytes ?? DEFAULT_ARCHIVE_MAX_BYTES,
    maxRatio: options.maxRatio ?? DEFAULT_ARCHIVE_MAX_RATIO,
  };
  let ready: Promise<void> | undefined;
  const prepared = () => {
    ready ??= prepareRoot(root).then(() => sweepStale(root, Date.now()));
    // A failure is tried again on the next upload.
    return ready.catch((err) => {
      ready = undefined;
      throw err;
    });
  };

  const app = new Hono<AppEnv>();
  app.onError(answerCoded);

  app.post('/ingest', async (c: Context<AppEnv>) => {
    const requestId = c.get('requestId');
    const ctx = deps.contextFor(c.req.raw, requestId);
    const q = new URL(c.req.url).searchParams;
    const dataset = q.get('dataset') ?? '';
    if (!DATASET_NAME.test(dataset))
      throw bad('dataset is required: lower-case letters, digits, _ or -, at most 64 characters');
    const format = optionalText(q, 'format', 40);
    if (format !== undefined && !readers.has(format))
      throw bad(`unknown format; known: ${uploadFormats().join(', ')}`);
    if (format === 'mapping')
      throw bad('mapped sheets need a mapping file; load them with `nexus ingest --mapping`');
    const marking = formatMarking(q.get('marking') ? parseMarking(q.get('marking') ?? '') : DEFAULT_MARKING);
    if (!canSee(ctx, parseMarking(marking)))
      throw new ApiError(400, 'MARKING_ABOVE_CLEARANCE', 'ingest: marking is above your clearance');
    const gradingText = optionalText(q, 'grading', 10);
    const grading = gradingText === undefined ? null : parseGrading(gradingText);
    const title = optionalText(q, 'title', MAX_TITLE_CHARS);
    const fileName = checkUploadName(q.get('filename'));
    const typeClaim = claimOfType(c.req.header('content-type'));
    const nameClaim = claimOfName(fileName);
    const declared = c.req.header('content-length');
    if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limits.maxBytes)
      throw tooLarge(limits.maxBytes);

    const reservation = options.queue
      ? await reserveQueued(options.queue, registry, ctx.user, maxPerUser(options))
      : registry.reserve(ctx.user);
    let jobDir: string | undefined;
    try {
      await prepared();
      jobDir = await mkdtemp(join(root, 'job-'));
      const filesDir = join(jobDir, 'files');
      await mkdir(filesDir, { mode: 0o700 });
      const rawPath = join(jobDir, 'upload');
      const bytes = await receiveBody(c.req.raw.body, rawPath, limits.maxBytes);
      if (bytes === 0) throw new ApiError(400, 'UPLOAD_EMPTY', 'ingest: the request body is empty');
      const kind = sniff(await readHead(rawPath));
      if (typeClaim && !fits(typeClaim, kind)) throw mismatch(typeClaim, kind, 'Content-Type');
      if (nameClaim && !fits(nameClaim, kind)) throw mismatch(nameClaim, kind, 'the file name');
      if (kind === 'binary')
        throw new ApiError(
          415,
          'UPLOAD_TYPE_UNSUPPORTED',
          'ingest: the content is not CSV, JSON, XML, ZIP or gzip',
        );

      let files: string[];
      if (kind === 'zip') files = await unpackZip(rawPath, bytes, filesDir, limits);
      else if (kind === 'gzip') {
        const inner = join(jobDir, 'inflated');
        await gunzipTo(rawPath, inner, bytes, limits);
        const innerKind = sniff(await readHead(inner));
        const target = join(filesDir, diskName(fileName?.replace(/\.(gz|gzip)$/i, ''), innerKind));
        await rename(inner, target);
        files = [target];
      } else {
        const target = join(filesDir, diskName(fileName, kind));
        await rename(rawPath, target);
        files = [target];
      }
      await rm(rawPath, { force: true });
      // What came out of an archive is checked like an upload: no archives inside, and names that tell the truth.
      for (const file of kind === 'zip' || kind === 'gzip' ? files : []) {
        const inner = sniff(await readHead(file));
        if (inner === 'zip' || inner === 'gzip')
          throw new ApiError(400, 'ARCHIVE_NESTED', 'ingest: archives inside archives are not taken');
        if (inner === 'binary')
          throw new ApiError(
            415,
            'UPLOAD_TYPE_UNSUPPORTED',
            `ingest: ${basename(file)} is not CSV, JSON or XML`,
          );
        const claim = claimOfName(basename(file));
        if (claim && !fits(claim, inner)) throw mismatch(claim, inner, `the name of ${basename(file)}`);
      }
      files.sort();
      const plan = formatFor(format, files, filesDir);
      const dir = jobDir;
      const scrub = (text: string) => text.split(`${filesDir}${sep}`).join('').split(dir).join('upload');
      // Smaller batches than the CLI's 50,000 statements: each is a synchronous write the server waits out.
      const batchSize = options.batchSize ?? 10_000;
      // Statements name the file as uploaded and its uploader, never the upload folder.
      const names = (user: string) =>
        uploadOriginNames(
          {
            user,
            name: fileName === undefined ? undefined : safeFileName(fileName),
            archive: kind === 'zip',
          },
          files,
        );
      const queued = options.queue
        ? await submitUpload(options.queue, {
            ctx,
            authenticated: deps.authenticated?.(requestId),
            dataset,
            ...(title === undefined ? {} : { title }),
            format: plan.format,
            paths: plan.paths,
            originNames: names(ctx.user),
            marking,
            grading,
            batchSize,
            file: fileName ?? 'upload',
            bytes,
            type: kind,
            dir,
          })
        : undefined;
      if (queued) reservation.release();
      const view =
        queued ??
        registry.create(reservation, {
          kind: 'ingest',
          user: ctx.user,
          dataset,
          params: { file: fileName ?? 'upload', bytes, type: kind, format: plan.format, marking, grading },
          work: {
            authorize: authorityOf(deps, ctx, requestId, marking),
            run: async (jobCtx, signal, hooks) => {
              try {
                return await ingest(jobCtx, deps.store, {
                  dataset,
                  // An existing dataset keeps its title unless one is given; the pipeline decides (R9).
                  ...(title === undefined ? {} : { title }),
                  format: plan.format,
                  paths: plan.paths,
                  originNames: names(jobCtx.user),
                  marking,
                  ...(grading === null ? {} : { grading }),
                  ...(batchSize === undefined ? {} : { batchSize }),
                  signal,
                  onProgress: hooks.progress,
                  onReject: (r) => hooks.reject({ ...r, file: scrub(r.file) }),
                });
              } catch (err) {
                // Reader messages name the file by its path in the upload folder: shown by its name only.
                if (isNexusError(err)) throw new NexusError(err.code, scrub(err.message));
                throw err;
              }
            },
            cleanup: () => rm(dir, { recursive: true, force: true }),
          },
        });
      c.header('Location', `/api/jobs/${view.id}`);
      return c.json(view, 202);
    } catch (err) {
      reservation.release();
      if (jobDir !== undefined) await rm(jobDir, { recursive: true, force: true });
      throw err;
    }
  });

  app.all('/ingest', () => {
    throw new HttpError(405, 'method not allowed', { Allow: 'POST' });
  });

  const jobDeps = { contextFor: deps.contextFor, heartbeatMs: options.heartbeatMs };
  app.route(
    '/',
    options.queue ? queueJobRoutes(options.queue, registry, jobDeps) : jobRoutes(registry, jobDeps),
  );
  return app;
}
