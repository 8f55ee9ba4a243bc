// String distances for names: Jaro-Winkler, and a Levenshtein that charges little for look-alike characters.
import confusables from '../data/name-confusables.json' with { type: 'json' };

// Look-alike pairs as one number per ordered pair of UTF-16 code units: the distance checks it for every cell.
const CONFUSABLE = new Set<number>();
const pairCode = (x: number, y: number): number => x * 65536 + y;
for (const [a = '', b = ''] of confusables.pairs) {
  CONFUSABLE.add(pairCode(a.charCodeAt(0), b.charCodeAt(0)));
  CONFUSABLE.add(pairCode(b.charCodeAt(0), a.charCodeAt(0)));
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

const MULTI_LAST = new Set(
  MULTI.flatMap(([p, q]) => [p.charCodeAt(p.length - 1), q.charCodeAt(q.length - 1)]),
);
let buffer = new Float64Array(64 * 64);

/**
 * Levenshtein distance where look-alike substitutions (0/o, rn/m, ...) cost 0.3 instead of 1. With `max`, work stops
 * once every cell of two consecutive rows exceeds it (no cost is negative and no step skips two rows, so the distance
 * can only be larger): the result is then some number above `max`, not the distance.
 */
export function confusableLevenshtein(a: string, b: string, max: number = Number.POSITIVE_INFINITY): number {
  const s = a.length > 200 ? a.slice(0, 200) : a;
  const t = b.length > 200 ? b.slice(0, 200) : b;
  if (s === t) return 0;
  const n = s.length;
  const m = t.length;
  if (n === 0) return m;
  if (m === 0) return n;
  const width = m + 1;
  // One reused flat matrix, indexed directly: this runs for every token pair of every candidate, and allocation
  // and per-cell closures dominated its cost.
  if (buffer.length < (n + 1) * width) buffer = new Float64Array((n + 1) * width);
  const d = buffer;
  for (let i = 0; i <= n; i++) d[i * width] = i;
  for (let j = 0; j <= m; j++) d[j] = j;
  let lastRowMin = 0;
  for (let i = 1; i <= n; i++) {
    const x = s.charCodeAt(i - 1);
    const prevX = i > 1 ? s.charCodeAt(i - 2) : -1;
    const row = i * width;
    const above = row - width;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const y = t.charCodeAt(j - 1);
      const sub = x === y ? 0 : CONFUSABLE.has(pairCode(x, y)) ? CONFUSABLE_COST : 1;
      let best = (d[above + j - 1] as number) + sub;
      const del = (d[above + j] as number) + 1;
      if (del < best) best = del;
      const ins = (d[row + j - 1] as number) + 1;
      if (ins < best) best = ins;
      // Adjacent transposition (Damerau): "Asasd" for "Assad" is one slip, not two.
      if (i > 1 && j > 1 && x === t.charCodeAt(j - 2) && prevX === y) {
        const swap = (d[above - width + j - 2] as number) + 1;
        if (swap < best) best = swap;
      }
      if (x !== y && MULTI_LAST.has(x) && MULTI_LAST.has(y)) {
        for (const [p, q] of MULTI) {
          if (s.endsWith(p, i) && t.endsWith(q, j))
            best = Math.min(best, (d[(i - p.length) * width + j - q.length] as number) + CONFUSABLE_COST);
          if (s.endsWith(q, i) && t.endsWith(p, j))
            best = Math.min(best, (d[(i - q.length) * width + j - p.length] as number) + CONFUSABLE_COST);
        }
      }
      d[row + j] = best;
      if (best < rowMin) rowMin = best;
    }
    // A transposition or a two-letter look-alike steps over one row, never two: once two rows in a row exceed
    // `max`, every path to the end does.
    if (rowMin > max && lastRowMin > max) return Math.min(rowMin, lastRowMin);
    lastRowMin = rowMin;
  }
  return d[n * width + m] as number;
}

/**
 * 1 - distance / longer length, in 0..1. With `floor`, a similarity below it comes back as 0 without the whole
 * distance being worked out: callers that give no credit below a floor (fuzzy name parts) say so and save the work.
 */
export function editSimilarity(a: string, b: string, floor = 0): number {
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 0;
  // A tiny allowance, so a similarity exactly at the floor is never lost to rounding.
  const max = floor > 0 ? (1 - floor) * longer + 1e-9 : Number.POSITIVE_INFINITY;
  const distance = confusableLevenshtein(a, b, max);
  if (distance > max) return 0;
  return Math.max(0, 1 - distance / longer);
}
