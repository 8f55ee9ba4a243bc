// Counts derived from the store: records and investigations by threat area and month, read as each reader may see
// them, with their markings, and the "investigations quadrupled in two years" half of a claim answered from them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperator, makeContext } from '../access/index.js';
import { addToGroup, ID_PROP, newGroup } from '../model/index.js';
import { SqliteStore } from '../store/index.js';
import { assessmentJson, buildAssessment, hasConditional } from './assessment.js';
import { caseload, deriveCounts, monthOf, monthRange, monthsBefore } from './derived.js';

const op = localOperator('tester', 'derived counts test');
const official = makeContext({ user: 'reader', clearance: 'OFFICIAL', purpose: 'test' });
const secret = makeContext({ user: 'cleared', clearance: 'SECRET', purpose: 'test' });
let store: SqliteStore;

type Props = Record<string, [string, string[]]>;

async function put(
  id: string,
  schema: string,
  seen: string,
  marking: string,
  props: Props,
  into: SqliteStore = store,
  grading = '2BP',
) {
  const g = newGroup({
    entityId: id,
    schema,
    dataset: marking === 'SECRET' ? 'case_secret' : 'case',
    origin: `fixture#${id}`,
    firstSeen: seen,
    lastSeen: seen,
    marking,
    grading,
  });
  addToGroup(g, ID_PROP, 'id', id, null);
  for (const [prop, [type, values]] of Object.entries(props))
    for (const v of values) addToGroup(g, prop, type, v, null);
  await into.putStatements(op, { dataset: g.dataset, records: [{ groups: [g] }] });
}

const person = (name: string, topics: string[]): Props => ({
  name: ['name', [name]],
  topics: ['topic', topics],
});
const project = (name: string, start: string, end?: string, topics: string[] = []): Props => ({
  name: ['string', [name]],
  startDate: ['date', [start]],
  ...(end ? { endDate: ['date', [end]] } : {}),
  ...(topics.length ? { topics: ['topic', topics] } : {}),
});

beforeAll(async () => {
  store = new SqliteStore({ path: ':memory:' });
  const m = await store.migrate();
  if (m.error) throw m.error;
  await put('p1', 'Person', '2024-01-15T10:00:00', 'OFFICIAL', person('Drug One', ['crime.traffick.drug']));
  await put('p2', 'Person', '2024-03-02T10:00:00', 'OFFICIAL', person('Drug Two', ['crime.traffick.drug']));
  await put('p3', 'Person', '2024-03-20T10:00:00', 'SECRET', person('Drug Hidden', ['crime.traffick.drug']));
  await put('s1', 'Person', '2024-02-01T10:00:00', 'OFFICIAL', person('State Agent', ['gov.security']));
  await put('x1', 'Person', '2024-02-05T10:00:00', 'OFFICIAL', { name: ['name', ['No Topic']] });
  // Investigations: four seen by everyone (one ended), one more (tied to the area by its own topic) only at SECRET.
  await put('inv-1', 'Project', '2024-03-01T00:00:00', 'OFFICIAL', project('Op One', '2022-01-10'));
  await put(
    'inv-2',
    'Project',
    '2024-03-01T00:00:00',
    'OFFICIAL',
    project('Op Two', '2023-06', '2023-12-31'),
  );
  await put('inv-3', 'Project', '2024-03-01T00:00:00', 'OFFICIAL', project('Op Three', '2023-02-01'));
  await put('inv-4', 'Project', '2024-03-01T00:00:00', 'OFFICIAL', project('Op Four', '2023-09-30'));
  await put(
    'inv-5',
    'Project',
    '2024-02-10T00:00:00',
    'SECRET',
    project('Op Five', '2024-02-02', undefined, ['gov.security']),
  );
  for (const n of [1, 2, 3, 4])
    await put(`pp-${n}`, 'ProjectParticipant', '2024-03-01T00:00:00', 'OFFICIAL', {
      project: ['entity', [`inv-${n}`]],
      participant: ['entity', ['s1']],
    });
});

afterAll(async () => {
  await store.close();
});

const values = (s: { points: [string, number][] } | undefined) => s?.points.map(([, v]) => v);

describe('months', () => {
  it('reads months from dates and timestamps and counts months across years', () => {
    expect(monthOf('2024-03-20T10:00:00')).toBe('2024-03');
    expect(monthOf('2023')).toBe('2023-01');
    expect(monthOf('2023-13-01')).toBeNull();
    expect(monthOf('unknown')).toBeNull();
    expect(monthRange('2023-11', '2024-02')).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
    expect(monthsBefore('2024-03', 24)).toBe('2022-03');
    expect(monthsBefore('2024-01', 1)).toBe('2023-12');
  });
});

describe('deriveCounts', () => {
  it('counts records by threat area and month over what the reader may see, with zero months', async () => {
    const low = await deriveCounts(store, official, new Set());
    const drugs = low.series.find((s) => s.id === 'derived/entities/drugs/month');
    expect(drugs?.points.map(([p]) => p)).toEqual(['2024-01-01', '2024-02-01', '2024-03-01']);
    expect(values(drugs)).toEqual([1, 0, 1]);
    expect(drugs?.marking).toBe('OFFICIAL');
    expect(drugs?.datasets).toEqual(['case']);
    expect(values(low.series.find((s) => s.id === 'derived/entities/state-threats/month'))).toEqual([
      0, 1, 0,
    ]);
    expect(low.series.some((s) => s.id === 'derived/entities/fraud/month')).toBe(false);

    const high = await deriveCounts(store, secret, new Set(['case_secret']));
    const drugs2 = high.series.find((s) => s.id === 'derived/entities/drugs/month');
    expect(values(drugs2)).toEqual([1, 0, 2]);
    expect(drugs2?.marking).toBe('SECRET');
    expect(drugs2?.fictional).toBe(true);
    // inv-5 carries gov.security itself, so it is a state-threats record too.
    expect(values(high.series.find((s) => s.id === 'derived/entities/state-threats/month'))).toEqual([
      0, 2, 0,
    ]);
  });

  it('counts investigations (Project entities) by start month, tied to an area through their participants', async () => {
    const low = await deriveCounts(store, official, new Set());
    expect(low.investigations.map((i) => [i.id, i.areas, i.start, i.end, i.dated])).toEqual([
      ['inv-1', ['state-threats'], '2022-01', null, 'start date'],
      ['inv-2', ['state-threats'], '2023-06', '2023-12', 'start date'],
      ['inv-3', ['state-threats'], '2023-02', null, 'start date'],
      ['inv-4', ['state-threats'], '2023-09', null, 'start date'],
    ]);
    expect(low.lastMonth).toBe('2024-03');
    const s = low.series.find((x) => x.id === 'derived/investigations/state-threats/month');
    expect(s?.points.length).toBe(27); // 2022-01 .. 2024-03
    expect(s?.points.filter(([, v]) => v > 0).map(([p]) => p)).toEqual([
      '2022-01-01',
      '2023-02-01',
      '2023-06-01',
      '2023-09-01',
    ]);
    expect(s?.trend.n).toBe(27);
    expect(low.series.find((x) => x.id === 'derived/investigations/all/month')).toBeDefined();
    expect(caseload(low.investigations, 'state-threats', '2024-03')).toBe(3);
    expect(caseload(low.investigations, 'state-threats', '2022-03')).toBe(1);
    expect(caseload(low.investigations, 'state-threats', '2023-10')).toBe(4);

    const high = await deriveCounts(store, secret, new Set());
    expect(high.investigations.find((i) => i.id === 'inv-5')?.marking).toBe('SECRET');
    expect(caseload(high.investigations, 'state-threats', '2024-03')).toBe(4);
  });

  it('leaves out what starts or is first seen after --year', async () => {
    const y = await deriveCounts(store, official, new Set(), { year: 2023 });
    expect(y.series.filter((s) => s.id.startsWith('derived/entities/'))).toEqual([]);
    expect(y.investigations.map((i) => i.id)).toEqual(['inv-1', 'inv-2', 'inv-3', 'inv-4']);
    expect(y.lastMonth).toBe('2023-09');
  });
});

interface Json {
  marking: string;
  series: { id: string; unit: string; points: [number, number][]; trend: { direction: string } }[];
  areas: { id: string; series: string[] }[];
  claims: { id: string; verdict: string; finding: string }[];
  investigations: { count: number; schemata: string[] };
}

describe('the assessment', () => {
  it('carries the counts as series and answers the "quadrupled" half from the caseload', async () => {
    const low = assessmentJson(await buildAssessment(store, official)) as unknown as Json;
    const ids = low.series.map((s) => s.id).filter((id) => id.startsWith('derived/'));
    expect(ids).toEqual([
      'derived/entities/state-threats/month',
      'derived/entities/drugs/month',
      'derived/investigations/all/month',
      'derived/investigations/state-threats/month',
    ]);
    const drugs = low.series.find((s) => s.id === 'derived/entities/drugs/month');
    expect(drugs?.points).toEqual([
      [2024, 1],
      [expect.closeTo(2024.0847, 3), 0],
      [expect.closeTo(2024.1639, 3), 1],
    ]);
    expect(drugs?.trend.direction).toBe('insufficient');
    expect(low.areas.find((a) => a.id === 'drugs')?.series).toContain('derived/entities/drugs/month');
    expect(low.investigations.count).toBe(4);
    // 3 open in 2024-03 against 1 in 2022-03: three times, short of quadrupling.
    const seen = low.claims.find((c) => c.id === 'state-proxies');
    expect(seen?.finding).toMatch(
      /Investigations \(disagrees\): 3 state-threats investigations open in 2024-03 against 1 in 2022-03/,
    );
    expect(seen?.verdict).toBe('disagrees');
    expect(low.marking).toBe('OFFICIAL');

    const high = assessmentJson(await buildAssessment(store, secret)) as unknown as Json;
    const claim = high.claims.find((c) => c.id === 'state-proxies');
    expect(claim?.finding).toMatch(
      /Investigations \(agrees\): 4 state-threats investigations open in 2024-03 against 1 in 2022-03/,
    );
    expect(high.marking).toBe('SECRET');
  });

  it('says the investigations half lacks data when the store holds no investigation', async () => {
    const empty = new SqliteStore({ path: ':memory:' });
    await empty.migrate();
    try {
      const j = assessmentJson(await buildAssessment(empty, official)) as unknown as Json;
      expect(j.investigations.count).toBe(0);
      expect(j.claims.find((c) => c.id === 'state-proxies')?.finding).toMatch(
        /Investigations \(lacks data\): the store holds no investigation/,
      );
      expect(j.series.filter((s) => s.id.startsWith('derived/'))).toEqual([]);
    } finally {
      await empty.close();
    }
  });
});

describe('handling conditions', () => {
  it('counts a C-coded record that only a store count rests on as conditional evidence', async () => {
    for (const [grading, expected] of [
      ['1AC', true],
      ['1AP', false],
    ] as const) {
      const one = new SqliteStore({ path: ':memory:' });
      await one.migrate();
      try {
        await put(
          'd1',
          'Person',
          '2024-01-15T10:00:00',
          'OFFICIAL',
          person('Drug C', ['crime.traffick.drug']),
          one,
          grading,
        );
        const a = await buildAssessment(one, official);
        expect(a.evidence.derived.map((x) => [x.id, x.grading])).toEqual([
          ['derived/entities/drugs/month', [grading]],
        ]);
        expect(a.judgements.flatMap((j) => j.evidence).some((e) => e.grading.includes(grading))).toBe(false);
        expect(hasConditional(a)).toBe(expected);
      } finally {
        await one.close();
      }
    }
  });
});
