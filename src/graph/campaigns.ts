// Campaigns: reports and entities that share identifying values (phone, email, bank account, website, wallet
// address, identifier) grouped together, as fraud analysts link reports to one operation. A campaign is a
// connected group over shared-value ties (and the wallets and identity documents held by its members).
import { fromDays, NO_TIME } from './graph.js';
import type { Projection } from './project.js';

export interface Campaign {
  id: string;
  members: number[];
  /** The values that tie it together, with how many members hold each. */
  shared: { type: string; value: string; holders: number }[];
  schemata: Record<string, number>;
  firstDate?: string;
  lastDate?: string;
}

// Holder references bind a wallet or an identity document to its holder, so a wallet shared by reports joins them.
const JOINING = /^(shared:|CryptoWallet:holder$|Identification:holder$)/;

export function campaigns(p: Projection, options: { minSize?: number } = {}): Campaign[] {
  const g = p.graph;
  const minSize = options.minSize ?? 2;
  const joins = Uint8Array.from(g.a.kinds, (k) => (JOINING.test(k) ? 1 : 0));
  const parent = Int32Array.from({ length: g.n }, (_, i) => i);
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r] as number;
    while (parent[x] !== r) {
      const next = parent[x] as number;
      parent[x] = r;
      x = next;
    }
    return r;
  };
  let sharedEdges = 0;
  for (let e = 0; e < g.m; e++) {
    if (!joins[g.a.kind[e] as number]) continue;
    if (g.kindOf(e).startsWith('shared:')) sharedEdges++;
    const a = find(g.a.src[e] as number);
    const b = find(g.a.dst[e] as number);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  if (sharedEdges === 0) return [];
  const groups = new Map<number, number[]>();
  for (let u = 0; u < g.n; u++) {
    const r = find(u);
    const list = groups.get(r);
    if (list) list.push(u);
    else groups.set(r, [u]);
  }
  const out: Campaign[] = [];
  for (const members of groups.values()) {
    if (members.length < minSize) continue;
    const values = new Map<string, Set<number>>();
    let first = NO_TIME;
    let last = -NO_TIME;
    const inside = new Set(members);
    for (const u of members) {
      for (let i = g.out.offsets[u] as number; i < (g.out.offsets[u + 1] as number); i++) {
        const e = g.out.edges[i] as number;
        const t = g.a.time[e] as number;
        if (t !== NO_TIME && inside.has(g.out.nodes[i] as number)) {
          first = Math.min(first, t);
          last = Math.max(last, t);
        }
        const ev = g.evidenceOf(e);
        if (!ev?.startsWith('value:')) continue;
        const holders = values.get(ev) ?? new Set<number>();
        holders.add(u);
        values.set(ev, holders);
      }
    }
    if (values.size === 0) continue;
    const schemata: Record<string, number> = {};
    for (const u of members) schemata[p.nodes.schemaOf(u)] = (schemata[p.nodes.schemaOf(u)] ?? 0) + 1;
    const shared = [...values].map(([ev, holders]) => {
      const rest = ev.slice('value:'.length);
      const type = rest.slice(0, rest.indexOf(':'));
      return { type, value: rest.slice(type.length + 1), holders: holders.size };
    });
    shared.sort((a, b) => b.holders - a.holders || a.value.localeCompare(b.value));
    const ids = members.map((u) => g.id(u)).sort();
    out.push({
      id: `campaign-${ids[0]}`,
      members: members.sort((a, b) => g.id(a).localeCompare(g.id(b))),
      shared,
      schemata,
      firstDate: first === NO_TIME ? undefined : fromDays(first),
      lastDate: last === -NO_TIME ? undefined : fromDays(last),
    });
  }
  out.sort((a, b) => b.members.length - a.members.length || a.id.localeCompare(b.id));
  return out;
}
