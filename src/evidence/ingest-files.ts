// `nexus ingest --format files`: files and folders of mixed evidence into the store. Each file given (with what is
// inside it) is one source item: its entities are validated like any reader's (validateRecord), committed in batches
// with a checkpoint, and a rerun after a crash resumes after the last committed file (R1) and adds nothing when
// repeated (R2). Near-duplicate images across the dataset are linked at the end.
import { readFile } from 'node:fs/promises';
import type { AccessContext } from '../access/index.js';
import {
  DATASET_NAME,
  type IngestRequest,
  type IngestSummary,
  openSource,
  type Reject,
  validateRecord,
} from '../ingest/index.js';
import { NexusError, type StatementGroup } from '../model/index.js';
import { updateMatchIndex } from '../resolve/index.js';
import type { Store } from '../store/index.js';
import { DEFAULT_EVIDENCE_LIMITS, type EvidenceLimits } from './limits.js';
import { DEFAULT_MENTION_OPTIONS, type MentionOptions } from './mentions.js';
import { imageHashes, type NearDuplicate, nearDuplicates, similarEntity } from './near-duplicates.js';
import { ocrTools } from './ocr.js';
import { folderEntities, folderId, readTree } from './records.js';
import { foldersOf, walkEvidence } from './walk.js';

export const FILES_FORMAT = 'files';

export interface EvidenceRequest extends IngestRequest {
  /** False turns OCR off (default on, where tesseract is installed). */
  ocr?: boolean;
  /** Tesseract languages (`eng`, `rus`, `ara`, `chi_sim`...), of those installed; default all four. */
  ocrLanguages?: string[];
  limits?: Partial<EvidenceLimits>;
  mentions?: Partial<MentionOptions>;
  /**
   * A context that sees every statement, to bring the match-key index up to date first (the CLI passes the local
   * operator, as `nexus match` does); without it mentions are matched against the index as it stands.
   */
  indexContext?: AccessContext;
}

export interface EvidenceSummary extends IngestSummary {
  /** Files read, inside archives and emails included. */
  documents: number;
  nearDuplicates: NearDuplicate[];
  /** `tesseract 5.3.0 (eng+rus+ara+chi_sim)`, or why OCR does not run. */
  ocr: string;
}

/** Files per committed batch at most: a crash loses little work, and text-heavy files do not pile up in memory. */
const FILES_PER_BATCH = 25;

function ocrDescription(wanted: boolean, languages: readonly string[] | undefined): string {
  if (!wanted) return 'off';
  const t = ocrTools(languages);
  if (t.missing) return `skipped: ${t.missing}`;
  const pdf = t.pdftoppm ? '' : '; scanned PDFs skipped: pdftoppm is not installed (poppler-utils)';
  return `${t.tesseract} (${t.languages.join('+')})${pdf}`;
}

export async function ingestEvidence(
  ctx: AccessContext,
  store: Store,
  req: EvidenceRequest,
): Promise<EvidenceSummary> {
  if (!DATASET_NAME.test(req.dataset))
    throw new NexusError(
      'USAGE_INVALID',
      `ingest: dataset name "${req.dataset}" must be lower-case letters, digits, _ or -`,
    );
  const walk = walkEvidence(req.paths);
  // The key covers every file at any depth, so a changed file anywhere starts afresh instead of resuming.
  const {
    marking,
    grading,
    key,
    progress,
    summary: base,
    skip,
  } = await openSource(
    ctx,
    store,
    {
      ...req,
      paths: walk.files.map((f) => f.path),
      // OCR settings change what a file gives: a resume must not mix runs made with different ones.
      options: new Map([
        ...(req.options ?? new Map<string, string>()),
        ['ocr', req.ocr === false ? 'off' : (req.ocrLanguages ?? []).join('+') || 'on'],
      ]),
    },
    FILES_FORMAT,
  );
  const summary: EvidenceSummary = {
    ...base,
    documents: 0,
    nearDuplicates: [],
    ocr: ocrDescription(req.ocr !== false, req.ocrLanguages),
  };
  const limits: EvidenceLimits = { ...DEFAULT_EVIDENCE_LIMITS, ...req.limits };
  const mentions: MentionOptions = { ...DEFAULT_MENTION_OPTIONS, ...req.mentions };
  if (req.indexContext) await updateMatchIndex(req.indexContext, store);
  const now = (req.now ?? (() => new Date()))().toISOString().slice(0, 19);
  const defaults = { dataset: req.dataset, marking, grading, now };
  const batchSize = req.batchSize ?? 50_000;
  const reject = (r: Reject) => {
    summary.rejected++;
    progress.rejected = summary.rejected;
    req.onReject?.(r);
  };
  for (const s of walk.skipped)
    reject({ kind: 'reject', file: s.rel, code: 'FILE_SKIPPED', reason: s.reason });

  let pending: StatementGroup[][] = [];
  let statements = 0;
  let items = 0;
  const flush = async (complete: boolean) => {
    const result = await store.putStatements(ctx, {
      dataset: req.dataset,
      records: pending.map((groups) => ({ groups })),
      checkpoint: { sourceKey: key, dataset: req.dataset, itemsDone: items, complete },
    });
    for (const fresh of result.newPerRecord) {
      if (fresh > 0) summary.accepted++;
      else summary.duplicates++;
    }
    summary.statements += result.statementsWritten;
    summary.entities += result.entitiesCreated;
    progress.entities = summary.entities;
    progress.statements = summary.statements;
    progress.tick();
    pending = [];
    statements = 0;
    await new Promise<void>((ok) => setImmediate(ok));
  };

  progress.emit('start');
  for (const file of walk.files) {
    if (req.signal?.aborted) break;
    items++;
    progress.records++;
    if (items <= skip) {
      summary.duplicates++;
      continue;
    }
    const bytes = await readFile(file.path);
    progress.bytes += bytes.length;
    const folders = foldersOf(file.rel);
    const parent = folders.length ? folderId(folders.at(-1) as string) : undefined;
    const tree = await readTree(file.rel, bytes, parent, {
      ctx,
      store,
      limits,
      ocr: req.ocr !== false,
      ...(req.ocrLanguages ? { ocrLanguages: req.ocrLanguages } : {}),
      mentions,
      marking,
    });
    summary.documents += tree.documents;
    for (const r of tree.rejects) reject(r);
    if (tree.entities.length > 0) {
      const v = validateRecord(
        {
          kind: 'record',
          origin: { file: file.rel },
          entities: [...folderEntities(file.rel), ...tree.entities],
        },
        defaults,
      );
      for (const r of v.rejects) req.onReject?.(r);
      summary.invalidValues += v.rejects.length;
      // Mentions of entities marked higher than this ingest are written at their marking, in the same record.
      for (const r of tree.raised) {
        const raised = validateRecord(
          { kind: 'record', origin: { file: file.rel }, entities: [r.entity] },
          { ...defaults, marking: r.marking },
        );
        v.groups.push(...raised.groups);
        v.statements += raised.statements;
      }
      pending.push(v.groups);
      statements += v.statements;
    }
    if (statements >= batchSize || pending.length >= FILES_PER_BATCH) await flush(false);
  }
  if (req.signal?.aborted) {
    if (pending.length) await flush(false);
  } else {
    await flush(false);
    // Near-duplicates over every image of the dataset, this run's and earlier ones', then the source is complete.
    summary.nearDuplicates = nearDuplicates(await imageHashes(ctx, store, req.dataset));
    const similar = summary.nearDuplicates.map(similarEntity);
    if (similar.length) {
      const v = validateRecord(
        { kind: 'record', origin: { file: 'near-duplicates' }, entities: similar },
        defaults,
      );
      pending.push(v.groups);
    }
    await flush(true);
  }
  summary.elapsedMs = progress.event('done').elapsedMs;
  progress.emit('done');
  return summary;
}
