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

/** An answer a thread still owes, in the order the jobs were sent. */
interface Owed {
  resolve: (result: ScoredCandidate[][]) => void;
  reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  owed: Owed[];
  /** Set once the thread failed: later jobs are refused. */
  failed?: Error;
}

/**
 * Cuts the tasks into `n` contiguous shares of about equal work, counted in candidates: an entity with many
 * candidates takes many times as long as one with few, and cut by entities one thread finished long before the other.
 */
export function splitByCandidates<T extends { candidates: readonly unknown[] }>(
  tasks: readonly T[],
  n: number,
): T[][] {
  const total = tasks.reduce((sum, t) => sum + t.candidates.length, 0);
  const shares: T[][] = [];
  let start = 0;
  let done = 0;
  for (let k = 1; k <= n; k++) {
    const target = (total * k) / n;
    let end = start;
    while (end < tasks.length && (k === n || done + (tasks[end] as T).candidates.length / 2 < target)) {
      done += (tasks[end] as T).candidates.length;
      end++;
    }
    shares.push(tasks.slice(start, end));
    start = end;
  }
  return shares;
}

/**
 * Scores jobs on `threads` threads, or on the calling thread when that is 1 or the thread script is not there (the
 * TypeScript sources under test have no compiled score-worker.js): the answers are the same either way. Jobs may be
 * sent before earlier ones are answered: each thread works through its own queue in order, so a caller can keep
 * the threads busy while it reads the next page, instead of their waiting at the end of each page.
 */
export class ScorePool {
  private readonly threadList: Thread[] = [];

  constructor(threads: number) {
    if (threads > 1 && existsSync(fileURLToPath(WORKER)))
      for (let i = 0; i < threads; i++) {
        const thread: Thread = { worker: new Worker(WORKER), owed: [] };
        thread.worker.on('message', (answer: Answer) => {
          const owed = thread.owed.shift();
          if (owed === undefined) return;
          if (answer.ok) owed.resolve(answer.result);
          else owed.reject(new Error(`scoring thread: ${answer.error}`));
        });
        thread.worker.on('error', (err: Error) => {
          thread.failed = new Error(`scoring thread failed: ${err.message}`);
          for (const owed of thread.owed.splice(0)) owed.reject(thread.failed);
        });
        thread.worker.on('exit', (code: number) => {
          thread.failed ??= new Error(`scoring thread stopped (exit code ${code})`);
          for (const owed of thread.owed.splice(0)) owed.reject(thread.failed);
        });
        this.threadList.push(thread);
      }
  }

  get threads(): number {
    return Math.max(1, this.threadList.length);
  }

  /** Scores the job's tasks, one share of about equal work per thread; answers in task order. */
  async score(job: ScoreJob): Promise<ScoredCandidate[][]> {
    if (this.threadList.length === 0 || job.tasks.length < 2) return scoreTasks(job);
    const shares = splitByCandidates(job.tasks, this.threadList.length);
    const answers = this.threadList.map((thread, i) => this.run(thread, shareOf(job, shares[i] ?? [])));
    return (await Promise.all(answers)).flat();
  }

  private run(thread: Thread, job: ScoreJob): Promise<ScoredCandidate[][]> {
    if (job.tasks.length === 0) return Promise.resolve([]);
    if (thread.failed) return Promise.reject(thread.failed);
    return new Promise((resolve, reject) => {
      thread.owed.push({ resolve, reject });
      thread.worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.threadList.map((t) => t.worker.terminate()));
    this.threadList.length = 0;
  }
}
