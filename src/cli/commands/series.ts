// `nexus series`: list the indicator series the reader may see, and show one with its points and trend statistics.
import { parseArgs } from 'node:util';
import { anomalies, type Trend, trend } from '../../indicators/index.js';
import { formatMarking, highestMarking, NexusError, parseMarking } from '../../model/index.js';
import type { StoredSeries, StoredSeriesPoint } from '../../store/index.js';
import { type CommandEnv, json, withStore } from '../io.js';

export const seriesHelp = `nexus series list [--area A] [--subject S] [--dataset D] [--json]
nexus series show ID [--dataset D] [--alpha A] [--all] [--json]

Indicator time series loaded with \`nexus ingest --format series|wastewater|small-boats|police-crime\`.
  list            every series you may see: id, points, first and last period, unit, area
    --area A      a place or an ISO country code (London, gb), any case
    --subject S   what is measured (cocaine, people per boat, Drugs)
  show ID         the points (with their bounds and origin) and the trend: Mann-Kendall S, tau, z and two-sided p,
                  the Theil-Sen slope per year with Sen's confidence interval, the percentage change of the fitted
                  line from the first to the last period with its interval, the direction (rising, falling or level
                  at alpha, insufficient below 4 points) and anomalies (modified z-score of the residuals above 3.5)
    --dataset D   only the series of this dataset (one id can exist in several)
    --alpha A     significance level and 1 - confidence (default 0.05)
    --all         use periods the source covers only in part (a year to date) in the trend; left out by default
  --json          machine-readable output with the marking of what is shown
See docs/indicators.md.`;

function round(x: number | null, digits = 6): number | null {
  return x === null ? null : Number(x.toPrecision(digits));
}

function trendJson(t: Trend) {
  return {
    // The short form the assessment report reads.
    mann_kendall_p: t.mannKendall?.p ?? null,
    theil_sen_slope: t.theilSen?.slope ?? null,
    direction: t.direction,
    n: t.n,
    first: t.first,
    last: t.last,
    alpha: t.alpha,
    excluded: t.excluded,
    mann_kendall: t.mannKendall && {
      s: t.mannKendall.s,
      variance: t.mannKendall.variance,
      tau: t.mannKendall.tau,
      z: t.mannKendall.z,
      p: t.mannKendall.p,
      method: t.mannKendall.method,
    },
    theil_sen: t.theilSen && {
      slope_per_year: t.theilSen.slope,
      intercept: t.theilSen.intercept,
      low: t.theilSen.low,
      high: t.theilSen.high,
    },
    change: t.change && {
      from: t.change.from,
      to: t.change.to,
      percent: t.change.percent,
      low: t.change.low,
      high: t.change.high,
      method: t.change.method,
    },
  };
}

function markingOf(markings: string[]): string {
  return formatMarking(highestMarking(markings.map((m) => parseMarking(m))));
}

async function listSeries(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      area: { type: 'string' },
      subject: { type: 'string' },
      dataset: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    },
  });
  return withStore(c, async (store) => {
    const list = await store.listSeries(c.ctx, {
      ...(values.area !== undefined ? { area: values.area } : {}),
      ...(values.subject !== undefined ? { subject: values.subject } : {}),
      ...(values.dataset ? { datasets: values.dataset } : {}),
    });
    if (values.json) {
      c.io.stdout(json({ marking: markingOf(list.map((s) => s.marking)), series: list }));
      return 0;
    }
    if (list.length === 0) {
      c.io.stdout('no series: try `nexus ingest --format wastewater --dataset NAME PATH`\n');
      return 0;
    }
    c.io.stdout(`marking: ${markingOf(list.map((s) => s.marking))}\n`);
    const width = Math.max(...list.map((s) => s.id.length));
    for (const s of list)
      c.io.stdout(
        `${s.id.padEnd(width)} ${String(s.points).padStart(5)} pts  ${s.first ?? '-'}..${s.last ?? '-'}  ${s.frequency.padEnd(5)} ${s.unit}  ${s.area}  [${s.dataset}]\n`,
      );
    return 0;
  });
}

function describe(s: StoredSeries, points: StoredSeriesPoint[], t: Trend, alpha: number): string {
  const out: string[] = [
    `${s.id} [${s.dataset}] ${s.marking}`,
    `  ${s.name}`,
    `  unit ${s.unit}, ${s.frequency}; area ${s.area}${s.country ? ` (${s.country.toUpperCase()})` : ''}; subject ${s.subject || '-'}`,
    `  source: ${s.source}`,
    '',
    '  period        value          low..high              origin',
  ];
  for (const p of points)
    out.push(
      `  ${p.period}  ${String(round(p.value)).padStart(12)}  ${p.low === null ? ''.padEnd(22) : `${round(p.low)}..${round(p.high)}`.padEnd(22)} ${p.origin}${p.partial ? '  (partial period)' : ''}${p.marking !== s.marking ? `  ${p.marking}` : ''}`,
    );
  out.push('');
  if (t.mannKendall === null || t.theilSen === null) {
    out.push(`  trend: insufficient (${t.n} complete periods; at least 4 needed)`);
  } else {
    const mk = t.mannKendall;
    const ts = t.theilSen;
    out.push(
      `  trend (${t.first} to ${t.last}, ${t.n} periods${t.excluded.length ? `; left out as partial: ${t.excluded.join(', ')}` : ''}): ${t.direction.toUpperCase()} at alpha ${alpha}`,
      `    Mann-Kendall S = ${mk.s}, Var(S) = ${round(mk.variance)}, tau = ${round(mk.tau, 4)}, z = ${round(mk.z, 4)}, p = ${round(mk.p, 4)} (${mk.method})`,
      `    Theil-Sen slope ${round(ts.slope)} ${s.unit} per year, ${Math.round((1 - alpha) * 100)}% CI ${ts.low === null ? 'unbounded (too few points)' : `${round(ts.low)} to ${round(ts.high)}`}`,
    );
    if (t.change)
      out.push(
        `    change of the fitted line ${t.change.from} to ${t.change.to}: ${round(t.change.percent, 3)}%${t.change.low === null ? ' (no interval: too few points, or the line at a slope limit starts at or below zero)' : ` (${round(t.change.low, 3)}% to ${round(t.change.high, 3)}%)`}`,
      );
  }
  const a = anomalies(points.filter((p) => !p.partial));
  if (a.anomalies.length)
    for (const x of a.anomalies)
      out.push(
        `  anomaly ${x.period}: ${round(x.value)} against ${round(x.expected)} expected (score ${round(x.score, 3)})`,
      );
  return `${out.join('\n')}\n`;
}

async function showSeries(args: string[], c: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      dataset: { type: 'string', multiple: true },
      alpha: { type: 'string', default: '0.05' },
      all: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const [id, ...extra] = positionals;
  if (id === undefined || extra.length)
    throw new NexusError('USAGE_INVALID', 'series show: give one series ID');
  const alpha = Number(values.alpha);
  if (!(alpha > 0 && alpha < 0.5))
    throw new NexusError('USAGE_INVALID', 'series show: --alpha is between 0 and 0.5');
  return withStore(c, async (store) => {
    const datasets = values.dataset ? { datasets: values.dataset } : {};
    const found = await store.listSeries(c.ctx, { ids: [id], ...datasets });
    if (found.length === 0) throw new NexusError('ENTITY_NOT_FOUND', `series show: no series "${id}"`);
    const points = await store.seriesPoints(c.ctx, [id], datasets);
    const shown = found.map((s) => {
      const own = points.filter((p) => p.dataset === s.dataset);
      return { s, own, t: trend(own, { alpha, includePartial: values.all }) };
    });
    const marking = markingOf([...found.map((s) => s.marking), ...points.map((p) => p.marking)]);
    if (values.json) {
      c.io.stdout(
        json({
          marking,
          series: shown.map(({ s, own, t }) => ({
            ...s,
            points: own.map((p) => ({
              period: p.period,
              value: p.value,
              low: p.low,
              high: p.high,
              partial: p.partial,
              origin: p.origin,
              marking: p.marking,
            })),
            trend: trendJson(t),
            anomalies: anomalies(own.filter((p) => !p.partial)).anomalies,
          })),
        }),
      );
      return 0;
    }
    c.io.stdout(`marking: ${marking}\n`);
    for (const { s, own, t } of shown) c.io.stdout(describe(s, own, t, alpha));
    return 0;
  });
}

export async function seriesCommand(args: string[], c: CommandEnv): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list') return listSeries(rest, c);
  if (sub === 'show') return showSeries(rest, c);
  throw new NexusError(
    'USAGE_INVALID',
    'series: use `series list` or `series show ID` (see nexus series --help)',
  );
}
