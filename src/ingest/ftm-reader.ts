// Reads FollowTheMoney JSON lines (OpenSanctions and Aleph exports), including nested entities in property values.
import { NexusError } from '../model/index.js';
import { readLines } from './lines.js';
import type { EntityRecord, Reader, ReaderOptions, ReadItem, Reject } from './reader.js';
import { reject } from './reader.js';

const MAX_NESTING = 8;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function seen(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Flattens one FtM JSON object into entity records; nested entity objects become their own records. */
function toEntities(
  obj: Record<string, unknown>,
  file: string,
  line: number,
  out: EntityRecord[],
  problems: Reject[],
  depth = 0,
): string | undefined {
  const id = obj.id;
  const schema = obj.schema;
  if (typeof id !== 'string' || id === '') {
    problems.push(reject(file, 'RECORD_INVALID', 'entity has no string "id"', { line, field: 'id' }));
    return undefined;
  }
  if (typeof schema !== 'string' || schema === '') {
    problems.push(
      reject(file, 'RECORD_INVALID', `entity ${id} has no string "schema"`, { line, field: 'schema' }),
    );
    return undefined;
  }
  const entity: EntityRecord = {
    id,
    schema,
    properties: new Map(),
    firstSeen: seen(obj.first_seen),
    lastSeen: seen(obj.last_seen),
  };
  out.push(entity);
  const props = obj.properties;
  if (props !== undefined && !isObject(props)) {
    problems.push(
      reject(file, 'RECORD_INVALID', `entity ${id}: "properties" is not an object`, {
        line,
        field: 'properties',
      }),
    );
    return id;
  }
  for (const [name, raw] of Object.entries(props ?? {})) {
    const values = Array.isArray(raw) ? raw : [raw];
    const kept: unknown[] = [];
    for (const value of values) {
      if (isObject(value)) {
        if (depth >= MAX_NESTING) {
          problems.push(
            reject(file, 'RECORD_INVALID', `entity ${id}: ${name}: nested deeper than ${MAX_NESTING}`, {
              line,
              field: name,
            }),
          );
          continue;
        }
        const nestedId = toEntities(value, file, line, out, problems, depth + 1);
        if (nestedId !== undefined) kept.push(nestedId);
      } else kept.push(value);
    }
    if (kept.length > 0) entity.properties.set(name, kept);
  }
  return id;
}

export const ftmReader: Reader = {
  format: 'ftm',
  async *read(paths: readonly string[], opts: ReaderOptions): AsyncIterable<ReadItem> {
    for (const file of paths) {
      let nonEmpty = 0;
      let parsed = 0;
      for await (const { text, line, badEncoding } of readLines(file, opts)) {
        if (text.trim() === '') continue;
        nonEmpty++;
        if (badEncoding) {
          if (nonEmpty === 1)
            throw new NexusError('ENCODING_INVALID', `ingest.ftm: ${file}: line ${line} is not UTF-8 text`, {
              file,
              line,
            });
          yield reject(file, 'ENCODING_INVALID', 'line is not valid UTF-8', { line });
          continue;
        }
        let obj: unknown;
        try {
          obj = JSON.parse(text);
        } catch (err) {
          // A first line that is not JSON means this is not an FtM file at all, not a bad record.
          if (nonEmpty === 1)
            throw new NexusError(
              'FORMAT_MISMATCH',
              `ingest.ftm: ${file}: line ${line} is not JSON; not an FtM JSON lines file`,
              { file, line },
            );
          yield reject(file, 'RECORD_INVALID', `not valid JSON: ${(err as Error).message}`, { line });
          continue;
        }
        if (!isObject(obj)) {
          yield reject(file, 'RECORD_INVALID', 'line is not a JSON object', { line });
          continue;
        }
        parsed++;
        const entities: EntityRecord[] = [];
        const problems: Reject[] = [];
        toEntities(obj, file, line, entities, problems);
        if (entities.length === 0) {
          yield* problems;
          continue;
        }
        yield { kind: 'record', origin: { file, line }, entities, problems };
      }
      if (nonEmpty > 0 && parsed === 0)
        throw new NexusError('FORMAT_MISMATCH', `ingest.ftm: ${file}: no line is an FtM entity object`, {
          file,
        });
    }
  },
};
