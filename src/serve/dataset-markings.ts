// The highest marking of what a reader sees in each dataset, found from statement counts alone: a dataset holds a
// statement above level L when a reader cleared only to L counts fewer of its statements, and one carrying caveat C
// when a reader without C counts fewer. Each count is one the reader could ask for itself (a lower clearance, fewer
// caveats), so no marking shows that the reader cannot see.
import { type AccessContext, makeContext } from '../access/index.js';
import { formatMarking, type Marking, markingLevels, parseMarking } from '../model/index.js';
import type { StoreStats } from '../store/index.js';

/** The reader with a lower clearance or fewer caveats; the grading filter, purpose and request id stay. */
function narrowed(ctx: AccessContext, level: string, caveats: Iterable<string>): AccessContext {
  return makeContext({
    user: ctx.user,
    clearance: level,
    caveats,
    purpose: ctx.purpose,
    requestId: ctx.requestId,
    ...(ctx.role ? { role: ctx.role } : {}),
    ...(ctx.grading ? { grading: ctx.grading } : {}),
  });
}

function statementsIn(stats: StoreStats, dataset: string): number {
  return Object.hasOwn(stats.datasets, dataset) ? (stats.datasets[dataset]?.statements ?? 0) : 0;
}

/**
 * Dataset name -> the canonical text of the highest marking among the statements `ctx` sees in it, for every
 * dataset in `full` (the reader's own counts). `statsOf` answers the counts of a narrowed reader; one call per
 * level below the reader's clearance that some dataset still needs, and one per caveat the reader holds.
 */
export async function datasetMarkings(
  ctx: AccessContext,
  full: StoreStats,
  statsOf: (reader: AccessContext) => Promise<StoreStats>,
): Promise<Map<string, string>> {
  const names = Object.keys(full.datasets);
  const level = new Map<string, Marking>();
  const lower = markingLevels()
    .map((name) => parseMarking(name))
    .filter((m) => m.rank < ctx.clearance.rank)
    .sort((a, b) => a.rank - b.rank);
  for (const m of lower) {
    const open = names.filter((d) => !level.has(d));
    if (open.length === 0) break;
    const counts = await statsOf(narrowed(ctx, m.level, ctx.caveats));
    for (const d of open) if (statementsIn(counts, d) === statementsIn(full, d)) level.set(d, m);
  }
  const caveats = new Map<string, string[]>(names.map((d) => [d, []]));
  for (const caveat of [...ctx.caveats].sort()) {
    const without = [...ctx.caveats].filter((c) => c !== caveat);
    const counts = await statsOf(narrowed(ctx, ctx.clearance.level, without));
    for (const d of names) if (statementsIn(counts, d) < statementsIn(full, d)) caveats.get(d)?.push(caveat);
  }
  const top = parseMarking(ctx.clearance.level);
  return new Map(
    names.map((d) => {
      const m = level.get(d) ?? top;
      return [d, formatMarking({ level: m.level, rank: m.rank, caveats: caveats.get(d) ?? [] })];
    }),
  );
}
