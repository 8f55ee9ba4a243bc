// The SQLite write path: one transaction per batch, statements deduplicated by (entity key, content hash).
import type Database from 'better-sqlite3';
import { getSchema, hasSchema, ID_PROP, parseMarking, specificSchema } from '../../model/index.js';
import type { BatchResult, WriteBatch } from '../store.js';
import { CAVEAT_SEPARATOR } from './visibility.js';

const NAME_TYPES = new Set(['name']);
const EID_CACHE_LIMIT = 200_000;

interface EntityRow {
  eid: number;
  schema: string;
}

export class SqliteWriter {
  private readonly insertStatement: Database.Statement;
  private readonly touchStatement: Database.Statement;
  private readonly insertName: Database.Statement;
  private readonly findEntity: Database.Statement;
  private readonly insertEntity: Database.Statement;
  private readonly updateSchema: Database.Statement;
  private readonly insertEntityDataset: Database.Statement;
  private readonly insertMarking: Database.Statement;
  private readonly saveCheckpoint: Database.Statement;
  private readonly markingCache = new Map<string, { rank: number; caveats: string }>();
  /** entity id -> key and schema; only holds committed rows (cleared when a batch fails). */
  private readonly entityCache = new Map<string, EntityRow>();
  readonly write: (batch: WriteBatch, now: string) => BatchResult;

  constructor(db: Database.Database) {
    this.insertStatement = db.prepare(
      `INSERT OR IGNORE INTO statements (eid, id, schema, prop, prop_type, value, original_value, dataset, origin,
        first_seen, last_seen, marking, mlevel, caveats, grading) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    );
    this.touchStatement = db.prepare(
      'UPDATE statements SET last_seen = ? WHERE eid = ? AND id = ? AND last_seen < ?',
    );
    this.insertName = db.prepare('INSERT INTO names_fts (rowid, name) VALUES (?, ?)');
    this.findEntity = db.prepare('SELECT eid, schema FROM entities WHERE id = ?');
    this.insertEntity = db.prepare('INSERT INTO entities (id, schema, first_seen) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING RETURNING eid').pluck();
    this.updateSchema = db.prepare('UPDATE entities SET schema = ? WHERE eid = ?');
    this.insertEntityDataset = db.prepare(
      'INSERT OR IGNORE INTO entity_datasets (dataset, eid) VALUES (?, ?)',
    );
    this.insertMarking = db.prepare('INSERT OR IGNORE INTO markings_present (mlevel, caveats) VALUES (?, ?)');
    this.saveCheckpoint = db.prepare(
      `INSERT INTO ingest_checkpoints (source_key, dataset, items_done, complete, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(source_key) DO UPDATE SET items_done = excluded.items_done, complete = excluded.complete,
       updated_at = excluded.updated_at`,
    );
    const tx = db.transaction((batch: WriteBatch, now: string) => this.writeBatch(batch, now));
    this.write = (batch, now) => {
      try {
        return tx(batch, now);
      } catch (err) {
        // Rows cached during the failed transaction were rolled back with it.
        this.entityCache.clear();
        this.markingCache.clear();
        throw err;
      }
    };
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

  /** The entity's row, created with this schema when new. */
  private entity(id: string, schema: string, firstSeen: string, created: { n: number }): EntityRow {
    let row = this.entityCache.get(id);
    if (!row) {
      // Insert first: in a bulk load most entities are new, so this saves a lookup per entity.
      const eid = this.insertEntity.get(id, schema, firstSeen) as number | bigint | undefined;
      if (eid !== undefined) {
        row = { eid: Number(eid), schema };
        created.n++;
      } else row = this.findEntity.get(id) as EntityRow;
      if (this.entityCache.size >= EID_CACHE_LIMIT) this.entityCache.clear();
      this.entityCache.set(id, row);
    }
    return row;
  }

  private writeBatch(batch: WriteBatch, now: string): BatchResult {
    const newPerRecord: number[] = [];
    const memberships = new Set<string>();
    const created = { n: 0 };
    let written = 0;
    for (const record of batch.records) {
      let fresh = 0;
      for (const st of record.statements) {
        const m = this.marking(st.marking);
        const row = this.entity(st.entityId, st.schema, st.firstSeen, created);
        const info = this.insertStatement.run(
          row.eid,
          st.id,
          st.schema,
          st.prop,
          st.propType,
          st.value,
          st.originalValue,
          st.dataset,
          st.origin,
          st.firstSeen,
          st.lastSeen,
          st.marking,
          m.rank,
          m.caveats,
          st.grading,
        );
        if (info.changes === 1) {
          fresh++;
          if (NAME_TYPES.has(st.propType)) this.insertName.run(info.lastInsertRowid, st.value);
          // Every record carries its entity's `id` statement; when that is new, so is the entity's dataset membership.
          if (st.prop === ID_PROP) memberships.add(`${row.eid}\u001f${st.dataset}`);
          if (row.schema !== st.schema) {
            const merged = mergeSchema(row.schema, st.schema);
            if (merged !== row.schema) {
              this.updateSchema.run(merged, row.eid);
              row.schema = merged;
            }
          }
        } else {
          this.touchStatement.run(st.lastSeen, row.eid, st.id, st.lastSeen);
        }
      }
      newPerRecord.push(fresh);
      written += fresh;
    }
    for (const pair of memberships) {
      const cut = pair.indexOf('\u001f');
      this.insertEntityDataset.run(pair.slice(cut + 1), Number(pair.slice(0, cut)));
    }
    if (batch.checkpoint) {
      const c = batch.checkpoint;
      this.saveCheckpoint.run(c.sourceKey, c.dataset, c.itemsDone, c.complete ? 1 : 0, now);
    }
    return { newPerRecord, statementsWritten: written, entitiesCreated: created.n };
  }
}

/** The more specific schema; on a conflict the existing one stays (the entity page shows the conflict). */
function mergeSchema(current: string, next: string): string {
  if (!hasSchema(current) || !hasSchema(next)) return hasSchema(current) ? current : next;
  return specificSchema(getSchema(current), getSchema(next))?.name ?? current;
}
