// What a file is, from its bytes (magic numbers and structure), never from its name; and polyglots, files that are
// two things at once (a PDF that is also a ZIP), which are refused rather than read as either.

/** The kinds of evidence Nexus reads; `binary` is anything else (kept as a Document with its hashes only). */
export type EvidenceKind =
  | 'pdf'
  | 'zip'
  | 'docx'
  | 'xlsx'
  | 'email'
  | 'html'
  | 'text'
  | 'jpeg'
  | 'png'
  | 'webp'
  | 'gif'
  | 'tiff'
  | 'heic'
  | 'mp4'
  | 'binary';

export const MIME: Record<EvidenceKind, string> = {
  pdf: 'application/pdf',
  zip: 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  email: 'message/rfc822',
  html: 'text/html',
  text: 'text/plain',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  heic: 'image/heic',
  mp4: 'video/mp4',
  binary: 'application/octet-stream',
};

export const IMAGE_KINDS: ReadonlySet<EvidenceKind> = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heic']);

function at(buf: Uint8Array, offset: number, ...bytes: number[]): boolean {
  return bytes.every((b, i) => buf[offset + i] === b);
}

function ascii(buf: Uint8Array, offset: number, length: number): string {
  return Buffer.from(
    buf.buffer,
    buf.byteOffset + offset,
    Math.max(0, Math.min(length, buf.length - offset)),
  ).toString('latin1');
}

/** A ZIP's end-of-central-directory record within the last 64 KB + 22 bytes. */
function hasZipDirectory(buf: Uint8Array): boolean {
  const from = Math.max(0, buf.length - 65_557);
  for (let i = buf.length - 22; i >= from; i--) if (at(buf, i, 0x50, 0x4b, 0x05, 0x06)) return true;
  return false;
}

/** The OOXML kind of a ZIP from its entry names (read from local headers), or plain `zip`. */
function zipKind(buf: Uint8Array): EvidenceKind {
  const head = ascii(buf, 0, Math.min(buf.length, 64 * 1024));
  if (!head.includes('[Content_Types].xml')) return 'zip';
  if (head.includes('word/')) return 'docx';
  if (head.includes('xl/')) return 'xlsx';
  return 'zip';
}

const EMAIL_HEADERS =
  /^(?:return-path|received|from|to|subject|date|message-id|mime-version|delivered-to|x-[\w-]+):/im;

function textKind(text: string): EvidenceKind {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (/^<(?:!doctype html|html|head|body)\b/i.test(start)) return 'html';
  // RFC 5322: a message starts with header fields; a few of the usual ones near the top make it an email.
  const top = start.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const lines = top.split(/\r?\n/).slice(0, 40);
  const fields = lines.filter((l) => EMAIL_HEADERS.test(l)).length;
  if (fields >= 2 && /^[\w-]+:/.test(lines[0] ?? '') && /^(?:from|date|subject):/im.test(top)) return 'email';
  return 'text';
}

/** True when the bytes decode as text: no NUL and few control characters. */
function looksLikeText(buf: Uint8Array): boolean {
  const n = Math.min(buf.length, 64 * 1024);
  let controls = 0;
  for (let i = 0; i < n; i++) {
    const b = buf[i] as number;
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) controls++;
  }
  return controls * 100 < Math.max(1, n);
}

export interface Sniffed {
  kind: EvidenceKind;
  mime: string;
  /** Set when the bytes are also a second kind of container: the file is refused as a polyglot. */
  polyglot?: string;
}

function bmffBrand(buf: Uint8Array): EvidenceKind | undefined {
  if (!at(buf, 4, 0x66, 0x74, 0x79, 0x70)) return undefined; // ftyp
  const brands = ascii(buf, 8, Math.min(64, buf.length - 8));
  if (/heic|heix|mif1|msf1|heim|heis|hevc|avif/.test(brands)) return 'heic';
  return 'mp4';
}

/** The kind of a file from its bytes. */
export function sniff(buf: Uint8Array): Sniffed {
  let kind: EvidenceKind;
  if (at(buf, 0, 0x25, 0x50, 0x44, 0x46, 0x2d)) kind = 'pdf';
  else if (at(buf, 0, 0x50, 0x4b, 0x03, 0x04) || at(buf, 0, 0x50, 0x4b, 0x05, 0x06)) kind = zipKind(buf);
  else if (at(buf, 0, 0xff, 0xd8, 0xff)) kind = 'jpeg';
  else if (at(buf, 0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) kind = 'png';
  else if (at(buf, 0, 0x52, 0x49, 0x46, 0x46) && at(buf, 8, 0x57, 0x45, 0x42, 0x50)) kind = 'webp';
  else if (at(buf, 0, 0x47, 0x49, 0x46, 0x38)) kind = 'gif';
  else if (at(buf, 0, 0x49, 0x49, 0x2a, 0x00) || at(buf, 0, 0x4d, 0x4d, 0x00, 0x2a)) kind = 'tiff';
  else kind = bmffBrand(buf) ?? (looksLikeText(buf) ? textKind(ascii(buf, 0, 8192)) : 'binary');
  const polyglot = polyglotOf(buf, kind);
  return { kind, mime: MIME[kind], ...(polyglot ? { polyglot } : {}) };
}

/**
 * A second container inside a file of another kind: a ZIP directory at the end of a PDF or an image (the classic
 * GIFAR/PDF-ZIP trick), or a PDF header early in an image or an archive. Readers of each kind would see different
 * files, so the evidence would not be one thing.
 */
function polyglotOf(buf: Uint8Array, kind: EvidenceKind): string | undefined {
  const zipLike = kind === 'zip' || kind === 'docx' || kind === 'xlsx';
  if (!zipLike && kind !== 'binary' && kind !== 'text' && hasZipDirectory(buf)) return 'a ZIP archive';
  if (kind !== 'pdf' && kind !== 'text' && kind !== 'html' && kind !== 'email') {
    // PDF readers accept a header anywhere in the first 1024 bytes.
    const head = ascii(buf, 0, 1024);
    if (head.indexOf('%PDF-') > 0) return 'a PDF';
  }
  return undefined;
}
