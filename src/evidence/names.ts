// Candidate names in free text: runs of two to five capitalised words (Latin, Cyrillic or Greek letters; words in
// capitals too, as lists and forms write surnames), on one line. They are only candidates: a name is mentioned when
// the matcher finds a stored entity for it (src/evidence/mentions.ts). Scripts without capitals (Arabic, Chinese)
// yield no candidates here.

export interface NameCandidate {
  text: string;
  start: number;
  end: number;
}

// A capitalised word, allowing inner apostrophes and hyphens (O'Brien, Jean-Luc), or an initial with a dot.
const WORD = "(?:\\p{Lu}[\\p{Ll}\\p{Lu}\\p{M}]*(?:['’-]\\p{Lu}?[\\p{Ll}\\p{Lu}\\p{M}]+)*|\\p{Lu}\\.)";
const RUN = new RegExp(`${WORD}(?:[ \\t]{1,2}${WORD}){1,4}`, 'gu');

/** Words that start sentences, letters and titles rather than names; dropped from a run's ends. */
const STOP = new Set([
  'the',
  'a',
  'an',
  'and',
  'or',
  'of',
  'in',
  'on',
  'at',
  'to',
  'for',
  'from',
  'by',
  'with',
  'dear',
  'mr',
  'mrs',
  'ms',
  'dr',
  'sir',
  'madam',
  're',
  'fw',
  'fwd',
  'subject',
  'date',
  'sent',
  'cc',
  'bcc',
  'page',
  'dear',
  'hello',
  'hi',
  'regards',
  'kind',
  'best',
  'thanks',
  'please',
  'this',
  'that',
  'we',
  'i',
  'our',
  'your',
  'it',
  'is',
  'was',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
]);

function isStop(word: string): boolean {
  return STOP.has(word.replace(/\.$/, '').toLowerCase());
}

/** Distinct candidate names with their first positions, at most `max` of them. */
export function nameCandidates(text: string, max: number): Map<string, NameCandidate[]> {
  const found = new Map<string, NameCandidate[]>();
  for (const m of text.matchAll(RUN)) {
    let words: { w: string; at: number }[] = [];
    let pos = 0;
    for (const w of m[0].split(/[ \t]+/)) {
      const at = m[0].indexOf(w, pos);
      words.push({ w, at });
      pos = at + w.length;
    }
    while (words.length > 0 && isStop((words[0] as { w: string }).w)) words = words.slice(1);
    while (words.length > 0 && isStop((words.at(-1) as { w: string }).w)) words = words.slice(0, -1);
    const first = words[0];
    const last = words.at(-1);
    if (!first || !last || words.length < 2 || words.every((x) => x.w.length <= 2)) continue;
    const name = words.map((x) => x.w).join(' ');
    const start = m.index + first.at;
    const end = m.index + last.at + last.w.length;
    const list = found.get(name);
    if (list) {
      if (list.length < 20) list.push({ text: name, start, end });
    } else {
      if (found.size >= max) break;
      found.set(name, [{ text: name, start, end }]);
    }
  }
  return found;
}
