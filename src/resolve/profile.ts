// Match profiles: what scoring and screening's filters read of an entity, kept by the match index with its keys so
// screening scores a candidate from one stored row instead of assembling it from its statements.
import type { AccessContext } from '../access/index.js';
import { type Entity, getProperty } from '../model/index.js';
import type { MatchProfile, Store } from '../store/index.js';
import { namesOf, SCORED_PROPS, type Subject } from './features.js';
import { type StoredNames, storedNames, unpackNames } from './names/index.js';

/** Read by screening besides the scored properties: its `topics` filter and the target flag. */
const FILTERED_PROPS: readonly string[] = ['topics'];

function kept(entity: Entity, prop: string): boolean {
  if (SCORED_PROPS.has(prop) || FILTERED_PROPS.includes(prop)) return true;
  return getProperty(entity.schema, prop)?.type.name === 'identifier';
}

/**
 * The profile of an entity as stored under its own id, or undefined for one that is not (a resolved cluster loaded
 * by a member's id): a member is scored as its cluster, whose statements can change without the member's.
 */
export function profileOf(entity: Entity, id: string): MatchProfile | undefined {
  if (entity.id !== id) return undefined;
  // No prototype: a property name is only ever a key.
  const properties: Record<string, string[]> = Object.create(null);
  // In the entity's own order, so names and values are compared in the order they would be loaded.
  for (const [prop, values] of entity.properties) if (kept(entity, prop)) properties[prop] = values;
  const schema = entity.schema.name;
  const names = namesOf({ schema, properties: entity.properties });
  return {
    schema,
    properties,
    datasets: entity.datasets,
    ...(names.length > 0 ? { names: storedNames(schema, names) } : {}),
  };
}

/** A profile as Store.matchProfiles gives it (JSON text), read back. */
export function parseProfile(text: string): MatchProfile {
  return JSON.parse(text) as MatchProfile;
}

export function subjectOfProfile(profile: MatchProfile): Subject {
  return { schema: profile.schema, properties: new Map(Object.entries(profile.properties)) };
}

/**
 * The subject as scored, with its names as analysed when it was indexed (from its profile) for comparison to read
 * instead of analysing them again; the subject alone when there are none of this name engine's.
 */
export function withStoredNames(subject: Subject, stored: StoredNames | undefined): Subject {
  const names = unpackNames(stored);
  return names ? { ...subject, names } : subject;
}

/** A candidate as scored: from its stored profile, or from the entity when it has none (then `entity` is set). */
export interface Scorable {
  /** The canonical id: a resolved cluster is scored once, under its own id. */
  id: string;
  subject: Subject;
  topics: readonly string[];
  datasets: number;
  entity?: Entity;
  /** Its names as analysed when it was indexed (from a profile): scoring unpacks them for comparison to read. */
  names?: StoredNames;
}

export function fromEntity(entity: Entity): Scorable {
  const properties = entity.properties;
  return {
    id: entity.id,
    subject: { schema: entity.schema.name, properties },
    topics: properties.get('topics') ?? [],
    datasets: entity.datasets.length,
    entity,
  };
}

/**
 * Candidates by id, from stored profiles where the store has current ones for this reader (one row each, see
 * Store.matchProfiles) and as entities otherwise.
 */
export async function scorables(
  ctx: AccessContext,
  store: Store,
  ids: readonly string[],
  profiles: boolean,
): Promise<Map<string, Scorable>> {
  const out = new Map<string, Scorable>();
  if (profiles)
    for (const [id, text] of await store.matchProfiles(ctx, ids)) {
      const profile = parseProfile(text);
      const subject = subjectOfProfile(profile);
      out.set(id, {
        id,
        subject,
        topics: subject.properties.get('topics') ?? [],
        datasets: profile.datasets.length,
        ...(profile.names !== undefined ? { names: profile.names } : {}),
      });
    }
  const rest = ids.filter((id) => !out.has(id));
  if (rest.length > 0) for (const [id, e] of await store.getEntities(ctx, rest)) out.set(id, fromEntity(e));
  return out;
}
