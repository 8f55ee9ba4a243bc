// A schema filter as the set of schemas it matches (the schema and its descendants), and entities counted per
// schema: shared by the SQLite and PostgreSQL stores so both filter, refuse an unknown schema and count alike.
import { getSchema, hasSchema, NexusError, type Schema, specificSchema } from '../model/index.js';

/** A schema and every schema that descends from it, so `LegalEntity` finds people and companies. */
export function schemaFamily(name: string): string[] {
  if (!hasSchema(name)) throw new NexusError('SCHEMA_UNKNOWN', `store.filter: unknown schema "${name}"`);
  const schema = getSchema(name);
  const family = new Set<string>([schema.name]);
  const queue = [schema];
  while (queue.length > 0) {
    const next = queue.pop();
    for (const child of next?.getChildren() ?? []) {
      if (!family.has(child.name)) {
        family.add(child.name);
        queue.push(child);
      }
    }
  }
  return [...family].sort();
}

/**
 * Entities per schema, each entity's schema folded from the schemas of its statements as Entity.fromStatements
 * folds them (the most specific; Thing when none is known). Fed (entity, schema) pairs grouped by entity.
 */
export class SchemaCounts {
  private readonly counts = new Map<string, number>();
  private eid: number | undefined;
  private schema: Schema | undefined;

  add(eid: number, name: string): void {
    if (eid !== this.eid) {
      this.flush();
      this.eid = eid;
      this.schema = undefined;
    }
    if (!hasSchema(name)) return;
    const next = getSchema(name);
    this.schema = this.schema ? (specificSchema(this.schema, next) ?? this.schema) : next;
  }

  /** The counts by schema name, in byte order of the names. */
  done(): [string, number][] {
    this.flush();
    this.eid = undefined;
    return [...this.counts].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }

  private flush(): void {
    if (this.eid === undefined) return;
    const name = this.schema?.name ?? 'Thing';
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }
}
