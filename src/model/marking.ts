// Security markings (UK Government Security Classifications): a level plus handling caveats, parsed from text.
import table from './data/markings.json' with { type: 'json' };
import { NexusError } from './errors.js';

export interface Marking {
  readonly level: string;
  readonly rank: number;
  /** Sorted, upper-case caveats such as `SENSITIVE` or `UK EYES ONLY`. */
  readonly caveats: readonly string[];
}

/** Classification levels (rank 1 lowest), caveats and compartments a marking may carry, and the default marking. */
export interface MarkingTable {
  levels: readonly { name: string; rank: number }[];
  /** Caveats and compartments alike: a statement carrying one is seen only by holders of it. */
  caveats: readonly string[];
  default: string;
}

let levels = new Map<string, number>();
let caveats = new Set<string>();
// Entity views parse the marking of every statement they hold; the distinct texts are few.
const parsed = new Map<string, Marking>();

export let DEFAULT_MARKING: Marking;

/**
 * Replaces the marking table (the access policy does this at start-up, src/access/policy.ts). Levels must have
 * distinct names and ranks; the table in src/model/data/markings.json holds until then.
 */
export function configureMarkings(next: MarkingTable): void {
  levels = new Map(next.levels.map((l) => [l.name.toUpperCase(), l.rank]));
  caveats = new Set(next.caveats.map((c) => c.toUpperCase()));
  parsed.clear();
  DEFAULT_MARKING = parseMarking(next.default);
}

/** The built-in table: UK Government Security Classifications. */
export const BUILTIN_MARKINGS: MarkingTable = table;

configureMarkings(table);

/**
 * Parses `OFFICIAL`, `OFFICIAL-SENSITIVE`, `SECRET UK EYES ONLY`, `TOP SECRET//UK EYES ONLY` and similar.
 * Throws MARKING_INVALID for an unknown level or caveat.
 */
export function parseMarking(text: string): Marking {
  const known = parsed.get(text);
  if (known) return known;
  const marking = parseMarkingText(text);
  if (parsed.size < 1000) parsed.set(text, marking);
  return marking;
}

function parseMarkingText(text: string): Marking {
  let rest = text.trim().toUpperCase().replace(/[/]+/g, ' ').replace(/\s+/g, ' ');
  if (rest.startsWith('OFFICIAL-SENSITIVE'))
    rest = `OFFICIAL SENSITIVE${rest.slice('OFFICIAL-SENSITIVE'.length)}`;
  const level = [...levels.keys()]
    .sort((a, b) => b.length - a.length)
    .find((l) => rest === l || rest.startsWith(`${l} `));
  if (level === undefined)
    throw new NexusError(
      'MARKING_INVALID',
      `marking.parse: "${text}" does not start with a classification level`,
    );
  let tail = rest.slice(level.length).trim();
  const found: string[] = [];
  while (tail !== '') {
    tail = tail.replace(/^[-,\s]+/, '');
    const caveat = [...caveats]
      .sort((a, b) => b.length - a.length)
      .find((c) => tail === c || tail.startsWith(`${c} `) || tail.startsWith(`${c},`));
    if (caveat === undefined)
      throw new NexusError('MARKING_INVALID', `marking.parse: unknown caveat "${tail}" in "${text}"`);
    if (!found.includes(caveat)) found.push(caveat);
    tail = tail.slice(caveat.length).trim();
  }
  found.sort();
  return Object.freeze({ level, rank: levels.get(level) ?? 0, caveats: Object.freeze(found) });
}

/** Canonical text of a marking: `OFFICIAL-SENSITIVE`, `SECRET UK EYES ONLY`. */
export function formatMarking(marking: Marking): string {
  const rest = marking.caveats.filter((c) => !(c === 'SENSITIVE' && marking.level === 'OFFICIAL'));
  const head =
    marking.level === 'OFFICIAL' && marking.caveats.includes('SENSITIVE')
      ? 'OFFICIAL-SENSITIVE'
      : marking.level;
  return [head, ...rest].join(' ');
}

/** The highest of several markings: the top level, with every caveat any of them carries. */
export function highestMarking(markings: Iterable<Marking>): Marking {
  let rank = DEFAULT_MARKING.rank;
  let level = DEFAULT_MARKING.level;
  const all = new Set<string>();
  for (const m of markings) {
    if (m.rank > rank) {
      rank = m.rank;
      level = m.level;
    }
    for (const c of m.caveats) all.add(c);
  }
  return Object.freeze({ level, rank, caveats: Object.freeze([...all].sort()) });
}

export function markingLevels(): string[] {
  return [...levels.keys()];
}

/** Every caveat and compartment the table knows. */
export function markingCaveats(): string[] {
  return [...caveats];
}
