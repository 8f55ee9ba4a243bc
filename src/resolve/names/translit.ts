// Transliteration of non-Latin scripts into Latin, so names written in different scripts become comparable.
import pinyinTable from '../data/name-pinyin.json' with { type: 'json' };
import tables from '../data/name-translit.json' with { type: 'json' };
import words from '../data/name-words.json' with { type: 'json' };

const toMap = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));
const CYRILLIC = toMap(tables.cyrillic);
const UKRAINIAN = toMap(tables.ukrainian);
const GREEK = toMap(tables.greek);
const GREEK_DI = toMap(tables.greekDigraphs);
const ARABIC = toMap(tables.arabic);
const ARABIC_SKELETON = toMap(tables.arabicSkeleton);
const HEBREW = toMap(tables.hebrew);
const ARMENIAN = toMap(tables.armenian);
const GEORGIAN = toMap(tables.georgian);
const KANA = toMap(tables.kana);
const KOREAN_SURNAMES = toMap(words.koreanSurnames);
const PINYIN = new Map<string, string>();
for (const [syllable, chars] of Object.entries(pinyinTable.syllables)) {
  for (const ch of chars) if (!PINYIN.has(ch)) PINYIN.set(ch, syllable.replace(/\d/g, '').replace('ü', 'u'));
}
const COMPOUND_SURNAMES = new Set(pinyinTable.compoundSurnames);

/** The scripts the engine knows; `latin` also covers digits and anything left unconverted. */
export type Script = 'latin' | 'cyrillic' | 'greek' | 'abjad' | 'hangul' | 'han' | 'kana' | 'other';

export function scriptOf(ch: string): Script {
  const c = ch.codePointAt(0) ?? 0;
  if (c < 0x250) return 'latin';
  if (c >= 0x400 && c <= 0x52f) return 'cyrillic';
  if (c >= 0x370 && c <= 0x3ff) return 'greek';
  if ((c >= 0x590 && c <= 0x6ff) || (c >= 0x750 && c <= 0x77f) || (c >= 0xfb50 && c <= 0xfeff))
    return 'abjad';
  if (c >= 0xac00 && c <= 0xd7a3) return 'hangul';
  if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) return 'han';
  if (c >= 0x3040 && c <= 0x30ff) return 'kana';
  if ((c >= 0x530 && c <= 0x58f) || (c >= 0x10a0 && c <= 0x10ff)) return 'other';
  return 'other';
}

// Revised Romanization jamo values, indexed by the Unicode syllable arithmetic (initial*588 + medial*28 + final).
const RR_INITIAL = [
  'g',
  'kk',
  'n',
  'd',
  'tt',
  'r',
  'm',
  'b',
  'pp',
  's',
  'ss',
  '',
  'j',
  'jj',
  'ch',
  'k',
  't',
  'p',
  'h',
];
const RR_MEDIAL = [
  'a',
  'ae',
  'ya',
  'yae',
  'eo',
  'e',
  'yeo',
  'ye',
  'o',
  'wa',
  'wae',
  'oe',
  'yo',
  'u',
  'wo',
  'we',
  'wi',
  'yu',
  'eu',
  'ui',
  'i',
];
const RR_FINAL = [
  '',
  'k',
  'k',
  'k',
  'n',
  'n',
  'n',
  't',
  'l',
  'k',
  'm',
  'l',
  'l',
  'l',
  'p',
  'l',
  'm',
  'p',
  'p',
  't',
  't',
  'ng',
  't',
  't',
  'k',
  't',
  'p',
  't',
];

function hangulSyllable(ch: string): string {
  const s = (ch.codePointAt(0) ?? 0xac00) - 0xac00;
  const initial = Math.floor(s / 588);
  const medial = Math.floor((s % 588) / 28);
  return (RR_INITIAL[initial] ?? '') + (RR_MEDIAL[medial] ?? '') + (RR_FINAL[s % 28] ?? '');
}

/** A Korean name word: the first syllable is the surname (spelled as families spell it), the rest the given name. */
function hangulWord(word: string): string {
  const chars = [...word];
  if (chars.length >= 2 && chars.length <= 4) {
    const two = chars.length === 4 ? KOREAN_SURNAMES.get(chars.slice(0, 2).join('')) : undefined;
    const cut = two ? 2 : 1;
    const surname = two ?? KOREAN_SURNAMES.get(chars[0] ?? '') ?? hangulSyllable(chars[0] ?? '');
    return `${surname} ${chars.slice(cut).map(hangulSyllable).join('')}`;
  }
  return chars.map(hangulSyllable).join('');
}

/** A Chinese name: surname (one or two characters) then the given name written as one word, as pinyin does. */
function hanWord(word: string): string {
  const chars = [...word];
  const syl = (c: string): string => PINYIN.get(c) ?? '';
  if (chars.length >= 2 && chars.length <= 4) {
    const cut = COMPOUND_SURNAMES.has(chars.slice(0, 2).join('')) && chars.length > 2 ? 2 : 1;
    return `${chars.slice(0, cut).map(syl).join('')} ${chars.slice(cut).map(syl).join('')}`;
  }
  return chars.map(syl).join('');
}

// Allah, alone or closing a name (Abd Allah, Khayr Allah, Abdullah), is written without its long vowel: spell it out.
const ALLAH = /ا?لله$/;
const ABD_AL = 'عبدال';

function abjadWord(word: string): string {
  const allah = ALLAH.exec(word);
  if (allah !== null) {
    const head = word.slice(0, allah.index);
    if (head === 'عبد') return 'abdallah';
    return head === '' ? 'allah' : `${abjadWord(head)} allah`;
  }
  // Abd joined to the article (عبدالرحمن): the parts as when written apart.
  if (word.startsWith(ABD_AL) && word.length > ABD_AL.length + 1) return `abd ${abjadLetters(word.slice(3))}`;
  return abjadLetters(word);
}

/** Letters that stand for vowels in Arabic script: a final ha after one of them is silent (Faqih, Allah). */
const VOWEL_LETTERS = new Set(['ا', 'و', 'ي', 'ی', 'ى']);

/** The consonant skeleton of Arabic-script letters, by the table's classes (tables.arabicSkeleton). */
function letterSkeleton(chars: readonly string[]): string {
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    const v = ARABIC_SKELETON.get(c);
    if (v === undefined) continue;
    if ((c === 'ه' || c === 'ھ') && i === chars.length - 1 && i > 0)
      out += VOWEL_LETTERS.has(chars[i - 1] as string) ? '' : 'H';
    else out += v;
  }
  return out.replace(/(.)\1+/g, '$1');
}

/**
 * The skeletons of an Arabic-script word made from its letters, one per piece of its transliteration (`latin`, from
 * transliterateWord): the letters keep what the transliteration has decided (ض is d, z or dh in Latin spellings; the
 * transliteration writes d). Undefined for a word in another script, Hebrew included.
 */
export function abjadSkeletons(word: string, latin: string): string[] | undefined {
  const chars = [...word];
  if (!chars.some((c) => ARABIC_SKELETON.has(c)) || chars.some((c) => HEBREW.has(c))) return undefined;
  return skeletonPieces(chars, latin.split(' '));
}

/** The skeleton of each piece abjadWord made of these letters, or undefined when they cannot be lined up. */
function skeletonPieces(chars: readonly string[], pieces: readonly string[]): string[] | undefined {
  const text = chars.join('');
  const allah = ALLAH.exec(text);
  if (allah !== null && pieces.length === 1 && pieces[0] === 'abdallah') return ['bdl'];
  if (allah !== null && pieces[pieces.length - 1] === 'allah') {
    if (pieces.length === 1) return ['l'];
    const head = skeletonPieces([...text.slice(0, allah.index)], pieces.slice(0, -1));
    return head === undefined ? undefined : [...head, 'l'];
  }
  if (pieces[0] === 'abd' && text.startsWith(ABD_AL)) {
    const rest = skeletonPieces(chars.slice(3), pieces.slice(1));
    return rest === undefined ? undefined : ['bd', ...rest];
  }
  // The article split off as its own piece ("al abidi"): its skeleton, then the rest's.
  if (pieces.length === 2 && pieces[0] === 'al') return ['l', letterSkeleton(chars.slice(2))];
  return pieces.length === 1 ? [letterSkeleton(chars)] : undefined;
}

function abjadLetters(word: string): string {
  let out = '';
  const chars = [...word];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    const hebrew = HEBREW.get(c);
    if (hebrew !== undefined) {
      // A final he is a vowel letter in Hebrew (Moshe, Sarah), not a consonant.
      out += c === 'ה' && i === chars.length - 1 ? 'e' : hebrew;
      continue;
    }
    const v = ARABIC.get(c);
    if (v === undefined) continue;
    // Ayn opening a word (or the word after the article) is written as its vowel in Latin: Abd, Ali, al-Ubaidi.
    if (c === 'ع' && (i === 0 || (i === 2 && chars[0] === 'ا' && chars[1] === 'ل'))) out += 'a';
    // Waw and ya are vowels (u, i) between letters, consonants (w, y) at the start.
    else if (c === 'و' && i > 0) out += 'u';
    else if ((c === 'ي' || c === 'ی') && i > 0) out += 'i';
    else out += v;
  }
  // The article "al-" is written joined to the word; separate it as the Latin spelling does.
  if (out.startsWith('al') && out.length > 4 && (chars[0] === 'ا' || chars[0] === 'ٱ') && chars[1] === 'ل') {
    return `al ${out.slice(2)}`;
  }
  return out;
}

function tableWord(word: string, table: Map<string, string>, digraphs?: Map<string, string>): string {
  let out = '';
  const chars = [...word];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    const pair = digraphs?.get(c + (chars[i + 1] ?? ''));
    if (pair !== undefined) {
      out += pair;
      i++;
      continue;
    }
    out += table.get(c) ?? c;
  }
  return out;
}

function kanaWord(word: string): string {
  let out = '';
  for (const ch of word) {
    if (ch === 'ー') continue; // long-vowel mark: Latin spellings rarely double the vowel
    const code = ch.codePointAt(0) ?? 0;
    // Katakana sits 0x60 above the matching hiragana.
    const hira = code >= 0x30a1 && code <= 0x30f6 ? String.fromCodePoint(code - 0x60) : ch;
    const v = KANA.get(hira);
    if (v === undefined) continue;
    // Small ya/yu/yo fuse with the preceding syllable (ki + ya = kya).
    if (/^y[auo]$/.test(v) && 'ゃゅょ'.includes(hira) && /[i]$/.test(out)) out = out.slice(0, -1) + v;
    else out += v;
  }
  return out;
}

/** Transliterates one lower-cased word; Latin words come back unchanged. */
export function transliterateWord(word: string): string {
  const first = [...word].find((c) => /\p{L}/u.test(c));
  if (first === undefined) return word;
  const script = scriptOf(first);
  switch (script) {
    case 'latin':
      return word;
    case 'cyrillic': {
      if (/[іїєґ]/.test(word)) return tableWord(word, new Map([...CYRILLIC, ...UKRAINIAN]));
      return tableWord(word, CYRILLIC);
    }
    case 'greek':
      return tableWord(word.normalize('NFD').replace(/\p{M}/gu, ''), GREEK, GREEK_DI);
    case 'abjad':
      return abjadWord(word);
    case 'hangul':
      return hangulWord(word);
    case 'han':
      return hanWord(word);
    case 'kana':
      return kanaWord(word);
    default: {
      const armenian = tableWord(word, ARMENIAN);
      return tableWord(armenian, GEORGIAN);
    }
  }
}

/** True when a word is written in a script without short vowels, so its Latin form is a consonant skeleton. */
export function isAbjad(word: string): boolean {
  const first = [...word].find((c) => /\p{L}/u.test(c));
  return first !== undefined && scriptOf(first) === 'abjad';
}
