// Scores a query against a candidate after yente logic-v1: the best main feature, supporting evidence, then qualifiers subtract.
import { getSchema, hasSchema, model } from '../model/index.js';
import table from './data/scoring.json' with { type: 'json' };
import {
  addressFeature,
  birthDateFeature,
  countryFeature,
  emailFeature,
  type FeatureResult,
  genderFeature,
  identifierFeature,
  nameFeature,
  type Subject,
  walletFeature,
} from './features.js';

export interface ScoringConfig {
  threshold: number;
  main: { name: number; identifier: number; wallet: number };
  support: {
    minName: number;
    identifierWithName: number;
    birthDateExact: number;
    address: number;
    addressOverlap: number;
    email: number;
  };
  penalties: {
    countryMismatch: number;
    birthYearDisjoint: number;
    birthDayDisjoint: number;
    genderMismatch: number;
    identifierDisjoint: number;
  };
  identifiers: { minLength: number; exclude: ReadonlySet<string>; disjointProps: ReadonlySet<string> };
}

export interface MatchScore {
  score: number;
  match: boolean;
  /** yente-style feature values (raw, before weighting); only those that applied. */
  features: Record<string, number>;
  explanation: string[];
}

type Leaf<T> = { value: T; _doc: string };
const v = <T>(leaf: Leaf<T>): T => leaf.value;

/** The defaults from data/scoring.json, frozen so no caller can change them for everyone. */
export const DEFAULT_SCORING: Readonly<ScoringConfig> = Object.freeze({
  threshold: v(table.threshold),
  main: { name: v(table.main.name), identifier: v(table.main.identifier), wallet: v(table.main.wallet) },
  support: {
    minName: v(table.support.minName),
    identifierWithName: v(table.support.identifierWithName),
    birthDateExact: v(table.support.birthDateExact),
    address: v(table.support.address),
    addressOverlap: v(table.support.addressOverlap),
    email: v(table.support.email),
  },
  penalties: {
    countryMismatch: v(table.penalties.countryMismatch),
    birthYearDisjoint: v(table.penalties.birthYearDisjoint),
    birthDayDisjoint: v(table.penalties.birthDayDisjoint),
    genderMismatch: v(table.penalties.genderMismatch),
    identifierDisjoint: v(table.penalties.identifierDisjoint),
  },
  identifiers: {
    minLength: v(table.identifiers.minLength),
    exclude: new Set(v(table.identifiers.exclude)),
    disjointProps: new Set(v(table.identifiers.disjointProps)),
  },
});

/** Feature descriptions and coefficients for the yente `matcher` block. */
export function describeMatcher(
  config: ScoringConfig = DEFAULT_SCORING,
): Record<string, { description: string; coefficient: number }> {
  return {
    name_match: { description: table.main.name._doc, coefficient: config.main.name },
    identifier_match: { description: table.main.identifier._doc, coefficient: config.main.identifier },
    crypto_wallet_match: { description: table.main.wallet._doc, coefficient: config.main.wallet },
    identifier_with_name: {
      description: table.support.identifierWithName._doc,
      coefficient: config.support.identifierWithName,
    },
    dob_day_match: {
      description: table.support.birthDateExact._doc,
      coefficient: config.support.birthDateExact,
    },
    address_match: { description: table.support.address._doc, coefficient: config.support.address },
    email_match: { description: table.support.email._doc, coefficient: config.support.email },
    country_mismatch: {
      description: table.penalties.countryMismatch._doc,
      coefficient: -config.penalties.countryMismatch,
    },
    dob_year_disjoint: {
      description: table.penalties.birthYearDisjoint._doc,
      coefficient: -config.penalties.birthYearDisjoint,
    },
    dob_day_disjoint: {
      description: table.penalties.birthDayDisjoint._doc,
      coefficient: -config.penalties.birthDayDisjoint,
    },
    gender_mismatch: {
      description: table.penalties.genderMismatch._doc,
      coefficient: -config.penalties.genderMismatch,
    },
    identifier_disjoint: {
      description: table.penalties.identifierDisjoint._doc,
      coefficient: -config.penalties.identifierDisjoint,
    },
  };
}

const compatibleCache = new Map<string, string[]>();

/**
 * Schemata a query of this schema may match: matchable ones on the same line of descent, so a Person matches a
 * Person or a LegalEntity, a LegalEntity matches Person, Company and Organization, and a Person never a Company.
 */
export function compatibleSchemata(schema: string): string[] {
  let out = compatibleCache.get(schema);
  if (!out) {
    out = [];
    if (hasSchema(schema)) {
      const q = getSchema(schema);
      for (const s of Object.values(model.schemata))
        if (s?.matchable && (s.isA(q) || q.isA(s))) out.push(s.name);
      out.sort();
    }
    compatibleCache.set(schema, out);
  }
  return out;
}

export function schemataCompatible(query: string, candidate: string): boolean {
  return compatibleSchemata(query).includes(candidate);
}

const round = (x: number): number => Math.round(x * 10000) / 10000;
const clamp = (x: number): number => Math.min(1, Math.max(0, x));

/** Scores one candidate for one query; never throws on odd input, and the score is always in [0, 1]. */
export function scoreMatch(
  query: Subject,
  candidate: Subject,
  config: ScoringConfig = DEFAULT_SCORING,
): MatchScore {
  const explanation: string[] = [];
  const features: Record<string, number> = {};
  if (!schemataCompatible(query.schema, candidate.schema)) {
    explanation.push(`schema: ${query.schema} cannot match ${candidate.schema}`);
    return { score: 0, match: false, features, explanation };
  }
  const ids = { exclude: config.identifiers.exclude, minLength: config.identifiers.minLength };
  const name = nameFeature(query, candidate);
  const identifier = identifierFeature(query, candidate, ids, config.identifiers.disjointProps);
  const wallet = walletFeature(query, candidate);
  const nameScore = name?.score ?? 0;
  if (name) {
    features.name_match = round(nameScore);
    explanation.push(name.explanation);
  } else explanation.push('name: nothing to compare');

  let score = nameScore * config.main.name;
  const strong: FeatureResult[] = [];
  if (identifier?.outcome === 'match') {
    features.identifier_match = 1;
    strong.push(identifier);
    score = Math.max(score, config.main.identifier);
    explanation.push(`${identifier.explanation} (${config.main.identifier})`);
  }
  if (wallet?.outcome === 'match') {
    features.crypto_wallet_match = 1;
    strong.push(wallet);
    score = Math.max(score, config.main.wallet);
    explanation.push(`${wallet.explanation} (${config.main.wallet})`);
  }
  const supported = nameScore >= config.support.minName;
  if (strong.length > 0 && supported) {
    features.identifier_with_name = 1;
    score += config.support.identifierWithName;
    explanation.push(`identifier and name agree (+${config.support.identifierWithName})`);
  }

  const dob = birthDateFeature(query, candidate);
  if (dob) {
    if (dob.outcome === 'match' && supported) {
      features.dob_day_match = 1;
      score += config.support.birthDateExact;
      explanation.push(dob.explanation);
    } else if (dob.outcome === 'mismatch') {
      features.dob_year_disjoint = 1;
      score -= config.penalties.birthYearDisjoint;
      explanation.push(`${dob.explanation} (-${config.penalties.birthYearDisjoint})`);
    } else if (dob.score < 0.8) {
      features.dob_day_disjoint = 1;
      score -= config.penalties.birthDayDisjoint;
      explanation.push(`${dob.explanation} (-${config.penalties.birthDayDisjoint})`);
    } else explanation.push(dob.explanation);
  }
  const country = countryFeature(query, candidate);
  if (country) {
    if (country.outcome === 'mismatch') {
      features.country_mismatch = 1;
      score -= config.penalties.countryMismatch;
      explanation.push(`${country.explanation} (-${config.penalties.countryMismatch})`);
    } else explanation.push(country.explanation);
  }
  const gender = genderFeature(query, candidate);
  if (gender) {
    if (gender.outcome === 'mismatch') {
      features.gender_mismatch = 1;
      score -= config.penalties.genderMismatch;
      explanation.push(`${gender.explanation} (-${config.penalties.genderMismatch})`);
    } else explanation.push(gender.explanation);
  }
  if (identifier?.outcome === 'mismatch') {
    features.identifier_disjoint = 1;
    score -= config.penalties.identifierDisjoint;
    explanation.push(`${identifier.explanation} (-${config.penalties.identifierDisjoint})`);
  }
  const email = emailFeature(query, candidate);
  if (email) {
    if (email.outcome === 'match' && supported) {
      features.email_match = 1;
      score += config.support.email;
      explanation.push(`${email.explanation} (+${config.support.email})`);
    } else explanation.push(email.explanation);
  }
  const address = addressFeature(query, candidate);
  if (address) {
    if (supported && address.score >= config.support.addressOverlap) {
      features.address_match = round(address.score);
      score += config.support.address;
      explanation.push(`${address.explanation} (+${config.support.address})`);
    } else explanation.push(address.explanation);
  }
  const final = round(clamp(Number.isFinite(score) ? score : 0));
  const match = final >= config.threshold;
  explanation.push(
    `score ${final} ${match ? '>=' : '<'} threshold ${config.threshold}: ${match ? 'match' : 'no match'}`,
  );
  return { score: final, match, features, explanation };
}

/** The configuration with another threshold, for the `threshold` query parameter. */
export function withThreshold(threshold: number, config: ScoringConfig = DEFAULT_SCORING): ScoringConfig {
  return { ...config, threshold };
}
