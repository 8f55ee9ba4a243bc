// MoRiLE-style prioritisation: harm x likelihood x capability, each 1-5, scales and weights from data/morile.json
// (a documented default; the real toolkits are restricted). Every score keeps the steps that reached it.
import table from './data/morile.json' with { type: 'json' };
import type { Confidence } from './yardstick.js';

export interface MorileTable {
  harm: { scale: number[]; dimensions: Record<string, { weight: number; label: string }> };
  likelihood: {
    scale: number[];
    base: number;
    rules: Record<string, number>;
    labels: Record<string, string>;
  };
  capability: {
    scale: number[];
    base: number;
    rules: Record<string, number>;
    labels: Record<string, string>;
  };
  bands: { min: number; label: string }[];
  confidence: Record<Confidence, string>;
}

export const MORILE: MorileTable = table;

export interface Score {
  value: number;
  label: string;
  /** How it was reached, step by step. */
  how: string[];
}

export interface AreaScore {
  harm: Score;
  likelihood: Score;
  capability: Score;
  /** harm x likelihood x capability, 1..125, rounded to 2 decimals. */
  total: number;
  band: string;
  confidence: Confidence;
  confidence_reason: string;
}

const clamp = (x: number, [lo, hi]: number[]) => Math.min(hi as number, Math.max(lo as number, x));
const round2 = (x: number) => Math.round(x * 100) / 100;

/** Weighted mean of the harm dimensions given (1-5 each); a dimension not given is left out, with a step saying so. */
export function harmScore(scores: Readonly<Record<string, number>>, t: MorileTable = MORILE): Score {
  let sum = 0;
  let weights = 0;
  const how: string[] = [];
  for (const [name, dim] of Object.entries(t.harm.dimensions).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const s = scores[name];
    if (s === undefined) {
      how.push(`${dim.label}: not scored`);
      continue;
    }
    const v = clamp(s, t.harm.scale);
    sum += v * dim.weight;
    weights += dim.weight;
    how.push(`${dim.label}: ${v} x weight ${dim.weight}`);
  }
  const value = weights > 0 ? round2(sum / weights) : (t.harm.scale[0] as number);
  how.push(`weighted mean ${round2(sum)} / ${weights} = ${value}`);
  return { value, label: `${value} of ${t.harm.scale[1]}`, how };
}

/** A base plus the rules that fired (each named in the table), clamped to the scale. */
export function ruleScore(
  part: 'likelihood' | 'capability',
  fired: readonly { rule: string; why: string }[],
  t: MorileTable = MORILE,
): Score {
  const spec = t[part];
  let value = spec.base;
  const how = [`base ${spec.base}`];
  for (const f of fired) {
    const step = spec.rules[f.rule];
    if (step === undefined) continue;
    value += step;
    how.push(`${step >= 0 ? '+' : ''}${step} ${f.rule.replace(/_/g, ' ')}: ${f.why}`);
  }
  const clamped = clamp(value, spec.scale);
  if (clamped !== value) how.push(`clamped to ${clamped} (scale ${spec.scale.join('-')})`);
  return { value: clamped, label: spec.labels[String(Math.round(clamped))] ?? String(clamped), how };
}

export function band(total: number, t: MorileTable = MORILE): string {
  for (const b of [...t.bands].sort((a, b) => b.min - a.min)) if (total >= b.min) return b.label;
  return t.bands[t.bands.length - 1]?.label ?? 'low';
}

/** Confidence from the kinds of evidence behind a score (see data/morile.json). */
export function confidenceFrom(
  kinds: readonly string[],
  strong: boolean,
): { level: Confidence; reason: string } {
  const n = new Set(kinds).size;
  const list = [...new Set(kinds)].sort().join(', ') || 'none';
  if (n >= 3 && strong)
    return { level: 'high', reason: `${n} kinds of evidence (${list}), one of them strong` };
  if (n >= 2) return { level: 'moderate', reason: `${n} kinds of evidence (${list})` };
  return { level: 'low', reason: `${n} kind${n === 1 ? '' : 's'} of evidence (${list})` };
}

export function scoreArea(
  harm: Score,
  likelihood: Score,
  capability: Score,
  kinds: readonly string[],
  strong: boolean,
  t: MorileTable = MORILE,
): AreaScore {
  const total = round2(harm.value * likelihood.value * capability.value);
  const c = confidenceFrom(kinds, strong);
  return {
    harm,
    likelihood,
    capability,
    total,
    band: band(total, t),
    confidence: c.level,
    confidence_reason: c.reason,
  };
}
