// Evidence: documents and media as FtM entities with their text, mentions and provenance (docs/evidence.md).
export { type EvidenceRequest, type EvidenceSummary, FILES_FORMAT, ingestEvidence } from './ingest-files.js';
export { DEFAULT_EVIDENCE_LIMITS, type EvidenceLimits, EvidenceRefusal } from './limits.js';
export { DEFAULT_MENTION_OPTIONS, type MentionOptions } from './mentions.js';
export { NEAR_DUPLICATE_BITS } from './phash.js';
export { isGenerativeSourceType } from './provenance.js';
