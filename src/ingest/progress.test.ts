// Progress events carry rates, ETA and rejects; the terminal line shows them.
import { describe, expect, it } from 'vitest';
import { formatProgress, type ProgressEvent, ProgressTracker } from './progress.js';

describe('ProgressTracker', () => {
  it('computes rates and an ETA from bytes read, throttled to the interval', () => {
    let now = 0;
    const events: ProgressEvent[] = [];
    const t = new ProgressTracker(
      'd',
      1000,
      (e) => events.push(e),
      () => now,
      500,
    );
    now = 2000;
    t.records = 100;
    t.entities = 50;
    t.statements = 400;
    t.rejected = 3;
    t.bytes = 250;
    t.tick();
    t.tick();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      recordsPerSec: 50,
      entitiesPerSec: 25,
      statementsPerSec: 200,
      rejected: 3,
      etaSeconds: 6,
    });
    const line = formatProgress(events[0] as ProgressEvent);
    expect(line).toContain('25%');
    expect(line).toContain('ETA 0:06');
    expect(line).toContain('3 rejects');
    t.emit('done');
    expect(events[1]?.etaSeconds).toBe(0);
  });
});
