// Access control: the context every store call takes, and the visibility rule for markings.
export {
  type AccessContext,
  type AccessContextInput,
  canSee,
  localOperator,
  makeContext,
} from './context.js';
