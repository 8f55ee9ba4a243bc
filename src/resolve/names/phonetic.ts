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
  const body = s.replace(/[aeiou]+/g, '').replace(/(.)\1+/g, '$1');
  return head + body;
}

/** Vowel-free skeleton for comparing a Latin spelling with one from Arabic, Persian or Hebrew script. */
export function skeletonKey(token: string): string {
  return skeletonOfKey(phoneticKey(token));
}

/** skeletonKey from the token's phonetic key, when that is at hand already. */
export function skeletonOfKey(phon: string): string {
  return phon.replace(/^a/, '').replace(/[vi]/g, '');
}
