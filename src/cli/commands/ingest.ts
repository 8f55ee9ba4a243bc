// `nexus ingest`: load a source into the store with progress, a reject report and a summary.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { localOperator } from '../../access/index.js';
import { type EvidenceSummary, FILES_FORMAT, ingestEvidence } from '../../evidence/index.js';
import { formatProgress, ingest, type ProgressEvent, RejectReport } from '../../ingest/index.js';
import { NexusError } from '../../model/index.js';
import { type CommandEnv, json } from '../io.js';

export const ingestHelp = `nexus ingest --dataset NAME [options] PATH...

Load a source into the store. The format is guessed from the file when not given.
  --dataset NAME        dataset to load into (lower-case letters, digits, _ and -)
  --format F            ftm | ofac | un | stix | mapping | adjacency | edgelist
                        (adjacency and edgelist: research networks, see docs/networks.md; never guessed)
                        series | wastewater | small-boats | police-crime: indicator time series, see
                        docs/indicators.md (never guessed; a series counts as an entity, a point as a statement)
                        files: folders and files of mixed evidence (PDF, email, Office, HTML, text, images, video,
                        ZIP) with text, mentions and media provenance, see docs/evidence.md (never guessed)
  --ocr on|off          files: read scanned images and PDFs with tesseract where installed (default on)
  --ocr-lang LIST       files: tesseract languages, e.g. eng or eng,rus (default eng,rus,ara,chi_sim: those installed)
  --mapping FILE        YAML mapping for CSV/XLSX sources (implies --format mapping)
  --marking LEVEL       default security marking, e.g. OFFICIAL, OFFICIAL-SENSITIVE, SECRET (default OFFICIAL)
  --grading CODE        default 3x5x2 grading, e.g. 2BP
  --title TEXT          dataset title shown in lists (a new dataset's; an existing one keeps its title without it)
  --batch-size N        statements per committed batch (default 50000)
  --rejects FILE        where to write rejected records (default HOME/rejects/DATASET-TIME.jsonl)
  --progress MODE       auto | json | none (json prints progress events on stderr)
  --json                print the summary as JSON
Exit status is non-zero only when a source cannot be read at all; bad records go to the reject report.`;

export async function ingestCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      dataset: { type: 'string' },
      format: { type: 'string' },
      mapping: { type: 'string' },
      marking: { type: 'string' },
      grading: { type: 'string' },
      title: { type: 'string' },
      'batch-size': { type: 'string' },
      rejects: { type: 'string' },
      progress: { type: 'string', default: 'auto' },
      json: { type: 'boolean', default: false },
      ocr: { type: 'string', default: 'on' },
      'ocr-lang': { type: 'string' },
    },
  });
  if (values.ocr !== 'on' && values.ocr !== 'off')
    throw new NexusError('USAGE_INVALID', 'ingest: --ocr is on or off');
  if (!values.dataset) throw new NexusError('USAGE_INVALID', 'ingest: --dataset is required');
  if (positionals.length === 0) throw new NexusError('USAGE_INVALID', 'ingest: give at least one PATH');
  const batchSize = values['batch-size'] ? Number(values['batch-size']) : undefined;
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0))
    throw new NexusError('USAGE_INVALID', 'ingest: --batch-size must be a positive integer');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const report = new RejectReport(
    values.rejects ?? join(c.home, 'rejects', `${values.dataset}-${stamp}.jsonl`),
  );
  const mode = values.progress;
  const onProgress = (e: ProgressEvent) => {
    if (mode === 'json') c.io.stderr(`${JSON.stringify(e)}\n`);
    else if (mode === 'auto' && c.io.stderrIsTty)
      c.io.stderr(`\r\u001b[2K${formatProgress(e)}${e.type === 'done' ? '\n' : ''}`);
  };
  const options = new Map<string, string>();
  if (values.mapping) options.set('mapping', values.mapping);
  const store = await c.openStore();
  try {
    const request = {
      dataset: values.dataset,
      title: values.title,
      format: values.format ?? (values.mapping ? 'mapping' : undefined),
      paths: positionals,
      options,
      marking: values.marking,
      grading: values.grading,
      batchSize,
      onProgress,
      onReject: (r: Parameters<RejectReport['add']>[0]) => report.add(r),
    };
    // Evidence ingest matches names against the stored entities, so the match-key index is brought up to date first,
    // as `nexus match` does, by the local operator (keys must come from whole records, whoever ingests).
    const summary =
      values.format === FILES_FORMAT
        ? await ingestEvidence(c.ctx, store, {
            ...request,
            ocr: values.ocr === 'on',
            ...(values['ocr-lang']
              ? { ocrLanguages: values['ocr-lang'].split(/[,+]/).map((l) => l.trim()) }
              : {}),
            indexContext: localOperator(c.ctx.user, 'match index maintenance'),
          })
        : await ingest(c.ctx, store, request);
    const evidence = values.format === FILES_FORMAT ? (summary as EvidenceSummary) : undefined;
    await report.close();
    const out = {
      accepted: summary.accepted,
      rejected: summary.rejected,
      duplicates: summary.duplicates,
      entities: summary.entities,
      statements: summary.statements,
      invalidValues: summary.invalidValues,
      resumedFrom: summary.resumedFrom,
      format: summary.format,
      dataset: summary.dataset,
      elapsedMs: summary.elapsedMs,
      rejectReport: report.count > 0 ? report.path : null,
      ...(evidence
        ? { documents: evidence.documents, nearDuplicates: evidence.nearDuplicates, ocr: evidence.ocr }
        : {}),
    };
    if (values.json) c.io.stdout(json(out));
    else {
      c.io.stdout(
        `${summary.dataset} (${summary.format}): ${summary.accepted} accepted, ${summary.duplicates} duplicates, ${summary.rejected} rejected, ` +
          `${summary.invalidValues} invalid values; ${summary.entities} new entities, ${summary.statements} new statements in ${(summary.elapsedMs / 1000).toFixed(1)}s\n`,
      );
      if (summary.resumedFrom > 0)
        c.io.stdout(`resumed after ${summary.resumedFrom} items committed by an interrupted run\n`);
      if (report.count > 0) c.io.stdout(`${report.count} rejects written to ${report.path}\n`);
      if (evidence) {
        c.io.stdout(`${evidence.documents} documents read; OCR: ${evidence.ocr}\n`);
        for (const d of evidence.nearDuplicates)
          c.io.stdout(`near-duplicate images: ${d.a} ${d.b} (${d.distance} of 64 bits differ)\n`);
      }
    }
    return 0;
  } finally {
    await report.close();
    await store.close();
  }
}
