// Finds the country a threat-group description says sponsors, directs or hosts the group, never one it targets.
import table from './data/stix-attribution.json' with { type: 'json' };

/** One stated attribution: the FtM country code and the phrase of the description that states it. */
export interface Attribution {
  country: string;
  phrase: string;
}

type Kind = 'names' | 'demonyms' | 'organs';

const termCountry = new Map<string, string>();
const termsByKind = new Map<Kind, string[]>([
  ['names', []],
  ['demonyms', []],
  ['organs', []],
]);
for (const [code, entry] of Object.entries(table.countries)) {
  for (const kind of ['names', 'demonyms', 'organs'] as const) {
    for (const term of entry[kind]) {
      termCountry.set(normalise(term), code);
      termsByKind.get(kind)?.push(normalise(term));
    }
  }
}

function alternation(kind: Kind): string {
  const terms = [...(termsByKind.get(kind) ?? [])];
  // Longest first, so "North Korean" wins over any shorter term it contains.
  terms.sort((a, b) => b.length - a.length || a.localeCompare(b));
  const body = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+')).join('|');
  return body === '' ? '(?!)' : body;
}

// A term must stand alone: "pro-Indian" or "Russian" must not read as "Indian" or "Russia".
const START = "(?<![\\p{L}\\p{N}'-])";
const END = '(?![\\p{L}\\p{N}])';
const NAME = `${START}(?:${alternation('names')})`;
const DEM = `${START}(?:${alternation('demonyms')})${END}`;
const ORG = `${START}(?:${alternation('organs')})${END}`;
const ANY = `${START}(?:${alternation('names')}|${alternation('demonyms')}|${alternation('organs')})`;
const HEDGE = '(?:(?:suspected|likely|probable|possible|possibly|alleged|presumed|reportedly|believed)\\s+)?';
const WORD = "[\\p{L}\\p{N}$@.'&-]+";
// Nouns naming the actor itself; "organizations" or "companies" are what groups target, so they are not here.
const ACTOR =
  '(?:groups?|actors?|APTs?|operators?|units?|entity|entities|clusters?|teams?|gangs?|crews?|hackers?|adversar(?:y|ies))(?![\\p{L}])';
const STATE_NOUN =
  "(?:government|state|military|intelligence|security|army|armed|actors|authorities|services?|General|People's|Ministry)";

interface Rule {
  name: string;
  pattern: RegExp;
  /** When set, the match must also sit right after a copula ("is", "be") or be followed by an actor noun. */
  needsSubject?: boolean;
}

const RULES: Rule[] = [
  // "North Korean state-sponsored", "Iranian-sponsored", "Russia-based", "PRC-linked", "(IRGC)-affiliated".
  {
    name: 'compound',
    pattern: new RegExp(
      `${HEDGE}(${ANY})(?:\\s*\\([^)]{1,40}\\))?(?:[- ](?:state|government)[- ]|-)(?:sponsored|backed|based|linked|aligned|nexus|related|affiliated|directed)(?![\\p{L}])`,
      'gu',
    ),
    needsSubject: true,
  },
  // "is a suspected Russian cyber espionage group", "is an Iranian threat actor".
  {
    name: 'demonym',
    pattern: new RegExp(
      `(?<![\\p{L}])(?:is|are|was|as|be)\\s+(?:(?:a|an|the)\\s+)?${HEDGE}(${DEM})\\s+(?:${WORD}\\s+){0,3}?${ACTOR}`,
      'gu',
    ),
  },
  // "attributed to Russia's General Staff ...", "on behalf of the Islamic Revolutionary Guard Corps".
  {
    name: 'claim',
    pattern: new RegExp(
      `(?<![\\p{L}])(?:(?:attributed|linked|tied|connected)(?:\\s+(?!by\\b|to\\b|with\\b)${WORD}){0,4}?\\s+(?:to|with)|(?:affiliated|associated|association)\\s+with|(?:nexus|ties|links)\\s+to|(?:subordinate\\s+)?elements?\\s+(?:within|of)|on\\s+behalf\\s+of|(?:sponsored|directed|controlled|conducted|operated|run|tasked)\\s+by|(?:working|works|work)\\s+for)\\s+(?:the\\s+)?(?:government\\s+of\\s+(?:the\\s+)?)?((?:${NAME})(?:'s)?${END}|${DEM}\\s+${STATE_NOUN}|${ORG})`,
      'gu',
    ),
  },
  // "operating out of China", "originating in Russia", "likely based in Brazil".
  {
    name: 'location',
    pattern: new RegExp(
      `(?<![\\p{L}])(?:based|operating|operates|operate|operated|originating|originates|located|headquartered)\\s+(?:out\\s+of|in|from)\\s+(?:the\\s+)?(${NAME})${END}`,
      'gu',
    ),
  },
  // "with likely Chinese origins", "a suspected Iranian nexus".
  {
    name: 'origin',
    pattern: new RegExp(
      `(?<![\\p{L}])(?:with|have|has|having)\\s+(?:(?:a|an|the)\\s+)?${HEDGE}(${DEM})\\s+(?:nexus|origins?|roots)(?![\\p{L}])`,
      'gu',
    ),
  },
];

const ORG_ONLY = new RegExp(`^${ORG}$`, 'u');
const COPULA_BEFORE = /(?:^|[^\p{L}])(?:is|are|be|being)\s+(?:(?:a|an)\s+)?$/u;
const ACTOR_AFTER = new RegExp(`^(?:\\s*\\([^)]{1,40}\\))?(?:\\s+${WORD}){0,4}?\\s+${ACTOR}`, 'u');
// Words that show the clause is about victims, or negates the link: the country there is not the group's.
const TARGET_CUE =
  /(?:^|[^\p{L}])(?:target\p{L}*|against|victims?|attack(?:s|ed|ing)?|compromis\p{L}*|recruited|forums?|not|no|never|without|nor)(?![\p{L}])/iu;
// "overlapped with another North Korean-linked entity" names some other group, not this one.
const OTHER_BEFORE = /(?:^|[^\p{L}])(?:another|other|with|and|or|like|than)\s+$/iu;

/** Plain prose from an ATT&CK-style description: no citations, links, markup or typographic punctuation. */
export function normalise(text: string): string {
  return text
    .replace(/\(Citation:[^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]{0,200}>/g, ' ')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The rest of a noun phrase: up to punctuation or a clause word, at most ~60 characters, whole words. */
function continuation(rest: string): string {
  const clause = rest.split(/[,.;]|\s(?:and|that|which|who|through|to|against|since|in|has|have)\s/)[0] ?? '';
  if (clause.length <= 60) return clause.trimEnd();
  return clause.slice(0, 60).replace(/\s+\S*$/, '');
}

function countryOf(term: string): string | undefined {
  const clean = term
    .replace(/\s*\([^)]*\)$/, '')
    .replace(/'s$/, '')
    .replace(/\s+/g, ' ')
    .trim();
  const direct = termCountry.get(clean);
  if (direct !== undefined) return direct;
  // "Chinese People's" or "Iranian Ministry": the leading demonym decides.
  for (const [t, code] of termCountry) if (clean.startsWith(`${t} `)) return code;
  return undefined;
}

/**
 * Countries the description states as the group's sponsor, director or base, each with the phrase that says so,
 * in order of first mention. Countries only mentioned as targets are not returned.
 */
export function statedAttributions(description: string): Attribution[] {
  const out: Attribution[] = [];
  const text = normalise(description);
  for (const sentence of text.split(/(?<=[.!?])\s+(?=[A-Z])/)) {
    const found: Array<{ at: number; country: string; phrase: string }> = [];
    for (const rule of RULES) {
      rule.pattern.lastIndex = 0;
      for (const m of sentence.matchAll(rule.pattern)) {
        const at = m.index;
        const term = m[1];
        if (term === undefined) continue;
        const clause = sentence.slice(0, at).split(/[;:]/).pop() ?? '';
        if (TARGET_CUE.test(clause) || OTHER_BEFORE.test(clause)) continue;
        let phrase = m[0];
        const rest = sentence.slice(at + m[0].length);
        if (rule.needsSubject) {
          const after = ACTOR_AFTER.exec(rest);
          if (after) phrase += after[0];
          else if (!COPULA_BEFORE.test(clause)) continue;
        } else if (rule.name === 'claim' && !ORG_ONLY.test(term)) {
          // "attributed to Russia's" says little; quote on to the organ it names.
          phrase += continuation(rest);
        }
        const country = countryOf(term);
        // The copula and article only anchored the match; the quote starts at what the group is.
        const quoted = phrase.trim().replace(/^(?:is|are|was|as|be)\s+(?:(?:a|an|the)\s+)?/, '');
        if (country !== undefined) found.push({ at, country, phrase: quoted });
      }
    }
    found.sort((a, b) => a.at - b.at);
    for (const f of found) {
      if (!out.some((o) => o.country === f.country)) out.push({ country: f.country, phrase: f.phrase });
    }
    // The first sentence that states an attribution is the group's own; later ones tend to describe partners
    // ("coordinated with actors affiliated with Iran's MOIS") or other clusters.
    if (out.length > 0) break;
  }
  return out;
}
