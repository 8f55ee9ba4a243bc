// The global --grading filter (and NEXUS_GRADING) on the CLI, beside the ingest's own --grading code; STIX
// Admiralty codes graded on ingest.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { nexus, nexusJson, tempHome } from './helpers.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/stix/admiralty.stix21.json');
const KITE = 'stix-intrusion-set--ad000000-0000-4000-8000-000000000001';

type Hit = { id: string };
type Shown = { statements: { dataset: string; grading: string | null }[] };

describe('nexus --grading', () => {
  const home = tempHome('nexus-grading-');
  beforeAll(async () => {
    expect(
      (await nexus(home, 'ingest', '--dataset', 'cti', '--format', 'stix', FIXTURE, '--json')).code,
    ).toBe(0);
    // After `ingest`, --grading is the ingest's own 3x5x2 code, not a filter.
    const own = await nexus(
      home,
      'ingest',
      '--dataset',
      'cti2',
      '--grading',
      '3EC',
      '--format',
      'stix',
      FIXTURE,
    );
    expect(own.code, own.stderr).toBe(0);
  });

  it('grades STIX by its Admiralty codes unless the ingest gives a grading', async () => {
    const kite = await nexusJson<Shown>(home, 'entity', KITE);
    const by = (d: string) => [
      ...new Set(kite.statements.filter((s) => s.dataset === d).map((s) => s.grading)),
    ];
    expect(by('cti')).toEqual(['1CP']);
    expect(by('cti2')).toEqual(['3EC']);
  });

  it('shows only statements so graded, wherever the option stands', async () => {
    const ids = async (...args: string[]) => (await nexusJson<Hit[]>(home, ...args)).map((h) => h.id);
    expect(await ids('search', 'amber')).toEqual([KITE]);
    expect(await ids('--grading', 'B', 'search', 'amber')).toEqual([]);
    expect(await ids('search', 'basalt', '--grading', 'b')).toHaveLength(1);
    expect(await ids('search', 'amber', '--grading=1C')).toEqual([KITE]);
    const kite = await nexusJson<Shown>(home, '--grading', '1C', 'entity', KITE);
    expect(kite.statements.map((s) => s.grading)).toEqual(kite.statements.map(() => '1CP'));
    const stats = await nexusJson<{ datasets: Record<string, unknown> }>(home, '--grading', 'E', 'stats');
    expect(Object.keys(stats.datasets)).toEqual(['cti', 'cti2']);
    const one = await nexusJson<{ datasets: Record<string, unknown> }>(home, '--grading', '1', 'stats');
    expect(Object.keys(one.datasets)).toEqual(['cti']);
  });

  it('reads NEXUS_GRADING, and refuses a filter that is not one with GRADING_INVALID', async () => {
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: (t: string) => {
        stdout += t;
      },
      stderr: (t: string) => {
        stderr += t;
      },
      stderrIsTty: false,
    };
    expect(await main(['--home', home, 'search', 'amber', '--json'], { NEXUS_GRADING: 'B' }, io)).toBe(0);
    expect(JSON.parse(stdout)).toEqual([]);
    stdout = '';
    expect(await main(['--home', home, 'search', 'amber', '--json'], { NEXUS_GRADING: '' }, io)).toBe(0);
    expect(JSON.parse(stdout)).toHaveLength(1);
    expect(await main(['--home', home, 'stats'], { NEXUS_GRADING: 'ZZ' }, io)).toBe(1);
    expect(stderr).toMatch(/GRADING_INVALID: grading filter "ZZ" is not valid/);
    const bad = await nexus(home, '--grading', '2BP', 'stats');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('GRADING_INVALID');
    const help = await nexus(home, '--help');
    expect(help.stdout).toContain('--grading EXPR');
  });
});
