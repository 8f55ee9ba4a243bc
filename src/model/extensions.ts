// Nexus's additions to the FtM model (data/ftm-extensions.json) merged into FtM's own definitions, never over them.
import type { defaultModel } from '@alephdata/followthemoney';

type ModelSpec = typeof defaultModel;
interface ExtensionProperty {
  type: string;
  label: string;
  description?: string;
  maxLength?: number;
}

/** The model with the extension properties added to their schemata; a name FtM already uses is refused. */
export function extendModel(base: ModelSpec, extensions: Record<string, unknown>): ModelSpec {
  const schemata: Record<string, unknown> = { ...base.schemata };
  for (const [schemaName, props] of Object.entries(extensions)) {
    if (schemaName.startsWith('_')) continue;
    const schema = (base.schemata as Record<string, { properties: Record<string, unknown> } | undefined>)[
      schemaName
    ];
    if (!schema) throw new Error(`model.extendModel: no FtM schema ${schemaName}`);
    const properties: Record<string, unknown> = { ...schema.properties };
    for (const [name, spec] of Object.entries(props as Record<string, ExtensionProperty>)) {
      if (Object.hasOwn(properties, name))
        throw new Error(`model.extendModel: FtM already has ${schemaName}:${name}`);
      const type = (base.types as Record<string, { maxLength?: number } | undefined>)[spec.type];
      if (!type) throw new Error(`model.extendModel: ${schemaName}:${name} has unknown type ${spec.type}`);
      properties[name] = {
        name,
        qname: `${schemaName}:${name}`,
        label: spec.label,
        type: spec.type,
        maxLength: spec.maxLength ?? type.maxLength ?? 0,
        ...(spec.description ? { description: spec.description } : {}),
      };
    }
    schemata[schemaName] = { ...schema, properties };
  }
  return { ...base, schemata } as ModelSpec;
}
