// Mutation fuzzing of the format readers (SECURITY.md R15): only typed errors or rejects may come out.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isNexusError, Random } from '../model/index.js';
import { getReader } from './formats.js';
import { validateRecord } from './validate.js';

export interface FuzzTarget {
  format: string;
  /** Seed inputs: the file that gets mutated, under the name the reader expects. */
  seeds: string[];
  /** Files placed next to the mutated one unchanged (e.g. a mapping YAML). */
  companions?: string[];
  options?: Record<string, string>;
}

export interface FuzzCrash {
  format: string;
  case: number;
  error: string;
  input: string;
}

export interface FuzzResult {
  format: string;
  cases: number;
  typedErrors: number;
  records: number;
  rejects: number;
  crashes: FuzzCrash[];
}

const TOKENS = [
  '__proto__',
  'constructor',
  '"',
  "'",
  '\u0000',
  '\uFFFD',
  ',',
  ';',
  '\n',
  '\r\n',
  '<',
  '>',
  '<!DOCTYPE x [<!ENTITY a "aaaa">]>',
  '&a;',
  '{',
  '}',
  '[',
  ']',
  '-0-',
  'PK\u0003\u0004',
  '\\',
  '%s',
  '9'.repeat(40),
  'x'.repeat(5000),
];

/** One mutation of the input: flip, delete, insert, duplicate, truncate or splice a hostile token. */
export function mutate(input: Buffer, r: Random): Buffer {
  const n = r.int(1, 4);
  let out = Buffer.from(input);
  for (let i = 0; i < n; i++) {
    const at = out.length === 0 ? 0 : r.int(0, out.length - 1);
    switch (r.int(0, 5)) {
      case 0:
        if (out.length > 0) out[at] = r.int(0, 255);
        break;
      case 1:
        out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + r.int(1, 64)))]);
        break;
      case 2:
        out = Buffer.concat([out.subarray(0, at), Buffer.from(r.pick(TOKENS)), out.subarray(at)]);
        break;
      case 3: {
        const len = r.int(1, 256);
        out = Buffer.concat([out.subarray(0, at + len), out.subarray(at, at + len), out.subarray(at + len)]);
        break;
      }
      case 4:
        out = out.subarray(0, at);
        break;
      default: {
        const junk = Buffer.alloc(r.int(1, 32));
        for (let j = 0; j < junk.length; j++) junk[j] = r.int(0, 255);
        out = Buffer.concat([out.subarray(0, at), junk, out.subarray(at)]);
      }
    }
  }
  return out;
}

/** Runs the reader and validation over one input; throws only if something untyped escapes. */
async function runCase(
  target: FuzzTarget,
  dir: string,
  name: string,
  data: Buffer,
): Promise<{ records: number; rejects: number; typed: boolean }> {
  const path = join(dir, name);
  writeFileSync(path, data);
  const reader = getReader(target.format);
  const options = new Map(Object.entries(target.options ?? {}).map(([k, v]) => [k, v.replace('$DIR', dir)]));
  let records = 0;
  let rejects = 0;
  try {
    const paths = target.format === 'ofac' ? [dir] : [path];
    for await (const item of reader.read(paths, { onBytes: () => {}, options })) {
      if (item.kind === 'reject') rejects++;
      else {
        records++;
        const v = validateRecord(item, {
          dataset: 'fuzz',
          marking: 'OFFICIAL',
          grading: null,
          now: '2026-01-01T00:00:00',
        });
        rejects += v.rejects.length;
      }
    }
    return { records, rejects, typed: false };
  } catch (err) {
    if (isNexusError(err)) return { records, rejects, typed: true };
    throw err;
  }
}

export async function fuzz(
  target: FuzzTarget,
  iterations: number,
  seed: number,
  onCase?: (i: number, input: Buffer) => void,
): Promise<FuzzResult> {
  const r = new Random(seed);
  const result: FuzzResult = {
    format: target.format,
    cases: 0,
    typedErrors: 0,
    records: 0,
    rejects: 0,
    crashes: [],
  };
  const dir = mkdtempSync(join(tmpdir(), `nexus-fuzz-${target.format}-`));
  try {
    for (const c of target.companions ?? []) copyFileSync(c, join(dir, basename(c)));
    const seeds = target.seeds.map((s) => ({ name: basename(s), data: readFileSync(s) }));
    for (let i = 0; i < iterations; i++) {
      const s = r.pick(seeds);
      const input = mutate(s.data, r);
      onCase?.(i, input);
      result.cases++;
      try {
        const out = await runCase(target, dir, s.name, input);
        result.records += out.records;
        result.rejects += out.rejects;
        if (out.typed) result.typedErrors++;
      } catch (err) {
        result.crashes.push({
          format: target.format,
          case: i,
          error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
          input: input.toString('base64'),
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

/** Replays saved crashing inputs (regressions) for a target; returns the ones that still fail untyped. */
export async function replay(target: FuzzTarget, name: string, inputs: Buffer[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), `nexus-replay-${target.format}-`));
  const failures: string[] = [];
  try {
    for (const c of target.companions ?? []) copyFileSync(c, join(dir, basename(c)));
    for (const input of inputs) {
      try {
        await runCase(target, dir, name, input);
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return failures;
}
