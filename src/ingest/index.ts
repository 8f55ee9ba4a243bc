// Ingest: format readers, validation, and the batched, resumable pipeline.
export { getReader, guessFormat, readers } from './formats.js';
export { type IngestRequest, type IngestSummary, ingest } from './pipeline.js';
export { formatProgress, type ProgressEvent } from './progress.js';
export type { EntityRecord, Reader, ReadItem, Reject, SourceRecord } from './reader.js';
export { RejectReport } from './reject-report.js';
export { originText, validateRecord } from './validate.js';
