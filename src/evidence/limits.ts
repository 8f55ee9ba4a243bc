// The caps evidence ingest works within (SECURITY.md R14, R15): each is checked before the work it bounds.

export interface EvidenceLimits {
  /** Largest single file read, on disk or inside an archive or email. */
  maxFileBytes: number;
  /** Most entries in one archive (folders and skipped files count). */
  maxEntries: number;
  /** Most bytes one archive may expand to, all entries together (nested archives count toward their parent's). */
  maxUncompressedBytes: number;
  /** Highest compression ratio of an entry, and of the whole archive, from 1 MB uncompressed. */
  maxRatio: number;
  /** Deepest nesting of containers (archive in archive, attachment in email in archive); the top file is depth 0. */
  maxDepth: number;
  /** Characters of text kept per document; past it the text is cut and the document says so. */
  maxTextChars: number;
  /** PDF pages read; pages past it are left out and the document says so. */
  maxPages: number;
  /** Pages of one image-only PDF sent to OCR. */
  maxOcrPages: number;
  /** Largest image decoded for the perceptual hash, in pixels. */
  maxPixels: number;
  /** Time one OCR or rasterising run may take. */
  toolTimeoutMs: number;
}

export const DEFAULT_EVIDENCE_LIMITS: Readonly<EvidenceLimits> = Object.freeze({
  maxFileBytes: 256 * 1024 * 1024,
  maxEntries: 1000,
  maxUncompressedBytes: 1024 * 1024 * 1024,
  maxRatio: 100,
  maxDepth: 3,
  maxTextChars: 2_000_000,
  maxPages: 2000,
  maxOcrPages: 50,
  maxPixels: 50_000_000,
  toolTimeoutMs: 120_000,
});

/** Why one file (or an entry inside one) was not read, with a stable code; becomes a reject, never stops the run. */
export class EvidenceRefusal extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'EvidenceRefusal';
    this.code = code;
  }
}
