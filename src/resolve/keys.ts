// Blocking keys of an entity or a query (name tokens, phonetic keys, identifiers, wallets) for candidate retrieval.
import type { Entity } from '../model/index.js';
import { emailsOf, identifiersOf, namesOf, normalizeWallet, type Subject } from './features.js';
import { nameKeys } from './names/index.js';
import { DEFAULT_SCORING, type ScoringConfig } from './scorer.js';

// A name longer than this yields no more useful keys, only cost.
const MAX_KEY_NAME = 300;
const MAX_KEYS = 512;

/** The comparison view of a stored entity. */
export function subjectOf(entity: Entity): Subject {
  return { schema: entity.schema.name, properties: entity.properties };
}

function isEntity(x: Entity | Subject): x is Entity {
  return typeof x.schema !== 'string';
}

/** Keys under which an entity is filed and a query looks: name keys, `id:` identifiers, `w:` wallets, `e:` e-mails. */
export function matchKeysFor(entity: Entity | Subject, config: ScoringConfig = DEFAULT_SCORING): string[] {
  const s = isEntity(entity) ? subjectOf(entity) : entity;
  const keys = new Set<string>();
  for (const name of namesOf(s)) {
    for (const k of nameKeys(name.slice(0, MAX_KEY_NAME))) {
      if (keys.size >= MAX_KEYS) break;
      // Identifier and wallet keys carry a prefix, so a name token can never collide with them.
      if (k !== '' && !k.startsWith('id:') && !k.startsWith('w:') && !k.startsWith('e:')) keys.add(k);
    }
  }
  const ids = identifiersOf(s, {
    exclude: config.identifiers.exclude,
    minLength: config.identifiers.minLength,
  });
  for (const n of ids.keys()) keys.add(`id:${n}`);
  for (const w of s.properties.get('publicKey') ?? []) {
    const n = normalizeWallet(w);
    if (n.length >= 8) keys.add(`w:${n}`);
  }
  for (const e of emailsOf(s)) keys.add(`e:${e}`);
  return [...keys];
}

/**
 * True when the entity, as the reader sees it, files under one of the keys. Candidates come from an index of every
 * statement (a hidden alias included), so one found only through values the reader may not see is no candidate for
 * that reader: keeping it would show that something hidden matched (SECURITY.md R8). Stops at the first shared key;
 * callers skip the check for a reader who sees every statement (`seesEverything`).
 */
export function sharesKey(
  entity: Entity,
  keys: ReadonlySet<string>,
  config: ScoringConfig = DEFAULT_SCORING,
): boolean {
  const s = subjectOf(entity);
  for (const name of namesOf(s))
    for (const k of nameKeys(name.slice(0, MAX_KEY_NAME))) if (keys.has(k)) return true;
  const ids = identifiersOf(s, {
    exclude: config.identifiers.exclude,
    minLength: config.identifiers.minLength,
  });
  for (const n of ids.keys()) if (keys.has(`id:${n}`)) return true;
  for (const w of s.properties.get('publicKey') ?? []) if (keys.has(`w:${normalizeWallet(w)}`)) return true;
  for (const e of emailsOf(s)) if (keys.has(`e:${e}`)) return true;
  return false;
}
