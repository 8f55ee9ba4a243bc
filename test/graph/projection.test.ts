// Projection, state exposure, campaigns and their access rules on a small hand-made case with known answers.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperator, makeContext } from '../../src/access/index.js';
import { GraphService, project } from '../../src/graph/index.js';
import { newEntity, type SourceRecord } from '../../src/ingest/reader.js';
import { validateRecord } from '../../src/ingest/validate.js';
import { SqliteStore } from '../../src/store/index.js';

const admin = localOperator('tester', 'graph test');
const official = makeContext({ user: 'analyst', clearance: 'OFFICIAL', purpose: 'graph test' });

function rec(id: string, schema: string, props: Record<string, string[]>): SourceRecord {
  const e = newEntity(id, schema);
  for (const [k, v] of Object.entries(props)) e.properties.set(k, v);
  return { kind: 'record', origin: { file: 'case.jsonl', line: 1 }, entities: [e] };
}

async function put(store: SqliteStore, records: SourceRecord[], marking = 'OFFICIAL', dataset = 'case') {
  const groups = records.map((r) => ({
    groups: validateRecord(r, { dataset, marking, grading: 'B2P', now: '2026-01-01T00:00:00' }).groups,
  }));
  await store.upsertDataset(admin, { name: dataset, title: dataset, fictional: true });
  await store.putStatements(admin, { dataset, records: groups });
}

describe('graph projection and exposure', () => {
  let store: SqliteStore;
  beforeAll(async () => {
    store = new SqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'nexus-graph-')), 'nexus.db') });
    await store.migrate();
    // A DPRK-listed trading firm owns a shipping company whose director is a drug trafficker; a broker
    // shares a phone with the trafficker. Two fraud reports share an IBAN.
    await put(store, [
      rec('firm', 'Company', { name: ['Korea Ryonbong Trading'], country: ['kp'] }),
      rec('ship', 'Company', { name: ['Blue Sea Shipping Ltd'], jurisdiction: ['gb'] }),
      rec('traf', 'Person', {
        name: ['John Trafficker'],
        topics: ['crime.traffick.drug'],
        phone: ['+447700900123'],
      }),
      rec('broker', 'Person', { name: ['Bob Broker'], phone: ['+447700900123'] }),
      rec('lonely', 'Person', { name: ['Nobody Connected'] }),
      rec('sanc', 'Sanction', { entity: ['firm'], program: ['DPRK3'], authority: ['OFAC'] }),
      rec('own', 'Ownership', {
        owner: ['firm'],
        asset: ['ship'],
        percentage: ['60'],
        startDate: ['2020-01-01'],
      }),
      rec('dir', 'Directorship', { director: ['traf'], organization: ['ship'], startDate: ['2021-05-01'] }),
      rec('rep1', 'Document', { title: ['Fraud report 1'], ibanMentioned: ['GB33BUKB20201555555555'] }),
      rec('rep2', 'Document', { title: ['Fraud report 2'], ibanMentioned: ['GB33BUKB20201555555555'] }),
      // An open record naming an entity only the secret source describes.
      rec('own2', 'Ownership', { owner: ['officer'], asset: ['ship'], role: ['nominee'] }),
    ]);
    // A secret source ties the broker to an intelligence officer of the same state.
    await put(
      store,
      [
        rec('officer', 'Person', { name: ['Kim Secret'], nationality: ['kp'], topics: ['role.spy'] }),
        rec('link', 'UnknownLink', { subject: ['officer'], object: ['broker'], role: ['handler'] }),
      ],
      'SECRET',
      'intel',
    );
  });
  afterAll(async () => {
    await store.close();
  });

  it('projects relationships, references and shared values, with the highest marking inside', async () => {
    const p = await project(store, admin);
    expect(p.graph.n).toBe(9);
    const kinds = p.graph.a.kinds;
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Ownership',
        'Directorship',
        'UnknownLink',
        'Sanction:entity',
        'shared:phone',
        'shared:iban',
      ]),
    );
    expect(p.marking).toBe('SECRET');
    const own = [...Array(p.graph.m).keys()].find((e) => p.graph.kindOf(e) === 'Ownership') as number;
    expect(p.graph.id(p.graph.a.src[own] as number)).toBe('firm');
    expect(p.graph.id(p.graph.a.dst[own] as number)).toBe('ship');
    expect(p.graph.a.directed[own]).toBe(1);
    expect(p.graph.evidenceOf(own)).toBe('own');
  });

  it('leaves out what the reader may not see, edges to hidden entities included', async () => {
    const p = await project(store, official);
    expect(p.graph.node('officer')).toBeUndefined();
    expect(p.stats.danglingEdges).toBe(1);
    expect(JSON.stringify(p.graph.a.ids)).not.toContain('officer');
    expect(p.marking).toBe('OFFICIAL');
    for (let e = 0; e < p.graph.m; e++) expect(p.graph.kindOf(e)).not.toBe('UnknownLink');
  });

  it('finds state seeds with reasons and ranks the proxy candidate with its evidence path', async () => {
    const service = new GraphService(store);
    const answer = await service.exposure(admin, { state: 'kp', limit: 20 });
    const byId = new Map(answer.entities.map((e) => [e.id, e]));
    expect(byId.get('firm')?.seed).toBe(true);
    expect(byId.get('firm')?.reasons.map((r) => r.text)).toContain('sanctioned under DPRK3');
    expect(byId.get('officer')?.reasons.map((r) => r.rule)).toEqual(['topic']);
    // Owned by a listed firm: a seed by the ownership rule.
    expect(byId.get('ship')?.reasons[0]?.rule).toBe('owned');
    const traf = byId.get('traf');
    expect(traf?.proxy).toBe(true);
    expect(traf?.seed).toBe(false);
    // ship is a seed (score 1); a directorship carries 0.7.
    expect(traf?.score).toBeCloseTo(0.7, 6);
    expect(traf?.path.map((h) => [h.from.id, h.kind, h.direction, h.to.id])).toEqual([
      ['ship', 'Directorship', 'backward', 'traf'],
    ]);
    expect(traf?.path[0]?.evidence.entity).toMatchObject({
      id: 'dir',
      schema: 'Directorship',
      grading: ['B2P'],
    });
    expect(traf?.path[0]?.evidence.statements.length).toBeGreaterThan(0);
    // The broker is reached both through the secret handler (1 hop, 0.3) and the shared phone (0.7 * 0.5 = 0.35).
    expect(byId.get('broker')?.score).toBeCloseTo(0.35, 6);
    expect(byId.has('lonely')).toBe(false);
    expect(answer.entities.some((e) => e.schema === 'Sanction')).toBe(false);
    expect(answer.marking).toBe('SECRET');
  });

  it('gives a reader without clearance an answer built only from what they may see', async () => {
    const answer = await new GraphService(store).exposure(official, { state: 'kp', limit: 20 });
    expect(answer.entities.map((e) => e.id)).not.toContain('officer');
    expect(answer.marking).toBe('OFFICIAL');
    expect(JSON.stringify(answer)).not.toContain('Kim Secret');
  });

  it('uses chosen entities as seeds', async () => {
    const answer = await new GraphService(store).exposure(admin, { state: 'chosen', seedIds: ['traf'] });
    expect(answer.entities.find((e) => e.id === 'traf')?.seed).toBe(true);
    expect(answer.entities.find((e) => e.id === 'broker')?.path[0]?.evidence.shared).toEqual({
      type: 'phone',
      value: '+447700900123',
    });
  });

  it('finds paths with evidence, and refuses ids it cannot see like missing ones', async () => {
    const service = new GraphService(store);
    const answer = await service.paths(admin, { from: ['firm'], to: ['broker'], k: 3 });
    expect(answer.paths[0]?.hops.map((h) => h.to.id)).toEqual(['ship', 'traf', 'broker']);
    expect(answer.paths.length).toBeGreaterThanOrEqual(1);
    await expect(service.paths(official, { from: ['officer'], to: ['broker'] })).rejects.toMatchObject({
      code: 'ENTITY_NOT_FOUND',
    });
    await expect(service.paths(admin, { from: ['missing'], to: ['broker'] })).rejects.toMatchObject({
      code: 'ENTITY_NOT_FOUND',
    });
  });

  it('groups reports sharing an account into a campaign', async () => {
    const answer = await new GraphService(store).campaigns(admin);
    const iban = answer.campaigns.find((c) => c.shared.some((s) => s.type === 'iban'));
    expect(iban?.members.map((m) => m.id).sort()).toEqual(['rep1', 'rep2']);
    const phone = answer.campaigns.find((c) => c.shared.some((s) => s.type === 'phone'));
    expect(phone?.members.map((m) => m.id).sort()).toEqual(['broker', 'traf']);
  });

  it('rebuilds the projection when the store changes, and not otherwise', async () => {
    const service = new GraphService(store);
    const first = await service.projection(admin);
    expect(await service.projection(admin)).toBe(first);
    await put(store, [rec('late', 'Person', { name: ['Late Arrival'] })]);
    const second = await service.projection(admin);
    expect(second).not.toBe(first);
    expect(second.graph.node('late')).toBeDefined();
  });
});
