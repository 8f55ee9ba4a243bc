// The UK probability yardstick (PHIA): a probability worded as the band it falls in. The gaps between bands are
// deliberate; a value in a gap takes the nearer band, and exactly midway the band nearer to 50% (data/yardstick.json).
import { NexusError } from '../model/index.js';
import table from './data/yardstick.json' with { type: 'json' };

export type Confidence = 'low' | 'moderate' | 'high';
export const CONFIDENCE_LEVELS: readonly Confidence[] = ['low', 'moderate', 'high'];
export const CONFIDENCE_MEANING: Readonly<Record<Confidence, string>> = table.confidence;

export interface YardstickBand {
  term: string;
  /** Inclusive bounds in percent. */
  low: number;
  high: number;
  also?: string;
}

export const YARDSTICK: readonly YardstickBand[] = table.bands;

export interface Wording {
  /** The yardstick term, e.g. "realistic possibility". */
  term: string;
  band: YardstickBand;
  /** True when the probability lies in a gap between two bands and was worded with the nearer one. */
  in_gap: boolean;
}

const distanceFromHalf = (b: YardstickBand) => Math.abs((b.low + b.high) / 2 - 50);

/** Words a probability (0..1) on the yardstick. */
export function yardstick(probability: number): Wording {
  if (!(probability >= 0 && probability <= 1))
    throw new NexusError('USAGE_INVALID', `yardstick: probability ${probability} is not between 0 and 1`);
  // Percent, rounded to 1e-9 so 0.55 * 100 = 55.00000000000001 still falls in its band.
  const pct = Math.round(probability * 100 * 1e9) / 1e9;
  for (const band of YARDSTICK)
    if (pct >= band.low && pct <= band.high) return { term: band.term, band, in_gap: false };
  let below: YardstickBand | undefined;
  let above: YardstickBand | undefined;
  for (const band of YARDSTICK) {
    if (band.high < pct) below = band;
    if (band.low > pct && above === undefined) above = band;
  }
  if (!below || !above) throw new NexusError('USAGE_INVALID', `yardstick: no band near ${pct}%`);
  const dBelow = pct - below.high;
  const dAbove = above.low - pct;
  const chosen =
    dBelow < dAbove
      ? below
      : dAbove < dBelow
        ? above
        : distanceFromHalf(below) <= distanceFromHalf(above)
          ? below
          : above;
  return { term: chosen.term, band: chosen, in_gap: true };
}

/** "likely (55-75%)". */
export function describeBand(band: YardstickBand): string {
  return `${band.term} (${band.low}-${band.high}%)`;
}
