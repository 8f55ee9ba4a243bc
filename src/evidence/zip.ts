// ZIP archives as evidence: every central-directory entry is checked first (count, names, links, sizes, ratios;
// SECURITY.md R14, the same rules as uploads), and only then are the files inflated, in memory, counting bytes again as
// they come (yauzl checks each entry's stated size and CRC while inflating).
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ArchiveRefusal, checkZipEntry, ratioTooHigh } from '../ingest/archive-checks.js';
import { type EvidenceLimits, EvidenceRefusal } from './limits.js';

export interface ZipMember {
  /** The entry's path inside the archive, as checked (no `..`, not absolute). */
  path: string;
  bytes: Buffer;
}

function refusal(err: unknown): EvidenceRefusal {
  if (err instanceof EvidenceRefusal) return err;
  if (err instanceof ArchiveRefusal) return new EvidenceRefusal(err.code, err.message);
  return new EvidenceRefusal(
    'ARCHIVE_INVALID',
    'the ZIP archive cannot be read (corrupt, truncated or split)',
  );
}

async function open(buf: Buffer): Promise<ZipFile> {
  try {
    return await yauzl.fromBufferPromise(buf, {
      decodeStrings: false,
      validateEntrySizes: true,
      strictFileNames: true,
    });
  } catch (err) {
    throw refusal(err);
  }
}

async function inflate(zip: ZipFile, entry: Entry, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  const stream = await zip.openReadStreamPromise(entry);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > limit) {
      stream.destroy();
      throw new EvidenceRefusal('ARCHIVE_TOO_LARGE', `the archive expands to more than its limit`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The files of a ZIP archive, after every entry has passed the checks. `budget` is what the archive may still expand
 * to (nested archives spend their parent's budget). Refuses with ARCHIVE_TOO_MANY_ENTRIES, ARCHIVE_TOO_LARGE,
 * ARCHIVE_BOMB, ARCHIVE_UNSAFE_PATH, ARCHIVE_SYMLINK, ARCHIVE_NAME_INVALID or ARCHIVE_INVALID.
 */
export async function unzipChecked(
  buf: Buffer,
  limits: EvidenceLimits,
  budget: number,
): Promise<ZipMember[]> {
  const zip = await open(buf);
  try {
    if (zip.entryCount > limits.maxEntries)
      throw new EvidenceRefusal(
        'ARCHIVE_TOO_MANY_ENTRIES',
        `the archive holds more than ${limits.maxEntries} entries`,
      );
    const files: { entry: Entry; path: string }[] = [];
    const seen = new Set<string>();
    let total = 0;
    try {
      for await (const entry of zip.eachEntry()) {
        const { name, file } = checkZipEntry(entry);
        total += entry.uncompressedSize;
        if (total > budget)
          throw new EvidenceRefusal('ARCHIVE_TOO_LARGE', `the archive expands to more than ${budget} bytes`);
        if (entry.uncompressedSize > limits.maxFileBytes)
          throw new EvidenceRefusal(
            'FILE_TOO_LARGE',
            `an archive entry is larger than ${limits.maxFileBytes} bytes`,
          );
        if (ratioTooHigh(entry.uncompressedSize, entry.compressedSize, limits.maxRatio))
          throw new EvidenceRefusal(
            'ARCHIVE_BOMB',
            'the archive expands far more than data does (a compression bomb); refused',
          );
        if (!file) continue;
        if (seen.has(name))
          throw new EvidenceRefusal('ARCHIVE_INVALID', `two archive entries are both called ${name}`);
        seen.add(name);
        files.push({ entry, path: name });
      }
    } catch (err) {
      throw refusal(err);
    }
    // Entries may share compressed data (an overlapping bomb): the whole archive is judged too.
    if (ratioTooHigh(total, buf.length, limits.maxRatio))
      throw new EvidenceRefusal(
        'ARCHIVE_BOMB',
        'the archive expands far more than data does (a compression bomb); refused',
      );
    const out: ZipMember[] = [];
    let inflated = 0;
    for (const { entry, path } of files) {
      let bytes: Buffer;
      try {
        bytes = await inflate(zip, entry, Math.min(entry.uncompressedSize, budget - inflated));
      } catch (err) {
        throw refusal(err);
      }
      inflated += bytes.length;
      out.push({ path, bytes });
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  } finally {
    zip.close();
  }
}
