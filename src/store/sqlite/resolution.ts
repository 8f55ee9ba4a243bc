// Judgements, suggestions and clusters in SQLite: who decided which records are the same, and the canonical ids.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { NexusError } from '../../model/index.js';
import type { Judgement, JudgementValue, Suggestion } from '../store.js';

interface JudgementRow {
  a: string;
  b: string;
  judgement: JudgementValue;
  user: string;
  reason: string;
  at: string;
  retracted_at: string | null;
}

function ordered(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

export class Resolution {
  readonly judge: (
    user: string,
    a: string,
    b: string,
    judgement: JudgementValue,
    reason: string,
    now: string,
  ) => { canonical: string | null };
  readonly unmerge: (canonical: string, now: string) => string[];
  readonly putSuggestions: (suggestions: Suggestion[], now: string) => number;

  constructor(private readonly db: Database.Database) {
    this.judge = db.transaction((user, a, b, judgement, reason, now) =>
      this.judgeTx(user, a, b, judgement, reason, now),
    );
    this.unmerge = db.transaction((canonical: string, now: string) => this.unmergeTx(canonical, now));
    this.putSuggestions = db.transaction((suggestions: Suggestion[], now: string) => {
      const put = db.prepare(
        `INSERT INTO suggestions (a, b, score, explanation, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(a, b) DO UPDATE SET score = excluded.score, explanation = excluded.explanation`,
      );
      for (const s of suggestions) {
        const [x, y] = ordered(s.a, s.b);
        put.run(x, y, s.score, s.explanation, now);
      }
      return suggestions.length;
    });
  }

  private canonicalQuery: Database.Statement | undefined;

  /** Prepared once: every entity read asks it (screening, dozens of times a query). */
  canonicalOf(id: string): string {
    this.canonicalQuery ??= this.db.prepare('SELECT canonical FROM clusters WHERE member = ?').pluck();
    const row = this.canonicalQuery.get(id) as string | undefined;
    return row ?? id;
  }

  /** Source records of a canonical id (only records, not absorbed canonical ids); [id] when not clustered. */
  members(canonical: string): string[] {
    const rows = this.db
      .prepare("SELECT member FROM clusters WHERE canonical = ? AND member NOT GLOB 'NX-*' ORDER BY member")
      .pluck()
      .all(canonical) as string[];
    return rows.length > 0 ? rows : [canonical];
  }

  private standingNoMatch(left: string[], right: string[]): boolean {
    const q = this.db.prepare(
      "SELECT 1 FROM judgements WHERE a = ? AND b = ? AND retracted_at IS NULL AND judgement = 'no-match' AND jid = (SELECT max(jid) FROM judgements WHERE a = ? AND b = ?)",
    );
    for (const l of left) {
      for (const r of right) {
        const [x, y] = ordered(l, r);
        if (q.get(x, y, x, y)) return true;
      }
    }
    return false;
  }

  private judgeTx(
    user: string,
    a: string,
    b: string,
    judgement: JudgementValue,
    reason: string,
    now: string,
  ): { canonical: string | null } {
    if (a === b)
      throw new NexusError('USAGE_INVALID', 'resolve.judge: a record cannot be judged against itself');
    const ca = this.canonicalOf(a);
    const cb = this.canonicalOf(b);
    const left = this.members(ca);
    const right = this.members(cb);
    if (judgement === 'no-match' && ca === cb && ca.startsWith('NX-')) {
      throw new NexusError(
        'JUDGEMENT_CONFLICT',
        `resolve.judge: ${a} and ${b} are merged in ${ca}; unmerge it first`,
      );
    }
    if (judgement === 'match' && ca !== cb && this.standingNoMatch(left, right)) {
      throw new NexusError(
        'JUDGEMENT_CONFLICT',
        `resolve.judge: a standing no-match keeps ${ca} and ${cb} apart`,
      );
    }
    const [x, y] = ordered(a, b);
    this.db
      .prepare('INSERT INTO judgements (a, b, judgement, user, reason, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(x, y, judgement, user, reason, now);
    if (judgement !== 'match') return { canonical: null };
    if (ca === cb && ca.startsWith('NX-')) return { canonical: ca };
    // Keep an existing canonical id where there is one, so ids analysts already cite stay valid.
    const canonical = ca.startsWith('NX-') ? ca : cb.startsWith('NX-') ? cb : newCanonical(x, y);
    const set = this.db.prepare(
      'INSERT INTO clusters (member, canonical) VALUES (?, ?) ON CONFLICT(member) DO UPDATE SET canonical = excluded.canonical',
    );
    for (const old of [ca, cb]) {
      if (old.startsWith('NX-') && old !== canonical) {
        this.db.prepare('UPDATE clusters SET canonical = ? WHERE canonical = ?').run(canonical, old);
        set.run(old, canonical);
      }
    }
    for (const m of [...left, ...right]) set.run(m, canonical);
    return { canonical };
  }

  private unmergeTx(canonical: string, now: string): string[] {
    const members = this.db
      .prepare('SELECT member FROM clusters WHERE canonical = ?')
      .pluck()
      .all(canonical) as string[];
    if (members.length === 0)
      throw new NexusError('ENTITY_NOT_FOUND', `resolve.unmerge: no cluster "${canonical}"`);
    const records = members.filter((m) => !m.startsWith('NX-'));
    const retract = this.db.prepare(
      "UPDATE judgements SET retracted_at = ? WHERE a = ? AND b = ? AND judgement = 'match' AND retracted_at IS NULL",
    );
    for (const l of records) for (const r of records) if (l < r) retract.run(now, l, r);
    this.db.prepare('DELETE FROM clusters WHERE canonical = ?').run(canonical);
    return records.sort();
  }

  judgements(id: string): Judgement[] {
    const ids = this.members(this.canonicalOf(id));
    const rows = this.db
      .prepare(
        `SELECT * FROM judgements WHERE a IN (${ids.map(() => '?').join(', ')}) OR b IN (${ids.map(() => '?').join(', ')}) ORDER BY jid`,
      )
      .all(...ids, ...ids) as JudgementRow[];
    return rows.map((r) => ({
      a: r.a,
      b: r.b,
      judgement: r.judgement,
      user: r.user,
      reason: r.reason,
      at: r.at,
      retractedAt: r.retracted_at,
    }));
  }

  nextSuggestion(skip: number): Suggestion | undefined {
    const page = this.db.prepare(
      'SELECT a, b, score, explanation FROM suggestions ORDER BY score DESC, a, b LIMIT 200 OFFSET ?',
    );
    const decided = this.db.prepare(
      'SELECT 1 FROM judgements WHERE a = ? AND b = ? AND retracted_at IS NULL',
    );
    let offset = 0;
    let skipped = 0;
    for (;;) {
      const rows = page.all(offset) as Suggestion[];
      if (rows.length === 0) return undefined;
      for (const s of rows) {
        if (decided.get(s.a, s.b)) continue;
        const ca = this.canonicalOf(s.a);
        if (ca.startsWith('NX-') && ca === this.canonicalOf(s.b)) continue;
        if (skipped++ < skip) continue;
        return s;
      }
      offset += rows.length;
    }
  }
}

function newCanonical(a: string, b: string): string {
  return `NX-${createHash('sha1').update(`${a}\u001f${b}`).digest('hex').slice(0, 20)}`;
}
