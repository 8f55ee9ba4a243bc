// Storage: the Store interface, its embedded SQLite implementation and the PostgreSQL one for teams.

export { postgresTarget, redactUrl, type StoreLocation, storeFromEnv, storeLocation } from './open.js';
export { restorePostgres } from './postgres/entities-backup.js';
export { PostgresStore, type PostgresStoreOptions } from './postgres/postgres-store.js';
export { ftsQuery, nameTokens } from './search-query.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
export type * from './store.js';
