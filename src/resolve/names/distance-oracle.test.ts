// Differential test: the distance against the implementation it replaced, kept here verbatim as the oracle.
// NEXUS_FUZZ_ITERATIONS=1000000 npx vitest run src/resolve/names/distance-oracle.test.ts runs more pairs on demand.
import { describe, expect, it } from 'vitest';
import confusables from '../data/name-confusables.json' with { type: 'json' };
import { confusableLevenshtein, editSimilarity } from './distance.js';

// ---- The former implementation (commit f395270), unchanged but for the names. ----
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
function referenceLevenshtein(a: string, b: string, max: number = Number.POSITIVE_INFINITY): number {
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
function referenceSimilarity(a: string, b: string, floor = 0): number {
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 0;
  // A tiny allowance, so a similarity exactly at the floor is never lost to rounding.
  const max = floor > 0 ? (1 - floor) * longer + 1e-9 : Number.POSITIVE_INFINITY;
  const distance = referenceLevenshtein(a, b, max);
  if (distance > max) return 0;
  return Math.max(0, 1 - distance / longer);
}

// ---- Random pairs rich in the look-alikes of the table. ----

const ITERATIONS = Number(process.env.NEXUS_FUZZ_ITERATIONS ?? 3000);

function random(seed: number): (n: number) => number {
  // mulberry32: small, seedable, good enough to spread the pairs.
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return Math.floor((((z ^ (z >>> 14)) >>> 0) / 4294967296) * n);
  };
}

// Pieces a string is built of: both sides of every look-alike and multi-character look-alike (so rn/m, ii/u and the
// like meet across a pair, also straddling each other), digits, plain letters, a Cyrillic homoglyph and one letter
// outside the table.
const pieces = [
  ...confusables.pairs.flat(),
  ...confusables.multi.flat(),
  ...confusables.multi.flat(),
  ...'0123456789',
  ...'abcdefghijklmnopqrstuvwxyz',
  'о',
  'é',
];
const counterpart = new Map<string, string>();
for (const [p = '', q = ''] of [...confusables.pairs, ...confusables.multi]) {
  counterpart.set(p, q);
  counterpart.set(q, p);
}

function pairs(seed: number, count: number): Array<[string, string]> {
  const next = random(seed);
  const piece = (): string => pieces[next(pieces.length)] as string;
  // Short alphabets make repeats, transpositions and exact ties between paths frequent.
  const word = (length: number, narrow: boolean): string => {
    let w = '';
    while (w.length < length) w += narrow ? 'rnmiulcd0o'[next(10)] : piece();
    return w.slice(0, length);
  };
  // Random slips of one word: substitution, look-alike swap, insertion, deletion, transposition.
  const slip = (w: string): string => {
    let s = w;
    for (let k = 1 + next(4); k > 0; k--) {
      const i = next(s.length + 1);
      const kind = next(5);
      if (kind === 0) s = s.slice(0, i) + piece() + s.slice(i + 1);
      else if (kind === 1) {
        const from = [...counterpart.keys()].find((c) => s.startsWith(c, i));
        s = from === undefined ? s : s.slice(0, i) + counterpart.get(from) + s.slice(i + from.length);
      } else if (kind === 2) s = s.slice(0, i) + piece() + s.slice(i);
      else if (kind === 3) s = s.slice(0, i) + s.slice(i + 1);
      else if (i + 1 < s.length) s = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
    }
    return s;
  };
  const out: Array<[string, string]> = [];
  for (let k = 0; k < count; k++) {
    const long = next(4) === 0;
    const narrow = next(3) === 0;
    const a = word(long ? next(41) : next(16), narrow);
    const b = next(3) === 0 ? word(long ? next(41) : next(16), narrow) : slip(a);
    out.push(next(2) === 0 ? [a, b] : [b, a]);
  }
  return out;
}

const FLOORS = [0.6, 0.65, 0.85];

describe('confusableLevenshtein against the former implementation', () => {
  it(`gives the same values, bit for bit, on ${ITERATIONS} random pairs`, () => {
    const seed = Number(process.env.NEXUS_FUZZ_SEED ?? 1);
    const maxes = (a: string, b: string, exact: number): number[] => [
      ...FLOORS.map((f) => (1 - f) * Math.max(a.length, b.length) + 1e-9),
      0,
      0.3,
      1,
      2,
      exact,
      exact - 1e-12,
      exact + 0.1,
    ];
    let checked = 0;
    let within = 0;
    // Before each call the buffer the distance reuses is left full of another pair's matrix, laid out at another
    // width, so a cell read before it is written in the call would show.
    let previous: [string, string] = ['rnii', 'm0o'];
    const dirty = (): number => confusableLevenshtein(...previous);
    for (const [a, b] of pairs(seed, ITERATIONS)) {
      const exact = referenceLevenshtein(a, b);
      for (const max of maxes(a, b, exact)) {
        dirty();
        const bounded = confusableLevenshtein(a, b, max);
        if (exact <= max) {
          within++;
          if (!Object.is(bounded, exact)) expect(bounded, `${a} ~ ${b} within ${max}`).toBe(exact);
        } else if (!(bounded > max)) expect(bounded, `${a} ~ ${b} beyond ${max}`).toBeGreaterThan(max);
      }
      for (const floor of [0, ...FLOORS]) {
        const want = referenceSimilarity(a, b, floor);
        dirty();
        const sim = editSimilarity(a, b, floor);
        if (!Object.is(sim, want)) expect(sim, `${a} ~ ${b} at ${floor}`).toBe(want);
      }
      dirty();
      const got = confusableLevenshtein(a, b);
      if (!Object.is(got, exact)) expect(got, `${a} ~ ${b}`).toBe(exact);
      previous = [a, b];
      checked++;
    }
    expect(checked).toBe(ITERATIONS);
    // Both sides of each bound come up often.
    expect(within).toBeGreaterThan(ITERATIONS);
  });
});

describe('confusableLevenshtein on cases a shortcut would get wrong', () => {
  it('keeps a shared first or last letter that a look-alike needs', () => {
    // Trimming a common prefix or suffix is not exact here: "m" for "mrn" is an insertion and rn/m (1.3), while
    // "" for "rn" costs 2. Both implementations must agree on these, with and without a bound.
    for (const [a, b] of [
      ['m', 'mrn'],
      ['mx', 'rnmx'],
      ['xm', 'xmrn'],
      ['cld', 'dd'],
      ['uii', 'iiu'],
      ['vvw', 'wvv'],
    ] as const) {
      const exact = referenceLevenshtein(a, b);
      expect(confusableLevenshtein(a, b)).toBe(exact);
      expect(confusableLevenshtein(a, b, exact)).toBe(exact);
      expect(confusableLevenshtein(b, a, exact + 1e-9)).toBe(exact);
    }
    expect(confusableLevenshtein('m', 'mrn')).toBeCloseTo(1.3, 12);
  });
});
