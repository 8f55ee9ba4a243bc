// The PostgreSQL store's crypto transfers, address labels and indicator series. (stub: being written)
import type { Store } from '../store.js';
import { notBuilt, type PgParts } from './parts.js';

export type PgCryptoMethods = Pick<
  Store,
  | 'putTransfers'
  | 'scanTransfers'
  | 'putAddressLabels'
  | 'addressLabels'
  | 'putSeries'
  | 'listSeries'
  | 'seriesPoints'
>;

export class PgCrypto implements PgCryptoMethods {
  constructor(readonly parts: PgParts) {}

  async putTransfers(..._a: unknown[]): Promise<never> {
    notBuilt('putTransfers');
  }
  // biome-ignore lint/correctness/useYield: stub
  async *scanTransfers(..._a: unknown[]): AsyncGenerator<never> {
    notBuilt('scanTransfers');
  }
  async putAddressLabels(..._a: unknown[]): Promise<never> {
    notBuilt('putAddressLabels');
  }
  async addressLabels(..._a: unknown[]): Promise<never> {
    notBuilt('addressLabels');
  }
  async putSeries(..._a: unknown[]): Promise<never> {
    notBuilt('putSeries');
  }
  async listSeries(..._a: unknown[]): Promise<never> {
    notBuilt('listSeries');
  }
  async seriesPoints(..._a: unknown[]): Promise<never> {
    notBuilt('seriesPoints');
  }
}
