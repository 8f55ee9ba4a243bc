// xref, review, judge and unmerge end to end: suggestions, a merge under a canonical id, and its undoing.
import { describe, expect, it } from 'vitest';
import { nexus, nexusJson, tempHome } from './helpers.js';

describe('resolution commands', () => {
  it('suggests, merges on a judgement, finds the merge by any member id, and undoes it', async () => {
    const home = tempHome();
    await nexusJson(home, 'ingest', '--dataset', 'case', 'test/fixtures/ftm/case.ftm.jsonl');
    await nexusJson(home, 'ingest', '--dataset', 'watchlist', 'test/fixtures/ftm/watchlist.ftm.jsonl');
    const summary = await nexusJson<{ suggestions: number; entities: number }>(
      home,
      'xref',
      'case',
      '--against',
      'watchlist',
    );
    expect(summary.suggestions).toBe(2);
    const next = await nexusJson<{ a: string; b: string; score: number; explanation: string }>(
      home,
      'review',
    );
    // The company (Severny Trade LLC ~ OOO Severny Trade) and the person (Belov) are both suggested.
    expect([
      ['case-c1', 'wl-2'],
      ['case-p1', 'wl-1'],
    ]).toContainEqual([next.a, next.b].sort());
    expect(next.score).toBeGreaterThanOrEqual(0.7);
    expect(next.explanation).toMatch(/name/i);

    const judged = await nexusJson<{ canonical: string }>(
      home,
      'judge',
      'case-p1',
      'wl-1',
      'match',
      '--reason',
      'same name, DOB and nationality',
    );
    expect(judged.canonical).toMatch(/^NX-/);
    const merged = await nexusJson<{ id: string; referents: string[]; datasets: string[] }>(
      home,
      'entity',
      'wl-1',
    );
    expect(merged.id).toBe(judged.canonical);
    expect(merged.referents).toEqual(['case-p1', 'wl-1']);
    expect(merged.datasets).toEqual(['case', 'watchlist']);
    // The case's Ownership points at case-p1; the merged entity shows it, whichever member id was asked for.
    const viaMember = await nexusJson<{ referencedBy: { entityId: string }[] }>(home, 'entity', 'wl-1');
    expect(viaMember.referencedBy.map((r) => r.entityId)).toContain('case-o1');

    const conflict = await nexus(home, 'judge', 'case-p1', 'wl-1', 'no-match');
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('JUDGEMENT_CONFLICT');

    const undone = await nexusJson<{ members: string[] }>(home, 'unmerge', judged.canonical);
    expect(undone.members).toEqual(['case-p1', 'wl-1']);
    expect((await nexusJson<{ id: string }>(home, 'entity', 'wl-1')).id).toBe('wl-1');
  });

  it('rejects bad arguments with usage errors', async () => {
    const home = tempHome();
    expect((await nexus(home, 'judge', 'a', 'b', 'maybe')).code).toBe(2);
    expect((await nexus(home, 'xref')).code).toBe(2);
    expect((await nexus(home, 'unmerge', 'NX-missing')).stderr).toContain('ENTITY_NOT_FOUND');
  });
});
