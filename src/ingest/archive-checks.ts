// SECURITY.md R14 checks on one ZIP central-directory entry (names, links, methods) and on compression ratios, before
// anything is inflated: shared by evidence ingest (src/evidence) and the same rules as uploads (src/serve/uploads.ts).
import yauzl, { type Entry } from 'yauzl';

/** A refusal with its stable code (ARCHIVE_NAME_INVALID, ARCHIVE_UNSAFE_PATH, ARCHIVE_SYMLINK, ARCHIVE_INVALID...). */
export class ArchiveRefusal extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'ArchiveRefusal';
    this.code = code;
  }
}

/** Ratios are judged from this many uncompressed bytes up: a small file of repeated text is no bomb. */
export const RATIO_MIN_BYTES = 1024 * 1024;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffd]/;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const WINDOWS_REPARSE_POINT = 0x400;

/** Junk that archivers add: skipped (after the safety checks), never read. */
export function isJunkEntry(name: string): boolean {
  const parts = name.split('/');
  const last = parts.at(-1) ?? '';
  return parts.includes('__MACOSX') || last === '.DS_Store' || last === 'Thumbs.db' || last.startsWith('._');
}

export function ratioTooHigh(uncompressed: number, compressed: number, max: number): boolean {
  return uncompressed >= RATIO_MIN_BYTES && uncompressed / Math.max(1, compressed) > max;
}

/**
 * Checks one central-directory entry (opened with decodeStrings: false); answers its name and whether it is a file to
 * read (not a folder or junk). Refuses control characters in names, absolute or climbing (`..`) paths, symbolic
 * links and other special files, encrypted entries and compression methods other than stored and deflated.
 */
export function checkZipEntry(entry: Entry): { name: string; file: boolean } {
  const raw = entry.fileNameRaw;
  // CP437 names show control bytes as symbols, so the raw bytes are checked as well as the decoded name.
  if (raw.some((b) => b < 0x20 || b === 0x7f))
    throw new ArchiveRefusal(
      'ARCHIVE_NAME_INVALID',
      'an archive entry name holds CR, LF or control characters',
    );
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
  if (CONTROL.test(name) || name.length > 255)
    throw new ArchiveRefusal(
      'ARCHIVE_NAME_INVALID',
      'an archive entry name holds control characters or is too long',
    );
  const parts = name.split('/');
  if (
    name === '' ||
    name.includes('\\') ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    parts.includes('..')
  )
    throw new ArchiveRefusal(
      'ARCHIVE_UNSAFE_PATH',
      'an archive entry path is absolute or climbs out of the archive (`..`); refused',
    );
  const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (
    (mode !== 0 && mode !== S_IFREG && mode !== S_IFDIR) ||
    entry.externalFileAttributes & WINDOWS_REPARSE_POINT
  )
    throw new ArchiveRefusal(
      'ARCHIVE_SYMLINK',
      'the archive holds a symbolic link or another special file; only plain files are taken',
    );
  if (name.endsWith('/') || mode === S_IFDIR) return { name, file: false };
  if (entry.isEncrypted())
    throw new ArchiveRefusal('ARCHIVE_INVALID', 'encrypted archive entries are not supported');
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)
    throw new ArchiveRefusal('ARCHIVE_INVALID', 'archive entries must be stored or deflated');
  return { name, file: !isJunkEntry(name) };
}
