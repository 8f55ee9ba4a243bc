// Inline SVG charts for the report: a trend line with its Theil-Sen fit, small multiples, a state-proxy path and a
// crypto summary. Text is escaped; numbers are rounded so the same data draws the same bytes.
import type { HopView } from '../graph/index.js';
import { decimalYear } from '../indicators/index.js';
import type { SeriesData, StateEvidence } from './evidence.js';

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const r1 = (x: number) => (Math.round(x * 10) / 10).toString();

function niceNumber(x: number): string {
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-GB');
  if (Math.abs(x) >= 10) return String(Math.round(x));
  return String(Math.round(x * 10) / 10);
}

export interface ChartOptions {
  width?: number;
  height?: number;
  title?: string;
  compact?: boolean;
}

/** One series: points (partial periods hollow), the Theil-Sen line over the complete ones, axes with year ticks. */
export function trendChart(s: SeriesData, o: ChartOptions = {}): string {
  const W = o.width ?? 560;
  const H = o.height ?? 240;
  const m = o.compact ? { l: 34, r: 8, t: 20, b: 18 } : { l: 56, r: 16, t: 28, b: 30 };
  const pts = s.points.map(([p, v]) => ({ t: decimalYear(p), v, partial: s.partial.includes(p), p }));
  if (pts.length === 0) return '';
  const t0 = Math.min(...pts.map((p) => p.t));
  const t1 = Math.max(...pts.map((p) => p.t), t0 + 1);
  const vmax = Math.max(...pts.map((p) => p.v), 1e-9) * 1.1;
  const x = (t: number) => m.l + ((t - t0) / (t1 - t0)) * (W - m.l - m.r);
  const y = (v: number) => H - m.b - (Math.max(0, v) / vmax) * (H - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(o.title ?? s.name)}">`,
    `<title>${esc(o.title ?? s.name)}</title>`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${m.l}" y="${o.compact ? 13 : 17}" class="ct">${esc(o.title ?? s.name)}</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#888"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#888"/>`,
  ];
  for (const f of [0, 0.5, 1]) {
    const v = (vmax / 1.1) * f;
    parts.push(
      `<text x="${m.l - 4}" y="${r1(y(v) + 3)}" text-anchor="end" class="ax">${esc(niceNumber(v))}</text>`,
      `<line x1="${m.l}" y1="${r1(y(v))}" x2="${W - m.r}" y2="${r1(y(v))}" stroke="#eee"/>`,
    );
  }
  const y0 = Math.ceil(t0);
  const y1 = Math.floor(t1);
  const step = Math.max(1, Math.ceil((y1 - y0 + 1) / (o.compact ? 3 : 8)));
  for (let yr = y0; yr <= y1; yr += step)
    parts.push(`<text x="${r1(x(yr))}" y="${H - m.b + 12}" text-anchor="middle" class="ax">${yr}</text>`);
  const line = pts.map((p, i) => `${i ? 'L' : 'M'}${r1(x(p.t))} ${r1(y(p.v))}`).join(' ');
  parts.push(`<path d="${line}" fill="none" stroke="#1f4e79" stroke-width="1.5"/>`);
  for (const p of pts)
    parts.push(
      `<circle cx="${r1(x(p.t))}" cy="${r1(y(p.v))}" r="${o.compact ? 2 : 3}" fill="${p.partial ? '#fff' : '#1f4e79'}" stroke="#1f4e79"><title>${esc(`${p.p.slice(0, 10)}: ${niceNumber(p.v)} ${s.unit}${p.partial ? ' (partial period)' : ''}`)}</title></circle>`,
    );
  const ts = s.trend.theilSen;
  if (ts) {
    const a = s.trend.first ? decimalYear(s.trend.first) : t0;
    const b = s.trend.last ? decimalYear(s.trend.last) : t1;
    const fitted = (t: number) => ts.intercept + ts.slope * t;
    parts.push(
      `<line x1="${r1(x(a))}" y1="${r1(y(fitted(a)))}" x2="${r1(x(b))}" y2="${r1(y(fitted(b)))}" stroke="#c0392b" stroke-dasharray="5 3" stroke-width="1.5"><title>Theil-Sen slope ${esc(niceNumber(ts.slope))} ${esc(s.unit)} a year</title></line>`,
    );
    if (!o.compact)
      parts.push(
        `<text x="${W - m.r}" y="${m.t + 2}" text-anchor="end" class="ax">Theil-Sen ${esc(niceNumber(ts.slope))}/yr; Mann-Kendall ${esc(s.trend.direction)}${s.trend.mannKendall ? ` (p = ${s.trend.mannKendall.p.toPrecision(2)})` : ''}</text>`,
      );
    else
      parts.push(
        `<text x="${W - m.r}" y="${m.t + 2}" text-anchor="end" class="ax">${esc(s.trend.direction)}</text>`,
      );
  }
  parts.push('</svg>');
  return parts.join('');
}

/** A grid of compact charts, one per series (cities). */
export function smallMultiples(list: readonly SeriesData[], title: (s: SeriesData) => string): string {
  return `<div class="multiples">${list.map((s) => `<figure>${trendChart(s, { width: 220, height: 130, compact: true, title: title(s) })}</figure>`).join('')}</div>`;
}

/** The hops from a state seed to a proxy candidate as boxes and labelled arrows. */
export function pathChart(hops: readonly HopView[]): string {
  if (hops.length === 0) return '';
  const nodes = [hops[0]?.from, ...hops.map((h) => h.to)].filter((n) => n !== undefined);
  const bw = 150;
  const gap = 70;
  const W = nodes.length * bw + (nodes.length - 1) * gap + 20;
  const H = 110;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="state-proxy path">`,
    '<defs><marker id="arr" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0 0L10 5L0 10z" fill="#555"/></marker></defs>',
  ];
  nodes.forEach((n, i) => {
    const x = 10 + i * (bw + gap);
    const cap = n.caption.length > 22 ? `${n.caption.slice(0, 21)}…` : n.caption;
    parts.push(
      `<rect x="${x}" y="30" width="${bw}" height="44" rx="6" fill="${i === 0 ? '#fdecea' : i === nodes.length - 1 ? '#fff4e0' : '#eef3f8'}" stroke="#555"/>`,
      `<text x="${x + bw / 2}" y="50" text-anchor="middle" class="nd">${esc(cap)}</text>`,
      `<text x="${x + bw / 2}" y="66" text-anchor="middle" class="ax">${esc(n.schema)} · ${esc(n.marking)}</text>`,
    );
    const h = hops[i];
    if (h && i < nodes.length - 1) {
      const x1 = x + bw;
      const x2 = x + bw + gap;
      const back = h.direction === 'backward';
      parts.push(
        `<line x1="${back ? x2 : x1}" y1="52" x2="${back ? x1 : x2}" y2="52" stroke="#555" ${h.direction === 'undirected' ? '' : 'marker-end="url(#arr)"'}/>`,
        `<text x="${x1 + gap / 2}" y="44" text-anchor="middle" class="ax">${esc(h.kind)}</text>`,
      );
    }
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Crypto addresses held by each state's seeds, as bars, with the traced volume where transfers exist. */
export function cryptoChart(states: readonly StateEvidence[]): string {
  const W = 560;
  const row = 26;
  const H = 30 + states.length * row;
  const max = Math.max(1, ...states.map((s) => s.wallets));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="crypto seeds per state">`,
    '<text x="10" y="16" class="ct">Crypto addresses held by state-tied entities</text>',
  ];
  states.forEach((s, i) => {
    const y = 26 + i * row;
    const w = (s.wallets / max) * 300;
    parts.push(
      `<text x="10" y="${y + 14}" class="nd">${esc(s.label)}</text>`,
      `<rect x="120" y="${y + 3}" width="${r1(w)}" height="16" fill="#1f4e79"/>`,
      `<text x="${r1(126 + w)}" y="${y + 15}" class="ax">${s.wallets}${s.traced ? ` · traced ${esc(s.traced.total)} ${esc(s.traced.asset)} to ${s.traced.reached} addresses` : ''}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
