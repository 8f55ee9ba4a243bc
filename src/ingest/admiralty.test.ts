// The Admiralty to 3x5x2 mapping: the table (and that docs/grading.md shows it), STIX confidence bands, and a STIX
// bundle with confidence values and MISP admiralty-scale labels read, ingested and filtered.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperator, parseGradingFilter, withGrading } from '../access/index.js';
import { parseGrading } from '../model/grading.js';
import { SqliteStore } from '../store/index.js';
import { admiraltyGrading, credibilityOfConfidence, isAdmiraltyLabel } from './admiralty.js';
import table from './data/admiralty.json' with { type: 'json' };
import { ingest } from './pipeline.js';
import type { EntityRecord, ReadItem, Reject, SourceRecord } from './reader.js';
import { stixReader } from './stix-reader.js';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURE = join(ROOT, 'test/fixtures/stix/admiralty.stix21.json');

describe('the Admiralty table', () => {
  it('gives every reliability and credibility pair a valid 3x5x2 code with handling P', () => {
    for (const r of Object.keys(table.sourceReliability))
      for (const c of Object.keys(table.informationCredibility)) {
        const g = admiraltyGrading({ reliability: r, credibility: c });
        expect(g, `${r}${c}`).toBeDefined();
        expect(parseGrading(g?.grading ?? ''), `${r}${c}`).toBe(g?.grading);
        expect(g?.grading.endsWith('P')).toBe(true);
      }
  });

  it('maps as documented', () => {
    const code = (reliability?: string, credibility?: string, confidence?: number) =>
      admiraltyGrading({
        ...(reliability ? { reliability } : {}),
        ...(credibility ? { credibility } : {}),
        ...(confidence === undefined ? {} : { confidence }),
      })?.grading;
    expect(['A1', 'B2', 'C3', 'D4', 'E5', 'F6', 'G1'].map((x) => code(x[0], x[1]))).toEqual([
      '1BP',
      '1CP',
      '3CP',
      '3DP',
      '3EP',
      '2DP',
      '3BP',
    ]);
    expect(code('b')).toBe('1DP');
    expect(code(undefined, '1')).toBe('2BP');
    expect(code(undefined, undefined, 95)).toBe('2BP');
    expect(code('A', undefined, 10)).toBe('1EP');
    // A stated credibility wins over the confidence, which is kept in the note.
    const both = admiraltyGrading({ reliability: 'B', credibility: '3', confidence: 90 });
    expect(both?.grading).toBe('1CP');
    expect(both?.note).toContain('STIX confidence 90');
    expect(admiraltyGrading({})).toBeUndefined();
  });

  it('reads STIX confidence by the STIX 2.1 Admiralty Credibility bands', () => {
    const bands: [number, string][] = [
      [0, '5'],
      [19, '5'],
      [20, '4'],
      [39, '4'],
      [40, '3'],
      [59, '3'],
      [60, '2'],
      [79, '2'],
      [80, '1'],
      [100, '1'],
    ];
    for (const [v, c] of bands) expect(credibilityOfConfidence(v), String(v)).toBe(c);
  });

  it('is the table docs/grading.md shows', () => {
    const doc = readFileSync(join(ROOT, 'docs/grading.md'), 'utf8');
    const row = (...cells: string[]) => `| ${cells.join(' | ')} |`;
    for (const [k, v] of Object.entries(table.sourceReliability))
      expect(doc, `reliability ${k}`).toContain(row(k, v.meaning, v.sourceEvaluation));
    for (const [k, v] of Object.entries(table.informationCredibility))
      expect(doc, `credibility ${k}`).toContain(row(k, v.meaning, v.intelligenceAssessment));
    for (const b of table.stixConfidence)
      expect(doc, `confidence ${b.min}`).toContain(row(`${b.min}-${b.max}`, b.informationCredibility));
  });

  it('recognises MISP admiralty-scale machine tags', () => {
    expect(isAdmiraltyLabel('admiralty-scale:source-reliability="b"')).toBe(true);
    expect(isAdmiraltyLabel('Admiralty-Scale:Information-Credibility = "2"')).toBe(true);
    expect(isAdmiraltyLabel('admiralty-scale:information-credibility=2')).toBe(true);
    expect(isAdmiraltyLabel('ransomware')).toBe(false);
    expect(isAdmiraltyLabel('tlp:amber')).toBe(false);
  });
});

describe('STIX objects with Admiralty codes', async () => {
  const items: ReadItem[] = [];
  for await (const item of stixReader.read([FIXTURE], { onBytes: () => {}, options: new Map() }))
    items.push(item);
  const records = items.filter((i): i is SourceRecord => i.kind === 'record');
  const byName = (name: string): EntityRecord | undefined =>
    records
      .flatMap((r) => r.entities)
      .find((e) => (e.properties.get('name') ?? []).includes(name) || e.schema === name);
  const problems = records.flatMap((r) => r.problems ?? []);
  const notes = (e: EntityRecord | undefined, prop = 'notes') =>
    (e?.properties.get(prop) ?? []).filter((n) => String(n).startsWith('Admiralty'));

  it('keeps the code as stated in a note and sets the 3x5x2 grading it maps to', () => {
    const kite = byName('Amber Kite');
    expect(kite?.grading).toBe('1CP');
    expect(notes(kite)).toEqual([
      'Admiralty B2: source reliability B (usually reliable); information credibility 2 (probably true); ' +
        'STIX confidence 70; 3x5x2 1CP (docs/grading.md)',
    ]);
    // The machine tags are the grading, not keywords; other labels stay keywords.
    expect(kite?.properties.get('keywords')).toEqual(['espionage']);
    const owl = byName('Basalt Owl');
    expect(owl?.grading).toBe('2BP');
    expect(notes(owl)[0]).toBe(
      'Admiralty: source reliability not stated (as F, reliability cannot be judged); ' +
        'STIX confidence 85 (credibility 1, confirmed by other sources); 3x5x2 2BP (docs/grading.md)',
    );
    const lock = byName('CinderLock');
    expect(lock?.grading).toBe('1BP');
    expect(lock?.properties.get('keywords')).toEqual(['ransomware']);
    expect(byName('Ember Logistics')?.grading).toBe('2EP');
  });

  it('grades relationships too, noting the code in the link summary', () => {
    const link = byName('UnknownLink');
    expect(link?.grading).toBe('2DP');
    expect(notes(link, 'summary')).toHaveLength(1);
    expect(notes(link, 'summary')[0]).toContain('STIX confidence 30 (credibility 4, doubtful)');
  });

  it('leaves objects without an evaluation ungraded, and reports values it cannot read', () => {
    expect(byName('Operation Frostline')?.grading).toBeUndefined();
    expect(byName('Dune Lynx')?.grading).toBeUndefined();
    expect(byName('GlassPick')?.grading).toBeUndefined();
    expect(problems.map((p: Reject) => [p.code, p.field])).toEqual([
      ['VALUE_INVALID', 'confidence'],
      ['VALUE_INVALID', 'labels'],
      ['VALUE_INVALID', 'labels'],
    ]);
    expect(problems.map((p) => p.reason).join('\n')).toMatch(/150[\s\S]*conflicting[\s\S]*"z"/i);
  });
});

describe('ingesting graded STIX', () => {
  let store: SqliteStore;
  const op = localOperator('tester', 'test');
  beforeAll(async () => {
    store = new SqliteStore({ path: ':memory:' });
    const m = await store.migrate();
    if (m.error) throw m.error;
  });
  afterAll(async () => {
    await store.close();
  });

  it('stores the mapped grading when the ingest sets none, and the ingest grading when it does', async () => {
    await ingest(op, store, { dataset: 'cti', format: 'stix', paths: [FIXTURE] });
    await ingest(op, store, { dataset: 'cti_graded', format: 'stix', paths: [FIXTURE], grading: '3EC' });
    const kite = 'stix-intrusion-set--ad000000-0000-4000-8000-000000000001';
    const entity = await store.getEntity(op, kite);
    const grades = (dataset: string) =>
      [...new Set(entity?.statements.filter((s) => s.dataset === dataset).map((s) => s.grading))].sort();
    expect(grades('cti')).toEqual(['1CP']);
    expect(grades('cti_graded')).toEqual(['3EC']);
    // The original code is on the entity page either way.
    const shown = entity?.statements.filter((s) => s.prop === 'notes' && s.value.startsWith('Admiralty B2'));
    expect(shown?.map((s) => s.dataset).sort()).toEqual(['cti', 'cti_graded']);
    const frost = await store.getEntity(op, 'stix-campaign--ad000000-0000-4000-8000-000000000006');
    expect(frost?.statements.find((s) => s.dataset === 'cti')?.grading).toBeNull();

    // And the grading filter reads it: "only corroborated (B)".
    const b = withGrading(op, parseGradingFilter('B'));
    expect(await store.getEntity(b, kite)).toBeUndefined();
    const owl = await store.getEntity(b, 'stix-intrusion-set--ad000000-0000-4000-8000-000000000002');
    expect(owl?.statements.every((s) => s.grading === '2BP')).toBe(true);
    expect(owl?.caption).toBe('Basalt Owl');
  });
});
