// Migrations of this part of the PostgreSQL store (version range: see migrations.ts). (stub: being written)
import type { Migration } from './migrations.js';

export const cryptoMigrations: Migration[] = [];
