// The source assessment's claims (DOMAIN.md), each tested against the loaded data where data exists: agrees,
// disagrees, or lacks data, with the evidence and the figures that decide it.
import { consumption, countDirections, nationalTonnes } from '../indicators/index.js';
import { UK_FACTS } from './areas.js';
import { caseload, INVESTIGATIONS, monthsBefore, QUADRUPLED } from './derived.js';
import {
  type Evidence,
  type EvidenceItem,
  highest,
  type SeriesData,
  type StateEvidence,
  seriesItem,
} from './evidence.js';

export type Verdict = 'agrees' | 'disagrees' | 'lacks data';

export interface CityChange {
  id: string;
  area: string;
  country: string;
  first: string;
  last: string;
  first_value: number;
  last_value: number;
  change_percent: number;
  direction: string;
}

export interface Claim {
  id: string;
  claim: string;
  verdict: Verdict;
  /** What the data shows, in a sentence or two, with the figures. */
  finding: string;
  evidence: EvidenceItem[];
  marking: string;
  /** Rows for the report's tables (cities that rose, listings per state...). */
  table?: { columns: string[]; rows: (string | number)[][] };
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
const num = (x: number, d = 1) =>
  x.toLocaleString('en-GB', { maximumFractionDigits: d, minimumFractionDigits: 0 });

function complete(s: SeriesData): [string, number][] {
  return s.points.filter(([p]) => !s.partial.includes(p));
}

/** Change of each city's cocaine load between its first and last years with data (two years or more). */
export function cityChanges(series: readonly SeriesData[]): CityChange[] {
  const out: CityChange[] = [];
  for (const s of series) {
    if (!s.id.startsWith('wastewater/') || s.subject.toLowerCase() !== 'cocaine') continue;
    const pts = complete(s);
    if (pts.length < 2) continue;
    const [first, fv] = pts[0] as [string, number];
    const [last, lv] = pts[pts.length - 1] as [string, number];
    if (!(fv > 0)) continue;
    out.push({
      id: s.id,
      area: s.area,
      country: s.country,
      first: first.slice(0, 4),
      last: last.slice(0, 4),
      first_value: fv,
      last_value: lv,
      change_percent: ((lv - fv) / fv) * 100,
      direction: s.trend.direction,
    });
  }
  return out.sort((a, b) => b.change_percent - a.change_percent || (a.id < b.id ? -1 : 1));
}

function stateItem(s: StateEvidence, what: string): EvidenceItem {
  return {
    kind: 'analysis',
    ref: `exposure:${s.code}`,
    text: `${s.label}: ${what}`,
    marking: s.marking,
    grading: [...new Set(s.path.flatMap((h) => h.evidence.entity?.grading ?? []))].sort(),
    datasets: [...new Set(s.path.flatMap((h) => h.evidence.entity?.datasets ?? []))].sort(),
  };
}

/** A claim of two halves: agrees only if neither half disagrees; a half that lacks data leaves it to the other. */
function bothHalves(a: Verdict, b: Verdict): Verdict {
  if (a === 'disagrees' || b === 'disagrees') return 'disagrees';
  if (a === 'agrees' || b === 'agrees') return 'agrees';
  return 'lacks data';
}

/**
 * "Investigations of state threats quadrupled in two years", on the open caseload of the area's investigations
 * (derived.ts) at the last month of data against the same month two years before (data/derived.json).
 */
export function quadrupled(ev: Evidence): { verdict: Verdict; finding: string; evidence: EvidenceItem[] } {
  const { area, months, ratio } = QUADRUPLED;
  const list = ev.investigations.filter((i) => i.areas.includes(area));
  const what = `an FtM ${INVESTIGATIONS.schemata.join(' or ')} entity`;
  if (ev.investigations.length === 0 || ev.lastMonth === null)
    return {
      verdict: 'lacks data',
      finding: `the store holds no investigation (${what}, dated by its start), so the "quadrupled" half lacks data.`,
      evidence: [],
    };
  const now = ev.lastMonth;
  const then = monthsBefore(now, months);
  const open = caseload(list, area, now);
  const before = caseload(list, area, then);
  const series = ev.derived.find((s) => s.id === `derived/investigations/${area}/month`);
  const evidence = series ? [seriesItem(series, `${series.name} (${list.length} in all)`)] : [];
  const counts = `${open} ${area} investigations open in ${now} against ${before} in ${then} (${list.length} of the ${ev.investigations.length} investigations in the store belong to the area)`;
  if (before === 0)
    return {
      verdict: 'lacks data',
      finding: `${counts}; with none open two years before there is no baseline to quadruple.`,
      evidence,
    };
  const r = open / before;
  return {
    verdict: r >= ratio ? 'agrees' : 'disagrees',
    finding: `${counts}: ${num(r, 2)} times as many, ${r >= ratio ? 'at least' : 'short of'} the ${ratio} that counts as quadrupling.`,
    evidence,
  };
}

function claimOf(c: Omit<Claim, 'marking'>): Claim {
  return { ...c, marking: highest(c.evidence.map((e) => e.marking)) };
}

export function testClaims(ev: Evidence): Claim[] {
  const claims: Claim[] = [];
  const byId = (id: string) => ev.series.find((s) => s.id === id);

  // Smugglers pack more people into each boat.
  const ppb = byId('small-boats/people-per-boat/year');
  if (ppb && ppb.trend.n >= 2) {
    const pts = complete(ppb);
    const [f, fv] = pts[0] as [string, number];
    const [l, lv] = pts[pts.length - 1] as [string, number];
    const t = ppb.trend;
    const rising = t.direction === 'rising';
    claims.push(
      claimOf({
        id: 'people-per-boat',
        claim: 'Smugglers pack more people into each small boat.',
        verdict: rising ? 'agrees' : t.direction === 'falling' ? 'disagrees' : 'lacks data',
        finding:
          `People per boat went from ${num(fv)} in ${f.slice(0, 4)} to ${num(lv)} in ${l.slice(0, 4)}` +
          (t.mannKendall && t.theilSen
            ? `; Mann-Kendall ${t.direction} (p = ${t.mannKendall.p.toPrecision(2)}), Theil-Sen slope ${num(t.theilSen.slope, 2)} people per boat a year.`
            : `; too few complete years (${t.n}) for a trend test.`) +
          (ppb.partial.length
            ? ` Partial periods left out: ${ppb.partial.map((p) => p.slice(0, 4)).join(', ')}.`
            : ''),
        evidence: [seriesItem(ppb)],
      }),
    );
  } else
    claims.push(
      claimOf({
        id: 'people-per-boat',
        claim: 'Smugglers pack more people into each small boat.',
        verdict: 'lacks data',
        finding: 'No small-boat series is loaded (nexus ingest --format small-boats).',
        evidence: [],
      }),
    );

  // Wastewater: cocaine use rising by 25% in some areas.
  const changes = cityChanges(ev.series);
  const uk = changes.filter((c) => c.country === 'gb');
  const ukRose = uk.filter((c) => c.change_percent >= 25);
  const allRose = changes.filter((c) => c.change_percent >= 25);
  const cocaine = ev.series.filter(
    (s) => s.id.startsWith('wastewater/') && s.subject.toLowerCase() === 'cocaine',
  );
  const ukSeries = cocaine.filter((s) => s.country === 'gb');
  const dirs = countDirections(cocaine.map((s) => s.trend));
  const ukDirs = countDirections(ukSeries.map((s) => s.trend));
  claims.push(
    claimOf({
      id: 'cocaine-25',
      claim: 'Wastewater suggests cocaine use rising by 25% in some areas.',
      verdict: uk.length === 0 ? 'lacks data' : ukRose.length > 0 ? 'agrees' : 'disagrees',
      finding:
        uk.length === 0
          ? 'No UK city has cocaine loads in two years or more (nexus ingest --format wastewater).'
          : `${ukRose.length} of ${uk.length} UK cities with two years or more of cocaine loads rose by 25% or more between their first and last years (${ukRose.map((c) => `${c.area} ${c.first}-${c.last} ${pct(c.change_percent)}`).join('; ') || 'none'}); ` +
            `across all ${changes.length} cities with two years, ${allRose.length} did. Mann-Kendall over cities with 4 years or more: UK ${ukDirs.rising} rising, ${ukDirs.falling} falling, ${ukDirs.level} level (${ukDirs.insufficient} too short); all cities ${dirs.rising} rising, ${dirs.falling} falling, ${dirs.level} level (${dirs.insufficient} too short). A rise between two sampling weeks is not a trend: the test counts only the Mann-Kendall result.`,
      evidence: ukSeries.map((s) => seriesItem(s, `${s.area}: ${s.name}`)),
      table: {
        columns: ['city', 'country', 'first year', 'last year', 'first load', 'last load', 'change', 'trend'],
        rows: allRose.map((c) => [
          c.area,
          c.country.toUpperCase(),
          c.first,
          c.last,
          Number(c.first_value.toFixed(1)),
          Number(c.last_value.toFixed(1)),
          pct(c.change_percent),
          c.direction,
        ]),
      },
    }),
  );

  // About 120 tonnes of cocaine and 40 tonnes of heroin a year.
  const latest = ukSeries
    .map((s) => complete(s))
    .filter((p) => p.length > 0)
    .map((p) => (p[p.length - 1] as [string, number])[1]);
  if (latest.length > 0) {
    const mean = latest.reduce((a, b) => a + b, 0) / latest.length;
    const c = consumption(mean, 'cocaine');
    const pure = nationalTonnes(c, UK_FACTS.population);
    const purity = UK_FACTS.cocaine_street_purity;
    const street = nationalTonnes(c, UK_FACTS.population, {
      purity: { value: (purity.low + purity.high) / 2, low: purity.low, high: purity.high },
    });
    const inside = street.low <= 120 && 120 <= street.high;
    claims.push(
      claimOf({
        id: 'cocaine-tonnes',
        claim: 'About 120 tonnes of cocaine and 40 tonnes of heroin are consumed in the UK each year.',
        verdict: inside ? 'agrees' : 'disagrees',
        finding: `From the mean of the UK cities' latest cocaine loads (${num(mean)} mg benzoylecgonine per 1000 people a day over ${latest.length} cities), back-calculated with the cited correction factors and a UK population of ${num(UK_FACTS.population, 0)}: ${num(pure.value)} tonnes of pure cocaine a year (${num(pure.low)} to ${num(pure.high)}), ${num(street.value)} tonnes at street purity ${purity.low * 100}-${purity.high * 100}% (${num(street.low)} to ${num(street.high)}). 120 tonnes is ${inside ? 'inside' : 'outside'} that range. The purity range is an assumption to check (data/threat-areas.json), and city loads stand for their catchments, not the nation. Heroin: no wastewater series (the EMCDDA extract has no opioid), so that half lacks data.`,
        evidence: ukSeries.map((s) => seriesItem(s, `${s.area}: ${s.name}`)),
      }),
    );
  } else
    claims.push(
      claimOf({
        id: 'cocaine-tonnes',
        claim: 'About 120 tonnes of cocaine and 40 tonnes of heroin are consumed in the UK each year.',
        verdict: 'lacks data',
        finding: 'No UK wastewater cocaine loads are loaded.',
        evidence: [],
      }),
    );

  // Hostile states use criminal groups as proxies, and investigations of state threats quadrupled in two years.
  const withProxies = ev.states.filter((s) => s.proxies > 0);
  const anySeeds = ev.states.some((s) => s.seeds > 0);
  const proxyVerdict: Verdict = withProxies.length > 0 ? 'agrees' : anySeeds ? 'disagrees' : 'lacks data';
  const inv = quadrupled(ev);
  claims.push(
    claimOf({
      id: 'state-proxies',
      claim:
        'Hostile states use criminal groups as proxies (and investigations of state threats quadrupled in two years).',
      verdict: bothHalves(proxyVerdict, inv.verdict),
      finding:
        `Proxies (${proxyVerdict}): ` +
        (anySeeds
          ? `${ev.states.map((s) => `${s.label}: ${s.seeds} seeds, ${s.listings} sanctions listings, ${s.proxies} proxy candidates`).join('; ')}. ` +
            (withProxies.length
              ? `A proxy candidate is an entity with crime topics that a state's seeds reach through stated ties; the best path for ${withProxies[0]?.label} runs ${withProxies[0]?.path.length} hop(s) to "${withProxies[0]?.proxy?.caption}". `
              : 'No entity with crime topics is reached from any state seed. ')
          : 'No entity is tied to a hostile state in the loaded data. ') +
        `Investigations (${inv.verdict}): ${inv.finding}`,
      evidence: [
        ...ev.states
          .filter((s) => s.seeds > 0)
          .map((s) => stateItem(s, `${s.seeds} seeds, ${s.proxies} proxy candidates`)),
        ...inv.evidence,
      ],
      table: {
        columns: ['state', 'seeds', 'sanctions listings', 'proxy candidates', 'crypto seed addresses'],
        rows: ev.states.map((s) => [s.label, s.seeds, s.listings, s.proxies, s.wallets]),
      },
    }),
  );

  // North Korea steals cryptocurrency through cybercrime.
  const kp = ev.states.find((s) => s.code === 'kp');
  const cyber = ev.areas.find((a) => a.area.id === 'cyber');
  const kpEvidence = kp && (kp.wallets > 0 || kp.listings > 0);
  claims.push(
    claimOf({
      id: 'dprk-crypto',
      claim: 'North Korea steals cryptocurrency through cybercrime.',
      verdict: kp && kp.wallets > 0 ? 'agrees' : 'lacks data',
      finding: kp
        ? `${kp.seeds} entities tied to North Korea (${kp.listings} sanctions listings), ${kp.wallets} crypto addresses held by them${kp.traced ? `; traced forward (haircut) they moved ${kp.traced.total} ${kp.traced.asset} to ${kp.traced.reached} addresses` : '; no transfers loaded to trace'}; ${cyber?.total ?? 0} entities carry crime.cyber. Sanctioned addresses held by DPRK-tied entities are consistent with the claim; the volume stolen (industry figures: about $1.34bn in 2024) is not in the data.${kpEvidence ? '' : ' Nothing here ties North Korea to crypto.'}`
        : 'No state rules loaded.',
      evidence: kp && kp.seeds > 0 ? [stateItem(kp, `${kp.wallets} crypto seed addresses`)] : [],
    }),
  );

  // Russian state tolerates cybercrime groups; links to oligarchs and enablers.
  const ru = ev.states.find((s) => s.code === 'ru');
  claims.push(
    claimOf({
      id: 'russia-cyber',
      claim: 'The Russian state tolerates cybercrime groups and is linked to oligarchs and enablers.',
      verdict: ru && ru.proxies > 0 ? 'agrees' : 'lacks data',
      finding: ru
        ? `Partly testable: ${ru.seeds} entities tied to Russia (${ru.listings} sanctions listings), ${ru.proxies} criminal proxy candidates reached from them${ru.proxy ? ` (best: "${ru.proxy.caption}", ${ru.path.length} hop(s))` : ''}, ${ru.wallets} crypto seed addresses. Tolerance is a state of mind the data cannot show; ties to criminals are what it can.`
        : 'No state rules loaded.',
      evidence: ru && ru.seeds > 0 ? [stateItem(ru, `${ru.proxies} proxy candidates`)] : [],
    }),
  );

  // Synthetic opioids.
  const opioid = ev.series.filter((s) => /fentanyl|nitazene|opioid|heroin/i.test(`${s.subject} ${s.name}`));
  claims.push(
    claimOf({
      id: 'synthetic-opioids',
      claim: 'Synthetic opioids (fentanyl, nitazenes) must not take hold as in the United States.',
      verdict: 'lacks data',
      finding: opioid.length
        ? `${opioid.length} opioid series loaded; the claim is a warning, not a measurable statement.`
        : 'No opioid series is loaded (the EMCDDA wastewater extract measures cocaine, amphetamines, MDMA and cannabis).',
      evidence: opioid.map((s) => seriesItem(s)),
    }),
  );

  // Online fraud over 40% of all crime.
  const fraud = ev.series.filter((s) => s.subject.toLowerCase() === 'fraud');
  const recorded = ev.series.filter((s) => /\/all-crime$/.test(s.id));
  claims.push(
    claimOf({
      id: 'fraud-share',
      claim: 'Online fraud is over 40% of all crime.',
      verdict: 'lacks data',
      finding:
        `${fraud.length} fraud series and ${recorded.length} police-recorded crime series loaded. ` +
        'Police street-level data leaves out Action Fraud reports and the claim rests on the Crime Survey, so the loaded data cannot give the share.',
      evidence: [...fraud, ...recorded].map((s) => seriesItem(s)),
    }),
  );

  claims.push(
    claimOf({
      id: 'ai-imagery',
      claim: 'AI-generated imagery is hard to tell from real.',
      verdict: 'lacks data',
      finding: 'No media with C2PA manifests or IPTC digitalSourceType is loaded.',
      evidence: [],
    }),
  );
  return claims;
}
