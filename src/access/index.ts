// Access control: the context every store call takes, and the visibility rule for markings.
export {
  type AccessContext,
  type AccessContextInput,
  canSee,
  localOperator,
  makeContext,
  withGrading,
  withoutGrading,
} from './context.js';
export { type DisclosureTerms, disclosureTerms, withCeiling } from './disclosure.js';
export {
  formatGradingFilter,
  type GradingFilter,
  gradingFilterOption,
  gradingPasses,
  intersectGradingFilters,
  parseGradingFilter,
} from './grading-filter.js';
export {
  currentPolicy,
  loadPolicy,
  PERMISSIONS,
  type Permission,
  type Policy,
  parsePolicy,
  roleAllows,
} from './policy.js';
export { isUserRole, USER_ROLES, type UserRole } from './users.js';
