// Path queries on the CSR graph: "how are A and B connected". Every search takes node sets (a single node or a
// list), a direction (default 'both', ignoring edge direction) and limits, and returns what it found with
// `limit` set when a cap stopped it early. Implementations live in the paths-*.ts files:
//
// - shortestPath: fewest hops (bidirectional BFS) or least weighted cost (bidirectional Dijkstra).
// - kShortestPaths: Yen's k shortest loopless paths.
// - allPaths: every simple path within a hop budget (pruned depth-first search).
// - timeOrderedPaths: routes whose edge dates never go backwards (earliest arrival, or all of them).
// - egoNetwork: the neighbourhood of a node within a depth, with a node cap.
//
// Weighted cost model: an edge's weight is a tie strength (higher = stronger) and costs 1 / strength to cross;
// strengths <= 0 (or NaN) count as MIN_STRENGTH (1e-6), i.e. a cost of a million. Unweighted cost is hops.

export { type Direction, edgeCost, MIN_STRENGTH, type Path } from './paths-common.js';
export { type EgoNetwork, type EgoOptions, egoNetwork } from './paths-ego.js';
export { type AllPathsOptions, allPaths } from './paths-enum.js';
export { type PathOptions, shortestPath } from './paths-shortest.js';
export { type TimedPath, type TimeOptions, timeOrderedPaths } from './paths-time.js';
export { kShortestPaths } from './paths-yen.js';
