// Migrations of the entities part of the PostgreSQL store (versions 10-19, see migrations.ts): the names index that
// search reads, the markings present, the document-text index that text search reads, and the indexes the entity
// reads and erasure need.
import type { Client } from './db.js';
import { insertTexts, TEXT_PROP, type TextRows, textVector } from './entities-write.js';
import type { Migration } from './migrations.js';

/** Document texts already stored, a few at a time (they can be large), indexed as the writer indexes new ones. */
const BACKFILL_BATCH = 100;

async function backfillTexts(c: Client): Promise<void> {
  let after = 0;
  for (;;) {
    const found = await c.query<{ seq: number; eid: number; pid: number; value: string }>(
      `SELECT seq, eid, pid, value FROM statements WHERE seq > $1 AND prop = $2 AND prop_type = 'text'
       ORDER BY seq LIMIT $3`,
      [after, TEXT_PROP, BACKFILL_BATCH],
    );
    if (found.rows.length === 0) return;
    const rows: TextRows = { seq: [], eid: [], pid: [], tokens: [] };
    for (const r of found.rows) {
      after = r.seq;
      const tokens = textVector(r.value);
      if (tokens === null) continue;
      rows.seq.push(r.seq);
      rows.eid.push(r.eid);
      rows.pid.push(r.pid);
      rows.tokens.push(tokens);
    }
    await insertTexts(c, rows);
  }
}

export const entityMigrations: Migration[] = [
  {
    version: 10,
    name: 'names index, markings present, entity datasets by entity',
    sql: `
      -- One row per name statement (seq is the statement's): its words folded in JavaScript (search-query.ts
      -- nameTokens, the same folding the query gets) as a tsvector for prefix matching through GIN, and as text for
      -- pg_trgm's similarity, which ranks the hits. eid and pid are the statement's, so a search checks the marking
      -- on the provenance row without reading the statement.
      CREATE TABLE names (
        seq BIGINT PRIMARY KEY,
        eid BIGINT NOT NULL,
        pid BIGINT NOT NULL,
        folded TEXT NOT NULL,
        tokens TSVECTOR NOT NULL
      );
      CREATE INDEX names_tokens ON names USING gin (tokens);
      CREATE INDEX names_eid ON names(eid);
      -- Every (level, caveats) a statement was written with: a reader who may see all of them needs no per-row
      -- check in the large reads (stats, search). Never shrinks (an erasure may leave a marking with no statement),
      -- which errs on the side of checking.
      CREATE TABLE markings_present (
        mlevel INTEGER NOT NULL,
        caveats TEXT[] NOT NULL,
        PRIMARY KEY (mlevel, caveats)
      );
      -- Datasets of an entity (search facets, erasure); the primary key serves "entities of a dataset".
      CREATE INDEX entity_datasets_eid ON entity_datasets(eid);
    `,
  },
  {
    version: 11,
    name: 'document text index',
    sql: `
      -- One row per document text (bodyText statements, src/evidence; seq is the statement's) for Store.searchText
      -- (search-text.ts): its words folded in JavaScript as the query's are (search-query.ts nameTokens), with their
      -- positions, as a tsvector for prefix matching through GIN and ranking by ts_rank. Like SQLite's texts_fts it
      -- holds no text of its own: snippets are cut from the statement. Existing texts are indexed by the migration's
      -- run step; erasure deletes the rows of an erased entity.
      CREATE TABLE texts (
        seq BIGINT PRIMARY KEY,
        eid BIGINT NOT NULL,
        pid BIGINT NOT NULL,
        tokens TSVECTOR NOT NULL
      );
      CREATE INDEX texts_tokens ON texts USING gin (tokens);
      CREATE INDEX texts_eid ON texts(eid);
    `,
    run: backfillTexts,
  },
  {
    version: 12,
    name: 'provenance of an entity by entity',
    sql: `
      -- A reader who may not see every marking reads, for each match of a search, which provenance rows its
      -- statements have and the first statement of each (the marking rule is on provenance; search-faceted.ts).
      -- From the primary key each of those is a fetch of the whole statement row; this index answers it alone.
      CREATE INDEX statements_eid_pid ON statements(eid, pid) INCLUDE (seq);
    `,
  },
];
