// Where the durable job queue lives and how it behaves: Redis URL, queue name, lock, stall and retry timings.
import { NexusError } from '../model/index.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_QUEUE_NAME = 'jobs';
/** Every key Nexus keeps in Redis starts with this, so one Redis can be shared with other software. */
export const KEY_PREFIX = 'nexus';

export interface QueueConfig {
  /** `redis://` or `rediss://` (TLS) URL of the queue's Redis. */
  readonly url: string;
  /** The queue every worker and submitter of one installation (one store) shares. */
  readonly name: string;
  /**
   * How long a worker's claim on a job lasts without renewal (renewed at half of it while the worker lives). A
   * worker killed mid-job loses the claim after this long, and the stall check then hands the job to another.
   */
  readonly lockDurationMs: number;
  /** How often workers look for jobs whose claim has lapsed. */
  readonly stalledIntervalMs: number;
  /** Times a job may be recovered from a dead worker before it fails (each kill -9 of its worker counts once). */
  readonly maxStalledCount: number;
  /** How often a running job looks for a cancel request (it stops at the next batch boundary). */
  readonly cancelPollMs: number;
  /** Attempts per job, the first included, before a retryable failure becomes final. */
  readonly attempts: number;
  /** The first retry waits this long; each later one twice as long as the one before (exponential backoff). */
  readonly backoffMs: number;
  /** Finished jobs kept for `nexus jobs` and the API (the oldest are removed first), and for how long. */
  readonly keepFinished: number;
  readonly keepFinishedSeconds: number;
}

export const QUEUE_DEFAULTS = Object.freeze({
  url: DEFAULT_REDIS_URL,
  name: DEFAULT_QUEUE_NAME,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 3,
  cancelPollMs: 1000,
  attempts: 5,
  backoffMs: 5000,
  keepFinished: 10_000,
  keepFinishedSeconds: 30 * 24 * 3600,
}) satisfies QueueConfig;

const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * The queue's settings from the environment the entry point read (REDIS_URL, NEXUS_QUEUE_NAME) and any
 * overrides, checked: a bad value is USAGE_INVALID naming the setting.
 */
export function queueConfig(
  env: Readonly<Record<string, string | undefined>>,
  overrides: Partial<QueueConfig> = {},
): QueueConfig {
  const config: QueueConfig = {
    ...QUEUE_DEFAULTS,
    url: env.REDIS_URL?.trim() || DEFAULT_REDIS_URL,
    name: env.NEXUS_QUEUE_NAME?.trim() || DEFAULT_QUEUE_NAME,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
  if (!/^rediss?:\/\//.test(config.url))
    throw new NexusError('USAGE_INVALID', 'queue: REDIS_URL must start with redis:// or rediss://');
  if (!QUEUE_NAME.test(config.name))
    throw new NexusError(
      'USAGE_INVALID',
      'queue: the queue name is 1-64 letters, digits, _, . or -, starting with a letter or digit',
    );
  for (const key of [
    'lockDurationMs',
    'stalledIntervalMs',
    'cancelPollMs',
    'attempts',
    'backoffMs',
    'keepFinished',
    'keepFinishedSeconds',
  ] as const)
    if (!(Number.isInteger(config[key]) && config[key] > 0))
      throw new NexusError('USAGE_INVALID', `queue: ${key} must be a positive whole number`);
  if (!(Number.isInteger(config.maxStalledCount) && config.maxStalledCount >= 0))
    throw new NexusError('USAGE_INVALID', 'queue: maxStalledCount must be a whole number');
  return Object.freeze(config);
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'an unparseable URL';
  }
}

/** A whole number of milliseconds from an option, or undefined when absent. */
export function millisOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1)
    throw new NexusError('USAGE_INVALID', `--${name} must be a whole number of at least 1`);
  return Number(text);
}
