// A scale smoke test kept small for `npm test`: 100,000 generated transfers with hubs; each model and
// direction traces 10 hops within a few seconds and keeps its books. (bench/trace-gen.js makes the 10-million
// version for the benchmark.)
import { describe, expect, it } from 'vitest';
import { type TaintModel, trace } from '../../src/trace/index.js';
import { transfers } from './helpers.js';

const N = Number(process.env.NEXUS_TRACE_SMOKE ?? 100_000);

describe(`tracing ${N.toLocaleString('en')} transfers`, () => {
  const began = Date.now();
  const { ledger, hubs } = transfers(N, 99);
  const buildMs = Date.now() - began;
  const seeds = ['a20', 'a21', 'a22'];

  it('builds the ledger quickly and compactly', () => {
    expect(ledger.eventCount).toBe(N);
    expect(ledger.doubles).toBe(true);
    expect(buildMs).toBeLessThan(20_000);
    // Typed arrays and packed transaction ids: well under 200 bytes a transfer.
    expect(ledger.stats().bytes / N).toBeLessThan(200);
  });

  for (const model of ['haircut', 'poison', 'fifo'] as TaintModel[])
    for (const direction of ['forward', 'backward'] as const)
      it(`${model} ${direction}, 10 hops, stopping at hubs`, () => {
        const t0 = Date.now();
        const r = trace(ledger, { model, direction, seeds, maxHops: 10, stopAt: hubs });
        expect(Date.now() - t0).toBeLessThan(15_000);
        expect(r.reached.length).toBeGreaterThan(0);
        expect(r.limits.filter((l) => l.cap !== 'hops')).toEqual([]);
        expect(Math.max(...r.reached.map((x) => x.hops))).toBeLessThanOrEqual(10);
        if (direction === 'forward' && model !== 'poison') {
          const t = r.totals;
          expect(t.held + t.fees + t.returned + t.withheld).toBe(t.seeded);
        }
        // Evidence: every reached address has a flow into (forward) or out of (backward) it.
        const side = direction === 'forward' ? 'to' : 'from';
        const explained = new Set(r.flows.map((f) => f[side]));
        expect(r.reached.every((x) => explained.has(x.address))).toBe(true);
      });

  it('the fast path and the general engine agree on a wide haircut trace', () => {
    const fast = trace(ledger, { model: 'haircut', seeds, maxHops: 6 });
    const general = trace(ledger, { model: 'haircut', seeds, maxHops: 6, engine: 'general' });
    expect(general.reached).toEqual(fast.reached);
    expect(general.totals).toEqual(fast.totals);
  });
});
