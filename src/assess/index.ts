// The strategic assessment (issue 8, part 2): threat areas, MoRiLE-style priorities, key judgements on the UK
// probability yardstick with their evidence, the source assessment's claims tested, and the report.
export { THREAT_AREAS, type ThreatArea, UK_FACTS } from './areas.js';
export {
  type Assessment,
  type AssessOptions,
  assessmentEvidence,
  assessmentJson,
  buildAssessment,
  hasConditional,
} from './assessment.js';
export { type Claim, cityChanges, testClaims, type Verdict } from './claims.js';
export { caseload, deriveCounts, INVESTIGATIONS, type Investigation } from './derived.js';
export { type Evidence, type EvidenceItem, gatherEvidence } from './evidence.js';
export { generateJudgements, type Judgement, scoreAreas } from './judgements.js';
export { type AreaScore, band, confidenceFrom, harmScore, MORILE, ruleScore, scoreArea } from './morile.js';
export { renderHtml } from './render.js';
export { findSignals, SIGNALS, type Signal } from './signals.js';
export { applySignoffs, editJudgement, loadSignoffs, signJudgement, signoffPath } from './signoff.js';
export { type WastewaterDirections, wastewaterDirections } from './wastewater-trends.js';
export { CONFIDENCE_LEVELS, type Confidence, describeBand, YARDSTICK, yardstick } from './yardstick.js';
