// State exposure on real data: the OpenSanctions Russian drone-maker cluster (ZALA AERO and its owners,
// directors and relatives). Its owners and directors must surface with their paths and the records behind them.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperator } from '../../src/access/index.js';
import { GraphService, type Projection } from '../../src/graph/index.js';
import { ingest } from '../../src/ingest/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { DATA_DIR } from './data-dir.js';

const FILE = join(DATA_DIR, 'opensanctions-ftm-fixtures', 'zala_sanctions.ftm.jsonl');
const ctx = localOperator('test', 'exposure on real data');

describe.skipIf(!existsSync(FILE))(`exposure on the ZALA AERO cluster (needs ${FILE})`, () => {
  let store: SqliteStore;
  let service: GraphService;
  let p: Projection;
  const idOf = (caption: string) => {
    for (let u = 0; u < p.graph.n; u++) if (p.nodes.captionOf(u) === caption) return p.graph.id(u);
    throw new Error(`no node captioned ${caption}`);
  };

  beforeAll(async () => {
    store = new SqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'nexus-zala-')), 'nexus.db') });
    await store.migrate();
    await ingest(ctx, store, { dataset: 'zala', format: 'ftm', paths: [FILE] });
    service = new GraphService(store);
    p = await service.projection(ctx);
  });
  afterAll(async () => {
    await store.close();
  });

  it('projects the cluster: ownership, directorships, family ties and sanctions', () => {
    for (const kind of ['Ownership', 'Directorship', 'Family', 'Sanction:entity'])
      expect(p.graph.a.kinds, kind).toContain(kind);
    expect(p.stats.entities).toBe(91);
  });

  it("surfaces ZALA AERO's owners and directors with their paths and evidence", async () => {
    const zala = idOf('ZALA AERO JSC');
    const answer = await service.exposure(ctx, { state: 'chosen', seedIds: [zala], limit: 100 });
    // Who owns or directs ZALA AERO, straight from the data.
    const owners = new Set<string>();
    for (let e = 0; e < p.graph.m; e++) {
      const kind = p.graph.kindOf(e);
      if (
        (kind === 'Ownership' || kind === 'Directorship') &&
        p.graph.id(p.graph.a.dst[e] as number) === zala
      )
        owners.add(p.graph.id(p.graph.a.src[e] as number));
    }
    expect(owners.size).toBeGreaterThan(0);
    for (const owner of owners) {
      const entry = answer.entities.find((x) => x.id === owner);
      expect(entry, owner).toBeDefined();
      expect(entry?.hops).toBe(1);
      const hop = entry?.path[0];
      expect(hop?.from.id).toBe(zala);
      expect(['Ownership', 'Directorship']).toContain(hop?.kind);
      expect(hop?.direction).toBe('backward');
      expect(hop?.evidence.entity?.datasets).toEqual(['zala']);
      expect(hop?.evidence.statements.length).toBeGreaterThan(0);
    }
  });

  it('ties the cluster to Russia through sanctions programmes, and explains each seed', async () => {
    const answer = await service.exposure(ctx, { state: 'ru', limit: 200 });
    expect(answer.seeds).toBeGreaterThan(5);
    const zala = answer.entities.find((e) => e.caption === 'ZALA AERO JSC');
    expect(zala?.seed).toBe(true);
    const zakharov = answer.entities.find((e) => e.caption === 'Aleksandr Vyacheslavovich Zakharov');
    expect(zakharov?.reasons.some((r) => r.rule === 'sanction' && /RUSSIA-EO14024/.test(r.text))).toBe(true);
    // Nobody here is tied to North Korea.
    expect((await service.exposure(ctx, { state: 'kp' })).seeds).toBe(0);
  });
});
