// Entities assembled from statements: the most specific schema, property values, caption and provenance.
import { getProperty, getSchema, hasSchema, type Schema, specificSchema } from './ftm.js';
import { formatMarking, highestMarking, parseMarking } from './marking.js';
import { ID_PROP, type Statement } from './statement.js';

export interface FtmEntity {
  id: string;
  schema: string;
  caption: string;
  properties: Record<string, string[]>;
  datasets: string[];
  referents: string[];
  first_seen: string;
  last_seen: string;
  /** Highest marking among the statements the viewer was shown. */
  marking: string;
}

export class Entity {
  readonly id: string;
  readonly schema: Schema;
  readonly statements: readonly Statement[];
  /** Schemata that could not be reconciled with the chosen one (a sign of a bad merge or a bad source). */
  readonly schemaConflicts: readonly string[];
  /** Source record ids merged into this entity (empty unless it is a resolved cluster). */
  readonly referents: readonly string[];

  private constructor(
    id: string,
    schema: Schema,
    statements: readonly Statement[],
    conflicts: string[],
    referents: string[],
  ) {
    this.id = id;
    this.schema = schema;
    this.statements = statements;
    this.schemaConflicts = conflicts;
    this.referents = referents;
  }

  /**
   * Builds an entity from its statements; returns undefined when there are none. A resolved cluster passes its
   * canonical id and member records.
   */
  static fromStatements(
    statements: readonly Statement[],
    merged?: { id: string; referents: string[] },
  ): Entity | undefined {
    const first = statements[0];
    if (first === undefined) return undefined;
    let schema: Schema | undefined;
    const conflicts: string[] = [];
    for (const st of statements) {
      if (!hasSchema(st.schema)) continue;
      const next = getSchema(st.schema);
      if (schema === undefined) {
        schema = next;
        continue;
      }
      const merged = specificSchema(schema, next);
      if (merged === undefined) {
        if (!conflicts.includes(next.name)) conflicts.push(next.name);
      } else schema = merged;
    }
    return new Entity(
      merged?.id ?? first.entityId,
      schema ?? getSchema('Thing'),
      [...statements],
      conflicts,
      merged?.referents ?? [],
    );
  }

  private propertyCache: Map<string, string[]> | undefined;

  /**
   * Property values in first-seen order, without duplicates; the `id` pseudo-property is left out. Computed once
   * (screening reads it for every candidate); treat it as read-only.
   */
  get properties(): Map<string, string[]> {
    if (this.propertyCache) return this.propertyCache;
    const props = new Map<string, string[]>();
    for (const st of this.statements) {
      if (st.prop === ID_PROP) continue;
      let values = props.get(st.prop);
      if (!values) {
        values = [];
        props.set(st.prop, values);
      }
      if (!values.includes(st.value)) values.push(st.value);
    }
    this.propertyCache = props;
    return props;
  }

  get datasets(): string[] {
    return [...new Set(this.statements.map((s) => s.dataset))].sort();
  }

  get caption(): string {
    const props = this.properties;
    for (const name of this.schema.caption) {
      const values = props.get(name);
      if (values && values.length > 0) return mostCommon(this.statements, name) ?? values[0] ?? this.id;
    }
    const label = this.schema.edge?.label;
    return label ?? this.schema.label;
  }

  get firstSeen(): string {
    return this.statements.reduce(
      (min, s) => (s.firstSeen < min ? s.firstSeen : min),
      this.statements[0]?.firstSeen ?? '',
    );
  }

  get lastSeen(): string {
    return this.statements.reduce((max, s) => (s.lastSeen > max ? s.lastSeen : max), '');
  }

  get marking(): string {
    return formatMarking(highestMarking(this.statements.map((s) => parseMarking(s.marking))));
  }

  /** True when any statement is 3x5x2-graded with handling code C: disclosure needs its conditions and a recipient. */
  get conditional(): boolean {
    return this.statements.some((s) => s.grading !== null && s.grading.length === 3 && s.grading[2] === 'C');
  }

  /** Ids of entities this one points at through entity-typed properties (edges, holders, owners...). */
  get references(): Map<string, string[]> {
    const refs = new Map<string, string[]>();
    for (const [name, values] of this.properties) {
      const prop = getProperty(this.schema, name);
      if (prop?.type.name === 'entity') refs.set(name, values);
    }
    return refs;
  }

  toFtM(): FtmEntity {
    return {
      id: this.id,
      schema: this.schema.name,
      caption: this.caption,
      properties: Object.fromEntries(this.properties),
      datasets: this.datasets,
      referents: [...this.referents],
      first_seen: this.firstSeen,
      last_seen: this.lastSeen,
      marking: this.marking,
    };
  }
}

function mostCommon(statements: readonly Statement[], prop: string): string | undefined {
  const counts = new Map<string, number>();
  for (const st of statements) if (st.prop === prop) counts.set(st.value, (counts.get(st.value) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}
