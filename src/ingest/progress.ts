// Progress of long ingest work as structured events (rate, ETA, rejects), throttled for terminals and the API.

export interface ProgressEvent {
  type: 'start' | 'progress' | 'done';
  dataset: string;
  records: number;
  entities: number;
  statements: number;
  rejected: number;
  bytes: number;
  totalBytes: number;
  elapsedMs: number;
  recordsPerSec: number;
  entitiesPerSec: number;
  statementsPerSec: number;
  /** Seconds left, estimated from bytes read; null until there is enough to go on. */
  etaSeconds: number | null;
}

export class ProgressTracker {
  records = 0;
  entities = 0;
  statements = 0;
  rejected = 0;
  bytes = 0;
  private lastEmit = 0;
  private readonly started: number;

  constructor(
    private readonly dataset: string,
    private readonly totalBytes: number,
    private readonly listener: ((e: ProgressEvent) => void) | undefined,
    private readonly clock: () => number = () => performance.now(),
    private readonly intervalMs = 500,
  ) {
    this.started = clock();
  }

  event(type: ProgressEvent['type']): ProgressEvent {
    const elapsedMs = Math.max(1, this.clock() - this.started);
    const secs = elapsedMs / 1000;
    const fraction = this.totalBytes > 0 ? Math.min(1, this.bytes / this.totalBytes) : 0;
    const eta = fraction > 0.01 && type !== 'done' ? Math.round((secs / fraction) * (1 - fraction)) : null;
    return {
      type,
      dataset: this.dataset,
      records: this.records,
      entities: this.entities,
      statements: this.statements,
      rejected: this.rejected,
      bytes: this.bytes,
      totalBytes: this.totalBytes,
      elapsedMs: Math.round(elapsedMs),
      recordsPerSec: Math.round(this.records / secs),
      entitiesPerSec: Math.round(this.entities / secs),
      statementsPerSec: Math.round(this.statements / secs),
      etaSeconds: type === 'done' ? 0 : eta,
    };
  }

  /** Emits a progress event if the interval has passed since the last one. */
  tick(): void {
    if (!this.listener) return;
    const now = this.clock();
    if (now - this.lastEmit < this.intervalMs) return;
    this.lastEmit = now;
    this.listener(this.event('progress'));
  }

  emit(type: 'start' | 'done'): void {
    this.listener?.(this.event(type));
  }
}

/** One status line for a terminal: `12,345 records (4,100/s) 80,210 statements 3 rejects 42% ETA 0:12`. */
export function formatProgress(e: ProgressEvent): string {
  const n = (x: number) => x.toLocaleString('en-GB');
  const pct = e.totalBytes > 0 ? ` ${Math.min(100, Math.floor((e.bytes / e.totalBytes) * 100))}%` : '';
  const eta =
    e.etaSeconds === null
      ? ''
      : ` ETA ${Math.floor(e.etaSeconds / 60)}:${String(e.etaSeconds % 60).padStart(2, '0')}`;
  return `${e.dataset}: ${n(e.records)} records (${n(e.recordsPerSec)}/s) ${n(e.entities)} new entities (${n(e.entitiesPerSec)}/s) ${n(e.statements)} statements (${n(e.statementsPerSec)}/s) ${n(e.rejected)} rejects${pct}${eta}`;
}
