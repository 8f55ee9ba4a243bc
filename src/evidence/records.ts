// One evidence file and everything inside it as FtM entities: the file's Document (or Pages, Email, Image, ...) with
// its hashes, size, type by content, text and properties; its attachments and archive entries as child documents
// (`parent`); the Mentions found in its text; and the Folders above it. Ids come from the content hash and the path,
// so reading the same evidence again gives the same entities.
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import type { AccessContext } from '../access/index.js';
import { addValue, type EntityRecord, newEntity, type Reject } from '../ingest/index.js';
import { formatMarking, highestMarking, parseMarking, stableId } from '../model/index.js';
import type { Store } from '../store/index.js';
import { type Extracted, extract } from './extract.js';
import { type EvidenceLimits, EvidenceRefusal } from './limits.js';
import { findMentions, type MentionOptions } from './mentions.js';
import { sniff } from './sniff.js';
import { foldersOf } from './walk.js';

/** FtM text values are at most 65,000 characters: longer text is kept as several bodyText values of this size. */
const TEXT_PIECE = 60_000;

export interface TreeOptions {
  ctx: AccessContext;
  store: Store;
  limits: EvidenceLimits;
  ocr: boolean;
  ocrLanguages?: readonly string[];
  mentions: MentionOptions;
  /** The ingest's marking (canonical text). */
  marking: string;
}

export interface FileTree {
  entities: EntityRecord[];
  /** Mentions resolved to entities marked higher than the ingest: written at that marking (see FoundMention). */
  raised: { entity: EntityRecord; marking: string }[];
  rejects: Reject[];
  /** Files read (the file and everything inside it). */
  documents: number;
}

export function documentId(sha256: string, rel: string): string {
  return stableId('doc', sha256, rel);
}

export function folderId(rel: string): string {
  return stableId('folder', rel);
}

/** The text in pieces of at most TEXT_PIECE characters, cut at a line or space where one is near. */
export function textPieces(text: string): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    let end = Math.min(text.length, at + TEXT_PIECE);
    if (end < text.length) {
      const cut = Math.max(text.lastIndexOf('\n', end), text.lastIndexOf(' ', end));
      if (cut > at + TEXT_PIECE / 2) end = cut + 1;
    }
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}

/** Folder entities for the folders above a file (each names its own parent). */
export function folderEntities(rel: string): EntityRecord[] {
  return foldersOf(rel).map((dir, i, all) => {
    const f = newEntity(folderId(dir), 'Folder');
    addValue(f, 'fileName', basename(dir));
    addValue(f, 'title', dir);
    if (i > 0) addValue(f, 'parent', folderId(all[i - 1] as string));
    return f;
  });
}

function documentEntity(
  id: string,
  rel: string,
  bytes: Buffer,
  x: Extracted,
  parent: string | undefined,
): EntityRecord {
  const e = newEntity(id, x.schema);
  const name = basename(rel);
  addValue(e, 'fileName', name);
  addValue(e, 'extension', extname(name).slice(1).toLowerCase() || undefined);
  addValue(e, 'fileSize', bytes.length);
  addValue(e, 'mimeType', x.mime);
  addValue(e, 'contentHash', createHash('sha1').update(bytes).digest('hex'));
  addValue(e, 'sha256', createHash('sha256').update(bytes).digest('hex'));
  if (parent) addValue(e, 'parent', parent);
  for (const [prop, values] of x.props) for (const v of values) addValue(e, prop, v);
  for (const piece of textPieces(x.text)) addValue(e, 'bodyText', piece);
  for (const s of x.status) addValue(e, 'processingStatus', s);
  return e;
}

function refused(rel: string, err: unknown): Reject {
  if (err instanceof EvidenceRefusal)
    return { kind: 'reject', file: rel, code: err.code, reason: err.message };
  // A reader that fails in a way it did not foresee: the file is left out and says why; the run goes on.
  return {
    kind: 'reject',
    file: rel,
    code: 'FILE_UNREADABLE',
    reason: `cannot read: ${err instanceof Error ? err.message.slice(0, 200) : 'error'}`,
  };
}

const CONTAINERS = new Set(['zip', 'email']);

/**
 * Reads a file and, depth first, the files inside it. `expanded` counts the bytes archives in this tree have produced,
 * so nested archives share their top file's limit.
 */
export async function readTree(
  rel: string,
  bytes: Buffer,
  parent: string | undefined,
  opts: TreeOptions,
): Promise<FileTree> {
  const tree: FileTree = { entities: [], raised: [], rejects: [], documents: 0 };
  let expanded = 0;
  const visit = async (path: string, data: Buffer, parentId: string | undefined, depth: number) => {
    try {
      if (data.length > opts.limits.maxFileBytes)
        throw new EvidenceRefusal(
          'FILE_TOO_LARGE',
          `the file is larger than ${opts.limits.maxFileBytes} bytes`,
        );
      const sniffed = sniff(data);
      if (CONTAINERS.has(sniffed.kind) && depth >= opts.limits.maxDepth)
        throw new EvidenceRefusal(
          'ARCHIVE_TOO_DEEP',
          `containers nested deeper than ${opts.limits.maxDepth} levels are not opened`,
        );
      const x = await extract(
        data,
        {
          limits: opts.limits,
          ocr: opts.ocr,
          ...(opts.ocrLanguages ? { ocrLanguages: opts.ocrLanguages } : {}),
          budget: opts.limits.maxUncompressedBytes - expanded,
        },
        sniffed,
      );
      if (sniffed.kind === 'zip') {
        expanded += x.children.reduce((n, c) => n + c.bytes.length, 0);
        if (expanded > opts.limits.maxUncompressedBytes)
          throw new EvidenceRefusal(
            'ARCHIVE_TOO_LARGE',
            `archives in this file expand to more than ${opts.limits.maxUncompressedBytes} bytes`,
          );
      }
      const sha = createHash('sha256').update(data).digest('hex');
      const id = documentId(sha, path);
      const doc = documentEntity(id, path, data, x, parentId);
      const found = await findMentions(opts.ctx, opts.store, id, x.text, opts.mentions, opts.marking);
      for (const [prop, values] of found.documentProps) for (const v of values) addValue(doc, prop, v);
      tree.entities.push(doc);
      const own = parseMarking(opts.marking);
      for (const m of found.mentions) {
        const marking = formatMarking(highestMarking([own, parseMarking(m.resolvedMarking ?? opts.marking)]));
        if (marking === formatMarking(own)) tree.entities.push(m.entity);
        else tree.raised.push({ entity: m.entity, marking });
      }
      tree.documents++;
      for (const child of x.children) await visit(`${path}/${child.name}`, child.bytes, id, depth + 1);
    } catch (err) {
      tree.rejects.push(refused(path, err));
    }
  };
  await visit(rel, bytes, parent, 0);
  return tree;
}
