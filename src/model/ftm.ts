// Access to the FollowTheMoney model (schemata, property types, topics) shipped by @alephdata/followthemoney.
import { defaultModel, Model, type Property, type Schema } from '@alephdata/followthemoney';
import extensions from './data/ftm-extensions.json' with { type: 'json' };
import { NexusError } from './errors.js';
import { extendModel } from './extensions.js';

// FtM's model with Nexus's few documented additions for evidence findings (data/ftm-extensions.json).
export const model: Model = new Model(extendModel(defaultModel, extensions));

// Property lookups go through Maps so a name such as `__proto__` is never resolved through Object.prototype.
const propertyCache = new Map<string, Map<string, Property>>();

export function hasSchema(name: string): boolean {
  return Object.hasOwn(model.schemata, name) && model.schemata[name] !== undefined;
}

export function getSchema(name: string): Schema {
  if (!hasSchema(name)) throw new NexusError('SCHEMA_UNKNOWN', `model.getSchema: unknown schema "${name}"`);
  return model.getSchema(name);
}

export function schemaProperties(schema: Schema): Map<string, Property> {
  let props = propertyCache.get(schema.name);
  if (!props) {
    props = new Map(schema.getProperties());
    propertyCache.set(schema.name, props);
  }
  return props;
}

export function getProperty(schema: Schema, name: string): Property | undefined {
  return schemaProperties(schema).get(name);
}

/** The more specific of two schemata, or undefined when neither descends from the other. */
export function specificSchema(a: Schema, b: Schema): Schema | undefined {
  if (a.name === b.name) return a;
  if (a.isA(b)) return a;
  if (b.isA(a)) return b;
  // FtM allows Organization + Company style merges through a common descendant.
  const common = a.getChildren().filter((c) => c.isA(b) && !c.abstract);
  if (common.length > 0) {
    common.sort((x, y) => x.getExtends().length - y.getExtends().length || x.name.localeCompare(y.name));
    return common[0];
  }
  return undefined;
}

/** Names of the FtM topic values, e.g. `crime.cyber`, `sanction`. */
export const topics: ReadonlyMap<string, string> = model.getType('topic').values;

export type { Property, Schema };
