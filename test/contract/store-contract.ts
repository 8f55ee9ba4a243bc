// The Store contract: every implementation (SQLite now, PostgreSQL later) must pass this same suite.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AccessContext,
  gradingPasses,
  localOperator,
  makeContext,
  parseGradingFilter,
  withGrading,
} from '../../src/access/index.js';
import { newEntity, type SourceRecord } from '../../src/ingest/reader.js';
import { validateRecord } from '../../src/ingest/validate.js';
import type { MatchKeys, RecordStatements, Store } from '../../src/store/index.js';

const NOW = '2026-01-01T00:00:00';

function record(id: string, schema: string, props: Record<string, string[]>, line = 1): SourceRecord {
  const e = newEntity(id, schema);
  for (const [k, v] of Object.entries(props)) e.properties.set(k, v);
  return { kind: 'record', origin: { file: 'fixture.jsonl', line }, entities: [e] };
}

function statementsOf(
  rec: SourceRecord,
  dataset = 'case',
  marking = 'OFFICIAL',
  grading: string | null = null,
): RecordStatements {
  const v = validateRecord(rec, { dataset, marking, grading, now: NOW });
  expect(v.rejects).toEqual([]);
  return { groups: v.groups };
}

export function runStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    const admin: AccessContext = localOperator('tester', 'contract test');
    const official = makeContext({ user: 'analyst', clearance: 'OFFICIAL', purpose: 'contract test' });
    const secretNoEyes = makeContext({ user: 'secret', clearance: 'SECRET', purpose: 'contract test' });

    beforeEach(async () => {
      store = await makeStore();
      const m = await store.migrate();
      expect(m.error).toBeUndefined();
    });
    afterEach(async () => {
      await store.close();
    });

    async function put(records: RecordStatements[], dataset = 'case') {
      return store.putStatements(admin, { dataset, records });
    }

    it('migrates idempotently', async () => {
      const again = await store.migrate();
      expect(again.error).toBeUndefined();
      expect(again.applied).toEqual([]);
      expect(again.version).toBeGreaterThan(0);
    });

    it('stores an entity once however often it is written', async () => {
      const rec = statementsOf(record('p1', 'Person', { name: ['Viktor Kazan'], birthDate: ['1970-01-02'] }));
      const first = await put([rec]);
      expect(first.newPerRecord).toEqual([3]);
      expect(first.entitiesCreated).toBe(1);
      const second = await put([rec]);
      expect(second.newPerRecord).toEqual([0]);
      expect(second.statementsWritten).toBe(0);
      const entity = await store.getEntity(admin, 'p1');
      expect(entity?.schema.name).toBe('Person');
      expect(entity?.properties.get('birthDate')).toEqual(['1970-01-02']);
      expect(entity?.caption).toBe('Viktor Kazan');
      expect(await store.getEntity(admin, 'missing')).toBeUndefined();
    });

    it('loads several entities at once, as getEntity would each', async () => {
      await put([
        statementsOf(record('m1', 'Person', { name: ['One'] })),
        statementsOf(record('m2', 'Person', { name: ['Two'] }, 2)),
        statementsOf(record('m3', 'Person', { name: ['CANARYHIDDENMANY'] }, 3), 'case', 'SECRET'),
      ]);
      const many = await store.getEntities(admin, ['m2', 'm1', 'missing', 'm1']);
      expect([...many.keys()].sort()).toEqual(['m1', 'm2']);
      expect(many.get('m2')?.toFtM()).toEqual((await store.getEntity(admin, 'm2'))?.toFtM());
      expect([...(await store.getEntities(official, ['m1', 'm3'])).keys()]).toEqual(['m1']);
      await store.judge(admin, 'm1', 'm2', 'match', 'same');
      const merged = await store.getEntities(admin, ['m1']);
      expect(merged.get('m1')?.referents).toEqual(['m1', 'm2']);
    });

    it('merges schemata to the most specific across sources', async () => {
      await put([statementsOf(record('o1', 'LegalEntity', { name: ['Harbour Freight'] }), 'a')], 'a');
      await put([statementsOf(record('o1', 'Company', { name: ['Harbour Freight Ltd'] }, 2), 'b')], 'b');
      const e = await store.getEntity(admin, 'o1');
      expect(e?.schema.name).toBe('Company');
      expect(e?.datasets).toEqual(['a', 'b']);
      const page = await store.listEntities(admin, { schema: 'Company' }, { limit: 10 });
      expect(page.items.map((x) => x.id)).toEqual(['o1']);
    });

    it('digest does not depend on write order', async () => {
      const a = statementsOf(record('a', 'Person', { name: ['A One'] }));
      const b = statementsOf(record('b', 'Person', { name: ['B Two'] }));
      await put([a, b]);
      const d1 = await store.digest(admin);
      const other = await makeStore();
      await other.migrate();
      await other.putStatements(admin, { dataset: 'case', records: [b] });
      await other.putStatements(admin, { dataset: 'case', records: [a, b] });
      expect(await other.digest(admin)).toBe(d1);
      await other.close();
    });

    it('finds names case- and accent-insensitively, by prefix', async () => {
      await put([
        statementsOf(record('p1', 'Person', { name: ['José Müller-Ávila'] })),
        statementsOf(record('p2', 'Person', { name: ['John Smith'] })),
        statementsOf(record('c1', 'Company', { name: ['Müller Logistics GmbH'] })),
      ]);
      expect((await store.searchNames(admin, 'jose muller')).map((h) => h.id)).toEqual(['p1']);
      expect((await store.searchNames(admin, 'MULL')).map((h) => h.id).sort()).toEqual(['c1', 'p1']);
      expect((await store.searchNames(admin, 'mull', { schema: 'Company' })).map((h) => h.id)).toEqual([
        'c1',
      ]);
      expect(await store.searchNames(admin, '"*)(')).toEqual([]);
      const hit = (await store.searchNames(admin, 'smith'))[0];
      expect(hit).toMatchObject({ id: 'p2', schema: 'Person', caption: 'John Smith' });
      expect(hit?.score).toBeGreaterThan(0);
    });

    it('lists by schema, dataset, topic and country with paging', async () => {
      const recs = [];
      for (let i = 0; i < 25; i++) {
        recs.push(
          statementsOf(
            record(`p${String(i).padStart(2, '0')}`, 'Person', {
              name: [`Person ${i}`],
              nationality: [i % 2 ? 'ru' : 'gb'],
              topics: i < 5 ? ['crime.cyber'] : [],
            }),
          ),
        );
      }
      await put(recs);
      await put(
        [statementsOf(record('c1', 'Company', { name: ['Shell Co'], jurisdiction: ['ru'] }), 'other')],
        'other',
      );
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const page = await store.listEntities(admin, { schema: 'Person' }, { limit: 10, after });
        seen.push(...page.items.map((e) => e.id));
        after = page.next;
      } while (after !== null);
      expect(seen).toHaveLength(25);
      expect(new Set(seen).size).toBe(25);
      expect((await store.listEntities(admin, { topic: 'crime.cyber' }, { limit: 100 })).items).toHaveLength(
        5,
      );
      expect((await store.listEntities(admin, { country: 'ru' }, { limit: 100 })).items).toHaveLength(13);
      expect(
        (await store.listEntities(admin, { country: 'ru', schema: 'Company' }, { limit: 100 })).items.map(
          (e) => e.id,
        ),
      ).toEqual(['c1']);
      expect(
        (await store.listEntities(admin, { dataset: 'other' }, { limit: 100 })).items.map((e) => e.id),
      ).toEqual(['c1']);
      expect(
        (await store.listEntities(admin, { topic: 'crime.cyber', country: 'gb' }, { limit: 100 })).items,
      ).toHaveLength(3);
    });

    it('answers which entities reference an entity', async () => {
      await put([
        statementsOf(record('owner', 'Person', { name: ['Owner'] })),
        statementsOf(record('co', 'Company', { name: ['Co'] })),
        statementsOf(record('own1', 'Ownership', { owner: ['owner'], asset: ['co'], percentage: ['51'] })),
        statementsOf(record('san1', 'Sanction', { entity: ['co'], program: ['DPRK3'] })),
      ]);
      const refs = await store.referencing(admin, 'co');
      expect(refs.map((r) => `${r.entityId}.${r.prop}`).sort()).toEqual(['own1.asset', 'san1.entity']);
      expect(refs.find((r) => r.entityId === 'own1')?.schema).toBe('Ownership');
    });

    it('counts per schema and dataset', async () => {
      await put([
        statementsOf(record('p1', 'Person', { name: ['A'] })),
        statementsOf(record('c1', 'Company', { name: ['B'] })),
      ]);
      await store.upsertDataset(admin, { name: 'case', title: 'Case', fictional: false });
      const stats = await store.stats(admin);
      expect(stats.entities).toEqual({ Company: 1, Person: 1 });
      expect(stats.statements).toBe(4);
      expect(stats.datasets).toEqual({ case: { entities: 2, statements: 4 } });
      expect(await store.datasetEntities(admin, 'case')).toBe(2);
      expect(await store.datasetEntities(admin, 'nowhere')).toBe(0);
      expect((await store.datasets(admin)).map((d) => d.name)).toEqual(['case']);
    });

    it('never shows a statement above the reader clearance, anywhere', async () => {
      await put([statementsOf(record('p1', 'Person', { name: ['Public Name'] }))]);
      const before = { stats: await store.stats(official), digest: await store.digest(official) };
      await put([
        statementsOf(record('p1', 'Person', { alias: ['CANARYSECRETALIAS'] }, 2), 'case', 'SECRET'),
        statementsOf(record('hidden', 'Person', { name: ['CANARYHIDDENPERSON'] }, 3), 'case', 'SECRET'),
        statementsOf(
          record('link', 'UnknownLink', { subject: ['hidden'], object: ['p1'] }, 4),
          'case',
          'SECRET',
        ),
        statementsOf(
          record('eyes', 'Person', { name: ['CANARYEYESONLY'] }, 5),
          'case',
          'SECRET UK EYES ONLY',
        ),
      ]);
      expect(await store.getEntity(official, 'hidden')).toBeUndefined();
      expect(JSON.stringify((await store.getEntity(official, 'p1'))?.toFtM())).not.toContain('CANARY');
      expect(await store.searchNames(official, 'canarysecretalias')).toEqual([]);
      expect(await store.searchNames(official, 'canaryhiddenperson')).toEqual([]);
      expect(await store.referencing(official, 'p1')).toEqual([]);
      expect((await store.listEntities(official, {}, { limit: 100 })).items.map((e) => e.id)).toEqual(['p1']);
      expect(await store.stats(official)).toEqual(before.stats);
      expect(await store.digest(official)).toBe(before.digest);
      // One dataset's count is the store-wide count's, for each reader: hidden entities are not counted.
      expect(await store.datasetEntities(official, 'case')).toBe(1);
      expect(await store.datasetEntities(admin, 'case')).toBe(4);
      expect(await store.datasetEntities(secretNoEyes, 'case')).toBe(3);
      // SECRET without the caveat sees SECRET but not UK EYES ONLY.
      expect(await store.getEntity(secretNoEyes, 'hidden')).toBeDefined();
      expect(await store.getEntity(secretNoEyes, 'eyes')).toBeUndefined();
      expect(await store.searchNames(secretNoEyes, 'canaryeyesonly')).toEqual([]);
      const withEyes = makeContext({
        user: 'x',
        clearance: 'SECRET',
        caveats: ['UK EYES ONLY'],
        purpose: 'test',
      });
      expect((await store.getEntity(withEyes, 'eyes'))?.marking).toBe('SECRET UK EYES ONLY');
      expect((await store.getEntity(admin, 'p1'))?.marking).toBe('SECRET');
      const exported = [];
      for await (const e of store.exportDataset(official, 'case')) exported.push(JSON.stringify(e.toFtM()));
      expect(exported.join('\n')).not.toContain('CANARY');
      expect(exported).toHaveLength(1);
    });

    it('lists only datasets the reader can see something of', async () => {
      await put([statementsOf(record('p1', 'Person', { name: ['Open'] }))], 'case');
      await put(
        [statementsOf(record('p2', 'Person', { name: ['Hidden'] }), 'secretds', 'SECRET')],
        'secretds',
      );
      await store.upsertDataset(admin, { name: 'case', title: 'Case', fictional: false });
      await store.upsertDataset(admin, { name: 'secretds', title: 'CANARYSECRETDATASET', fictional: false });
      expect((await store.datasets(admin)).map((d) => d.name)).toEqual(['case', 'secretds']);
      expect((await store.datasets(official)).map((d) => d.name)).toEqual(['case']);
      // `keep` creates a dataset that is absent and leaves one that exists exactly as it is.
      await store.upsertDataset(
        official,
        { name: 'secretds', title: 'Overwritten', fictional: true },
        { keep: true },
      );
      await store.upsertDataset(admin, { name: 'fresh', title: 'Fresh', fictional: true }, { keep: true });
      await put([statementsOf(record('p3', 'Person', { name: ['Fresh One'] }), 'fresh')], 'fresh');
      const titles = Object.fromEntries(
        (await store.datasets(admin)).map((d) => [d.name, [d.title, d.fictional]]),
      );
      expect(titles.secretds).toEqual(['CANARYSECRETDATASET', false]);
      expect(titles.fresh).toEqual(['Fresh', true]);
    });

    it('shows a reader with a grading filter exactly the statements whose grading passes, everywhere', async () => {
      const { createHash } = await import('node:crypto');
      await put([
        statementsOf(
          record('g-a', 'Person', { name: ['Alpha Graded'], nationality: ['ru'] }),
          'case',
          'OFFICIAL',
          '1AP',
        ),
        statementsOf(record('g-a', 'Person', { alias: ['Alpha Bravo'] }, 2), 'case', 'OFFICIAL', '2CP'),
        statementsOf(
          record('g-b', 'Person', { name: ['Bravo Graded'], topics: ['sanction'] }, 3),
          'case',
          'OFFICIAL',
          '2BC',
        ),
        statementsOf(record('g-b', 'Person', { country: ['ir'] }, 4)),
        statementsOf(
          record('g-c', 'Person', { name: ['Charlie Graded'], nationality: ['kp'] }, 5),
          'case',
          'OFFICIAL',
          '3CP',
        ),
        statementsOf(record('g-u', 'Person', { name: ['Ungraded Person'] }, 6)),
        statementsOf(
          record('g-l', 'Person', { name: ['Legacy Graded'] }, 7),
          'case',
          'OFFICIAL',
          '5x5x5:A11',
        ),
        statementsOf(record('g-s', 'Person', { name: ['Secret Graded'] }, 8), 'case', 'SECRET', '1AP'),
        statementsOf(
          record('g-link', 'UnknownLink', { subject: ['g-a'], object: ['g-b'] }, 9),
          'case',
          'OFFICIAL',
          '1AP',
        ),
      ]);
      await put(
        [statementsOf(record('g-x', 'Person', { name: ['Xray Graded'] }), 'other', 'OFFICIAL', '2DP')],
        'other',
      );
      await store.upsertDataset(admin, { name: 'case', title: 'Case', fictional: false });
      await store.upsertDataset(admin, { name: 'other', title: 'Other', fictional: false });
      const filtered = (base: AccessContext, text: string) => withGrading(base, parseGradingFilter(text));
      const everything = async (ctx: AccessContext) => {
        const out: { id: string; grading: string | null; marking: string }[] = [];
        for await (const batch of store.scanEntities(ctx)) for (const e of batch) out.push(...e.statements);
        return out;
      };
      const all = await everything(admin);
      const ids = (list: { id: string }[]) => list.map((s) => s.id).sort();

      // Exactly the matching statements, for a reader who sees every marking and for one who does not.
      for (const [name, base] of [
        ['admin', admin],
        ['official', official],
      ] as const) {
        for (const text of ['AB', '1', 'AB+ungraded', 'ungraded', '2CD', '3E', 'D']) {
          const ctx = filtered(base, text);
          const f = parseGradingFilter(text);
          const visible = name === 'admin' ? all : all.filter((s) => s.marking === 'OFFICIAL');
          const expected = ids(visible.filter((s) => gradingPasses(f, s.grading)));
          expect(ids(await everything(ctx)), `${name} ${text}`).toEqual(expected);
          const digest = createHash('sha256');
          for (const id of expected) digest.update(`${id}\n`);
          expect(await store.digest(ctx), `${name} ${text}`).toBe(digest.digest('hex'));
          const stats = await store.stats(ctx);
          expect(stats.statements, `${name} ${text}`).toBe(expected.length);
          for (const [dataset, counted] of Object.entries(stats.datasets))
            expect(await store.datasetEntities(ctx, dataset), `${name} ${text} ${dataset}`).toBe(
              counted.entities,
            );
        }
      }

      const ab = filtered(admin, 'AB');
      const abOfficial = filtered(official, 'AB');
      // An entity page holds only the matching values; an entity with none does not exist for the reader.
      expect((await store.getEntity(ab, 'g-a'))?.toFtM().properties).toEqual({
        name: ['Alpha Graded'],
        nationality: ['ru'],
      });
      expect((await store.getEntity(admin, 'g-a'))?.properties.get('alias')).toEqual(['Alpha Bravo']);
      expect((await store.getEntity(ab, 'g-b'))?.properties.get('country')).toBeUndefined();
      expect(
        (await store.getEntity(filtered(admin, 'AB+ungraded'), 'g-b'))?.properties.get('country'),
      ).toEqual(['ir']);
      for (const id of ['g-c', 'g-u', 'g-l', 'g-x'])
        expect(await store.getEntity(ab, id), id).toBeUndefined();
      expect(await store.getEntity(filtered(admin, 'AB+ungraded'), 'g-u')).toBeDefined();
      expect(await store.getEntity(filtered(admin, 'AB+ungraded'), 'g-l')).toBeUndefined();
      expect(await store.getEntity(ab, 'g-s')).toBeDefined();
      expect(await store.getEntity(abOfficial, 'g-s')).toBeUndefined();
      expect([...(await store.getEntities(ab, ['g-a', 'g-c', 'g-u'])).keys()]).toEqual(['g-a']);

      // Names, lists, references and datasets.
      expect((await store.searchNames(admin, 'bravo')).map((h) => h.id).sort()).toEqual(['g-a', 'g-b']);
      expect((await store.searchNames(ab, 'bravo')).map((h) => h.id)).toEqual(['g-b']);
      expect((await store.searchNames(abOfficial, 'graded')).map((h) => h.id).sort()).toEqual(['g-a', 'g-b']);
      expect((await store.listEntities(abOfficial, {}, { limit: 100 })).items.map((e) => e.id)).toEqual([
        'g-a',
        'g-b',
        'g-link',
      ]);
      expect((await store.listEntities(ab, { country: 'kp' }, { limit: 100 })).items).toEqual([]);
      expect(
        (await store.listEntities(ab, { topic: 'sanction' }, { limit: 100 })).items.map((e) => e.id),
      ).toEqual(['g-b']);
      expect((await store.referencing(ab, 'g-b')).map((r) => r.entityId)).toEqual(['g-link']);
      expect(await store.referencing(filtered(admin, '2'), 'g-b')).toEqual([]);
      expect((await store.datasets(admin)).map((d) => d.name)).toEqual(['case', 'other']);
      expect((await store.datasets(ab)).map((d) => d.name)).toEqual(['case']);
      expect((await store.datasets(filtered(official, 'D'))).map((d) => d.name)).toEqual(['other']);
      const exported: Record<string, unknown>[] = [];
      for await (const e of store.exportDataset(ab, 'case')) exported.push(e.toFtM().properties);
      expect(JSON.stringify(exported)).not.toMatch(/Alpha Bravo|Charlie|Ungraded|Legacy|"ir"/);

      // Faceted search: the total and every facet count only what passes.
      for (const base of [admin, official]) {
        const q = { q: 'graded', limit: 20 };
        const wide = await store.search(base, q);
        const narrow = await store.search(filtered(base, 'AB'), q);
        expect(wide.total).toBeGreaterThan(narrow.total);
        const shown = base === admin ? ['g-a', 'g-b', 'g-s'] : ['g-a', 'g-b'];
        expect(narrow.hits.map((h) => h.id).sort()).toEqual(shown);
        expect(narrow.total).toBe(shown.length);
        expect(narrow.facets.countries).toEqual([{ value: 'ru', count: 1 }]);
        expect(narrow.facets.datasets).toEqual([{ value: 'case', count: shown.length }]);
        expect(narrow.facets.topics).toEqual([{ value: 'sanction', count: 1 }]);
        expect(wide.facets.countries.map((c) => c.value).sort()).toEqual(['ir', 'kp', 'ru']);
        expect(wide.facets.datasets.map((d) => d.value).sort()).toEqual(['case', 'other']);
        const browse = await store.search(filtered(base, '1'), { limit: 20 });
        expect(browse.hits.map((h) => h.id).sort()).toEqual(
          base === admin ? ['g-a', 'g-link', 'g-s'] : ['g-a', 'g-link'],
        );
        expect((await store.search(filtered(base, 'AB'), { limit: 20, countries: ['kp'] })).total).toBe(0);
      }
    });

    it('keeps hostile values as data', async () => {
      const hostile = "x'); DROP TABLE statements;--";
      await put([statementsOf(record('p1', 'Person', { name: [hostile], notes: ["=cmd|' /C calc'!A0"] }))]);
      expect((await store.getEntity(admin, 'p1'))?.caption).toBe(hostile);
      expect((await store.searchNames(admin, hostile)).map((h) => h.id)).toEqual(['p1']);
      expect(await store.getEntity(admin, hostile)).toBeUndefined();
      expect((await store.stats(admin)).statements).toBe(3);
    });

    it('commits the checkpoint with its batch', async () => {
      const rec = statementsOf(record('p1', 'Person', { name: ['A'] }));
      await store.putStatements(admin, {
        dataset: 'case',
        records: [rec],
        checkpoint: { sourceKey: 'k1', dataset: 'case', itemsDone: 1, complete: false },
      });
      expect(await store.getCheckpoint(admin, 'k1')).toEqual({
        sourceKey: 'k1',
        dataset: 'case',
        itemsDone: 1,
        complete: false,
      });
      expect(await store.getCheckpoint(admin, 'k2')).toBeUndefined();
    });

    it('indexes match keys and retrieves candidates by the rarest shared keys', async () => {
      const recs = [
        statementsOf(record('p1', 'Person', { name: ['Kim Jong Un'] })),
        statementsOf(record('p2', 'Person', { name: ['Kim Yo Jong'] })),
        statementsOf(record('c1', 'Company', { name: ['Kim Trading'] })),
      ];
      await put(recs);
      expect(await store.matchIndexMarker(admin)).toBe(0);
      const changed = await store.entitiesChangedSince(admin, 0, 100);
      expect(changed.ids.sort()).toEqual(['c1', 'p1', 'p2']);
      expect(changed.marker).toBeGreaterThan(0);
      await store.putMatchKeys(
        admin,
        [
          { id: 'p1', keys: ['kim', 'jong', 'un'] },
          { id: 'p2', keys: ['kim', 'yo', 'jong'] },
          { id: 'c1', keys: ['kim', 'trading'] },
        ],
        changed.marker,
      );
      expect(await store.matchIndexMarker(admin)).toBe(changed.marker);
      expect((await store.entitiesChangedSince(admin, changed.marker, 100)).ids).toEqual([]);
      const found = await store.candidates(admin, ['kim', 'jong', 'un'], { limit: 10 });
      expect(found.map((c) => c.id)).toEqual(['p1', 'p2', 'c1']);
      expect(found[0]?.keys).toBe(3);
      expect(
        (await store.candidates(admin, ['kim'], { limit: 10, schemata: ['Company'] })).map((c) => c.id),
      ).toEqual(['c1']);
      expect(await store.candidates(admin, ['kim'], { limit: 1 })).toHaveLength(1);
      expect(await store.candidates(admin, ['nothing'], { limit: 10 })).toEqual([]);
      // Replacing keys drops the old ones.
      await store.putMatchKeys(admin, [{ id: 'p1', keys: ['other'] }], changed.marker);
      expect((await store.candidates(admin, ['un'], { limit: 10 })).map((c) => c.id)).toEqual([]);
      expect((await store.candidates(admin, ['other'], { limit: 10 })).map((c) => c.id)).toEqual(['p1']);
    });

    it('says whether a reader sees every statement, by the markings actually stored', async () => {
      await put([statementsOf(record('v1', 'Person', { name: ['Open Record'] }))]);
      expect(await store.seesEverything(official)).toBe(true);
      expect(await store.seesEverything(withGrading(official, parseGradingFilter('AB')))).toBe(false);
      await put([statementsOf(record('v2', 'Person', { name: ['Secret Record'] }), 'case', 'SECRET')]);
      expect(await store.seesEverything(official)).toBe(false);
      expect(await store.seesEverything(secretNoEyes)).toBe(true);
      expect(await store.seesEverything(admin)).toBe(true);
    });

    it('answers a batch of candidate queries exactly as one query at a time', async () => {
      const recs = [
        statementsOf(record('b1', 'Person', { name: ['Kim Jong Un'] }), 'lists'),
        statementsOf(record('b2', 'Person', { name: ['Kim Yo Jong'] }), 'case'),
        statementsOf(record('b3', 'Company', { name: ['Kim Trading'] }), 'lists'),
        statementsOf(record('b4', 'Person', { name: ['Jong Kim'] }), 'case'),
        statementsOf(record('b4', 'Person', { name: ['Jong Kim'] }), 'lists'),
        statementsOf(record('b5', 'Person', { name: ['Yo Un'] }), 'other'),
      ];
      await put(recs);
      const changed = await store.entitiesChangedSince(admin, 0, 100);
      await store.putMatchKeys(
        admin,
        [
          { id: 'b1', keys: ['kim', 'jong', 'un'] },
          { id: 'b2', keys: ['kim', 'yo', 'jong'] },
          { id: 'b3', keys: ['kim', 'trading'] },
          { id: 'b4', keys: ['jong', 'kim'] },
          { id: 'b5', keys: ['yo', 'un'] },
        ],
        changed.marker,
      );
      const queries = [
        { keys: ['kim', 'jong', 'un'] },
        { keys: ['kim'], schemata: ['Company'] },
        { keys: ['yo', 'un', 'yo'], schemata: ['Person', 'LegalEntity'] },
        { keys: ['nothing'] },
        { keys: [] },
        { keys: ['jong', 'trading', 'un'], schemata: [] },
      ];
      const optionSets = [
        { limit: 10 },
        { limit: 2 },
        { limit: 10, perKeyLimit: 1 },
        { limit: 10, datasets: ['lists'] },
        { limit: 10, excludeDatasets: ['case'] },
        { limit: 1, datasets: ['case', 'other'], excludeDatasets: ['case'] },
      ];
      for (const options of optionSets) {
        const batch = await store.candidatesBatch(admin, queries, options);
        const one = [];
        for (const q of queries)
          one.push(await store.candidates(admin, [...q.keys], { ...options, schemata: q.schemata }));
        expect(batch, JSON.stringify(options)).toEqual(one);
      }
      // b4 is in an excluded dataset and another: it stays, as yente keeps it.
      const kept = await store.candidatesBatch(admin, [{ keys: ['jong'] }], {
        limit: 10,
        excludeDatasets: ['case'],
      });
      expect(kept[0]?.map((c) => c.id).sort()).toEqual(['b1', 'b4']);
      expect(await store.candidatesBatch(admin, [], { limit: 5 })).toEqual([]);
    });

    it('keeps match profiles with the keys, and gives them only while they are current', async () => {
      await put([
        statementsOf(
          record('f1', 'Person', { name: ['Anna Petrova'], alias: ['Anya'], notes: ['long text'] }),
        ),
        statementsOf(record('f2', 'Person', { name: ['Anna Ivanova'] }, 2)),
        statementsOf(record('f3', 'Person', { name: ['Oleg Ivanov'] }, 3)),
      ]);
      const profile = (name: string) => ({
        schema: 'Person',
        properties: { name: [name], topics: ['sanction'] },
        datasets: ['case'],
      });
      const file = async (entries: MatchKeys[]) => {
        const { marker } = await store.entitiesChangedSince(admin, await store.matchIndexMarker(admin), 1000);
        await store.putMatchKeys(admin, entries, marker);
      };
      await file([
        { id: 'f1', keys: ['anna'], profile: profile('Anna Petrova') },
        { id: 'f2', keys: ['anna'], profile: profile('Anna Ivanova') },
        { id: 'f3', keys: ['oleg'] },
      ]);
      const ids = ['f1', 'f2', 'f3', 'nobody'];
      // Profiles come as stored, JSON text: read back here.
      const profiles = async (ctx: AccessContext, wanted: string[]) =>
        new Map(
          [...(await store.matchProfiles(ctx, wanted))].map(([id, text]) => [
            id,
            JSON.parse(text) as unknown,
          ]),
        );
      const got = await profiles(admin, ids);
      expect([...got.keys()].sort()).toEqual(['f1', 'f2']);
      expect(got.get('f1')).toEqual(profile('Anna Petrova'));
      expect(await profiles(official, ids)).toEqual(got);
      // Statements written since the index read them make every profile possibly stale: none until it catches up.
      await put([statementsOf(record('f1', 'Person', { name: ['Anna Petrovna'] }, 4), 'other')]);
      expect((await profiles(admin, ids)).size).toBe(0);
      await file([{ id: 'f1', keys: ['anna'], profile: profile('Anna Petrovna') }]);
      expect((await profiles(admin, ['f1'])).get('f1')).toEqual(profile('Anna Petrovna'));
      // A member of a cluster is scored as its cluster: no profile while merged, its own again once unmerged.
      const { canonical } = await store.judge(admin, 'f1', 'f2', 'match', 'same person');
      expect([...(await profiles(admin, ids)).keys()]).toEqual([]);
      await store.unmerge(admin, canonical as string);
      expect([...(await profiles(admin, ids)).keys()].sort()).toEqual(['f1', 'f2']);
      // Re-filed without one (no longer visible to the index), the profile goes.
      await file([{ id: 'f2', keys: [] }]);
      expect([...(await profiles(admin, ids)).keys()]).toEqual(['f1']);
      // A reader who cannot see every statement gets none: it must score what it sees.
      await put([statementsOf(record('f4', 'Person', { name: ['Hidden One'] }, 5), 'case', 'SECRET')]);
      await file([]);
      expect((await store.matchProfiles(admin, ids)).size).toBe(1);
      expect((await store.matchProfiles(official, ids)).size).toBe(0);
      // Erasure takes the profile with the record.
      await store.erase(admin, { ids: ['f1'], reason: 'contract test' });
      expect((await store.matchProfiles(admin, ids)).size).toBe(0);
    });

    it('indexes what is written after the newest records were erased', async () => {
      await put([statementsOf(record('z1', 'Person', { name: ['Zora Old'] }))]);
      const first = await store.entitiesChangedSince(admin, 0, 100);
      await store.putMatchKeys(admin, [{ id: 'z1', keys: ['zora'] }], first.marker);
      await store.erase(admin, { ids: ['z1'], reason: 'contract test' });
      // Written after the erasure: whatever row numbers the store gives it, the index must find it changed.
      await put([statementsOf(record('z2', 'Person', { name: ['Zora New'] }, 2))]);
      const next = await store.entitiesChangedSince(admin, await store.matchIndexMarker(admin), 100);
      expect(next.ids).toEqual(['z2']);
    });

    it('merges judged matches under a canonical id, keeps no-matches apart, and undoes merges', async () => {
      await put([
        statementsOf(record('a1', 'Person', { name: ['Kim Jong Un'] })),
        statementsOf(record('a2', 'Person', { name: ['KIM Jong-un'], birthDate: ['1984-01-08'] }, 2)),
        statementsOf(record('a3', 'Person', { name: ['Kim Jong-Un'] }, 3)),
        statementsOf(record('a4', 'Person', { name: ['CANARYHIDDENMEMBER'] }, 4), 'case', 'SECRET'),
      ]);
      const { canonical } = await store.judge(admin, 'a1', 'a2', 'match', 'same DOB and name');
      expect(canonical).toMatch(/^NX-/);
      const merged = await store.getEntity(admin, 'a2');
      expect(merged?.id).toBe(canonical);
      expect(merged?.referents).toEqual(['a1', 'a2']);
      expect(merged?.properties.get('name')?.sort()).toEqual(['KIM Jong-un', 'Kim Jong Un']);
      expect((await store.getEntity(admin, canonical as string))?.id).toBe(canonical);
      expect(await store.canonicalOf(admin, 'a1')).toBe(canonical);
      // A no-match keeps a3 out of the cluster, even through a later match suggestion.
      await store.judge(admin, 'a3', 'a1', 'no-match', 'different person');
      await expect(store.judge(admin, 'a3', 'a2', 'match', 'looks alike')).rejects.toMatchObject({
        code: 'JUDGEMENT_CONFLICT',
      });
      await expect(store.judge(admin, 'a1', 'a2', 'no-match', 'oops')).rejects.toMatchObject({
        code: 'JUDGEMENT_CONFLICT',
      });
      // Members the reader cannot see are not disclosed as referents.
      await store.judge(admin, 'a4', 'a1', 'match', 'source report');
      expect((await store.getEntity(official, 'a1'))?.referents).toEqual(['a1', 'a2']);
      expect(JSON.stringify((await store.getEntity(official, 'a1'))?.toFtM())).not.toContain('CANARY');
      expect((await store.getEntity(admin, 'a1'))?.referents).toEqual(['a1', 'a2', 'a4']);
      const judgements = await store.judgements(admin, 'a1');
      expect(judgements.map((j) => j.judgement)).toEqual(['match', 'no-match', 'match']);
      expect(judgements[0]?.user).toBe('tester');
      // Undo: every member stands alone again and the match judgements are retracted.
      expect(await store.unmerge(admin, canonical as string)).toEqual(['a1', 'a2', 'a4']);
      expect((await store.getEntity(admin, 'a2'))?.id).toBe('a2');
      expect(
        (await store.judgements(admin, 'a1'))
          .filter((j) => j.judgement === 'match')
          .every((j) => j.retractedAt !== null),
      ).toBe(true);
      await expect(store.unmerge(admin, canonical as string)).rejects.toMatchObject({
        code: 'ENTITY_NOT_FOUND',
      });
      await expect(store.judge(admin, 'a1', 'nope', 'match', 'x')).rejects.toMatchObject({
        code: 'ENTITY_NOT_FOUND',
      });
    });

    it('offers the best undecided suggestion next', async () => {
      await put([
        statementsOf(record('s1', 'Person', { name: ['A'] })),
        statementsOf(record('s2', 'Person', { name: ['B'] }, 2)),
        statementsOf(record('s3', 'Person', { name: ['C'] }, 3)),
      ]);
      await store.putSuggestions(admin, [
        { a: 's2', b: 's1', score: 0.9, explanation: 'x' },
        { a: 's1', b: 's3', score: 0.8, explanation: 'y' },
      ]);
      expect(await store.nextSuggestion(admin)).toMatchObject({ a: 's1', b: 's2', score: 0.9 });
      expect(await store.nextSuggestion(admin, 1)).toMatchObject({ a: 's1', b: 's3' });
      await store.judge(admin, 's1', 's2', 'unsure', 'need more');
      expect(await store.nextSuggestion(admin)).toMatchObject({ a: 's1', b: 's3' });
      await store.judge(admin, 's1', 's3', 'no-match', 'no');
      expect(await store.nextSuggestion(admin)).toBeUndefined();
    });

    it('exports a dataset with its own statements only', async () => {
      await put([statementsOf(record('p1', 'Person', { name: ['A'] }))], 'case');
      await put([statementsOf(record('p1', 'Person', { name: ['A'], alias: ['Other'] }), 'other')], 'other');
      const out = [];
      for await (const e of store.exportDataset(admin, 'case')) out.push(e.toFtM());
      expect(out).toHaveLength(1);
      expect(out[0]?.properties).toEqual({ name: ['A'] });
    });

    it('scans every visible record in batches, by dataset, with clusters and a version that moves', async () => {
      const v0 = await store.version(admin);
      await put([
        statementsOf(record('s1', 'Person', { name: ['A'] })),
        statementsOf(record('s2', 'Person', { name: ['B'] }, 2)),
        statementsOf(record('s3', 'Person', { name: ['CANARYSCAN'] }, 3), 'case', 'SECRET'),
      ]);
      await put([statementsOf(record('s1', 'Person', { name: ['A'], alias: ['Other'] }), 'other')], 'other');
      const v1 = await store.version(admin);
      expect(v1).not.toBe(v0);
      const all: string[] = [];
      let batches = 0;
      for await (const batch of store.scanEntities(admin, { batch: 1 })) {
        batches++;
        all.push(...batch.map((e) => e.id));
        // A scanned record is the record getEntity gives, caption and property order included.
        for (const e of batch) expect(e.toFtM()).toEqual((await store.getEntity(admin, e.id))?.toFtM());
      }
      expect(all.sort()).toEqual(['s1', 's2', 's3']);
      expect(batches).toBeGreaterThanOrEqual(2);
      const seen: string[] = [];
      for await (const batch of store.scanEntities(official)) seen.push(...batch.map((e) => e.id));
      expect(seen.sort()).toEqual(['s1', 's2']);
      const other: Record<string, unknown>[] = [];
      for await (const batch of store.scanEntities(admin, { datasets: ['other'] }))
        other.push(...batch.map((e) => e.toFtM().properties));
      expect(other).toEqual([{ name: ['A'], alias: ['Other'] }]);
      expect((await store.clusterMap(admin)).size).toBe(0);
      const { canonical } = await store.judge(admin, 's1', 's2', 'match', 'same');
      expect(await store.clusterMap(admin)).toEqual(
        new Map([
          ['s1', canonical],
          ['s2', canonical],
        ]),
      );
      const v2 = await store.version(admin);
      expect(v2).not.toBe(v1);
      await store.unmerge(admin, canonical as string);
      expect(await store.version(admin)).not.toBe(v2);
    });

    it('skips only suggestions the reader may see, so skipping reveals no hidden ones', async () => {
      await put([
        statementsOf(record('k1', 'Person', { name: ['A'] })),
        statementsOf(record('k2', 'Person', { name: ['B'] }, 2)),
        statementsOf(record('k3', 'Person', { name: ['C'] }, 3), 'case', 'SECRET'),
      ]);
      await store.putSuggestions(admin, [
        { a: 'k1', b: 'k3', score: 0.95, explanation: 'hidden' },
        { a: 'k1', b: 'k2', score: 0.9, explanation: 'open' },
      ]);
      expect(await store.nextSuggestion(official)).toMatchObject({ a: 'k1', b: 'k2' });
      expect(await store.nextSuggestion(official, 1)).toBeUndefined();
      expect(await store.nextSuggestion(admin, 1)).toMatchObject({ a: 'k1', b: 'k2' });
    });

    it('searches with facets over every visible match, combined filters and paging', async () => {
      await put([
        statementsOf(
          record('f-p1', 'Person', { name: ['Anna Petrova'], nationality: ['ru'], topics: ['sanction'] }),
        ),
        statementsOf(record('f-p2', 'Person', { name: ['Anna Karenina'], nationality: ['ru'] }, 2)),
        statementsOf(record('f-o1', 'LegalEntity', { name: ['Anna Holdings'] }, 3)),
        statementsOf(
          record('f-s1', 'Person', { name: ['Anna Canarysecret'], nationality: ['kp'] }, 4),
          'case',
          'SECRET',
        ),
        // Visible entities with SECRET facts: a topic, a country, a dataset and a more specific schema.
        statementsOf(
          record('f-p1', 'Person', { topics: ['role.spy'], country: ['ir'] }, 5),
          'case',
          'SECRET',
        ),
        statementsOf(record('f-p2', 'Person', { alias: ['Canaryalias'] }, 6), 'spooks', 'SECRET'),
        statementsOf(record('f-o1', 'Company', { jurisdiction: ['kp'] }, 7), 'spooks', 'SECRET'),
      ]);
      await put(
        [
          statementsOf(
            record('f-c1', 'Company', {
              name: ['Anna Shipping'],
              jurisdiction: ['cy'],
              topics: ['sanction'],
            }),
            'other',
          ),
          statementsOf(record('f-p3', 'Person', { name: ['Boris Petrov'], nationality: ['gb'] }, 2), 'other'),
        ],
        'other',
      );
      const ids = (r: { hits: { id: string }[] }) => r.hits.map((h) => h.id).sort();

      const all = await store.search(admin, { q: 'anna', limit: 100 });
      expect(all.total).toBe(5);
      expect(all.facets.schema).toEqual([
        { value: 'Person', count: 3 },
        { value: 'Company', count: 2 },
      ]);
      expect(all.facets.topics).toEqual([
        { value: 'sanction', count: 2 },
        { value: 'role.spy', count: 1 },
      ]);
      expect(all.marking).toBe('SECRET');

      // An OFFICIAL reader: the SECRET entity is in neither hits nor counts, nor are SECRET facts of visible ones.
      const seen = await store.search(official, { q: 'anna', limit: 100 });
      expect(seen.total).toBe(4);
      expect(ids(seen)).toEqual(['f-c1', 'f-o1', 'f-p1', 'f-p2']);
      expect(seen.facets).toEqual({
        schema: [
          { value: 'Company', count: 1 },
          { value: 'LegalEntity', count: 1 },
          { value: 'Person', count: 2 },
        ].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)),
        topics: [{ value: 'sanction', count: 2 }],
        countries: [
          { value: 'ru', count: 2 },
          { value: 'cy', count: 1 },
        ],
        datasets: [
          { value: 'case', count: 3 },
          { value: 'other', count: 1 },
        ],
      });
      expect(seen.marking).toBe('OFFICIAL');
      expect(JSON.stringify(seen)).not.toMatch(/canary|spooks|role\.spy|"kp"|"ir"/i);
      expect((await store.search(official, { q: 'canarysecret', limit: 10 })).total).toBe(0);
      expect((await store.search(official, { q: 'canaryalias', limit: 10 })).total).toBe(0);
      expect((await store.search(official, { datasets: ['spooks'], limit: 10 })).total).toBe(0);
      expect((await store.search(official, { schema: 'Company', q: 'anna', limit: 10 })).total).toBe(1);
      expect((await store.search(admin, { schema: 'Company', q: 'anna', limit: 10 })).total).toBe(2);
      expect((await store.search(official, { topics: ['role.spy'], limit: 10 })).total).toBe(0);
      expect((await store.search(official, { countries: ['kp'], limit: 10 })).total).toBe(0);

      // Filters combine (values of one filter are alternatives); an empty q browses.
      expect(ids(await store.search(official, { q: 'anna', countries: ['ru'], limit: 10 }))).toEqual([
        'f-p1',
        'f-p2',
      ]);
      expect(
        ids(await store.search(official, { q: 'anna', countries: ['ru'], topics: ['sanction'], limit: 10 })),
      ).toEqual(['f-p1']);
      expect(ids(await store.search(official, { countries: ['ru', 'cy'], limit: 10 }))).toEqual([
        'f-c1',
        'f-p1',
        'f-p2',
      ]);
      expect(ids(await store.search(official, { schema: 'Person', datasets: ['other'], limit: 10 }))).toEqual(
        ['f-p3'],
      );
      expect(ids(await store.search(official, { q: '', schema: 'LegalEntity', limit: 10 }))).toEqual([
        'f-c1',
        'f-o1',
        'f-p1',
        'f-p2',
        'f-p3',
      ]);
      // A browse of everything: the SECRET-only entity is neither a hit nor counted, the others all are.
      const browsed = await store.search(official, { limit: 100 });
      expect(browsed.total).toBe((await store.search(admin, { limit: 100 })).total - 1);
      expect(ids(browsed)).not.toContain('f-s1');
      expect(ids(browsed)).toEqual(expect.arrayContaining(['f-c1', 'f-o1', 'f-p1', 'f-p2', 'f-p3']));
      expect((await store.search(official, { q: '"*)(', limit: 10 })).total).toBe(0);

      // Hits carry what the UI shows, the matched words as plain-text parts.
      const hit = (await store.search(official, { q: 'anna petr', limit: 10 })).hits[0];
      expect(hit).toMatchObject({
        id: 'f-p1',
        schema: 'Person',
        caption: 'Anna Petrova',
        datasets: ['case'],
        topics: ['sanction'],
        countries: ['ru'],
        marking: 'OFFICIAL',
      });
      expect(hit?.score).toBeGreaterThan(0);
      expect(hit?.highlight).toEqual([
        { text: 'Anna', match: true },
        { text: ' ', match: false },
        { text: 'Petrova', match: true },
      ]);

      // Paging: disjoint pages that cover every match, with the same total and facets on each page.
      const pages: string[] = [];
      for (let offset = 0; offset < 6; offset += 2) {
        const page = await store.search(admin, { q: 'anna', limit: 2, offset });
        expect(page.total).toBe(5);
        expect(page.facets).toEqual(all.facets);
        pages.push(...page.hits.map((h) => h.id));
      }
      expect(pages).toEqual(all.hits.map((h) => h.id));
      expect(new Set(pages).size).toBe(5);
      await expect(store.search(admin, { q: 'anna', limit: 0 })).rejects.toMatchObject({
        code: 'USAGE_INVALID',
      });
      await expect(store.search(admin, { q: 'anna', limit: 101 })).rejects.toMatchObject({
        code: 'USAGE_INVALID',
      });
      await expect(store.search(admin, { limit: 10, offset: 10_001 })).rejects.toMatchObject({
        code: 'USAGE_INVALID',
      });

      // Each facet holds its top 30 values; the total still counts every match.
      const codes =
        'ad ae af ag al am ao ar at au az ba bb bd be bf bg bh bi bj bn bo br bs bt bw by bz ca cd cf cg ch ci cl'.split(
          ' ',
        );
      await put(
        codes.map((code, i) =>
          statementsOf(record(`f-z${i}`, 'Person', { name: ['Zed Many'], nationality: [code] }, i)),
        ),
      );
      const many = await store.search(official, { q: 'zed', limit: 5 });
      expect(many.total).toBe(35);
      expect(many.hits).toHaveLength(5);
      expect(many.facets.countries).toHaveLength(30);
      expect(many.facets.countries[0]).toEqual({ value: 'ad', count: 1 });
    });

    it('treats only NX- (that exact case) as a canonical id: a source id nx-... is a record like any other', async () => {
      await put([
        statementsOf(record('nx-lower', 'Person', { name: ['Lower Case'] })),
        statementsOf(record('plain', 'Person', { name: ['Lower Case'] }, 2)),
      ]);
      const { canonical } = await store.judge(admin, 'nx-lower', 'plain', 'match', 'same person');
      expect(canonical).toMatch(/^NX-/);
      expect(await store.clusterMap(admin)).toEqual(
        new Map([
          ['nx-lower', canonical],
          ['plain', canonical],
        ]),
      );
      expect(await store.canonicalOf(admin, 'nx-lower')).toBe(canonical);
      expect((await store.getEntity(admin, canonical as string))?.properties.get('name')).toEqual([
        'Lower Case',
      ]);
      expect((await store.unmerge(admin, canonical as string)).sort()).toEqual(['nx-lower', 'plain']);
      expect(await store.canonicalOf(admin, 'nx-lower')).toBe('nx-lower');
    });

    it('keeps users whose version moves on every change of role, clearance, caveats, password or state', async () => {
      const alice = await store.putUser(admin, {
        name: 'alice',
        passwordHash: 'opaque-1',
        role: 'analyst',
        clearance: 'official-sensitive',
        caveats: ['uk eyes only'],
      });
      expect(alice).toMatchObject({
        name: 'alice',
        passwordHash: 'opaque-1',
        role: 'analyst',
        clearance: 'OFFICIAL-SENSITIVE',
        caveats: ['UK EYES ONLY'],
        disabled: false,
        version: 1,
      });
      expect(await store.getUser(admin, 'ALICE')).toEqual(alice);
      expect(await store.getUser(admin, 'nobody')).toBeUndefined();
      // Nothing changed, nothing moves.
      expect(await store.putUser(admin, { name: 'alice', role: 'analyst' })).toEqual(alice);
      let version = 1;
      for (const change of [
        { role: 'reviewer' as const },
        { clearance: 'SECRET' },
        { caveats: [] },
        { passwordHash: 'opaque-2' },
        { disabled: true },
        { disabled: false },
      ]) {
        const next = await store.putUser(admin, { name: 'alice', ...change });
        expect(next.version).toBe(++version);
      }
      expect(await store.getUser(admin, 'alice')).toMatchObject({
        role: 'reviewer',
        clearance: 'SECRET',
        caveats: [],
        passwordHash: 'opaque-2',
        version: 7,
      });
      await store.putUser(admin, { name: 'bob', passwordHash: 'h', role: 'auditor', clearance: 'OFFICIAL' });
      expect((await store.listUsers(admin)).map((u) => u.name)).toEqual(['alice', 'bob']);
      const bad = [
        { name: 'has space', passwordHash: 'h', role: 'analyst' as const, clearance: 'OFFICIAL' },
        { name: 'x'.repeat(65), passwordHash: 'h', role: 'analyst' as const, clearance: 'OFFICIAL' },
        { name: 'carol', passwordHash: 'h', role: 'root' as 'admin', clearance: 'OFFICIAL' },
        { name: 'carol', passwordHash: 'h', role: 'analyst' as const, clearance: 'ULTRA' },
        { name: 'carol', role: 'analyst' as const, clearance: 'OFFICIAL' },
        {
          name: 'ALICE',
          passwordHash: 'h',
          role: 'analyst' as const,
          clearance: 'OFFICIAL',
          caveats: ['NOPE'],
        },
      ];
      for (const input of bad) await expect(store.putUser(admin, input)).rejects.toThrow();
      // Nobody grants more than they hold.
      await expect(
        store.putUser(official, { name: 'carol', passwordHash: 'h', role: 'analyst', clearance: 'SECRET' }),
      ).rejects.toMatchObject({ code: 'ACCESS_CONTEXT_INVALID' });
      expect(await store.getUser(admin, 'carol')).toBeUndefined();
    });

    it('enrols and removes a TOTP secret (moving the version) and takes each TOTP step only once', async () => {
      const SECRET_A = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
      const SECRET_B = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
      const erin = await store.putUser(admin, {
        name: 'erin',
        passwordHash: 'h',
        role: 'analyst',
        clearance: 'OFFICIAL',
      });
      expect(erin).toMatchObject({ totpSecret: null, version: 1 });
      // No second factor, no step to record.
      await expect(store.putUser(admin, { name: 'erin', totpStep: 5 })).rejects.toMatchObject({
        code: 'USAGE_INVALID',
      });
      await expect(store.putUser(admin, { name: 'erin', totpSecret: 'not base32!' })).rejects.toMatchObject({
        code: 'USAGE_INVALID',
      });
      const on = await store.putUser(admin, { name: 'erin', totpSecret: SECRET_A });
      expect(on).toMatchObject({ totpSecret: SECRET_A, version: 2 });
      expect(await store.putUser(admin, { name: 'erin', totpSecret: SECRET_A })).toEqual(on);
      // A used step moves no version; it and every earlier step are refused afterwards.
      expect(await store.putUser(admin, { name: 'erin', totpStep: 100 })).toEqual(on);
      for (const step of [100, 99, 0])
        await expect(store.putUser(admin, { name: 'erin', totpStep: step })).rejects.toMatchObject({
          code: 'USAGE_INVALID',
        });
      for (const bad of [-1, 1.5, Number.NaN])
        await expect(store.putUser(admin, { name: 'erin', totpStep: bad })).rejects.toMatchObject({
          code: 'USAGE_INVALID',
        });
      expect((await store.putUser(admin, { name: 'erin', totpStep: 101 })).version).toBe(2);
      // A new secret starts afresh; removing it moves the version too.
      expect((await store.putUser(admin, { name: 'erin', totpSecret: SECRET_B })).version).toBe(3);
      expect((await store.putUser(admin, { name: 'erin', totpStep: 50 })).version).toBe(3);
      const off = await store.putUser(admin, { name: 'erin', totpSecret: null });
      expect(off).toMatchObject({ totpSecret: null, version: 4 });
      expect(await store.getUser(admin, 'erin')).toEqual(off);
    });

    it('accepts a session only while unrevoked, unexpired, its user enabled and unchanged since', async () => {
      const { createHash } = await import('node:crypto');
      const h = (token: string) => createHash('sha256').update(token).digest('hex');
      await store.putUser(admin, {
        name: 'dave',
        passwordHash: 'h1',
        role: 'analyst',
        clearance: 'OFFICIAL',
      });
      const s1 = await store.createSession(admin, {
        user: 'dave',
        tokenHash: h('t1'),
        kind: 'session',
        expiresAt: '2999-01-01T00:00:00Z',
      });
      expect(s1).toMatchObject({ user: 'dave', kind: 'session', userVersion: 1, revokedAt: null });
      expect(s1.expiresAt).toBe('2999-01-01T00:00:00.000Z');
      const found = await store.sessionByTokenHash(admin, h('t1'));
      expect(found?.user).toMatchObject({ name: 'dave', clearance: 'OFFICIAL', version: 1 });
      expect(found?.session.kind).toBe('session');
      expect(await store.sessionByTokenHash(admin, h('other'))).toBeUndefined();
      expect(await store.sessionByTokenHash(admin, 't1')).toBeUndefined();
      // A raw token (not a SHA-256 in hex) is refused, so it can never be stored by mistake.
      await expect(
        store.createSession(admin, {
          user: 'dave',
          tokenHash: 'nx_raw-token',
          kind: 'token',
          expiresAt: null,
        }),
      ).rejects.toMatchObject({ code: 'USAGE_INVALID' });
      await expect(
        store.createSession(admin, { user: 'nobody', tokenHash: h('t0'), kind: 'token', expiresAt: null }),
      ).rejects.toMatchObject({ code: 'USAGE_INVALID' });

      // A role or clearance change ends every earlier session at once.
      await store.putUser(admin, { name: 'dave', role: 'reviewer' });
      expect(await store.sessionByTokenHash(admin, h('t1'))).toBeUndefined();
      await store.createSession(admin, { user: 'dave', tokenHash: h('t2'), kind: 'token', expiresAt: null });
      expect((await store.sessionByTokenHash(admin, h('t2')))?.user.role).toBe('reviewer');
      await store.putUser(admin, { name: 'dave', clearance: 'SECRET' });
      expect(await store.sessionByTokenHash(admin, h('t2'))).toBeUndefined();

      // Revoked, one at a time or all together.
      await store.createSession(admin, { user: 'dave', tokenHash: h('t3'), kind: 'token', expiresAt: null });
      await store.createSession(admin, {
        user: 'dave',
        tokenHash: h('t4'),
        kind: 'session',
        expiresAt: null,
      });
      expect(await store.revokeSession(admin, h('t3'))).toBe(true);
      expect(await store.revokeSession(admin, h('t3'))).toBe(false);
      expect(await store.sessionByTokenHash(admin, h('t3'))).toBeUndefined();
      expect(await store.sessionByTokenHash(admin, h('t4'))).toBeDefined();
      expect(await store.revokeSessions(admin, 'dave')).toBe(3); // t1, t2 (stale) and t4
      expect(await store.sessionByTokenHash(admin, h('t4'))).toBeUndefined();

      // Expired.
      await store.createSession(admin, {
        user: 'dave',
        tokenHash: h('t5'),
        kind: 'session',
        expiresAt: '2000-01-01T00:00:00Z',
      });
      expect(await store.sessionByTokenHash(admin, h('t5'))).toBeUndefined();

      // Disabled: sessions stop, and no new one can be made; enabling again does not revive old ones.
      await store.createSession(admin, { user: 'dave', tokenHash: h('t6'), kind: 'token', expiresAt: null });
      await store.putUser(admin, { name: 'dave', disabled: true });
      expect(await store.sessionByTokenHash(admin, h('t6'))).toBeUndefined();
      await expect(
        store.createSession(admin, { user: 'dave', tokenHash: h('t7'), kind: 'token', expiresAt: null }),
      ).rejects.toMatchObject({ code: 'USAGE_INVALID' });
      await store.putUser(admin, { name: 'dave', disabled: false });
      expect(await store.sessionByTokenHash(admin, h('t6'))).toBeUndefined();
    });
  });
}
