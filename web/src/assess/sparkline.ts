// A small inline SVG line for one series of the Report view: the points joined in time order, each with its value as
// a tooltip. Text goes in only as text nodes; sizes are attributes and the colours come from classes (style.css).

const SVG_NS = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  ...children: (Node | string)[]
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return node;
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/** "2026-11" for the decimal year of 1 November 2026 (the API gives monthly points as decimal years). */
export function monthLabel(t: number): string {
  const year = Math.floor(t);
  const month = Math.min(12, Math.round((t - year) * 12) + 1);
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** Where each point goes in a box of width x height with a margin: [x, y] per point, the lowest value at 0. */
export function sparkPoints(
  points: readonly [number, number][],
  width: number,
  height: number,
  margin = 4,
): [number, number][] {
  if (points.length === 0) return [];
  const t0 = Math.min(...points.map((p) => p[0]));
  const t1 = Math.max(...points.map((p) => p[0]));
  const vmax = Math.max(...points.map((p) => p[1]), 0);
  const x = (t: number) => (t1 === t0 ? width / 2 : margin + ((t - t0) / (t1 - t0)) * (width - 2 * margin));
  const y = (v: number) =>
    vmax <= 0 ? height - margin : height - margin - (Math.max(0, v) / vmax) * (height - 2 * margin);
  return points.map(([t, v]) => [r1(x(t)), r1(y(v))]);
}

export function sparkline(
  points: readonly [number, number][],
  label: string,
  unit: string,
  width = 220,
  height = 48,
): SVGSVGElement {
  const xy = sparkPoints(points, width, height);
  const svg = el(
    'svg',
    {
      class: 'sparkline',
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: 'img',
      'aria-label': `${label}: ${points.length} point${points.length === 1 ? '' : 's'}`,
    },
    el('title', {}, label),
    el('line', { class: 'spark-axis', x1: 0, y1: height - 4, x2: width, y2: height - 4 }),
  );
  if (xy.length > 1)
    svg.appendChild(
      el('path', {
        class: 'spark-line',
        d: xy.map(([x, y], i) => `${i ? 'L' : 'M'}${x} ${y}`).join(' '),
      }),
    );
  xy.forEach(([x, y], i) => {
    const p = points[i] as [number, number];
    svg.appendChild(
      el(
        'circle',
        { class: 'spark-dot', cx: x, cy: y, r: 2.5 },
        el('title', {}, `${monthLabel(p[0])}: ${p[1]} ${unit}`),
      ),
    );
  });
  return svg;
}
