// The strategic assessment as data: evidence gathered with the caller's context, areas scored, judgements generated
// (with the analyst's edits and sign-offs), claims tested, and the highest marking of everything included.
import type { AccessContext } from '../access/index.js';
import { decimalYear } from '../indicators/index.js';
import type { Store } from '../store/index.js';
import { type Claim, testClaims } from './claims.js';
import { INVESTIGATIONS } from './derived.js';
import {
  type Evidence,
  type EvidenceItem,
  gatherEvidence,
  highest,
  type SeriesData,
  seriesItem,
  type TrendSummary,
  trendSummary,
} from './evidence.js';
import { generateJudgements, type Judgement, type ScoredArea, scoreAreas } from './judgements.js';
import { findSignals, type Signal } from './signals.js';
import { applySignoffs, type Signoffs } from './signoff.js';
import { type WastewaterDirections, wastewaterDirections } from './wastewater-trends.js';

export interface AssessOptions {
  year?: number;
  /** Shown in the report as its date; nothing time-dependent is printed without it. */
  asOf?: string;
  /** The ceiling asked for (already applied to ctx by the caller through withCeiling); shown in the report. */
  ceiling?: string;
  signoffs?: Signoffs;
}

export interface Assessment {
  marking: string;
  year: number | null;
  as_of: string | null;
  ceiling: string | null;
  fictional: boolean;
  evidence: Evidence;
  areas: ScoredArea[];
  judgements: Judgement[];
  claims: Claim[];
  /** Emerging signals and anomalies over every series read or counted. */
  signals: Signal[];
  /** Cities whose wastewater loads rise, fall or stay level, per substance. */
  wastewater: WastewaterDirections[];
}

export async function buildAssessment(
  store: Store,
  ctx: AccessContext,
  opts: AssessOptions = {},
): Promise<Assessment> {
  const evidence = await gatherEvidence(store, ctx, opts.year === undefined ? {} : { year: opts.year });
  const areas = scoreAreas(evidence);
  const judgements = applySignoffs(ctx, generateJudgements(evidence, areas), opts.signoffs ?? {});
  const claims = testClaims(evidence);
  const signals = findSignals([...evidence.series, ...evidence.derived]);
  const marking = highest([
    evidence.marking,
    ...judgements.map((j) => j.marking),
    ...claims.map((c) => c.marking),
    ...signals.map((x) => x.marking),
  ]);
  return {
    marking,
    year: opts.year ?? null,
    as_of: opts.asOf ?? null,
    ceiling: opts.ceiling ?? null,
    fictional: evidence.datasets.some((d) => d.fictional && (d.entities > 0 || d.statements > 0)),
    evidence,
    areas,
    judgements,
    claims,
    signals,
    wastewater: wastewaterDirections(evidence.series),
  };
}

/**
 * Every evidence item the report includes: the judgements', the claims', the signals', and the series counted from
 * the store (which rest on graded statements as much as any listed item). A caller deciding whether the report may
 * leave without handling conditions reads these.
 */
export function assessmentEvidence(a: Assessment): EvidenceItem[] {
  return [
    ...a.judgements.flatMap((j) => j.evidence),
    ...a.claims.flatMap((c) => c.evidence),
    ...a.signals.flatMap((x) => x.evidence),
    ...a.evidence.derived.map((s) => seriesItem(s)),
  ];
}

/** Whether any evidence in the report carries handling code C (a 3x5x2 grading ending in C). */
export function hasConditional(a: Assessment): boolean {
  return assessmentEvidence(a).some((e) => e.grading.some((g) => /^[1-3][A-E]C$/.test(g)));
}

export interface SeriesJson {
  id: string;
  dataset: string;
  name: string;
  unit: string;
  area: string;
  marking: string;
  points: [number, number][];
  partial: string[];
  trend: TrendSummary;
}

export function seriesJson(s: SeriesData): SeriesJson {
  return {
    id: s.id,
    dataset: s.dataset,
    name: s.name,
    unit: s.unit,
    area: s.area,
    marking: s.marking,
    points: s.points.map(([p, v]) => [Math.round(decimalYear(p) * 1e6) / 1e6, v]),
    partial: s.partial,
    trend: trendSummary(s.trend),
  };
}

/** The machine-readable form (`nexus assess --json`). */
export function assessmentJson(a: Assessment) {
  return {
    marking: a.marking,
    year: a.year,
    as_of: a.as_of,
    ceiling: a.ceiling,
    fictional: a.fictional,
    judgements: a.judgements.map((j) => ({
      id: j.id,
      area: j.area,
      text: j.text,
      generated_text: j.generated_text,
      status: j.status,
      ...(j.edited_by ? { edited_by: j.edited_by, edited_at: j.edited_at } : {}),
      ...(j.signed_by ? { signed_by: j.signed_by, signed_at: j.signed_at } : {}),
      probability: j.probability,
      yardstick: j.yardstick,
      in_gap: j.in_gap,
      confidence: j.confidence,
      marking: j.marking,
      evidence: j.evidence,
    })),
    areas: a.areas.map((x) => ({
      id: x.id,
      label: x.label,
      entities: x.evidence.total,
      by_topic: x.evidence.byTopic,
      by_dataset: x.evidence.byDataset,
      series: [...x.evidence.series, ...x.evidence.derived].map((s) => s.id),
      score: x.score,
      marking: x.evidence.marking,
    })),
    states: a.evidence.states.map((s) => ({
      code: s.code,
      label: s.label,
      seeds: s.seeds,
      listings: s.listings,
      proxies: s.proxies,
      wallets: s.wallets,
      traced: s.traced,
      proxy: s.proxy,
      path: s.path.map((h) => ({
        from: h.from.id,
        to: h.to.id,
        kind: h.kind,
        evidence: h.evidence.entity?.id ?? null,
      })),
      marking: s.marking,
    })),
    sanctions: a.evidence.sanctions,
    series: [...a.evidence.series, ...a.evidence.derived].map(seriesJson),
    investigations: {
      definition: INVESTIGATIONS._note,
      schemata: INVESTIGATIONS.schemata,
      count: a.evidence.investigations.length,
      as_of_month: a.evidence.lastMonth,
      items: a.evidence.investigations,
    },
    signals: a.signals,
    wastewater_trends: a.wastewater,
    claims: a.claims.map((c) => ({
      id: c.id,
      claim: c.claim,
      verdict: c.verdict,
      finding: c.finding,
      marking: c.marking,
      evidence: c.evidence,
      ...(c.table ? { table: c.table } : {}),
    })),
    datasets: a.evidence.datasets,
  };
}
