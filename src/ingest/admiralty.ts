// Admiralty (NATO) evaluations as STIX and MISP data carry them, kept verbatim and mapped to 3x5x2 by the table in
// data/admiralty.json (its sources and reasons there and in docs/grading.md).
import { parseGrading } from '../model/grading.js';
import table from './data/admiralty.json' with { type: 'json' };
import { addValue, type EntityRecord, type Reject, reject } from './reader.js';

interface Row {
  meaning: string;
  why: string;
}

const RELIABILITY: ReadonlyMap<string, Row & { sourceEvaluation: string }> = new Map(
  Object.entries(table.sourceReliability),
);
const CREDIBILITY: ReadonlyMap<string, Row & { intelligenceAssessment: string }> = new Map(
  Object.entries(table.informationCredibility),
);

/** The table must give a valid 3x5x2 code for every pair, and cover STIX confidence 0-100 once: checked at load. */
function checkTable(): void {
  const fail = (why: string) => {
    throw new Error(`ingest/data/admiralty.json: ${why}`);
  };
  if (!RELIABILITY.has(table.unknownSourceReliability)) fail('unknownSourceReliability is not in the table');
  if (!CREDIBILITY.has(table.unknownInformationCredibility))
    fail('unknownInformationCredibility is not in the table');
  for (const [r, rel] of RELIABILITY)
    for (const [c, cred] of CREDIBILITY) {
      const code = `${rel.sourceEvaluation}${cred.intelligenceAssessment}${table.handling}`;
      if (code.startsWith('5x5x5:') || parseGrading(code) !== code) fail(`${r}${c} maps to ${code}`);
    }
  for (let v = 0; v <= 100; v++) {
    const bands = table.stixConfidence.filter((b) => b.min <= v && v <= b.max);
    if (bands.length !== 1) fail(`STIX confidence ${v} falls in ${bands.length} bands`);
    if (!CREDIBILITY.has(bands[0]?.informationCredibility ?? ''))
      fail(`STIX confidence ${v}: unknown credibility`);
  }
}
checkTable();

/** An Admiralty evaluation as stated by a source; any part may be missing. */
export interface Admiralty {
  /** Source reliability, A-F (G: deliberately deceptive, in the MISP taxonomy). */
  reliability?: string;
  /** Information credibility, 1-6. */
  credibility?: string;
  /** STIX 2.1 `confidence`, 0-100. */
  confidence?: number;
}

export interface AdmiraltyGrading {
  /** The 3x5x2 code, e.g. `1CP`. */
  grading: string;
  /** The evaluation as stated and how it became the code, for the entity page. */
  note: string;
}

/** The Admiralty credibility that STIX 2.1's Admiralty Credibility scale gives a confidence value. */
export function credibilityOfConfidence(confidence: number): string {
  const band = table.stixConfidence.find((b) => b.min <= confidence && confidence <= b.max);
  return band?.informationCredibility ?? table.unknownInformationCredibility;
}

/**
 * The 3x5x2 grading of an Admiralty evaluation, or undefined when it states nothing. A missing reliability counts as F
 * (cannot be judged); a missing credibility comes from the STIX confidence, or counts as 6 (cannot be judged).
 * Handling is the table's default (P): Admiralty says nothing about sharing.
 */
export function admiraltyGrading(a: Admiralty): AdmiraltyGrading | undefined {
  const reliability = a.reliability?.toUpperCase();
  const credibility = a.credibility;
  if (reliability === undefined && credibility === undefined && a.confidence === undefined) return undefined;
  const r = reliability ?? table.unknownSourceReliability;
  const c =
    credibility ??
    (a.confidence === undefined
      ? table.unknownInformationCredibility
      : credibilityOfConfidence(a.confidence));
  const rel = RELIABILITY.get(r);
  const cred = CREDIBILITY.get(c);
  if (!rel || !cred) return undefined;
  const grading = `${rel.sourceEvaluation}${cred.intelligenceAssessment}${table.handling}`;
  const parts: string[] = [];
  parts.push(
    reliability === undefined
      ? `source reliability not stated (as ${r}, ${rel.meaning})`
      : `source reliability ${r} (${rel.meaning})`,
  );
  if (credibility !== undefined) parts.push(`information credibility ${c} (${cred.meaning})`);
  if (a.confidence !== undefined)
    parts.push(
      credibility === undefined
        ? `STIX confidence ${a.confidence} (credibility ${c}, ${cred.meaning})`
        : `STIX confidence ${a.confidence}`,
    );
  if (credibility === undefined && a.confidence === undefined)
    parts.push(`information credibility not stated (as ${c}, ${cred.meaning})`);
  const code = `${reliability ?? ''}${credibility ?? ''}`;
  return {
    grading,
    note: `Admiralty${code === '' ? '' : ` ${code}`}: ${parts.join('; ')}; 3x5x2 ${grading} (docs/grading.md)`,
  };
}

// MISP machine tags as STIX labels: admiralty-scale:source-reliability="b", admiralty-scale:information-credibility="2".
const MISP_TAG = /^admiralty-scale:(source-reliability|information-credibility)\s*=\s*"?([^"]*)"?$/i;

/** True for a label that is an Admiralty machine tag (kept as the grading's note, not as a keyword). */
export function isAdmiraltyLabel(label: string): boolean {
  return MISP_TAG.test(label.trim());
}

function own(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/**
 * Reads the Admiralty evaluation a STIX object states (`confidence`, MISP `admiralty-scale` labels), notes it on the
 * entity as stated (notes, or summary on an UnknownLink) and gives the entity the 3x5x2 grading it maps to; the
 * ingest's own grading, when given, wins over it (src/ingest/validate.ts). Values that cannot be read are problems
 * of the record, which is kept.
 */
export function applyStixAdmiralty(
  entity: EntityRecord,
  o: Record<string, unknown>,
  file: string,
  where: { line?: number; record?: string },
): Reject[] {
  const problems: Reject[] = [];
  const stated: Admiralty = {};
  const problem = (field: string, reason: string) =>
    problems.push(reject(file, 'VALUE_INVALID', `${entity.id}: ${reason}`, { ...where, field }));

  const confidence = own(o, 'confidence');
  if (confidence !== undefined) {
    if (
      typeof confidence === 'number' &&
      Number.isInteger(confidence) &&
      confidence >= 0 &&
      confidence <= 100
    )
      stated.confidence = confidence;
    else
      problem(
        'confidence',
        `confidence must be a whole number from 0 to 100, not ${JSON.stringify(confidence)}`,
      );
  }
  const labels = own(o, 'labels');
  const found = { 'source-reliability': new Set<string>(), 'information-credibility': new Set<string>() };
  for (const label of Array.isArray(labels) ? labels : []) {
    if (typeof label !== 'string') continue;
    const m = MISP_TAG.exec(label.trim());
    if (!m) continue;
    const predicate = (m[1] ?? '').toLowerCase() as keyof typeof found;
    const value = (m[2] ?? '').trim().toUpperCase();
    const known = predicate === 'source-reliability' ? RELIABILITY.has(value) : CREDIBILITY.has(value);
    if (known) found[predicate].add(value);
    else problem('labels', `"${label.slice(0, 100)}" is not an Admiralty ${predicate} value`);
  }
  for (const [predicate, values] of Object.entries(found)) {
    if (values.size > 1) {
      problem('labels', `conflicting Admiralty ${predicate} labels (${[...values].join(', ')}); none taken`);
      continue;
    }
    const value = [...values][0];
    if (value === undefined) continue;
    if (predicate === 'source-reliability') stated.reliability = value;
    else stated.credibility = value;
  }

  const graded = admiraltyGrading(stated);
  if (graded) {
    addValue(entity, entity.schema === 'UnknownLink' ? 'summary' : 'notes', graded.note);
    entity.grading = graded.grading;
  }
  return problems;
}
