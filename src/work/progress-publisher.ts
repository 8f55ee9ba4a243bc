// Publishes a running job's progress to Redis (BullMQ job progress), at most every half second, in order, with a
// growing sequence number so that readers (the API's event streams) can tell what is new.
import type { Reject } from '../ingest/index.js';
import { MAX_REJECTS, type RejectView, rejectView, type WorkProgress } from './job-data.js';

const INTERVAL_MS = 500;

export class ProgressPublisher {
  private latest: Omit<WorkProgress, 'seq' | 'rejects'> = {};
  readonly rejects: RejectView[] = [];
  private seq: number;
  private last = 0;
  private chain: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly write: (p: WorkProgress) => Promise<void>,
    /** Carries on from the progress an earlier attempt published, so sequence numbers keep growing. */
    previous: WorkProgress | null,
    private readonly scrub: (text: string) => string,
    private readonly onPublished: (p: WorkProgress) => void = () => {},
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.seq = previous?.seq ?? 0;
  }

  update(p: Omit<WorkProgress, 'seq' | 'rejects'>): void {
    this.latest = { ...this.latest, ...p };
    this.dirty = true;
    const now = this.clock();
    // Ingest's first and last events always go out; the rest at most every interval.
    const edge = p.ingest?.type === 'start' || p.ingest?.type === 'done';
    if (edge || now - this.last >= INTERVAL_MS) this.publish(now);
  }

  reject(r: Reject): void {
    if (this.rejects.length < MAX_REJECTS) this.rejects.push(rejectView(r, this.scrub));
  }

  /** Publishes what has not gone out yet and waits for every write. */
  async flush(): Promise<void> {
    if (this.dirty) this.publish(this.clock());
    await this.chain;
  }

  private publish(now: number): void {
    this.last = now;
    this.dirty = false;
    const p: WorkProgress = { seq: ++this.seq, ...this.latest, rejects: [...this.rejects] };
    this.onPublished(p);
    // Progress is advisory: a failed write is tried again with the next update, never fails the job.
    this.chain = this.chain.then(() => this.write(p)).catch(() => {});
  }
}
