// The strategic assessment as GET /assess answers it, read defensively: only the parts the Report view shows (key
// judgements with their evidence, priorities, claims tested, and the indicator parts read in indicators.ts), with the
// marking of the whole, and the URL of the full HTML report with the same parameters.
import { url } from '../api.js';
import { type ReportIndicators, readIndicators } from './indicators.js';
import { isObj, list, num, type ReportEvidence, readEvidence, str } from './loose.js';

export type { ReportEvidence } from './loose.js';

export interface ReportJudgement {
  id: string;
  area: string;
  text: string;
  probability: number;
  yardstick: string;
  confidence: string;
  status: string;
  signedBy?: string;
  marking: string;
  evidence: ReportEvidence[];
}

export interface ReportPriority {
  id: string;
  label: string;
  total: number;
  band: string;
  confidence: string;
  entities: number;
  marking: string;
}

export interface ReportClaim {
  id: string;
  claim: string;
  verdict: string;
  finding: string;
  marking: string;
  evidence: ReportEvidence[];
}

export interface ReportAnswer {
  marking?: string;
  year: number | null;
  ceiling: string | null;
  fictional: boolean;
  judgements: ReportJudgement[];
  priorities: ReportPriority[];
  claims: ReportClaim[];
  datasets: string[];
  /** Emerging signals, wastewater trend counts, series counted from the store, investigations (indicators.ts). */
  indicators: ReportIndicators;
  /** Evidence carries handling code C: the full report needs a recipient and conditions. */
  conditional: boolean;
}

export function readAssessment(body: unknown): ReportAnswer {
  const b = isObj(body) ? body : {};
  const judgements = list(b.judgements)
    .filter(isObj)
    .map((j) => {
      const signedBy = str(j.signed_by);
      return {
        id: str(j.id) ?? '',
        area: str(j.area) ?? '',
        text: str(j.text) ?? '',
        probability: num(j.probability) ?? 0,
        yardstick: str(j.yardstick) ?? '',
        confidence: str(j.confidence) ?? '',
        status: str(j.status) ?? 'generated',
        ...(signedBy ? { signedBy } : {}),
        marking: str(j.marking) ?? '',
        evidence: readEvidence(j.evidence),
      };
    })
    .filter((j) => j.id !== '');
  const priorities = list(b.areas)
    .filter(isObj)
    .map((a) => {
      const score = isObj(a.score) ? a.score : {};
      return {
        id: str(a.id) ?? '',
        label: str(a.label) ?? str(a.id) ?? '',
        total: num(score.total) ?? 0,
        band: str(score.band) ?? '',
        confidence: str(score.confidence) ?? '',
        entities: num(a.entities) ?? 0,
        marking: str(a.marking) ?? '',
      };
    })
    .filter((a) => a.id !== '')
    // Highest priority first, as in the report; ties by id so the order is stable.
    .sort((x, y) => y.total - x.total || (x.id < y.id ? -1 : 1));
  const claims = list(b.claims)
    .filter(isObj)
    .map((c) => ({
      id: str(c.id) ?? '',
      claim: str(c.claim) ?? '',
      verdict: str(c.verdict) ?? 'lacks data',
      finding: str(c.finding) ?? '',
      marking: str(c.marking) ?? '',
      evidence: readEvidence(c.evidence),
    }))
    .filter((c) => c.id !== '');
  const indicators = readIndicators(body);
  const conditional = [...judgements, ...claims, ...indicators.signals].some((x) =>
    x.evidence.some((e) => e.grading.some((g) => /^[1-3][A-E]C$/.test(g))),
  );
  const year = num(b.year);
  return {
    ...(str(b.marking) ? { marking: str(b.marking) } : {}),
    year: year === undefined ? null : year,
    ceiling: str(b.ceiling) ?? null,
    fictional: b.fictional === true,
    judgements,
    priorities,
    claims,
    datasets: list(b.datasets)
      .filter(isObj)
      .map((d) => str(d.name) ?? '')
      .filter(Boolean),
    indicators,
    conditional,
  };
}

/** The form of the Report view (from the URL): the ceiling and year asked for, and the terms of a disclosure. */
export interface ReportForm {
  ceiling: string;
  year: string;
  recipient: string;
  conditions: string;
}

export function reportForm(q: URLSearchParams): ReportForm {
  return {
    ceiling: q.get('ceiling') ?? '',
    year: q.get('year') ?? '',
    recipient: q.get('recipient') ?? '',
    conditions: q.get('conditions') ?? '',
  };
}

/** GET /assess for the form: the ceiling and year only (the terms are the report's). */
export function assessUrl(f: ReportForm): string {
  return url('/assess', { ceiling: f.ceiling.trim(), year: f.year.trim() });
}

/** The full HTML report with the same ceiling and year, and the disclosure terms when given. */
export function reportUrl(f: ReportForm): string {
  return url('/assess/report', {
    ceiling: f.ceiling.trim(),
    year: f.year.trim(),
    recipient: f.recipient.trim(),
    conditions: f.conditions.trim(),
  });
}

/** A probability as a percentage for the reader (0.825 -> "83%"). */
export function percent(p: number): string {
  return `${Math.round(p * 100)}%`;
}
