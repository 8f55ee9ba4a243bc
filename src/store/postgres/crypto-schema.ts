// Migrations of the crypto and indicator-series part of the PostgreSQL store (versions 30-39): the same tables and
// columns as SQLite's migrations 8 and 9 (src/store/sqlite/migrations.ts), with an identity `seq` where SQLite
// relies on rowid (store order, Store.version).
import type { Migration } from './migrations.js';

export const cryptoMigrations: Migration[] = [
  {
    version: 30,
    name: 'crypto addresses, transfers and labels for tracing',
    sql: `
      -- Addresses get an integer id per chain on first sight; 0 is never assigned and stands for "no address".
      CREATE TABLE crypto_addresses (
        aid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        chain TEXT NOT NULL,
        address TEXT NOT NULL,
        UNIQUE (chain, address)
      );
      -- One row per leg: leg 0 a transfer from -> to (account model); leg 1 a UTXO input (from, position n), leg 2
      -- an output (to, position n). Amounts are exact integers in base units kept as the text given, so they read
      -- back unchanged. Dataset, marking and grading live on the provenance row (pid), as for statements. seq grows
      -- in commit order (writes hold the store's write lock): it is store order for scans and part of
      -- Store.version.
      CREATE TABLE crypto_transfers (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        pid BIGINT NOT NULL,
        chain TEXT NOT NULL,
        asset TEXT NOT NULL,
        tx TEXT NOT NULL,
        time BIGINT NOT NULL,
        leg SMALLINT NOT NULL CHECK (leg IN (0, 1, 2)),
        n INTEGER NOT NULL,
        from_aid BIGINT NOT NULL,
        to_aid BIGINT NOT NULL,
        amount TEXT NOT NULL
      );
      CREATE UNIQUE INDEX crypto_transfers_key ON crypto_transfers(tx, chain, asset, leg, n, from_aid, to_aid);
      -- A label is keyed by its provenance too: the same label from two sources is two rows, each visible only
      -- where its provenance is.
      CREATE TABLE crypto_labels (
        aid BIGINT NOT NULL,
        pid BIGINT NOT NULL,
        label TEXT NOT NULL,
        category TEXT NOT NULL,
        PRIMARY KEY (aid, pid, label)
      );
    `,
  },
  {
    version: 31,
    name: 'indicator series and their points',
    sql: `
      -- Keyed by (dataset, id); the series row and each point carry the provenance row of the batch that wrote them.
      CREATE TABLE indicator_series (
        sid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        dataset TEXT NOT NULL,
        id TEXT NOT NULL,
        pid BIGINT NOT NULL,
        name TEXT NOT NULL,
        unit TEXT NOT NULL,
        area TEXT NOT NULL,
        country TEXT NOT NULL,
        subject TEXT NOT NULL,
        frequency TEXT NOT NULL CHECK (frequency IN ('day', 'week', 'month', 'quarter', 'year', 'irregular')),
        source TEXT NOT NULL,
        UNIQUE (dataset, id)
      );
      CREATE INDEX indicator_series_id ON indicator_series(id);
      -- One row per series and period (the ISO date the period starts). Values are decimal text, JavaScript's
      -- shortest round-trip form of the double (String(x)), so a value reads back bit for bit and a reload compares
      -- exactly; low and high likewise, NULL when the source gives no bounds. seq is part of Store.version.
      CREATE TABLE indicator_points (
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        sid BIGINT NOT NULL,
        period TEXT NOT NULL CHECK (period ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
        pid BIGINT NOT NULL,
        value TEXT NOT NULL,
        low TEXT,
        high TEXT,
        partial BOOLEAN NOT NULL DEFAULT false,
        origin TEXT NOT NULL,
        PRIMARY KEY (sid, period)
      );
      CREATE INDEX indicator_points_seq ON indicator_points(seq);
    `,
  },
];
