// Per-feature comparisons between a screening query and a candidate: birth date, country, gender, identifiers, wallets, addresses.
import {
  cleanIsoDate,
  countryCode,
  getProperty,
  getSchema,
  hasSchema,
  schemaProperties,
} from '../model/index.js';
import { type AnalysedNames, compareNames } from './names/index.js';

/** The part of an entity the comparisons read: its schema name and property values. */
export interface Subject {
  schema: string;
  properties: ReadonlyMap<string, readonly string[]>;
  /** Its names as analysed when it was indexed (a candidate's profile): name comparison reads them. */
  names?: AnalysedNames;
}

export type Outcome = 'match' | 'partial' | 'mismatch';

export interface FeatureResult {
  name: string;
  /** Agreement in [0, 1]: 1 equal, 0 disjoint. */
  score: number;
  outcome: Outcome;
  explanation: string;
}

export interface IdentifierOptions {
  exclude: ReadonlySet<string>;
  minLength: number;
}

/** Properties whose values are names of the entity itself (not names it mentions). */
export const NAME_PROPS: readonly string[] = ['name', 'alias', 'previousName', 'weakAlias'];
const COUNTRY_PROPS: readonly string[] = [
  'nationality',
  'citizenship',
  'country',
  'jurisdiction',
  'mainCountry',
  'birthCountry',
];
const ADDRESS_PROPS: readonly string[] = ['address', 'full'];
// Names longer than this are cut before comparison: real names are far shorter, and the cost of an alignment grows with length.
const MAX_NAME = 1000;
const MAX_NAMES = 200;

function values(s: Subject, prop: string): readonly string[] {
  return s.properties.get(prop) ?? [];
}

/** Every name of a subject: name-typed values plus first/middle/last name combinations, de-duplicated. */
export function namesOf(s: Subject): string[] {
  const out = new Set<string>();
  const add = (v: string) => {
    const t = v.trim().slice(0, MAX_NAME);
    if (t !== '' && out.size < MAX_NAMES) out.add(t);
  };
  for (const prop of NAME_PROPS) for (const v of values(s, prop)) add(v);
  const firsts = values(s, 'firstName');
  const lasts = values(s, 'lastName');
  const middles = values(s, 'middleName');
  for (const f of firsts.slice(0, 5))
    for (const l of lasts.slice(0, 5)) {
      add(`${f} ${l}`);
      for (const m of middles.slice(0, 3)) add(`${f} ${m} ${l}`);
    }
  // A record with only one name part still needs a name to be found by; the scorer caps what one part can prove.
  if (out.size === 0) for (const l of lasts) add(l);
  if (out.size === 0) for (const f of firsts) add(f);
  return [...out];
}

export function nameFeature(query: Subject, candidate: Subject): FeatureResult | undefined {
  const q = namesOf(query);
  const c = namesOf(candidate);
  if (q.length === 0 || c.length === 0) return undefined;
  const r = compareNames(query.schema, q, c, candidate.names);
  const score = Math.min(1, Math.max(0, Number.isFinite(r.score) ? r.score : 0));
  return {
    name: 'name',
    score,
    outcome: score >= 0.7 ? 'match' : score > 0 ? 'partial' : 'mismatch',
    // The name engine may already say which names it aligned; the pair is stated once.
    explanation: r.explanation.startsWith(`'${r.left}'`)
      ? `name: ${r.explanation} (${score.toFixed(2)})`
      : `name: '${r.left}' ~ '${r.right}' ${r.explanation} (${score.toFixed(2)})`,
  };
}

function validDates(s: Subject): string[] {
  const out: string[] = [];
  for (const v of values(s, 'birthDate')) {
    const d = cleanIsoDate(v)?.slice(0, 10);
    if (d !== undefined && !out.includes(d)) out.push(d);
  }
  return out;
}

/** Birth dates compared at the precision both sides state: a year-only date cannot disagree on the day. */
/** Why two full dates look like one date mistyped: a single digit, two adjacent digits swapped, or day and month swapped. */
function typoOf(a: string, b: string): string | undefined {
  const x = a.replaceAll('-', '');
  const y = b.replaceAll('-', '');
  if (a.slice(0, 4) === b.slice(0, 4) && a.slice(5, 7) === b.slice(8, 10) && a.slice(8, 10) === b.slice(5, 7))
    return 'day and month swapped';
  const diff: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) diff.push(i);
  if (diff.length === 1) return 'one digit differs';
  const [i, j] = diff;
  if (diff.length === 2 && i !== undefined && j === i + 1 && x[i] === y[j] && x[j] === y[i])
    return 'two digits swapped';
  return undefined;
}

export function birthDateFeature(query: Subject, candidate: Subject): FeatureResult | undefined {
  const q = validDates(query);
  const c = validDates(candidate);
  if (q.length === 0 || c.length === 0) return undefined;
  let yearPair: [string, string] | undefined;
  let prefixPair: [string, string] | undefined;
  for (const a of q)
    for (const b of c) {
      if (a.length === 10 && a === b)
        return { name: 'birth_date', score: 1, outcome: 'match', explanation: `birth date: ${a} = ${b} (+)` };
      const n = Math.min(a.length, b.length);
      if (a.slice(0, n) === b.slice(0, n)) prefixPair ??= [a, b];
      else if (a.slice(0, 4) === b.slice(0, 4)) yearPair ??= [a, b];
    }
  if (!prefixPair) {
    for (const a of q)
      for (const b of c) {
        const why = a.length === 10 && b.length === 10 ? typoOf(a, b) : undefined;
        if (why)
          return {
            name: 'birth_date',
            score: 0.8,
            outcome: 'partial',
            explanation: `birth date: ${a} ~ ${b} (${why}: a likely typo)`,
          };
      }
  }
  if (prefixPair)
    return {
      name: 'birth_date',
      score: 0.8,
      outcome: 'partial',
      explanation: `birth date: ${prefixPair[0]} ~ ${prefixPair[1]} (agree as far as stated)`,
    };
  if (yearPair)
    return {
      name: 'birth_date',
      score: 0.5,
      outcome: 'partial',
      explanation: `birth date: ${yearPair[0]} vs ${yearPair[1]}: same year, different day`,
    };
  return {
    name: 'birth_date',
    score: 0,
    outcome: 'mismatch',
    explanation: `birth date: ${q.slice(0, 3).join(', ')} vs ${c.slice(0, 3).join(', ')}: years disjoint`,
  };
}

function countries(s: Subject): Map<string, string> {
  const out = new Map<string, string>();
  for (const prop of COUNTRY_PROPS)
    for (const v of values(s, prop)) {
      const code = countryCode(v);
      if (code !== undefined && !out.has(code)) out.set(code, prop);
    }
  return out;
}

export function countryFeature(query: Subject, candidate: Subject): FeatureResult | undefined {
  const q = countries(query);
  const c = countries(candidate);
  if (q.size === 0 || c.size === 0) return undefined;
  for (const [code, prop] of q)
    if (c.has(code))
      return { name: 'country', score: 1, outcome: 'match', explanation: `${prop}: ${code} = ${code}` };
  const prop = [...q.values()][0] ?? 'country';
  return {
    name: 'country',
    score: 0,
    outcome: 'mismatch',
    explanation: `${prop}: ${[...q.keys()].join(', ')} ≠ ${[...c.keys()].slice(0, 5).join(', ')}`,
  };
}

function genders(s: Subject): Set<string> {
  const out = new Set<string>();
  for (const v of values(s, 'gender')) {
    const g = v.trim().toLowerCase();
    if (g === 'male' || g === 'm') out.add('male');
    else if (g === 'female' || g === 'f') out.add('female');
  }
  return out;
}

export function genderFeature(query: Subject, candidate: Subject): FeatureResult | undefined {
  const q = genders(query);
  const c = genders(candidate);
  if (q.size === 0 || c.size === 0) return undefined;
  for (const g of q)
    if (c.has(g)) return { name: 'gender', score: 1, outcome: 'match', explanation: `gender: ${g} = ${g}` };
  return {
    name: 'gender',
    score: 0,
    outcome: 'mismatch',
    explanation: `gender: ${[...q].join(', ')} ≠ ${[...c].join(', ')}`,
  };
}

/** Identifiers compare without spaces, punctuation or case: `AB 123-456` equals `ab123456`. */
export function normalizeIdentifier(value: string): string {
  return value
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, '')
    .toUpperCase();
}

// By exclusion set, then schema: scoring asks twice per candidate, and the set is the configuration's own object, so
// no key is built for the asking.
const identifierPropsCache = new WeakMap<ReadonlySet<string>, Map<string, string[]>>();

/** The identifier-typed properties of a schema that name one entity (configuration excludes the rest). */
export function identifierProps(schema: string, exclude: ReadonlySet<string>): string[] {
  let bySchema = identifierPropsCache.get(exclude);
  if (bySchema === undefined) {
    bySchema = new Map();
    identifierPropsCache.set(exclude, bySchema);
  }
  let props = bySchema.get(schema);
  if (!props) {
    props = [];
    if (hasSchema(schema)) {
      for (const [name, prop] of schemaProperties(getSchema(schema)))
        if (prop.type.name === 'identifier' && !exclude.has(name)) props.push(name);
    }
    bySchema.set(schema, props);
  }
  return props;
}

/** Normalised identifier -> [property, original value], for the properties the schema knows. */
export function identifiersOf(s: Subject, options: IdentifierOptions): Map<string, [string, string]> {
  const out = new Map<string, [string, string]>();
  for (const prop of identifierProps(s.schema, options.exclude))
    for (const v of values(s, prop)) {
      const n = normalizeIdentifier(v);
      if (n.length >= options.minLength && !out.has(n)) out.set(n, [prop, v]);
    }
  return out;
}

export function identifierFeature(
  query: Subject,
  candidate: Subject,
  options: IdentifierOptions,
  disjointProps: ReadonlySet<string> = new Set(),
): FeatureResult | undefined {
  const q = identifiersOf(query, options);
  const c = identifiersOf(candidate, options);
  if (q.size === 0 || c.size === 0) return undefined;
  for (const [n, [prop, v]] of q) {
    const other = c.get(n);
    if (other)
      return {
        name: 'identifier',
        score: 1,
        outcome: 'match',
        explanation: `identifier: ${prop} '${v}' = ${other[0]} '${other[1]}'`,
      };
  }
  // Only registry numbers of the same kind on both sides say "different entity"; other kinds just do not help.
  const qKinds = new Set([...q.values()].map(([p]) => p).filter((p) => disjointProps.has(p)));
  const shared = [...c.values()].map(([p]) => p).find((p) => qKinds.has(p));
  return {
    name: 'identifier',
    score: 0,
    outcome: shared ? 'mismatch' : 'partial',
    explanation: shared
      ? `identifier: ${shared} values differ`
      : 'identifier: none in common (different kinds, not counted)',
  };
}

/** Hex (Ethereum-style) addresses are case-insensitive; base58 and bech32 addresses are compared as written. */
export function normalizeWallet(value: string): string {
  const t = value.trim();
  return /^0x[0-9a-f]+$/i.test(t) ? t.toLowerCase() : t;
}

export function walletFeature(query: Subject, candidate: Subject): FeatureResult | undefined {
  const q = values(query, 'publicKey')
    .map(normalizeWallet)
    .filter((w) => w.length >= 8);
  const c = new Set(
    values(candidate, 'publicKey')
      .map(normalizeWallet)
      .filter((w) => w.length >= 8),
  );
  if (q.length === 0 || c.size === 0) return undefined;
  const hit = q.find((w) => c.has(w));
  return hit
    ? { name: 'wallet', score: 1, outcome: 'match', explanation: `wallet: ${hit} = ${hit}` }
    : { name: 'wallet', score: 0, outcome: 'mismatch', explanation: 'wallet: no address in common' };
}

/** An e-mail address compared as written apart from case and surrounding space and angle brackets. */
export function normalizeEmail(value: string): string {
  const t = value
    .trim()
    .replace(/^mailto:/i, '')
    .replace(/^<|>$/g, '')
    .toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(t) ? t : '';
}

export function emailsOf(s: Subject): Set<string> {
  const out = new Set<string>();
  for (const v of values(s, 'email')) {
    const n = normalizeEmail(v.slice(0, MAX_NAME));
    if (n !== '') out.add(n);
  }
  return out;
}

/** Equal e-mail addresses: strong support for a name that already agrees, never a match on its own (shared inboxes). */
export function emailFeature(query: Subject, candidate: Subject): FeatureResult | undefined {
  const q = emailsOf(query);
  const c = emailsOf(candidate);
  if (q.size === 0 || c.size === 0) return undefined;
  const hit = [...q].find((e) => c.has(e));
  return hit
    ? { name: 'email', score: 1, outcome: 'match', explanation: `e-mail: ${hit} on both` }
    : { name: 'email', score: 0, outcome: 'mismatch', explanation: 'e-mail: no address in common' };
}

function addressTokens(s: Subject): Set<string> {
  const out = new Set<string>();
  for (const prop of ADDRESS_PROPS)
    for (const v of values(s, prop))
      for (const t of v
        .slice(0, MAX_NAME)
        .normalize('NFKD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u))
        if (t.length >= 2) out.add(t);
  return out;
}

/** Share of the shorter address's tokens found in the other: addresses are written in many orders and forms. */
export function addressFeature(query: Subject, candidate: Subject): FeatureResult | undefined {
  const q = addressTokens(query);
  const c = addressTokens(candidate);
  if (q.size === 0 || c.size === 0) return undefined;
  let common = 0;
  for (const t of q) if (c.has(t)) common++;
  const score = common / Math.min(q.size, c.size);
  return {
    name: 'address',
    score,
    outcome: score >= 0.8 ? 'match' : score > 0 ? 'partial' : 'mismatch',
    explanation: `address: ${common} of ${Math.min(q.size, c.size)} tokens in common (${score.toFixed(2)})`,
  };
}

/**
 * Properties the features above read, besides identifier-typed ones (identifierProps): a match profile
 * (src/resolve/profile.ts) keeps these, so a feature reading another property must add it here.
 */
export const SCORED_PROPS: ReadonlySet<string> = new Set([
  ...NAME_PROPS,
  'firstName',
  'middleName',
  'lastName',
  'birthDate',
  ...COUNTRY_PROPS,
  'gender',
  'publicKey',
  'email',
  ...ADDRESS_PROPS,
]);

/** True when the property is a name-typed property of the schema (used by validation and keys). */
export function isNameProp(schema: string, prop: string): boolean {
  if (!hasSchema(schema)) return false;
  return getProperty(getSchema(schema), prop)?.type.name === 'name';
}
