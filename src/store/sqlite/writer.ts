// The SQLite write path: one transaction per batch, statements deduplicated by content hash.
import type Database from 'better-sqlite3';
import { getSchema, hasSchema, parseMarking, specificSchema } from '../../model/index.js';
import type { BatchResult, WriteBatch } from '../store.js';
import { CAVEAT_SEPARATOR } from './visibility.js';

const NAME_TYPES = new Set(['name']);

export class SqliteWriter {
  private readonly insertStatement: Database.Statement;
  private readonly touchStatement: Database.Statement;
  private readonly insertName: Database.Statement;
  private readonly insertEntity: Database.Statement;
  private readonly entitySchema: Database.Statement;
  private readonly updateSchema: Database.Statement;
  private readonly insertEntityDataset: Database.Statement;
  private readonly insertMarking: Database.Statement;
  private readonly saveCheckpoint: Database.Statement;
  private readonly markingCache = new Map<string, { rank: number; caveats: string }>();
  readonly write: (batch: WriteBatch, now: string) => BatchResult;

  constructor(private readonly db: Database.Database) {
    this.insertStatement = db.prepare(
      `INSERT OR IGNORE INTO statements (id, entity_id, schema, prop, prop_type, value, original_value, dataset, origin,
        first_seen, last_seen, marking, mlevel, caveats, grading) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    );
    this.touchStatement = db.prepare('UPDATE statements SET last_seen = ? WHERE id = ? AND last_seen < ?');
    this.insertName = db.prepare('INSERT INTO names_fts (rowid, name) VALUES (?, ?)');
    this.insertEntity = db.prepare('INSERT OR IGNORE INTO entities (id, schema, first_seen) VALUES (?, ?, ?)');
    this.entitySchema = db.prepare('SELECT schema FROM entities WHERE id = ?').pluck();
    this.updateSchema = db.prepare('UPDATE entities SET schema = ? WHERE id = ?');
    this.insertEntityDataset = db.prepare('INSERT OR IGNORE INTO entity_datasets (dataset, entity_id) VALUES (?, ?)');
    this.insertMarking = db.prepare('INSERT OR IGNORE INTO markings_present (mlevel, caveats) VALUES (?, ?)');
    this.saveCheckpoint = db.prepare(
      `INSERT INTO ingest_checkpoints (source_key, dataset, items_done, complete, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(source_key) DO UPDATE SET items_done = excluded.items_done, complete = excluded.complete,
       updated_at = excluded.updated_at`,
    );
    this.write = db.transaction((batch: WriteBatch, now: string) => this.writeBatch(batch, now));
  }

  private marking(text: string): { rank: number; caveats: string } {
    let m = this.markingCache.get(text);
    if (!m) {
      const parsed = parseMarking(text);
      m = { rank: parsed.rank, caveats: parsed.caveats.join(CAVEAT_SEPARATOR) };
      this.markingCache.set(text, m);
      this.insertMarking.run(m.rank, m.caveats);
    }
    return m;
  }

  private writeBatch(batch: WriteBatch, now: string): BatchResult {
    const newPerRecord: number[] = [];
    // entity id -> [schema, first seen] of statements that were new in this batch
    const touched = new Map<string, { schema: string; firstSeen: string }>();
    const memberships = new Set<string>();
    let written = 0;
    for (const record of batch.records) {
      let fresh = 0;
      for (const st of record.statements) {
        const m = this.marking(st.marking);
        const info = this.insertStatement.run(
          st.id, st.entityId, st.schema, st.prop, st.propType, st.value, st.originalValue, st.dataset, st.origin,
          st.firstSeen, st.lastSeen, st.marking, m.rank, m.caveats, st.grading,
        );
        if (info.changes === 1) {
          fresh++;
          if (NAME_TYPES.has(st.propType)) this.insertName.run(info.lastInsertRowid, st.value);
          memberships.add(`${st.dataset}\u001f${st.entityId}`);
          const seen = touched.get(st.entityId);
          if (!seen) touched.set(st.entityId, { schema: st.schema, firstSeen: st.firstSeen });
          else if (seen.schema !== st.schema) seen.schema = mergeSchema(seen.schema, st.schema);
        } else {
          this.touchStatement.run(st.lastSeen, st.id, st.lastSeen);
        }
      }
      newPerRecord.push(fresh);
      written += fresh;
    }
    let created = 0;
    for (const [id, { schema, firstSeen }] of touched) {
      if (this.insertEntity.run(id, schema, firstSeen).changes === 1) created++;
      else {
        const old = this.entitySchema.get(id) as string | undefined;
        if (old !== undefined && old !== schema) {
          const merged = mergeSchema(old, schema);
          if (merged !== old) this.updateSchema.run(merged, id);
        }
      }
    }
    for (const pair of memberships) {
      const cut = pair.indexOf('\u001f');
      this.insertEntityDataset.run(pair.slice(0, cut), pair.slice(cut + 1));
    }
    if (batch.checkpoint) {
      const c = batch.checkpoint;
      this.saveCheckpoint.run(c.sourceKey, c.dataset, c.itemsDone, c.complete ? 1 : 0, now);
    }
    return { newPerRecord, statementsWritten: written, entitiesCreated: created };
  }
}

/** The more specific schema; on a conflict the existing one stays (the entity page shows the conflict). */
function mergeSchema(current: string, next: string): string {
  if (!hasSchema(current) || !hasSchema(next)) return hasSchema(current) ? current : next;
  return specificSchema(getSchema(current), getSchema(next))?.name ?? current;
}
