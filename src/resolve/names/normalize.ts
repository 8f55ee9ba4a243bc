// Normalisation of a raw name into lower-case Latin words: Unicode folding, homoglyphs, transliteration, punctuation.
import confusables from '../data/name-confusables.json' with { type: 'json' };
import words from '../data/name-words.json' with { type: 'json' };
import { BoundedCache } from './memo.js';
import { abjadPieces, isAbjad, scriptOf, transliterateWord } from './translit.js';

/** Where a word came from: its script decides how leniently its vowels may be compared. */
export type Origin = 'latin' | 'cross' | 'abjad';

export interface NormWord {
  /** lower-case ASCII letters and digits only */
  readonly text: string;
  readonly origin: Origin;
  /** written as a dotted initial ("J.") or part of a dotted initialism ("A.B.C.") */
  readonly dotted: boolean;
  /** for a word in Arabic script, its consonant skeleton made from the letters (translit.ts abjadPieces) */
  readonly skel?: string;
}

/** Names longer than this are cut: no real name is longer, and the cost of comparison grows with length. */
export const MAX_NAME_LENGTH = 300;

const HOMOGLYPHS = new Map(Object.entries(confusables.homoglyphs));
const LATIN_FOLD = new Map<string, string>([
  ['ß', 'ss'],
  ['æ', 'ae'],
  ['œ', 'oe'],
  ['ø', 'o'],
  ['ł', 'l'],
  ['đ', 'd'],
  ['ð', 'd'],
  ['þ', 'th'],
  ['ı', 'i'],
  ['ŋ', 'n'],
  ['ĸ', 'k'],
  ['ſ', 's'],
]);
const APOSTROPHES = /['’‘`´ʼʻʿʾ"“”«»„]/g;
const DOTTED_INITIALS = /^(?:\p{L}\.)+\p{L}?\.?$/u;

function foldLatin(word: string): string {
  let out = '';
  for (const ch of word.normalize('NFD')) {
    if (/\p{M}/u.test(ch)) continue;
    out += LATIN_FOLD.get(ch) ?? ch;
  }
  // Letters of scripts without a table (Devanagari, Thai, ...) stay as they are: same-script names still compare.
  return out.replace(/[^\p{L}\p{N}]+/gu, '');
}

/** A word that mixes Latin with Cyrillic/Greek look-alikes is an evasion or an OCR slip: read it as Latin. */
function fixHomoglyphs(word: string): string {
  let latin = 0;
  let other = 0;
  for (const ch of word) {
    const s = scriptOf(ch);
    if (s === 'latin' && /\p{L}/u.test(ch)) latin++;
    else if (s === 'cyrillic' || s === 'greek') other++;
  }
  if (latin === 0 || other === 0) return word;
  let out = '';
  for (const ch of word) out += HOMOGLYPHS.get(ch) ?? ch;
  return out;
}

const COMPOUNDS = words.arabicCompounds;
const ALLAH_WORDS = new Set(COMPOUNDS.allahWords);
const ABD_ALONE = new Set(COMPOUNDS.abdAlone);
const ARTICLE_WORDS = new Set(COMPOUNDS.articleWords);
const longestFirst = (xs: string[]): string[] => [...xs].sort((a, b) => b.length - a.length);
const DIN_SUFFIXES = longestFirst(COMPOUNDS.dinSuffixes);
const ALLAH_SUFFIXES = longestFirst(COMPOUNDS.allahSuffixes);
/** How Abdul, Abdel, Abdur ... are read when they stand alone: the spelling the article joined to Abd gives. */
const ABDAL = 'abdal';
/** The words the normaliser writes for Abd, alone or with the article: the head of a compound given name. */
export const ABD_FORMS: ReadonlySet<string> = new Set([COMPOUNDS.abdPrefix, ABDAL]);
/** A head or tail shorter than this is no name of its own: the word is left whole. */
const MIN_PIECE = 3;

/**
 * A Latin word that writes an Arabic compound name as one (Abdullatif, Abdurrahman, Shamsuddin, Najibullah), as the
 * parts the Arabic spelling has (abd al latif, abd al rahman, shams al din, najib allah); undefined for any other word.
 * The article before a sun letter is written assimilated (ur, ud): it is the article all the same.
 */
export function splitCompound(text: string): string[] | undefined {
  if (ALLAH_WORDS.has(text)) return text === 'abdallah' ? undefined : ['abdallah'];
  if (ABD_ALONE.has(text)) return [ABDAL];
  if (ARTICLE_WORDS.has(text)) return ['al'];
  if (text.startsWith(COMPOUNDS.abdPrefix) && COMPOUNDS.abdConnectorVowels.includes(text[3] ?? '')) {
    const link = text[4] ?? '';
    const rest = text.slice(5);
    if (link === 'l' && rest.length >= MIN_PIECE) return ['abd', 'al', rest];
    if (COMPOUNDS.sunLetters.includes(link) && rest.length >= MIN_PIECE - 1) {
      const tail = rest.startsWith(link) ? rest : link + rest;
      if (tail.length >= MIN_PIECE) return ['abd', 'al', tail];
    }
  }
  for (const suffix of DIN_SUFFIXES)
    if (text.endsWith(suffix) && text.length - suffix.length >= MIN_PIECE)
      return [text.slice(0, -suffix.length), 'al', 'din'];
  for (const suffix of ALLAH_SUFFIXES)
    if (text.endsWith(suffix) && text.length - suffix.length >= MIN_PIECE)
      return [text.slice(0, -suffix.length), 'allah'];
  return undefined;
}

/** Pushes a Latin word, split when it writes an Arabic compound name as one. */
function pushLatin(out: NormWord[], text: string, origin: Origin, dotted: boolean): void {
  const pieces = splitCompound(text);
  if (pieces === undefined) out.push({ text, origin, dotted });
  else for (const piece of pieces) out.push({ text: piece, origin, dotted });
}

// Most words of most names are plain lower-case ASCII already, which every step below leaves as it is.
const PLAIN = /^[a-z0-9]+$/;

function pushWord(out: NormWord[], raw: string, dotted: boolean): void {
  if (PLAIN.test(raw)) {
    pushLatin(out, raw, 'latin', dotted);
    return;
  }
  const fixed = fixHomoglyphs(raw);
  if (isAbjad(fixed)) {
    for (const piece of abjadPieces(fixed)) {
      const text = foldLatin(piece.text);
      const origin: Origin = 'abjad';
      if (text.length === 0) continue;
      out.push(
        piece.skel === undefined ? { text, origin, dotted } : { text, origin, dotted, skel: piece.skel },
      );
    }
    return;
  }
  const translit = transliterateWord(fixed);
  const origin: Origin = translit === fixed ? 'latin' : 'cross';
  for (const piece of translit.split(' ')) {
    const text = foldLatin(piece);
    if (text.length > 0) pushLatin(out, text, origin, dotted);
  }
}

/** Splits and normalises a name; never throws, returns [] for names with no letters or digits. */
export function normalizeWords(name: string): NormWord[] {
  const out: NormWord[] = [];
  const s = String(name).slice(0, MAX_NAME_LENGTH).normalize('NFKC').toLowerCase().replace(APOSTROPHES, '');
  const chunks = s.replace(/&/g, ' and ').split(/[^\p{L}\p{N}\p{M}.]+/u);
  for (const chunk of chunks) {
    if (chunk.length === 0) continue;
    if (DOTTED_INITIALS.test(chunk)) {
      const letters = chunk.split('.').filter((x) => x.length > 0);
      for (const letter of letters) pushWord(out, letter, true);
      continue;
    }
    for (const part of chunk.split('.')) if (part.length > 0) pushWord(out, part, false);
  }
  // Scripts written without spaces (Chinese, Japanese, Thai) arrive as one chunk with separators like "·".
  return out;
}

const cache = new BoundedCache<string, NormWord[]>(100_000);

/** normalizeWords with a bounded cache: screening compares the same query name against many candidates. */
export function normalizeCached(name: string): NormWord[] {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const words = normalizeWords(name);
  cache.set(name, words);
  return words;
}
