// The fuzz targets: each parser with the hand-written fixtures its mutations start from.
import type { FuzzTarget } from './fuzz.js';

export const FUZZ_TARGETS: Record<string, FuzzTarget> = {
  ftm: { format: 'ftm', seeds: ['test/fixtures/ftm/case.ftm.jsonl'] },
  ofac: {
    format: 'ofac',
    seeds: [
      'test/fixtures/ofac/sdn/sdn.csv',
      'test/fixtures/ofac/sdn/alt.csv',
      'test/fixtures/ofac/sdn/add.csv',
    ],
    companions: [
      'test/fixtures/ofac/sdn/sdn.csv',
      'test/fixtures/ofac/sdn/alt.csv',
      'test/fixtures/ofac/sdn/add.csv',
      'test/fixtures/ofac/sdn/sdn_comments.csv',
    ],
  },
  adjacency: { format: 'adjacency', seeds: ['test/fixtures/networks/grove.csv'] },
  edgelist: { format: 'edgelist', seeds: ['test/fixtures/networks/grove-edges.csv'] },
  un: { format: 'un', seeds: ['test/fixtures/un/consolidated-small.xml'] },
  stix: {
    format: 'stix',
    seeds: ['test/fixtures/stix/groups.stix21.json', 'test/fixtures/stix/groups.stix20.json'],
  },
  mapping: {
    format: 'mapping',
    seeds: ['test/fixtures/mapping/nightjar.csv'],
    companions: ['test/fixtures/mapping/nightjar.yml'],
    options: { mapping: '$DIR/nightjar.yml' },
  },
};
