// Schema migrations for the PostgreSQL store. Version ranges: 1-9 core (this file), 10-19 entities and search
// (entities-schema.ts), 20-29 resolution, match keys and users (resolution-schema.ts), 30-39 crypto and series
// (crypto-schema.ts). All of one run apply in one transaction under an advisory lock (migrator.ts).
import { cryptoMigrations } from './crypto-schema.js';
import type { Client } from './db.js';
import { entityMigrations } from './entities-schema.js';
import { resolutionMigrations } from './resolution-schema.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Work SQL alone cannot do (e.g. folding text in JavaScript), run after `sql` in the same transaction. */
  run?: (c: Client) => Promise<void>;
}

const core: Migration[] = [
  {
    version: 1,
    name: 'statements, entities, provenance, datasets, checkpoints, audit log',
    sql: `
      CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
      -- Entities get an increasing integer key on first sight (eid). Statements are keyed by (eid, statement id),
      -- eid first, so the table can be hash-partitioned or distributed (Citus) by entity and an entity's statements
      -- stay together.
      CREATE TABLE entities (
        eid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        schema TEXT NOT NULL,
        first_seen TEXT NOT NULL
      );
      CREATE INDEX entities_schema ON entities(schema, eid);
      -- What the statements one record gave one entity share (dataset, origin, dates, marking, grading) is stored
      -- once per group; a statement row carries only its own value. caveats: upper-case, sorted, no duplicates.
      CREATE TABLE provenance (
        pid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        schema TEXT NOT NULL,
        dataset TEXT NOT NULL,
        origin TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        marking TEXT NOT NULL,
        mlevel INTEGER NOT NULL,
        caveats TEXT[] NOT NULL,
        grading TEXT
      );
      CREATE INDEX provenance_dataset ON provenance(dataset, mlevel);
      -- seq grows in commit order (writes hold the store's write lock), so "statements after marker N" never
      -- misses a late commit; it is what the match-key index and Store.version follow.
      CREATE TABLE statements (
        eid BIGINT NOT NULL,
        id TEXT NOT NULL,
        pid BIGINT NOT NULL,
        prop TEXT NOT NULL,
        prop_type TEXT NOT NULL,
        value TEXT NOT NULL,
        original_value TEXT,
        last_seen TEXT NOT NULL,
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (eid, id)
      );
      CREATE INDEX statements_seq ON statements(seq);
      CREATE INDEX statements_ref ON statements(value) WHERE prop_type = 'entity';
      CREATE INDEX statements_topic ON statements(value, eid) WHERE prop_type = 'topic';
      CREATE INDEX statements_country ON statements(value, eid) WHERE prop_type = 'country';
      CREATE TABLE entity_datasets (
        dataset TEXT NOT NULL,
        eid BIGINT NOT NULL,
        PRIMARY KEY (dataset, eid)
      );
      CREATE TABLE datasets (
        name TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        fictional BOOLEAN NOT NULL DEFAULT false,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE ingest_checkpoints (
        source_key TEXT PRIMARY KEY,
        dataset TEXT NOT NULL,
        items_done BIGINT NOT NULL,
        complete BOOLEAN NOT NULL,
        updated_at TEXT NOT NULL
      );
      -- One row per audited action (src/audit): hash is the SHA-256 of the previous row's hash and this row's
      -- fields, so an edited, deleted or reordered row breaks the chain there. objects and detail are JSON text,
      -- kept byte for byte as hashed; neither ever holds an erased value.
      CREATE TABLE audit_log (
        seq BIGINT PRIMARY KEY,
        at TEXT NOT NULL,
        user_name TEXT NOT NULL,
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
      CREATE INDEX audit_log_user ON audit_log(user_name, seq);
      CREATE INDEX audit_log_request ON audit_log(request_id) WHERE request_id IS NOT NULL;
      CREATE INDEX audit_log_erasure ON audit_log(seq) WHERE category = 'erasure';
      -- Append-only from inside the database; a superuser can drop the trigger, which the hash chain then catches.
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
    `,
  },
];

export const migrations: readonly Migration[] = [
  ...core,
  ...entityMigrations,
  ...resolutionMigrations,
  ...cryptoMigrations,
].sort((a, b) => a.version - b.version);
