// The PostgreSQL store's judgements, suggestions, clusters, match keys, users and sessions: each method behaves as the
// SQLite store's (src/store/sqlite/sqlite-store.ts with resolution.ts, match-index.ts and users.ts), writes holding
// the store's write lock and recording the same audit event in their transaction.
import type { AccessContext } from '../../access/index.js';
import { NexusError } from '../../model/index.js';
import type {
  Candidate,
  CandidateBatchOptions,
  CandidateOptions,
  CandidateQuery,
  ChangedEntities,
  Judgement,
  JudgementValue,
  MatchKeys,
  SessionInput,
  SessionRecord,
  Store,
  Suggestion,
  UserInput,
  UserRecord,
} from '../store.js';
import { sessionCreateEvent, sessionRevokeEvent, sessionsRevokeEvent, userPutEvent } from '../user-audit.js';
import { candidatesBatch } from './candidates-batch.js';
import { storeError } from './db.js';
import { seesAll } from './entities-sql.js';
import * as index from './match-index.js';
import type { PgParts } from './parts.js';
import {
  canonicalOf,
  IS_CANONICAL,
  judgementsOf,
  judgeTx,
  putSuggestionsTx,
  seesWhole,
  suggestionPage,
  unmergeTx,
} from './resolution-clusters.js';
import * as users from './users.js';

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
  | 'restartMatchIndexFor'
  | 'entitiesChangedSince'
  | 'putMatchKeys'
  | 'matchProfiles'
  | 'candidates'
  | 'candidatesBatch'
  | 'putUser'
  | 'getUser'
  | 'listUsers'
  | 'createSession'
  | 'sessionByTokenHash'
  | 'revokeSession'
  | 'revokeSessions'
>;

/** Suggestions read per round while looking for the next one the reader may see. */
const SUGGESTION_PAGE = 200;

export class PgResolution implements PgResolutionMethods {
  private readonly entityCount = new index.EntityCount();

  constructor(readonly parts: PgParts) {}

  private now(): string {
    return this.parts.clock().toISOString();
  }

  /** A read on the pool, its errors typed as the store's (a single query needs no snapshot). */
  private async read<T>(run: (q: users.Queryable) => Promise<T>): Promise<T> {
    try {
      return await run(this.parts.db.pool);
    } catch (err) {
      throw storeError('store.read', err);
    }
  }

  async judge(
    ctx: AccessContext,
    a: string,
    b: string,
    judgement: JudgementValue,
    reason: string,
  ): Promise<{ canonical: string | null }> {
    // Hidden and missing alike (R9): a record the context cannot see is not there to judge.
    for (const id of [a, b]) {
      if (!(await this.parts.store.getEntity(ctx, id)))
        throw new NexusError('ENTITY_NOT_FOUND', `store.judge: no entity "${id}"`);
    }
    return this.parts.db.write(
      ctx,
      (c) => judgeTx(c, ctx.user, a, b, judgement, reason, this.now()),
      (r) => ({
        action: 'xref.judge',
        category: 'combination',
        objects: [a, b],
        detail: { judgement, canonical: r.canonical },
      }),
    );
  }

  async judgements(_ctx: AccessContext, id: string): Promise<Judgement[]> {
    return this.parts.db.snapshot((c) => judgementsOf(c, id));
  }

  async putSuggestions(ctx: AccessContext, suggestions: Suggestion[]): Promise<number> {
    return this.parts.db.write(
      ctx,
      (c) => putSuggestionsTx(c, suggestions, this.now()),
      (n) => ({ action: 'xref.suggest', category: 'combination', detail: { suggestions: n } }),
    );
  }

  async nextSuggestion(ctx: AccessContext, skip = 0): Promise<Suggestion | undefined> {
    // Suggestions whose records the context cannot see whole are passed over, as if they did not exist: `skip`
    // counts only visible ones, so skipping cannot reveal that hidden suggestions sit in between.
    return this.parts.db.snapshot(async (c) => {
      let visible = 0;
      let after: Suggestion | undefined;
      for (;;) {
        const page = await suggestionPage(c, after, SUGGESTION_PAGE);
        if (page.length === 0) return undefined;
        const whole = await seesWhole(
          c,
          ctx,
          page.flatMap((s) => [s.a, s.b]),
        );
        for (const s of page) {
          if (whole.has(s.a) && whole.has(s.b) && visible++ === skip) return s;
        }
        after = page[page.length - 1];
      }
    });
  }

  async unmerge(ctx: AccessContext, canonical: string): Promise<string[]> {
    // A cluster holding anything the context may not see is not its to undo, and it answers as a missing one: the
    // answer would list the hidden members (R8, R9).
    const whole = await this.parts.db.snapshot((c) => seesWhole(c, ctx, [canonical]));
    if (!whole.has(canonical))
      throw new NexusError('ENTITY_NOT_FOUND', `resolve.unmerge: no cluster "${canonical}"`);
    return this.parts.db.write(
      ctx,
      (c) => unmergeTx(c, canonical, this.now()),
      (records) => ({ action: 'xref.unmerge', category: 'alteration', objects: [canonical, ...records] }),
    );
  }

  async canonicalOf(_ctx: AccessContext, id: string): Promise<string> {
    return this.read((q) => canonicalOf(q, id));
  }

  async clusterMap(_ctx: AccessContext): Promise<Map<string, string>> {
    const rows = await this.parts.db.query<{ member: string; canonical: string }>(
      `SELECT member, canonical FROM clusters WHERE NOT ${IS_CANONICAL('member')} ORDER BY member COLLATE "C"`,
    );
    return new Map(rows.map((r) => [r.member, r.canonical]));
  }

  async matchIndexMarker(_ctx: AccessContext): Promise<number> {
    return index.matchIndexMarker(this.parts.db);
  }

  async entitiesChangedSince(_ctx: AccessContext, marker: number, limit: number): Promise<ChangedEntities> {
    return index.entitiesChangedSince(this.parts.db, marker, limit);
  }

  async restartMatchIndexFor(ctx: AccessContext, stamp: string): Promise<boolean> {
    if ((await index.matchIndexStamp(this.parts.db)) === stamp) return false;
    return this.parts.db.write(
      ctx,
      (c) => index.restartMatchIndexFor(c, stamp),
      () => ({ action: 'index.restart', category: 'combination', detail: { stamp } }),
    );
  }

  async putMatchKeys(ctx: AccessContext, entries: MatchKeys[], marker: number): Promise<void> {
    await this.parts.db.write(
      ctx,
      (c) => index.putMatchKeys(c, entries, marker),
      () => ({
        action: 'index.update',
        category: 'combination',
        detail: { entities: entries.length, marker },
      }),
      () => entries.reduce((n, e) => n + e.keys.length, 0),
    );
  }

  async matchProfiles(ctx: AccessContext, ids: readonly string[]): Promise<Map<string, string>> {
    return this.parts.db.snapshot(async (c) =>
      (await seesAll(c, ctx)) ? index.matchProfiles(c, ids) : new Map<string, string>(),
    );
  }

  /** Candidates come from keys of every statement; callers score them on what the context may see. */
  async candidates(_ctx: AccessContext, keys: string[], options: CandidateOptions): Promise<Candidate[]> {
    const { schemata, ...shared } = options;
    const [found] = await this.parts.db.snapshot((c) =>
      candidatesBatch(c, this.entityCount, [{ keys, schemata }], shared),
    );
    return found ?? [];
  }

  async candidatesBatch(
    _ctx: AccessContext,
    queries: readonly CandidateQuery[],
    options: CandidateBatchOptions,
  ): Promise<Candidate[][]> {
    return this.parts.db.snapshot((c) => candidatesBatch(c, this.entityCount, queries, options));
  }

  async putUser(ctx: AccessContext, user: UserInput): Promise<UserRecord> {
    const { after } = await this.parts.db.write(
      ctx,
      async (c) => {
        const before = await users.getUser(c, user.name);
        return { before, after: await users.putUser(c, ctx, user, this.now()) };
      },
      ({ before, after }) => userPutEvent(before, after),
    );
    return after;
  }

  async getUser(_ctx: AccessContext, name: string): Promise<UserRecord | undefined> {
    return this.read((q) => users.getUser(q, name));
  }

  async listUsers(_ctx: AccessContext): Promise<UserRecord[]> {
    return this.read((q) => users.listUsers(q));
  }

  async createSession(ctx: AccessContext, session: SessionInput): Promise<SessionRecord> {
    return this.parts.db.write(ctx, (c) => users.createSession(c, session, this.now()), sessionCreateEvent);
  }

  async sessionByTokenHash(
    _ctx: AccessContext,
    tokenHash: string,
  ): Promise<{ user: UserRecord; session: SessionRecord } | undefined> {
    return this.read((q) => users.sessionByTokenHash(q, tokenHash, this.now()));
  }

  async revokeSession(ctx: AccessContext, tokenHash: string): Promise<boolean> {
    return this.parts.db.write(ctx, (c) => users.revokeSession(c, tokenHash, this.now()), sessionRevokeEvent);
  }

  async revokeSessions(ctx: AccessContext, user: string): Promise<number> {
    return this.parts.db.write(
      ctx,
      (c) => users.revokeSessions(c, user, this.now()),
      (n) => sessionsRevokeEvent(user, n),
    );
  }
}
