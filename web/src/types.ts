// The shapes the UI reads from the API (docs/api.md), and small readers that tolerate optional fields.

export interface User {
  username: string;
  role?: string;
  /** The role's permissions as the server enforces them. */
  permissions?: string[];
  clearance?: string;
  caveats?: string[];
}

export interface Dataset {
  name: string;
  title?: string;
  fictional: boolean;
  entities?: number;
  statements?: number;
  marking?: string;
}

export interface FacetValue {
  value: string;
  count: number;
  label?: string;
}

export interface Highlight {
  text: string;
  match: boolean;
}

export interface SearchHit {
  id: string;
  schema: string;
  caption: string;
  score?: number;
  highlight?: Highlight[];
  datasets?: string[];
  marking?: string;
  topics?: string[];
  countries?: string[];
}

export interface SearchAnswer {
  total: number;
  hits: SearchHit[];
  facets: { schema?: FacetValue[]; topics?: FacetValue[]; countries?: FacetValue[]; datasets?: FacetValue[] };
  marking?: string;
}

/** One value of one property with where it came from. */
export interface Value {
  value: string;
  dataset?: string;
  origin?: string;
  marking?: string;
  grading?: string;
  first_seen?: string;
  last_seen?: string;
  /** When the value is an entity id, the entity it names. */
  entity?: EntityRef;
}

export interface EntityRef {
  id: string;
  schema?: string;
  caption?: string;
}

export interface Reference {
  /** The property of the other entity that points here (`owner`, `director`, `holder`...). */
  property?: string;
  label?: string;
  entity: EntityRef & { datasets?: string[]; marking?: string; properties?: Record<string, unknown> };
}

export interface Sanction {
  id?: string;
  caption?: string;
  authority?: string;
  program?: string;
  reason?: string;
  startDate?: string;
  endDate?: string;
  listingDate?: string;
  datasets?: string[];
  marking?: string;
  properties?: Record<string, unknown>;
}

export interface EntityView {
  id: string;
  schema: string;
  caption: string;
  marking: string;
  datasets: string[];
  properties: Map<string, Value[]>;
  references: Reference[];
  sanctions: Sanction[];
  referents?: string[];
}

export interface MatchResult {
  id: string;
  caption: string;
  schema: string;
  score: number;
  match?: boolean;
  datasets?: string[];
  explanation?: string[];
}

export interface GraphNode {
  id: string;
  caption: string;
  schema: string;
  marking: string;
  depth?: number;
}

export interface EvidenceEntity {
  id: string;
  schema: string;
  caption: string;
  datasets: string[];
  marking: string;
  grading: string[];
}

export interface Evidence {
  entity?: EvidenceEntity;
  statements?: string[];
  shared?: { type: string; value: string };
}

export interface GraphEdge {
  source: string;
  target: string;
  kind: string;
  directed: boolean;
  weight: number;
  /** From /graph/expand: an entity id, `value:TYPE:VALUE` for a shared value, or null. */
  evidence: string | null;
}

export interface ExpandAnswer {
  marking: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  limit?: { code: string; cap: string; value: number };
}

export interface Hop {
  from: GraphNode;
  to: GraphNode;
  kind: string;
  direction: 'forward' | 'backward' | 'undirected';
  weight?: number;
  date?: string;
  evidence: Evidence;
}

export interface PathsAnswer {
  marking: string;
  paths: { cost: number; hops: Hop[] }[];
  limit?: { code: string; cap: string; value: number };
}

export interface ExposureAnswer {
  marking: string;
  state: string;
  seeds: number;
  entities: (GraphNode & { score: number; seed: boolean; proxy: boolean })[];
}

export interface ReviewRecord {
  id: string;
  schema: string;
  caption: string;
  datasets: string[];
  marking?: string;
  properties: Map<string, string[]>;
}

export interface Feature {
  name: string;
  score?: number;
  weight?: number;
  text: string;
}

export interface Suggestion {
  a: ReviewRecord;
  b: ReviewRecord;
  score: number;
  marking?: string;
  explanation: Feature[];
  summary?: string;
}

type Loose = Record<string, unknown>;

function isObj(v: unknown): v is Loose {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function strs(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(str).filter((x): x is string => x !== undefined);
  const one = str(v);
  return one === undefined ? [] : [one];
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Accepts `[...]` or `{datasets: [...]}`; `fictional` may be a flag or a title that says FICTIONAL. */
export function readDatasets(body: unknown): Dataset[] {
  const list = Array.isArray(body) ? body : isObj(body) && Array.isArray(body.datasets) ? body.datasets : [];
  return list.filter(isObj).map((d) => {
    const name = str(d.name) ?? str(d.id) ?? '';
    const title = str(d.title) ?? str(d.label);
    return {
      name,
      title,
      fictional: d.fictional === true,
      entities: num(d.entities) ?? num(d.entity_count) ?? num((d as { counts?: Loose }).counts?.entities),
      statements: num(d.statements) ?? num(d.statement_count),
      marking: str(d.marking),
    };
  });
}

export function readUser(body: unknown): User | undefined {
  const u = isObj(body) && isObj(body.user) ? body.user : body;
  if (!isObj(u)) return undefined;
  const username = str(u.username) ?? str(u.name) ?? str(u.user) ?? str(u.id);
  if (!username) return undefined;
  return {
    username,
    role: str(u.role),
    permissions: Array.isArray(u.permissions) ? strs(u.permissions) : undefined,
    clearance: str(u.clearance),
    caveats: strs(u.caveats),
  };
}

function readValue(v: unknown): Value | undefined {
  if (typeof v === 'string' || typeof v === 'number') return { value: String(v) };
  if (!isObj(v)) return undefined;
  const value = str(v.value) ?? str(v.caption);
  if (value === undefined) return undefined;
  const ent = isObj(v.entity) ? v.entity : undefined;
  return {
    value,
    dataset: str(v.dataset),
    origin: str(v.origin),
    marking: str(v.marking),
    grading: str(v.grading),
    first_seen: str(v.first_seen) ?? str(v.firstSeen),
    last_seen: str(v.last_seen) ?? str(v.lastSeen),
    entity:
      ent && str(ent.id)
        ? { id: str(ent.id) as string, schema: str(ent.schema), caption: str(ent.caption) }
        : undefined,
  };
}

function readRef(r: unknown): Reference | undefined {
  if (!isObj(r)) return undefined;
  const e = isObj(r.entity) ? r.entity : r;
  const id = str(e.id);
  if (!id) return undefined;
  return {
    property: str(r.property) ?? str(r.prop),
    label: str(r.label),
    entity: {
      id,
      schema: str(e.schema),
      caption: str(e.caption) ?? id,
      datasets: strs(e.datasets),
      marking: str(e.marking),
      properties: isObj(e.properties) ? e.properties : undefined,
    },
  };
}

function first(props: Loose | undefined, name: string): string | undefined {
  if (!props) return undefined;
  const v = props[name];
  const list = Array.isArray(v) ? v : [v];
  for (const item of list) {
    const s = str(item) ?? (isObj(item) ? str(item.value) : undefined);
    if (s) return s;
  }
  return undefined;
}

function readSanction(s: unknown): Sanction | undefined {
  if (!isObj(s)) return undefined;
  const props = isObj(s.properties) ? s.properties : undefined;
  // Fields come as lists (`program: [...]`) or single values, in snake_case or FtM's camelCase.
  const pick = (...keys: string[]) => {
    for (const k of keys) {
      const found = strs(s[k]).join('; ') || first(props, k);
      if (found) return found;
    }
    return undefined;
  };
  return {
    id: str(s.id),
    caption: str(s.caption),
    authority: pick('authority'),
    program: pick('program', 'programId'),
    reason: pick('reason'),
    startDate: pick('startDate', 'start_date'),
    endDate: pick('end_date', 'endDate'),
    listingDate: pick('listing_date', 'listingDate'),
    datasets: strs(s.datasets),
    marking: str(s.marking),
    properties: props,
  };
}

/** Reads GET /api/entities/{id}; values may be plain strings or objects with their provenance. */
export function readEntity(body: unknown): EntityView {
  if (!isObj(body)) throw new Error('entity: unexpected answer');
  const e = isObj(body.entity) ? body.entity : body;
  const properties = new Map<string, Value[]>();
  if (isObj(e.properties)) {
    for (const [prop, values] of Object.entries(e.properties)) {
      const list = (Array.isArray(values) ? values : [values]).map(readValue).filter((v): v is Value => !!v);
      if (list.length) properties.set(prop, list);
    }
  }
  const refs = Array.isArray(body.references)
    ? body.references
    : Array.isArray(e.references)
      ? e.references
      : [];
  const sanctions = Array.isArray(body.sanctions)
    ? body.sanctions
    : Array.isArray(e.sanctions)
      ? e.sanctions
      : [];
  const datasets = strs(e.datasets);
  for (const vs of properties.values())
    for (const v of vs) if (v.dataset && !datasets.includes(v.dataset)) datasets.push(v.dataset);
  return {
    id: str(e.id) ?? '',
    schema: str(e.schema) ?? 'Thing',
    caption: str(e.caption) ?? str(e.id) ?? '',
    marking: str(body.marking) ?? str(e.marking) ?? '',
    datasets,
    properties,
    references: refs.map(readRef).filter((r): r is Reference => !!r),
    sanctions: sanctions.map(readSanction).filter((s): s is Sanction => !!s),
    referents: strs(e.referents),
  };
}

export function readSearch(body: unknown): SearchAnswer {
  if (!isObj(body)) return { total: 0, hits: [], facets: {} };
  const hits = (Array.isArray(body.hits) ? body.hits : Array.isArray(body.results) ? body.results : [])
    .filter(isObj)
    .map(
      (h): SearchHit => ({
        id: str(h.id) ?? '',
        schema: str(h.schema) ?? '',
        caption: str(h.caption) ?? str(h.id) ?? '',
        score: num(h.score),
        highlight: Array.isArray(h.highlight)
          ? h.highlight.filter(isObj).map((s) => ({ text: str(s.text) ?? '', match: s.match === true }))
          : undefined,
        datasets: strs(h.datasets),
        marking: str(h.marking),
        topics: strs(h.topics),
        countries: strs(h.countries),
      }),
    );
  const facets: SearchAnswer['facets'] = {};
  if (isObj(body.facets)) {
    for (const key of ['schema', 'topics', 'countries', 'datasets'] as const) {
      const raw = body.facets[key];
      const list = Array.isArray(raw) ? raw : isObj(raw) && Array.isArray(raw.values) ? raw.values : [];
      facets[key] = list.filter(isObj).map((f) => ({
        value: str(f.value) ?? str(f.name) ?? '',
        count: num(f.count) ?? 0,
        label: str(f.label),
      }));
    }
  }
  const total = num(body.total) ?? (isObj(body.total) ? (num(body.total.value) ?? hits.length) : hits.length);
  return { total, hits, facets, marking: str(body.marking) };
}

function readRecord(r: unknown): ReviewRecord {
  const e = isObj(r) && isObj(r.entity) ? r.entity : isObj(r) ? r : {};
  const properties = new Map<string, string[]>();
  if (isObj(e.properties))
    for (const [k, v] of Object.entries(e.properties)) {
      const values = (Array.isArray(v) ? v : [v])
        .map((x) => str(x) ?? (isObj(x) ? str(x.value) : undefined))
        .filter((x): x is string => x !== undefined);
      if (values.length) properties.set(k, values);
    }
  return {
    id: str(e.id) ?? '',
    schema: str(e.schema) ?? '',
    caption: str(e.caption) ?? str(e.id) ?? '',
    datasets: strs(e.datasets),
    marking: str(e.marking),
    properties,
  };
}

/**
 * The scorer's explanation as features. A string such as `name: 'A' ~ 'B': parts aligned 2/2 (0.93); birth date:
 * 1973 = 1973 (+); score 0.975 >= threshold 0.7: match` becomes one feature per `;`-separated part.
 */
export function splitExplanation(text: string): Feature[] {
  return text
    .split(/;\s+/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      if (/^score\s/.test(part)) return { name: 'overall', text: part };
      const colon = part.indexOf(': ');
      const name = colon > 0 && colon < 40 ? part.slice(0, colon) : '';
      const rest = name ? part.slice(colon + 2) : part;
      const score = /\((\d(?:\.\d+)?)\)\s*$/.exec(rest);
      return {
        name: name || (part.startsWith('score') ? 'overall' : 'note'),
        score: score ? Number(score[1]) : undefined,
        text: score ? rest.slice(0, score.index).trim() : rest,
      };
    });
}

function readFeatures(raw: unknown): Feature[] {
  if (typeof raw === 'string') return splitExplanation(raw);
  if (isObj(raw) && !Array.isArray(raw)) {
    if (Array.isArray(raw.features)) return readFeatures(raw.features);
    return Object.entries(raw).map(([name, v]) =>
      isObj(v)
        ? {
            name,
            score: num(v.score),
            weight: num(v.weight),
            text: str(v.text) ?? str(v.reason) ?? str(v.explanation) ?? '',
          }
        : { name, score: num(v), text: str(v) ?? '' },
    );
  }
  if (!Array.isArray(raw)) return [];
  return raw.map((f, i) =>
    typeof f === 'string'
      ? { name: String(i + 1), text: f }
      : isObj(f)
        ? {
            name: str(f.name) ?? str(f.feature) ?? String(i + 1),
            score: num(f.score) ?? num(f.value),
            weight: num(f.weight),
            text: str(f.text) ?? str(f.reason) ?? str(f.explanation) ?? str(f.detail) ?? '',
          }
        : { name: String(i + 1), text: '' },
  );
}

/** GET /api/xref/next: `a` and `b` are ids (or records), `records` the two entities with provenance. */
export function readSuggestion(body: unknown): (Suggestion & { skip?: number }) | null {
  if (!isObj(body)) return null;
  const s = isObj(body.suggestion) ? body.suggestion : body;
  const records = Array.isArray(s.records) ? s.records : [];
  const pick = (side: unknown, i: number) => {
    if (isObj(side)) return side;
    const id = str(side);
    return records.filter(isObj).find((r) => str(r.id) === id) ?? records[i] ?? (id ? { id } : undefined);
  };
  const a = pick(s.a ?? s.left, 0);
  const b = pick(s.b ?? s.right, 1);
  if (!a || !b) return null;
  return {
    a: readRecord(a),
    b: readRecord(b),
    score: num(s.score) ?? 0,
    marking: str(body.marking) ?? str(s.marking),
    explanation: readFeatures(s.explanation ?? s.features ?? s.explain),
    summary: typeof s.explanation === 'string' ? s.explanation : str(s.summary),
    skip: num(s.skip),
  };
}

export function readMatches(body: unknown): { results: MatchResult[]; marking?: string } {
  const b = isObj(body) ? body : {};
  const list = Array.isArray(body)
    ? body
    : Array.isArray(b.results)
      ? b.results
      : isObj(b.responses)
        ? Object.values(b.responses).flatMap((r) => (isObj(r) && Array.isArray(r.results) ? r.results : []))
        : [];
  const results = list.filter(isObj).map((r) => ({
    id: str(r.id) ?? '',
    caption: str(r.caption) ?? str(r.id) ?? '',
    schema: str(r.schema) ?? '',
    score: num(r.score) ?? 0,
    match: typeof r.match === 'boolean' ? r.match : undefined,
    datasets: strs(r.datasets),
    explanation: Array.isArray(r.explanation)
      ? strs(r.explanation)
      : readFeatures(r.explanation ?? r.features).map((f) =>
          f.score !== undefined ? `${f.name} ${f.score.toFixed(2)}` : f.text || f.name,
        ),
  }));
  return { results, marking: str(b.marking) };
}

// ---- background jobs (POST /api/ingest, /api/jobs) --------------------------------------------------------------

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'done', 'failed', 'cancelled'];

/** One ingest progress event (src/ingest/progress.ts): counts so far, bytes read of the total, rates and ETA. */
export interface JobProgress {
  records: number;
  entities: number;
  statements: number;
  rejected: number;
  bytes: number;
  totalBytes: number;
  elapsedMs: number;
  recordsPerSec: number;
  /** Seconds left; null until there is enough to go on. */
  etaSeconds: number | null;
}

export interface JobSummary {
  format: string;
  accepted: number;
  rejected: number;
  duplicates: number;
  entities: number;
  statements: number;
  invalidValues: number;
  resumedFrom: number;
  elapsedMs: number;
}

export interface JobReject {
  file: string;
  line?: number;
  record?: string;
  field?: string;
  code: string;
  reason: string;
}

export interface Job {
  id: string;
  kind: string;
  user: string;
  dataset: string;
  state: JobState;
  cancelRequested: boolean;
  createdAt?: string;
  startedAt?: string;
  finishedAt?: string;
  params: {
    file: string;
    bytes?: number;
    type?: string;
    format?: string;
    marking?: string;
    grading?: string;
  };
  progress: JobProgress | null;
  summary: JobSummary | null;
  rejects: JobReject[];
  error: { code: string; message: string } | null;
}

export function isFinished(state: JobState): boolean {
  return state === 'done' || state === 'failed' || state === 'cancelled';
}

export function readProgress(body: unknown): JobProgress | null {
  if (!isObj(body)) return null;
  const eta = num(body.etaSeconds);
  return {
    records: num(body.records) ?? 0,
    entities: num(body.entities) ?? 0,
    statements: num(body.statements) ?? 0,
    rejected: num(body.rejected) ?? 0,
    bytes: num(body.bytes) ?? 0,
    totalBytes: num(body.totalBytes) ?? 0,
    elapsedMs: num(body.elapsedMs) ?? 0,
    recordsPerSec: num(body.recordsPerSec) ?? 0,
    etaSeconds: eta === undefined ? null : eta,
  };
}

function readSummary(body: unknown): JobSummary | null {
  if (!isObj(body)) return null;
  return {
    format: str(body.format) ?? '',
    accepted: num(body.accepted) ?? 0,
    rejected: num(body.rejected) ?? 0,
    duplicates: num(body.duplicates) ?? 0,
    entities: num(body.entities) ?? 0,
    statements: num(body.statements) ?? 0,
    invalidValues: num(body.invalidValues) ?? 0,
    resumedFrom: num(body.resumedFrom) ?? 0,
    elapsedMs: num(body.elapsedMs) ?? 0,
  };
}

/** Reads one JobView; undefined when it has no id (nothing to link to). */
export function readJob(body: unknown): Job | undefined {
  if (!isObj(body)) return undefined;
  const id = str(body.id);
  if (!id) return undefined;
  const state = str(body.state) as JobState | undefined;
  const p = isObj(body.params) ? body.params : {};
  const err = isObj(body.error) ? body.error : undefined;
  return {
    id,
    kind: str(body.kind) ?? 'ingest',
    user: str(body.user) ?? '',
    dataset: str(body.dataset) ?? '',
    // An unknown state is shown as failed rather than as something still going.
    state: state && JOB_STATES.includes(state) ? state : 'failed',
    cancelRequested: body.cancel_requested === true,
    createdAt: str(body.created_at),
    startedAt: str(body.started_at),
    finishedAt: str(body.finished_at),
    params: {
      file: str(p.file) ?? 'upload',
      bytes: num(p.bytes),
      type: str(p.type),
      format: str(p.format),
      marking: str(p.marking),
      grading: str(p.grading),
    },
    progress: readProgress(body.progress),
    summary: readSummary(body.summary),
    rejects: (Array.isArray(body.rejects) ? body.rejects : []).filter(isObj).map((r) => ({
      file: str(r.file) ?? '',
      line: num(r.line),
      record: str(r.record),
      field: str(r.field),
      code: str(r.code) ?? '',
      reason: str(r.reason) ?? '',
    })),
    error: err ? { code: str(err.code) ?? 'INTERNAL', message: str(err.message) ?? '' } : null,
  };
}

/** GET /api/jobs: `{jobs: [...]}` (or a bare list). */
export function readJobs(body: unknown): Job[] {
  const list = Array.isArray(body) ? body : isObj(body) && Array.isArray(body.jobs) ? body.jobs : [];
  return list.map(readJob).filter((j): j is Job => j !== undefined);
}

/** One record of the audit log (GET /api/audit; the AuditRecord schema in /openapi.json). */
export interface AuditRecord {
  seq: number;
  /** UTC, ISO 8601. */
  at: string;
  user: string;
  action: string;
  category: string;
  objects: string[];
  purpose: string;
  requestId?: string;
  outcome: string;
  /** Small facts kept with the record (a search text, a count), as text. */
  detail: [string, string][];
  hash?: string;
}

export interface AuditPage {
  records: AuditRecord[];
  /** The `before` of the next (older) page; null on the last. */
  nextBefore: number | null;
}

/** GET /api/audit: `{records, next_before}`; records without a whole-number seq are dropped. */
export function readAuditPage(body: unknown): AuditPage {
  const list = isObj(body) && Array.isArray(body.records) ? body.records : [];
  const records: AuditRecord[] = [];
  for (const r of list) {
    if (!isObj(r)) continue;
    const seq = num(r.seq);
    if (seq === undefined || !Number.isInteger(seq)) continue;
    const detail = isObj(r.detail)
      ? Object.entries(r.detail)
          .filter(([, v]) => v !== null && ['string', 'number', 'boolean'].includes(typeof v))
          .map(([k, v]): [string, string] => [k, String(v)])
      : [];
    records.push({
      seq,
      at: str(r.at) ?? '',
      user: str(r.user) ?? '',
      action: str(r.action) ?? '',
      category: str(r.category) ?? '',
      objects: strs(r.objects),
      purpose: str(r.purpose) ?? '',
      requestId: str(r.requestId) ?? str(r.request_id),
      outcome: str(r.outcome) ?? '',
      detail,
      hash: str(r.hash),
    });
  }
  const next = isObj(body) ? num(body.next_before) : undefined;
  return { records, nextBefore: next !== undefined && Number.isInteger(next) && next > 0 ? next : null };
}

/** GET /api/audit/verify: the chain report. */
export interface ChainReport {
  ok: boolean;
  records: number;
  /** Hash of the last good record: the chain head when intact. */
  head: string;
  lastSeq: number;
  broken?: { seq: number; reason: string };
}

/** Anything but an explicit `ok: true` without a broken record reads as not intact. */
export function readChainReport(body: unknown): ChainReport {
  const b = isObj(body) ? body : {};
  const broken = isObj(b.broken)
    ? { seq: num(b.broken.seq) ?? 0, reason: str(b.broken.reason) ?? 'no reason given' }
    : undefined;
  const ok = b.ok === true && broken === undefined;
  return {
    ok,
    records: num(b.records) ?? 0,
    head: str(b.head) ?? '',
    lastSeq: num(b.lastSeq) ?? 0,
    broken: ok ? undefined : (broken ?? { seq: (num(b.lastSeq) ?? 0) + 1, reason: 'the server did not say' }),
  };
}
