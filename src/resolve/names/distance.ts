// String distances for names: Jaro-Winkler, and a Levenshtein that charges little for look-alike characters.
import confusables from '../data/name-confusables.json' with { type: 'json' };

const CONFUSABLE = new Set<string>();
for (const [a, b] of confusables.pairs) {
  CONFUSABLE.add(`${a}${b}`);
  CONFUSABLE.add(`${b}${a}`);
}
const MULTI: ReadonlyArray<readonly [string, string]> = confusables.multi.map(
  ([a, b]) => [a ?? '', b ?? ''] as const,
);

/** Jaro similarity (0..1), after Jaro 1989; strings beyond 200 characters are cut to bound the cost. */
export function jaro(a: string, b: string): number {
  const s1 = a.slice(0, 200);
  const s2 = b.slice(0, 200);
  if (s1 === s2) return s1.length === 0 ? 0 : 1;
  if (s1.length === 0 || s2.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(s1.length, s2.length) / 2) - 1);
  const m1 = new Array<boolean>(s1.length).fill(false);
  const m2 = new Array<boolean>(s2.length).fill(false);
  let matches = 0;
  for (let i = 0; i < s1.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(s2.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (m2[j] || s1[i] !== s2[j]) continue;
      m1[i] = true;
      m2[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let transpositions = 0;
  for (let i = 0; i < s1.length; i++) {
    if (!m1[i]) continue;
    while (!m2[k]) k++;
    if (s1[i] !== s2[k]) transpositions++;
    k++;
  }
  const t = transpositions / 2;
  return (matches / s1.length + matches / s2.length + (matches - t) / matches) / 3;
}

/** Jaro-Winkler with the usual prefix scale 0.1 over at most 4 characters (Winkler 1990). */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return j + prefix * 0.1 * (1 - j);
}

const CONFUSABLE_COST = 0.3;

const MULTI_LAST = new Set(MULTI.flatMap(([p, q]) => [p.slice(-1), q.slice(-1)]));
let buffer = new Float64Array(64 * 64);

/** Levenshtein distance where look-alike substitutions (0/o, rn/m, ...) cost 0.3 instead of 1. */
export function confusableLevenshtein(a: string, b: string): number {
  const s = a.slice(0, 200);
  const t = b.slice(0, 200);
  if (s === t) return 0;
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  const width = t.length + 1;
  // One reused flat matrix: this runs for every token pair of every candidate, allocation dominated its cost.
  if (buffer.length < (s.length + 1) * width) buffer = new Float64Array((s.length + 1) * width);
  const d = buffer;
  for (let i = 0; i <= s.length; i++) d[i * width] = i;
  for (let j = 0; j <= t.length; j++) d[j] = j;
  const at = (i: number, j: number): number => d[i * width + j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= s.length; i++) {
    const x = s[i - 1] ?? '';
    for (let j = 1; j <= t.length; j++) {
      const y = t[j - 1] ?? '';
      const sub = x === y ? 0 : CONFUSABLE.has(x + y) ? CONFUSABLE_COST : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + sub);
      // Adjacent transposition (Damerau): "Asasd" for "Assad" is one slip, not two.
      if (i > 1 && j > 1 && x === t[j - 2] && s[i - 2] === y) best = Math.min(best, at(i - 2, j - 2) + 1);
      if (x !== y && MULTI_LAST.has(x) && MULTI_LAST.has(y)) {
        for (const [p, q] of MULTI) {
          if (s.endsWith(p, i) && t.endsWith(q, j))
            best = Math.min(best, at(i - p.length, j - q.length) + CONFUSABLE_COST);
          if (s.endsWith(q, i) && t.endsWith(p, j))
            best = Math.min(best, at(i - q.length, j - p.length) + CONFUSABLE_COST);
        }
      }
      d[i * width + j] = best;
    }
  }
  return at(s.length, t.length);
}

/** 1 - distance / longer length, in 0..1. */
export function editSimilarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 0;
  return Math.max(0, 1 - confusableLevenshtein(a, b) / longer);
}
