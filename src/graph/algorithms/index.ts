// Graph algorithms over the CSR Graph: traversal, centrality, cores, components and communities.
export { type BetweennessOptions, type BetweennessResult, betweenness } from './betweenness.js';
export { type BfsOptions, bfsDistances } from './bfs.js';
export { type Components, components } from './components.js';
export { degree } from './degree.js';
export { coreness } from './kcore.js';
export { type LouvainOptions, type LouvainResult, louvain, modularity } from './louvain.js';
export { type PagerankOptions, pagerank } from './pagerank.js';
