// The ingest, stats, search, entity and export commands end to end on a hand-written FtM fixture.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IngestSummary } from '../../src/ingest/index.js';
import { nexus, nexusJson, tempHome } from './helpers.js';

const FIXTURE = 'test/fixtures/ftm/case.ftm.jsonl';

/** What `nexus ingest --json` prints: the pipeline's summary plus where the reject report went. */
type Summary = IngestSummary & { rejectReport: string | null };

describe('nexus ingest (ftm)', () => {
  it('loads good records, reports bad ones with file, line and field, and adds nothing the second time', async () => {
    const home = tempHome();
    const first = await nexusJson<Summary>(
      home,
      'ingest',
      '--dataset',
      'case',
      '--marking',
      'OFFICIAL-SENSITIVE',
      '--grading',
      '2BP',
      FIXTURE,
    );
    expect(first).toMatchObject({ accepted: 5, rejected: 2, duplicates: 0, entities: 6 });
    expect(first.invalidValues).toBe(3);
    const rejects = readFileSync(first.rejectReport as string, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejects).toContainEqual(
      expect.objectContaining({
        file: expect.stringContaining('case.ftm.jsonl'),
        line: 4,
        field: 'birthDate',
        code: 'VALUE_INVALID',
      }),
    );
    expect(rejects).toContainEqual(
      expect.objectContaining({ line: 4, field: '__proto__', code: 'PROPERTY_UNKNOWN' }),
    );
    expect(rejects).toContainEqual(
      expect.objectContaining({ line: 4, field: 'country', code: 'VALUE_INVALID' }),
    );
    expect(rejects).toContainEqual(expect.objectContaining({ line: 5, code: 'RECORD_INVALID' }));
    expect(rejects).toContainEqual(
      expect.objectContaining({ line: 6, field: 'schema', code: 'SCHEMA_UNKNOWN' }),
    );

    const digest = (await nexus(home, 'digest')).stdout;
    const second = await nexusJson<Summary>(
      home,
      'ingest',
      '--dataset',
      'case',
      '--marking',
      'OFFICIAL-SENSITIVE',
      '--grading',
      '2BP',
      FIXTURE,
    );
    expect(second).toMatchObject({ accepted: 0, duplicates: 5, entities: 0, statements: 0 });
    expect((await nexus(home, 'digest')).stdout).toBe(digest);

    const stats = await nexusJson<{
      entities: Record<string, number>;
      statements: number;
      datasets: Record<string, { entities: number; statements: number }>;
    }>(home, 'stats');
    expect(stats.entities).toEqual({ Company: 1, Ownership: 1, Person: 3, Sanction: 1 });
    expect(stats.datasets.case?.entities).toBe(6);
    expect(stats.statements).toBe(first.statements);
  });

  it('searches, shows provenance and exports what it stored', async () => {
    const home = tempHome();
    await nexusJson(home, 'ingest', '--dataset', 'case', '--marking', 'SECRET', '--grading', '2bp', FIXTURE);
    const hits = await nexusJson<{ id: string; schema: string; caption: string; score: number }[]>(
      home,
      'search',
      'elodie',
    );
    expect(hits.map((h) => h.id)).toEqual(['case-p2']);
    expect(Object.keys(hits[0] ?? {}).sort()).toEqual(['caption', 'id', 'schema', 'score']);
    const entity = await nexusJson<{
      properties: Record<string, string[]>;
      statements: { prop: string; dataset: string; origin: string; marking: string; grading: string }[];
      referencedBy: { entityId: string }[];
    }>(home, 'entity', 'case-p1');
    expect(entity.properties.nationality).toEqual(['ru']);
    const dob = entity.statements.find((s) => s.prop === 'birthDate');
    expect(dob).toMatchObject({ dataset: 'case', marking: 'SECRET', grading: '2BP' });
    expect(dob?.origin).toMatch(/case\.ftm\.jsonl:1$/);
    expect(entity.referencedBy.map((r) => r.entityId)).toEqual(['case-o1']);
    // An OFFICIAL reader sees none of a SECRET source: not found, like an id that does not exist.
    const hidden = await nexus(home, '--clearance', 'OFFICIAL', 'entity', 'case-p1');
    const missing = await nexus(home, '--clearance', 'OFFICIAL', 'entity', 'no-such-id');
    expect(hidden.code).toBe(1);
    expect(hidden.stderr.replace('case-p1', 'X')).toBe(missing.stderr.replace('no-such-id', 'X'));
    const exported = await nexus(home, 'export', '--dataset', 'case', '--format', 'ftm');
    const lines = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(6);
    // The export reads back in as the same entities.
    const out = join(home, 'export.jsonl');
    await nexus(home, 'export', '--dataset', 'case', '--format', 'ftm', '--output', out);
    const again = await nexusJson<Summary>(home, 'ingest', '--dataset', 'case2', out);
    expect(again).toMatchObject({ accepted: 6, rejected: 0, invalidValues: 0 });
  });

  it('fails with a typed error only when the source cannot be read', async () => {
    const home = tempHome();
    const missing = await nexus(home, 'ingest', '--dataset', 'x', 'no/such/file.jsonl');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('SOURCE_UNREADABLE');
    const badName = await nexus(home, 'ingest', '--dataset', '../etc', FIXTURE);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('USAGE_INVALID');
    const badMarking = await nexus(home, 'ingest', '--dataset', 'x', '--marking', 'SUPER SECRET', FIXTURE);
    expect(badMarking.stderr).toContain('MARKING_INVALID');
    const badGrading = await nexus(home, 'ingest', '--dataset', 'x', '--grading', '9ZZ', FIXTURE);
    expect(badGrading.stderr).toContain('GRADING_INVALID');
  });
});
