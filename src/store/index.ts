// Storage: the Store interface and its embedded SQLite implementation.

export { ftsQuery, nameTokens } from './search-query.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
export type * from './store.js';
