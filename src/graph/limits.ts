// Caps on graph work (SECURITY.md R20): depth, nodes visited, results and wall time. A capped answer is not an
// error: it carries `limit` naming what was reached and returns what it has.

export interface Limits {
  /** Hops from the start at most. */
  maxDepth?: number;
  /** Nodes visited (or paths explored) at most. */
  maxNodes?: number;
  /** Results returned at most. */
  maxResults?: number;
  /** Wall-clock milliseconds at most. */
  maxMs?: number;
}

export const DEFAULT_LIMITS: Required<Limits> = {
  maxDepth: 6,
  maxNodes: 1_000_000,
  maxResults: 1000,
  maxMs: 30_000,
};

/** What stopped a computation early; absent when it ran to the end. */
export interface LimitReached {
  code: 'LIMIT_REACHED';
  /** Which cap: 'depth', 'nodes', 'results' or 'time'. */
  cap: 'depth' | 'nodes' | 'results' | 'time';
  value: number;
}

/** Counts work against limits; `check` is cheap enough to call per node. */
export class Budget {
  readonly limits: Required<Limits>;
  private readonly deadline: number;
  private visited = 0;
  reached: LimitReached | undefined;

  constructor(limits: Limits = {}, now: () => number = Date.now) {
    this.limits = { ...DEFAULT_LIMITS, ...stripUndefined(limits) };
    this.now = now;
    this.deadline = now() + this.limits.maxMs;
  }

  private readonly now: () => number;

  /** Counts one visited node; false (and `reached` set) once a node or time cap is hit. */
  visit(): boolean {
    if (this.reached) return false;
    this.visited++;
    if (this.visited > this.limits.maxNodes) return this.stop('nodes', this.limits.maxNodes);
    if ((this.visited & 1023) === 0 && this.now() > this.deadline)
      return this.stop('time', this.limits.maxMs);
    return true;
  }

  /** Checks the clock only. */
  inTime(): boolean {
    if (this.reached) return false;
    if (this.now() > this.deadline) return this.stop('time', this.limits.maxMs);
    return true;
  }

  stop(cap: LimitReached['cap'], value: number): false {
    this.reached ??= { code: 'LIMIT_REACHED', cap, value };
    return false;
  }

  get count(): number {
    return this.visited;
  }
}

function stripUndefined(limits: Limits): Limits {
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) as Limits;
}
