// A scoring thread of the pool in score-pool.ts: answers each job with its scores.
import { parentPort } from 'node:worker_threads';
import { type ScoreJob, scoreTasks } from './score-tasks.js';

parentPort?.on('message', (job: ScoreJob) => {
  try {
    parentPort?.postMessage({ ok: true, result: scoreTasks(job) });
  } catch (err) {
    parentPort?.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
