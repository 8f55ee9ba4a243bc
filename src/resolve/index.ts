// Public API of the resolve stage: feature comparison, match scoring, blocking keys, the index builder and screening.
export {
  addressFeature,
  birthDateFeature,
  countryFeature,
  type FeatureResult,
  genderFeature,
  identifierFeature,
  namesOf,
  normalizeIdentifier,
  normalizeWallet,
  type Subject,
  walletFeature,
} from './features.js';
export { type IndexProgress, type IndexSummary, updateMatchIndex } from './index-builder.js';
export { matchKeysFor, subjectOf } from './keys.js';
export { compareNames, nameKeys, normalizeName } from './names/index.js';
export {
  compatibleSchemata,
  DEFAULT_SCORING,
  describeMatcher,
  type MatchScore,
  type ScoringConfig,
  schemataCompatible,
  scoreMatch,
  withThreshold,
} from './scorer.js';
export { checkQuery, compareNamePairs, MAX_LIMIT, MAX_QUERIES, screen } from './screening.js';
export type * from './screening-types.js';
export { type XrefOptions, type XrefProgress, type XrefSummary, xref } from './xref.js';
