// The real public datasets the demo loads when they are present, and how each is read.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface KnownSource {
  dataset: string;
  title: string;
  format: string;
  /** Paths relative to the data folder; all must exist. */
  paths: string[];
}

export const KNOWN_SOURCES: readonly KnownSource[] = [
  {
    dataset: 'os_zala',
    title: 'OpenSanctions: Zala Aero / LLC CST sanctions cluster (CC BY-NC 4.0)',
    format: 'ftm',
    paths: ['opensanctions-ftm-fixtures/zala_sanctions.ftm.jsonl'],
  },
  {
    dataset: 'os_eu_fsf',
    title: 'OpenSanctions: EU financial sanctions sample (CC BY-NC 4.0)',
    format: 'ftm',
    paths: ['opensanctions-ftm-fixtures/t1_eu_fsf.ftm.jsonl'],
  },
  {
    dataset: 'os_parteispenden',
    title: 'OpenSanctions: German party donations (CC BY-NC 4.0)',
    format: 'ftm',
    paths: ['opensanctions-ftm-fixtures/parteispenden_donations.ftm.jsonl'],
  },
  {
    dataset: 'ofac_sdn',
    title: 'US OFAC SDN list, July 2021 (legacy CSV)',
    format: 'ofac',
    paths: ['ofac-sdn'],
  },
  {
    dataset: 'ofac_nonsdn',
    title: 'US OFAC consolidated non-SDN list (legacy CSV)',
    format: 'ofac',
    paths: ['ofac-consolidated-nonsdn'],
  },
  {
    dataset: 'un_sc',
    title: 'UN Security Council consolidated list',
    format: 'un',
    paths: ['un-consolidated-list/UN_consolidated.xml'],
  },
  {
    dataset: 'mitre_attack',
    title: 'MITRE ATT&CK: state and criminal groups with relationships (STIX 2.1)',
    format: 'stix',
    paths: ['mitre-attack-stix/enterprise-attack-groups-subset.stix21.json'],
  },
  {
    dataset: 'mitre_groups',
    title: 'MITRE ATT&CK: all enterprise intrusion sets (STIX 2.0)',
    format: 'stix',
    paths: ['mitre-attack-stix/enterprise-attack-intrusion-sets-all.stix20.json'],
  },
  {
    dataset: 'net_caviar',
    title: 'CAVIAR drug-importing network, Montreal 1994-96, wiretap communications (Morselli 2009; UCINET)',
    format: 'adjacency',
    paths: ['criminal-networks/morselli_caviar.csv'],
  },
];

/**
 * The real indicator series the demo loads when present (src/ingest series formats): the assessment's trends,
 * signals and tested claims (people per boat, wastewater cocaine) read them. Each path is a folder.
 */
export const KNOWN_SERIES: readonly KnownSource[] = [
  {
    dataset: 'wastewater',
    title: 'Drug residues in municipal wastewater, European cities (EUDA / SCORE)',
    format: 'wastewater',
    paths: ['emcdda-wastewater'],
  },
  {
    dataset: 'small-boats',
    title: 'Small boat arrivals to the UK (Home Office)',
    format: 'small-boats',
    paths: ['uk-small-boats'],
  },
  {
    dataset: 'police-crime',
    title: 'Police-recorded street crime, City of London (police.uk)',
    format: 'police-crime',
    paths: ['uk-police-street-crime-city-of-london'],
  },
];

export function availableSources(
  dataDir: string,
  sources: readonly KnownSource[] = [...KNOWN_SOURCES, ...KNOWN_SERIES],
): { found: KnownSource[]; missing: KnownSource[] } {
  const found: KnownSource[] = [];
  const missing: KnownSource[] = [];
  for (const s of sources) (s.paths.every((p) => existsSync(join(dataDir, p))) ? found : missing).push(s);
  return { found, missing };
}
