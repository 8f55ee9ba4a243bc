// Defensive readers for the JSON of GET /assess: a field of the wrong type reads as absent, never as a crash.

export type Loose = Record<string, unknown>;
export const isObj = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
export const count = (v: unknown): number => Math.max(0, Math.floor(num(v) ?? 0));
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const strs = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === 'string');

/** A piece of evidence behind a judgement, claim or signal, with its marking and gradings. */
export interface ReportEvidence {
  ref: string;
  text: string;
  marking: string;
  grading: string[];
  datasets: string[];
}

export function readEvidence(v: unknown): ReportEvidence[] {
  return list(v)
    .filter(isObj)
    .map((e) => ({
      ref: str(e.ref) ?? '',
      text: str(e.text) ?? '',
      marking: str(e.marking) ?? '',
      grading: strs(e.grading),
      datasets: strs(e.datasets),
    }));
}
