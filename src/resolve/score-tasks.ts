// Scoring work that can run on another thread: plain data in (subjects as property lists), plain data out.
import type { Subject } from './features.js';
import { type ScoringConfig, scoreMatch } from './scorer.js';

/** A subject as data a thread can receive: its schema and its properties in order. */
export interface SubjectData {
  schema: string;
  properties: [string, readonly string[]][];
}

/** One entity and the candidates to score it against. */
export interface ScoreTask {
  query: SubjectData;
  candidates: { id: string; subject: SubjectData }[];
}

export interface ScoreJob {
  tasks: ScoreTask[];
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
  return { schema: d.schema, properties: new Map(d.properties) };
}

/** Scores every task's candidates in order; per task, those at or above the threshold. */
export function scoreTasks(job: ScoreJob): ScoredCandidate[][] {
  return job.tasks.map((task) => {
    const query = subjectOf(task.query);
    const kept: ScoredCandidate[] = [];
    for (const c of task.candidates) {
      const result = scoreMatch(query, subjectOf(c.subject), job.config);
      if (result.score >= job.threshold)
        kept.push({ id: c.id, score: result.score, explanation: result.explanation.join('; ') });
    }
    return kept;
  });
}
