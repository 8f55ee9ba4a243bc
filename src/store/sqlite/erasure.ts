// Erasure in SQLite: a record's statements, the references to it, and every index row derived from it go for good.
import type Database from 'better-sqlite3';
import type { ErasureResult } from '../store.js';
import type { Resolution } from './resolution.js';

/** Runs inside the caller's transaction; ids are source record ids (members, not canonical ids). */
export function eraseRecords(
  db: Database.Database,
  resolution: Resolution,
  ids: readonly string[],
  now: string,
): ErasureResult {
  const eidOf = db.prepare('SELECT eid FROM entities WHERE id = ?').pluck();
  const nameRows = db.prepare("SELECT rowid FROM statements WHERE eid = ? AND prop_type = 'name'").pluck();
  const dropName = db.prepare('DELETE FROM names_fts WHERE rowid = ?');
  const textRows = db.prepare("SELECT rowid FROM statements WHERE eid = ? AND prop = 'bodyText'").pluck();
  const dropText = db.prepare('DELETE FROM texts_fts WHERE rowid = ?');
  const dropStatements = db.prepare('DELETE FROM statements WHERE eid = ?');
  const dropReferences = db.prepare("DELETE FROM statements WHERE prop_type = 'entity' AND value = ?");
  const keysOf = db.prepare('SELECT key FROM match_keys WHERE eid = ?').pluck();
  const dropDf = db.prepare('UPDATE match_key_df SET n = n - 1 WHERE key = ?');
  const dropKeys = db.prepare('DELETE FROM match_keys WHERE eid = ?');
  const dropProfile = db.prepare('DELETE FROM match_profiles WHERE eid = ?');
  const dropDatasets = db.prepare('DELETE FROM entity_datasets WHERE eid = ?');
  const dropEntity = db.prepare('DELETE FROM entities WHERE eid = ?');
  const dropSuggestions = db.prepare('DELETE FROM suggestions WHERE a = ? OR b = ?');
  // Judgement reasons and suggestion explanations quote names, so they go too.
  const dropJudgements = db.prepare('DELETE FROM judgements WHERE a = ? OR b = ?');
  const dropCluster = db.prepare('DELETE FROM clusters WHERE member = ?');
  let statements = 0;
  let references = 0;
  for (const id of ids) {
    const canonical = resolution.canonicalOf(id);
    if (canonical !== id) resolution.unmerge(canonical, now);
    const eid = eidOf.get(id) as number | undefined;
    if (eid !== undefined) {
      for (const rowid of nameRows.all(eid) as number[]) dropName.run(rowid);
      for (const rowid of textRows.all(eid) as number[]) dropText.run(rowid);
      statements += dropStatements.run(eid).changes;
      for (const key of keysOf.all(eid) as string[]) dropDf.run(key);
      dropKeys.run(eid);
      dropProfile.run(eid);
      dropDatasets.run(eid);
      dropEntity.run(eid);
    }
    references += dropReferences.run(id).changes;
    dropSuggestions.run(id, id);
    dropJudgements.run(id, id);
    dropCluster.run(id);
  }
  // SQLite gives a new row the largest rowid + 1: with the newest rows gone, statements written next would reuse
  // rowids the match index has passed and never be indexed. The marker comes back to the last row left.
  db.prepare(
    'UPDATE match_state SET marker = min(marker, (SELECT coalesce(max(rowid), 0) FROM statements)), version = version + 1 WHERE id = 1',
  ).run();
  return { records: [...ids], statements, references };
}
