// The network bench/ui.js explores: ~5,000 people and ~15,000 ties as an edge list (`nexus ingest --format
// edgelist`), shaped so that the graph explorer can reach every node by expanding one crew leader at a time.
// The explorer asks /graph/expand for at most 150 nodes per expansion (MAX_NODES in web/src/views/graph.ts), so
// each leader has at most 149 neighbours: the 128 members of its crew, 15 members of the previous crew (so the
// next leader to expand ranks high in the explorer's node list, which shows the 500 best-connected nodes), and
// four other leaders (ring and chords). The remaining ties join members, 80% inside a crew and 20% across.
// Names are invented (first name + surname), unique, and fictional.

const FIRST =
  `Adam Aiden Alba Alice Amir Anna Arlo Aurora Ben Bianca Carl Chen Clara Dario Dmitri Elena Elias Emil Eva
Farah Felix Freya Georg Hana Hugo Ida Igor Ines Ivan Jamal Jonas Julia Kai Karim Lara Lena Leo Lina Luca Maia Marek
Maya Milan Mira Nadia Nico Nina Noah Olga Omar Oskar Paula Petra Rafael Rosa Sami Sara Tariq Vera Yusuf`.split(
    /\s+/,
  );
const LAST =
  `Abbott Adeyemi Alvarez Andersen Baker Baranov Bauer Bianchi Blom Brennan Castro Cho Costa Dahl Demir
Doyle Dubois Eriksen Evans Farouk Fischer Flynn Garcia Grant Haas Hale Hansen Ibrahim Ito Jansen Jovanovic Kaya
Keller Khan Kowalski Kruger Lambert Larsen Lopez Mahler Marino Meyer Molina Moreau Nagy Novak Nowak Okafor Olsen
Orlov Ortiz Park Petrov Quinn Reyes Ricci Romero Rossi Sato Schmidt Silva Sokolov Stone Suzuki Tan Torres Varga
Vidal Vogel Walsh Weber Wolff Yilmaz Young Zaman Zhou Ziegler Aziz Bakker Coleman Dimitrov Eze Falk Gallo Horvat`.split(
    /\s+/,
  );

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @returns {{ leaders: string[], crews: string[][], ties: [string, string][], nodes: number }}
 */
export function crewNetwork({ crews = 39, members = 128, bridges = 15, ties = 15_000, seed = 5 } = {}) {
  const random = rng(seed);
  const pick = (n) => Math.floor(random() * n);
  const names = [];
  for (const f of FIRST) for (const l of LAST) names.push(`${f} ${l}`);
  for (let i = names.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [names[i], names[j]] = [names[j], names[i]];
  }
  const need = crews * (members + 1);
  if (need > names.length)
    throw new Error(`ui-network: ${need} people wanted, ${names.length} names available`);
  const leaders = names.slice(0, crews);
  const crewMembers = Array.from({ length: crews }, (_, c) =>
    names.slice(crews + c * members, crews + (c + 1) * members),
  );
  const seen = new Set();
  const out = [];
  const tie = (a, b) => {
    if (a === b) return false;
    const key = a < b ? `${a}\n${b}` : `${b}\n${a}`;
    if (seen.has(key)) return false;
    seen.add(key);
    out.push([a, b]);
    return true;
  };
  for (let c = 0; c < crews; c++) {
    for (const m of crewMembers[c]) tie(leaders[c], m);
    tie(leaders[c], leaders[(c + 1) % crews]);
    tie(leaders[c], leaders[(c + 7) % crews]);
    const prev = crewMembers[(c + crews - 1) % crews];
    for (let k = 0; k < bridges; k++) tie(prev[k * Math.floor(members / bridges)], leaders[c]);
  }
  while (out.length < ties) {
    const c = pick(crews);
    const a = crewMembers[c][pick(members)];
    const b =
      random() < 0.8
        ? crewMembers[c][pick(members)]
        : crewMembers[(c + 1 + pick(crews - 1)) % crews][pick(members)];
    tie(a, b);
  }
  return { leaders, crews: crewMembers, ties: out, nodes: need };
}

export function toEdgeList(ties) {
  return `source,target\n${ties.map(([a, b]) => `${a},${b}`).join('\n')}\n`;
}
