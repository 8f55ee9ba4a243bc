// The provenance an uploaded statement keeps: the file's name as uploaded (made safe) and who uploaded it, never the
// path where the server held the file while the job read it.
import { basename, sep } from 'node:path';
import type { Store, WriteBatch } from '../store/index.js';

/** What the origin of an upload's statements is made from. */
export interface UploadSource {
  /** The uploader (the job's user). */
  user: string;
  /** The uploaded file's safe name (src/serve/uploads.ts safeFileName), or undefined when the client gave none. */
  name: string | undefined;
  /** True for a ZIP: its files are named inside the archive's name. */
  archive: boolean;
  /** The folder the readers read the upload's files from. */
  filesDir: string;
}

/**
 * Rewrites a reader's origin (`PATH:LINE`, `PATH#RECORD` or `PATH`, PATH inside the upload's files folder) to
 * `upload by USER: NAME:LINE`. NAME is the uploaded file's safe name; a ZIP entry is `ARCHIVE/ENTRY`.
 */
export function uploadOrigin(source: UploadSource): (origin: string) => string {
  const inside = `${source.filesDir}${sep}`;
  const uploaded = source.name ?? 'upload';
  return (origin) => {
    const rest = origin.startsWith(inside) ? origin.slice(inside.length) : basename(origin);
    // A file's safe name holds no ':' or '#', so the first of either starts the line or record.
    const cut = rest.search(/[:#]/);
    const file = cut < 0 ? rest : rest.slice(0, cut);
    const where = cut < 0 ? '' : rest.slice(cut);
    const shown = source.archive ? `${uploaded}/${file}` : uploaded;
    return `upload by ${source.user}: ${shown}${where}`;
  };
}

/** The store as the upload's ingest writes to it: statements go in with their origin rewritten, the rest as is. */
export function withOrigins(store: Store, origin: (raw: string) => string): Store {
  const putStatements = (ctx: Parameters<Store['putStatements']>[0], batch: WriteBatch) =>
    store.putStatements(ctx, {
      ...batch,
      records: batch.records.map((r) => ({
        ...r,
        groups: r.groups.map((g) => ({ ...g, origin: origin(g.origin) })),
      })),
    });
  return new Proxy(store, {
    get(target, key) {
      if (key === 'putStatements') return putStatements;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
