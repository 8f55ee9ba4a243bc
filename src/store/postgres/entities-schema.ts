// Migrations of the entities part of the PostgreSQL store (versions 10-19, see migrations.ts): the names index that
// search reads, the markings present, and the indexes the entity reads and erasure need.
import type { Migration } from './migrations.js';

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
];
