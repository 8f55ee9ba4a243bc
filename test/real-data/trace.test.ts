// Crypto tracing on real data: 16,785 Cerber and Locky ransom payments (Huang et al. 2018) traced back to the
// payments that funded each ransom address and forward to the family labels of ransomwhe.re; OFAC's sanctioned
// address lists as labels; and the DPRK's wallets found from the OFAC SDN list through the graph's state seeds.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperator } from '../../src/access/index.js';
import { GraphService } from '../../src/graph/index.js';
import { ingest } from '../../src/ingest/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { TraceService } from '../../src/trace/index.js';
import { tempHome } from '../cli/helpers.js';
import { DATA_DIR } from './data-dir.js';

const RANSOM = join(DATA_DIR, 'ransomware-payments');
const HUANG = join(RANSOM, 'huang2018_cerber_locky_ransom_payments.csv');
const RANSOMWHERE = join(RANSOM, 'ransomwhere_opensanctions_targets.simple.csv');
const OFAC_LISTS = join(DATA_DIR, 'ofac-crypto-addresses');
const SDN = join(DATA_DIR, 'ofac-sdn');
const present = [HUANG, RANSOMWHERE, OFAC_LISTS, SDN].every((p) => existsSync(p));
const op = localOperator('tester', 'real-data trace');

interface Payment {
  family: string;
  txn_hash: string;
  output_index: string;
  potential_ransom_wallet_addr: string;
  potential_ransom_btc: string;
  unix_ts: string;
}

describe.skipIf(!present)(
  `crypto tracing on real ransomware and OFAC data (skipped when ${RANSOM}, ${OFAC_LISTS} or ${SDN} is missing)`,
  () => {
    let store: SqliteStore;
    let service: TraceService;
    let payments: Payment[];
    const dir = tempHome('nexus-real-trace-');

    beforeAll(async () => {
      store = new SqliteStore({ path: join(dir, 'nexus.db') });
      await store.migrate();
      service = new TraceService(store, new GraphService(store));
      payments = parse(readFileSync(HUANG), { columns: true }) as Payment[];
      // The payments name the transaction and the output, not the payer: each payment comes from a payer known only
      // by its outpoint, and the outpoint is the transaction id (so two outputs of one transaction stay two).
      const transfers = join(dir, 'payments.csv');
      writeFileSync(
        transfers,
        `chain,tx_hash,time,from,to,asset,amount\n${payments
          .map(
            (p) =>
              `bitcoin,${p.txn_hash}:${p.output_index},${p.unix_ts},payer:${p.txn_hash},${p.potential_ransom_wallet_addr},BTC,${p.potential_ransom_btc}`,
          )
          .join('\n')}\n`,
      );
      const families = join(dir, 'ransomwhere.csv');
      const targets = parse(readFileSync(RANSOMWHERE), { columns: true }) as {
        name: string;
        aliases: string;
      }[];
      writeFileSync(
        families,
        `chain,address,label,category\n${targets.map((t) => `bitcoin,${t.name},${t.aliases || 'Unlabeled'},ransomware`).join('\n')}\n`,
      );
      const lists = ['XBT', 'ETH', 'USDT', 'LTC', 'TRX'].map((a) =>
        join(OFAC_LISTS, `sanctioned_addresses_${a}.txt`),
      );
      await ingest(op, store, { dataset: 'huang2018', format: 'transfers', paths: [transfers] });
      await ingest(op, store, { dataset: 'ransomwhere', format: 'labels', paths: [families] });
      await ingest(op, store, { dataset: 'ofac-addresses', format: 'labels', paths: lists });
      await ingest(op, store, { dataset: 'ofac', format: 'ofac', paths: [SDN] });
    }, 120_000);

    afterAll(async () => {
      await store.close();
    });

    it('traces the payments into the most-paid ransom address back, every satoshi accounted for', async () => {
      const counts = new Map<string, Payment[]>();
      for (const p of payments)
        counts.set(p.potential_ransom_wallet_addr, [
          ...(counts.get(p.potential_ransom_wallet_addr) ?? []),
          p,
        ]);
      const [address, paid] = [...counts].sort((a, b) => b[1].length - a[1].length)[0] as [string, Payment[]];
      const sats = paid.reduce((s, p) => s + BigInt(Math.round(Number(p.potential_ransom_btc) * 1e8)), 0n);
      const answer = await service.trace(op, { from: [address], model: 'fifo', direction: 'backward' });
      const payers = answer.reached.filter((r) => r.address.startsWith('payer:'));
      expect(payers.length).toBe(new Set(paid.map((p) => p.txn_hash)).size);
      const traced = payers.reduce((s, r) => s + BigInt(Math.round(Number(r.tainted) * 1e8)), 0n);
      expect(traced).toBe(sats);
      // The payers' own funds came from before the data (their inputs are not in it): there the trail goes cold.
      expect(BigInt(Math.round(Number(answer.totals.unattributed) * 1e8))).toBe(sats);
      // Each payer's evidence is the payment itself: its outpoint and amount.
      const first = payers[0];
      expect(first?.path).toHaveLength(1);
      expect(first?.path[0]?.to).toBe(address);
    });

    it('finds which payments reached addresses ransomwhe.re attributes to Locky', async () => {
      const locky = await service.expandSeeds(op, ['family:Locky'], {});
      expect(locky.length).toBeGreaterThan(7000);
      const paidLocky = payments.filter(
        (p) => p.family === 'Locky' && locky.includes(p.potential_ransom_wallet_addr),
      );
      expect(paidLocky.length).toBeGreaterThan(5000);
      const p = paidLocky[0] as Payment;
      const forward = await service.trace(op, { from: [`payer:${p.txn_hash}`], model: 'poison' });
      const hit = forward.reached.find((r) => r.address === p.potential_ransom_wallet_addr);
      expect(hit?.labels.map((l) => `${l.label} [${l.category}]`)).toContain('Locky [ransomware]');
    });

    it('takes OFAC lists as sanctioned labels, and finds North Korea’s wallets through the graph', async () => {
      const sanctioned = await service.expandSeeds(op, ['label:sanctioned'], {});
      expect(sanctioned.length).toBeGreaterThan(550);
      // Wallets from the SDN list's Digital Currency Address remarks whose holder the graph ties to the DPRK.
      const kp = await service.expandSeeds(op, ['state:kp'], {});
      expect(kp.length).toBeGreaterThanOrEqual(10);
      const all = await service.wallets(op);
      expect(all.filter((w) => kp.includes(w.address)).every((w) => w.sanctioned)).toBe(true);
      const ru = await service.expandSeeds(op, ['state:ru'], {});
      expect(ru.length).toBeGreaterThan(0);
    });
  },
);
