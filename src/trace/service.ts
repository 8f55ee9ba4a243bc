// Tracing over the store: ledgers built from the transfers a reader may see (cached per access and store version),
// seed sets (addresses, labels, sanctioned wallets, a hostile state's wallets), services where tracing stops, and
// the entities behind the addresses reached, so the money meets the graph.
import type { AccessContext } from '../access/index.js';
import { findSeeds, type GraphService, stateRule } from '../graph/index.js';
import {
  formatAmount,
  formatMarking,
  highestMarking,
  NexusError,
  normaliseAddress,
  parseMarking,
} from '../model/index.js';
import type { Store, StoredAddressLabel } from '../store/index.js';
import { type Clustering, clusterAddresses } from './cluster.js';
import { type Ledger, LedgerBuilder, type LedgerEvent } from './ledger.js';
import {
  type ReachedAddress,
  type TaintModel,
  type TraceDirection,
  type TraceResult,
  trace,
} from './taint.js';

/** Label categories where value changes hands to people the trace cannot see past: tracing stops there. */
export const SERVICE_CATEGORIES = new Set(['exchange', 'mixer', 'bridge', 'gambling', 'service']);
const MAX_CACHED = 4;

export interface TraceScope {
  datasets?: readonly string[];
  chain?: string;
  asset?: string;
}

export interface TraceRequest extends TraceScope {
  /** Addresses, or seed sets: `label:<category>` (e.g. label:sanctioned), `family:<name>` (a ransomware family's
   * labels), `state:<ru|cn|kp|ir>` (wallets held by that state's seeds in the graph), `sanctioned` (wallets whose
   * holder is under sanctions, and addresses labelled sanctioned). */
  from: readonly string[];
  model: TaintModel;
  direction?: TraceDirection;
  maxHops?: number;
  maxAddresses?: number;
  maxMs?: number;
  since?: number;
  until?: number;
  /** Stop at addresses labelled exchange, mixer, bridge, gambling or service (default true). */
  stopAtServices?: boolean;
}

export interface ExposureRequest extends TraceScope {
  address: string;
  /** Default haircut: proportional attribution of what the address received. */
  model?: TaintModel;
  maxHops?: number;
  maxMs?: number;
  stopAtServices?: boolean;
}

export interface ExposureAnswer {
  address: string;
  chain: string;
  asset: string;
  model: TaintModel;
  /** What the address received in the data. */
  received: string;
  /** Per seed set: value of what it received traced back to the set, its share, and the set's addresses found. */
  sets: {
    set: string;
    value: string;
    share: number;
    addresses: { address: string; value: string; hops: number }[];
  }[];
  limit_reached: boolean;
  marking: string;
}

export interface EntityLink {
  id: string;
  caption: string;
  schema: string;
  /** The CryptoWallet entity whose publicKey is the address. */
  wallet: string;
}

export interface TracedAddress {
  address: string;
  tainted: string;
  received: string;
  share: number;
  hops: number;
  stopped_at?: boolean;
  labels: { label: string; category: string; dataset: string }[];
  entities: EntityLink[];
  /** The wallet the address belongs to by common-input ownership (UTXO chains; CoinJoins left out). */
  cluster?: { id: string; size: number };
  /** The transactions from a seed to this address (forward) or from it to the targets (backward). */
  path: { tx: string; time: string; from: string; to: string; amount: string; tainted: string }[];
}

export interface TraceAnswer {
  model: TaintModel;
  direction: TraceDirection;
  chain: string;
  asset: string;
  seeds: { address: string; amount: string }[];
  missing: string[];
  reached: TracedAddress[];
  totals: Record<string, string>;
  limit_reached: boolean;
  limits: TraceResult['limits'];
  marking: string;
  stats: TraceResult['stats'];
}

interface Cached {
  version: string;
  ledgers: Map<string, Ledger>;
  markings: Set<string>;
}

function scopeKey(ctx: AccessContext, scope: TraceScope): string {
  const g = ctx.grading;
  return JSON.stringify([
    ctx.clearance.rank,
    [...ctx.caveats].sort(),
    g ? [g.sources, g.assessments, g.ungraded] : null,
    [...(scope.datasets ?? [])].sort(),
  ]);
}

/** Amounts as the ledger takes them: safe integers as numbers, the rest as bigints. */
function amountOf(text: string): bigint | number {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

export interface ClusterAnswer {
  chain: string;
  asset: string;
  addresses: number;
  merging: number;
  coinjoins: number;
  clusters: { id: string; size: number; addresses: string[]; labels: string[] }[];
  marking: string;
}

export class TraceService {
  private readonly cache = new Map<string, Cached>();
  private readonly clusterings = new WeakMap<Ledger, Clustering>();

  private clusteringOf(ledger: Ledger): Clustering {
    let c = this.clusterings.get(ledger);
    if (!c) {
      c = clusterAddresses(ledger);
      this.clusterings.set(ledger, c);
    }
    return c;
  }

  /** Wallets by common-input ownership on each UTXO ledger the context may see (account chains have none). */
  async clusters(
    ctx: AccessContext,
    req: TraceScope & { includeCoinJoin?: boolean; minSize?: number; limit?: number },
  ): Promise<ClusterAnswer[]> {
    const { ledgers, markings } = await this.ledgers(ctx, req);
    const labels = await this.store.addressLabels(ctx, {});
    const labelled = new Map<string, string[]>();
    for (const l of labels)
      labelled.set(l.address, [...(labelled.get(l.address) ?? []), `${l.label} [${l.category}]`]);
    const marking = markingOf(markings, labels);
    const out: ClusterAnswer[] = [];
    for (const ledger of ledgers.values()) {
      if (req.chain !== undefined && ledger.chain !== req.chain) continue;
      if (req.asset !== undefined && ledger.asset !== req.asset.toUpperCase()) continue;
      const c = clusterAddresses(ledger, {
        excludeCoinJoin: req.includeCoinJoin !== true,
        minSize: req.minSize ?? 2,
      });
      if (c.merging === 0 && c.coinjoins === 0) continue;
      out.push({
        chain: ledger.chain,
        asset: ledger.asset,
        addresses: ledger.addressCount,
        merging: c.merging,
        coinjoins: c.coinjoins,
        clusters: c.clusters.slice(0, req.limit ?? 100).map((ids) => {
          const addresses = ids.map((i) => ledger.address(i));
          return {
            id: addresses[0] as string,
            size: ids.length,
            addresses: addresses.slice(0, 50),
            labels: [...new Set(addresses.flatMap((a) => labelled.get(a) ?? []))],
          };
        }),
        marking,
      });
    }
    return out;
  }

  constructor(
    private readonly store: Store,
    private readonly graph?: GraphService,
  ) {}

  /** Every (chain, asset) ledger the context may see, built once per store version. */
  async ledgers(ctx: AccessContext, scope: TraceScope = {}): Promise<Cached> {
    const key = scopeKey(ctx, scope);
    const version = await this.store.version(ctx);
    const hit = this.cache.get(key);
    if (hit && hit.version === version) return hit;
    const builders = new Map<string, LedgerBuilder>();
    const markings = new Set<string>();
    for await (const batch of this.store.scanTransfers(ctx, { datasets: scope.datasets, batch: 20_000 })) {
      for (const t of batch) {
        const k = `${t.chain}\u0000${t.asset}`;
        let b = builders.get(k);
        if (!b) {
          b = new LedgerBuilder({ chain: t.chain, asset: t.asset });
          builders.set(k, b);
        }
        markings.add(t.marking);
        const event: LedgerEvent = {
          tx: t.tx,
          time: t.time,
          inputs: t.legs
            .filter((l) => l.leg !== 2 && l.from !== null)
            .map((l) => ({ address: l.from as string, amount: amountOf(l.amount) })),
          outputs: t.legs
            .filter((l) => l.leg !== 1 && l.to !== null)
            .map((l) => ({ address: l.to as string, amount: amountOf(l.amount) })),
        };
        b.add(event);
      }
      await new Promise<void>((ok) => setImmediate(ok));
    }
    const ledgers = new Map([...builders].map(([k, b]) => [k, b.build()]));
    const entry = { version, ledgers, markings };
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, entry);
    return entry;
  }

  /** Addresses a seed-set name stands for (see TraceRequest.from), or the address itself. */
  async expandSeeds(ctx: AccessContext, from: readonly string[], scope: TraceScope): Promise<string[]> {
    const out = new Set<string>();
    let labels: StoredAddressLabel[] | undefined;
    const allLabels = async () => {
      labels ??= await this.store.addressLabels(ctx, {});
      return labels;
    };
    for (const raw of from) {
      const item = raw.trim();
      const [kind, arg] = item.includes(':')
        ? [item.slice(0, item.indexOf(':')), item.slice(item.indexOf(':') + 1)]
        : [item, ''];
      if (kind === 'label') {
        for (const l of await allLabels()) if (l.category === arg.toLowerCase()) out.add(l.address);
      } else if (kind === 'family') {
        for (const l of await allLabels())
          if (l.category === 'ransomware' && l.label.toLowerCase() === arg.toLowerCase()) out.add(l.address);
      } else if (kind === 'state') {
        for (const a of await this.stateWallets(ctx, arg, scope)) out.add(a);
      } else if (kind === 'sanctioned') {
        for (const l of await allLabels()) if (l.category === 'sanctioned') out.add(l.address);
        for (const w of await this.wallets(ctx)) if (w.sanctioned) out.add(w.address);
      } else out.add(normaliseAddress(item));
    }
    return [...out];
  }

  private walletCache = new Map<string, { version: string; list: WalletInfo[] }>();

  /** CryptoWallet entities the context may see: address, wallet id, holders, and whether a holder is sanctioned. */
  async wallets(ctx: AccessContext): Promise<WalletInfo[]> {
    const key = scopeKey(ctx, {});
    const version = await this.store.version(ctx);
    const hit = this.walletCache.get(key);
    if (hit && hit.version === version) return hit.list;
    const list: WalletInfo[] = [];
    const holders = new Set<string>();
    let after: string | undefined;
    for (;;) {
      const page = await this.store.listEntities(
        ctx,
        { schema: 'CryptoWallet' },
        { limit: 1000, after: after ?? null },
      );
      for (const w of page.items) {
        for (const key of w.properties.get('publicKey') ?? []) {
          const hs = w.properties.get('holder') ?? [];
          for (const h of hs) holders.add(h);
          list.push({ address: normaliseAddress(key), wallet: w.id, holders: hs, sanctioned: false });
        }
      }
      if (!page.next) break;
      after = page.next;
    }
    // A holder counts as sanctioned when a visible Sanction names it.
    const sanctioned = new Set<string>();
    for (const h of holders)
      for (const ref of await this.store.referencing(ctx, h))
        if (ref.schema === 'Sanction' && ref.prop === 'entity') sanctioned.add(h);
    for (const w of list) w.sanctioned = w.holders.some((h) => sanctioned.has(h));
    this.walletCache.set(key, { version, list });
    return list;
  }

  /** Wallet addresses whose holder is one of the state's seeds (the graph's exposure rules). */
  private async stateWallets(ctx: AccessContext, state: string, scope: TraceScope): Promise<string[]> {
    if (!this.graph) throw new NexusError('USAGE_INVALID', 'trace: state seed sets need the graph');
    const rule = stateRule(state);
    const p = await this.graph.projection(ctx, { datasets: scope.datasets });
    const seeds = findSeeds(p, rule);
    const clusters = await this.store.clusterMap(ctx);
    const out: string[] = [];
    for (const w of await this.wallets(ctx)) {
      const hit = w.holders.some((h) => {
        const node = p.graph.node(clusters.get(h) ?? h);
        return node !== undefined && seeds.has(node);
      });
      if (hit) out.push(w.address);
    }
    return out;
  }

  async trace(ctx: AccessContext, req: TraceRequest): Promise<TraceAnswer> {
    const seeds = await this.expandSeeds(ctx, req.from, req);
    if (seeds.length === 0) throw new NexusError('USAGE_INVALID', 'trace: the seeds name no address');
    const { ledgers, markings } = await this.ledgers(ctx, req);
    const ledger = pickLedger(ledgers, seeds, req);
    const labels = await this.store.addressLabels(ctx, { chain: ledger.chain });
    const stopAt =
      req.stopAtServices === false
        ? []
        : labels.filter((l) => SERVICE_CATEGORIES.has(l.category)).map((l) => l.address);
    const result = trace(ledger, {
      model: req.model,
      direction: req.direction ?? 'forward',
      seeds,
      stopAt,
      ...(req.maxHops === undefined ? {} : { maxHops: req.maxHops }),
      ...(req.maxAddresses === undefined ? {} : { maxAddresses: req.maxAddresses }),
      ...(req.maxMs === undefined ? {} : { maxMs: req.maxMs }),
      ...(req.since === undefined ? {} : { since: req.since }),
      ...(req.until === undefined ? {} : { until: req.until }),
    });
    return this.describe(ctx, result, labels, markings, ledger);
  }

  /**
   * How much of what an address received comes from each seed set: a backward trace per set that stops at the
   * set's addresses, so value passing through two of them counts once. Sets: each hostile state's wallets (with a
   * graph), sanctioned wallets and labels, each label category and each ransomware family.
   */
  async exposure(ctx: AccessContext, req: ExposureRequest): Promise<ExposureAnswer> {
    const target = normaliseAddress(req.address);
    const { ledgers, markings } = await this.ledgers(ctx, req);
    const ledger = pickLedger(ledgers, [target], req);
    const labels = await this.store.addressLabels(ctx, {});
    const sets = new Map<string, Set<string>>();
    const put = (name: string, address: string) => {
      if (ledger.id(address) < 0 || address === target) return;
      const set = sets.get(name) ?? new Set<string>();
      sets.set(name, set);
      set.add(address);
    };
    for (const l of labels) {
      put(`label:${l.category}`, l.address);
      if (l.category === 'ransomware') put(`family:${l.label}`, l.address);
    }
    for (const w of await this.wallets(ctx)) if (w.sanctioned) put('sanctioned', w.address);
    for (const l of labels) if (l.category === 'sanctioned') put('sanctioned', l.address);
    if (this.graph)
      for (const state of ['ru', 'cn', 'kp', 'ir'])
        for (const a of await this.stateWallets(ctx, state, req)) put(`state:${state}`, a);
    const services =
      req.stopAtServices === false
        ? []
        : labels.filter((l) => SERVICE_CATEGORIES.has(l.category)).map((l) => l.address);
    const amount = (v: bigint) => formatAmount(v, ledger.asset, ledger.chain);
    const out: ExposureAnswer['sets'] = [];
    let received = 0n;
    let limitReached = false;
    for (const [name, members] of [...sets].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const result = trace(ledger, {
        model: req.model ?? 'haircut',
        direction: 'backward',
        seeds: [target],
        stopAt: [...members, ...services.filter((a) => !members.has(a))],
        ...(req.maxHops === undefined ? {} : { maxHops: req.maxHops }),
        ...(req.maxMs === undefined ? {} : { maxMs: req.maxMs }),
      });
      received = result.totals.seeded;
      limitReached ||= result.limitReached;
      const hits = result.reached.filter((r) => members.has(r.address) && r.tainted > 0n);
      const value = hits.reduce((sum, r) => sum + r.tainted, 0n);
      if (value === 0n) continue;
      hits.sort((a, b) => (a.tainted > b.tainted ? -1 : a.tainted < b.tainted ? 1 : a.hops - b.hops));
      out.push({
        set: name,
        value: amount(value),
        share: received > 0n ? Number((value * 1_000_000_000n) / received) / 1e9 : 0,
        addresses: hits
          .slice(0, 10)
          .map((r) => ({ address: r.address, value: amount(r.tainted), hops: r.hops })),
      });
    }
    out.sort((a, b) => b.share - a.share);
    return {
      address: target,
      chain: ledger.chain,
      asset: ledger.asset,
      model: req.model ?? 'haircut',
      received: amount(received),
      sets: out,
      limit_reached: limitReached,
      marking: markingOf(markings, labels),
    };
  }

  private async describe(
    ctx: AccessContext,
    result: TraceResult,
    labels: StoredAddressLabel[],
    markings: Set<string>,
    ledger: Ledger,
  ): Promise<TraceAnswer> {
    const clustering = this.clusteringOf(ledger);
    const sizes = new Map<number, number>();
    if (clustering.merging > 0) for (const r of clustering.root) sizes.set(r, (sizes.get(r) ?? 0) + 1);
    const clusterOf = (address: string): TracedAddress['cluster'] | undefined => {
      const id = ledger.id(address);
      if (id < 0 || clustering.merging === 0) return undefined;
      const root = clustering.root[id] as number;
      const size = sizes.get(root) ?? 1;
      return size > 1 ? { id: ledger.address(root), size } : undefined;
    };
    const asset = result.asset;
    const amount = (v: bigint) => formatAmount(v, asset, result.chain);
    const byAddress = new Map<string, StoredAddressLabel[]>();
    for (const l of labels) byAddress.set(l.address, [...(byAddress.get(l.address) ?? []), l]);
    const wallets = new Map<string, WalletInfo[]>();
    for (const w of await this.wallets(ctx)) wallets.set(w.address, [...(wallets.get(w.address) ?? []), w]);
    // The best evidence flow into each reached address, to walk back to a seed.
    const into = new Map<string, (typeof result.flows)[number]>();
    for (const f of result.flows) {
      const end = result.direction === 'forward' ? f.to : f.from;
      const have = into.get(end);
      if (!have || f.hops < have.hops || (f.hops === have.hops && f.tainted > have.tainted)) into.set(end, f);
    }
    const seedSet = new Set(result.seeds.map((s) => s.address));
    const pathTo = (address: string) => {
      const path: TracedAddress['path'] = [];
      const seen = new Set<string>();
      let at = address;
      while (!seedSet.has(at) && !seen.has(at) && path.length < 64) {
        seen.add(at);
        const f = into.get(at);
        if (!f) break;
        path.unshift({
          tx: f.tx,
          time: new Date(f.time).toISOString(),
          from: f.from,
          to: f.to,
          amount: amount(f.amount),
          tainted: amount(f.tainted),
        });
        at = result.direction === 'forward' ? f.from : f.to;
      }
      return result.direction === 'forward' ? path : path.reverse();
    };
    const entityCache = new Map<string, EntityLink[]>();
    const entitiesOf = async (address: string): Promise<EntityLink[]> => {
      const known = entityCache.get(address);
      if (known) return known;
      const links: EntityLink[] = [];
      for (const w of wallets.get(address) ?? []) {
        const holders = await this.store.getEntities(ctx, w.holders);
        for (const [id, e] of holders)
          links.push({ id, caption: e.caption, schema: e.schema.name, wallet: w.wallet });
      }
      entityCache.set(address, links);
      return links;
    };
    const reached: TracedAddress[] = [];
    for (const r of result.reached as ReachedAddress[]) {
      reached.push({
        address: r.address,
        tainted: amount(r.tainted),
        received: amount(r.received),
        share: Math.round(r.share * 1e9) / 1e9,
        hops: r.hops,
        ...(r.stoppedAt ? { stopped_at: true } : {}),
        labels: (byAddress.get(r.address) ?? []).map((l) => ({
          label: l.label,
          category: l.category,
          dataset: l.dataset,
        })),
        entities: await entitiesOf(r.address),
        ...(clusterOf(r.address) ? { cluster: clusterOf(r.address) } : {}),
        path: pathTo(r.address),
      });
    }
    return {
      model: result.model,
      direction: result.direction,
      chain: result.chain,
      asset,
      seeds: result.seeds.map((s) => ({ address: s.address, amount: amount(s.amount) })),
      missing: result.missing,
      reached,
      totals: Object.fromEntries(Object.entries(result.totals).map(([k, v]) => [k, amount(v as bigint)])),
      limit_reached: result.limitReached,
      limits: result.limits,
      // What the answer rests on: the transfers read and the labels and entities shown.
      marking: markingOf(markings, labels),
      stats: result.stats,
    };
  }
}

export interface WalletInfo {
  address: string;
  wallet: string;
  holders: string[];
  sanctioned: boolean;
}

/** The ledger holding the seeds: the one asked for, or the only one any seed appears in. */
function pickLedger(ledgers: Map<string, Ledger>, seeds: readonly string[], scope: TraceScope): Ledger {
  const fits = [...ledgers.values()].filter(
    (l) =>
      (scope.chain === undefined || l.chain === scope.chain) &&
      (scope.asset === undefined || l.asset === scope.asset.toUpperCase()) &&
      seeds.some((s) => l.id(s) >= 0),
  );
  if (fits.length === 0)
    throw new NexusError(
      'ENTITY_NOT_FOUND',
      'trace: no transfers visible to you involve these addresses (check --chain, --asset and --dataset)',
    );
  if (fits.length > 1)
    throw new NexusError(
      'USAGE_INVALID',
      `trace: the addresses appear on ${fits.map((l) => `${l.chain}/${l.asset}`).join(', ')}; choose with --chain and --asset`,
    );
  return fits[0] as Ledger;
}

/** What an answer rests on: the transfers read and the labels shown, at their highest marking. */
function markingOf(markings: Iterable<string>, labels: readonly StoredAddressLabel[]): string {
  return formatMarking(
    highestMarking([...markings, ...labels.map((l) => l.marking)].map((m) => parseMarking(m))),
  );
}
