// Threat areas as data (data/threat-areas.json, from DOMAIN.md): their topics, the series read for them, the hostile
// states they report on and the default MoRiLE harm scores.
import table from './data/threat-areas.json' with { type: 'json' };

export interface SeriesLink {
  /** Series id prefix ('' for any). */
  prefix: string;
  /** Series subject, case-insensitive ('' for any). */
  subject: string;
}

export interface ThreatArea {
  id: string;
  label: string;
  topics: string[];
  series: SeriesLink[];
  states: string[];
  harm: Record<string, number>;
}

export const THREAT_AREAS: readonly ThreatArea[] = table.areas;

export const UK_FACTS = table.uk;

export function seriesMatches(link: SeriesLink, s: { id: string; subject: string }): boolean {
  return (
    s.id.startsWith(link.prefix) &&
    (link.subject === '' || s.subject.toLowerCase() === link.subject.toLowerCase())
  );
}
