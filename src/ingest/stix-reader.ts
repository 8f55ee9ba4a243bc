// Reads STIX 2.0/2.1 bundles (MITRE ATT&CK, OpenCTI and vendor exports) into FtM records and rejects.
import { readFile, stat } from 'node:fs/promises';
import { countryCode } from '../model/countries.js';
import { NexusError } from '../model/errors.js';
import { applyStixAdmiralty } from './admiralty.js';
import { type EntityRecord, type Reader, type ReaderOptions, type ReadItem, reject } from './reader.js';
import {
  addAttributedCountry,
  isObject,
  type MapContext,
  mapObject,
  mapRelationship,
  own,
  type StixObject,
  skipReason,
  str,
} from './stix-map.js';

/** Bundles are parsed whole; beyond this a file is refused rather than risking the process's memory. */
export const MAX_STIX_BYTES = 512 * 1024 * 1024;

// STIX ids are `<type>--<uuid>`; anything else cannot be referenced reliably and is rejected.
const STIX_ID = /^([a-z0-9][a-z0-9-]*)--[0-9A-Za-z][0-9A-Za-z-]{0,99}$/;

// Relationships through which a STIX producer states where a group comes from or who is behind it.
const COUNTRY_RELATIONS = new Set(['attributed-to', 'originates-from']);

export const stixReader: Reader = {
  format: 'stix',
  async *read(paths: readonly string[], opts: ReaderOptions): AsyncIterable<ReadItem> {
    // Each file is its own bundle: references resolve within it, as STIX bundles are meant to be self-contained.
    for (const path of paths) yield* readBundle(path, opts);
  },
};

async function loadText(file: string, opts: ReaderOptions): Promise<string> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a regular file');
    size = info.size;
  } catch (err) {
    throw new NexusError('SOURCE_UNREADABLE', `ingest.stix: ${file}: ${(err as Error).message}`, { file });
  }
  if (size > MAX_STIX_BYTES) {
    throw new NexusError(
      'LIMIT_REACHED',
      `ingest.stix: ${file}: ${size} bytes exceeds the ${MAX_STIX_BYTES} limit`,
      {
        file,
        size,
        limit: MAX_STIX_BYTES,
      },
    );
  }
  let buf: Buffer;
  try {
    buf = await readFile(file, { signal: opts.signal });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    throw new NexusError('SOURCE_UNREADABLE', `ingest.stix: ${file}: ${(err as Error).message}`, { file });
  }
  opts.onBytes(buf.length);
  // JSON text never holds a NUL byte; one means an archive, image or UTF-16 file, not a bundle.
  if (buf.includes(0))
    throw new NexusError('FORMAT_MISMATCH', `ingest.stix: ${file}: binary data, not JSON`, { file });
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buf);
  } catch {
    throw new NexusError('ENCODING_INVALID', `ingest.stix: ${file}: not valid UTF-8`, { file });
  }
}

function parseBundle(file: string, text: string): unknown[] {
  let doc: unknown;
  try {
    // JSON.parse makes a `__proto__` key an own data property, so parsed input cannot reach any prototype.
    doc = JSON.parse(text);
  } catch (err) {
    throw new NexusError('FORMAT_MISMATCH', `ingest.stix: ${file}: invalid JSON: ${(err as Error).message}`, {
      file,
    });
  }
  if (!isObject(doc) || own(doc, 'type') !== 'bundle') {
    throw new NexusError('FORMAT_MISMATCH', `ingest.stix: ${file}: not a STIX bundle (no "type": "bundle")`, {
      file,
    });
  }
  const objects = own(doc, 'objects');
  // STIX 2.1 makes `objects` optional: a bundle without it is empty, not malformed.
  if (objects === undefined) return [];
  if (!Array.isArray(objects)) {
    throw new NexusError('FORMAT_MISMATCH', `ingest.stix: ${file}: bundle "objects" is not an array`, {
      file,
    });
  }
  return objects;
}

/**
 * Finds the line of each object's `"id"` key, for origins. Objects are looked up in bundle order, so one forward
 * scan serves the whole file; an id written with escapes is simply not found and the origin has no line.
 */
function lineLocator(text: string): (id: string) => number | undefined {
  let cursor = 0;
  let line = 1;
  let counted = 0;
  return (id) => {
    const needle = JSON.stringify(id);
    let pos = text.indexOf(needle, cursor);
    while (pos >= 0 && !/"id"\s*:\s*$/.test(text.slice(Math.max(0, pos - 16), pos))) {
      pos = text.indexOf(needle, pos + needle.length);
    }
    if (pos < 0) return undefined;
    for (let k = counted; k < pos; k++) if (text.charCodeAt(k) === 10) line++;
    counted = pos;
    cursor = pos + needle.length;
    return line;
  };
}

interface Checked {
  o: StixObject;
  type: string;
  id: string;
}

/** The object's type and id, or a reject saying which is missing or malformed. */
function check(file: string, raw: unknown, where: { record: string }): Checked | ReadItem {
  if (!isObject(raw)) return reject(file, 'RECORD_INVALID', 'object is not a JSON object', where);
  const type = own(raw, 'type');
  if (typeof type !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(type)) {
    return reject(file, 'RECORD_INVALID', 'object has no valid "type"', { ...where, field: 'type' });
  }
  const id = own(raw, 'id');
  const m = typeof id === 'string' ? STIX_ID.exec(id) : null;
  if (typeof id !== 'string' || m === null || m[1] !== type) {
    return reject(file, 'RECORD_INVALID', `${type} object has no valid "id" of the form ${type}--<uuid>`, {
      ...where,
      field: 'id',
    });
  }
  return { o: raw, type, id };
}

function isChecked(v: Checked | ReadItem): v is Checked {
  return !('kind' in v);
}

function retired(o: StixObject): string | undefined {
  if (own(o, 'revoked') === true) return 'revoked';
  if (own(o, 'x_mitre_deprecated') === true) return 'deprecated (x_mitre_deprecated)';
  return undefined;
}

/** STIX allows several versions of one object in a bundle; the latest `modified` (then the last written) wins. */
function latestVersions(objects: readonly unknown[]): Map<string, number> {
  const best = new Map<string, { index: number; modified: string }>();
  objects.forEach((raw, index) => {
    if (!isObject(raw)) return;
    const id = own(raw, 'id');
    if (typeof id !== 'string') return;
    const modified = str(raw, 'modified') ?? str(raw, 'created') ?? '';
    const prev = best.get(id);
    if (prev === undefined || modified >= prev.modified) best.set(id, { index, modified });
  });
  return new Map([...best].map(([id, v]) => [id, v.index]));
}

async function* readBundle(file: string, opts: ReaderOptions): AsyncGenerator<ReadItem> {
  const text = await loadText(file, opts);
  const objects = parseBundle(file, text);
  const lineOf = lineLocator(text);
  const latest = latestVersions(objects);

  const identities = new Map<string, string>();
  const markings = new Map<string, StixObject>();
  for (const raw of objects) {
    if (!isObject(raw)) continue;
    const id = str(raw, 'id');
    if (id === undefined) continue;
    if (own(raw, 'type') === 'identity' && str(raw, 'name') !== undefined)
      identities.set(id, str(raw, 'name') ?? '');
    if (own(raw, 'type') === 'marking-definition') markings.set(id, raw);
  }
  const ctx: MapContext = { identities, markings };

  // Pass 1: domain objects, in bundle order. Relationships wait until every end they may name is known.
  const items: ReadItem[] = [];
  const kept = new Map<string, EntityRecord>();
  const skipped = new Map<string, string>();
  const relationships: Array<{ c: Checked; record: string; line: number | undefined }> = [];
  for (let i = 0; i < objects.length; i++) {
    if (i % 512 === 0) opts.signal?.throwIfAborted();
    const record = `objects[${i}]`;
    const c = check(file, objects[i], { record });
    if (!isChecked(c)) {
      items.push(c);
      continue;
    }
    const line = lineOf(c.id);
    const where = line === undefined ? { record } : { record, line };
    if (latest.get(c.id) !== i) {
      items.push(reject(file, 'RECORD_SUPERSEDED', `${c.id}: a later version is in the bundle`, where));
      continue;
    }
    if (c.type === 'relationship') {
      relationships.push({ c, record, line });
      continue;
    }
    const why = retired(c.o) ?? skipReason(c.type);
    if (why !== undefined) {
      skipped.set(c.id, why);
      items.push(reject(file, 'RECORD_SKIPPED', `${c.type} ${c.id} skipped: ${why}`, where));
      continue;
    }
    const entity = mapObject(c.o, c.type, c.id, ctx);
    if (typeof entity === 'string') {
      skipped.set(c.id, `no "${entity}"`);
      items.push(
        reject(file, 'RECORD_INVALID', `${c.type} ${c.id} has no "${entity}"`, { ...where, field: entity }),
      );
      continue;
    }
    kept.set(c.id, entity);
    const problems = applyStixAdmiralty(entity, c.o, file, where);
    items.push({
      kind: 'record',
      origin: { file, ...where },
      entities: [entity],
      ...(problems.length ? { problems } : {}),
    });
  }

  // Countries stated by relationship go onto the group before it is yielded, so it commits in one batch.
  for (const { c } of relationships) applyCountryRelation(c.o, kept, objects, latest);
  yield* items;

  // Pass 2: relationships, in bundle order, as UnknownLinks between kept entities.
  for (let n = 0; n < relationships.length; n++) {
    if (n % 512 === 0) opts.signal?.throwIfAborted();
    const rel = relationships[n];
    if (rel === undefined) continue;
    const { c, record, line } = rel;
    const where = line === undefined ? { record } : { record, line };
    const rtype = str(c.o, 'relationship_type');
    const ends = { source_ref: str(c.o, 'source_ref'), target_ref: str(c.o, 'target_ref') };
    const why = retired(c.o);
    if (why !== undefined) {
      yield reject(file, 'RECORD_SKIPPED', `relationship ${c.id} skipped: ${why}`, where);
      continue;
    }
    if (rtype === undefined) {
      yield reject(file, 'RECORD_INVALID', `relationship ${c.id} has no relationship_type`, {
        ...where,
        field: 'relationship_type',
      });
      continue;
    }
    const problem = endProblem(file, c.id, rtype, ends, kept, skipped, where);
    if (problem !== undefined) {
      yield problem;
      continue;
    }
    const subject = kept.get(ends.source_ref ?? '');
    const object = kept.get(ends.target_ref ?? '');
    if (subject === undefined || object === undefined) continue;
    const link = mapRelationship(c.o, c.id, subject.id, object.id, ctx);
    const problems = applyStixAdmiralty(link, c.o, file, where);
    yield {
      kind: 'record',
      origin: { file, ...where },
      entities: [link],
      ...(problems.length ? { problems } : {}),
    };
  }
}

/** A reject when either end of a relationship is absent or was not kept; undefined when both are kept. */
function endProblem(
  file: string,
  id: string,
  rtype: string,
  ends: { source_ref: string | undefined; target_ref: string | undefined },
  kept: ReadonlyMap<string, EntityRecord>,
  skipped: ReadonlyMap<string, string>,
  where: { record: string; line?: number },
): ReadItem | undefined {
  for (const field of ['source_ref', 'target_ref'] as const) {
    const ref = ends[field];
    if (ref === undefined) {
      return reject(file, 'RECORD_INVALID', `relationship ${id} (${rtype}) has no ${field}`, {
        ...where,
        field,
      });
    }
    if (kept.has(ref)) continue;
    const why = skipped.get(ref);
    if (why !== undefined) {
      return reject(
        file,
        'RECORD_SKIPPED',
        `relationship ${id} (${rtype}): ${field} ${ref} was not kept (${why})`,
        {
          ...where,
          field,
        },
      );
    }
    return reject(
      file,
      'REFERENCE_MISSING',
      `relationship ${id} (${rtype}): ${field} ${ref} is not in the bundle`,
      {
        ...where,
        field,
      },
    );
  }
  return undefined;
}

/** `attributed-to` / `originates-from` a location or identity that names a country sets it on the group. */
function applyCountryRelation(
  rel: StixObject,
  kept: ReadonlyMap<string, EntityRecord>,
  objects: readonly unknown[],
  latest: ReadonlyMap<string, number>,
): void {
  const rtype = str(rel, 'relationship_type');
  if (rtype === undefined || !COUNTRY_RELATIONS.has(rtype) || retired(rel) !== undefined) return;
  const sourceRef = str(rel, 'source_ref') ?? '';
  const targetRef = str(rel, 'target_ref') ?? '';
  const group = kept.get(sourceRef);
  if (group === undefined || group.schema !== 'Organization') return;
  if (!sourceRef.startsWith('intrusion-set--') && !sourceRef.startsWith('threat-actor--')) return;
  const index = latest.get(targetRef);
  const target = index === undefined ? undefined : objects[index];
  if (!isObject(target)) return;
  const stated = str(target, 'country');
  const code = stated === undefined ? undefined : countryCode(stated);
  if (code === undefined) return;
  const name = str(target, 'name');
  addAttributedCountry(group, code, `${rtype} ${targetRef}${name ? ` (${name})` : ''}, country ${stated}`);
}
