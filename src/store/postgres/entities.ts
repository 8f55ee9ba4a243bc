// The PostgreSQL store's statements, entities, datasets, checkpoints, search, stats, export, scan, version, digest, erasure, backup. (stub: being written)
import type { Store } from '../store.js';
import { notBuilt, type PgParts } from './parts.js';

export type PgEntitiesMethods = Pick<
  Store,
  | 'putStatements'
  | 'upsertDataset'
  | 'getCheckpoint'
  | 'getEntity'
  | 'getEntities'
  | 'listEntities'
  | 'searchNames'
  | 'search'
  | 'referencing'
  | 'datasets'
  | 'stats'
  | 'exportDataset'
  | 'scanEntities'
  | 'version'
  | 'digest'
  | 'erase'
  | 'backup'
>;

export class PgEntities implements PgEntitiesMethods {
  constructor(readonly parts: PgParts) {}

  async putStatements(..._a: unknown[]): Promise<never> {
    notBuilt('putStatements');
  }
  async upsertDataset(..._a: unknown[]): Promise<never> {
    notBuilt('upsertDataset');
  }
  async getCheckpoint(..._a: unknown[]): Promise<never> {
    notBuilt('getCheckpoint');
  }
  async getEntity(..._a: unknown[]): Promise<never> {
    notBuilt('getEntity');
  }
  async getEntities(..._a: unknown[]): Promise<never> {
    notBuilt('getEntities');
  }
  async listEntities(..._a: unknown[]): Promise<never> {
    notBuilt('listEntities');
  }
  async searchNames(..._a: unknown[]): Promise<never> {
    notBuilt('searchNames');
  }
  async search(..._a: unknown[]): Promise<never> {
    notBuilt('search');
  }
  async referencing(..._a: unknown[]): Promise<never> {
    notBuilt('referencing');
  }
  async datasets(..._a: unknown[]): Promise<never> {
    notBuilt('datasets');
  }
  async stats(..._a: unknown[]): Promise<never> {
    notBuilt('stats');
  }
  // biome-ignore lint/correctness/useYield: stub
  async *exportDataset(..._a: unknown[]): AsyncGenerator<never> {
    notBuilt('exportDataset');
  }
  // biome-ignore lint/correctness/useYield: stub
  async *scanEntities(..._a: unknown[]): AsyncGenerator<never> {
    notBuilt('scanEntities');
  }
  async version(..._a: unknown[]): Promise<never> {
    notBuilt('version');
  }
  async digest(..._a: unknown[]): Promise<never> {
    notBuilt('digest');
  }
  async erase(..._a: unknown[]): Promise<never> {
    notBuilt('erase');
  }
  async backup(..._a: unknown[]): Promise<never> {
    notBuilt('backup');
  }
}
