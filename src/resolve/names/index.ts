// Public API of the name engine: compare names across scripts and spellings, derive blocking keys.
export { compareNames, nameKeys, normalizeName } from './compare.js';
export type { NameComparison } from './compare.js';
