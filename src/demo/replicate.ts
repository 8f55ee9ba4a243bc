// Scales a set of FtM entities up by copying it with new ids (references rewritten), for benchmarks and crash tests.

export interface FtmObject {
  id: string;
  schema: string;
  properties: Record<string, unknown[]>;
  [extra: string]: unknown;
}

/** Yields `copies` copies of the entities, each copy's ids suffixed `-rN`; references inside a copy stay inside it. */
export function* replicate(entities: readonly FtmObject[], copies: number): Generator<FtmObject> {
  const ids = new Set(entities.map((e) => e.id));
  for (let n = 0; n < copies; n++) {
    const suffix = `-r${n}`;
    for (const e of entities) {
      const properties: Record<string, unknown[]> = {};
      for (const [prop, values] of Object.entries(e.properties)) {
        properties[prop] = values.map((v) => (typeof v === 'string' && ids.has(v) ? `${v}${suffix}` : v));
      }
      yield { id: `${e.id}${suffix}`, schema: e.schema, properties };
    }
  }
}

/** Parses FtM JSON lines, keeping only well-formed entity objects (nested entities are flattened). */
export function parseFtmLines(text: string): FtmObject[] {
  const out: FtmObject[] = [];
  const visit = (obj: Record<string, unknown>): string | undefined => {
    if (typeof obj.id !== 'string' || typeof obj.schema !== 'string') return undefined;
    const properties: Record<string, unknown[]> = {};
    for (const [k, raw] of Object.entries((obj.properties ?? {}) as Record<string, unknown>)) {
      const values = Array.isArray(raw) ? raw : [raw];
      properties[k] = values
        .map((v) => (typeof v === 'object' && v !== null ? visit(v as Record<string, unknown>) : v))
        .filter((v) => v !== undefined);
    }
    out.push({ id: obj.id, schema: obj.schema, properties });
    return obj.id;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    visit(JSON.parse(line) as Record<string, unknown>);
  }
  return out;
}
