// Tokenisation of a normalised name into tagged parts (given/family, patronymic, particle, legal form, number, ...).

import confusables from '../data/name-confusables.json' with { type: 'json' };
import words from '../data/name-words.json' with { type: 'json' };
import { BoundedCache } from './memo.js';
import { type NormWord, normalizeCached, type Origin } from './normalize.js';
import { phoneticKey, skeletonKey } from './phonetic.js';

/** How names of a schema are read: people, organisations, or craft whose numbers identify them. */
export type NameKind = 'person' | 'org' | 'vessel';

export type PartTag = 'name' | 'patronymic' | 'particle' | 'initial' | 'generic' | 'stopword' | 'number';

export interface NamePart {
  readonly text: string;
  readonly tag: PartTag;
  /** how much the part identifies the name: 1 for a real name word, less for particles and generic words */
  readonly weight: number;
  readonly phon: string;
  readonly skel: string;
  readonly origin: Origin;
  /** tag, origin and text in one string: the key of part-to-part similarity caches */
  readonly sig: string;
}

export interface AnalysedName {
  readonly parts: readonly NamePart[];
  /** legal-form families present (llc, jsc, ...), compared separately from the words */
  readonly forms: ReadonlySet<string>;
  readonly numbers: ReadonlySet<string>;
}

const TITLES = new Set(words.titles);
const VESSEL_TITLES = new Set(words.vesselOnlyTitles);
const PARTICLES = new Set(words.particles);
const STOPWORDS = new Set(words.stopwords);
const GENERIC = new Set(words.genericOrgWords);
const NUMBERS = new Map(Object.entries(words.numbers));
const ROMAN = new Map(Object.entries(words.romanNumerals));
const ABBREVIATIONS = new Map(Object.entries(words.abbreviations));
const DIGIT_LETTERS = new Map(Object.entries(confusables.digitsInWords));
const FORM_PHRASES = new Map<string, string>();
/** The first words of the legal-form phrases: a word not among them starts none, and is not looked up further. */
const FORM_STARTS = new Set<string>();
let longestForm = 1;
for (const [family, phrases] of Object.entries(words.forms)) {
  for (const phrase of phrases) {
    const key = phrase.replace(/-/g, ' ');
    FORM_PHRASES.set(key, family);
    FORM_STARTS.add(key.split(' ')[0] ?? key);
    longestForm = Math.max(longestForm, key.split(' ').length);
  }
}
const PATRONYMIC = /(?:ovich|evich|ovych|evych|ovna|evna|ovici|ievich|yevich|ichna|ovitch|evitch)$/;

/** Canonical legal-form family of a word or phrase, if it is one ("ooo" -> "llc"). */
export function formFamily(phrase: string): string | undefined {
  return FORM_PHRASES.get(phrase);
}

function weightOf(tag: PartTag): number {
  switch (tag) {
    case 'name':
    case 'patronymic':
    case 'number':
      return 1;
    case 'initial':
      return 0.5;
    case 'particle':
      return 0.25;
    case 'generic':
      return 0.3;
    case 'stopword':
      return 0.1;
  }
}

const sounds = new BoundedCache<string, readonly [string, string]>(200_000);

/** Phonetic and skeleton keys of a word, cached: the same given names and surnames recur across millions of names. */
export function soundsOf(text: string): readonly [phon: string, skel: string] {
  let hit = sounds.get(text);
  if (hit === undefined) {
    hit = [phoneticKey(text), skeletonKey(text)];
    sounds.set(text, hit);
  }
  return hit;
}

export function makePart(
  text: string,
  tag: PartTag,
  origin: Origin,
  weight: number = weightOf(tag),
  sounds: readonly [phon: string, skel: string] = soundsOf(text),
): NamePart {
  const [phon, skel] = sounds;
  return { text, tag, weight, phon, skel, origin, sig: `${tag}|${origin}|${text}` };
}

/** Organisations write initialisms as dotted letters (A.B.C., L.L.C.); join them back into one word. */
function joinDotted(list: readonly NormWord[]): NormWord[] {
  const out: NormWord[] = [];
  for (const w of list) {
    const prev = out[out.length - 1];
    if (
      w.dotted &&
      prev?.dotted &&
      w.text.length === 1 &&
      prev.text.length >= 1 &&
      /^[a-z]+$/.test(prev.text)
    ) {
      out[out.length - 1] = { ...prev, text: prev.text + w.text };
    } else out.push(w);
  }
  return out;
}

/** Words to numbers: "forty four" -> 44, "1st" -> 1, "iii" -> 3 (the last only outside person names). */
function numberValue(text: string, kind: NameKind): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const ordinal = /^(\d+)(?:st|nd|rd|th)$/.exec(text);
  if (ordinal) return Number(ordinal[1]);
  const word = NUMBERS.get(text);
  if (word !== undefined) return word;
  if (kind !== 'person') return ROMAN.get(text);
  return undefined;
}

function analyse(name: string, kind: NameKind): AnalysedName {
  let list = normalizeCached(name);
  if (kind !== 'person') list = joinDotted(list);
  const forms = new Set<string>();
  const numbers = new Set<string>();
  const parts: NamePart[] = [];
  let i = 0;
  while (i < list.length) {
    // Longest legal-form phrase starting here ("limited liability company" before "limited").
    let matched = 0;
    const longest = FORM_STARTS.has((list[i] as NormWord).text) ? Math.min(longestForm, list.length - i) : 0;
    for (let n = longest; n >= 1; n--) {
      const family = FORM_PHRASES.get(
        list
          .slice(i, i + n)
          .map((w) => w.text)
          .join(' '),
      );
      if (family === undefined) continue;
      // A lone "co", "sa" or "as" inside a person's name is more likely a name than a legal form.
      if (kind === 'person' && n === 1 && (list[i]?.text.length ?? 0) < 3) break;
      forms.add(family);
      matched = n;
      break;
    }
    if (matched > 0) {
      i += matched;
      continue;
    }
    const w = list[i] as NormWord;
    i++;
    let text = w.text;
    if (kind === 'person' && TITLES.has(text) && !VESSEL_TITLES.has(text)) continue;
    if (kind === 'vessel' && VESSEL_TITLES.has(text)) continue;
    const num = numberValue(text, kind);
    if (num !== undefined) {
      // Tens followed by units ("forty four", "forty 4") make one number.
      const next = list[i];
      const unit = next ? numberValue(next.text, kind) : undefined;
      let value = num;
      if (num >= 20 && num % 10 === 0 && num < 100 && unit !== undefined && unit < 10) {
        value = num + unit;
        i++;
      }
      numbers.add(String(value));
      parts.push(makePart(String(value), 'number', w.origin));
      continue;
    }
    if (kind === 'person' && /\d/.test(text) && /[a-z]/.test(text)) {
      // "Ig0r Sech1n": digits inside a person's name are look-alike letters.
      text = text.replace(/\d/g, (d) => DIGIT_LETTERS.get(d) ?? d);
    }
    text = ABBREVIATIONS.get(text) ?? text;
    let tag: PartTag = 'name';
    if (kind === 'person') {
      if (PARTICLES.has(text)) tag = 'particle';
      else if (text.length === 1) tag = 'initial';
      else if (PATRONYMIC.test(text)) tag = 'patronymic';
    } else if (STOPWORDS.has(text)) tag = 'stopword';
    else if (GENERIC.has(text)) tag = 'generic';
    // A word in Arabic script keeps the skeleton made from its letters, which know more than its transliteration.
    const sounds = w.skel === undefined ? undefined : ([soundsOf(text)[0], w.skel] as const);
    parts.push(makePart(text, tag, w.origin, undefined, sounds));
  }
  return { parts, forms, numbers };
}

// One cache per kind, so the key is the name itself (no joined key string to build and hash on every lookup).
const caches: Record<NameKind, BoundedCache<string, AnalysedName>> = {
  person: new BoundedCache(100_000),
  org: new BoundedCache(100_000),
  vessel: new BoundedCache(20_000),
};

/** analyse() with a bounded cache per kind, keyed by name. */
export function analyseName(name: string, kind: NameKind): AnalysedName {
  const cache = caches[kind];
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const result = analyse(name, kind);
  cache.set(name, result);
  return result;
}

/** The analysis of this name when it is at hand (cached). */
export function cachedAnalysis(name: string, kind: NameKind): AnalysedName | undefined {
  return caches[kind].get(name);
}

/** Empties the analysis caches (tests use it to show what is read from stored analyses). */
export function forgetAnalyses(): void {
  for (const cache of Object.values(caches)) cache.clear();
}

const KIND_BY_SCHEMA = new Map<string, NameKind>([
  ['Person', 'person'],
  ['Vessel', 'vessel'],
  ['Airplane', 'vessel'],
]);

/** Schema name to the way its names are read; anything not a person or craft is read as an organisation. */
export function kindOfSchema(schema: string): NameKind {
  return KIND_BY_SCHEMA.get(schema) ?? 'org';
}
