// The files an evidence ingest reads: the paths given, folders walked in name order to any depth, symbolic links
// never followed (they could lead anywhere on the machine), each file named by its path from the folder given.
import { lstatSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { NexusError } from '../model/index.js';

export interface WalkedFile {
  /** Absolute path on disk. */
  path: string;
  /** Path shown and hashed into ids: from the folder (or file) given, e.g. `evidence/mail/a.eml`. */
  rel: string;
}

export interface Walk {
  files: WalkedFile[];
  /** Things that are not plain files (links, sockets), named, with why they were left. */
  skipped: { rel: string; reason: string }[];
}

const MAX_DEPTH = 64;

export function walkEvidence(paths: readonly string[]): Walk {
  const files: WalkedFile[] = [];
  const skipped: Walk['skipped'] = [];
  const visit = (abs: string, rel: string, depth: number) => {
    const st = lstatSync(abs);
    if (st.isSymbolicLink()) skipped.push({ rel, reason: 'a symbolic link: not followed' });
    else if (st.isFile()) files.push({ path: abs, rel });
    else if (st.isDirectory()) {
      if (depth >= MAX_DEPTH) skipped.push({ rel, reason: `folders nested deeper than ${MAX_DEPTH}` });
      else for (const name of readdirSync(abs).sort()) visit(join(abs, name), `${rel}/${name}`, depth + 1);
    } else skipped.push({ rel, reason: 'not a plain file' });
  };
  for (const p of paths) {
    const abs = resolve(p);
    try {
      lstatSync(abs);
    } catch {
      throw new NexusError('SOURCE_UNREADABLE', `ingest: ${p}: no such file or directory`, { file: p });
    }
    visit(abs, basename(abs) || abs, 0);
  }
  return { files, skipped };
}

/** The folders above a file, outermost first, as relative paths (`a`, `a/b` for `a/b/c.pdf`). */
export function foldersOf(rel: string): string[] {
  const out: string[] = [];
  for (let d = dirname(rel); d !== '.' && d !== '/' && d !== ''; d = dirname(d)) out.unshift(d);
  return out;
}
