// Every reader loads its real dataset through the pipeline into the store: real counts, spot checks, no silent loss.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { localOperator } from '../../src/access/index.js';
import { KNOWN_SOURCES } from '../../src/demo/sources.js';
import { type IngestSummary, ingest, type Reject } from '../../src/ingest/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { DATA_DIR } from './data-dir.js';

const DATA = DATA_DIR;
const present = existsSync(DATA);
const ctx = localOperator('test', 'real-data test');

describe.skipIf(!present)(`real datasets through the pipeline (needs ${DATA}; set NEXUS_DATA_DIR)`, () => {
  const store = new SqliteStore({ path: ':memory:' });
  const summaries = new Map<string, IngestSummary>();
  const rejects = new Map<string, Reject[]>();

  beforeAll(async () => {
    await store.migrate();
    for (const source of KNOWN_SOURCES) {
      const paths = source.paths.map((p) => join(DATA, p));
      if (!paths.every((p) => existsSync(p))) throw new Error(`missing ${paths.join(', ')}`);
      const list: Reject[] = [];
      const summary = await ingest(ctx, store, {
        dataset: source.dataset,
        format: source.format,
        paths,
        onReject: (r) => list.push(r),
      });
      summaries.set(source.dataset, summary);
      rejects.set(source.dataset, list);
    }
  }, 120_000);

  it('loads the OFAC SDN list: every entry, its aliases and programmes', async () => {
    expect(summaries.get('ofac_sdn')).toMatchObject({ accepted: 8976, rejected: 0 });
    const stats = await store.stats(ctx);
    expect(stats.datasets.ofac_sdn?.entities).toBeGreaterThan(38_000);
    // KOMID, a DPRK-programme entity: aliases, and a Sanction per programme pointing at it.
    const komid = await store.getEntity(ctx, 'ofac-9345');
    expect(komid?.schema.name).toBe('Company');
    expect(komid?.properties.get('alias')?.length).toBeGreaterThanOrEqual(5);
    const refs = await store.referencing(ctx, 'ofac-9345');
    const programmes = [];
    for (const r of refs.filter((x) => x.schema === 'Sanction'))
      programmes.push(...((await store.getEntity(ctx, r.entityId))?.properties.get('program') ?? []));
    expect(programmes).toEqual(expect.arrayContaining(['DPRK2']));
    const lazarus = await store.searchNames(ctx, 'lazarus group', { dataset: 'ofac_sdn' });
    expect(lazarus[0]?.id).toBe('ofac-27307');
  });

  it('turns OFAC digital currency remarks into wallets held by the entry', async () => {
    const wallets = await store.listEntities(
      ctx,
      { schema: 'CryptoWallet', dataset: 'ofac_sdn' },
      { limit: 1000 },
    );
    expect(wallets.items.length).toBe(96);
    const holders = new Set(wallets.items.flatMap((w) => w.properties.get('holder') ?? []));
    expect(holders.has('ofac-28263')).toBe(true);
  });

  it('loads the UN list with DPRK sanctions under the 1718 Committee', async () => {
    expect(summaries.get('un_sc')).toMatchObject({ accepted: 1003, rejected: 0 });
    const kp = await store.listEntities(
      ctx,
      { dataset: 'un_sc', country: 'kp', schema: 'Person' },
      { limit: 1000 },
    );
    expect(kp.items.length).toBeGreaterThan(50);
    const ra = (await store.searchNames(ctx, "ra ky'ong-su", { dataset: 'un_sc' }))[0];
    expect(ra).toBeDefined();
    const sanctions = (await store.referencing(ctx, ra?.id ?? '')).filter((r) => r.schema === 'Sanction');
    const sanction = await store.getEntity(ctx, sanctions[0]?.entityId ?? '');
    expect(sanction?.properties.get('program')?.join(' ')).toMatch(/1718/);
  });

  it('loads MITRE ATT&CK groups with state attribution and uses-links', async () => {
    const hits = await store.searchNames(ctx, 'lazarus', { dataset: 'mitre_attack' });
    const lazarus = await store.getEntity(ctx, hits[0]?.id ?? '');
    expect(lazarus?.properties.get('topics')).toContain('crime.cyber');
    expect(lazarus?.properties.get('country')).toContain('kp');
    const links = (await store.referencing(ctx, lazarus?.id ?? '')).filter((r) => r.schema === 'UnknownLink');
    expect(links.length).toBeGreaterThan(10);
    // Skipped STIX objects (techniques, tactics) are reported, never silently dropped.
    expect(summaries.get('mitre_attack')?.rejected).toBe(rejects.get('mitre_attack')?.length);
  });

  it('loads OpenSanctions FtM exports with nested entities and ownership', async () => {
    expect(summaries.get('os_zala')).toMatchObject({ accepted: 91, rejected: 0 });
    const stats = await store.stats(ctx);
    expect(stats.datasets.os_zala?.entities).toBe(91);
    expect(stats.datasets.os_parteispenden?.entities).toBe(475);
    const owners = await store.listEntities(ctx, { dataset: 'os_zala', schema: 'Ownership' }, { limit: 100 });
    expect(owners.items.length).toBe(14);
  });

  it('reports every reject with file and reason, and keeps value-level rejects few', () => {
    for (const [dataset, list] of rejects) {
      for (const r of list) {
        expect(r.file, dataset).toBeTruthy();
        expect(r.reason, dataset).toBeTruthy();
      }
      const s = summaries.get(dataset);
      if (s && dataset !== 'mitre_attack' && dataset !== 'mitre_groups')
        expect(s.invalidValues, dataset).toBeLessThan(15);
    }
  });
});
