// Name comparison: aligns the parts of two names across order, spelling and script, and scores the alignment.
import { editSimilarity } from './distance.js';
import { ABD_FORMS, normalizeCached } from './normalize.js';
import type { AnalysedNames } from './packed.js';
import {
  type AnalysedName,
  analyseName,
  kindOfSchema,
  makePart,
  type NameKind,
  type NamePart,
  soundsOf,
} from './parts.js';
import { abjadKeyVariants } from './phonetic.js';
import { partSimilarity, type Tier } from './similarity.js';

export interface NameComparison {
  /** 0..1; 0.7 and above is meant as a match */
  score: number;
  /** human-readable account of how the score came about */
  explanation: string;
  /** the best-aligned pair of names */
  left: string;
  right: string;
}

/** Cost, as a share of its weight, of a part present in one name only (a dropped middle name or title). */
const EXTRA_COST: Record<NameKind, number> = { person: 0.3, org: 0.4, vessel: 0.5 };
/** Extras never cost more than this share of what was matched: a full name still matches its short form. */
const EXTRA_CAP = 0.4;
const FORM_CONFLICT_PENALTY = 0.35;
const NUMBER_CONFLICT_CAP = 0.45;
const NUMBER_MISSING_FACTOR = 0.9;
// One name part alone (a bare surname) cannot identify a person; other evidence must carry it over the threshold.
const SINGLE_PART_CAP = 0.65;

interface Pair {
  readonly a: NamePart;
  readonly b: NamePart;
  readonly score: number;
  readonly tier: Tier;
}

// A run is two to four consecutive parts read as one word. `fuse` tries every run of a name against the other name's
// parts, so runs are tested where they lie (by start and length) without being built: most fit nothing, and building
// each (its text, initials, sound) for every candidate was a tenth of screening's time.

/** The position of the run (start, length) among a name's runs in `eachRun`'s order. */
function runIndex(parts: number, start: number, length: number): number {
  let k = 0;
  for (let i = 0; i < start; i++) k += Math.max(0, Math.min(4, parts - i) - 1);
  return k + length - 2;
}

/** How many runs a name of this many parts has: the index a run after the last would have. */
function runCount(parts: number): number {
  return runIndex(parts, parts, 2);
}

/** Every run `fuse` may try, in a fixed order: by start, then length 2 to 4. */
function eachRun(xs: readonly NamePart[], visit: (start: number, length: number) => void): void {
  for (let i = 0; i < xs.length; i++) for (let n = 2; n <= Math.min(4, xs.length - i); n++) visit(i, n);
}

function joinRun(xs: readonly NamePart[], start: number, length: number): string {
  let text = '';
  for (let k = start; k < start + length; k++) text += (xs[k] as NamePart).text;
  return text;
}

// Runs' sounds per parts array (an analysed name's, kept by the analysis cache or unpacked with its stored sounds),
// in `eachRun`'s order, worked out when first asked for: the query's are made once per query, not per candidate.
const runSoundsOf = new WeakMap<readonly NamePart[], (string | undefined)[]>();

function soundAt(xs: readonly NamePart[], start: number, length: number): string {
  let sounds = runSoundsOf.get(xs);
  if (sounds === undefined) {
    sounds = new Array<string | undefined>(runCount(xs.length));
    runSoundsOf.set(xs, sounds);
  }
  const k = runIndex(xs.length, start, length);
  let sound = sounds[k];
  if (sound === undefined) {
    sound = soundsOf(joinRun(xs, start, length))[0];
    sounds[k] = sound;
  }
  return sound;
}

/** The sounds of a name's runs, for keeping with its analysis (packed.ts): working them out is most of fusing. */
export function runSounds(parts: readonly NamePart[]): string[] {
  const out: string[] = [];
  eachRun(parts, (start, length) => out.push(soundAt(parts, start, length)));
  return out;
}

/**
 * Gives a name's runs their kept sounds (from runSounds, in its order), keeping the list itself; a list of another
 * length is ignored.
 */
export function rememberRunSounds(parts: readonly NamePart[], sounds: string[]): void {
  if (sounds.length === runCount(parts.length)) runSoundsOf.set(parts, sounds);
}

// A run joined into one part, per parts array and run: the same part object each time, so the similarity cache
// (keyed by the query's parts) keeps working for a query whose run is joined against candidate after candidate.
const joinedParts = new WeakMap<readonly NamePart[], Map<number, NamePart>>();

function joinedPart(xs: readonly NamePart[], start: number, length: number): NamePart {
  let parts = joinedParts.get(xs);
  if (parts === undefined) {
    parts = new Map();
    joinedParts.set(xs, parts);
  }
  const slot = start * 8 + length;
  let part = parts.get(slot);
  if (part === undefined) {
    part = makePart(joinRun(xs, start, length), 'name', xs[start]?.origin ?? 'latin', 1);
    parts.set(slot, part);
  }
  return part;
}

/** A bit per part length (lengths of 31 and more share the last): which lengths the other side's parts have. */
function lengthMask(ys: readonly NamePart[]): number {
  let mask = 0;
  for (const y of ys) mask |= 1 << Math.min(31, y.text.length);
  return mask;
}

/** True when the mask has a length from lo to hi. */
function hasLength(mask: number, lo: number, hi: number): boolean {
  for (let n = Math.max(0, lo); n <= hi; n++) if (mask & (1 << Math.min(31, n))) return true;
  return false;
}

function hasSound(ys: readonly NamePart[], sound: string): boolean {
  for (const y of ys) if (y.phon === sound) return true;
  return false;
}

/**
 * True when some part on the other side is the run written as one word: the same text, its initials (when every
 * part of the run is a word, not an initial), or (for six letters or more) the same sound or a close spelling. A
 * part equal to one of the run's own words does not count. `lengths` is lengthMask(ys): most runs have no part of a
 * length they could be, and are passed over without looking at the parts.
 */
function fitsOne(
  xs: readonly NamePart[],
  start: number,
  length: number,
  ys: readonly NamePart[],
  lengths: number,
): boolean {
  const end = start + length;
  let size = 0;
  let words = true;
  for (let k = start; k < end; k++) {
    const text = (xs[k] as NamePart).text;
    size += text.length;
    if (text.length <= 1) words = false;
  }
  const long = size >= 6;
  const sound = long ? soundAt(xs, start, length) : '';
  if (
    !hasLength(lengths, size, size) &&
    !(words && hasLength(lengths, length, length)) &&
    !(long && (hasLength(lengths, size - 2, size + 2) || hasSound(ys, sound)))
  )
    return false;
  let joined: string | undefined;
  for (const y of ys) {
    const text = y.text;
    let own = false;
    for (let k = start; k < end && !own; k++) own = (xs[k] as NamePart).text === text;
    if (own) continue;
    if (text.length === size) {
      joined ??= joinRun(xs, start, length);
      if (text === joined) return true;
    }
    if (words && text.length === length) {
      let initials = true;
      for (let k = 0; k < length && initials; k++) initials = text[k] === (xs[start + k] as NamePart).text[0];
      if (initials) return true;
    }
    if (long) {
      if (y.phon === sound) return true;
      if (Math.abs(text.length - size) <= 2) {
        joined ??= joinRun(xs, start, length);
        if (editSimilarity(text, joined, 0.85) >= 0.85) return true;
      }
    }
  }
  return false;
}

function hasNumber(xs: readonly NamePart[], start: number, length: number): boolean {
  for (let k = start; k < start + length; k++) if ((xs[k] as NamePart).tag === 'number') return true;
  return false;
}

/** Joins runs of parts that are one word on the other side: "Jong Un" / "Jongun", "van der Bilt" / "Vanderbilt". */
function fuse(xs: readonly NamePart[], ys: readonly NamePart[]): readonly NamePart[] {
  if (xs.length < 2) return xs;
  // Most names fuse nothing: the parts themselves are the answer, and a copy is made only once a run is joined.
  let out: NamePart[] | undefined;
  const lengths = lengthMask(ys);
  let i = 0;
  while (i < xs.length) {
    let taken = 0;
    for (let n = Math.min(4, xs.length - i); n >= 2 && taken === 0; n--) {
      if (hasNumber(xs, i, n) || !fitsOne(xs, i, n, ys, lengths)) continue;
      out ??= xs.slice(0, i);
      out.push(joinedPart(xs, i, n));
      taken = n;
    }
    if (taken === 0) {
      out?.push(xs[i] as NamePart);
      taken = 1;
    }
    i += taken;
  }
  return out ?? xs;
}

/** Greedy best-first assignment of parts; names have few parts, and greedy equals optimal on nearly all of them. */
function align(as: readonly NamePart[], bs: readonly NamePart[]): Pair[] {
  const candidates: Pair[] = [];
  for (const a of as) {
    for (const b of bs) {
      const sim = partSimilarity(a, b);
      if (sim.score > 0) candidates.push({ a, b, score: sim.score, tier: sim.tier });
    }
  }
  candidates.sort((x, y) => y.score - x.score || y.a.weight + y.b.weight - (x.a.weight + x.b.weight));
  // A name has a handful of parts: looking through the pairs taken beats building sets for every comparison.
  const pairs: Pair[] = [];
  for (const c of candidates) {
    if (pairs.some((p) => p.a === c.a || p.b === c.b)) continue;
    pairs.push(c);
  }
  return pairs;
}

/** Particles and stopwords left over cost nothing: "Usama bin Muhammad ibn Ladin" is no less Usama bin Ladin. */
const sum = (ps: readonly NamePart[]): number =>
  ps.reduce((t, p) => t + (p.tag === 'particle' || p.tag === 'stopword' ? 0 : p.weight), 0);

const FILIATION = new Set(['bin', 'ibn', 'ben', 'bint', 'ould']);
const ORDER_PENALTY = 0.35;

/** "Salman bin Muhammad" is Muhammad's son, "Muhammad bin Salman" Salman's: the words around "bin" may not swap. */
function filiationSwapped(as: readonly NamePart[], bs: readonly NamePart[], pairs: readonly Pair[]): boolean {
  const partner = new Map<NamePart, NamePart>();
  for (const p of pairs) partner.set(p.a, p.b);
  for (let i = 1; i < as.length - 1; i++) {
    const link = as[i] as NamePart;
    if (!FILIATION.has(link.text)) continue;
    const before = partner.get(as[i - 1] as NamePart);
    const after = partner.get(as[i + 1] as NamePart);
    if (before === undefined || after === undefined) continue;
    const bi = bs.indexOf(before);
    const ai = bs.indexOf(after);
    if (bi > ai && bs.slice(ai, bi).some((p) => FILIATION.has(p.text))) return true;
  }
  return false;
}

/** Organisations are often written as their initials ("PLA" for People's Liberation Army). */
function acronymMatch(x: AnalysedName, y: AnalysedName): boolean {
  const core = x.parts.filter((p) => p.tag !== 'stopword');
  const only = core[0];
  if (core.length !== 1 || only === undefined || only.text.length < 2 || only.text.length > 6) return false;
  const initials = y.parts
    .filter((p) => p.tag !== 'stopword')
    .map((p) => p.text[0])
    .join('');
  return initials.length >= 2 && initials === only.text;
}

interface Scored {
  score: number;
  /** The account of the score, built only for the pair that is kept (most pairs compared are not). */
  detail: () => string;
}

const fixed = (text: string) => () => text;

/**
 * Parts of at least half weight (names, patronymics, numbers, initials), not particles, generic words or stopwords.
 * Abd (or Abdal, as Abdul and Abdel are read) with the name after it, the article between, is one given name.
 */
function coreParts(ps: readonly NamePart[]): number {
  let n = 0;
  let abd = false;
  for (const p of ps) {
    if (ABD_FORMS.has(p.text)) {
      n++;
      abd = true;
      continue;
    }
    if (abd && p.text === 'al') continue;
    if (p.weight >= 0.5 && !abd) n++;
    abd = false;
  }
  return n;
}

// A name's numbers in order, as compared: worked out once per analysed name, not once per comparison.
const numbersKeys = new WeakMap<AnalysedName, string>();

function numbersKey(a: AnalysedName): string {
  let key = numbersKeys.get(a);
  if (key === undefined) {
    key = [...a.numbers].sort().join(',');
    numbersKeys.set(a, key);
  }
  return key;
}

function scorePair(kind: NameKind, x: AnalysedName, y: AnalysedName): Scored {
  if (x.parts.length === 0 || y.parts.length === 0)
    return { score: 0, detail: fixed('no comparable name parts') };
  if (kind !== 'person' && (acronymMatch(x, y) || acronymMatch(y, x))) {
    return { score: 0.85, detail: fixed('one name is the initials of the other') };
  }
  const as = fuse(x.parts, y.parts);
  const bs = fuse(y.parts, as);
  const pairs = align(as, bs);
  const restA = as.filter((part) => !pairs.some((p) => p.a === part));
  const restB = bs.filter((part) => !pairs.some((p) => p.b === part));
  let matched = 0;
  let base = 0;
  for (const p of pairs) {
    const w = (p.a.weight + p.b.weight) / 2;
    matched += w * p.score;
    base += w;
  }
  const wa = sum(restA);
  const wb = sum(restB);
  // Unmatched parts on both sides mean one name part was replaced by another: that costs in full.
  const substituted = Math.min(wa, wb) >= 0.5;
  const cost = substituted ? wa + wb : Math.min(EXTRA_COST[kind] * (wa + wb), EXTRA_CAP * base);
  let score = base + cost > 0 ? matched / (base + cost) : 0;
  const notes: string[] = [];
  const coreA = coreParts(as);
  const coreB = coreParts(bs);
  if (
    kind === 'person' &&
    Math.min(coreA, coreB) === 1 &&
    Math.max(coreA, coreB) >= 2 &&
    score > SINGLE_PART_CAP
  ) {
    score = SINGLE_PART_CAP;
    notes.push('only one name part on one side');
  }
  if (kind === 'person' && filiationSwapped(as, bs, pairs)) {
    score -= ORDER_PENALTY;
    notes.push('father and son names swapped around bin/ibn');
  }
  if (kind !== 'person') {
    const formsDiffer = x.forms.size > 0 && y.forms.size > 0 && ![...x.forms].some((f) => y.forms.has(f));
    if (formsDiffer) {
      score -= FORM_CONFLICT_PENALTY;
      notes.push(`legal forms differ (${[...x.forms].join('/')} vs ${[...y.forms].join('/')})`);
    }
    const nx = numbersKey(x);
    const ny = numbersKey(y);
    if (nx !== ny && nx !== '' && ny !== '') {
      score = Math.min(score, NUMBER_CONFLICT_CAP);
      notes.push(`numbers differ (${nx} vs ${ny})`);
    } else if (nx !== ny) {
      score *= NUMBER_MISSING_FACTOR;
      notes.push('number on one side only');
    }
  }
  const detail = () => {
    const tiers = new Map<Tier, number>();
    for (const p of pairs) tiers.set(p.tier, (tiers.get(p.tier) ?? 0) + 1);
    const total = Math.max(as.length, bs.length);
    const tierText = [...tiers].map(([t, n]) => `${t} ${n}`).join(', ');
    let text = `name parts aligned ${pairs.length}/${total}${tierText ? ` (${tierText})` : ''}`;
    const rest = [...restA, ...restB].map((p) => p.text);
    if (rest.length > 0) text += `; unmatched ${rest.join(', ')}${substituted ? ' (differing parts)' : ''}`;
    if (notes.length > 0) text += `; ${notes.join('; ')}`;
    return text;
  };
  return { score: Math.max(0, Math.min(1, score)), detail };
}

/**
 * Compares every name of a with every name of b (aliases) and returns the best-scoring pair. `known` holds analyses
 * of b's names made for another's comparisons (stored with a candidate's profile): used when made for this kind.
 */
export function compareNames(
  schema: string,
  a: readonly string[],
  b: readonly string[],
  known?: AnalysedNames,
): NameComparison {
  const kind = kindOfSchema(String(schema));
  const stored = known?.kind === kind ? known.byName : undefined;
  let best: NameComparison = {
    score: 0,
    explanation: 'no names to compare',
    left: a[0] ?? '',
    right: b[0] ?? '',
  };
  let kept: Scored | undefined;
  for (const left of a) {
    if (typeof left !== 'string') continue;
    const x = analyseName(left, kind);
    for (const right of b) {
      if (typeof right !== 'string') continue;
      const y = stored?.get(right) ?? analyseName(right, kind);
      const r = scorePair(kind, x, y);
      // Compared unrounded against the kept (rounded) score, as the explanation has always been chosen.
      if (kept === undefined || r.score > best.score) {
        kept = r;
        best = { score: Math.round(r.score * 10_000) / 10_000, explanation: '', left, right };
      }
      if (best.score >= 1) break;
    }
    if (best.score >= 1) break;
  }
  if (kept !== undefined) best.explanation = `'${best.left}' ~ '${best.right}': ${kept.detail()}`;
  return best;
}

/** The name in lower-case Latin words, for display and exact lookups. */
export function normalizeName(name: string): string {
  return normalizeCached(String(name))
    .map((w) => w.text)
    .join(' ');
}

/**
 * Blocking keys for candidate retrieval: significant normalised words and their phonetic keys ("p:..."). A word in
 * Arabic script also gives the Latin keys it may stand for, so that فلاديمير بوتين and Vladimir Putin find each other.
 */
export function nameKeys(name: string): string[] {
  const keys = new Set<string>();
  for (const part of analyseName(String(name), 'org').parts) {
    if (part.text.length < 2 || part.tag === 'stopword') continue;
    keys.add(part.text);
    if (part.phon.length < 2) continue;
    if (part.origin === 'abjad') for (const k of abjadKeyVariants(part.phon)) keys.add(`p:${k}`);
    else keys.add(`p:${part.phon}`);
  }
  return [...keys];
}
