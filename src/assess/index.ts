// The strategic assessment (issue 8, part 2): threat areas, MoRiLE-style priorities, key judgements on the UK
// probability yardstick with their evidence, the source assessment's claims tested, and the report.
export { THREAT_AREAS, type ThreatArea, UK_FACTS } from './areas.js';
export { type Assessment, type AssessOptions, assessmentJson, buildAssessment } from './assessment.js';
export { type Claim, cityChanges, testClaims, type Verdict } from './claims.js';
export { type Evidence, type EvidenceItem, gatherEvidence } from './evidence.js';
export { generateJudgements, type Judgement, scoreAreas } from './judgements.js';
export { type AreaScore, band, confidenceFrom, harmScore, MORILE, ruleScore, scoreArea } from './morile.js';
export { renderHtml } from './render.js';
export { applySignoffs, editJudgement, loadSignoffs, signJudgement, signoffPath } from './signoff.js';
export { CONFIDENCE_LEVELS, type Confidence, describeBand, YARDSTICK, yardstick } from './yardstick.js';
