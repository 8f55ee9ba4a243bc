// Crypto transfers and address labels in SQLite: integer address ids, one row per leg, provenance (dataset,
// marking, grading) shared per batch through the provenance table, so the statement access rule applies as is.
import type Database from 'better-sqlite3';
import type { AccessContext } from '../../access/index.js';
import { parseMarking } from '../../model/index.js';
import { legConflict, legDiffers } from '../crypto-rules.js';
import type {
  AddressLabel,
  StoredAddressLabel,
  StoredCryptoTx,
  TransferBatch,
  TransferBatchResult,
  TransferLeg,
} from '../store.js';
import { CAVEAT_SEPARATOR, visibilityParams, visibleSql } from './visibility.js';

const AID_CACHE_LIMIT = 2_000_000;

interface ScanRow {
  [index: number]: string | number;
}

export class CryptoTables {
  private readonly aids = new Map<string, number>();
  private readonly insertAddress: Database.Statement;
  private readonly findAddress: Database.Statement;
  private readonly insertLeg: Database.Statement;
  private readonly existingLeg: Database.Statement;
  private readonly insertProvenance: Database.Statement;
  private readonly insertMarking: Database.Statement;
  private readonly insertLabel: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertAddress = db
      .prepare(
        'INSERT INTO crypto_addresses (chain, address) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING aid',
      )
      .pluck();
    this.findAddress = db.prepare('SELECT aid FROM crypto_addresses WHERE chain = ? AND address = ?').pluck();
    this.insertLeg = db.prepare(
      `INSERT OR IGNORE INTO crypto_transfers (pid, chain, asset, tx, time, leg, n, from_aid, to_aid, amount)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.existingLeg = db.prepare(
      `SELECT time, amount FROM crypto_transfers
       WHERE tx = ? AND chain = ? AND asset = ? AND leg = ? AND n = ? AND from_aid = ? AND to_aid = ?`,
    );
    this.insertProvenance = db.prepare(
      `INSERT INTO provenance (schema, dataset, origin, first_seen, marking, mlevel, caveats, grading)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertMarking = db.prepare('INSERT OR IGNORE INTO markings_present (mlevel, caveats) VALUES (?, ?)');
    this.insertLabel = db.prepare(
      'INSERT OR IGNORE INTO crypto_labels (aid, pid, label, category) VALUES (?, ?, ?, ?)',
    );
  }

  /** Drops cached address ids: after a rollback of a transaction that may have created some. */
  forget(): void {
    this.aids.clear();
  }

  private aid(chain: string, address: string | null, created: { n: number }): number {
    if (address === null) return 0;
    const key = `${chain}\u0000${address}`;
    let id = this.aids.get(key);
    if (id === undefined) {
      const fresh = this.insertAddress.get(chain, address) as number | bigint | undefined;
      if (fresh !== undefined) {
        id = Number(fresh);
        created.n++;
      } else id = Number(this.findAddress.get(chain, address));
      if (this.aids.size >= AID_CACHE_LIMIT) this.aids.clear();
      this.aids.set(key, id);
    }
    return id;
  }

  private provenance(
    schema: string,
    b: { dataset: string; origin: string; marking: string; grading: string | null },
    now: string,
  ): number {
    const m = parseMarking(b.marking);
    const caveats = m.caveats.join(CAVEAT_SEPARATOR);
    this.insertMarking.run(m.rank, caveats);
    return Number(
      this.insertProvenance.run(schema, b.dataset, b.origin, now, b.marking, m.rank, caveats, b.grading)
        .lastInsertRowid,
    );
  }

  /** Runs inside the caller's transaction. */
  write(batch: TransferBatch, now: string): TransferBatchResult {
    const pid = this.provenance('CryptoTransfer', batch, now);
    const created = { n: 0 };
    const newPerTx: number[] = [];
    const conflicts: { tx: string; index: number; reason: string }[] = [];
    let written = 0;
    for (const [index, t] of batch.txs.entries()) {
      let fresh = 0;
      let conflict = false;
      for (const l of t.legs) {
        const from = this.aid(t.chain, l.from, created);
        const to = this.aid(t.chain, l.to, created);
        const info = this.insertLeg.run(pid, t.chain, t.asset, t.tx, t.time, l.leg, l.n, from, to, l.amount);
        if (info.changes === 1) fresh++;
        else {
          const old = this.existingLeg.get(t.tx, t.chain, t.asset, l.leg, l.n, from, to) as
            | { time: number; amount: string }
            | undefined;
          if (!conflict && old && legDiffers(old, l.amount, t.time)) {
            conflict = true;
            conflicts.push(legConflict(t.tx, index, old));
          }
        }
      }
      written += fresh;
      newPerTx.push(fresh);
    }
    return { newPerTx, legsWritten: written, addressesCreated: created.n, conflicts };
  }

  *scan(
    ctx: AccessContext,
    options: { datasets?: readonly string[]; chain?: string; asset?: string; batch?: number },
  ): Generator<StoredCryptoTx[]> {
    const params: Record<string, unknown> = { ...visibilityParams(ctx) };
    const where = [visibleSql('p')];
    if (options.chain !== undefined) {
      where.push('t.chain = @chain');
      params.chain = options.chain;
    }
    if (options.asset !== undefined) {
      where.push('t.asset = @asset');
      params.asset = options.asset;
    }
    if (options.datasets?.length) {
      where.push(`p.dataset IN (${options.datasets.map((_, i) => `@d${i}`).join(', ')})`);
      options.datasets.forEach((d, i) => {
        params[`d${i}`] = d;
      });
    }
    const size = Math.max(1, options.batch ?? 10_000);
    // Legs of one transaction sit together (written in one batch), in insertion order.
    const rows = this.db
      .prepare(
        `SELECT t.chain, t.asset, t.tx, t.time, t.leg, t.n, fa.address, ta.address, t.amount, p.dataset, p.marking,
                p.grading
         FROM crypto_transfers t JOIN provenance p ON p.pid = t.pid
         LEFT JOIN crypto_addresses fa ON fa.aid = t.from_aid
         LEFT JOIN crypto_addresses ta ON ta.aid = t.to_aid
         WHERE ${where.join(' AND ')} ORDER BY t.rowid`,
      )
      .raw()
      .iterate(params) as IterableIterator<ScanRow>;
    let batch: StoredCryptoTx[] = [];
    let current: StoredCryptoTx | undefined;
    for (const r of rows) {
      const leg = Number(r[4]) as TransferLeg['leg'];
      const tx = String(r[2]);
      const sameUtxo =
        current !== undefined &&
        leg !== 0 &&
        current.tx === tx &&
        current.chain === r[0] &&
        current.asset === r[1] &&
        current.legs[0]?.leg !== 0;
      if (!sameUtxo) {
        if (current) batch.push(current);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
        current = {
          chain: String(r[0]),
          asset: String(r[1]),
          tx,
          time: Number(r[3]),
          legs: [],
          dataset: String(r[9]),
          marking: String(r[10]),
          grading: r[11] === null ? null : String(r[11]),
        };
      }
      (current as StoredCryptoTx).legs.push({
        leg,
        n: Number(r[5]),
        from: r[6] === null ? null : String(r[6]),
        to: r[7] === null ? null : String(r[7]),
        amount: String(r[8]),
      });
    }
    if (current) batch.push(current);
    if (batch.length) yield batch;
  }

  /** Runs inside the caller's transaction. */
  putLabels(
    b: { dataset: string; origin: string; marking: string; grading: string | null; labels: AddressLabel[] },
    now: string,
  ): number {
    const pid = this.provenance('CryptoLabel', b, now);
    const created = { n: 0 };
    let fresh = 0;
    for (const l of b.labels)
      fresh += this.insertLabel.run(this.aid(l.chain, l.address, created), pid, l.label, l.category).changes;
    return fresh;
  }

  labels(
    ctx: AccessContext,
    options: { chain?: string; addresses?: readonly string[] },
  ): StoredAddressLabel[] {
    const params: Record<string, unknown> = { ...visibilityParams(ctx) };
    const where = [visibleSql('p')];
    if (options.chain !== undefined) {
      where.push('a.chain = @chain');
      params.chain = options.chain;
    }
    const sql = `SELECT a.chain, a.address, l.label, l.category, p.dataset, p.marking
      FROM crypto_labels l JOIN crypto_addresses a ON a.aid = l.aid JOIN provenance p ON p.pid = l.pid
      WHERE ${where.join(' AND ')} ORDER BY a.chain, a.address, l.label`;
    if (options.addresses === undefined)
      return (this.db.prepare(sql).all(params) as StoredAddressLabel[]).map(plain);
    const out: StoredAddressLabel[] = [];
    const wanted = [...new Set(options.addresses)];
    for (let i = 0; i < wanted.length; i += 200) {
      const chunk = wanted.slice(i, i + 200);
      const p2: Record<string, unknown> = { ...params };
      chunk.forEach((a, k) => {
        p2[`a${k}`] = a;
      });
      const chunkSql = sql.replace(
        ' ORDER BY',
        ` AND a.address IN (${chunk.map((_, k) => `@a${k}`).join(', ')}) ORDER BY`,
      );
      out.push(...(this.db.prepare(chunkSql).all(p2) as StoredAddressLabel[]).map(plain));
    }
    return out;
  }
}

function plain(r: StoredAddressLabel): StoredAddressLabel {
  return {
    chain: r.chain,
    address: r.address,
    label: r.label,
    category: r.category,
    dataset: r.dataset,
    marking: r.marking,
  };
}
