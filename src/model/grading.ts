// 3x5x2 intelligence grading (College of Policing APP): source evaluation, intelligence assessment, handling.
import { NexusError } from './errors.js';

export const SOURCE_EVALUATION = new Map([
  ['1', 'reliable'],
  ['2', 'untested'],
  ['3', 'not reliable'],
]);
export const INTELLIGENCE_ASSESSMENT = new Map([
  ['A', 'known directly'],
  ['B', 'known indirectly but corroborated'],
  ['C', 'known indirectly'],
  ['D', 'not known'],
  ['E', 'suspected to be false'],
]);
export const HANDLING = new Map([
  ['P', 'lawful sharing permitted'],
  ['C', 'lawful sharing permitted with conditions'],
]);

/** Validates a 3x5x2 code such as `2BP`; older 5x5x5 codes are kept verbatim when prefixed `5x5x5:`. */
export function parseGrading(text: string): string {
  const code = text.trim().toUpperCase();
  if (code.startsWith('5X5X5:')) {
    if (!/^5X5X5:[A-E][1-5][1-5]$/.test(code))
      throw new NexusError('GRADING_INVALID', `grading.parse: "${text}" is not a 5x5x5 code`);
    return `5x5x5:${code.slice(6)}`;
  }
  const [s, i, h] = [code[0], code[1], code[2]];
  if (
    code.length !== 3 ||
    !s ||
    !i ||
    !h ||
    !SOURCE_EVALUATION.has(s) ||
    !INTELLIGENCE_ASSESSMENT.has(i) ||
    !HANDLING.has(h)
  ) {
    throw new NexusError(
      'GRADING_INVALID',
      `grading.parse: "${text}" is not a 3x5x2 code (1-3, A-E, P/C, e.g. 2BP)`,
    );
  }
  return code;
}

export function describeGrading(code: string): string {
  if (code.startsWith('5x5x5:')) return `5x5x5 ${code.slice(6)} (legacy)`;
  return `${SOURCE_EVALUATION.get(code[0] ?? '')}; ${INTELLIGENCE_ASSESSMENT.get(code[1] ?? '')}; ${HANDLING.get(code[2] ?? '')}`;
}
