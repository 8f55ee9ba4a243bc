// The `grading` query parameter: a grading filter (docs/grading.md) on every authenticated read route, parsed where
// a request's access context is made (the Authenticator, or the --no-auth service account below).
import { type AccessContext, type GradingFilter, gradingFilterOption, withGrading } from '../access/index.js';
import { NexusError } from '../model/index.js';

const READS = new Set(['GET', 'HEAD']);

/**
 * True for the requests whose `grading` parameter is a filter: reads, and screening (`POST /match/...`), which reads
 * too. On `POST /api/ingest` the parameter is the upload's own 3x5x2 code, and writes are not filtered.
 */
function filters(method: string, path: string): boolean {
  const m = method.toUpperCase();
  return READS.has(m) || (m === 'POST' && path.startsWith('/match/'));
}

/** The request's grading filter, if it gives one; an invalid one is GRADING_INVALID, which the API answers 400. */
export function requestGrading(req: Request): GradingFilter | undefined {
  const url = new URL(req.url);
  if (!filters(req.method, url.pathname)) return undefined;
  const values = url.searchParams.getAll('grading');
  if (values.length > 1)
    throw new NexusError('GRADING_INVALID', 'grading: give the grading filter once (e.g. grading=AB)');
  return gradingFilterOption(values[0]);
}

/** `nexus serve --no-auth`: every request acts as one service account, with the request's grading filter on top. */
export function serviceAccount(account: AccessContext): (req: Request, requestId: string) => AccessContext {
  return (req, requestId) => withGrading(Object.freeze({ ...account, requestId }), requestGrading(req));
}
