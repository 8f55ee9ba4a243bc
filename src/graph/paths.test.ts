// Path queries on small hand-made graphs with known answers, plus randomised checks against brute force.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from './algorithms/random.js';
import { type Graph, GraphBuilder, graphFromEdges, NO_TIME } from './graph.js';
import {
  allPaths,
  type Direction,
  edgeCost,
  egoNetwork,
  kShortestPaths,
  type Path,
  shortestPath,
  timeOrderedPaths,
} from './paths.js';

/** Node index by name. */
const at = (g: Graph, name: string): number => {
  const u = g.node(name);
  if (u === undefined) throw new Error(`no node ${name}`);
  return u;
};
const names = (g: Graph, p: Path | null | undefined): string =>
  p ? p.nodes.map((u) => g.id(u)).join('-') : '';

/** A graph from "a-b" (undirected) and "a>b" (directed) specs with optional strength and ISO date. */
function graph(specs: Array<[string, number?, string?]>): Graph {
  const b = new GraphBuilder();
  for (const [spec, weight, date] of specs) {
    const directed = spec.includes('>');
    const [s, t] = spec.split(directed ? '>' : '-') as [string, string];
    b.edge(b.node(s), b.node(t), { kind: 'link', weight: weight ?? 1, directed, date });
  }
  return b.build();
}

const diamond = () =>
  graphFromEdges([
    ['a', 'b'],
    ['a', 'c'],
    ['b', 'd'],
    ['c', 'd'],
  ]);

describe('shortestPath', () => {
  it('finds a two-hop route across a diamond, with edges joining consecutive nodes', () => {
    const g = diamond();
    const { path, limit } = shortestPath(g, at(g, 'a'), at(g, 'd'));
    expect(limit).toBeUndefined();
    expect(path?.cost).toBe(2);
    expect(['a-b-d', 'a-c-d']).toContain(names(g, path));
    const p = path as Path;
    p.edges.forEach((e, i) => {
      const ends = [g.a.src[e], g.a.dst[e]].sort();
      expect(ends).toEqual([p.nodes[i], p.nodes[i + 1]].sort());
    });
  });

  it('takes the long strong route when weighted and the weak shortcut when counting hops', () => {
    const g = graph([
      ['a-d', 0.1],
      ['a-b', 1],
      ['b-c', 2],
      ['c-d', 1],
    ]);
    const hops = shortestPath(g, at(g, 'a'), at(g, 'd'));
    expect(names(g, hops.path)).toBe('a-d');
    expect(hops.path?.cost).toBe(1);
    const weighted = shortestPath(g, at(g, 'a'), at(g, 'd'), { weighted: true });
    expect(names(g, weighted.path)).toBe('a-b-c-d');
    expect(weighted.path?.cost).toBeCloseTo(2.5, 6);
  });

  it('charges 1 / strength per edge and treats strengths <= 0 as tiny', () => {
    expect(edgeCost(2)).toBe(0.5);
    expect(edgeCost(0)).toBe(1e6);
    expect(edgeCost(-3)).toBe(1e6);
    expect(edgeCost(Number.NaN)).toBe(1e6);
    // A zero-strength shortcut still beats a 3-edge detour only if it is cheaper; here it is not.
    const g = graph([['a-d', 0], ['a-b'], ['b-c'], ['c-d']]);
    expect(names(g, shortestPath(g, at(g, 'a'), at(g, 'd'), { weighted: true }).path)).toBe('a-b-c-d');
    const only = graph([['a-d', 0]]);
    expect(shortestPath(only, 0, 1, { weighted: true }).path?.cost).toBe(1e6);
  });

  it('respects edge direction with "out" and "in" and ignores it with "both"', () => {
    const g = graph([['a>b'], ['c>b'], ['b>d']]);
    const [a, c, d] = [at(g, 'a'), at(g, 'c'), at(g, 'd')];
    expect(shortestPath(g, a, c, { direction: 'out' }).path).toBeNull();
    expect(names(g, shortestPath(g, a, c).path)).toBe('a-b-c');
    expect(names(g, shortestPath(g, a, d, { direction: 'out' }).path)).toBe('a-b-d');
    expect(shortestPath(g, d, a, { direction: 'out' }).path).toBeNull();
    expect(names(g, shortestPath(g, d, a, { direction: 'in' }).path)).toBe('d-b-a');
    expect(shortestPath(g, a, d, { direction: 'in' }).path).toBeNull();
    expect(shortestPath(g, a, c, { direction: 'out', weighted: true }).path).toBeNull();
    expect(names(g, shortestPath(g, a, c, { weighted: true }).path)).toBe('a-b-c');
  });

  it('returns null for an unreachable target and a no-edge path when a node is in both sets', () => {
    const g = graph([['a-b'], ['c-d']]);
    for (const weighted of [false, true]) {
      const r = shortestPath(g, at(g, 'a'), at(g, 'd'), { weighted });
      expect(r.path).toBeNull();
      expect(r.limit).toBeUndefined();
      expect(shortestPath(g, [0, 2], [2, 3], { weighted }).path).toEqual({ nodes: [2], edges: [], cost: 0 });
    }
    expect(() => shortestPath(g, 0, 9)).toThrow(RangeError);
  });

  it('connects sets: the closest pair wins', () => {
    const g = graph([['a-m'], ['m-n'], ['n-t'], ['x-p'], ['p-y'], ['t-y']]);
    for (const weighted of [false, true]) {
      const { path } = shortestPath(g, [at(g, 'a'), at(g, 'x')], [at(g, 't'), at(g, 'y')], { weighted });
      expect(names(g, path)).toBe('x-p-y');
    }
  });

  it('stops at limits.maxDepth with a depth limit', () => {
    const g = graphFromEdges([
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
    ]);
    const capped = shortestPath(g, at(g, 'a'), at(g, 'f'), { limits: { maxDepth: 3 } });
    expect(capped.path).toBeNull();
    expect(capped.limit).toEqual({ code: 'LIMIT_REACHED', cap: 'depth', value: 3 });
    expect(shortestPath(g, at(g, 'a'), at(g, 'f'), { limits: { maxDepth: 5 } }).path?.cost).toBe(5);
  });

  it('keeps weighted answers within maxDepth, taking the cheapest route that fits', () => {
    // Cheapest: a-b-c-d-t (4 strong edges, cost 0.4); within 2 hops: a-m-t (cost 2) beats a-n-t (cost 4).
    const g = graph([
      ['a-b', 10],
      ['b-c', 10],
      ['c-d', 10],
      ['d-t', 10],
      ['a-m', 1],
      ['m-t', 1],
      ['a-n', 0.5],
      ['n-t', 0.5],
    ]);
    const free = shortestPath(g, at(g, 'a'), at(g, 't'), { weighted: true });
    expect(names(g, free.path)).toBe('a-b-c-d-t');
    const capped = shortestPath(g, at(g, 'a'), at(g, 't'), { weighted: true, limits: { maxDepth: 2 } });
    expect(names(g, capped.path)).toBe('a-m-t');
    expect(capped.path?.cost).toBeCloseTo(2, 6);
    expect(capped.limit).toBeUndefined();
    const none = shortestPath(g, at(g, 'b'), at(g, 't'), { weighted: true, limits: { maxDepth: 1 } });
    expect(none.path).toBeNull();
    expect(none.limit).toEqual({ code: 'LIMIT_REACHED', cap: 'depth', value: 1 });
    // Above the layered search's cap Dijkstra runs first, then falls back to the cap.
    const long = graph([
      ...Array.from({ length: 14 }, (_, i) => [`c${i}-c${i + 1}`, 10] as [string, number]),
      ['c0-x', 0.5],
      ['x-c14', 0.5],
    ]);
    const over = shortestPath(long, at(long, 'c0'), at(long, 'c14'), {
      weighted: true,
      limits: { maxDepth: 13 },
    });
    expect(names(long, over.path)).toBe('c0-x-c14');
    const free14 = shortestPath(long, at(long, 'c0'), at(long, 'c14'), {
      weighted: true,
      limits: { maxDepth: 14 },
    });
    expect(free14.path?.edges).toHaveLength(14);
  });

  it('does not let a cheaper but longer way to a midpoint push a weighted route past the cap', () => {
    // Within 4 hops only s-v-w-x-t (cost 13) exists; s-a-v-w-x-t is cheaper (5) but has 5 hops.
    const g = graph([['s-v', 0.1], ['s-a'], ['a-v'], ['v-w'], ['w-x'], ['x-t']]);
    const r = shortestPath(g, at(g, 's'), at(g, 't'), { weighted: true, limits: { maxDepth: 4 } });
    expect(names(g, r.path)).toBe('s-v-w-x-t');
    expect(r.path?.cost).toBeCloseTo(13, 5);
    const free = shortestPath(g, at(g, 's'), at(g, 't'), { weighted: true, limits: { maxDepth: 5 } });
    expect(names(g, free.path)).toBe('s-a-v-w-x-t');
  });

  it('reports a node cap', () => {
    const g = graphFromEdges(
      Array.from({ length: 50 }, (_, i) => [`n${i}`, `n${i + 1}`] as [string, string]),
    );
    const r = shortestPath(g, at(g, 'n0'), at(g, 'n50'), { limits: { maxNodes: 10, maxDepth: 100 } });
    expect(r.path).toBeNull();
    expect(r.limit).toEqual({ code: 'LIMIT_REACHED', cap: 'nodes', value: 10 });
  });
});

describe('kShortestPaths', () => {
  // Weighted costs (1 / strength): s-a-t 2, s-b-t 3, s-c-t 4, s-b-a-t 6, s-a-b-t 7, s-d-t 8.
  const yen = () =>
    graph([
      ['s-a', 1],
      ['a-t', 1],
      ['s-b', 1],
      ['b-t', 0.5],
      ['s-c', 0.5],
      ['c-t', 0.5],
      ['a-b', 0.25],
      ['s-d', 0.25],
      ['d-t', 0.25],
    ]);

  it('returns the 3 cheapest weighted paths in order', () => {
    const g = yen();
    const { paths, limit } = kShortestPaths(g, at(g, 's'), at(g, 't'), 3, { weighted: true });
    expect(limit).toBeUndefined();
    expect(paths.map((p) => names(g, p))).toEqual(['s-a-t', 's-b-t', 's-c-t']);
    expect(paths.map((p) => p.cost)).toEqual([2, 3, 4]);
  });

  it('goes on to the looping-round paths and stops when none are left', () => {
    const g = yen();
    const five = kShortestPaths(g, at(g, 's'), at(g, 't'), 5, { weighted: true });
    expect(five.paths.map((p) => names(g, p)).slice(3)).toEqual(['s-b-a-t', 's-a-b-t']);
    const all = kShortestPaths(g, at(g, 's'), at(g, 't'), 20, { weighted: true });
    expect(all.paths.map((p) => p.cost)).toEqual([2, 3, 4, 6, 7, 8]);
    const hops = kShortestPaths(g, at(g, 's'), at(g, 't'), 20);
    expect(hops.paths.map((p) => p.cost)).toEqual([2, 2, 2, 2, 3, 3]);
    expect(new Set(hops.paths.map((p) => names(g, p))).size).toBe(6);
  });

  it('gives both diamond routes and nothing more', () => {
    const g = diamond();
    const { paths } = kShortestPaths(g, at(g, 'a'), at(g, 'd'), 3);
    expect(paths.map((p) => names(g, p)).sort()).toEqual(['a-b-d', 'a-c-d']);
  });

  it('caps k at maxResults and paths at maxDepth', () => {
    const g = yen();
    const r = kShortestPaths(g, at(g, 's'), at(g, 't'), 5, { weighted: true, limits: { maxResults: 2 } });
    expect(r.paths).toHaveLength(2);
    expect(r.limit).toEqual({ code: 'LIMIT_REACHED', cap: 'results', value: 2 });
    const short = kShortestPaths(g, at(g, 's'), at(g, 't'), 10, { weighted: true, limits: { maxDepth: 2 } });
    expect(short.paths.map((p) => p.cost)).toEqual([2, 3, 4, 8]);
    expect(short.limit?.cap).toBe('depth');
  });

  it('finds alternatives from every source of a set', () => {
    const g = graph([['a-t'], ['x-y'], ['y-t']]);
    const { paths } = kShortestPaths(g, [at(g, 'a'), at(g, 'x')], at(g, 't'), 5);
    expect(paths.map((p) => names(g, p))).toEqual(['a-t', 'x-y-t']);
  });
});

describe('allPaths', () => {
  /** A 3x3 grid; corner to corner there are 6 paths of 4 hops, 4 of 6 and 2 of 8. */
  const grid = () => {
    const edges: Array<[string, string]> = [];
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++) {
        if (c < 2) edges.push([`${r}${c}`, `${r}${c + 1}`]);
        if (r < 2) edges.push([`${r}${c}`, `${r + 1}${c}`]);
      }
    return graphFromEdges(edges);
  };

  it('counts the simple corner-to-corner paths of a grid by hop budget', () => {
    const g = grid();
    const limits = { maxDepth: 12 };
    const count = (h: number) => allPaths(g, at(g, '00'), at(g, '22'), h, { limits }).paths.length;
    expect([count(3), count(4), count(5), count(6), count(8), count(12)]).toEqual([0, 6, 6, 10, 12, 12]);
    const { paths, limit } = allPaths(g, at(g, '00'), at(g, '22'), 8, { limits });
    expect(limit).toBeUndefined();
    expect(paths.map((p) => p.cost)).toEqual([4, 4, 4, 4, 4, 4, 6, 6, 6, 6, 8, 8]);
    expect(new Set(paths.map((p) => p.nodes.join(','))).size).toBe(12);
    for (const p of paths) expect(new Set(p.nodes).size).toBe(p.nodes.length);
  });

  it('stops at maxResults, the node budget and maxDepth with a limit', () => {
    const g = grid();
    const few = allPaths(g, at(g, '00'), at(g, '22'), 8, { limits: { maxResults: 5, maxDepth: 8 } });
    expect(few.paths).toHaveLength(5);
    expect(few.limit).toEqual({ code: 'LIMIT_REACHED', cap: 'results', value: 5 });
    const tight = allPaths(g, at(g, '00'), at(g, '22'), 8, { limits: { maxNodes: 15, maxDepth: 8 } });
    expect(tight.limit?.cap).toBe('nodes');
    expect(tight.paths.length).toBeLessThan(12);
    const deep = allPaths(g, at(g, '00'), at(g, '22'), 8, { limits: { maxDepth: 6 } });
    expect(deep.paths).toHaveLength(10);
    expect(deep.limit?.cap).toBe('depth');
  });

  it('follows direction and joins sets, ending at the first target', () => {
    const g = graph([['a>b'], ['b>c'], ['c>a'], ['a>c']]);
    const [a, b, c] = [at(g, 'a'), at(g, 'b'), at(g, 'c')];
    expect(allPaths(g, a, c, 3, { direction: 'out' }).paths.map((p) => names(g, p))).toEqual([
      'a-c',
      'a-b-c',
    ]);
    expect(allPaths(g, c, a, 3, { direction: 'out' }).paths.map((p) => names(g, p))).toEqual(['c-a']);
    expect(
      allPaths(g, a, c, 3)
        .paths.map((p) => names(g, p))
        .sort(),
    ).toEqual(['a-b-c', 'a-c', 'a-c']);
    expect(
      allPaths(g, a, [b, c], 3, { direction: 'out' })
        .paths.map((p) => names(g, p))
        .sort(),
    ).toEqual(['a-b', 'a-c']);
  });
});

describe('timeOrderedPaths', () => {
  it('skips an earlier-dated edge and an undated one, taking the earliest arrival', () => {
    const g = graph([
      ['a>b', 1, '2020-01-10'],
      ['b>c', 1, '2020-01-05'], // too early once at b
      ['b>x', 1, '2020-01-11'],
      ['x>c', 1, '2020-01-12'],
      ['a>y', 1, '2020-01-01'],
      ['y>c', 1, '2020-01-20'],
      ['a>c', 1], // no date: unusable
    ]);
    const [a, c] = [at(g, 'a'), at(g, 'c')];
    expect(names(g, shortestPath(g, a, c, { direction: 'out' }).path)).toBe('a-c');
    const first = timeOrderedPaths(g, a, c, { direction: 'out' });
    expect(first.paths.map((p) => names(g, p))).toEqual(['a-b-x-c']);
    const p = first.paths[0];
    expect(p?.arrival).toBe(Date.UTC(2020, 0, 12) / 86_400_000);
    expect(p?.departure).toBe(Date.UTC(2020, 0, 10) / 86_400_000);
    expect(p?.cost).toBe(3);
    const every = timeOrderedPaths(g, a, c, { direction: 'out', all: true });
    expect(every.paths.map((q) => names(g, q))).toEqual(['a-b-x-c', 'a-y-c']);
  });

  it('allows same-day steps unless strict', () => {
    const g = graph([
      ['a>b', 1, '2021-03-01'],
      ['b>c', 1, '2021-03-01'],
    ]);
    expect(timeOrderedPaths(g, 0, 2).paths).toHaveLength(1);
    expect(timeOrderedPaths(g, 0, 2, { strict: true }).paths).toHaveLength(0);
    expect(timeOrderedPaths(g, 0, 2, { strict: true, all: true }).paths).toHaveLength(0);
  });

  it('keeps a later but shorter arrival at a node when the hop budget needs it', () => {
    // m is reached first via p (2 hops, day 4) and later directly (1 hop, day 6); with 3 hops only the
    // direct arrival can go on through q to t.
    const g = graph([
      ['a>p', 1, '2022-01-01'],
      ['p>m', 1, '2022-01-04'],
      ['a>m', 1, '2022-01-06'],
      ['m>q', 1, '2022-01-08'],
      ['q>t', 1, '2022-01-09'],
    ]);
    const r = timeOrderedPaths(g, at(g, 'a'), at(g, 't'), { maxHops: 3, direction: 'out' });
    expect(r.paths.map((p) => names(g, p))).toEqual(['a-m-q-t']);
    const loose = timeOrderedPaths(g, at(g, 'a'), at(g, 't'), { maxHops: 4, direction: 'out', all: true });
    expect(loose.paths.map((p) => names(g, p))).toEqual(['a-m-q-t', 'a-p-m-q-t']);
  });

  it('reports the earliest arrival for each target of a set', () => {
    const g = graph([
      ['s-u', 1, '2020-01-02'],
      ['u-v', 1, '2020-01-03'],
      ['s-v', 1, '2020-01-09'],
    ]);
    const r = timeOrderedPaths(g, at(g, 's'), [at(g, 'u'), at(g, 'v')]);
    expect(r.paths.map((p) => names(g, p))).toEqual(['s-u', 's-v']);
  });
});

describe('egoNetwork', () => {
  // c has neighbours n1..n4; each ni has a child mi; n1 and n2 are also linked.
  const star = () =>
    graphFromEdges([
      ['c', 'n1'],
      ['c', 'n2'],
      ['c', 'n3'],
      ['c', 'n4'],
      ['n1', 'm1'],
      ['n2', 'm2'],
      ['n3', 'm3'],
      ['n4', 'm4'],
      ['n1', 'n2'],
      ['m4', 'far'],
    ]);

  it('expands by depth and returns every edge among the nodes', () => {
    const g = star();
    const one = egoNetwork(g, at(g, 'c'));
    expect(one.nodes.map((u) => g.id(u))).toEqual(['c', 'n1', 'n2', 'n3', 'n4']);
    expect(one.edges).toHaveLength(5); // four spokes and n1-n2
    expect(one.limit).toBeUndefined();
    const two = egoNetwork(g, at(g, 'c'), { depth: 2 });
    expect(two.nodes).toHaveLength(9);
    expect(two.edges).toHaveLength(9);
    expect(two.depthOf.get(at(g, 'm3'))).toBe(2);
    expect(two.depthOf.get(at(g, 'c'))).toBe(0);
    expect(two.depthOf.has(at(g, 'far'))).toBe(false);
  });

  it('stops adding at the node cap and says so', () => {
    const g = star();
    const r = egoNetwork(g, at(g, 'c'), { depth: 2, maxNodes: 6 });
    expect(r.nodes).toHaveLength(6);
    expect(r.limit).toEqual({ code: 'LIMIT_REACHED', cap: 'nodes', value: 6 });
    expect(r.nodes.slice(0, 5).map((u) => g.id(u))).toEqual(['c', 'n1', 'n2', 'n3', 'n4']);
    expect(r.depthOf.get(r.nodes[5] as number)).toBe(2);
    expect(r.edges).toHaveLength(6);
    expect(egoNetwork(g, at(g, 'c'), { depth: 2, maxNodes: 9 }).limit).toBeUndefined();
  });

  it('follows direction and reports a depth cap only when there was more', () => {
    const g = graph([['a>b'], ['b>c'], ['d>a']]);
    const out = egoNetwork(g, at(g, 'a'), { depth: 2, direction: 'out' });
    expect(out.nodes.map((u) => g.id(u))).toEqual(['a', 'b', 'c']);
    expect(out.edges).toHaveLength(2);
    expect(egoNetwork(g, at(g, 'a'), { direction: 'in' }).nodes.map((u) => g.id(u))).toEqual(['a', 'd']);
    const capped = egoNetwork(g, at(g, 'd'), { depth: 5, direction: 'out', limits: { maxDepth: 2 } });
    expect(capped.nodes).toHaveLength(3);
    expect(capped.limit?.cap).toBe('depth');
    expect(
      egoNetwork(g, at(g, 'a'), { depth: 5, direction: 'out', limits: { maxDepth: 2 } }).limit,
    ).toBeUndefined();
  });
});

describe('against brute force on random graphs', () => {
  interface Rule {
    timed: boolean;
    strict?: boolean;
  }

  /**
   * Every simple path from a source to a target following the direction, by plain recursion over the edge
   * list: it ends at the first target and passes through no other source; timed paths need non-decreasing
   * dated edges and at least one edge.
   */
  function brute(
    g: Graph,
    from: number[],
    to: number[],
    direction: Direction,
    rule: Rule = { timed: false },
  ) {
    const steps: Array<Array<[number, number]>> = Array.from({ length: g.n }, () => []);
    for (let e = 0; e < g.m; e++) {
      const [u, v, dir] = [g.a.src[e] as number, g.a.dst[e] as number, g.a.directed[e] === 1];
      if (!dir || direction !== 'in') steps[u]?.push([v, e]);
      if ((!dir || direction !== 'out') && u !== v) steps[v]?.push([u, e]);
    }
    const [sources, targets] = [new Set(from), new Set(to)];
    const out: Array<{ nodes: number[]; edges: number[] }> = [];
    const walk = (nodes: number[], edges: number[], last: number) => {
      const u = nodes[nodes.length - 1] as number;
      for (const [v, e] of steps[u] ?? []) {
        if (nodes.includes(v)) continue;
        const t = g.a.time[e] as number;
        if (rule.timed && (t === NO_TIME || t < last || (rule.strict && t === last))) continue;
        if (targets.has(v)) out.push({ nodes: [...nodes, v], edges: [...edges, e] });
        else if (!sources.has(v)) walk([...nodes, v], [...edges, e], t);
      }
    };
    for (const s of from) {
      if (targets.has(s) && !rule.timed) out.push({ nodes: [s], edges: [] });
      else walk([s], [], Number.NEGATIVE_INFINITY);
    }
    return out;
  }
  const cost = (g: Graph, edges: number[]) =>
    edges.reduce((c, e) => c + edgeCost(g.a.weight[e] as number), 0);

  function randomGraph(random: () => number): Graph {
    const n = 5 + Math.floor(random() * 5);
    const b = new GraphBuilder();
    for (let i = 0; i < n; i++) b.node(`v${i}`);
    const m = n + Math.floor(random() * n * 1.5);
    for (let i = 0; i < m; i++) {
      const u = Math.floor(random() * n);
      const v = Math.floor(random() * n);
      const weight = [0, 0.25, 0.5, 1, 2, 4][Math.floor(random() * 6)];
      const day = 1 + Math.floor(random() * 9);
      const date = random() < 0.85 ? `2020-01-0${day}` : undefined;
      b.edge(u, v, { kind: 'k', weight, directed: random() < 0.5, date });
    }
    return b.build();
  }
  const limits = { maxDepth: 20, maxResults: 10_000 };
  const ends = (g: Graph, sets: boolean): [number[], number[]] =>
    sets
      ? [
          [0, 1],
          [g.n - 1, g.n - 2],
        ]
      : [[0], [g.n - 1]];

  it('agrees on shortest, k shortest and all paths, node to node and set to set', () => {
    const random = mulberry32(7);
    for (let round = 0; round < 150; round++) {
      const g = randomGraph(random);
      const [s, t] = ends(g, round % 2 === 1);
      for (const direction of ['out', 'in', 'both'] as const) {
        const all = brute(g, s, t, direction);
        const hops = all.map((p) => p.edges.length).sort((x, y) => x - y);
        const costs = all.map((p) => cost(g, p.edges)).sort((x, y) => x - y);
        const sp = shortestPath(g, s, t, { direction, limits });
        expect(sp.path?.cost ?? null).toBe(hops[0] ?? null);
        const wp = shortestPath(g, s, t, { direction, weighted: true, limits });
        if (costs[0] === undefined) expect(wp.path).toBeNull();
        else expect(wp.path?.cost).toBeCloseTo(costs[0], 9);
        const found = allPaths(g, s, t, 20, { direction, limits });
        expect(found.paths.map((p) => p.cost)).toEqual(hops);
        const k = kShortestPaths(g, s, t, 6, { direction, weighted: true, limits });
        expect(k.paths.map((p) => p.cost).length).toBe(Math.min(6, costs.length));
        for (const [i, p] of k.paths.entries()) expect(p.cost).toBeCloseTo(costs[i] as number, 9);
        expect(new Set(k.paths.map((p) => `${p.nodes[0]}:${p.edges.join(',')}`)).size).toBe(k.paths.length);
        const kh = kShortestPaths(g, s, t, 4, { direction, limits });
        expect(kh.paths.map((p) => p.cost)).toEqual(hops.slice(0, 4));
        const capped = allPaths(g, s, t, 3, { direction, limits });
        expect(capped.paths.length).toBe(hops.filter((h) => h <= 3).length);
        for (const maxDepth of [1, 2, 5, 13]) {
          const bounded = shortestPath(g, s, t, { direction, weighted: true, limits: { maxDepth } });
          const within = all.filter((p) => p.edges.length <= maxDepth).map((p) => cost(g, p.edges));
          if (within.length === 0) expect(bounded.path).toBeNull();
          else expect(bounded.path?.cost).toBeCloseTo(Math.min(...within), 9);
          for (const p of [
            bounded.path,
            ...kShortestPaths(g, s, t, 3, { direction, limits: { maxDepth } }).paths,
          ]) {
            if (!p) continue;
            expect(p.edges.length).toBeLessThanOrEqual(maxDepth);
            expect(p.nodes).toHaveLength(p.edges.length + 1);
            expect(new Set(p.nodes).size).toBe(p.nodes.length);
          }
          const kb = kShortestPaths(g, s, t, 3, { direction, weighted: true, limits: { maxDepth } });
          const sorted = within.sort((x, y) => x - y).slice(0, 3);
          expect(kb.paths).toHaveLength(sorted.length);
          for (const [i, p] of kb.paths.entries()) expect(p.cost).toBeCloseTo(sorted[i] as number, 9);
        }
      }
    }
  });

  it('agrees on time-ordered paths: earliest arrival per target and the full list', () => {
    const random = mulberry32(11);
    /** [arrival, hops] pairs in result order: arrival, then hops. */
    const order = (pairs: Array<[number, number]>) => pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let round = 0; round < 80; round++) {
      const g = randomGraph(random);
      const [s, t] = ends(g, round % 2 === 1);
      for (const direction of ['out', 'both'] as const) {
        for (const strict of [false, true]) {
          for (const maxHops of [2, 20]) {
            const all = brute(g, s, t, direction, { timed: true, strict }).filter(
              (p) => p.edges.length <= maxHops,
            );
            const pair = (p: { edges: number[] }): [number, number] => [
              g.a.time[p.edges[p.edges.length - 1] as number] as number,
              p.edges.length,
            ];
            const options = { direction, strict, maxHops, limits };
            const every = timeOrderedPaths(g, s, t, { ...options, all: true });
            expect(every.paths.map((p) => [p.arrival, p.cost])).toEqual(order(all.map(pair)));
            // Earliest arrival (then fewest hops) for each target that has any time-ordered path.
            const best = timeOrderedPaths(g, s, t, options);
            const expected = t.flatMap((target) => {
              const reaching = all.filter((p) => p.nodes[p.nodes.length - 1] === target);
              return reaching.length > 0 ? [order(reaching.map(pair))[0] as [number, number]] : [];
            });
            expect(order(best.paths.map((p) => [p.arrival, p.cost]))).toEqual(order(expected));
            for (const p of best.paths) {
              for (let i = 1; i < p.edges.length; i++) {
                const [before, now] = [g.a.time[p.edges[i - 1] as number], g.a.time[p.edges[i] as number]];
                expect(now).toBeGreaterThanOrEqual(before as number);
              }
              expect(new Set(p.nodes).size).toBe(p.nodes.length);
            }
          }
        }
      }
    }
  });
});
