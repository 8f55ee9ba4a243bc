// Migrations of the resolution part of the PostgreSQL store (versions 20-29): match keys, judgements, suggestions,
// clusters, users and sessions. Tables and columns mirror the SQLite store's (src/store/sqlite/migrations.ts), with
// `user` renamed `user_name` (reserved in PostgreSQL); the entities part reads clusters, judgements, suggestions and
// match_keys directly (canonical ids, Store.version, erasure), so their names and meanings must stay as they are.
import type { Migration } from './migrations.js';

export const resolutionMigrations: Migration[] = [
  {
    version: 20,
    name: 'match keys for candidate retrieval',
    sql: `
      -- Blocking keys (name tokens, phonetic keys, identifiers) per entity, written by the resolve stage. (key, eid)
      -- serves "entities with this key, lowest eid first"; the eid index serves replacing an entity's keys.
      CREATE TABLE match_keys (
        key TEXT NOT NULL,
        eid BIGINT NOT NULL,
        PRIMARY KEY (key, eid)
      );
      CREATE INDEX match_keys_eid ON match_keys(eid);
      -- How many entities carry each key, so frequent keys weigh little and can be capped.
      CREATE TABLE match_key_df (
        key TEXT PRIMARY KEY,
        n BIGINT NOT NULL
      );
      -- The last statement (statements.seq) whose entity has current keys.
      CREATE TABLE match_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        marker BIGINT NOT NULL
      );
      INSERT INTO match_state (id, marker) VALUES (1, 0);
    `,
  },
  {
    version: 21,
    name: 'judgements, match suggestions and clusters',
    sql: `
      -- Human decisions on pairs of records (a < b); never deleted but by erasure, an unmerge marks them retracted.
      -- jid grows in commit order (writes hold the store's write lock); Store.version reads max(jid).
      CREATE TABLE judgements (
        jid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        a TEXT NOT NULL,
        b TEXT NOT NULL,
        judgement TEXT NOT NULL CHECK (judgement IN ('match', 'no-match', 'unsure')),
        user_name TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL,
        retracted_at TEXT
      );
      -- (a, b, jid): the latest decision on a pair is one index probe; it also serves look-ups by a alone.
      CREATE INDEX judgements_a ON judgements(a, b, jid);
      CREATE INDEX judgements_b ON judgements(b);
      -- Pairs the matcher proposes for review (xref), best first: the index is the review queue's order, with ids
      -- in byte order as SQLite's BINARY collation has them.
      CREATE TABLE suggestions (
        a TEXT NOT NULL,
        b TEXT NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        explanation TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (a, b)
      );
      CREATE INDEX suggestions_score ON suggestions(score DESC, a COLLATE "C", b COLLATE "C");
      CREATE INDEX suggestions_b ON suggestions(b);
      -- Record id -> canonical id (NX-...); a canonical id absorbed by a later merge maps to the new one.
      CREATE TABLE clusters (
        member TEXT PRIMARY KEY,
        canonical TEXT NOT NULL
      );
      CREATE INDEX clusters_canonical ON clusters(canonical);
    `,
  },
  {
    version: 22,
    name: 'users and sessions for API authentication, with a TOTP second factor',
    sql: `
      -- API users. The name is unique regardless of ASCII case, as under SQLite's NOCASE (lower() in the C collation
      -- folds ASCII only, whatever the database's locale); version moves on every change that matters for access (role, clearance, caveats, password,
      -- disabled, TOTP secret), and a session is valid only at its version. totp_last_step is the last TOTP time
      -- step accepted at login: a code is refused unless its step is later, so none can be replayed.
      CREATE TABLE users (
        name TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('analyst', 'reviewer', 'admin', 'auditor')),
        clearance TEXT NOT NULL,
        caveats TEXT[] NOT NULL,
        disabled BOOLEAN NOT NULL DEFAULT false,
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        totp_secret TEXT,
        totp_last_step BIGINT
      );
      CREATE UNIQUE INDEX users_name_nocase ON users(lower(name COLLATE "C"));
      -- Login sessions and API tokens, keyed by the SHA-256 of the token; the token itself is never stored.
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
        user_name TEXT NOT NULL REFERENCES users(name),
        kind TEXT NOT NULL CHECK (kind IN ('session', 'token')),
        created_at TEXT NOT NULL,
        expires_at TEXT,
        revoked_at TEXT,
        user_version INTEGER NOT NULL
      );
      CREATE INDEX sessions_user ON sessions(lower(user_name COLLATE "C"));
    `,
  },
  {
    version: 23,
    name: 'match profiles',
    sql: `
      -- What scoring reads of an entity (src/resolve/profile.ts), as JSON text, written with its match keys: screening
      -- scores candidates from one row each instead of assembling them from statements. The marker goes back to the
      -- start so the next index build writes every entity's profile; its keys come out the same and are not rewritten.
      CREATE TABLE match_profiles (
        eid BIGINT PRIMARY KEY,
        profile TEXT NOT NULL
      );
      UPDATE match_state SET marker = 0;
    `,
  },
  {
    version: 24,
    name: 'name analysis stamp of the match index',
    sql: `
      -- Profiles keep their names as the name engine analysed them (src/resolve/names/packed.ts). The stamp of the
      -- analysis the index was built with: when the engine's differs, the next build starts over and files every
      -- entity again. Empty until the first build, so upgraded stores are filed again once, with their names.
      ALTER TABLE match_state ADD COLUMN names TEXT NOT NULL DEFAULT '';
    `,
  },
];
