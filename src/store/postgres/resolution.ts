// The PostgreSQL store's judgements, suggestions, clusters, match keys, users and sessions. (stub: being written)
import type { Store } from '../store.js';
import { notBuilt, type PgParts } from './parts.js';

export type PgResolutionMethods = Pick<
  Store,
  | 'judge'
  | 'judgements'
  | 'putSuggestions'
  | 'nextSuggestion'
  | 'unmerge'
  | 'canonicalOf'
  | 'clusterMap'
  | 'matchIndexMarker'
  | 'entitiesChangedSince'
  | 'putMatchKeys'
  | 'candidates'
  | 'putUser'
  | 'getUser'
  | 'listUsers'
  | 'createSession'
  | 'sessionByTokenHash'
  | 'revokeSession'
  | 'revokeSessions'
>;

export class PgResolution implements PgResolutionMethods {
  constructor(readonly parts: PgParts) {}

  async judge(..._a: unknown[]): Promise<never> {
    notBuilt('judge');
  }
  async judgements(..._a: unknown[]): Promise<never> {
    notBuilt('judgements');
  }
  async putSuggestions(..._a: unknown[]): Promise<never> {
    notBuilt('putSuggestions');
  }
  async nextSuggestion(..._a: unknown[]): Promise<never> {
    notBuilt('nextSuggestion');
  }
  async unmerge(..._a: unknown[]): Promise<never> {
    notBuilt('unmerge');
  }
  async canonicalOf(..._a: unknown[]): Promise<never> {
    notBuilt('canonicalOf');
  }
  async clusterMap(..._a: unknown[]): Promise<never> {
    notBuilt('clusterMap');
  }
  async matchIndexMarker(..._a: unknown[]): Promise<never> {
    notBuilt('matchIndexMarker');
  }
  async entitiesChangedSince(..._a: unknown[]): Promise<never> {
    notBuilt('entitiesChangedSince');
  }
  async putMatchKeys(..._a: unknown[]): Promise<never> {
    notBuilt('putMatchKeys');
  }
  async candidates(..._a: unknown[]): Promise<never> {
    notBuilt('candidates');
  }
  async putUser(..._a: unknown[]): Promise<never> {
    notBuilt('putUser');
  }
  async getUser(..._a: unknown[]): Promise<never> {
    notBuilt('getUser');
  }
  async listUsers(..._a: unknown[]): Promise<never> {
    notBuilt('listUsers');
  }
  async createSession(..._a: unknown[]): Promise<never> {
    notBuilt('createSession');
  }
  async sessionByTokenHash(..._a: unknown[]): Promise<never> {
    notBuilt('sessionByTokenHash');
  }
  async revokeSession(..._a: unknown[]): Promise<never> {
    notBuilt('revokeSession');
  }
  async revokeSessions(..._a: unknown[]): Promise<never> {
    notBuilt('revokeSessions');
  }
}
