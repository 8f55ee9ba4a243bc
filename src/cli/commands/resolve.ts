// Resolution commands: judge two records, review match suggestions one by one, undo a merge.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { NexusError } from '../../model/index.js';
import { xref } from '../../resolve/index.js';
import type { JudgementValue } from '../../store/index.js';
import { type CommandEnv, json, withStore } from '../io.js';

const VALUES = new Map<string, JudgementValue>([
  ['match', 'match'],
  ['no-match', 'no-match'],
  ['unsure', 'unsure'],
]);

export const judgeHelp = `nexus judge A B match|no-match|unsure [--reason TEXT] [--json]

Records your decision on two records. "match" merges their clusters under one canonical id (NX-...);
a standing "no-match" keeps records apart even when later suggestions would link them.`;

export async function judgeCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { reason: { type: 'string', default: '' }, json: { type: 'boolean', default: false } },
  });
  const [a, b, raw] = positionals;
  const judgement = VALUES.get(raw ?? '');
  if (!a || !b || !judgement)
    throw new NexusError('USAGE_INVALID', 'judge: give A B and one of match, no-match, unsure');
  return withStore(c, async (store) => {
    const result = await store.judge(c.ctx, a, b, judgement, values.reason);
    if (values.json) c.io.stdout(json({ a, b, judgement, ...result }));
    else
      c.io.stdout(
        result.canonical
          ? `${a} and ${b} are now ${result.canonical}\n`
          : `recorded: ${a} ${judgement} ${b}\n`,
      );
    return 0;
  });
}

export async function unmergeCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  const canonical = positionals[0];
  if (!canonical) throw new NexusError('USAGE_INVALID', 'unmerge: give the canonical id (NX-...)');
  return withStore(c, async (store) => {
    const members = await store.unmerge(c.ctx, canonical);
    if (values.json) c.io.stdout(json({ canonical, members }));
    else c.io.stdout(`${canonical} undone; ${members.join(', ')} stand alone again\n`);
    return 0;
  });
}

export const reviewHelp = `nexus review [--json]

Shows the best undecided match suggestion (from nexus xref) side by side and asks for a decision:
m(atch), n(o match), u(nsure), s(kip) or q(uit). With --json, prints the next suggestion and exits.`;

export async function reviewCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, reason: { type: 'string', default: 'reviewed' } },
  });
  return withStore(c, async (store) => {
    if (values.json) {
      const next = await store.nextSuggestion(c.ctx);
      c.io.stdout(json(next ?? null));
      return 0;
    }
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      let skip = 0;
      for (;;) {
        const s = await store.nextSuggestion(c.ctx, skip);
        if (!s) {
          c.io.stdout('no suggestions left to review\n');
          return 0;
        }
        const [a, b] = await Promise.all([store.getEntity(c.ctx, s.a), store.getEntity(c.ctx, s.b)]);
        c.io.stdout(`\nscore ${s.score.toFixed(3)}: ${s.explanation}\n`);
        for (const e of [a, b]) {
          if (!e) continue;
          c.io.stdout(`  ${e.id} (${e.schema.name}, ${e.datasets.join(', ')}): ${e.caption}\n`);
          for (const [prop, vals] of e.properties)
            c.io.stdout(`      ${prop}: ${vals.slice(0, 5).join('; ')}\n`);
        }
        const answer = (await rl.question('m(atch) / n(o match) / u(nsure) / s(kip) / q(uit)? '))
          .trim()
          .toLowerCase();
        if (answer === 'q' || answer === '') return 0;
        if (answer === 's') {
          skip++;
          continue;
        }
        const judgement =
          answer === 'm' ? 'match' : answer === 'n' ? 'no-match' : answer === 'u' ? 'unsure' : undefined;
        if (!judgement) continue;
        try {
          const result = await store.judge(c.ctx, s.a, s.b, judgement, values.reason);
          if (result.canonical) c.io.stdout(`merged as ${result.canonical}\n`);
        } catch (err) {
          if (!(err instanceof NexusError) || err.code !== 'JUDGEMENT_CONFLICT') throw err;
          c.io.stdout(`not merged: ${err.message}\n`);
          skip++;
        }
      }
    } finally {
      rl.close();
    }
  });
}

export const xrefHelp = `nexus xref DATASET [--against D2 ...] [--threshold T] [--threads N] [--json]

Scores every entity of DATASET against the other datasets (or only those given with --against) and stores
every pair scoring at least T (default 0.5) as a match suggestion, with no cap; review them with nexus review.
Scoring runs on N threads (default one per core, at most 8).`;

export async function xrefCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      against: { type: 'string', multiple: true },
      threshold: { type: 'string' },
      threads: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const dataset = positionals[0];
  if (!dataset) throw new NexusError('USAGE_INVALID', 'xref: give a DATASET');
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 64))
    throw new NexusError('USAGE_INVALID', 'xref: --threads must be a whole number from 1 to 64');
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1))
    throw new NexusError('USAGE_INVALID', 'xref: --threshold must be between 0 and 1');
  return withStore(c, async (store) => {
    const summary = await xref(c.ctx, store, {
      dataset,
      against: values.against,
      threshold,
      ...(threads !== undefined ? { threads } : {}),
      onProgress: (p) => {
        if (c.io.stderrIsTty)
          c.io.stderr(
            `\r\u001b[2Kxref ${dataset}: ${p.processed}/${p.total} entities (${p.rate}/s), ${p.suggestions} suggestions${p.etaSeconds === null ? '' : `, ETA ${p.etaSeconds}s`}`,
          );
      },
    });
    if (c.io.stderrIsTty) c.io.stderr('\n');
    if (values.json) c.io.stdout(json(summary));
    else
      c.io.stdout(
        `${summary.dataset}: ${summary.entities} entities, ${summary.compared} pairs scored, ${summary.suggestions} suggestions in ${(summary.elapsedMs / 1000).toFixed(1)}s\n`,
      );
    return 0;
  });
}
