// Reads a 3x5x2 grading code (College of Policing APP) for a tooltip: `1BP` -> reliable; known indirectly but
// corroborated; lawful sharing permitted. The same table as src/model/grading.ts.
const SOURCE = new Map([
  ['1', 'reliable source'],
  ['2', 'untested source'],
  ['3', 'source not reliable'],
]);
const ASSESSMENT = new Map([
  ['A', 'known directly'],
  ['B', 'known indirectly but corroborated'],
  ['C', 'known indirectly'],
  ['D', 'not known'],
  ['E', 'suspected to be false'],
]);
const HANDLING = new Map([
  ['P', 'lawful sharing permitted'],
  ['C', 'lawful sharing permitted with conditions'],
]);

export function describeGrading(code: string | undefined): string {
  if (!code) return 'not graded';
  if (code.startsWith('5x5x5:')) return `5x5x5 ${code.slice(6)} (legacy grading)`;
  const [s, i, h] = [SOURCE.get(code[0] ?? ''), ASSESSMENT.get(code[1] ?? ''), HANDLING.get(code[2] ?? '')];
  return s && i && h ? `${s}; ${i}; ${h}` : code;
}
