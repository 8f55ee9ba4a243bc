// Public API of the graph stage: projection of the store into a CSR graph, paths, state exposure, centrality,
// communities, campaigns and export.
export * from './algorithms/index.js';
export { type Campaign, campaigns } from './campaigns.js';
export {
  describePath,
  type Evidence,
  type HopView,
  loadEvidence,
  type NodeView,
  nodeView,
} from './explain.js';
export { type ExportOptions, writeGEXF, writeGraphML } from './export.js';
export { type Exposure, exposure, exposurePath, isActor, rankExposure, strengthOf } from './exposure.js';
export { Graph, GraphBuilder, graphFromEdges } from './graph.js';
export { Budget, DEFAULT_LIMITS, type LimitReached, type Limits } from './limits.js';
export { NodeTable } from './nodes.js';
export * from './paths.js';
export { type Projection, project, statedWeight } from './project.js';
export { findSeeds, type SeedReason, STATES, stateRule } from './seeds.js';
export * from './service.js';
export { centrality, communities, METRICS, type Metric, ranking } from './structure.js';
