// The Nexus data model: FtM schemata, statements, entities, values, markings and grading.

export {
  assetDecimals,
  formatAmount,
  formatUnits,
  knownAssets,
  normaliseAddress,
  parseAmount,
  parseUnits,
  requireAssetDecimals,
} from './amounts.js';
export { countryCode, countryLabel } from './countries.js';
export { cleanIsoDate, parseDates } from './dates.js';
export { Entity, type FtmEntity } from './entity.js';
export { type ErrorCode, isNexusError, NexusError } from './errors.js';
export {
  getProperty,
  getSchema,
  hasSchema,
  model,
  type Property,
  type Schema,
  schemaProperties,
  specificSchema,
  topics,
} from './ftm.js';
export { describeGrading, parseGrading } from './grading.js';
export { entityIdProblem, isValidEntityId, slugId, stableId } from './ids.js';
export {
  BUILTIN_MARKINGS,
  configureMarkings,
  DEFAULT_MARKING,
  formatMarking,
  highestMarking,
  type Marking,
  type MarkingTable,
  markingCaveats,
  markingLevels,
  parseMarking,
} from './marking.js';
export { Random } from './random.js';
export {
  addToGroup,
  expandGroup,
  type GroupHead,
  ID_PROP,
  makeStatement,
  newGroup,
  type Statement,
  type StatementGroup,
  type StatementInput,
  statementId,
} from './statement.js';
export { type Cleaned, cleanValue } from './values.js';
