// Public API of the name engine: compare names across scripts and spellings, derive blocking keys.
export type { NameComparison } from './compare.js';
export { compareNames, nameKeys, normalizeName } from './compare.js';
export { confusableLevenshtein, editSimilarity, jaro, jaroWinkler } from './distance.js';
export {
  ANALYSIS_STAMP,
  type AnalysedNames,
  packName,
  type StoredNames,
  storedNames,
  unpackName,
  unpackNames,
} from './packed.js';
export type { NameKind } from './parts.js';
export { forgetAnalyses, kindOfSchema } from './parts.js';
export { phoneticKey } from './phonetic.js';
export { transliterateWord } from './translit.js';
