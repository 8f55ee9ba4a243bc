// The scoring pool: shares of equal work, and answers matched to their jobs when several are sent at once.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { splitByCandidates } from './score-pool.js';
import { type ScoreJob, type ScoreTask, scoreTasks } from './score-tasks.js';
import { DEFAULT_SCORING } from './scorer.js';

const task = (n: number): { candidates: number[] } => ({
  candidates: Array.from({ length: n }, (_, i) => i),
});

describe('splitByCandidates', () => {
  it('cuts contiguous shares of about equal candidates, every task once and in order', () => {
    const tasks = [task(10), ...Array.from({ length: 10 }, () => task(1))];
    const shares = splitByCandidates(tasks, 2);
    expect(shares.map((s) => s.length)).toEqual([1, 10]);
    expect(shares.flat()).toEqual(tasks);
    const even = Array.from({ length: 9 }, () => task(3));
    expect(splitByCandidates(even, 3).map((s) => s.length)).toEqual([3, 3, 3]);
  });

  it('gives empty shares when there is less work than threads, and keeps tasks without candidates', () => {
    expect(splitByCandidates([task(4)], 3).flat()).toHaveLength(1);
    const none = [task(0), task(0)];
    expect(splitByCandidates(none, 2).flat()).toEqual(none);
  });
});

const person = (name: string, birthDate: string) => ({
  schema: 'Person',
  properties: [
    ['name', [name]],
    ['birthDate', [birthDate]],
  ] as [string, string[]][],
});

/** A job of `n` queries against the same candidates, each query a little different so answers differ by job. */
function job(n: number, tag: string): ScoreJob {
  const subjects = new Map([
    ['c1', person('Viktor Petrovich Belov', '1970-01-02')],
    ['c2', person('Viktor Belov', '1971')],
    ['c3', person('Anna Belova', '1970-01-02')],
  ]);
  const tasks: ScoreTask[] = Array.from({ length: n }, (_, i) => ({
    query: person(i % 2 === 0 ? `Viktor Belov ${tag}` : 'Anna Belova', `197${i % 3}`),
    candidates: ['c1', 'c2', 'c3'].slice(0, 1 + (i % 3)),
  }));
  return { tasks, subjects, threshold: 0.3, config: DEFAULT_SCORING };
}

const compiled = resolve('dist/resolve/score-pool.js');

describe('ScorePool on threads', () => {
  it.skipIf(!existsSync(compiled))(
    'answers each of several jobs sent at once with its own scores (needs npm run build)',
    async () => {
      const { ScorePool } = (await import(pathToFileURL(compiled).href)) as typeof import('./score-pool.js');
      const pool = new ScorePool(2);
      try {
        expect(pool.threads).toBe(2);
        const jobs = [job(7, 'a'), job(12, 'b'), job(5, 'c')];
        const answers = await Promise.all(jobs.map((j) => pool.score(j)));
        expect(answers).toEqual(jobs.map((j) => scoreTasks(j)));
      } finally {
        await pool.close();
      }
    },
  );
});
