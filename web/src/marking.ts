// Security markings as the server writes them (`OFFICIAL-SENSITIVE`, `SECRET UK EYES ONLY`), read with the same
// table as the server (src/model/data/markings.json), so the page can name the highest marking it shows.
import table from '../../src/model/data/markings.json';

export interface Marking {
  level: string;
  rank: number;
  caveats: string[];
}

const levels = [...table.levels].sort((a, b) => b.name.length - a.name.length);
const caveats = [...table.caveats].sort((a, b) => b.length - a.length);

/** Parses a marking; anything unreadable counts as unknown (rank 0), never as lower than it may be. */
export function parseMarking(text: string): Marking | undefined {
  let rest = text.trim().toUpperCase().replace(/[/]+/g, ' ').replace(/\s+/g, ' ');
  if (rest.startsWith('OFFICIAL-SENSITIVE'))
    rest = `OFFICIAL SENSITIVE${rest.slice('OFFICIAL-SENSITIVE'.length)}`;
  const level = levels.find((l) => rest === l.name || rest.startsWith(`${l.name} `));
  if (!level) return undefined;
  let tail = rest.slice(level.name.length).trim();
  const found: string[] = [];
  while (tail !== '') {
    tail = tail.replace(/^[-,\s]+/, '');
    const caveat = caveats.find((c) => tail === c || tail.startsWith(`${c} `) || tail.startsWith(`${c},`));
    if (!caveat) return undefined;
    if (!found.includes(caveat)) found.push(caveat);
    tail = tail.slice(caveat.length).trim();
  }
  return { level: level.name, rank: level.rank, caveats: found.sort() };
}

export function formatMarking(m: Marking): string {
  const sensitive = m.level === 'OFFICIAL' && m.caveats.includes('SENSITIVE');
  const rest = m.caveats.filter((c) => !(c === 'SENSITIVE' && m.level === 'OFFICIAL'));
  return [sensitive ? 'OFFICIAL-SENSITIVE' : m.level, ...rest].join(' ');
}

/** The highest of several markings: the top level, with every caveat any of them carries. */
export function highestMarking(texts: Iterable<string | undefined>): string | undefined {
  let top: Marking | undefined;
  const all = new Set<string>();
  const unreadable: string[] = [];
  for (const text of texts) {
    if (!text) continue;
    const m = parseMarking(text);
    if (!m) {
      unreadable.push(text);
      continue;
    }
    if (!top || m.rank > top.rank) top = m;
    for (const c of m.caveats) all.add(c);
  }
  const known = top ? formatMarking({ ...top, caveats: [...all].sort() }) : undefined;
  if (unreadable.length === 0) return known;
  // A marking the table does not know is shown as it is rather than hidden under a lower one.
  return [known, ...new Set(unreadable)].filter(Boolean).join(' + ');
}

/** CSS class for a marking's level, so SECRET never looks like OFFICIAL. */
export function markingClass(text: string | undefined): string {
  const m = text ? parseMarking(text) : undefined;
  if (!m) return text ? 'mk-secret' : 'mk-none';
  if (m.level === 'TOP SECRET') return 'mk-top-secret';
  if (m.level === 'SECRET') return 'mk-secret';
  return m.caveats.length ? 'mk-official-sensitive' : 'mk-official';
}
