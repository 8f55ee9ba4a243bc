// Crypto tracing from the CLI and the API over stored transfers: models, labels as stops and seed sets, wallets
// linking addresses to the entities holding them, and the marking of what was read.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localOperator } from '../../src/access/index.js';
import { hashPassword, hashToken, newToken } from '../../src/access/passwords.js';
import { ingest } from '../../src/ingest/index.js';
import { createApp } from '../../src/serve/app.js';
import { SqliteStore } from '../../src/store/index.js';
import { nexus, nexusJson, tempHome } from './helpers.js';

interface Reached {
  address: string;
  tainted: string;
  share: number;
  hops: number;
  stopped_at?: boolean;
  labels: { category: string }[];
  entities: { id: string; caption: string }[];
  path: { tx: string }[];
}

async function loaded(): Promise<string> {
  const home = tempHome('nexus-trace-');
  const dir = tempHome('nexus-trace-src-');
  // A fictional DPRK-linked launderer holds 0xseed; 0xcash belongs to a case subject.
  writeFileSync(
    join(dir, 'case.ftm.jsonl'),
    [
      {
        id: 'kp-org',
        schema: 'Organization',
        properties: { name: ['Fictional Bureau 39 Front'], country: ['kp'] },
      },
      {
        id: 'kp-san',
        schema: 'Sanction',
        properties: { entity: ['kp-org'], program: ['DPRK3'], authority: ['OFAC'] },
      },
      {
        id: 'w-seed',
        schema: 'CryptoWallet',
        properties: { publicKey: ['0xseed'], holder: ['kp-org'], currency: ['ETH'] },
      },
      { id: 'subject', schema: 'Person', properties: { name: ['Case Subject Cashout'] } },
      { id: 'w-cash', schema: 'CryptoWallet', properties: { publicKey: ['0xcashout'], holder: ['subject'] } },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n'),
  );
  for (const args of [
    ['--dataset', 'case', join(dir, 'case.ftm.jsonl')],
    ['--dataset', 'chain', '--format', 'transfers', 'test/fixtures/chain/transfers.csv'],
    ['--dataset', 'labels', '--format', 'labels', 'test/fixtures/chain/labels.csv'],
  ])
    expect((await nexus(home, 'ingest', ...args)).code).toBe(0);
  return home;
}

describe('nexus trace', () => {
  it('follows value under each model, stops at services, and names holders and evidence', async () => {
    const home = await loaded();
    const haircut = await nexusJson<{ reached: Reached[]; limit_reached: boolean; marking: string }>(
      home,
      'trace',
      '--from',
      '0xseed',
      '--model',
      'haircut',
      '--asset',
      'ETH',
    );
    expect(haircut.limit_reached).toBe(false);
    expect(haircut.marking).toBe('OFFICIAL');
    const at = (r: { reached: Reached[] }, a: string) => r.reached.find((x) => x.address === a);
    expect(at(haircut, '0xmid')).toMatchObject({ tainted: '10', share: 0.25, hops: 1 });
    expect(at(haircut, '0xexchange')).toMatchObject({ tainted: '5.125', hops: 2, stopped_at: true });
    expect(at(haircut, '0xexchange')?.labels[0]?.category).toBe('exchange');
    expect(at(haircut, '0xexchange')?.path.map((p) => p.tx)).toEqual(['0xt1', '0xt3']);
    const poison = await nexusJson<{ reached: Reached[] }>(
      home,
      'trace',
      '--from',
      '0xseed',
      '--model',
      'poison',
      '--asset',
      'ETH',
    );
    expect(at(poison, '0xexchange')?.tainted).toBe('20.5');
    expect(at(poison, '0xcashout')).toMatchObject({ tainted: '0.000000000000000001', hops: 2 });
    expect(at(poison, '0xcashout')?.entities.map((e) => e.caption)).toEqual(['Case Subject Cashout']);
    const fifo = await nexusJson<{ reached: Reached[] }>(
      home,
      'trace',
      '--from',
      '0xseed',
      '--model',
      'fifo',
      '--asset',
      'ETH',
    );
    // First in, first out: mid's 10 tainted ETH arrived first and leave in the 20.5 ETH to the exchange.
    expect(at(fifo, '0xexchange')?.tainted).toBe('10');
    const back = await nexusJson<{ reached: Reached[] }>(
      home,
      'trace',
      '--from',
      '0xexchange',
      '--model',
      'fifo',
      '--direction',
      'backward',
      '--asset',
      'ETH',
    );
    expect(at(back, '0xseed')?.tainted).toBe('10');
    expect(at(back, '0xclean')?.tainted).toBe('10.5');
    // A hostile state's seed set: wallets held by the graph's kp seeds.
    const state = await nexusJson<{ seeds: { address: string }[] }>(
      home,
      'trace',
      '--from',
      'state:kp',
      '--model',
      'poison',
    );
    expect(state.seeds.map((s) => s.address)).toEqual(['0xseed']);
    const text = await nexus(home, 'trace', '--from', '0xseed', '--model', 'haircut', '--asset', 'ETH');
    expect(text.stdout).toContain('hop 2  0xexchange  5.125 ETH');
    const bad = await nexus(home, 'trace', '--from', '0xseed', '--model', 'taint');
    expect(bad.code).toBe(2);
  });

  it('measures exposure per seed set', async () => {
    const home = await loaded();
    const x = await nexusJson<{ received: string; sets: { set: string; value: string; share: number }[] }>(
      home,
      'exposure-crypto',
      '0xexchange',
      '--asset',
      'ETH',
    );
    expect(x.received).toBe('20.5');
    expect(x.sets.find((s) => s.set === 'state:kp')).toMatchObject({ value: '5.125', share: 0.25 });
    expect(x.sets.find((s) => s.set === 'label:sanctioned')).toMatchObject({ value: '5.125' });
  });
});

describe('GET /trace and /trace/exposure', () => {
  it('answers with what the caller may see, and hides SECRET transfers from an OFFICIAL analyst', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    await store.migrate();
    const op = localOperator('t', 't');
    await ingest(op, store, {
      dataset: 'chain',
      format: 'transfers',
      paths: ['test/fixtures/chain/transfers.csv'],
    });
    const secret = join(tempHome('nexus-trace-secret-'), 'secret.csv');
    writeFileSync(
      secret,
      'chain,tx_hash,time,from,to,asset,amount\nethereum,0xs1,2025-01-05T00:00:00Z,0xcashout,0xhidden,ETH,0.5\n',
    );
    await ingest(op, store, { dataset: 'secret', format: 'transfers', paths: [secret], marking: 'SECRET' });
    await store.putUser(op, {
      name: 'ana',
      role: 'analyst',
      clearance: 'OFFICIAL',
      passwordHash: await hashPassword('ana-pw-0123456789'),
    });
    const token = newToken();
    await store.createSession(op, {
      user: 'ana',
      kind: 'token',
      tokenHash: hashToken(token),
      expiresAt: null,
    });
    const app = createApp({ store, auth: {}, web: false, uploads: false });
    const get = (path: string) => app.request(path, { headers: { Authorization: `Bearer ${token}` } });
    const res = await get('/trace?from=0xseed&model=poison&asset=ETH');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('0xhidden');
    expect(JSON.parse(text).marking).toBe('OFFICIAL');
    expect((await get('/trace?from=0xseed&model=nope')).status).toBe(400);
    expect((await get('/trace?model=poison')).status).toBe(400);
    expect((await get('/trace?from=0xhidden&model=poison')).status).toBe(404);
    const x = await get('/trace/exposure?address=0xexchange&asset=ETH');
    expect(x.status).toBe(200);
    await store.close();
  });
});

describe('nexus cluster and clusters in traces', () => {
  it('groups UTXO inputs into wallets and names the wallet of each address a trace reaches', async () => {
    const home = tempHome('nexus-cluster-');
    expect(
      (await nexus(home, 'ingest', '--dataset', 'btc', '--format', 'utxo', 'test/fixtures/chain/utxo.jsonl'))
        .code,
    ).toBe(0);
    const clusters = await nexusJson<{ chain: string; clusters: { size: number; addresses: string[] }[] }[]>(
      home,
      'cluster',
    );
    expect(clusters[0]?.chain).toBe('bitcoin');
    expect(clusters[0]?.clusters[0]?.addresses.sort()).toEqual(['1Clean', '1Seed']);
    const back = await nexusJson<{ reached: { address: string; cluster?: { size: number } }[] }>(
      home,
      'trace',
      '--from',
      '1Dest',
      '--model',
      'fifo',
      '--direction',
      'backward',
    );
    expect(back.reached.find((r) => r.address === '1Clean')?.cluster?.size).toBe(2);
  });
});
