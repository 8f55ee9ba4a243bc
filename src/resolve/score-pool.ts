// Scoring on several threads: cross-referencing is bound by name comparison on one core, and a job of many
// entities splits into independent tasks. Each thread loads the name engine once and keeps its caches.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type ScoredCandidate, type ScoreJob, scoreTasks, shareOf } from './score-tasks.js';

type Answer = { ok: true; result: ScoredCandidate[][] } | { ok: false; error: string };

const WORKER = new URL('./score-worker.js', import.meta.url);

/** Threads used when the caller does not say: one per core, at most 8. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/**
 * Scores jobs on `threads` threads, or on the calling thread when that is 1 or the thread script is not there (the
 * TypeScript sources under test have no compiled score-worker.js): the answers are the same either way.
 */
export class ScorePool {
  private readonly workers: Worker[] = [];

  constructor(threads: number) {
    if (threads > 1 && existsSync(fileURLToPath(WORKER)))
      for (let i = 0; i < threads; i++) this.workers.push(new Worker(WORKER));
  }

  get threads(): number {
    return Math.max(1, this.workers.length);
  }

  /** Scores the job's tasks, split into one contiguous share per thread; answers in task order. */
  async score(job: ScoreJob): Promise<ScoredCandidate[][]> {
    if (this.workers.length === 0 || job.tasks.length < 2) return scoreTasks(job);
    const size = Math.ceil(job.tasks.length / this.workers.length);
    const shares = this.workers.map((worker, i) =>
      this.run(worker, shareOf(job, job.tasks.slice(i * size, (i + 1) * size))),
    );
    return (await Promise.all(shares)).flat();
  }

  private run(worker: Worker, job: ScoreJob): Promise<ScoredCandidate[][]> {
    if (job.tasks.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const done = (answer: Answer) => {
        worker.off('error', failed);
        if (answer.ok) resolve(answer.result);
        else reject(new Error(`scoring thread: ${answer.error}`));
      };
      const failed = (err: Error) => {
        worker.off('message', done);
        reject(new Error(`scoring thread failed: ${err.message}`));
      };
      worker.once('message', done);
      worker.once('error', failed);
      worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
