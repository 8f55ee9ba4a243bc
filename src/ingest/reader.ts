// The contract between format readers and the ingest pipeline: records of FtM entities, or rejects.

/** One FtM entity as a reader produces it: raw values, cleaned and validated later by the pipeline. */
export interface EntityRecord {
  id: string;
  schema: string;
  /** FtM property name -> raw values. A Map, so a property called `__proto__` is just an unknown name. */
  properties: Map<string, unknown[]>;
  /** Source dates, when the source states them (ISO); otherwise the run's clock is used. */
  firstSeen?: string;
  lastSeen?: string;
  /**
   * The 3x5x2 grading the source itself gives this record (e.g. mapped from an Admiralty code, src/ingest/admiralty.ts);
   * used when the ingest sets none.
   */
  grading?: string;
}

/** Where a record came from: the file and the 1-based line (or record number where lines mean nothing). */
export interface Origin {
  file: string;
  line?: number;
  record?: string;
}

/** Everything one source record produced; its entities commit together, in one batch. */
export interface SourceRecord {
  kind: 'record';
  origin: Origin;
  entities: EntityRecord[];
  /** Value-level problems found while reading this record (the rest of the record is kept). */
  problems?: Reject[];
}

/** A record or value that could not be taken, with why. Never silently dropped. */
export interface Reject {
  kind: 'reject';
  file: string;
  line?: number;
  record?: string;
  field?: string;
  code: string;
  reason: string;
}

export type ReadItem = SourceRecord | Reject;

export interface ReaderOptions {
  /** Called with the number of bytes consumed since the last call, for rate and ETA. */
  onBytes(bytes: number): void;
  /** Reader-specific options, e.g. `mapping` for the mapping reader. */
  options: ReadonlyMap<string, string>;
  /** Cancels long reads. */
  signal?: AbortSignal;
}

export interface Reader {
  readonly format: string;
  /**
   * Reads the given paths (a reader may treat them as one source, as the OFAC CSV set is) and yields records in
   * a deterministic order (resuming after a crash relies on it). Throws a NexusError only when the source cannot
   * be read at all: SOURCE_UNREADABLE, FORMAT_MISMATCH, ENCODING_INVALID, or for mapped sheets MAPPING_INVALID,
   * COLUMN_MISSING and USAGE_INVALID; LIMIT_REACHED when a size cap is hit. Bad records become Reject items.
   */
  read(paths: readonly string[], opts: ReaderOptions): AsyncIterable<ReadItem>;
}

export function reject(
  file: string,
  code: string,
  reason: string,
  where: { line?: number; record?: string; field?: string } = {},
): Reject {
  return { kind: 'reject', file, code, reason, ...where };
}

/** Adds a value to a property list on an EntityRecord, skipping empty values. */
export function addValue(entity: EntityRecord, prop: string, value: unknown): void {
  if (value === undefined || value === null || value === '') return;
  const list = entity.properties.get(prop);
  if (list) {
    if (!list.includes(value)) list.push(value);
  } else entity.properties.set(prop, [value]);
}

export function newEntity(id: string, schema: string): EntityRecord {
  return { id, schema, properties: new Map() };
}
