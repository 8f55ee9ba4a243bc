// Ingest: format readers, validation, and the batched, resumable pipeline.

export {
  ArchiveRefusal,
  checkZipEntry,
  isJunkEntry,
  RATIO_MIN_BYTES,
  ratioTooHigh,
} from './archive-checks.js';
export { getReader, guessFormat, readers } from './formats.js';
export { DATASET_NAME, type IngestRequest, type IngestSummary, ingest, openSource } from './pipeline.js';
export { formatProgress, type ProgressEvent } from './progress.js';
export type { EntityRecord, Reader, ReadItem, Reject, SourceRecord } from './reader.js';
export { addValue, newEntity } from './reader.js';
export { RejectReport } from './reject-report.js';
export { originText, validateRecord } from './validate.js';
