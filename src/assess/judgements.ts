// Area scores (MoRiLE-style) and key judgements generated from the evidence: a claim, a probability worded on the
// yardstick, an analytical confidence, and the evidence items with their grading and marking. Ids are stable
// (`KJ-<area>-<n>`), so an analyst's edit and sign-off (signoff.ts) attach to the same judgement on every run.

import {
  type AreaEvidence,
  type Evidence,
  type EvidenceItem,
  highest,
  type SeriesData,
  seriesItem,
} from './evidence.js';
import { type AreaScore, harmScore, ruleScore, scoreArea } from './morile.js';
import { type Confidence, yardstick } from './yardstick.js';

export interface Judgement {
  id: string;
  area: string;
  text: string;
  /** The text as generated, kept beside an analyst's edit. */
  generated_text: string;
  probability: number;
  yardstick: string;
  in_gap: boolean;
  confidence: Confidence;
  evidence: EvidenceItem[];
  marking: string;
  status: 'generated' | 'edited' | 'signed';
  edited_by?: string;
  edited_at?: string;
  signed_by?: string;
  signed_at?: string;
}

export interface ScoredArea {
  id: string;
  label: string;
  score: AreaScore;
  evidence: AreaEvidence;
}

const num = (x: number, d = 1) => x.toLocaleString('en-GB', { maximumFractionDigits: d });

/** Probability that a series keeps its direction, from the trend test: the stronger the test, the surer. */
export function trendProbability(s: SeriesData): { p: number; confidence: Confidence } {
  const t = s.trend;
  const mk = t.mannKendall;
  if (!mk || t.direction === 'insufficient') return { p: 0.45, confidence: 'low' };
  if (t.direction === 'level') return { p: 0.45, confidence: t.n >= 8 ? 'moderate' : 'low' };
  if (mk.p < 0.01) return { p: 0.85, confidence: t.n >= 6 ? 'high' : 'moderate' };
  return { p: 0.65, confidence: 'moderate' };
}

function stateEvidenceItems(ev: Evidence, codes: readonly string[]): EvidenceItem[] {
  return ev.states
    .filter((s) => codes.includes(s.code) && s.seeds > 0)
    .map((s) => ({
      kind: 'analysis' as const,
      ref: `exposure:${s.code}`,
      text: `exposure to ${s.label}: ${s.seeds} seeds, ${s.listings} sanctions listings, ${s.proxies} proxy candidates, ${s.wallets} crypto seed addresses`,
      marking: s.marking,
      grading: [...new Set(s.path.flatMap((h) => h.evidence.entity?.grading ?? []))].sort(),
      datasets: [...new Set(s.path.flatMap((h) => h.evidence.entity?.datasets ?? []))].sort(),
    }));
}

function entitiesItem(a: AreaEvidence): EvidenceItem {
  return {
    kind: 'entities',
    ref: `search:topics=${a.area.topics.join(',')}`,
    text: `${a.total} entities with the area's topics (${a.byTopic.map((t) => `${t.value} ${t.count}`).join(', ')})`,
    marking: a.marking,
    grading: [...new Set(a.examples.flatMap((e) => e.grading))].sort(),
    datasets: a.byDataset.map((d) => d.value),
  };
}

/** Scores every area from its evidence: harm from the table's defaults, likelihood and capability by rules. */
export function scoreAreas(ev: Evidence): ScoredArea[] {
  return ev.areas.map((a) => {
    const kinds: string[] = [];
    let strong = false;
    const likely: { rule: string; why: string }[] = [];
    const capable: { rule: string; why: string }[] = [];
    for (const s of a.series) {
      kinds.push('series');
      if (s.trend.direction === 'rising') {
        likely.push({
          rule: 'rising_series',
          why: `${s.id} rising (p = ${s.trend.mannKendall?.p.toPrecision(2)})`,
        });
        strong = true;
      } else if (s.trend.direction === 'falling')
        likely.push({
          rule: 'falling_series',
          why: `${s.id} falling (p = ${s.trend.mannKendall?.p.toPrecision(2)})`,
        });
    }
    if (a.total > 0) {
      kinds.push('entities');
      likely.push({ rule: 'entities_present', why: `${a.total} entities with the area's topics` });
    }
    if (a.total === 0 && a.series.length === 0) likely.push({ rule: 'no_evidence', why: 'nothing loaded' });
    const states = ev.states.filter((s) => a.area.states.includes(s.code));
    const seeds = states.reduce((n, s) => n + s.seeds, 0);
    const proxies = states.reduce((n, s) => n + s.proxies, 0);
    const listings = states.reduce((n, s) => n + s.listings, 0);
    const wallets = states.reduce((n, s) => n + s.wallets, 0);
    if (seeds > 0) {
      kinds.push('graph');
      capable.push({
        rule: 'state_seeds',
        why: `${seeds} entities tied to ${states
          .filter((s) => s.seeds)
          .map((s) => s.label)
          .join(', ')}`,
      });
    }
    if (proxies > 0)
      capable.push({ rule: 'proxy_candidates', why: `${proxies} criminal proxy candidates reached` });
    if (listings > 0) {
      kinds.push('sanctions');
      capable.push({
        rule: 'sanctioned_listings',
        why: `${listings} sanctions listings under state programmes`,
      });
    }
    if (wallets > 0) {
      kinds.push('crypto');
      capable.push({ rule: 'crypto_wallets', why: `${wallets} crypto addresses held by state seeds` });
      if (states.some((s) => s.traced)) strong = true;
    }
    if (a.area.id === 'fraud' && ev.campaigns.count > 0) {
      kinds.push('campaigns');
      capable.push({ rule: 'networks', why: `${ev.campaigns.count} fraud campaigns sharing infrastructure` });
    }
    if (
      a.area.id !== 'fraud' &&
      a.byTopic.some((t) => t.value.startsWith('crime.') || t.value.startsWith('role.')) &&
      a.total >= 5
    )
      capable.push({ rule: 'networks', why: `${a.total} entities form networks in the case data` });
    const score = scoreArea(
      harmScore(a.area.harm),
      ruleScore('likelihood', likely),
      ruleScore('capability', capable),
      kinds,
      strong,
    );
    return { id: a.area.id, label: a.area.label, score, evidence: a };
  });
}

function judgement(
  id: string,
  area: string,
  text: string,
  probability: number,
  confidence: Confidence,
  evidence: EvidenceItem[],
): Judgement {
  const w = yardstick(probability);
  const worded = text.replace('{p}', /chance|possibility/.test(w.term) ? `a ${w.term}` : w.term);
  return {
    id,
    area,
    text: worded,
    generated_text: worded,
    probability,
    yardstick: w.term,
    in_gap: w.in_gap,
    confidence,
    evidence,
    marking: highest(evidence.map((e) => e.marking)),
    status: 'generated',
  };
}

/** Key judgements per area, where the evidence supports one. Text holds `{p}` for the yardstick word. */
export function generateJudgements(ev: Evidence, scored: readonly ScoredArea[]): Judgement[] {
  const out: Judgement[] = [];
  for (const sa of scored) {
    const a = sa.evidence;
    const n = { i: 0 };
    const id = () => `KJ-${a.area.id}-${++n.i}`;
    if (a.area.id === 'immigration') {
      const ppb = a.series.find((s) => s.id === 'small-boats/people-per-boat/year');
      if (ppb?.trend.theilSen) {
        const { p, confidence } = trendProbability(ppb);
        const pts = ppb.points.filter(([q]) => !ppb.partial.includes(q));
        const [f, fv] = pts[0] as [string, number];
        const [l, lv] = pts[pts.length - 1] as [string, number];
        out.push(
          judgement(
            id(),
            a.area.id,
            `It is {p} that smugglers will keep packing more people into each small boat: people per boat went from ${num(fv)} (${f.slice(0, 4)}) to ${num(lv)} (${l.slice(0, 4)}), a Theil-Sen rise of ${num(ppb.trend.theilSen.slope, 2)} a year.`,
            ppb.trend.direction === 'rising' ? p : ppb.trend.direction === 'falling' ? 0.15 : 0.45,
            confidence,
            [seriesItem(ppb), ...a.series.filter((s) => s !== ppb).map((s) => seriesItem(s))],
          ),
        );
      }
    }
    if (a.area.id === 'drugs') {
      const tested = a.series.filter((s) => s.trend.direction !== 'insufficient');
      if (tested.length) {
        const rising = tested.filter((s) => s.trend.direction === 'rising');
        const falling = tested.filter((s) => s.trend.direction === 'falling');
        const p =
          rising.length > 0 && falling.length === 0
            ? rising.length >= 3 && rising.length * 2 >= tested.length
              ? 0.8
              : 0.6
            : 0.45;
        out.push(
          judgement(
            id(),
            a.area.id,
            `It is {p} that cocaine use in UK cities is rising: of ${tested.length} UK cities with four or more years of wastewater loads, ${rising.length} rise (${rising.map((s) => s.area).join(', ') || 'none'}), ${falling.length} fall and ${tested.length - rising.length - falling.length} are level.`,
            p,
            tested.length >= 3 ? 'moderate' : 'low',
            tested.map((s) => seriesItem(s, `${s.area}: ${s.name}`)),
          ),
        );
      }
    }
    if (a.area.id === 'state-threats') {
      const states = ev.states.filter((s) => s.proxies > 0);
      if (states.length) {
        out.push(
          judgement(
            id(),
            a.area.id,
            `It is {p} that ${states.map((s) => s.label).join(' and ')} ${states.length > 1 ? 'use' : 'uses'} criminals as proxies: ${states.map((s) => `${s.proxies} criminal proxy candidates are reached from ${s.seeds} entities tied to ${s.label}`).join('; ')}, each through stated ties with their records.`,
            states.some((s) => s.path.length > 0 && s.path.length <= 2) ? 0.7 : 0.55,
            sa.score.confidence === 'high' ? 'moderate' : sa.score.confidence,
            [
              ...stateEvidenceItems(
                ev,
                states.map((s) => s.code),
              ),
              ...a.examples.slice(0, 3),
            ],
          ),
        );
      }
    }
    if (a.area.id === 'cyber') {
      const states = ev.states.filter(
        (s) => a.area.states.includes(s.code) && (s.wallets > 0 || s.listings > 0),
      );
      if (states.length || a.total > 0)
        out.push(
          judgement(
            id(),
            a.area.id,
            `It is {p} that state-linked actors use cryptoassets to move or hold value: ${states.map((s) => `${s.wallets} crypto addresses are held by entities tied to ${s.label}${s.traced ? `, which moved ${s.traced.total} ${s.traced.asset}` : ''}`).join('; ') || 'no state-held address is loaded'}; ${a.total} entities carry crime.cyber.`,
            states.some((s) => s.wallets > 0) ? 0.8 : 0.45,
            states.some((s) => s.traced) ? 'moderate' : 'low',
            [...stateEvidenceItems(ev, a.area.states), ...(a.total > 0 ? [entitiesItem(a)] : [])],
          ),
        );
    }
    if (a.area.id === 'fraud' && (a.total > 0 || ev.campaigns.count > 0)) {
      out.push(
        judgement(
          id(),
          a.area.id,
          `It is {p} that fraud against the public is run as campaigns that reuse phones, accounts and sites: ${ev.campaigns.count} campaigns group ${ev.campaigns.members} reports and entities by shared infrastructure; ${a.total} entities carry crime.fraud.`,
          ev.campaigns.count > 0 ? 0.8 : 0.45,
          ev.campaigns.count > 1 ? 'moderate' : 'low',
          [
            {
              kind: 'analysis',
              ref: 'campaigns',
              text: `${ev.campaigns.count} campaigns, ${ev.campaigns.members} members`,
              marking: ev.campaigns.marking,
              grading: [],
              datasets: [],
            },
            entitiesItem(a),
            ...a.examples.slice(0, 3),
          ],
        ),
      );
    }
    if (a.area.id === 'money-laundering' && a.total > 0) {
      const enablers = a.byTopic
        .filter((t) => /^role\.|fin\./.test(t.value))
        .reduce((s, t) => s + t.count, 0);
      out.push(
        judgement(
          id(),
          a.area.id,
          `It is {p} that organised crime relies on professional enablers and shell or offshore companies to launder its proceeds: ${a.total} entities carry the area's topics, ${enablers} of them professional enablers.`,
          enablers > 0 ? 0.7 : 0.45,
          a.examples.length >= 3 ? 'moderate' : 'low',
          [entitiesItem(a), ...a.examples.slice(0, 3)],
        ),
      );
    }
    if (a.area.id === 'terrorism' && a.total > 0)
      out.push(
        judgement(
          id(),
          a.area.id,
          `It is {p} that terrorist groups and criminal networks overlap in the loaded data: ${a.total} entities carry crime.terror.`,
          0.45,
          'low',
          [entitiesItem(a), ...a.examples.slice(0, 3)],
        ),
      );
  }
  return out;
}
