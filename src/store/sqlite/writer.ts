// The SQLite write path: one transaction per batch, statements deduplicated by (entity key, content hash).
import type Database from 'better-sqlite3';
import {
  getSchema,
  hasSchema,
  ID_PROP,
  parseMarking,
  type StatementGroup,
  specificSchema,
} from '../../model/index.js';
import type { BatchResult, WriteBatch } from '../store.js';
import { CAVEAT_SEPARATOR } from './visibility.js';

const NAME_TYPE = 'name';
/** Document text, indexed for text search (migration 10). */
const TEXT_PROP = 'bodyText';
const EID_CACHE_LIMIT = 200_000;

interface EntityRow {
  eid: number;
  schema: string;
}

export class SqliteWriter {
  private readonly insertStatement: Database.Statement;
  private readonly touchStatement: Database.Statement;
  private readonly insertProvenance: Database.Statement;
  private readonly deleteProvenance: Database.Statement;
  private readonly insertName: Database.Statement;
  private readonly insertText: Database.Statement;
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
      'INSERT OR IGNORE INTO statements (eid, id, pid, prop, prop_type, value, original_value, last_seen) VALUES (?,?,?,?,?,?,?,?)',
    );
    this.touchStatement = db.prepare(
      'UPDATE statements SET last_seen = ? WHERE eid = ? AND id = ? AND last_seen < ?',
    );
    this.insertProvenance = db.prepare(
      'INSERT INTO provenance (schema, dataset, origin, first_seen, marking, mlevel, caveats, grading) VALUES (?,?,?,?,?,?,?,?)',
    );
    this.deleteProvenance = db.prepare('DELETE FROM provenance WHERE pid = ?');
    this.insertName = db.prepare('INSERT INTO names_fts (rowid, name) VALUES (?, ?)');
    this.insertText = db.prepare('INSERT INTO texts_fts (rowid, body) VALUES (?, ?)');
    this.findEntity = db.prepare('SELECT eid, schema FROM entities WHERE id = ?');
    this.insertEntity = db
      .prepare(
        'INSERT INTO entities (id, schema, first_seen) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING RETURNING eid',
      )
      .pluck();
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
        this.forget();
        throw err;
      }
    };
  }

  /** Drops cached rows: after a rollback of a transaction around write() (the audit record failed, say). */
  forget(): void {
    this.entityCache.clear();
    this.markingCache.clear();
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

  /** Writes one group; returns how many of its statements were new. */
  private writeGroup(g: StatementGroup, created: { n: number }): number {
    const m = this.marking(g.marking);
    const row = this.entity(g.entityId, g.schema, g.firstSeen, created);
    const pid = this.insertProvenance.run(
      g.schema,
      g.dataset,
      g.origin,
      g.firstSeen,
      g.marking,
      m.rank,
      m.caveats,
      g.grading,
    ).lastInsertRowid;
    let fresh = 0;
    for (let i = 0; i < g.ids.length; i++) {
      const id = g.ids[i] as string;
      const value = g.values[i] as string;
      const propType = g.propTypes[i] as string;
      const info = this.insertStatement.run(
        row.eid,
        id,
        pid,
        g.props[i],
        propType,
        value,
        g.originals[i] ?? null,
        g.lastSeen,
      );
      if (info.changes === 1) {
        fresh++;
        if (propType === NAME_TYPE) this.insertName.run(info.lastInsertRowid, value);
        else if (g.props[i] === TEXT_PROP && propType === 'text')
          this.insertText.run(info.lastInsertRowid, value);
        // Every group carries its entity's `id` statement; when that is new, so is the dataset membership.
        if (g.props[i] === ID_PROP) this.insertEntityDataset.run(g.dataset, row.eid);
      } else this.touchStatement.run(g.lastSeen, row.eid, id, g.lastSeen);
    }
    if (fresh === 0) {
      // Nothing new: the statements keep their first provenance, and this row would only be clutter.
      this.deleteProvenance.run(pid);
    } else if (row.schema !== g.schema) {
      const merged = mergeSchema(row.schema, g.schema);
      if (merged !== row.schema) {
        this.updateSchema.run(merged, row.eid);
        row.schema = merged;
      }
    }
    return fresh;
  }

  private writeBatch(batch: WriteBatch, now: string): BatchResult {
    const newPerRecord: number[] = [];
    const created = { n: 0 };
    let written = 0;
    for (const record of batch.records) {
      let fresh = 0;
      for (const g of record.groups) fresh += this.writeGroup(g, created);
      newPerRecord.push(fresh);
      written += fresh;
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
