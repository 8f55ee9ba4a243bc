// The reader registry and format guessing from file names and first bytes.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { NexusError } from '../model/index.js';
import { adjacencyReader, edgelistReader } from './adjacency-reader.js';
import { ftmReader } from './ftm-reader.js';
import { mappingReader } from './mapping-reader.js';
import { ofacReader } from './ofac-reader.js';
import type { Reader } from './reader.js';
import { stixReader } from './stix-reader.js';
import { unReader } from './un-reader.js';

export const readers: ReadonlyMap<string, Reader> = new Map(
  [ftmReader, ofacReader, unReader, stixReader, mappingReader, adjacencyReader, edgelistReader].map((r) => [
    r.format,
    r,
  ]),
);

const OFAC_FILES = new Set([
  'sdn.csv',
  'add.csv',
  'alt.csv',
  'sdn_comments.csv',
  'cons_prim.csv',
  'cons_add.csv',
  'cons_alt.csv',
  'cons_comments.csv',
]);

export function getReader(format: string): Reader {
  const reader = readers.get(format);
  if (!reader)
    throw new NexusError(
      'FORMAT_UNKNOWN',
      `ingest: unknown format "${format}"; known: ${[...readers.keys()].join(', ')}`,
    );
  return reader;
}

function head(path: string, bytes = 4096): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/** Guesses the format of the first path: by name for OFAC sets and mapped sheets, by content otherwise. */
export function guessFormat(paths: readonly string[], hasMapping: boolean): string {
  const first = paths[0];
  if (first === undefined) throw new NexusError('USAGE_INVALID', 'ingest: no input path given');
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(first);
  } catch {
    throw new NexusError('SOURCE_UNREADABLE', `ingest: ${first}: no such file or directory`, { file: first });
  }
  if (stat.isDirectory()) return 'ofac';
  if (OFAC_FILES.has(basename(first).toLowerCase())) return 'ofac';
  const ext = extname(first).toLowerCase();
  if (hasMapping && (ext === '.csv' || ext === '.xlsx' || ext === '.tsv')) return 'mapping';
  if (ext === '.gz') return 'ftm';
  const text = head(first)
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart();
  if (text.startsWith('<')) {
    if (text.includes('CONSOLIDATED_LIST')) return 'un';
    throw new NexusError(
      'FORMAT_UNKNOWN',
      `ingest: ${first}: XML that is not the UN consolidated list; give --format`,
      { file: first },
    );
  }
  if (text.startsWith('{')) {
    const firstLine = text.split('\n', 1)[0] ?? '';
    if (/"type"\s*:\s*"bundle"/.test(text.slice(0, 400)) || /"spec_version"/.test(text.slice(0, 400)))
      return 'stix';
    if (/"schema"\s*:/.test(firstLine) || ext === '.jsonl' || ext === '.ndjson') return 'ftm';
  }
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.ftm') return 'ftm';
  if (hasMapping) return 'mapping';
  throw new NexusError(
    'FORMAT_UNKNOWN',
    `ingest: ${first}: cannot tell the format; give --format (${[...readers.keys()].join(', ')})`,
    { file: first },
  );
}
