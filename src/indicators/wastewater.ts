// Wastewater back-calculation: consumption of the parent drug from residue loads with per-substance correction factors
// (a cited table, ./data/wastewater-factors.json), and national tonnes per year with an interval.
import { NexusError } from '../model/index.js';
import table from './data/wastewater-factors.json' with { type: 'json' };

export interface FactorSource {
  cite: string;
  doi: string;
  /** The factor the source gives; null for a source cited for the method only. */
  factor: number | null;
  verified: boolean;
  note: string;
}

export interface CorrectionFactor {
  /** The substance as the series names it (`cocaine`, `cannabis`, ...). */
  substance: string;
  parent: string;
  /** What the lab measures (`benzoylecgonine` for cocaine). */
  residue: string;
  factor: number;
  /** The literature's range of factors, carried as the uncertainty. */
  range: [number, number];
  /** The arithmetic behind `factor`: (parent / residue molar mass) / fraction excreted as the residue. */
  molar_mass: { parent: number; residue: number };
  excreted: number;
  basis: string;
  /** Set when the residue has other sources (morphine: medicines, codeine): what must be subtracted first. */
  net_load?: string;
  /** The spread of the factor and what it means for an estimate, in words. */
  uncertainty: string;
  sources: FactorSource[];
}

/** A figure with its interval. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
}

const FACTORS: ReadonlyMap<string, CorrectionFactor> = new Map(
  Object.entries(table.substances).map(([substance, f]) => [
    substance.toLowerCase(),
    { substance, ...f, range: [f.range[0] as number, f.range[1] as number] as [number, number] },
  ]),
);

export function correctionFactors(): CorrectionFactor[] {
  return [...FACTORS.values()];
}

export function correctionFactor(substance: string): CorrectionFactor {
  const f = FACTORS.get(substance.toLowerCase());
  if (!f)
    throw new NexusError(
      'VALUE_INVALID',
      `indicators.wastewater: no correction factor for "${substance}"; known: ${[...FACTORS.keys()].join(', ')}`,
    );
  return f;
}

function asEstimate(x: number | (Partial<Estimate> & { value: number })): Estimate {
  if (typeof x === 'number') return { value: x, low: x, high: x };
  return { value: x.value, low: x.low ?? x.value, high: x.high ?? x.value };
}

/**
 * Consumption of the parent drug, mg per 1000 people per day, from the residue load in the same unit: load x factor.
 * The interval takes the low load with the lowest factor and the high load with the highest. A residue with other
 * sources (heroin's morphine) is refused unless the caller states the load is net of them (`net: true`).
 */
export function consumption(
  load: number | (Partial<Estimate> & { value: number }),
  substance: string,
  options: { net?: boolean } = {},
): Estimate {
  const l = asEstimate(load);
  const f = correctionFactor(substance);
  if (f.net_load && !options.net)
    throw new NexusError(
      'VALUE_INVALID',
      `indicators.consumption: a ${f.substance} estimate needs the ${f.residue} load net of its other sources (pass net: true once subtracted). ${f.net_load}`,
    );
  if (!(l.low >= 0 && l.low <= l.value && l.value <= l.high))
    throw new NexusError(
      'VALUE_INVALID',
      'indicators.consumption: the load must satisfy 0 <= low <= value <= high',
    );
  return { value: l.value * f.factor, low: l.low * f.range[0], high: l.high * f.range[1] };
}

export interface NationalEstimate extends Estimate {
  unit: 'tonnes/year';
  /** Pure drug, or street quantity when a purity was given. */
  basis: 'pure' | 'street';
  population: number;
}

/**
 * Tonnes a year for a population from consumption in mg per 1000 people per day: c / 1000 x population x 365, mg to
 * tonnes (1e9 mg). With a purity (a fraction, optionally with its own interval) the result is street quantity:
 * pure / purity, the low end dividing by the highest purity. Extrapolating city loads to a nation assumes the cities
 * stand for it; that assumption, not this arithmetic, dominates the uncertainty.
 */
export function nationalTonnes(
  consumptionPer1000: Estimate,
  population: number,
  options: { purity?: number | (Partial<Estimate> & { value: number }) } = {},
): NationalEstimate {
  if (!(population > 0))
    throw new NexusError('VALUE_INVALID', 'indicators.nationalTonnes: population must be positive');
  const perYear = (mgPer1000PerDay: number) => (mgPer1000PerDay / 1000) * population * 365 * 1e-9;
  const pure = {
    value: perYear(consumptionPer1000.value),
    low: perYear(consumptionPer1000.low),
    high: perYear(consumptionPer1000.high),
  };
  if (options.purity === undefined) return { ...pure, unit: 'tonnes/year', basis: 'pure', population };
  const p = asEstimate(options.purity);
  if (!(p.low > 0 && p.high <= 1 && p.low <= p.value && p.value <= p.high))
    throw new NexusError(
      'VALUE_INVALID',
      'indicators.nationalTonnes: purity must satisfy 0 < low <= value <= high <= 1',
    );
  return {
    value: pure.value / p.value,
    low: pure.low / p.high,
    high: pure.high / p.low,
    unit: 'tonnes/year',
    basis: 'street',
    population,
  };
}
