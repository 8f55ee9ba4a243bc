// Schema migrations for the SQLite store; each runs in its own IMMEDIATE transaction, which is the lock.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'statements, entities, names index, datasets, checkpoints',
    sql: `
      -- Entities get an increasing integer key on first sight, and statements are keyed by (eid, content hash):
      -- new data then lands at the right edge of every B-tree instead of at random pages (hash-keyed indexes
      -- rewrite a page per insert, which made bulk loads I/O-bound).
      CREATE TABLE entities (
        eid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        schema TEXT NOT NULL,
        first_seen TEXT NOT NULL
      );
      CREATE INDEX entities_schema ON entities(schema, eid);
      -- What the statements one record gave one entity share (dataset, origin, dates, marking, grading) is stored
      -- once per group; a statement row carries only its own value.
      CREATE TABLE provenance (
        pid INTEGER PRIMARY KEY,
        schema TEXT NOT NULL,
        dataset TEXT NOT NULL,
        origin TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        marking TEXT NOT NULL,
        mlevel INTEGER NOT NULL,
        caveats TEXT NOT NULL,
        grading TEXT
      );
      CREATE TABLE statements (
        eid INTEGER NOT NULL,
        id TEXT NOT NULL,
        pid INTEGER NOT NULL,
        prop TEXT NOT NULL,
        prop_type TEXT NOT NULL,
        value TEXT NOT NULL,
        original_value TEXT,
        last_seen TEXT NOT NULL
      );
      CREATE UNIQUE INDEX statements_key ON statements(eid, id);
      CREATE INDEX statements_ref ON statements(value) WHERE prop_type = 'entity';
      CREATE INDEX statements_topic ON statements(value, eid) WHERE prop_type = 'topic';
      CREATE INDEX statements_country ON statements(value, eid) WHERE prop_type = 'country';
      CREATE TABLE entity_datasets (
        dataset TEXT NOT NULL,
        eid INTEGER NOT NULL,
        PRIMARY KEY (dataset, eid)
      ) WITHOUT ROWID;
      CREATE VIRTUAL TABLE names_fts USING fts5(
        name, content='', contentless_delete=1,
        tokenize="unicode61 remove_diacritics 2", prefix='2 3'
      );
      CREATE TABLE markings_present (
        mlevel INTEGER NOT NULL,
        caveats TEXT NOT NULL,
        PRIMARY KEY (mlevel, caveats)
      ) WITHOUT ROWID;
      CREATE TABLE datasets (
        name TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        fictional INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE ingest_checkpoints (
        source_key TEXT PRIMARY KEY,
        dataset TEXT NOT NULL,
        items_done INTEGER NOT NULL,
        complete INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'match keys for candidate retrieval',
    sql: `
      -- Blocking keys (name tokens, phonetic keys, identifiers) per entity, written by the resolve stage.
      CREATE TABLE match_keys (
        key TEXT NOT NULL,
        eid INTEGER NOT NULL,
        PRIMARY KEY (key, eid)
      ) WITHOUT ROWID;
      CREATE INDEX match_keys_eid ON match_keys(eid);
      -- How many entities carry each key, so frequent keys weigh little and can be capped.
      CREATE TABLE match_key_df (
        key TEXT PRIMARY KEY,
        n INTEGER NOT NULL
      ) WITHOUT ROWID;
      -- The last statement row whose entity has current keys.
      CREATE TABLE match_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        marker INTEGER NOT NULL
      );
      INSERT INTO match_state (id, marker) VALUES (1, 0);
    `,
  },
  {
    version: 3,
    name: 'judgements, match suggestions and clusters',
    sql: `
      -- Human decisions on pairs of records (a < b); never deleted, an unmerge marks them retracted.
      CREATE TABLE judgements (
        jid INTEGER PRIMARY KEY,
        a TEXT NOT NULL,
        b TEXT NOT NULL,
        judgement TEXT NOT NULL CHECK (judgement IN ('match', 'no-match', 'unsure')),
        user TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL,
        retracted_at TEXT
      );
      CREATE INDEX judgements_a ON judgements(a);
      CREATE INDEX judgements_b ON judgements(b);
      -- Pairs the matcher proposes for review (xref), best first.
      CREATE TABLE suggestions (
        a TEXT NOT NULL,
        b TEXT NOT NULL,
        score REAL NOT NULL,
        explanation TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (a, b)
      ) WITHOUT ROWID;
      CREATE INDEX suggestions_score ON suggestions(score DESC);
      -- Record id -> canonical id (NX-...); a canonical id absorbed by a later merge maps to the new one.
      CREATE TABLE clusters (
        member TEXT PRIMARY KEY,
        canonical TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX clusters_canonical ON clusters(canonical);
    `,
  },
  {
    version: 4,
    name: 'provenance by dataset, to tell which datasets a reader may see',
    sql: 'CREATE INDEX provenance_dataset ON provenance(dataset, mlevel);',
  },
  {
    version: 5,
    name: 'users and sessions for API authentication',
    sql: `
      -- API users (users.ts). The name is unique regardless of case; version moves on every change that matters
      -- for access (role, clearance, caveats, password, disabled), and a session is valid only at its version.
      CREATE TABLE users (
        name TEXT PRIMARY KEY COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('analyst', 'reviewer', 'admin', 'auditor')),
        clearance TEXT NOT NULL,
        caveats TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      -- Login sessions and API tokens, keyed by the SHA-256 of the token; the token itself is never stored.
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
        user TEXT NOT NULL COLLATE NOCASE REFERENCES users(name),
        kind TEXT NOT NULL CHECK (kind IN ('session', 'token')),
        created_at TEXT NOT NULL,
        expires_at TEXT,
        revoked_at TEXT,
        user_version INTEGER NOT NULL
      );
      CREATE INDEX sessions_user ON sessions(user);
    `,
  },
  {
    version: 6,
    name: 'audit log: hash-chained record of every collection, alteration, consultation, disclosure, combination, erasure',
    sql: `
      -- One row per audited action (src/audit). Rows are only ever appended: hash is the SHA-256 of the previous
      -- row's hash and this row's fields (src/audit/chain.ts), so an edited, deleted or reordered row breaks the
      -- chain at that row. objects and detail are JSON; neither ever holds an erased value.
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user TEXT NOT NULL,
        action TEXT NOT NULL,
        category TEXT NOT NULL,
        objects TEXT NOT NULL,
        purpose TEXT NOT NULL,
        request_id TEXT,
        outcome TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX audit_log_user ON audit_log(user, seq);
      CREATE INDEX audit_log_request ON audit_log(request_id) WHERE request_id IS NOT NULL;
      -- Erasures move Store.version, so caches built from erased data are rebuilt.
      CREATE INDEX audit_log_erasure ON audit_log(seq) WHERE category = 'erasure';
      -- Append-only from inside Nexus; someone with the file can drop these, which the hash chain then catches.
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `,
  },
  {
    version: 7,
    name: 'TOTP second factor for users',
    sql: `
      -- The user's TOTP secret (RFC 6238, base32; NULL when no second factor is enrolled) and the last time step
      -- whose code was accepted at login: a code is refused unless its step is later, so none can be replayed.
      ALTER TABLE users ADD COLUMN totp_secret TEXT;
      ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
    `,
  },
  {
    version: 8,
    name: 'crypto addresses and transfers for tracing',
    sql: `
      -- Addresses get an integer id per chain on first sight; labels (exchange, mixer, sanctioned, ...) come with
      -- their source and the dataset that asserted them, so a label is visible only where its provenance is.
      CREATE TABLE crypto_addresses (
        aid INTEGER PRIMARY KEY,
        chain TEXT NOT NULL,
        address TEXT NOT NULL,
        UNIQUE (chain, address)
      );
      -- Value moving on a chain, one row per leg: leg 0 a transfer from -> to (account model); leg 1 an input of a
      -- UTXO transaction (from, its position n) and leg 2 an output (to, position n). Amounts are exact integers in
      -- the asset's base units, as text; 0 stands for "no address" on UTXO legs. Markings and datasets live on the
      -- provenance row (pid), as for statements, so the same access rule applies.
      CREATE TABLE crypto_transfers (
        pid INTEGER NOT NULL,
        chain TEXT NOT NULL,
        asset TEXT NOT NULL,
        tx TEXT NOT NULL,
        time INTEGER NOT NULL,
        leg INTEGER NOT NULL CHECK (leg IN (0, 1, 2)),
        n INTEGER NOT NULL,
        from_aid INTEGER NOT NULL,
        to_aid INTEGER NOT NULL,
        amount TEXT NOT NULL
      );
      CREATE UNIQUE INDEX crypto_transfers_key ON crypto_transfers(tx, chain, asset, leg, n, from_aid, to_aid);
      CREATE TABLE crypto_labels (
        aid INTEGER NOT NULL,
        pid INTEGER NOT NULL,
        label TEXT NOT NULL,
        category TEXT NOT NULL,
        PRIMARY KEY (aid, pid, label)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 9,
    name: 'indicator series and their points',
    sql: `
      -- Indicator time series (wastewater loads, small-boat crossings, recorded crime; src/store/sqlite/series.ts),
      -- keyed by (dataset, id). The series row and each point carry a provenance row (pid) with the dataset, marking
      -- and grading of the batch that wrote them, so the statement access rule applies to both.
      CREATE TABLE indicator_series (
        sid INTEGER PRIMARY KEY,
        dataset TEXT NOT NULL,
        id TEXT NOT NULL,
        pid INTEGER NOT NULL,
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
      -- One row per series and period (the ISO date the period starts). Values are decimal text: JavaScript's
      -- shortest round-trip form of the double (String(x)), so a value reads back bit for bit and a reload compares
      -- exactly; low and high likewise, NULL when the source gives no bounds.
      CREATE TABLE indicator_points (
        sid INTEGER NOT NULL,
        period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
        pid INTEGER NOT NULL,
        value TEXT NOT NULL,
        low TEXT,
        high TEXT,
        partial INTEGER NOT NULL DEFAULT 0 CHECK (partial IN (0, 1)),
        origin TEXT NOT NULL
      );
      CREATE UNIQUE INDEX indicator_points_key ON indicator_points(sid, period);
    `,
  },
  {
    version: 10,
    name: 'full-text index of document text',
    sql: `
      -- Document text (bodyText statements, src/evidence) for text search with snippets (text-search.ts). Like
      -- names_fts, the index holds no text of its own (rowid = the statement's rowid), and erasure deletes its rows.
      CREATE VIRTUAL TABLE texts_fts USING fts5(
        body, content='', contentless_delete=1,
        tokenize="unicode61 remove_diacritics 2", prefix='2 3'
      );
      INSERT INTO texts_fts (rowid, body) SELECT rowid, value FROM statements WHERE prop = 'bodyText' AND prop_type = 'text';
    `,
  },
  {
    version: 11,
    name: 'datasets of an entity by entity',
    sql: `
      -- The primary key finds the entities of a dataset; "has a dataset other than these" (screening's and xref's
      -- exclude_dataset) needs the datasets of an entity, which without this index scanned the whole table once per
      -- candidate. PostgreSQL has had the same index from the start.
      CREATE INDEX entity_datasets_eid ON entity_datasets(eid, dataset);
    `,
  },
  {
    version: 12,
    name: 'match profiles',
    sql: `
      -- What scoring reads of an entity (src/resolve/profile.ts), as JSON, written with its match keys: screening
      -- scores candidates from one row each instead of assembling them from statements. The marker goes back to the
      -- start so the next index build writes every entity's profile; its keys come out the same and are not rewritten.
      CREATE TABLE match_profiles (
        eid INTEGER PRIMARY KEY,
        profile TEXT NOT NULL
      );
      UPDATE match_state SET marker = 0;
    `,
  },
  {
    version: 13,
    name: 'provenance of an entity by entity',
    sql: `
      -- A reader who may not see every marking reads, for each match of a search, which provenance rows its
      -- statements have (the marking rule is on provenance). From statements_key each of those is a lookup of the
      -- whole statement row; this index answers it alone (BENCHMARKS.md: a restricted browse of 200k entities
      -- with facets, 2.5 s before, 1.4 s after).
      CREATE INDEX statements_eid_pid ON statements(eid, pid);
    `,
  },
  {
    version: 14,
    name: 'name analysis stamp of the match index',
    sql: `
      -- Profiles keep their names as the name engine analysed them (src/resolve/names/packed.ts). The stamp of the
      -- analysis the index was built with: when the engine's differs, the next build starts over and files every
      -- entity again. Empty until the first build, so upgraded stores are filed again once, with their names.
      ALTER TABLE match_state ADD COLUMN names TEXT NOT NULL DEFAULT '';
      -- Moves with every change to the keys (an index write, an erasure), on whatever connection: screening keeps
      -- the postings and frequencies of keys it has read until it moves (src/store/sqlite/candidates-batch.ts).
      ALTER TABLE match_state ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
    `,
  },
];
