// String distances for names: Jaro-Winkler, and a Levenshtein that charges little for look-alike characters.
import confusables from '../data/name-confusables.json' with { type: 'json' };

const CONFUSABLE_COST = 0.3;
const MULTI = confusables.multi.map(([p = '', q = '']) => [p, q] as const);

// Look-alikes as tables indexed by a small class number per code unit (0 for characters in none), so that each cell
// of the distance reads arrays instead of hashing: SINGLE marks the one-character pairs, MULTI_AT lists the
// multi-character ones both ways round (rn in s for m in t, and m in s for rn in t) by the classes of their last
// characters, which is where a cell meets them.
const CLASS = new Uint16Array(65536);
let classes = 0;
for (const w of [...confusables.pairs.flat(), ...MULTI.flat()]) {
  for (let k = 0; k < w.length; k++) if (CLASS[w.charCodeAt(k)] === 0) CLASS[w.charCodeAt(k)] = ++classes;
}
const K = classes + 1;
const at = (x: string, y: string): number =>
  (CLASS[x.charCodeAt(x.length - 1)] as number) * K + (CLASS[y.charCodeAt(y.length - 1)] as number);
const SINGLE = new Uint8Array(K * K);
for (const [x = '', y = ''] of confusables.pairs) {
  SINGLE[at(x, y)] = 1;
  SINGLE[at(y, x)] = 1;
}
interface Multi {
  readonly p: readonly number[];
  readonly q: readonly number[];
}
const codes = (w: string): number[] => Array.from(w, (_, k) => w.charCodeAt(k));
const MULTI_AT: Multi[][] = Array.from({ length: K * K }, () => []);
for (const [p, q] of MULTI) {
  MULTI_AT[at(p, q)]?.push({ p: codes(p), q: codes(q) });
  MULTI_AT[at(q, p)]?.push({ p: codes(q), q: codes(p) });
}

// A step spans at most this many rows (a transposition two, a multi-character look-alike its length), and moves at
// most REACH diagonals (an insertion one, rn/m one): the bounds below are derived from the table, not assumed.
const STEP_ROWS = Math.max(2, ...MULTI.flat().map((w) => w.length));
const REACH = Math.max(1, ...MULTI.map(([p, q]) => Math.abs(p.length - q.length)));
// Moving a diagonal costs an insertion or deletion 1, but a look-alike that changes the length less (rn/m: 0.3 for
// one letter). It can only do so where one string holds one side and the other string the other, so each call notes
// which of these sides its strings hold, one bit each: one-letter sides by class (PIECE1), two-letter sides by the
// classes of their letters (PIECE2).
const SHIFTING = MULTI.filter(([p, q]) => p.length !== q.length);
const PIECES = [...new Set(SHIFTING.flat())];
if (PIECES.length > 30 || PIECES.some((w) => w.length > 2)) {
  throw new Error(
    'name-confusables.json: piecesIn handles up to 30 multi-letter look-alikes of up to two letters',
  );
}
const PIECE1 = new Int32Array(K);
const PIECE2 = new Int32Array(K * K);
PIECES.forEach((w, k) => {
  const first = CLASS[w.charCodeAt(0)] as number;
  const table = w.length === 1 ? PIECE1 : PIECE2;
  const cell = w.length === 1 ? first : first * K + (CLASS[w.charCodeAt(1)] as number);
  table[cell] = (table[cell] as number) | (1 << k);
});
const SHIFTERS = SHIFTING.map(([p, q]) => ({
  p: 1 << PIECES.indexOf(p),
  q: 1 << PIECES.indexOf(q),
  cost: CONFUSABLE_COST / Math.abs(p.length - q.length),
}));
// Sums of 0.3 and 1 carry rounding in the 15th digit: this slack on `max` keeps every cell of a path within it.
const SLACK = 1e-9;

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

let buffer = new Float64Array(64 * 64);
let tCodes = new Int32Array(64);
let tClasses = new Int32Array(64);

/** True when the code units ending at `end` of s are `w`. */
function endsWith(s: string, end: number, w: readonly number[]): boolean {
  if (end < w.length) return false;
  for (let k = 0; k < w.length; k++) if (s.charCodeAt(end - w.length + k) !== w[k]) return false;
  return true;
}

/** Bit set of the look-alike sides that occur in s. */
function piecesIn(s: string): number {
  let bits = 0;
  let before = 0;
  for (let i = 0; i < s.length; i++) {
    const c = CLASS[s.charCodeAt(i)] as number;
    bits |= (PIECE1[c] as number) | (PIECE2[before * K + c] as number);
    before = c;
  }
  return bits;
}

/** The least any path between s and t pays per diagonal it moves. */
function shiftCost(s: string, t: string): number {
  const inS = piecesIn(s);
  const inT = piecesIn(t);
  let cost = 1;
  for (const x of SHIFTERS) {
    if (((inS & x.p && inT & x.q) || (inS & x.q && inT & x.p)) && x.cost < cost) cost = x.cost;
  }
  return cost;
}

/**
 * Levenshtein distance where look-alike substitutions (0/o, rn/m, ...) cost 0.3 instead of 1. With `max`, the result
 * is exactly the distance when that is within `max`, and otherwise some number above `max`: cells that lie on no path
 * within `max` are skipped or set aside, and work stops once a whole band of rows is out of reach.
 */
export function confusableLevenshtein(a: string, b: string, max: number = Number.POSITIVE_INFINITY): number {
  const s = a.length > 200 ? a.slice(0, 200) : a;
  const t = b.length > 200 ? b.slice(0, 200) : b;
  if (s === t) return 0;
  const n = s.length;
  const m = t.length;
  if (n === 0) return m;
  if (m === 0) return n;
  const limit = max + SLACK;
  // A path through cell (i, j) moves at least |j - i| diagonals to reach it and |j - i - skew| more to reach the end,
  // paying at least `shift` for each: cells beyond the band of diagonals [lo, hi] are not worth computing, and a cell
  // whose distance plus what it still has to pay exceeds `max` is set aside as infinite.
  const shift = limit === Number.POSITIVE_INFINITY ? 1 : shiftCost(s, t);
  const skew = m - n;
  if (Math.abs(skew) * shift > limit) return Number.POSITIVE_INFINITY;
  const spare = Math.floor((limit / shift - Math.abs(skew)) / 2 + SLACK);
  const lo = Math.min(0, skew) - spare;
  const hi = Math.max(0, skew) + spare;
  const width = m + 1;
  // One reused flat matrix, indexed directly: this runs for every token pair of every candidate, and allocation
  // dominated its cost. Every cell a call reads it has written: row 0, column 0, the band, and REACH guards each side.
  if (buffer.length < (n + 1) * width) buffer = new Float64Array((n + 1) * width);
  if (tCodes.length < width) {
    tCodes = new Int32Array(width * 2);
    tClasses = new Int32Array(width * 2);
  }
  const d = buffer;
  for (let j = 1; j <= m; j++) {
    const y = t.charCodeAt(j - 1);
    tCodes[j] = y;
    tClasses[j] = CLASS[y] as number;
  }
  for (let j = 0; j <= m; j++) d[j] = j;
  let deadRows = 0;
  for (let i = 1; i <= n; i++) {
    const x = s.charCodeAt(i - 1);
    const prevX = i > 1 ? s.charCodeAt(i - 2) : -1;
    const xRow = (CLASS[x] as number) * K;
    const row = i * width;
    const above = row - width;
    const toEnd = skew + i; // cell (i, j) is |j - toEnd| diagonals off the end's
    let live = i + Math.abs(toEnd) * shift <= limit;
    d[row] = live ? i : Number.POSITIVE_INFINITY;
    const from = Math.max(1, i + lo);
    const to = Math.min(m, i + hi);
    for (let g = 1; g <= REACH; g++) {
      if (from - g >= 1 && from - g <= m) d[row + from - g] = Number.POSITIVE_INFINITY;
      if (to + g >= 1 && to + g <= m) d[row + to + g] = Number.POSITIVE_INFINITY;
    }
    for (let j = from; j <= to; j++) {
      const y = tCodes[j] as number;
      let best: number;
      if (x === y) best = d[above + j - 1] as number;
      else {
        const pair = xRow + (tClasses[j] as number);
        best = (d[above + j - 1] as number) + (SINGLE[pair] === 1 ? CONFUSABLE_COST : 1);
        const multis = MULTI_AT[pair] as Multi[];
        for (let k = 0; k < multis.length; k++) {
          const { p, q } = multis[k] as Multi;
          if (endsWith(s, i, p) && endsWith(t, j, q)) {
            const look = (d[(i - p.length) * width + j - q.length] as number) + CONFUSABLE_COST;
            if (look < best) best = look;
          }
        }
      }
      const del = (d[above + j] as number) + 1;
      if (del < best) best = del;
      const ins = (d[row + j - 1] as number) + 1;
      if (ins < best) best = ins;
      // Adjacent transposition (Damerau): "Asasd" for "Assad" is one slip, not two.
      if (x === tCodes[j - 1] && prevX === y && i > 1 && j > 1) {
        const swap = (d[above - width + j - 2] as number) + 1;
        if (swap < best) best = swap;
      }
      if (best + Math.abs(j - toEnd) * shift > limit) best = Number.POSITIVE_INFINITY;
      else live = true;
      d[row + j] = best;
    }
    // No step spans more than STEP_ROWS rows: once that many rows in a row are out of reach, so is the end.
    deadRows = live ? 0 : deadRows + 1;
    if (deadRows >= STEP_ROWS) return Number.POSITIVE_INFINITY;
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
