// Which files an ingest job may make a worker read. A job names paths, and the worker reads them with its own
// file permissions, so whoever can queue a job could otherwise have any file the worker can read loaded (and its bad
// lines echoed in the job's rejects). `nexus worker --sources DIR,...` confines jobs to those folders; the upload
// folder (HOME/uploads) is always allowed.
import { realpathSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { NexusError } from '../model/index.js';

/** Real paths of the allowed folders, or undefined when any path is allowed. */
export function sourceRoots(home: string, dirs: readonly string[] | undefined): string[] | undefined {
  if (dirs === undefined) return undefined;
  return [...dirs, join(home, 'uploads')].map((d) => {
    try {
      return realpathSync(resolve(d));
    } catch {
      // A folder not there (yet) still counts, by its name; nothing inside it exists to be read anyway.
      return resolve(d);
    }
  });
}

/** USAGE_INVALID (the job fails at once) when a path, followed through any links, leaves the allowed folders. */
export function checkSources(roots: readonly string[] | undefined, paths: readonly string[]): void {
  if (roots === undefined) return;
  for (const p of paths) {
    let real: string;
    try {
      real = realpathSync(resolve(p));
    } catch {
      // Missing: the reader reports it as SOURCE_UNREADABLE; judged by its name here.
      real = resolve(p);
    }
    if (!roots.some((root) => real === root || real.startsWith(root + sep)))
      throw new NexusError(
        'USAGE_INVALID',
        `jobs.ingest: ${p} is outside the folders this worker reads (nexus worker --sources)`,
      );
  }
}
