// Screening commands: match (yente-style queries as JSON lines), compare (name pairs from CSV) and index.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { localOperator } from '../../access/index.js';
import { NexusError } from '../../model/index.js';
import {
  compareNamePairs,
  type IndexProgress,
  MAX_QUERIES,
  type MatchQueryResponse,
  screen,
  updateMatchIndex,
} from '../../resolve/index.js';
import type { Store } from '../../store/index.js';
import { type CommandEnv, withStore } from '../io.js';

export const matchHelp = `nexus match [--dataset D] [--threshold T] [--limit N] [--json] [FILE]

Screens queries against the store, as yente's POST /match/{dataset} does. FILE (or stdin) holds one
query a line: {"id": "q1", "schema": "Person", "properties": {"name": ["..."], "birthDate": ["..."]}}.
The match index is brought up to date first (progress on stderr).

  --dataset D      a dataset name, or "default" for all (default)
  --threshold T    score at or above which a result is a match (default 0.7)
  --limit N        results per query, 1..10 (default 5)
  --json           one JSON line per query: {"id", "status", "results", "total"}; a bad line gets
                   status 400 and an error naming its line number`;

export const compareHelp = `nexus compare --pairs FILE [--threshold T] [--json]

Scores name pairs. FILE is CSV with a header and the columns schema,name1,name2; prints one line per
row, in order. --json prints {"score", "match", "explanation"} per row.`;

export const indexHelp = `nexus index [--json]

Brings the match index (name tokens, phonetic keys, identifiers, wallets) up to date with every
statement written since it was last built, with progress on stderr, and prints a summary.`;

/** Keys are built from every statement, so the index is maintained as the local operator; reads stay filtered. */
async function refreshIndex(c: CommandEnv, store: Store, quiet: boolean) {
  let lastReport = 0;
  const report = (p: IndexProgress) => {
    if (quiet || p.elapsedMs - lastReport < 1000) return;
    lastReport = p.elapsedMs;
    c.io.stderr(
      `index: ${p.processed} entities, ${p.keys} keys (${p.rate}/s)${c.io.stderrIsTty ? '\r' : '\n'}`,
    );
  };
  const summary = await updateMatchIndex(localOperator(c.ctx.user, 'match index maintenance'), store, report);
  if (!quiet && summary.entities > 0)
    c.io.stderr(
      `index: ${summary.entities} entities updated, ${summary.keys} keys in ${summary.elapsedMs} ms\n`,
    );
  return summary;
}

function number(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n))
    throw new NexusError('USAGE_INVALID', `${name}: "${text}" is not a number`);
  return n;
}

function readInput(file: string | undefined, what: string): string {
  try {
    return readFileSync(file ?? 0, 'utf8');
  } catch (err) {
    throw new NexusError(
      'SOURCE_UNREADABLE',
      `${what}: cannot read ${file ?? 'stdin'}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

interface Line {
  line: number;
  id: string | null;
  query?: unknown;
  error?: string;
}

function parseLines(text: string): Line[] {
  const out: Line[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').trim();
    if (raw === '') continue;
    const line = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      out.push({
        line,
        id: null,
        error: `line ${line}: not JSON (${err instanceof Error ? err.message : err})`,
      });
      continue;
    }
    const id =
      typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string'
        ? ((value as { id: string }).id ?? null)
        : null;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      out.push({ line, id, error: `line ${line}: a query must be a JSON object` });
    else out.push({ line, id, query: value });
  }
  return out;
}

function printHuman(c: CommandEnv, label: string, r: MatchQueryResponse) {
  if (r.status !== 200) {
    c.io.stdout(`${label}: error: ${r.error}\n`);
    return;
  }
  const matches = r.results.filter((x) => x.match).length;
  c.io.stdout(
    `${label}: ${matches} match${matches === 1 ? '' : 'es'}, ${r.results.length} shown of ${r.total.value}\n`,
  );
  for (const x of r.results)
    c.io.stdout(
      `  ${x.score.toFixed(2)} ${x.match ? 'MATCH' : '     '} ${x.schema.padEnd(12)} ${x.caption}  [${x.id}] ${x.datasets.join(',')}\n`,
    );
}

export async function matchCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      dataset: { type: 'string', default: 'default' },
      threshold: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 1) throw new NexusError('USAGE_INVALID', 'match: give at most one FILE');
  const threshold = number('match: --threshold', values.threshold);
  const limit = number('match: --limit', values.limit);
  const lines = parseLines(readInput(positionals[0], 'match'));
  return withStore(c, async (store) => {
    await refreshIndex(c, store, false);
    for (let start = 0; start < lines.length; start += MAX_QUERIES) {
      const batch = lines.slice(start, start + MAX_QUERIES);
      const queries: Record<string, unknown> = {};
      for (const l of batch) if (l.query !== undefined) queries[String(l.line)] = l.query;
      const answer = await screen(c.ctx, store, { queries }, { dataset: values.dataset, threshold, limit });
      for (const l of batch) {
        const r: MatchQueryResponse | undefined = answer.responses[String(l.line)];
        const label = l.id ?? `line ${l.line}`;
        const out =
          l.error !== undefined || r === undefined
            ? { id: l.id, status: 400, error: l.error ?? `line ${l.line}: no answer`, results: [] }
            : {
                id: l.id,
                status: r.status,
                ...(r.error !== undefined ? { error: `line ${l.line}: ${r.error}` } : {}),
                results: r.results,
                total: r.total,
              };
        if (values.json) c.io.stdout(`${JSON.stringify(out)}\n`);
        else if (r && l.error === undefined)
          printHuman(c, label, { ...r, ...(out.error ? { error: out.error } : {}) });
        else c.io.stdout(`${label}: error: ${out.error}\n`);
      }
    }
    return 0;
  });
}

export async function compareCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      pairs: { type: 'string' },
      threshold: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.pairs) throw new NexusError('USAGE_INVALID', 'compare: --pairs FILE is required');
  const threshold = number('compare: --threshold', values.threshold);
  let rows: Record<string, string>[];
  try {
    rows = parse(readInput(values.pairs, 'compare'), {
      columns: true,
      skip_empty_lines: true,
      bom: true,
      relax_column_count: true,
    }) as Record<string, string>[];
  } catch (err) {
    if (err instanceof NexusError) throw err;
    throw new NexusError(
      'FORMAT_MISMATCH',
      `compare: ${values.pairs}: ${err instanceof Error ? err.message : err}`,
    );
  }
  const first = rows[0];
  for (const col of ['schema', 'name1', 'name2'])
    if (first !== undefined && !Object.hasOwn(first, col))
      throw new NexusError('COLUMN_MISSING', `compare: ${values.pairs} has no column "${col}"`);
  const pairs = rows.map((r) => ({ schema: r.schema ?? '', name1: r.name1 ?? '', name2: r.name2 ?? '' }));
  const results = compareNamePairs(pairs, threshold);
  results.forEach((r, i) => {
    const p = pairs[i];
    if (values.json) c.io.stdout(`${JSON.stringify(r)}\n`);
    else c.io.stdout(`${r.score.toFixed(4)} ${r.match ? 'MATCH' : '-    '} ${p?.name1} | ${p?.name2}\n`);
  });
  return 0;
}

export async function indexCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  return withStore(c, async (store) => {
    const summary = await refreshIndex(c, store, false);
    // Not the marker: a statement row number, it counts statements the reader may not see (SECURITY.md R8).
    const { marker: _marker, ...shown } = summary;
    if (values.json) c.io.stdout(`${JSON.stringify(shown)}\n`);
    else
      c.io.stdout(
        summary.entities === 0
          ? 'match index is up to date\n'
          : `match index: ${summary.entities} entities updated, ${summary.keys} keys, in ${summary.elapsedMs} ms\n`,
      );
    return 0;
  });
}
