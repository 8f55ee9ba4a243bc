// Ingest: format readers, validation, and the batched, resumable pipeline.
export { getReader, guessFormat, readers } from './formats.js';
export { ingest, type IngestRequest, type IngestSummary } from './pipeline.js';
export { formatProgress, type ProgressEvent } from './progress.js';
export type { EntityRecord, ReadItem, Reader, Reject, SourceRecord } from './reader.js';
export { RejectReport } from './reject-report.js';
export { originText, validateRecord } from './validate.js';
