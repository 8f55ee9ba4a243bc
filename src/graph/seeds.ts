// Seed sets per hostile state: the entities a rule in data/states.json ties directly to the state, each with
// the reason and the record that says so. Ownership by a seed makes a seed too (to a fixed point).
import { NexusError } from '../model/index.js';
import table from './data/states.json' with { type: 'json' };
import type { Projection } from './project.js';

export interface SeedReason {
  rule: 'sanction' | 'topic' | 'cyber' | 'group' | 'owned' | 'chosen';
  /** Readable: "sanctioned under RUSSIA-EO14024", "owned by 'X'". */
  text: string;
  /** The record behind it: a Sanction id, the entity itself, or the owning seed's id. */
  evidence: string;
}

export interface StateRule {
  code: string;
  label: string;
  countries: string[];
  programs: RegExp[];
  groups: Set<string>;
}

export const STATES: ReadonlyMap<string, StateRule> = new Map(
  Object.entries(table.states).map(([code, s]) => [
    code,
    {
      code,
      label: s.label,
      countries: s.countries,
      programs: s.programs.map((p) => new RegExp(p, 'iu')),
      groups: new Set(s.groups.map((g) => g.toLowerCase())),
    },
  ]),
);
const CONDITIONAL = table.conditionalPrograms.map((p) => new RegExp(p, 'iu'));
const STATE_TOPICS = new Set(table.stateTopics);
const CYBER_TOPICS = new Set(table.cyberTopics);

export function stateRule(code: string): StateRule {
  const rule = STATES.get(code.toLowerCase());
  if (!rule)
    throw new NexusError(
      'USAGE_INVALID',
      `exposure: unknown state "${code}"; known: ${[...STATES.keys()].join(', ')}`,
    );
  return rule;
}

/** Seeds of one state: node -> why. */
export function findSeeds(p: Projection, rule: StateRule): Map<number, SeedReason[]> {
  const seeds = new Map<number, SeedReason[]>();
  const add = (node: number, reason: SeedReason) => {
    const list = seeds.get(node);
    if (!list) seeds.set(node, [reason]);
    else if (!list.some((r) => r.text === reason.text)) list.push(reason);
  };
  const ofState = (node: number) => p.nodes.countriesOf(node).some((c) => rule.countries.includes(c));

  for (const s of p.sanctions) {
    const hit = s.programs.find((prog) => rule.programs.some((re) => re.test(prog)));
    const conditional =
      hit ?? s.programs.find((prog) => CONDITIONAL.some((re) => re.test(prog)) && ofState(s.node));
    if (conditional)
      add(s.node, { rule: 'sanction', text: `sanctioned under ${conditional}`, evidence: s.sanction });
  }
  for (let u = 0; u < p.graph.n; u++) {
    const topics = p.nodes.topicsOf(u);
    if (topics.length && ofState(u)) {
      const state = topics.find((t) => STATE_TOPICS.has(t));
      if (state)
        add(u, { rule: 'topic', text: `topic ${state} with country ${rule.code}`, evidence: p.graph.id(u) });
      const cyber = topics.find((t) => CYBER_TOPICS.has(t));
      if (cyber)
        add(u, { rule: 'cyber', text: `cyber group attributed to ${rule.code}`, evidence: p.graph.id(u) });
    }
    if (rule.groups.has(p.nodes.captionOf(u).toLowerCase()))
      add(u, { rule: 'group', text: `intrusion set attributed to ${rule.label}`, evidence: p.graph.id(u) });
  }
  addOwned(p, seeds, add);
  return seeds;
}

/** Entities a seed owns (Ownership from the seed as owner) become seeds, until nothing changes. */
function addOwned(
  p: Projection,
  seeds: Map<number, SeedReason[]>,
  add: (n: number, r: SeedReason) => void,
): void {
  const g = p.graph;
  const ownership = g.a.kinds.indexOf('Ownership');
  if (ownership < 0) return;
  let frontier = [...seeds.keys()];
  while (frontier.length) {
    const next: number[] = [];
    for (const u of frontier) {
      for (let i = g.out.offsets[u] as number; i < (g.out.offsets[u + 1] as number); i++) {
        const e = g.out.edges[i] as number;
        if (g.a.kind[e] !== ownership || g.a.src[e] !== u) continue;
        const asset = g.out.nodes[i] as number;
        if (seeds.has(asset)) continue;
        add(asset, {
          rule: 'owned',
          text: `owned by '${p.nodes.captionOf(u)}'`,
          evidence: g.evidenceOf(e) ?? '',
        });
        next.push(asset);
      }
    }
    frontier = next;
  }
}
