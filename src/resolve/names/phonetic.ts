// Phonetic keys for name tokens, built to survive transliteration differences (kh/h, ph/f, w/v, y/i/j, doubled letters).

const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/tsch|tch|dzh|zh|dj|dsh/g, 'j'],
  [/sch|sh|ch|shch|sz|cz|ş|x/g, 'x'],
  [/ph|pf/g, 'f'],
  [/kh/g, 'h'],
  [/ck|gh|qu|q|c(?=[aou]|$|[^ehiy])/g, 'k'],
  [/c/g, 's'],
  [/th/g, 't'],
  [/dh/g, 'd'],
  [/ts|tz|z/g, 's'],
  [/w/g, 'v'],
  [/y/g, 'i'],
  [/(?<=[aeiou])j/g, 'i'],
  [/(?<=[aeiou])h$/g, ''],
];

/** Consonant skeleton with the first letter kept (vowels as 'a'): Scholz/Schulze -> xls, Mahmoud -> mmd. */
export function phoneticKey(token: string): string {
  if (token.length === 0) return '';
  let s = token;
  for (const [re, to] of RULES) s = s.replace(re, to);
  const head = /^[aeiou]/.test(s) ? 'a' : '';
  const body = collapseRepeats(s.replace(/[aeiou]+/g, ''));
  return head + body;
}

/** A phonetic key's consonants, without the letters that stand for vowels in Arabic script (w, y). */
export function consonantsOfKey(phon: string): string {
  return phon.replace(/^a/, '').replace(/[vi]/g, '');
}

// Arabic script has no p, v or g: it writes them b, f and gh (or k, q). A key made from its transliteration may stand
// for a Latin key with any of these letters back.
const ABJAD_STANDS_FOR: Record<string, string> = { b: 'p', f: 'v', k: 'g' };
const MAX_VARIANTS = 8;

/**
 * The Latin phonetic keys that the key of an Arabic-script word may stand for, itself first: Fladimir (fldmr) ->
 * vldmr, Butin (btn) -> ptn. At most eight, the letters nearest the start varied first.
 */
export function abjadKeyVariants(phon: string): string[] {
  let out = [phon];
  for (let i = 0; i < phon.length && out.length < MAX_VARIANTS; i++) {
    const other = ABJAD_STANDS_FOR[phon[i] as string];
    if (other === undefined) continue;
    const more = out.map((k) => k.slice(0, i) + other + k.slice(i + 1));
    out = [...out, ...more].slice(0, MAX_VARIANTS);
  }
  return out;
}

// How Arabic script writes the sounds of a Latin spelling, for comparing the two: it has no p (written b) and no v
// (written f), writes g as gh, j, k or q, leaves short vowels out and writes long ones with the letters for w and y.
// Applied to the Latin text (or the Latin transliteration of an Arabic-script name), in order.
const SKELETON_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/x/g, 'ks'],
  [/tsch|tsh|tch|sch|sh|ch/g, 'x'],
  [/dzh|zh|dj|dg(?=[eiy])/g, 'j'],
  [/ph|pf/g, 'f'],
  [/kh/g, 'h'],
  [/gh|ck|qu|q|c(?=[aou]|$|[^ehiy])|g/g, 'k'],
  [/c/g, 's'],
  [/th/g, 't'],
  [/dh/g, 'd'],
  [/ts|tz|z/g, 's'],
  [/p/g, 'b'],
  [/v/g, 'f'],
  [/(?<=[aeiouwy])h$/g, ''],
  [/[aeiouwy]+/g, ''],
];

/**
 * Vowel-free skeleton for comparing a Latin spelling with one from Arabic, Persian or Hebrew script: Vladimir and
 * Fladimir (فلاديمير) -> fldmr, Gandhi and Ghandi (غاندي) -> knd, Pranab and Branab (براناب) -> brnb.
 */
export function skeletonKey(token: string): string {
  let s = token;
  for (const [re, to] of SKELETON_RULES) s = s.replace(re, to);
  return collapseRepeats(s);
}

/** The text with each run of one letter written once (Hassan -> Hasan). */
export function collapseRepeats(text: string): string {
  return text.replace(/(.)\1+/g, '$1');
}
