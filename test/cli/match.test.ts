// The match, compare and index commands end to end on the FtM fixture, in-process.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nexus, tempHome } from './helpers.js';

const FIXTURE = 'test/fixtures/ftm/case.ftm.jsonl';

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('nexus match / compare / index', () => {
  const home = tempHome();

  beforeAll(async () => {
    const run = await nexus(home, 'ingest', '--dataset', 'case', '--progress', 'none', '--json', FIXTURE);
    expect(run.code).toBe(0);
  });

  it('index builds the match index once and then reports it up to date', async () => {
    const first = await nexus(home, 'index', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ entities: expect.any(Number) });
    expect(JSON.parse(first.stdout).entities).toBeGreaterThan(0);
    const again = await nexus(home, 'index');
    expect(again.stdout).toContain('up to date');
  });

  it('match prints one JSON line per query, with per-line 400s naming the line', async () => {
    const file = join(home, 'queries.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({
          id: 'q-belov',
          schema: 'Person',
          properties: { name: ['Ruslan Belov'], birthDate: ['1979-03-02'], nationality: ['ru'] },
        }),
        'not json',
        JSON.stringify({ id: 'q-dragon', schema: 'Dragon', properties: { name: ['Smaug'] } }),
        '',
        JSON.stringify({ id: 'q-short', schema: 'Person', properties: { name: ['X'] } }),
        '{"id": "q-proto", "schema": "Person", "properties": {"__proto__": ["x"], "name": ["Ruslan Belov"]}}',
      ].join('\n'),
    );
    const run = await nexus(home, 'match', '--json', '--limit', '3', file);
    expect(run.code).toBe(0);
    const out = lines(run.stdout);
    expect(out).toHaveLength(5);
    expect(out[0]).toMatchObject({ id: 'q-belov', status: 200 });
    const top = ((out[0]?.results ?? []) as { id: string; score: number; match: boolean }[])[0];
    expect(top).toMatchObject({ id: 'case-p1', match: true });
    expect(top?.score).toBeGreaterThanOrEqual(0.7);
    expect(out[1]).toMatchObject({ id: null, status: 400, error: expect.stringContaining('line 2') });
    expect(out[2]).toMatchObject({ id: 'q-dragon', status: 400, error: expect.stringContaining('line 3') });
    expect(out[3]).toMatchObject({ id: 'q-short', status: 400, error: expect.stringContaining('line 5') });
    expect(out[4]).toMatchObject({ id: 'q-proto', status: 400, error: expect.stringContaining('__proto__') });
  });

  it('match filters by dataset, rejects a bad threshold and prints readable lines without --json', async () => {
    const file = join(home, 'one.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify({ id: 'q1', schema: 'Person', properties: { name: ['Ruslan Belov'] } })}\n`,
    );
    const other = lines((await nexus(home, 'match', '--json', '--dataset', 'elsewhere', file)).stdout);
    expect(other[0]).toMatchObject({ status: 200, results: [] });
    const bad = await nexus(home, 'match', '--threshold', 'abc', file);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('USAGE_INVALID');
    const human = await nexus(home, 'match', file);
    expect(human.stdout).toMatch(/q1: 1 match/);
    expect(human.stdout).toContain('Ruslan Tamirovich Belov');
  });

  it('compare scores CSV name pairs in order', async () => {
    const file = join(home, 'pairs.csv');
    writeFileSync(
      file,
      'schema,name1,name2\nPerson,Kim Jong Un,KIM Jong-un\nPerson,Kim Jong Un,Severny Trade\nDragon,a,b\n"Person","=cmd|x","__proto__"\n',
    );
    const run = await nexus(home, 'compare', '--pairs', file, '--json');
    expect(run.code).toBe(0);
    const out = lines(run.stdout);
    expect(out).toHaveLength(4);
    expect(out[0]).toMatchObject({ match: true });
    expect(out[1]).toMatchObject({ match: false });
    expect(out[2]).toMatchObject({ score: 0, match: false });
    for (const o of out) expect(typeof o.score).toBe('number');

    const noColumn = join(home, 'bad.csv');
    writeFileSync(noColumn, 'a,b\n1,2\n');
    const bad = await nexus(home, 'compare', '--pairs', noColumn, '--json');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('COLUMN_MISSING');
    expect((await nexus(home, 'compare')).code).toBe(2);
  });

  it('has help for each command', async () => {
    for (const cmd of ['match', 'compare', 'index']) {
      const run = await nexus(home, cmd, '--help');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`nexus ${cmd}`);
    }
  });
});
