// Analysed names as compact text, kept in the match index's profiles: a candidate's names are then read back instead
// of analysed again on every query (analysis took 20-40 µs a name, most of scoring's cost at a million entities).
import { createHash } from 'node:crypto';
import confusables from '../data/name-confusables.json' with { type: 'json' };
import pinyin from '../data/name-pinyin.json' with { type: 'json' };
import translit from '../data/name-translit.json' with { type: 'json' };
import words from '../data/name-words.json' with { type: 'json' };
import { rememberRunSounds, runSounds } from './compare.js';
import type { Origin } from './normalize.js';
import {
  type AnalysedName,
  analyseName,
  cachedAnalysis,
  kindOfSchema,
  makePart,
  type NameKind,
  type NamePart,
  type PartTag,
} from './parts.js';

/**
 * Bump when the analysis code (normalize, translit, phonetic, parts) changes what it makes of a name: stored analyses
 * with another stamp are ignored, and the next `nexus index` files every entity again. The snapshot test
 * (packed.test.ts) fails when the output changes and this does not. Changes to the data tables change the stamp
 * by themselves.
 */
export const ANALYSIS_VERSION = 4;

export const ANALYSIS_STAMP = `${ANALYSIS_VERSION}.${createHash('sha256')
  .update(JSON.stringify([words, confusables, translit, pinyin]))
  .digest('hex')
  .slice(0, 12)}`;

/** A subject's names as analysed for its own kind, stamped with the analysis they came from. */
export interface StoredNames {
  stamp: string;
  /** A NameKind; a string as the store reads it back. */
  kind: string;
  /** [name, packed analysis] */
  list: [string, string][];
}

const KINDS = new Set<string>(['person', 'org', 'vessel'] satisfies NameKind[]);

const TAGS: Record<PartTag, string> = {
  name: 'n',
  patronymic: 'p',
  particle: 'a',
  initial: 'i',
  generic: 'g',
  stopword: 's',
  number: 'u',
};
const TAG_OF = new Map(Object.entries(TAGS).map(([tag, code]) => [code, tag as PartTag]));
const ORIGINS: Record<Origin, string> = { latin: 'l', cross: 'c', abjad: 'a' };
const ORIGIN_OF = new Map(Object.entries(ORIGINS).map(([origin, code]) => [code, origin as Origin]));

// Part texts and keys hold letters and digits only (normalisation strips everything else), so these separate them.
const PART = ' ';
const FIELD = '.';

/**
 * "forms|text.to.phon.skel text.to.phon.skel ...|sound sound ...": the parts, then the sounds of their runs as name
 * comparison fuses them (compare.ts); numbers are the texts of number parts, so they are not kept.
 */
export function packName(a: AnalysedName): string {
  const parts = a.parts.map(
    (p) => `${p.text}${FIELD}${TAGS[p.tag]}${ORIGINS[p.origin]}${FIELD}${p.phon}${FIELD}${p.skel}`,
  );
  return `${[...a.forms].join(',')}|${parts.join(PART)}|${runSounds(a.parts).join(PART)}`;
}

export function unpackName(packed: string): AnalysedName {
  const bar = packed.indexOf('|');
  const last = packed.lastIndexOf('|');
  const forms = new Set(bar > 0 ? packed.slice(0, bar).split(',') : []);
  const body = packed.slice(bar + 1, last);
  const parts: NamePart[] = [];
  const numbers = new Set<string>();
  if (body !== '')
    for (const field of body.split(PART)) {
      const [text = '', codes = '', phon = '', skel = ''] = field.split(FIELD);
      const tag = TAG_OF.get(codes[0] ?? '');
      const origin = ORIGIN_OF.get(codes[1] ?? '');
      if (tag === undefined || origin === undefined) throw new Error(`packed name: bad part "${field}"`);
      if (tag === 'number') numbers.add(text);
      parts.push(makePart(text, tag, origin, undefined, [phon, skel]));
    }
  if (parts.length > 1) rememberRunSounds(parts, packed.slice(last + 1).split(PART));
  return { parts, forms, numbers };
}

/** The names of a subject of this schema, analysed as they will be compared against a query of the same kind. */
export function storedNames(schema: string, names: readonly string[]): StoredNames {
  const kind = kindOfSchema(schema);
  return { stamp: ANALYSIS_STAMP, kind, list: names.map((n) => [n, packName(analyseName(n, kind))]) };
}

/** A subject's names as analysed when it was indexed, by name, for comparison to read instead of analysing them. */
export interface AnalysedNames {
  readonly kind: NameKind;
  readonly byName: ReadonlyMap<string, AnalysedName>;
}

/**
 * The stored analyses, unpacked for one subject's comparisons (none with another stamp, written by another version
 * of the name engine). They are handed to comparison with the subject rather than put into the analysis cache: a
 * candidate's names seldom come up again soon among a million, and cached they lived long enough to cost the
 * garbage collector more than unpacking them costs. An analysis the cache holds already is taken from it.
 */
export function unpackNames(stored: StoredNames | undefined): AnalysedNames | undefined {
  if (stored === undefined || stored.stamp !== ANALYSIS_STAMP || !KINDS.has(stored.kind)) return undefined;
  const kind = stored.kind as NameKind;
  const byName = new Map<string, AnalysedName>();
  for (const [name, packed] of stored.list)
    byName.set(name, cachedAnalysis(name, kind) ?? unpackName(packed));
  return { kind, byName };
}
