// Work: background jobs (ingest, xref, graph analyses, tracing, reports) on a durable Redis queue (BullMQ), run by
// `nexus worker` processes on any number of machines, each job as the user who submitted it.
export {
  DEFAULT_QUEUE_NAME,
  DEFAULT_REDIS_URL,
  KEY_PREFIX,
  millisOption,
  QUEUE_DEFAULTS,
  type QueueConfig,
  queueConfig,
  redactUrl,
} from './config.js';
export { checkReachable, durabilityWarnings } from './connection.js';
export {
  decodeError,
  type JobError,
  MAX_REJECTS,
  type RejectView,
  type UploadInfo,
  type WorkProgress,
  type WorkResult,
} from './job-data.js';
export { checkParams, isJobKind, JOB_KINDS, type JobKind, type ParamsOf } from './job-kinds.js';
export type { WorkJobView, WorkState } from './job-view.js';
export { JobQueue, type ListOptions, queueKeys, type SubmitOptions } from './queue.js';
export { authorityOf, type Requester, requesterOf } from './requester.js';
export {
  RUNNERS,
  type RunEnv,
  type RunHooks,
  type Runner,
  type Runners,
  type RunOutcome,
} from './runners.js';
export { checkSources, sourceRoots } from './sources.js';
export { JobWorker, type WorkerDeps, type WorkerEvent, type WorkerOptions } from './worker.js';
