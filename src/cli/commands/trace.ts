// `nexus trace` (follow tainted value forward or backward under poison, haircut or FIFO) and `nexus exposure-crypto`
// (where an address's funds came from, per seed set), over the transfers the acting clearance may see.
import { parseArgs } from 'node:util';
import { GraphService } from '../../graph/index.js';
import { parseTime } from '../../ingest/transfers-reader.js';
import { NexusError } from '../../model/index.js';
import { type TaintModel, TraceService } from '../../trace/index.js';
import { type CommandEnv, json, withStore } from '../io.js';

export const traceHelp = `nexus trace --from ADDR|SET [--from ...] --model poison|haircut|fifo [--direction forward|backward]
            [--dataset D]... [--chain C] [--asset A] [--max-hops N] [--max-addresses N] [--timeout-ms MS]
            [--since TIME] [--until TIME] [--no-stop] [--json]

Follows value from seed addresses (forward) or back from target addresses (backward) through the transfers and
UTXO transactions in the store, under a taint model:
  poison   any tainted input taints every output fully (over-broad)
  haircut  outputs carry the value-weighted share of tainted input; an address is a pool
  fifo     first in, first out within transactions and at addresses (Clayton's rule)
Seeds may be addresses or sets: label:CATEGORY (label:sanctioned, label:mixer), family:NAME (a ransomware family's
labelled addresses), sanctioned (labelled sanctioned, or wallets whose holder is under sanctions), state:ru|cn|kp|ir
(wallets held by that state's seeds in the graph). Tracing stops at addresses labelled exchange, mixer, bridge,
gambling or service (--no-stop follows through). Every address reached comes with the transactions that justify
it, its labels and the entities holding it. Amounts are exact decimals in the asset's units.
--json prints {"reached": [{"address", "tainted", "share", "hops", "labels", "entities", "path"}], "limit_reached", ...}`;

export const exposureCryptoHelp = `nexus exposure-crypto ADDR [--model haircut|fifo|poison] [--dataset D]... [--chain C]
                      [--asset A] [--max-hops N] [--no-stop] [--json]

How much of what ADDR received traces back to each seed set (each hostile state's wallets, sanctioned wallets and
labels, each label category, each ransomware family), in value and share: a backward trace per set that stops at
the set, so value passing two of its addresses counts once.`;

const MODELS = new Set(['poison', 'haircut', 'fifo']);

function whole(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1)
    throw new NexusError('USAGE_INVALID', `trace: --${name} must be a whole number of at least 1`);
  return Number(text);
}

function time(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = parseTime(text);
  if (t === undefined)
    throw new NexusError('USAGE_INVALID', `trace: --${name} is Unix seconds or an ISO date-time`);
  return t;
}

export async function traceCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      from: { type: 'string', multiple: true },
      model: { type: 'string', default: 'haircut' },
      direction: { type: 'string', default: 'forward' },
      dataset: { type: 'string', multiple: true },
      chain: { type: 'string' },
      asset: { type: 'string' },
      'max-hops': { type: 'string' },
      'max-addresses': { type: 'string' },
      'timeout-ms': { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      'no-stop': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.from?.length)
    throw new NexusError('USAGE_INVALID', 'trace: give at least one --from address or set');
  if (!MODELS.has(values.model))
    throw new NexusError('USAGE_INVALID', 'trace: --model is poison, haircut or fifo');
  if (values.direction !== 'forward' && values.direction !== 'backward')
    throw new NexusError('USAGE_INVALID', 'trace: --direction is forward or backward');
  const request = {
    from: values.from,
    model: values.model as TaintModel,
    direction: values.direction,
    ...(values.dataset ? { datasets: values.dataset } : {}),
    ...(values.chain ? { chain: values.chain } : {}),
    ...(values.asset ? { asset: values.asset } : {}),
    maxHops: whole('max-hops', values['max-hops']),
    maxAddresses: whole('max-addresses', values['max-addresses']),
    maxMs: whole('timeout-ms', values['timeout-ms']),
    since: time('since', values.since),
    until: time('until', values.until),
    stopAtServices: !values['no-stop'],
  } as const;
  return withStore(c, async (store) => {
    const service = new TraceService(store, new GraphService(store));
    const answer = await service.trace(c.ctx, request);
    if (values.json) {
      c.io.stdout(json(answer));
      return 0;
    }
    c.io.stdout(
      `${answer.model} ${answer.direction} trace on ${answer.chain}/${answer.asset} from ${answer.seeds.length} address(es)` +
        ` (${answer.marking}); ${answer.reached.length} reached${answer.limit_reached ? ', LIMIT_REACHED' : ''}\n`,
    );
    if (answer.missing.length) c.io.stdout(`not in the data: ${answer.missing.join(', ')}\n`);
    for (const r of answer.reached.slice(0, 50)) {
      const who = [
        ...r.labels.map((l) => `${l.label} [${l.category}]`),
        ...r.entities.map((e) => `${e.caption} (${e.id})`),
      ].join('; ');
      c.io.stdout(
        `  hop ${r.hops}  ${r.address}  ${r.tainted} ${answer.asset} (${(r.share * 100).toFixed(1)}% of ${r.received})` +
          `${r.stopped_at ? '  STOP' : ''}${who ? `  ${who}` : ''}\n`,
      );
    }
    if (answer.reached.length > 50)
      c.io.stdout(`  ... ${answer.reached.length - 50} more (--json for all)\n`);
    return 0;
  });
}

export async function exposureCryptoCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string', default: 'haircut' },
      dataset: { type: 'string', multiple: true },
      chain: { type: 'string' },
      asset: { type: 'string' },
      'max-hops': { type: 'string' },
      'no-stop': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const address = positionals[0];
  if (!address) throw new NexusError('USAGE_INVALID', 'exposure-crypto: give an address');
  if (!MODELS.has(values.model))
    throw new NexusError('USAGE_INVALID', 'exposure-crypto: --model is poison, haircut or fifo');
  return withStore(c, async (store) => {
    const service = new TraceService(store, new GraphService(store));
    const answer = await service.exposure(c.ctx, {
      address,
      model: values.model as TaintModel,
      ...(values.dataset ? { datasets: values.dataset } : {}),
      ...(values.chain ? { chain: values.chain } : {}),
      ...(values.asset ? { asset: values.asset } : {}),
      maxHops: whole('max-hops', values['max-hops']),
      stopAtServices: !values['no-stop'],
    });
    if (values.json) {
      c.io.stdout(json(answer));
      return 0;
    }
    c.io.stdout(
      `${answer.address} on ${answer.chain}/${answer.asset} received ${answer.received} ${answer.asset} (${answer.model}, ${answer.marking})` +
        `${answer.limit_reached ? ', LIMIT_REACHED' : ''}\n`,
    );
    if (answer.sets.length === 0) c.io.stdout('  no exposure to any known seed set\n');
    for (const s of answer.sets)
      c.io.stdout(
        `  ${s.set.padEnd(24)} ${s.value} ${answer.asset} (${(s.share * 100).toFixed(2)}%) via ${s.addresses
          .slice(0, 3)
          .map((a) => `${a.address} (${a.hops} hops)`)
          .join(', ')}\n`,
      );
    return 0;
  });
}

export const clusterHelp = `nexus cluster [--chain C] [--asset A] [--dataset D]... [--include-coinjoin] [--min-size N]
              [--limit N] [--json]

Groups UTXO addresses into wallets by common-input ownership: addresses that sign inputs of one transaction are
one wallet. CoinJoin-like transactions (three or more input addresses and three or more outputs of one value)
are left out unless --include-coinjoin. Account-model chains (one sender per transfer) form no clusters.
Lists clusters largest first with their labels; trace answers name each address's cluster.`;

export async function clusterCommand(args: string[], c: CommandEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      chain: { type: 'string' },
      asset: { type: 'string' },
      dataset: { type: 'string', multiple: true },
      'include-coinjoin': { type: 'boolean', default: false },
      'min-size': { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  return withStore(c, async (store) => {
    const service = new TraceService(store, new GraphService(store));
    const answers = await service.clusters(c.ctx, {
      ...(values.dataset ? { datasets: values.dataset } : {}),
      ...(values.chain ? { chain: values.chain } : {}),
      ...(values.asset ? { asset: values.asset } : {}),
      includeCoinJoin: values['include-coinjoin'],
      minSize: whole('min-size', values['min-size']),
      limit: whole('limit', values.limit),
    });
    if (values.json) {
      c.io.stdout(json(answers));
      return 0;
    }
    if (answers.length === 0) c.io.stdout('no UTXO transactions with several input addresses visible\n');
    for (const a of answers) {
      c.io.stdout(
        `${a.chain}/${a.asset} (${a.marking}): ${a.clusters.length} clusters of ${a.addresses} addresses, ` +
          `${a.merging} merging transactions, ${a.coinjoins} CoinJoin-like left out\n`,
      );
      for (const k of a.clusters.slice(0, 20))
        c.io.stdout(`  ${k.id}  ${k.size} addresses${k.labels.length ? `  ${k.labels.join('; ')}` : ''}\n`);
    }
    return 0;
  });
}
