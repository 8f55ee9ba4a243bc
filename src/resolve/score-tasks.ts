// Scoring work that can run on another thread: plain data in (subjects as property lists or stored profiles' text),
// plain data out.
import type { Subject } from './features.js';
import { parseProfile, subjectOfProfile, withStoredNames } from './profile.js';
import { type ScoringConfig, scoreMatch } from './scorer.js';

/**
 * A subject as data a thread can receive: its schema and its properties in order, or a candidate's stored profile
 * as the store gave it (JSON text), which the thread parses: parsing, rebuilding and sending every candidate's
 * profile as objects was a fifth of the work of xref's main thread, which limits it.
 */
export type SubjectData = { schema: string; properties: [string, readonly string[]][] } | { profile: string };

/** One entity and the ids of the candidates to score it against. */
export interface ScoreTask {
  query: SubjectData;
  candidates: string[];
}

export interface ScoreJob {
  tasks: ScoreTask[];
  /** Every candidate the tasks name, once: a candidate of many entities is sent once a job. */
  subjects: Map<string, SubjectData>;
  /** Lowest score kept. */
  threshold: number;
  config: ScoringConfig;
}

/** A candidate that reached the threshold, with its explanation as xref stores it. */
export interface ScoredCandidate {
  id: string;
  score: number;
  explanation: string;
}

export function subjectData(s: Subject): SubjectData {
  return { schema: s.schema, properties: [...s.properties] };
}

function subjectOf(d: SubjectData): Subject {
  if ('properties' in d) return { schema: d.schema, properties: new Map(d.properties) };
  const profile = parseProfile(d.profile);
  return withStoredNames(subjectOfProfile(profile), profile.names);
}

/**
 * Scores every task's candidates in order; per task, those at or above the threshold. A candidate is built from its
 * data each time it is scored, not kept for the job: kept, the job's subjects (most of them used once) outlived
 * many young-generation collections and were copied and promoted before dying, and xref took 14% longer.
 */
export function scoreTasks(job: ScoreJob): ScoredCandidate[][] {
  return job.tasks.map((task) => {
    const query = subjectOf(task.query);
    const kept: ScoredCandidate[] = [];
    for (const id of task.candidates) {
      const data = job.subjects.get(id);
      if (data === undefined) throw new Error(`scoring: candidate ${id} was not sent`);
      const result = scoreMatch(query, subjectOf(data), job.config);
      if (result.score >= job.threshold)
        kept.push({ id, score: result.score, explanation: result.explanation.join('; ') });
    }
    return kept;
  });
}

/** The part of a job with these tasks: the subjects they name and nothing else. */
export function shareOf(job: ScoreJob, tasks: ScoreTask[]): ScoreJob {
  const subjects = new Map<string, SubjectData>();
  for (const task of tasks)
    for (const id of task.candidates) {
      const data = job.subjects.get(id);
      if (data !== undefined) subjects.set(id, data);
    }
  return { ...job, tasks, subjects };
}
