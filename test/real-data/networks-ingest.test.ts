// Research networks through the pipeline: UCINET matrices (criminal-networks) and the Krebs 9/11 edge list.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperator } from '../../src/access/index.js';
import { networkPersonId } from '../../src/ingest/adjacency-reader.js';
import { type IngestSummary, ingest, type Reject } from '../../src/ingest/index.js';
import { stableId } from '../../src/model/ids.js';
import { SqliteStore } from '../../src/store/index.js';
import { DATA_DIR } from './data-dir.js';

const MATRICES = join(DATA_DIR, 'criminal-networks');
const KREBS = join(DATA_DIR, 'covert-911-hijackers-krebs', 'full_9_11_edgelist.txt');
const present = existsSync(MATRICES) && existsSync(KREBS);
const ctx = localOperator('test', 'real-data test');

// Node counts as SOURCE.md gives them.
const NODES: Record<string, number> = {
  'morselli_caviar.csv': 110,
  'morselli_cielnet.csv': 25,
  'morselli_siren.csv': 44,
  'morselli_togo.csv': 33,
  'natajaran_cocaine.csv': 28,
  'macdonald_tfc.csv': 112,
  'MONTREALGANG.csv': 35,
  'ITALIAN_GANGS.csv': 67,
};

/** The ties a matrix implies, worked out here independently of the reader: pairs if symmetric, else cells. */
function expectedTies(path: string): { symmetric: boolean; ties: number } {
  const rows = parse(readFileSync(path), { bom: true }) as string[][];
  const n = (rows[0]?.length ?? 1) - 1;
  const w = (i: number, j: number) => Number(rows[i + 1]?.[j + 1] || 0);
  let symmetric = true;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (w(i, j) !== w(j, i)) symmetric = false;
  let ties = 0;
  for (let i = 0; i < n; i++)
    for (let j = symmetric ? i + 1 : 0; j < n; j++) if (i !== j && w(i, j) !== 0) ties++;
  return { symmetric, ties };
}

const datasetOf = (file: string) =>
  `net_${file
    .replace(/\.[a-z]+$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')}`;

describe.skipIf(!present)(`research networks through the pipeline (needs ${MATRICES} and ${KREBS})`, () => {
  let dir: string;
  let store: SqliteStore;
  const first = new Map<string, IngestSummary>();
  const again = new Map<string, IngestSummary>();
  const rejects = new Map<string, Reject[]>();

  const load = (dataset: string, format: string, path: string, list: Reject[]) =>
    ingest(ctx, store, { dataset, format, paths: [path], onReject: (r) => list.push(r) });

  const count = async (dataset: string, schema: string) =>
    (await store.listEntities(ctx, { dataset, schema }, { limit: 100_000 })).items.length;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-networks-'));
    store = new SqliteStore({ path: join(dir, 'nexus.db') });
    await store.migrate();
    const sources: Array<[string, string, string]> = [
      ...Object.keys(NODES).map((f): [string, string, string] => [
        datasetOf(f),
        'adjacency',
        join(MATRICES, f),
      ]),
      ['krebs_911', 'edgelist', KREBS],
    ];
    for (const [dataset, format, path] of sources) {
      const list: Reject[] = [];
      first.set(dataset, await load(dataset, format, path, list));
      again.set(dataset, await load(dataset, format, path, list));
      rejects.set(dataset, list);
    }
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [file, nodes] of Object.entries(NODES)) {
    it(`loads ${file}: ${nodes} people and every tie the matrix implies`, async () => {
      const dataset = datasetOf(file);
      const { symmetric, ties } = expectedTies(join(MATRICES, file));
      expect(rejects.get(dataset)).toEqual([]);
      expect(first.get(dataset)).toMatchObject({ format: 'adjacency', rejected: 0, invalidValues: 0 });
      expect(await count(dataset, 'Person')).toBe(nodes);
      const associates = await count(dataset, 'Associate');
      const links = await count(dataset, 'UnknownLink');
      expect(associates + links).toBe(ties);
      expect(symmetric ? links : associates).toBe(0);
      expect(first.get(dataset)?.entities).toBe(nodes + ties);
      // A rerun of the same file adds nothing.
      expect(again.get(dataset)).toMatchObject({ entities: 0, statements: 0, accepted: 0, rejected: 0 });
    });
  }

  it('keeps the weights and directions of CAVIAR (asymmetric communication counts)', async () => {
    const net = 'morselli_caviar';
    const link = await store.getEntity(ctx, stableId('net-link', 'morselli_caviar.csv', '1', '2'));
    expect(link?.schema.name).toBe('UnknownLink');
    expect(link?.properties.get('subject')).toEqual([networkPersonId(net, '1')]);
    expect(link?.properties.get('object')).toEqual([networkPersonId(net, '2')]);
    expect(link?.properties.get('summary')).toEqual(['weight=52; directed']);
    expect(link?.properties.get('role')).toEqual(['tie']);
    const back = await store.getEntity(ctx, stableId('net-link', 'morselli_caviar.csv', '2', '1'));
    expect(back?.properties.get('summary')).toEqual(['weight=29; directed']);
    const n1 = await store.getEntity(ctx, networkPersonId(net, '1'));
    expect(n1?.schema.name).toBe('Person');
    expect(n1?.properties.get('name')).toEqual(['1']);
  });

  it('loads the French Connection (symmetric, named) as Associates between named people', async () => {
    const hits = await store.searchNames(ctx, 'jean baptiste croce', { dataset: 'net_macdonald_tfc' });
    expect(hits[0]?.id).toBe(networkPersonId('macdonald_tfc', 'jean baptiste croce'));
    const refs = await store.referencing(ctx, hits[0]?.id ?? '');
    expect(refs.length).toBeGreaterThan(0);
    expect(new Set(refs.map((r) => r.schema))).toEqual(new Set(['Associate']));
  });

  it('loads the Krebs 9/11 edge list: one Associate per pair, however often and whichever way it is listed', async () => {
    const lines = (parse(readFileSync(KREBS), { skip_empty_lines: true }) as string[][]).map(
      ([a = '', b = '', w = '']) => ({ a, b, w: Number(w) }),
    );
    const people = new Set(lines.flatMap((l) => [l.a, l.b]));
    const firstWeight = new Map<string, number>();
    let conflicts = 0;
    for (const { a, b, w } of lines) {
      const key = [a, b].sort().join('\u0000');
      const before = firstWeight.get(key);
      if (before === undefined) firstWeight.set(key, w);
      else if (before !== w) conflicts++;
    }
    expect(lines.length).toBe(382);
    expect(await count('krebs_911', 'Person')).toBe(people.size);
    expect(await count('krebs_911', 'Associate')).toBe(firstWeight.size);
    const summary = first.get('krebs_911');
    expect(summary).toMatchObject({ format: 'edgelist', rejected: 0, invalidValues: conflicts });
    expect(summary?.entities).toBe(people.size + firstWeight.size);
    expect(rejects.get('krebs_911')?.every((r) => r.code === 'VALUE_INVALID' && r.field === 'weight')).toBe(
      true,
    );
    expect(again.get('krebs_911')).toMatchObject({ entities: 0, statements: 0, accepted: 0 });
    const atta = await store.searchNames(ctx, 'mohamed atta', { dataset: 'krebs_911' });
    expect(atta[0]?.id).toBe(networkPersonId('full_9_11_edgelist', 'Mohamed Atta'));
  });
});
