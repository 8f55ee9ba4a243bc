// The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched. The marking of the
// whole (the highest of anything included) is a banner at the top and the bottom. No clock is read: the date shown
// is the --as-of given, so the same inputs give the same bytes.

import type { Assessment } from './assessment.js';
import { INVESTIGATIONS, QUADRUPLED } from './derived.js';
import type { EvidenceItem, SeriesData } from './evidence.js';
import { MORILE } from './morile.js';
import { SIGNALS } from './signals.js';
import { cryptoChart, esc, pathChart, smallMultiples, trendChart } from './svg.js';
import { directionsSentence } from './wastewater-trends.js';
import { CONFIDENCE_MEANING, describeBand, YARDSTICK } from './yardstick.js';

const CSS = `
*{box-sizing:border-box}body{font:14px/1.5 Georgia,'Times New Roman',serif;color:#1a1a1a;margin:0;background:#fafafa}
main{max-width:1000px;margin:0 auto;padding:0 28px 24px;background:#fff}
.banner{font:bold 14px/1.2 Arial,sans-serif;text-align:center;padding:8px;letter-spacing:.08em;color:#fff;background:#1f4e79}
.banner.secret{background:#b22222}.banner.top-secret{background:#000}.banner.official-sensitive{background:#2e6b30}
.fict{background:#ffe14d;color:#000;text-align:center;font:bold 13px Arial,sans-serif;padding:6px}
h1{font-size:26px;margin:24px 0 4px}h2{font-size:20px;border-bottom:2px solid #1f4e79;padding-bottom:4px;margin-top:32px}
h3{font-size:16px;margin:20px 0 6px}.meta{color:#555;font-size:13px}
table{border-collapse:collapse;margin:8px 0;font:12.5px/1.35 Arial,sans-serif;width:100%}
th,td{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}th{background:#eef3f8}
.kj{border-left:4px solid #1f4e79;padding:6px 12px;margin:12px 0;background:#f7f9fb}
.kj .words{font:bold 12px Arial,sans-serif;color:#1f4e79;text-transform:uppercase;letter-spacing:.04em}
.status{font:11px Arial,sans-serif;color:#555}.ev{font-size:12px;margin:4px 0 0 18px}
.verdict{font:bold 12px Arial,sans-serif;padding:1px 6px;border-radius:3px}
.agrees{background:#d9f2d9}.disagrees{background:#f8d7d7}.lacks{background:#eee}
.multiples{display:flex;flex-wrap:wrap;gap:6px}.multiples figure{margin:0}
svg .ct{font:bold 12px Arial,sans-serif}svg .ax{font:10px Arial,sans-serif;fill:#444}svg .nd{font:11px Arial,sans-serif}
code{font-size:12px}.mark{font:11px Arial,sans-serif;color:#555}
@media print{body{background:#fff}main{padding:0}section{break-inside:auto}.kj{break-inside:avoid}}
`;

function bannerClass(marking: string): string {
  const m = marking.toUpperCase();
  if (m.startsWith('TOP SECRET')) return 'top-secret';
  if (m.startsWith('SECRET')) return 'secret';
  if (m.includes('SENSITIVE')) return 'official-sensitive';
  return 'official';
}

function evidenceList(items: readonly EvidenceItem[]): string {
  if (items.length === 0) return '<p class="ev">No evidence item.</p>';
  return `<ul class="ev">${items
    .map((e) => {
      const t = e.trend
        ? ` — ${esc(e.trend.direction)}, n = ${e.trend.n}${e.trend.mann_kendall_p === null ? '' : `, Mann-Kendall p = ${e.trend.mann_kendall_p.toPrecision(2)}`}${e.trend.theil_sen_slope === null ? '' : `, Theil-Sen ${e.trend.theil_sen_slope.toPrecision(3)}/yr`}`
        : '';
      return `<li><code>${esc(e.ref)}</code> ${esc(e.text)}${t}${e.statements === undefined ? '' : ` (${e.statements} statements)`} <span class="mark">[${esc(e.marking)}; grading ${esc(e.grading.join(', ') || 'n/a')}; ${esc(e.datasets.join(', ') || '-')}]</span></li>`;
    })
    .join('')}</ul>`;
}

/** A store count's total, span and trend in a sentence. */
function derivedSentence(s: SeriesData): string {
  const total = s.points.reduce((n, [, v]) => n + v, 0);
  const first = s.points[0]?.[0].slice(0, 7) ?? '';
  const last = s.points[s.points.length - 1]?.[0].slice(0, 7) ?? '';
  const t = s.trend;
  const test =
    t.mannKendall && t.theilSen
      ? `Mann-Kendall ${t.direction} (p = ${t.mannKendall.p.toPrecision(2)}), Theil-Sen slope ${t.theilSen.slope.toPrecision(3)} ${s.unit} a year`
      : `too few months (${t.n}) for a trend test`;
  return `${s.name}: ${total} ${s.unit} over ${s.points.length} month${s.points.length === 1 ? '' : 's'} (${first}${first === last ? '' : ` to ${last}`}); ${test}.`;
}

function table(columns: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return `<table><thead><tr>${columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function renderHtml(a: Assessment, disclosure?: string): string {
  const ev = a.evidence;
  const banner = `<div class="banner ${bannerClass(a.marking)}">${esc(a.marking)}</div>`;
  const fict = a.fictional
    ? '<div class="fict">FICTIONAL DATA: parts of this report rest on the generated demo scenario</div>'
    : '';
  const title = `Strategic assessment of serious and organised crime${a.year === null ? '' : ` ${a.year}`}`;
  const out: string[] = [
    '<!DOCTYPE html>',
    `<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)} — ${esc(a.marking)}</title><style>${CSS}</style></head><body>`,
    banner,
    fict,
    '<main>',
    disclosure ? `<p class="fict">${esc(disclosure)}</p>` : '',
    `<h1>${esc(title)}</h1>`,
    `<p class="meta">Generated by Nexus from the store as the reader may see it${a.as_of ? `, as of ${esc(a.as_of)}` : ''}${a.year === null ? '' : `; data up to ${a.year}`}${a.ceiling ? `; capped at ${esc(a.ceiling)}` : ''}. Marking: ${esc(a.marking)}.</p>`,
  ];

  // Summary.
  const ranked = [...a.areas].sort((x, y) => y.score.total - x.score.total || (x.id < y.id ? -1 : 1));
  out.push(
    '<section id="summary"><h2>Summary</h2>',
    `<p>This assessment covers ${a.areas.length} threat areas from ${ev.datasets.length} datasets, ${ev.series.length} indicator series and ${ev.derived.length} series counted from the store, with ${a.signals.length} emerging signals or anomalies. It makes ${a.judgements.length} key judgements and tests ${a.claims.length} claims of the source assessment: ${a.claims.filter((c) => c.verdict === 'agrees').length} agree with the data, ${a.claims.filter((c) => c.verdict === 'disagrees').length} disagree and ${a.claims.filter((c) => c.verdict === 'lacks data').length} lack data.</p>`,
    `<p>Priorities (MoRiLE-style harm x likelihood x capability): ${ranked.map((x) => `${esc(x.label)} ${x.score.total} (${esc(x.score.band)}, ${x.score.confidence} confidence)`).join('; ')}.</p>`,
    `<ul>${a.judgements.map((j) => `<li>${esc(j.text)} <span class="mark">(${esc(j.yardstick)}, ${j.confidence} confidence)</span></li>`).join('')}</ul>`,
    '</section>',
  );

  // Key judgements.
  out.push('<section id="judgements"><h2>Key judgements</h2>');
  if (a.judgements.length === 0) out.push('<p>The loaded data supports no key judgement.</p>');
  for (const j of a.judgements) {
    const status =
      j.status === 'signed'
        ? `signed off by ${esc(j.signed_by ?? '')}${j.signed_at ? ` at ${esc(j.signed_at)}` : ''}${j.edited_by ? `; text edited by ${esc(j.edited_by)}` : '; generated text'}`
        : j.status === 'edited'
          ? `text edited by ${esc(j.edited_by ?? '')}${j.edited_at ? ` at ${esc(j.edited_at)}` : ''}; not signed off`
          : 'generated text; not reviewed';
    out.push(
      `<div class="kj" id="${esc(j.id)}"><div class="words">${esc(j.id)} · ${esc(j.yardstick)} (${Math.round(j.probability * 100)}%${j.in_gap ? ', in a gap between bands' : ''}) · ${j.confidence} confidence · ${esc(j.marking)}</div>`,
      `<p>${esc(j.text)}</p>`,
      j.status === 'edited' || j.edited_by ? `<p class="status">Generated: ${esc(j.generated_text)}</p>` : '',
      `<p class="status">${status}</p>`,
      evidenceList(j.evidence),
      '</div>',
    );
  }
  out.push('</section>');

  // Priorities.
  out.push(
    '<section id="priorities"><h2>Priorities</h2>',
    '<p>Each score is harm x likelihood x capability on 1-5 scales (1-125). The scales, weights and rules are a documented default (src/assess/data/morile.json), not the restricted MoRiLE toolkit.</p>',
    table(
      ['threat area', 'harm', 'likelihood', 'capability', 'score', 'band', 'confidence'],
      ranked.map((x) => [
        x.label,
        x.score.harm.value,
        `${x.score.likelihood.value} (${x.score.likelihood.label})`,
        `${x.score.capability.value} (${x.score.capability.label})`,
        x.score.total,
        x.score.band,
        `${x.score.confidence}: ${x.score.confidence_reason}`,
      ]),
    ),
    '</section>',
  );

  // One section per area.
  for (const x of a.areas) {
    const e = x.evidence;
    out.push(
      `<section id="area-${esc(x.id)}"><h2>${esc(x.label)}</h2>`,
      `<p class="mark">Section marking: ${esc(e.marking)}</p>`,
      `<p>${e.total} entities carry the area's topics (${esc(x.evidence.area.topics.join(', '))}).</p>`,
    );
    if (e.byTopic.length)
      out.push(
        table(
          ['topic', 'entities'],
          e.byTopic.map((t) => [t.value, t.count]),
        ),
      );
    if (e.byDataset.length)
      out.push(
        table(
          ['dataset', 'entities'],
          e.byDataset.map((d) => [
            `${d.value}${ev.datasets.find((x2) => x2.name === d.value)?.fictional ? ' [FICTIONAL]' : ''}`,
            d.count,
          ]),
        ),
      );
    out.push(
      '<h3>Score</h3>',
      table(
        ['part', 'value', 'how it was reached'],
        [
          ['harm', x.score.harm.value, x.score.harm.how.join('; ')],
          ['likelihood', x.score.likelihood.value, x.score.likelihood.how.join('; ')],
          ['capability', x.score.capability.value, x.score.capability.how.join('; ')],
          [
            'total',
            x.score.total,
            `${x.score.band}; confidence ${x.score.confidence} (${x.score.confidence_reason})`,
          ],
        ],
      ),
    );
    if (e.series.length === 1)
      out.push(`<figure>${trendChart(e.series[0] as (typeof e.series)[number])}</figure>`);
    else if (e.series.length > 1) {
      const main = e.series.find((s) => s.id.includes('people-per-boat'));
      if (main) out.push(`<figure>${trendChart(main)}</figure>`);
      out.push(
        smallMultiples(
          e.series.filter((s) => s !== main),
          (s) => `${s.area}: ${s.subject || s.name}`,
        ),
      );
    }
    out.push('<h3>Counts from the store</h3>');
    if (e.derived.length === 0)
      out.push("<p>No record the reader may see carries the area's topics with a first-seen date.</p>");
    for (const s of e.derived)
      out.push(
        `<p>${esc(derivedSentence(s))} <span class="mark">[${esc(s.marking)}]</span></p>`,
        s.points.length > 1 ? `<figure>${trendChart(s)}</figure>` : '',
      );
    if (!e.derived.some((s) => s.subject === 'investigations'))
      out.push(
        `<p>Investigations: lacks data. The store holds no ${esc(INVESTIGATIONS.schemata.join(' or '))} entity tied to this area, the only record Nexus counts as an investigation.</p>`,
      );
    if (x.id === 'drugs' && a.wastewater.length)
      out.push(
        '<h3>Wastewater trends by substance</h3>',
        `<p>Cities whose loads rise, fall or stay level (Mann-Kendall, four complete years or more): ${esc(directionsSentence(a.wastewater))}.</p>`,
        table(
          ['substance', 'cities', 'count', 'rising', 'falling', 'level', 'too short'],
          a.wastewater.map((w) => [
            w.substance,
            w.scope === 'gb' ? 'UK' : 'all loaded',
            w.cities,
            w.rising,
            w.falling,
            w.level,
            w.insufficient,
          ]),
        ),
      );
    if (x.id === 'state-threats') {
      out.push(
        '<h3>Exposure to hostile states</h3>',
        table(
          ['state', 'seeds', 'sanctions listings', 'proxy candidates', 'best proxy candidate', 'marking'],
          ev.states.map((s) => [
            s.label,
            s.seeds,
            s.listings,
            s.proxies,
            s.proxy ? `${s.proxy.caption} (${s.proxy.id})` : '-',
            s.marking,
          ]),
        ),
      );
      for (const s of ev.states.filter((s2) => s2.path.length > 0))
        out.push(
          `<h3>State-proxy path excerpt: ${esc(s.label)}</h3><figure>${pathChart(s.path)}</figure>`,
          `<p class="mark">Evidence: ${s.path.map((h) => esc(h.evidence.entity ? `${h.kind} ${h.evidence.entity.id} [${h.evidence.entity.marking}; ${h.evidence.entity.grading.join(', ') || 'ungraded'}]` : `${h.kind} (shared value)`)).join(' → ')}</p>`,
        );
    }
    if (x.id === 'cyber') {
      out.push('<h3>Crypto flows</h3>', `<figure>${cryptoChart(ev.states)}</figure>`);
      for (const s of ev.states.filter((s2) => s2.traced))
        out.push(
          table(
            ['from', 'to', 'tainted (haircut)', 'labels / holders'],
            (s.traced?.flows ?? []).map((f) => [f.from, f.to, f.amount, f.label]),
          ),
        );
      if (ev.labels.length)
        out.push(
          table(
            ['address label category', 'addresses'],
            ev.labels.map((l) => [l.category, l.count]),
          ),
        );
    }
    if (e.examples.length) out.push('<h3>Examples</h3>', evidenceList(e.examples));
    out.push('</section>');
  }

  // Emerging signals.
  out.push(
    '<section id="signals"><h2>Emerging signals</h2>',
    "<p>A series appearing where it was absent (a substance first found in a city's wastewater, a threat area's records after months with none) in the recent periods of its data, and points far outside their own series' trend.</p>",
  );
  if (a.signals.length === 0) out.push('<p>No emerging signal or anomaly in the loaded series.</p>');
  const areaLabel = (id: string | null) => a.areas.find((x) => x.id === id)?.label ?? 'No threat area';
  for (const area of [...new Set(a.signals.map((x) => x.area))]) {
    const list = a.signals.filter((x) => x.area === area);
    out.push(
      `<h3>${esc(areaLabel(area))} (${list.length})</h3>`,
      `<ul>${list
        .map(
          (x) =>
            `<li>${esc(x.text)} <span class="mark">[${esc(x.kind)}; <code>${esc(x.series)}</code>; ${esc(x.marking)}]</span></li>`,
        )
        .join('')}</ul>`,
    );
  }
  out.push('</section>');

  // Claims.
  out.push('<section id="claims"><h2>The source assessment\'s claims, tested</h2>');
  for (const c of a.claims) {
    out.push(
      `<h3 id="claim-${esc(c.id)}">${esc(c.claim)} <span class="verdict ${c.verdict === 'lacks data' ? 'lacks' : c.verdict}">${esc(c.verdict)}</span></h3>`,
      `<p>${esc(c.finding)}</p>`,
    );
    if (c.id === 'people-per-boat') {
      const s = ev.series.find((x) => x.id === 'small-boats/people-per-boat/year');
      if (s) out.push(`<figure>${trendChart(s)}</figure>`);
    }
    if (c.id === 'cocaine-25') {
      const uk = ev.series.filter(
        (s) => s.id.startsWith('wastewater/gb/') && s.subject.toLowerCase() === 'cocaine',
      );
      if (uk.length) out.push(smallMultiples(uk, (s) => s.area));
    }
    if (c.table?.rows.length) out.push(table(c.table.columns, c.table.rows));
    if (c.evidence.length)
      out.push(
        `<details><summary>Evidence (${c.evidence.length})</summary>${evidenceList(c.evidence)}</details>`,
      );
  }
  out.push('</section>');

  // Sources.
  out.push(
    '<section id="sources"><h2>Sources</h2>',
    table(
      ['dataset', 'title', 'entities', 'statements'],
      ev.datasets.map((d) => [
        `${d.name}${d.fictional ? ' [FICTIONAL]' : ''}`,
        d.title,
        d.entities,
        d.statements,
      ]),
    ),
    table(
      ['series', 'source', 'points', 'marking'],
      ev.series
        .filter((s) => !s.id.startsWith('wastewater/') || s.country === 'gb')
        .map((s) => [s.id, s.source, s.points.length, s.marking]),
    ),
    `<p>${ev.series.filter((s) => s.id.startsWith('wastewater/') && s.country !== 'gb').length} wastewater series of other countries are read for the claims and the signal scan (EMCDDA/SCORE).</p>`,
    ev.derived.length
      ? table(
          ['series counted from the store', 'source', 'months', 'marking'],
          ev.derived.map((s) => [s.id, s.source, s.points.length, s.marking]),
        )
      : '',
    ev.sanctions.length
      ? `<h3>Sanctions listings by programme and year</h3>${table(
          ['programme', 'year', 'listings'],
          ev.sanctions.slice(0, 200).map((s) => [s.programme, s.year, s.count]),
        )}${ev.sanctions.length > 200 ? `<p>${ev.sanctions.length - 200} more rows in --json.</p>` : ''}`
      : '',
    '</section>',
  );

  // Method.
  out.push(
    '<section id="method"><h2>Method notes</h2>',
    `<p>Probabilities are worded on the UK PHIA yardstick: ${YARDSTICK.map((b) => esc(describeBand(b))).join('; ')}. A probability in a gap between bands takes the nearer band, and exactly midway the band nearer to 50%; such judgements say so.</p>`,
    `<p>Analytical confidence: ${Object.entries(CONFIDENCE_MEANING)
      .map(([k, v]) => `<b>${esc(k)}</b>: ${esc(v)}`)
      .join('; ')}.</p>`,
    `<p>Trends: Mann-Kendall test (exact p for n ≤ 10 without ties) and Theil-Sen slope with Sen's interval; a series rises or falls when p &lt; 0.05 and needs four complete periods; partial periods are left out (docs/indicators.md).</p>`,
    `<p>Priorities: harm is the weighted mean of ${Object.entries(MORILE.harm.dimensions)
      .map(([, d]) => `${esc(d.label)} (weight ${d.weight})`)
      .join(
        ', ',
      )}; likelihood and capability start at ${MORILE.likelihood.base} and ${MORILE.capability.base} and move by the rules that fire on the evidence; bands ${MORILE.bands.map((b) => `${esc(b.label)} ≥ ${b.min}`).join(', ')}.</p>`,
    "<p>Hostile-state exposure: seeds are entities tied to a state by a sanction under its programmes, its topics with its country, an attributed intrusion set or ownership by a seed; proxy candidates are entities with crime topics the seeds reach through stated ties. An attribution is a claim with a source, never a merge. Crypto seeds are the addresses of wallets held by a state's seeds; traced volume is a forward haircut trace that stops at services.</p>",
    `<p>Counts from the store: a record belongs to a threat area when a statement the reader may see gives it one of the area's topics, and is counted in the month of the earliest first_seen of those statements (the month the store first knew it in the area, which for most sources is the month it was loaded, not when the threat began). ${esc(INVESTIGATIONS._note)} Months with nothing are zero from the first month counted to the last month of the store's data. These counts measure collection as much as the threat, so they are shown with their trend but do not move the priority scores. ${esc(QUADRUPLED._note)}</p>`,
    `<p>Emerging signals: an appearance counts after at least ${SIGNALS.families.map((f) => `${f.min_absent} periods of absence for ${f.prefix ? `<code>${esc(f.prefix)}</code>` : 'other'} series, within their last ${f.recent} periods`).join('; ')}; a wastewater series is new when its city reported other substances in earlier years but not it. Anomalies, in the same recent periods: points whose residual from the Theil-Sen line has a modified z-score beyond ${SIGNALS.anomaly_threshold} (Iglewicz &amp; Hoaglin 1993), in series with ${SIGNALS.anomaly_min_points} complete points or more, except the counts from the store, which jump in the month a source is loaded (collection, not threat).</p>`,
    '<p>Every count is over what the reader may see; the marking above and below is the highest of anything included.</p>',
    '</section>',
    '</main>',
    fict,
    banner,
    '</body></html>',
  );
  return `${out.filter((s) => s !== '').join('\n')}\n`;
}
