// The PostgreSQL write path for statements: a batch becomes a handful of set-based statements (arrays through
// unnest), whatever its size. Behaviour is SQLite's (src/store/sqlite/writer.ts): statements keyed by (entity,
// statement id), the first occurrence wins, a repeat only moves last_seen; one provenance row per group that wrote
// something; the entity's schema folded to the most specific in group order; the checkpoint in the same transaction.
import {
  getSchema,
  hasSchema,
  ID_PROP,
  parseMarking,
  type StatementGroup,
  specificSchema,
} from '../../model/index.js';
import { nameTokens } from '../search-query.js';
import type { BatchResult, WriteBatch } from '../store.js';
import type { Client } from './db.js';

/** Separates caveats in one array element: caveats are words and spaces, never this. */
export const CAVEAT_SEP = '\u001f';
/** Longest word kept in the names index (tsvector lexemes stop at 2 KB); queries are cut the same way. */
export const MAX_TOKEN_CHARS = 200;
/** Words of one name kept in the names index: a name is a few words; this only bounds hostile input. */
const MAX_NAME_TOKENS = 256;
/** Document text, indexed in `texts` for Store.searchText (migration 11), as SQLite's writer indexes it. */
export const TEXT_PROP = 'bodyText';
/** tsvector limits: positions run to 16,383 (later words all sit there), at most 256 kept per word. */
const MAX_TEXT_POSITION = 16_383;
const MAX_WORD_POSITIONS = 256;
/** Bytes of distinct words in one text's tsvector (PostgreSQL refuses over 1 MB); later new words are dropped. */
const MAX_TEXT_WORD_BYTES = 1_000_000;

/** A name's words as the index holds them (deduplicated, bounded), or [] when it has none. */
export function indexTokens(name: string): string[] {
  const out = new Set<string>();
  for (const t of nameTokens(name)) {
    out.add(t.slice(0, MAX_TOKEN_CHARS));
    if (out.size >= MAX_NAME_TOKENS) break;
  }
  return [...out];
}

/** Words as tsvector input text: each quoted, quotes and backslashes escaped, so no word is read as syntax. */
function lexemes(words: readonly string[]): string {
  return words.map((w) => `'${w.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`).join(' ');
}

/**
 * A document text as tsvector input: its words folded as queries are (search-query.ts nameTokens), cut as the names
 * index cuts them, each with its positions (for ts_rank); null when it has no word.
 */
export function textVector(text: string): string | null {
  const positions = new Map<string, number[]>();
  let bytes = 0;
  let at = 0;
  for (const token of nameTokens(text)) {
    at++;
    const word = token.slice(0, MAX_TOKEN_CHARS);
    let list = positions.get(word);
    if (!list) {
      const size = Buffer.byteLength(word);
      if (bytes + size > MAX_TEXT_WORD_BYTES) continue;
      bytes += size;
      list = [];
      positions.set(word, list);
    }
    const pos = Math.min(at, MAX_TEXT_POSITION);
    if (list.length < MAX_WORD_POSITIONS && list[list.length - 1] !== pos) list.push(pos);
  }
  if (positions.size === 0) return null;
  const out: string[] = [];
  for (const [word, list] of positions) out.push(`${lexemes([word])}:${list.join(',')}`);
  return out.join(' ');
}

/** Everything about a batch that needs no database: built before the write lock is taken. */
export interface PreparedBatch {
  groups: StatementGroup[];
  /** Record index of each group. */
  groupRecord: number[];
  /** Entity index (into entityIds) of each group. */
  groupEntity: number[];
  groupRank: number[];
  groupCaveats: string[];
  /** Distinct entities in order of first appearance, with the schema and first-seen of that appearance. */
  entityIds: string[];
  entitySchemas: string[];
  entityFirstSeen: string[];
  /** First occurrence of each (entity, statement id) in the batch, in batch order. */
  first: {
    group: number[];
    id: string[];
    prop: string[];
    type: string[];
    value: string[];
    original: (string | null)[];
    /** For names: the folded words as text (for similarity) and as tsvector input; null otherwise or when none. */
    folded: (string | null)[];
    lexemes: (string | null)[];
    /** For document text (TEXT_PROP): its textVector; null otherwise or when it has no word. */
    text: (string | null)[];
  };
  /** Later occurrences (repeats within the batch): they can only move last_seen. */
  repeats: { entity: number[]; id: string[]; lastSeen: string[] };
  records: number;
}

export function prepareBatch(batch: WriteBatch): PreparedBatch {
  const p: PreparedBatch = {
    groups: [],
    groupRecord: [],
    groupEntity: [],
    groupRank: [],
    groupCaveats: [],
    entityIds: [],
    entitySchemas: [],
    entityFirstSeen: [],
    first: {
      group: [],
      id: [],
      prop: [],
      type: [],
      value: [],
      original: [],
      folded: [],
      lexemes: [],
      text: [],
    },
    repeats: { entity: [], id: [], lastSeen: [] },
    records: batch.records.length,
  };
  const entityIndex = new Map<string, number>();
  const seen = new Set<string>();
  const markings = new Map<string, { rank: number; caveats: string }>();
  batch.records.forEach((record, r) => {
    for (const g of record.groups) {
      const gi = p.groups.length;
      let m = markings.get(g.marking);
      if (!m) {
        const parsed = parseMarking(g.marking);
        m = { rank: parsed.rank, caveats: [...parsed.caveats].join(CAVEAT_SEP) };
        markings.set(g.marking, m);
      }
      let ei = entityIndex.get(g.entityId);
      if (ei === undefined) {
        ei = p.entityIds.length;
        entityIndex.set(g.entityId, ei);
        p.entityIds.push(g.entityId);
        p.entitySchemas.push(g.schema);
        p.entityFirstSeen.push(g.firstSeen);
      }
      p.groups.push(g);
      p.groupRecord.push(r);
      p.groupEntity.push(ei);
      p.groupRank.push(m.rank);
      p.groupCaveats.push(m.caveats);
      for (let i = 0; i < g.ids.length; i++) {
        const id = g.ids[i] as string;
        const key = `${ei}\u0000${id}`;
        if (seen.has(key)) {
          p.repeats.entity.push(ei);
          p.repeats.id.push(id);
          p.repeats.lastSeen.push(g.lastSeen);
          continue;
        }
        seen.add(key);
        p.first.group.push(gi);
        p.first.id.push(id);
        p.first.prop.push(g.props[i] as string);
        p.first.type.push(g.propTypes[i] as string);
        p.first.value.push(g.values[i] as string);
        p.first.original.push(g.originals[i] ?? null);
        const words = g.propTypes[i] === 'name' ? indexTokens(g.values[i] as string) : [];
        p.first.folded.push(words.length > 0 ? words.join(' ') : null);
        p.first.lexemes.push(words.length > 0 ? lexemes(words) : null);
        p.first.text.push(
          g.props[i] === TEXT_PROP && g.propTypes[i] === 'text' ? textVector(g.values[i] as string) : null,
        );
      }
    }
  });
  return p;
}

/** Runs inside the write transaction (the store's write lock is held). */
export async function writeBatch(
  c: Client,
  batch: WriteBatch,
  p: PreparedBatch,
  now: string,
): Promise<BatchResult> {
  // Every join below looks a batch up in a table far larger than the batch (or in a small one, where nothing is
  // slow): index probes per batch row are always right, a hash over the whole table never is. The planner, from
  // the batch's size alone, picks a full scan for mid-sized tables, so the joins are pinned for this transaction.
  await c.query('SET LOCAL enable_hashjoin = off');
  await c.query('SET LOCAL enable_mergejoin = off');

  // 1. Entities: the known ones by id, then the new ones inserted in order of first appearance (their eids grow in
  // that order, as in SQLite). Nothing else writes entities while the write lock is held.
  const eids = new Array<number>(p.entityIds.length);
  const schemas = new Array<string>(p.entityIds.length);
  const known = await c.query<{ ord: number; eid: number; schema: string }>(
    `SELECT i.ord, e.eid, e.schema FROM unnest($1::text[]) WITH ORDINALITY AS i(id, ord)
     JOIN entities e ON e.id = i.id`,
    [p.entityIds],
  );
  for (const r of known.rows) {
    eids[r.ord - 1] = r.eid;
    schemas[r.ord - 1] = r.schema;
  }
  const fresh: number[] = [];
  for (let i = 0; i < p.entityIds.length; i++) if (eids[i] === undefined) fresh.push(i);
  if (fresh.length > 0) {
    const made = await c.query<{ id: string; eid: number }>(
      `INSERT INTO entities (id, schema, first_seen)
       SELECT id, schema, first_seen FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(id, schema, first_seen, ord)
       ORDER BY ord RETURNING id, eid`,
      [
        fresh.map((i) => p.entityIds[i]),
        fresh.map((i) => p.entitySchemas[i]),
        fresh.map((i) => p.entityFirstSeen[i]),
      ],
    );
    const eidOf = new Map(made.rows.map((r) => [r.id, r.eid]));
    for (const i of fresh) {
      eids[i] = eidOf.get(p.entityIds[i] as string) as number;
      schemas[i] = p.entitySchemas[i] as string;
    }
  }
  const entitiesCreated = fresh.length;

  // 2. Provenance keys for every group with a statement to insert; only groups that wrote something keep theirs.
  const groupCount = p.groups.length;
  const pidOf = new Array<number>(groupCount).fill(0);
  const needPid = [...new Set(p.first.group)];
  if (needPid.length > 0) {
    const pids = await c.query<{ pid: number }>(
      // The sequence looked up once (materialised), not per row.
      `WITH q AS MATERIALIZED (SELECT pg_get_serial_sequence('provenance', 'pid')::regclass AS seq)
       SELECT nextval(q.seq) AS pid FROM q, generate_series(1, $1::int)`,
      [needPid.length],
    );
    needPid.forEach((gi, k) => {
      pidOf[gi] = pids.rows[k]?.pid as number;
    });
  }

  // 3. Statements: first occurrences only; the ones already stored are left as they are (filtered before the insert,
  // so they take no seq and no speculative insertion).
  const n = p.first.id.length;
  const stEid = new Array<number>(n);
  const stPid = new Array<number>(n);
  const lastSeen = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const gi = p.first.group[i] as number;
    stEid[i] = eids[p.groupEntity[gi] as number] as number;
    stPid[i] = pidOf[gi] as number;
    lastSeen[i] = (p.groups[gi] as StatementGroup).lastSeen;
  }
  const inserted = new Map<string, number>();
  if (n > 0) {
    const ins = await c.query<{ eid: number; id: string; seq: number }>(
      `INSERT INTO statements (eid, id, pid, prop, prop_type, value, original_value, last_seen)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
         AS t(eid, id)
       WHERE NOT EXISTS (SELECT 1 FROM statements x WHERE x.eid = t.eid AND x.id = t.id)
       ON CONFLICT (eid, id) DO NOTHING
       RETURNING eid, id, seq`,
      [stEid, p.first.id, stPid, p.first.prop, p.first.type, p.first.value, p.first.original, lastSeen],
    );
    for (const r of ins.rows) inserted.set(`${r.eid}\u0000${r.id}`, r.seq);
  }

  // 4. What was new: per group and record, the names and texts to index, the dataset memberships.
  const freshPerGroup = new Array<number>(groupCount).fill(0);
  const names = { seq: [] as number[], eid: [] as number[], pid: [] as number[], folded: [] as string[] };
  const tokens: string[] = [];
  const texts: TextRows = { seq: [], eid: [], pid: [], tokens: [] };
  const memberships = new Set<string>();
  const touch = new Map<string, { eid: number; id: string; lastSeen: string }>();
  const touchAt = (eid: number, id: string, seen: string) => {
    const key = `${eid}\u0000${id}`;
    const t = touch.get(key);
    if (!t) touch.set(key, { eid, id, lastSeen: seen });
    else if (seen > t.lastSeen) t.lastSeen = seen;
  };
  for (let i = 0; i < n; i++) {
    const eid = stEid[i] as number;
    const id = p.first.id[i] as string;
    const seq = inserted.get(`${eid}\u0000${id}`);
    const gi = p.first.group[i] as number;
    if (seq === undefined) {
      touchAt(eid, id, lastSeen[i] as string);
      continue;
    }
    freshPerGroup[gi] = (freshPerGroup[gi] as number) + 1;
    const folded = p.first.folded[i];
    if (folded) {
      names.seq.push(seq);
      names.eid.push(eid);
      names.pid.push(stPid[i] as number);
      names.folded.push(folded);
      tokens.push(p.first.lexemes[i] as string);
    }
    const text = p.first.text[i];
    if (text) {
      texts.seq.push(seq);
      texts.eid.push(eid);
      texts.pid.push(stPid[i] as number);
      texts.tokens.push(text);
    }
    // Every group carries its entity's `id` statement; when that is new, so is the dataset membership.
    if (p.first.prop[i] === ID_PROP)
      memberships.add(`${(p.groups[gi] as StatementGroup).dataset}\u0000${eid}`);
  }
  for (let i = 0; i < p.repeats.id.length; i++)
    touchAt(
      eids[p.repeats.entity[i] as number] as number,
      p.repeats.id[i] as string,
      p.repeats.lastSeen[i] as string,
    );

  // 5. Provenance rows of the groups that wrote something, with the keys their statements already carry.
  const prov = {
    pid: [] as number[],
    schema: [] as string[],
    dataset: [] as string[],
    origin: [] as string[],
    firstSeen: [] as string[],
    marking: [] as string[],
    rank: [] as number[],
    caveats: [] as string[],
    grading: [] as (string | null)[],
  };
  const markingsPresent = new Map<string, [number, string]>();
  for (let gi = 0; gi < groupCount; gi++) {
    if (freshPerGroup[gi] === 0) continue;
    const g = p.groups[gi] as StatementGroup;
    prov.pid.push(pidOf[gi] as number);
    prov.schema.push(g.schema);
    prov.dataset.push(g.dataset);
    prov.origin.push(g.origin);
    prov.firstSeen.push(g.firstSeen);
    prov.marking.push(g.marking);
    prov.rank.push(p.groupRank[gi] as number);
    prov.caveats.push(p.groupCaveats[gi] as string);
    prov.grading.push(g.grading);
    markingsPresent.set(`${p.groupRank[gi]}\u0000${p.groupCaveats[gi]}`, [
      p.groupRank[gi] as number,
      p.groupCaveats[gi] as string,
    ]);
  }
  if (prov.pid.length > 0) {
    await c.query(
      `INSERT INTO provenance (pid, schema, dataset, origin, first_seen, marking, mlevel, caveats, grading)
       OVERRIDING SYSTEM VALUE
       SELECT t.pid, t.schema, t.dataset, t.origin, t.first_seen, t.marking, t.mlevel,
         CASE WHEN t.caveats = '' THEN '{}'::text[] ELSE string_to_array(t.caveats, $10) END, t.grading
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[])
         AS t(pid, schema, dataset, origin, first_seen, marking, mlevel, caveats, grading)`,
      [
        prov.pid,
        prov.schema,
        prov.dataset,
        prov.origin,
        prov.firstSeen,
        prov.marking,
        prov.rank,
        prov.caveats,
        prov.grading,
        CAVEAT_SEP,
      ],
    );
    const present = [...markingsPresent.values()];
    await c.query(
      `INSERT INTO markings_present (mlevel, caveats)
       SELECT t.mlevel, CASE WHEN t.caveats = '' THEN '{}'::text[] ELSE string_to_array(t.caveats, $3) END
       FROM unnest($1::int[], $2::text[]) AS t(mlevel, caveats) ON CONFLICT DO NOTHING`,
      [present.map((m) => m[0]), present.map((m) => m[1]), CAVEAT_SEP],
    );
  }

  // 6. The names and texts indexes and dataset memberships of what is new.
  if (names.seq.length > 0)
    await c.query(
      `INSERT INTO names (seq, eid, pid, folded, tokens)
       SELECT t.seq, t.eid, t.pid, t.folded, t.tokens::tsvector
       FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[]) AS t(seq, eid, pid, folded, tokens)`,
      [names.seq, names.eid, names.pid, names.folded, tokens],
    );
  await insertTexts(c, texts);
  if (memberships.size > 0) {
    const pairs = [...memberships].map((m) => m.split('\u0000'));
    await c.query(
      `INSERT INTO entity_datasets (dataset, eid) SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING`,
      [pairs.map((x) => x[0]), pairs.map((x) => Number(x[1]))],
    );
  }

  // 7. Statements seen again keep their first provenance; only last_seen moves (never back).
  if (touch.size > 0) {
    const list = [...touch.values()];
    await c.query(
      `UPDATE statements s SET last_seen = t.last_seen
       FROM unnest($1::bigint[], $2::text[], $3::text[]) AS t(eid, id, last_seen)
       WHERE s.eid = t.eid AND s.id = t.id AND s.last_seen COLLATE "C" < t.last_seen COLLATE "C"`,
      [list.map((t) => t.eid), list.map((t) => t.id), list.map((t) => t.lastSeen)],
    );
  }

  // 8. Schemas: the most specific across the groups that wrote something, folded in batch order as SQLite does.
  const changed = new Map<number, string>();
  for (let gi = 0; gi < groupCount; gi++) {
    if (freshPerGroup[gi] === 0) continue;
    const ei = p.groupEntity[gi] as number;
    const current = schemas[ei] as string;
    const g = p.groups[gi] as StatementGroup;
    if (current === g.schema) continue;
    const merged = mergeSchema(current, g.schema);
    if (merged !== current) {
      schemas[ei] = merged;
      changed.set(eids[ei] as number, merged);
    }
  }
  if (changed.size > 0)
    await c.query(
      'UPDATE entities e SET schema = t.schema FROM unnest($1::bigint[], $2::text[]) AS t(eid, schema) WHERE e.eid = t.eid',
      [[...changed.keys()], [...changed.values()]],
    );

  const ck = batch.checkpoint;
  if (ck)
    await c.query(
      `INSERT INTO ingest_checkpoints (source_key, dataset, items_done, complete, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (source_key) DO UPDATE SET items_done = excluded.items_done, complete = excluded.complete,
       updated_at = excluded.updated_at`,
      [ck.sourceKey, ck.dataset, ck.itemsDone, ck.complete, now],
    );

  const newPerRecord = new Array<number>(p.records).fill(0);
  let written = 0;
  for (let gi = 0; gi < groupCount; gi++) {
    const r = p.groupRecord[gi] as number;
    newPerRecord[r] = (newPerRecord[r] as number) + (freshPerGroup[gi] as number);
    written += freshPerGroup[gi] as number;
  }
  return { newPerRecord, statementsWritten: written, entitiesCreated };
}

/** Rows of the texts index: the statement's seq, eid and pid, and its textVector. */
export interface TextRows {
  seq: number[];
  eid: number[];
  pid: number[];
  tokens: string[];
}

/** Adds rows to the texts index in one statement (the writer's batches, migration 11's backfill). */
export async function insertTexts(c: Client, t: TextRows): Promise<void> {
  if (t.seq.length === 0) return;
  await c.query(
    `INSERT INTO texts (seq, eid, pid, tokens)
     SELECT t.seq, t.eid, t.pid, t.tokens::tsvector
     FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[]) AS t(seq, eid, pid, tokens)`,
    [t.seq, t.eid, t.pid, t.tokens],
  );
}

/** The more specific schema; on a conflict the existing one stays (the entity page shows the conflict). */
function mergeSchema(current: string, next: string): string {
  if (!hasSchema(current) || !hasSchema(next)) return hasSchema(current) ? current : next;
  return specificSchema(getSchema(current), getSchema(next))?.name ?? current;
}
