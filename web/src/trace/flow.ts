// The trace view's model, without the DOM: its form state from the address, the API calls, readers of what
// GET /trace and GET /trace/exposure answer, exact sums of decimal amounts, and the layered layout of the flow
// diagram (columns by hop, one node per address, links from each address's evidence path, widths by tainted value).

export const TRACE_MODELS = ['haircut', 'poison', 'fifo'] as const;
export type TraceModel = (typeof TRACE_MODELS)[number];
export type TraceDirection = 'forward' | 'backward';

/** Addresses asked for when the address does not say: the table shows them all, the diagram the largest. */
export const TRACE_MAX_ADDRESSES = 2000;
const MAX_FROM = 1000;
const MAX_TEXT = 200;

export interface TraceForm {
  /** Addresses or seed sets (`sanctioned`, `state:kp`, `label:mixer`, `family:Locky`). */
  from: string[];
  model: TraceModel;
  direction: TraceDirection;
  asset?: string;
  chain?: string;
  maxHops?: number;
  maxAddresses: number;
  /** Stop at exchanges, mixers, bridges, gambling and other services. */
  stop: boolean;
  datasets: string[];
}

export interface TraceState {
  form: TraceForm;
  /** Parts of the address that were dropped, and why. */
  problems: string[];
}

function words(values: string[]): string[] {
  return values
    .flatMap((v) => v.split(/[\s,]+/))
    .map((v) => v.trim())
    .filter(Boolean);
}

function whole(
  params: URLSearchParams,
  name: string,
  min: number,
  max: number,
  problems: string[],
): number | undefined {
  const raw = params.get(name)?.trim();
  if (!raw) return undefined;
  if (/^\d{1,9}$/.test(raw) && Number(raw) >= min && Number(raw) <= max) return Number(raw);
  problems.push(`${name} must be a whole number from ${min} to ${max}`);
  return undefined;
}

function text(params: URLSearchParams, name: string, problems: string[]): string | undefined {
  const raw = params.get(name)?.trim();
  if (!raw) return undefined;
  if (raw.length > MAX_TEXT) {
    problems.push(`${name} is longer than ${MAX_TEXT} characters`);
    return undefined;
  }
  return raw;
}

/** The trace page's state from its address (`#/trace?from=...`), each part checked as the server checks it. */
export function traceState(params: URLSearchParams): TraceState {
  const problems: string[] = [];
  let from = words(params.getAll('from'));
  if (from.some((f) => f.length > MAX_TEXT)) {
    problems.push(`a from value is longer than ${MAX_TEXT} characters`);
    from = from.filter((f) => f.length <= MAX_TEXT);
  }
  if (from.length > MAX_FROM) {
    problems.push(`at most ${MAX_FROM} from values; the first ${MAX_FROM} are used`);
    from = from.slice(0, MAX_FROM);
  }
  const rawModel = params.get('model')?.trim().toLowerCase();
  let model: TraceModel = 'haircut';
  if (rawModel && (TRACE_MODELS as readonly string[]).includes(rawModel)) model = rawModel as TraceModel;
  else if (rawModel) problems.push('model is haircut, poison or fifo');
  const rawDirection = params.get('direction')?.trim().toLowerCase();
  let direction: TraceDirection = 'forward';
  if (rawDirection === 'backward' || rawDirection === 'forward') direction = rawDirection;
  else if (rawDirection) problems.push('direction is forward or backward');
  const rawStop = params.get('stop')?.trim().toLowerCase();
  if (rawStop && rawStop !== 'true' && rawStop !== 'false') problems.push('stop is true or false');
  const datasets = words(params.getAll('dataset')).filter((d) => /^[a-z0-9][a-z0-9_-]{0,63}$/.test(d));
  if (datasets.length < words(params.getAll('dataset')).length)
    problems.push('a dataset name is lower-case letters, digits, _ and -');
  return {
    form: {
      from,
      model,
      direction,
      asset: text(params, 'asset', problems),
      chain: text(params, 'chain', problems),
      maxHops: whole(params, 'max_hops', 1, 50, problems),
      maxAddresses: whole(params, 'max_addresses', 1, 5_000_000, problems) ?? TRACE_MAX_ADDRESSES,
      stop: rawStop !== 'false',
      datasets,
    },
    problems,
  };
}

/** The query both the page's address and the API call carry (values left out when they are the defaults). */
export function traceParams(form: TraceForm): Record<string, string | string[] | undefined> {
  return {
    from: form.from,
    model: form.model,
    direction: form.direction === 'forward' ? undefined : form.direction,
    asset: form.asset,
    chain: form.chain,
    max_hops: form.maxHops === undefined ? undefined : String(form.maxHops),
    max_addresses: form.maxAddresses === TRACE_MAX_ADDRESSES ? undefined : String(form.maxAddresses),
    stop: form.stop ? undefined : 'false',
    dataset: form.datasets,
  };
}

function query(path: string, params: Record<string, string | string[] | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') continue;
    if (Array.isArray(v)) for (const item of v) q.append(k, item);
    else q.set(k, v);
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** GET /trace for a form: the address cap is always sent, so an answer never grows past what the page can show. */
export function traceUrl(form: TraceForm): string {
  return query('/trace', { ...traceParams(form), max_addresses: String(form.maxAddresses) });
}

/** GET /trace/exposure for an address on the ledger a trace answer used. */
export function exposureUrl(
  address: string,
  form: TraceForm,
  on: { chain?: string; asset?: string },
): string {
  return query('/trace/exposure', {
    address,
    model: form.model,
    chain: on.chain || form.chain,
    asset: on.asset || form.asset,
    max_hops: form.maxHops === undefined ? undefined : String(form.maxHops),
    stop: form.stop ? undefined : 'false',
    dataset: form.datasets,
  });
}

// ---- reading the answers ----------------------------------------------------------------------------------------

export interface TraceStep {
  tx: string;
  time: string;
  from: string;
  to: string;
  /** Decimal in the asset's units. */
  amount: string;
  tainted: string;
}

export interface TraceLabel {
  label: string;
  category: string;
  dataset: string;
}

export interface TraceEntity {
  id: string;
  caption: string;
  schema: string;
  wallet: string;
}

export interface TraceReached {
  address: string;
  tainted: string;
  received: string;
  share: number;
  hops: number;
  stoppedAt: boolean;
  labels: TraceLabel[];
  entities: TraceEntity[];
  /** The transactions from a seed to this address (forward) or from it to the targets (backward). */
  path: TraceStep[];
}

export interface TraceLimit {
  cap: string;
  value: number;
}

export interface TraceAnswer {
  model: string;
  direction: TraceDirection;
  chain: string;
  asset: string;
  seeds: { address: string; amount: string }[];
  missing: string[];
  reached: TraceReached[];
  totals: Record<string, string>;
  limitReached: boolean;
  limits: TraceLimit[];
  marking?: string;
}

type Loose = Record<string, unknown>;

function isObj(v: unknown): v is Loose {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function finite(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

const DECIMAL = /^\d{1,100}(\.\d{1,100})?$/;

/** An amount as the server writes it (an exact decimal); anything else reads as 0 rather than as a number. */
export function readAmount(v: unknown): string {
  if (typeof v === 'string' && DECIMAL.test(v)) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  return '0';
}

function readStep(s: unknown): TraceStep | undefined {
  if (!isObj(s)) return undefined;
  const from = str(s.from);
  const to = str(s.to);
  if (!from || !to) return undefined;
  return {
    tx: str(s.tx) ?? '',
    time: str(s.time) ?? '',
    from,
    to,
    amount: readAmount(s.amount),
    tainted: readAmount(s.tainted),
  };
}

function readReached(r: unknown): TraceReached | undefined {
  if (!isObj(r)) return undefined;
  const address = str(r.address);
  const hops = finite(r.hops);
  if (!address || hops === undefined || !Number.isInteger(hops) || hops < 0) return undefined;
  const share = finite(r.share);
  return {
    address,
    tainted: readAmount(r.tainted),
    received: readAmount(r.received),
    share: share !== undefined && share >= 0 ? share : 0,
    hops,
    stoppedAt: r.stopped_at === true,
    labels: list(r.labels)
      .filter(isObj)
      .map((l) => ({
        label: str(l.label) ?? '',
        category: str(l.category) ?? '',
        dataset: str(l.dataset) ?? '',
      })),
    entities: list(r.entities)
      .filter(isObj)
      .map((e) => ({
        id: str(e.id) ?? '',
        caption: str(e.caption) ?? '',
        schema: str(e.schema) ?? '',
        wallet: str(e.wallet) ?? '',
      }))
      .filter((e) => e.id !== ''),
    path: list(r.path)
      .map(readStep)
      .filter((s): s is TraceStep => s !== undefined),
  };
}

/** GET /trace: rows without an address or a whole hop count are dropped; a limit is reached unless it says not. */
export function readTraceAnswer(body: unknown): TraceAnswer {
  const b = isObj(body) ? body : {};
  const totals: Record<string, string> = {};
  if (isObj(b.totals)) for (const [k, v] of Object.entries(b.totals)) totals[k] = readAmount(v);
  const limits = list(b.limits)
    .filter(isObj)
    .map((l) => ({ cap: str(l.cap) ?? 'unknown', value: finite(l.value) ?? 0 }));
  return {
    model: str(b.model) ?? '',
    direction: b.direction === 'backward' ? 'backward' : 'forward',
    chain: str(b.chain) ?? '',
    asset: str(b.asset) ?? '',
    seeds: list(b.seeds)
      .filter(isObj)
      .map((s) => ({ address: str(s.address) ?? '', amount: readAmount(s.amount) }))
      .filter((s) => s.address !== ''),
    missing: list(b.missing).filter((m): m is string => typeof m === 'string'),
    reached: list(b.reached)
      .map(readReached)
      .filter((r): r is TraceReached => r !== undefined),
    totals,
    // A cap the answer names counts, whatever the flag says.
    limitReached: b.limit_reached !== false || limits.length > 0,
    limits,
    marking: str(b.marking),
  };
}

export interface ExposureSet {
  set: string;
  value: string;
  share: number;
  addresses: { address: string; value: string; hops: number }[];
}

export interface CryptoExposure {
  address: string;
  chain: string;
  asset: string;
  model: string;
  received: string;
  sets: ExposureSet[];
  limitReached: boolean;
  marking?: string;
}

/** GET /trace/exposure, largest share first. */
export function readExposure(body: unknown): CryptoExposure {
  const b = isObj(body) ? body : {};
  const sets = list(b.sets)
    .filter(isObj)
    .map((s) => {
      const share = finite(s.share);
      return {
        set: str(s.set) ?? '',
        value: readAmount(s.value),
        share: share !== undefined && share >= 0 ? share : 0,
        addresses: list(s.addresses)
          .filter(isObj)
          .map((a) => ({
            address: str(a.address) ?? '',
            value: readAmount(a.value),
            hops: finite(a.hops) ?? 0,
          }))
          .filter((a) => a.address !== ''),
      };
    })
    .filter((s) => s.set !== '')
    .sort((x, y) => y.share - x.share);
  return {
    address: str(b.address) ?? '',
    chain: str(b.chain) ?? '',
    asset: str(b.asset) ?? '',
    model: str(b.model) ?? '',
    received: readAmount(b.received),
    sets,
    limitReached: b.limit_reached !== false,
    marking: str(b.marking),
  };
}

const STATES: Record<string, string> = { ru: 'Russia', cn: 'China', kp: 'North Korea', ir: 'Iran' };

/** A seed set's name for people: `state:kp` is "Wallets of North Korea's seeds". */
export function describeSet(set: string): string {
  const i = set.indexOf(':');
  const kind = i < 0 ? set : set.slice(0, i);
  const arg = i < 0 ? '' : set.slice(i + 1);
  if (kind === 'sanctioned' && !arg) return 'Sanctioned (labelled, or held by a sanctioned entity)';
  if (kind === 'state' && Object.hasOwn(STATES, arg)) return `Held by ${STATES[arg]}'s state actors`;
  if (kind === 'label') return `Labelled ${arg}`;
  if (kind === 'family') return `Ransomware family ${arg}`;
  return set;
}

// ---- exact decimals -------------------------------------------------------------------------------------------

function scaled(a: string): { int: bigint; scale: number } {
  const [whole = '0', frac = ''] = a.split('.');
  return { int: BigInt(whole + frac), scale: frac.length };
}

/** The exact sum of two decimal amounts, written without trailing zeros. */
export function addDecimal(a: string, b: string): string {
  const x = scaled(DECIMAL.test(a) ? a : '0');
  const y = scaled(DECIMAL.test(b) ? b : '0');
  const scale = Math.max(x.scale, y.scale);
  const sum = x.int * 10n ** BigInt(scale - x.scale) + y.int * 10n ** BigInt(scale - y.scale);
  if (scale === 0) return sum.toString();
  const digits = sum.toString().padStart(scale + 1, '0');
  const frac = digits.slice(-scale).replace(/0+$/, '');
  const whole = digits.slice(0, -scale);
  return frac ? `${whole}.${frac}` : whole;
}

/** A share as a percentage, to one decimal (or more for small shares, never "0.0%" for a real one). */
export function formatShare(share: number): string {
  if (!Number.isFinite(share) || share <= 0) return '0%';
  const pct = share * 100;
  if (pct >= 0.1) return `${pct.toFixed(1)}%`;
  return `${pct.toPrecision(2)}%`;
}

/** A long address as `0x12345678…abcdef` (the whole one goes in titles and the table). */
export function shortAddress(address: string, max = 20): string {
  if (address.length <= max) return address;
  return `${address.slice(0, max - 7)}\u2026${address.slice(-6)}`;
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}\u2026`;
}

// ---- the layered layout -----------------------------------------------------------------------------------------

export const FLOW = {
  /** From one column's left edge to the next one's. */
  columnGap: 270,
  nodeWidth: 186,
  nodeHeight: 66,
  rowGap: 22,
  margin: 16,
  /** Room above the first row for the column headings. */
  header: 28,
  maxLinkWidth: 26,
  minLinkWidth: 1.5,
} as const;

export interface FlowOptions {
  /** Addresses drawn at most, seeds included (default 60). */
  maxNodes?: number;
  /** Addresses drawn in one column at most (default 12). */
  maxPerColumn?: number;
}

export interface FlowNode {
  address: string;
  hop: number;
  column: number;
  x: number;
  y: number;
  seed: boolean;
  stop: boolean;
  /** What the address received tainted (forward) or sent that reached the targets (backward); seeds: their amount. */
  amount: string;
  share?: number;
  labels: TraceLabel[];
  entities: TraceEntity[];
}

export interface FlowLink {
  from: string;
  to: string;
  /** Transactions behind the link (several when the evidence holds more than one between the two addresses). */
  txs: string[];
  times: string[];
  /** Exact sums over the transactions: what moved, and the tainted part of it. */
  amount: string;
  tainted: string;
  width: number;
  /** SVG path data: a curve from the right edge of `from` to the left edge of `to`. */
  d: string;
  /** Where the amount is written beside the link. */
  labelX: number;
  labelY: number;
}

export interface FlowColumn {
  column: number;
  hop: number;
  x: number;
  heading: string;
}

export interface FlowLayout {
  nodes: FlowNode[];
  links: FlowLink[];
  columns: FlowColumn[];
  width: number;
  height: number;
  /** Reached addresses drawn, and those only in the table. */
  drawn: number;
  hidden: number;
  /** Seeds not drawn (no drawn address was reached from them). */
  hiddenSeeds: number;
}

/** A link before it is placed. */
type LinkBase = Omit<FlowLink, 'width' | 'd' | 'labelX' | 'labelY'>;

function amountValue(a: string): number {
  const n = Number(a);
  return Number.isFinite(n) ? n : 0;
}

/**
 * Lays out a trace: one column per hop (forward: seeds at the left; backward: the targets at the right, so value
 * always flows rightwards), one node per address, links from each drawn address's evidence path, a link's width in
 * proportion to the tainted value it carries. When there are more addresses than fit, the largest are drawn with
 * the addresses on their paths (so every drawn address links back to a seed) and the rest are counted in `hidden`.
 */
export function layoutFlow(answer: TraceAnswer, opts: FlowOptions = {}): FlowLayout {
  const maxNodes = Math.max(1, opts.maxNodes ?? 60);
  const maxPerColumn = Math.max(1, opts.maxPerColumn ?? 12);
  const backward = answer.direction === 'backward';
  const seeds = new Map(answer.seeds.map((s) => [s.address, s]));
  const reached = new Map(answer.reached.map((r) => [r.address, r]));

  /** Each address's hop: the answer's, or (for one only on a path) its place on the path. */
  const hops = new Map<string, number>();
  for (const s of answer.seeds) hops.set(s.address, 0);
  for (const r of answer.reached) if (!seeds.has(r.address)) hops.set(r.address, r.hops);
  const pathNodes = (r: TraceReached): { address: string; hop: number }[] => {
    const n = r.path.length;
    const out: { address: string; hop: number }[] = [];
    r.path.forEach((step, i) => {
      // Forward the path runs seed -> r; backward r -> target. Each step is one hop.
      const fromHop = backward ? r.hops - i : r.hops - (n - i);
      out.push(
        { address: step.from, hop: fromHop },
        { address: step.to, hop: backward ? fromHop - 1 : fromHop + 1 },
      );
    });
    return out.map((p) => ({ address: p.address, hop: hops.get(p.address) ?? Math.max(0, p.hop) }));
  };

  // Choose what to draw: the largest first, each with the addresses on its path, while the caps allow.
  const chosen = new Map<string, number>();
  const perHop = new Map<number, number>();
  const order = answer.reached
    .map((r, i) => ({ r, i, v: amountValue(r.tainted) }))
    .sort((a, b) => b.v - a.v || a.r.hops - b.r.hops || a.i - b.i);
  for (const { r } of order) {
    const need = new Map<string, number>();
    for (const p of [...pathNodes(r), { address: r.address, hop: r.hops }])
      if (!chosen.has(p.address)) need.set(p.address, hops.get(p.address) ?? p.hop);
    if (chosen.size + need.size > maxNodes) continue;
    const adding = new Map<number, number>();
    for (const hop of need.values()) adding.set(hop, (adding.get(hop) ?? 0) + 1);
    if ([...adding].some(([hop, n]) => (perHop.get(hop) ?? 0) + n > maxPerColumn)) continue;
    for (const [address, hop] of need) {
      chosen.set(address, hop);
      hops.set(address, hop);
    }
    for (const [hop, n] of adding) perHop.set(hop, (perHop.get(hop) ?? 0) + n);
  }
  const drawn = answer.reached.filter((r) => chosen.has(r.address)).length;
  // Nothing reached (or nothing fits): the seeds alone, as many as a column takes.
  if (chosen.size === 0)
    for (const s of answer.seeds.slice(0, Math.min(maxPerColumn, maxNodes))) chosen.set(s.address, 0);

  // Links: each step of a drawn address's path once, merged per pair of addresses.
  const links = new Map<string, LinkBase>();
  const steps = new Set<string>();
  for (const r of answer.reached) {
    if (!chosen.has(r.address)) continue;
    for (const s of r.path) {
      if (!chosen.has(s.from) || !chosen.has(s.to) || s.from === s.to) continue;
      const stepKey = JSON.stringify([s.tx, s.from, s.to]);
      if (steps.has(stepKey)) continue;
      steps.add(stepKey);
      const key = JSON.stringify([s.from, s.to]);
      const have = links.get(key);
      if (have) {
        have.txs.push(s.tx);
        have.times.push(s.time);
        have.amount = addDecimal(have.amount, s.amount);
        have.tainted = addDecimal(have.tainted, s.tainted);
      } else
        links.set(key, {
          from: s.from,
          to: s.to,
          txs: [s.tx],
          times: [s.time],
          amount: s.amount,
          tainted: s.tainted,
        });
    }
  }

  // Columns, and the order within each: by where the links into a node come from, then by value.
  const maxHop = Math.max(0, ...chosen.values());
  const columnOf = (hop: number) => (backward ? maxHop - hop : hop);
  const worth = (address: string) =>
    amountValue(reached.get(address)?.tainted ?? seeds.get(address)?.amount ?? '0');
  const byColumn: string[][] = Array.from({ length: maxHop + 1 }, () => []);
  for (const [address, hop] of chosen) byColumn[columnOf(hop)]?.push(address);
  const rowOf = new Map<string, number>();
  const sources = new Map<string, string[]>();
  for (const l of links.values()) {
    const list = sources.get(l.to) ?? [];
    list.push(l.from);
    sources.set(l.to, list);
  }
  byColumn.forEach((col, c) => {
    const centre = (address: string) => {
      const rows = (sources.get(address) ?? [])
        .filter((s) => columnOf(chosen.get(s) ?? 0) < c)
        .map((s) => rowOf.get(s))
        .filter((v): v is number => v !== undefined);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Number.POSITIVE_INFINITY;
    };
    const keyed = col.map((address) => ({ address, centre: centre(address), value: worth(address) }));
    keyed.sort(
      (a, b) =>
        (a.centre === b.centre ? 0 : a.centre - b.centre) ||
        b.value - a.value ||
        (a.address < b.address ? -1 : a.address > b.address ? 1 : 0),
    );
    col.splice(0, col.length, ...keyed.map((k) => k.address));
    col.forEach((address, i) => {
      rowOf.set(address, i);
    });
  });

  const rows = Math.max(1, ...byColumn.map((c) => c.length));
  const pitch = FLOW.nodeHeight + FLOW.rowGap;
  const nodes: FlowNode[] = [];
  const at = new Map<string, FlowNode>();
  byColumn.forEach((col, c) => {
    // Shorter columns are centred against the tallest.
    const offset = ((rows - col.length) * pitch) / 2;
    col.forEach((address, i) => {
      const hop = chosen.get(address) ?? 0;
      const r = reached.get(address);
      const node: FlowNode = {
        address,
        hop,
        column: c,
        x: FLOW.margin + c * FLOW.columnGap,
        y: FLOW.margin + FLOW.header + offset + i * pitch,
        seed: seeds.has(address),
        stop: r?.stoppedAt === true,
        amount: r?.tainted ?? seeds.get(address)?.amount ?? '0',
        share: r?.share,
        labels: r?.labels ?? [],
        entities: r?.entities ?? [],
      };
      nodes.push(node);
      at.set(address, node);
    });
  });

  const top = Math.max(0, ...[...links.values()].map((l) => amountValue(l.tainted)));
  type Placed = LinkBase & { a: FlowNode; b: FlowNode; width: number; sy: number; ty: number };
  const placed: Placed[] = [];
  for (const l of links.values()) {
    const a = at.get(l.from);
    const b = at.get(l.to);
    if (!a || !b) continue;
    const v = amountValue(l.tainted);
    const width = top > 0 ? Math.max(FLOW.minLinkWidth, (FLOW.maxLinkWidth * v) / top) : FLOW.minLinkWidth;
    placed.push({ ...l, a, b, width, sy: 0, ty: 0 });
  }
  // Where links leave and enter a node: stacked like a Sankey's bands, in the order of the nodes at their other
  // ends (so they do not cross at the node), or spread evenly over the node when they are wider than it.
  const spread = (list: Placed[], node: FlowNode, end: 'sy' | 'ty') => {
    const room = FLOW.nodeHeight - 12;
    const total = list.reduce((sum, l) => sum + l.width, 0);
    let cursor = node.y + FLOW.nodeHeight / 2 - total / 2;
    list.forEach((l, i) => {
      if (total <= room) {
        l[end] = cursor + l.width / 2;
        cursor += l.width;
      } else l[end] = node.y + 6 + ((i + 0.5) * room) / list.length;
    });
  };
  const ends = (pick: (l: Placed) => FlowNode) => {
    const by = new Map<FlowNode, Placed[]>();
    for (const l of placed) by.set(pick(l), [...(by.get(pick(l)) ?? []), l]);
    return by;
  };
  for (const [node, list] of ends((l) => l.a))
    spread(
      list.sort((x, y) => x.b.y - y.b.y || x.b.x - y.b.x),
      node,
      'sy',
    );
  for (const [node, list] of ends((l) => l.b))
    spread(
      list.sort((x, y) => x.a.y - y.a.y || x.a.x - y.a.x),
      node,
      'ty',
    );
  const flowLinks: FlowLink[] = placed.map(({ a, b, sy, ty, ...l }) => {
    const sx = a.x + FLOW.nodeWidth;
    const tx = b.x;
    const mx = (sx + tx) / 2;
    return {
      ...l,
      d: `M${sx},${sy} C${mx},${sy} ${mx},${ty} ${tx},${ty}`,
      labelX: mx,
      labelY: (sy + ty) / 2 - l.width / 2 - 4,
    };
  });
  // Thin links last, so they stay visible on top of wide ones.
  flowLinks.sort((x, y) => y.width - x.width);

  const columns: FlowColumn[] = byColumn.map((_, c) => {
    const hop = backward ? maxHop - c : c;
    return {
      column: c,
      hop,
      x: FLOW.margin + c * FLOW.columnGap,
      heading: hop === 0 ? (backward ? 'Targets' : 'Seeds') : `Hop ${hop}`,
    };
  });
  const drawnSeeds = answer.seeds.filter((s) => chosen.has(s.address)).length;
  return {
    nodes,
    links: flowLinks,
    columns,
    width: 2 * FLOW.margin + maxHop * FLOW.columnGap + FLOW.nodeWidth,
    height: 2 * FLOW.margin + FLOW.header + rows * pitch - FLOW.rowGap,
    drawn,
    hidden: answer.reached.length - drawn,
    hiddenSeeds: answer.seeds.length - drawnSeeds,
  };
}
