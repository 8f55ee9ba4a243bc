// Connections to the queue's Redis: a quick reachability check that fails with a typed error, the long-lived
// connections BullMQ needs, and the durability settings a production Redis must have.
import { Redis } from 'ioredis';
import { NexusError } from '../model/index.js';
import { type QueueConfig, redactUrl } from './config.js';

const PROBE_TIMEOUT_MS = 2000;

function unavailable(config: QueueConfig, err: unknown): NexusError {
  // ioredis messages name host and port, never the password; the URL is shown redacted anyway.
  const why = err instanceof Error ? err.message.slice(0, 200) : 'no answer';
  return new NexusError(
    'QUEUE_UNAVAILABLE',
    `queue: cannot reach Redis at ${redactUrl(config.url)} (${why})`,
  );
}

/** Pings Redis once with short timeouts; QUEUE_UNAVAILABLE when it does not answer. */
export async function checkReachable(config: QueueConfig): Promise<void> {
  const probe = new Redis(config.url, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    commandTimeout: PROBE_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED, ENOTFOUND, a refused password) says more than the rejection below;
  // without a listener ioredis would also print it.
  let cause: Error | undefined;
  probe.on('error', (err: Error) => {
    cause ??= err;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    throw unavailable(config, cause ?? err);
  } finally {
    probe.disconnect();
  }
}

/**
 * A connection for BullMQ. Workers wait on blocking commands and must retry forever (BullMQ requires
 * `maxRetriesPerRequest: null`); short-lived clients (the CLI, the API) give up after a few tries instead.
 */
export function connect(config: QueueConfig, role: 'worker' | 'client'): Redis {
  const redis = new Redis(config.url, {
    maxRetriesPerRequest: role === 'worker' ? null : 2,
    connectTimeout: 5000,
    // Reconnect with a growing pause, capped, while Redis restarts or fails over.
    retryStrategy: (times) => Math.min(times * 200, 5000),
  });
  return redis;
}

/** Fields of `INFO` text, e.g. `aof_enabled` -> `1`. */
function infoFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) out.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return out;
}

/**
 * What is unsafe about this Redis for a durable queue: without AOF persistence a Redis restart forgets queued
 * jobs; with an eviction policy other than noeviction Redis may drop job keys under memory pressure. INFO is used
 * (not CONFIG, which managed services often disable); answers nothing when INFO is refused.
 */
export async function durabilityWarnings(redis: Redis): Promise<string[]> {
  let info: Map<string, string>;
  try {
    info = infoFields(`${await redis.info('persistence')}\n${await redis.info('memory')}`);
  } catch {
    return [];
  }
  const warnings: string[] = [];
  if (info.get('aof_enabled') === '0')
    warnings.push(
      'Redis has AOF persistence off: a Redis restart loses queued jobs (set appendonly yes, appendfsync everysec)',
    );
  const policy = info.get('maxmemory_policy');
  if (policy !== undefined && policy !== 'noeviction')
    warnings.push(`Redis evicts keys under memory pressure (maxmemory-policy ${policy}); set noeviction`);
  return warnings;
}
