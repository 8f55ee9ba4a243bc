// Similarity of two name parts, in tiers from exact to fuzzy, each turned into a 0..1 contribution.
import words from '../data/name-words.json' with { type: 'json' };
import { editSimilarity } from './distance.js';
import type { NamePart } from './parts.js';
import { consonantsOfKey } from './phonetic.js';
import { skeletonReadings } from './translit.js';

export type Tier = 'exact' | 'translit' | 'initial' | 'nickname' | 'phonetic' | 'fuzzy' | 'none';

export interface PartSimilarity {
  readonly score: number;
  readonly tier: Tier;
}

const NICKNAMES = new Set<string>();
for (const [full, short] of Object.entries(words.nicknames)) {
  for (const s of short) {
    NICKNAMES.add(`${full}|${s}`);
    NICKNAMES.add(`${s}|${full}`);
  }
}

const NONE: PartSimilarity = { score: 0, tier: 'none' };
/** Edit similarity below this is a different word; above it the credit rises linearly to 1. */
const FUZZY_FLOOR = 0.6;
const PHONETIC_SCORE = 0.85;

function fuzzy(s: number): number {
  // Concave, so that one slip in a long word keeps most of the credit.
  return Math.max(0, Math.min(1, (s - FUZZY_FLOOR) / (1 - FUZZY_FLOOR))) ** 0.8;
}

const vowels = (t: string): string => t.replace(/[^aeiouy]/g, '');
/** Short syllables (Xi/Shi, On/Un) count as phonetic equals only when the vowel is the same or leads the word. */
function sameVowels(a: string, b: string): boolean {
  return vowels(a) === vowels(b) || (/^[aeiou]/.test(a) && /^[aeiou]/.test(b));
}

// Per part of the first name, what each part of the other scored. The first is the query's side in screening, the
// same part objects for every candidate; keys are the other part's signature, a string whose hash V8 keeps. Bounded
// in all, not per part: each query's parts are new, and kept by the analysis cache their results outlived the
// query and were copied into the old generation, where they cost every major collection (a tenth of xref's time).
// A query's comparisons with its candidates need a few hundred entries; bounded at 50,000, entries lived long enough
// to be promoted, and xref took 5-9% longer than at this bound (screening 2-4%).
let cache = new WeakMap<NamePart, Map<string, PartSimilarity>>();
let held = 0;
const MAX_HELD = 3_000;

/** How well part a stands for part b (cached: screening meets the same query words on every candidate). */
export function partSimilarity(a: NamePart, b: NamePart): PartSimilarity {
  let seen = cache.get(a);
  if (seen === undefined) {
    seen = new Map();
    cache.set(a, seen);
  }
  const hit = seen.get(b.sig);
  if (hit !== undefined) return hit;
  const result = computeSimilarity(a, b);
  if (held >= MAX_HELD) {
    // Started over: the current query's parts fill it again from the next pair on.
    cache = new WeakMap();
    held = 0;
    seen = new Map();
    cache.set(a, seen);
  }
  seen.set(b.sig, result);
  held++;
  return result;
}

/** The word written backwards, by code point. A reversal is as long as the word: callers test lengths first. */
function reversed(text: string): string {
  let out = '';
  for (const ch of text) out = ch + out;
  return out;
}

function computeSimilarity(a: NamePart, b: NamePart): PartSimilarity {
  const cross = a.origin !== 'latin' || b.origin !== 'latin';
  if (a.text === b.text) return { score: 1, tier: cross ? 'translit' : 'exact' };
  if (a.tag === 'number' || b.tag === 'number') return NONE;
  if (a.text.length === 1 || b.text.length === 1) {
    // An initial stands for any word it begins; two different initials are different names.
    if (a.text.length === 1 && b.text.length === 1) return NONE;
    return a.text[0] === b.text[0] ? { score: 0.85, tier: 'initial' } : NONE;
  }
  if (NICKNAMES.has(`${a.text}|${b.text}`)) return { score: 0.85, tier: 'nickname' };
  const shortest = Math.min(a.text.length, b.text.length);
  if (a.phon === b.phon && a.phon.length >= 1 && (shortest >= 3 || sameVowels(a.text, b.text))) {
    return { score: PHONETIC_SCORE, tier: 'phonetic' };
  }
  if (a.origin === 'abjad' || b.origin === 'abjad') {
    // Arabic and Hebrew script leave short vowels unwritten: compare the consonants of the phonetic keys. Against a
    // Latin spelling, also the skeletons, which know how Arabic script writes foreign sounds (p as b, v as f, g as gh);
    // not between two names in the script, which tells apart what the skeleton joins (Persian's p and b, v and f).
    const x = consonantsOfKey(a.phon);
    const y = consonantsOfKey(b.phon);
    if (x === y && x.length >= 2) return { score: PHONETIC_SCORE, tier: 'phonetic' };
    let e = editSimilarity(x, y, FUZZY_FLOOR);
    if (a.origin !== b.origin) {
      // An Arabic-script skeleton may have letters Latin writes several ways (ض as d or z): try each reading.
      const [arabic, other] = a.origin === 'abjad' ? [a.skel, b.skel] : [b.skel, a.skel];
      for (const reading of skeletonReadings(arabic)) {
        if (reading === other && reading.length >= 2) return { score: PHONETIC_SCORE, tier: 'phonetic' };
        e = Math.max(e, editSimilarity(reading, other, FUZZY_FLOOR));
      }
    }
    const s = fuzzy(e) * 0.9;
    return s > 0 ? { score: s, tier: 'fuzzy' } : NONE;
  }
  const longest = Math.max(a.text.length, b.text.length);
  // Lengths this far apart cannot reach the fuzzy floor; skip the edit distance (it runs for every candidate).
  if (!cross && (longest - shortest) / longest > 1 - FUZZY_FLOOR) return NONE;
  let s = editSimilarity(a.text, b.text, FUZZY_FLOOR);
  if (cross) s = Math.max(s, editSimilarity(a.phon, b.phon, FUZZY_FLOOR + 0.05) - 0.05);
  if (shortest >= 4 && a.text.length === b.text.length && reversed(a.text) === b.text) s = Math.max(s, 0.8);
  const score = fuzzy(s);
  return score > 0 ? { score, tier: 'fuzzy' } : NONE;
}
