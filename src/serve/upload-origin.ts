// The provenance an uploaded statement keeps: the file's name as uploaded (made safe) and who uploaded it, never the
// path where the server held the file while the job read it. Both upload paths (in-process and on the durable queue)
// give these names to the ingest pipeline (IngestRequest.originNames).
import { basename } from 'node:path';

/** What the origin of an upload's statements is made from. */
export interface UploadSource {
  /** The uploader (the job's user). */
  user: string;
  /** The uploaded file's safe name (src/serve/uploads.ts safeFileName), or undefined when the client gave none. */
  name: string | undefined;
  /** True for a ZIP: its files are named inside the archive's name. */
  archive: boolean;
}

/**
 * The name each of the upload's files (paths in its files folder) goes by in origins: `upload by USER: NAME`, so a
 * statement's origin reads `upload by USER: NAME:LINE`. NAME is the uploaded file's safe name; a ZIP entry (whose
 * file in the folder has a safe name already) is `ARCHIVE/ENTRY`.
 */
export function uploadOriginNames(source: UploadSource, files: readonly string[]): Map<string, string> {
  const uploaded = source.name ?? 'upload';
  return new Map(
    files.map((file) => [
      file,
      `upload by ${source.user}: ${source.archive ? `${uploaded}/${basename(file)}` : uploaded}`,
    ]),
  );
}
