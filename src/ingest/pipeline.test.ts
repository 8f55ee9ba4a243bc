// IngestRequest.originNames: statements name each file by the name given, never by its path; folder files too.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localOperator } from '../access/index.js';
import { SqliteStore } from '../store/index.js';
import { ingest, originRenamer } from './pipeline.js';

const op = localOperator('tester', 'pipeline test');
const CASE = resolve('test/fixtures/ftm/case.ftm.jsonl');
describe('originRenamer', () => {
  it('puts the name in place of the path, keeping the line or record', () => {
    const rename = originRenamer(new Map([['/up/job-1/files/a.csv', 'upload by bob: A.csv']]));
    expect(rename?.('/up/job-1/files/a.csv:12')).toBe('upload by bob: A.csv:12');
    expect(rename?.('/up/job-1/files/a.csv#sheet!3')).toBe('upload by bob: A.csv#sheet!3');
    expect(rename?.('/up/job-1/files/a.csv')).toBe('upload by bob: A.csv');
  });

  it('never lets a path through: a file not named keeps its base name only', () => {
    const rename = originRenamer(new Map([['/up/a.csv', 'A']]));
    expect(rename?.('/up/a.csvx:1')).toBe('a.csvx:1');
    expect(rename?.('/elsewhere/b.csv:2')).toBe('b.csv:2');
  });

  it('takes the longest named path an origin begins with', () => {
    const rename = originRenamer(
      new Map([
        ['/up/a', 'short'],
        ['/up/a:b', 'long'],
      ]),
    );
    expect(rename?.('/up/a:b:3')).toBe('long:3');
    expect(rename?.('/up/a:4')).toBe('short:4');
    expect(rename?.('/up/a:b:5')).toBe('long:5');
  });

  it('is absent when no names are given', () => {
    expect(originRenamer(undefined)).toBeUndefined();
  });
});

describe('ingest with originNames', () => {
  it('writes the names as origins, and refuses them for formats it cannot rename', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    expect((await store.migrate()).error).toBeUndefined();
    const summary = await ingest(op, store, {
      dataset: 'named',
      format: 'ftm',
      paths: [CASE],
      originNames: new Map([[CASE, 'upload by bob: case.jsonl']]),
      worker: false,
    });
    expect(summary.accepted).toBeGreaterThan(0);
    const origins = new Set<string>();
    for await (const batch of store.scanEntities(op, { datasets: ['named'] }))
      for (const e of batch) for (const st of e.statements) origins.add(st.origin);
    expect(origins.size).toBeGreaterThan(1);
    for (const o of origins) expect(o).toMatch(/^upload by bob: case\.jsonl:\d+$/);
    await expect(
      ingest(op, store, {
        dataset: 'chain',
        format: 'transfers',
        paths: [CASE],
        originNames: new Map([[CASE, 'x']]),
      }),
    ).rejects.toMatchObject({ code: 'USAGE_INVALID' });
    await store.close();
  });
});
