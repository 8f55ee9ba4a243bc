// Indicators: trend statistics over series (Mann-Kendall, Theil-Sen, change, direction), signals and anomalies, and
// wastewater back-calculation. Pure functions over plain points; reading series from the store is the caller's.
export {
  bootstrapPercentChange,
  type PercentChange,
  percentChange,
  quantile,
  trendChange,
  type ValuePoint,
} from './change.js';
export {
  EXACT_MAX_N,
  exactTwoSidedP,
  type MannKendall,
  mannKendall,
  tieGroups,
  varianceOfS,
} from './mann-kendall.js';
export { normalCdf, normalQuantile, normalUpper } from './normal.js';
export {
  type Anomaly,
  type AnomalyResult,
  anomalies,
  type EmergingSignal,
  emergingSignals,
  type SignalSeries,
} from './signals.js';
export { sortedMedian, type TheilSen, theilSen } from './theil-sen.js';
export { decimalYear } from './time.js';
export {
  countDirections,
  type Direction,
  MIN_TREND_POINTS,
  type Trend,
  type TrendPoint,
  trend,
} from './trend.js';
export {
  type CorrectionFactor,
  consumption,
  correctionFactor,
  correctionFactors,
  type Estimate,
  type NationalEstimate,
  nationalTonnes,
} from './wastewater.js';
