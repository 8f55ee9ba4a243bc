// Transliteration of non-Latin scripts into Latin, so names written in different scripts become comparable.
import pinyinTable from '../data/name-pinyin.json' with { type: 'json' };
import tables from '../data/name-translit.json' with { type: 'json' };
import words from '../data/name-words.json' with { type: 'json' };
import { BoundedCache } from './memo.js';
import { collapseRepeats } from './phonetic.js';

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

/** A piece of a word in Arabic or Hebrew script, as Latin: its text, and for Arabic the skeleton of its letters. */
export interface AbjadPiece {
  readonly text: string;
  /**
   * Made from the letters (tables.arabicSkeleton), which keep what the text has decided (ض is d, z or dh in Latin
   * spellings; the text writes d). Absent for Hebrew.
   */
  readonly skel?: string;
}

/** A word in Arabic or Hebrew script as the Latin pieces a Latin spelling would write (al, abd and allah apart). */
export function abjadPieces(word: string): AbjadPiece[] {
  const chars = [...word];
  const arabic = chars.some((c) => ARABIC_SKELETON.has(c)) && !chars.some((c) => HEBREW.has(c));
  return piecesOf(word, arabic);
}

function piecesOf(word: string, arabic: boolean): AbjadPiece[] {
  const piece = (text: string, skel: string): AbjadPiece => (arabic ? { text, skel } : { text });
  const allah = ALLAH.exec(word);
  if (allah !== null) {
    const head = word.slice(0, allah.index);
    if (head === 'عبد') return [piece('abdallah', 'bdl')];
    const tail = piece('allah', 'l');
    return head === '' ? [tail] : [...piecesOf(head, arabic), tail];
  }
  // Abd joined to the article (عبدالرحمن): the parts as when written apart.
  if (word.startsWith(ABD_AL) && word.length > ABD_AL.length + 1)
    return [piece('abd', 'bd'), ...piecesOf(word.slice(3), arabic)];
  const chars = [...word];
  const text = abjadLetters(chars);
  // The article "al-" is written joined to the word; separate it as the Latin spelling does.
  if (text.startsWith('al') && text.length > 4 && (chars[0] === 'ا' || chars[0] === 'ٱ') && chars[1] === 'ل')
    return [piece('al', 'l'), piece(text.slice(2), letterSkeleton(chars.slice(2)))];
  return [piece(text, letterSkeleton(chars))];
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
  return collapseRepeats(out);
}

const SKELETON_CLASSES = new Map<string, readonly string[]>(Object.entries(tables.arabicSkeletonClasses));
const HAS_CLASS = /[A-Z]/;
const MAX_READINGS = 16;
// Skeletons with class letters, read: the same few recur on every comparison of an Arabic-script name.
const readings = new BoundedCache<string, readonly string[]>(10_000);

/**
 * The Latin skeletons an Arabic-script skeleton may stand for: each class letter (tables.arabicSkeletonClasses) read
 * each of its ways, the nearest the start first, at most sixteen. A skeleton without class letters is its own.
 */
export function skeletonReadings(skel: string): readonly string[] {
  if (!HAS_CLASS.test(skel)) return [skel];
  let hit = readings.get(skel);
  if (hit === undefined) {
    let out = [''];
    for (const ch of skel) {
      const ways = SKELETON_CLASSES.get(ch) ?? [ch];
      const next: string[] = [];
      for (const head of out) for (const w of ways) if (next.length < MAX_READINGS) next.push(head + w);
      out = next;
    }
    hit = [...new Set(out.map(collapseRepeats))];
    readings.set(skel, hit);
  }
  return hit;
}

function abjadLetters(chars: readonly string[]): string {
  let out = '';
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
      return abjadPieces(word)
        .map((p) => p.text)
        .join(' ');
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
