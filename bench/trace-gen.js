#!/usr/bin/env node
// Generated transfers for the crypto-tracing benchmark (issue 7): N account-model transfers with realistic
// fan-in and fan-out, as CSV `chain,tx_hash,time,from,to,asset,amount` (amount a decimal string in BTC units,
// time in Unix seconds), or in memory through generateTransfers().
//
// Shape: money moves on. Most transfers are sent by an address that received recently (a ring of recent
// receivers), so value travels in chains and trees as on a real chain; a few "service" addresses (exchanges:
// 0.1% of addresses) receive and send a large share of all transfers (fan-in and fan-out hubs); the rest of
// the receivers are spread over the address space, with new addresses appearing as the data grows. Amounts
// are log-uniform from 10^4 to 10^10 satoshi. Times rise by about one second per 10 transfers, with ties.
//
// Usage: node bench/trace-gen.js N [--seed S] [--out FILE] [--time iso|unix]   (default: CSV on stdout)
import { closeSync, openSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** mulberry32: uniform numbers in [0, 1) from a 32-bit seed. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Bitcoin-looking address for number i (deterministic, unique; not a valid bech32 checksum). */
export function addressOf(i) {
  const h = (Math.imul(i ^ 0x5bd1e995, 0x27d4eb2d) >>> 0).toString(16).padStart(8, '0');
  return `bc1q${h}${i.toString(16).padStart(10, '0')}`;
}

/** A 64-hex-digit transaction hash for transfer i. */
export function txOf(i) {
  const a = (Math.imul(i + 1, 0x9e3779b1) >>> 0).toString(16).padStart(8, '0');
  return `${a}${i.toString(16).padStart(8, '0')}${'0'.repeat(48)}`;
}

/**
 * Calls emit(i, txHash, time, fromIndex, toIndex, amountSatoshi) for each of n transfers. Address indexes run
 * from 0; addressOf(index) gives the address. Returns the number of addresses used.
 */
export function generateTransfers(n, { seed = 1, start = 1_700_000_000 } = {}, emit) {
  const r = rng(seed);
  const addresses = Math.max(16, Math.floor(n / 5));
  const services = Math.max(1, Math.floor(addresses / 1000));
  const ring = new Int32Array(4096);
  let ringFill = 0;
  let ringPos = 0;
  let used = services;
  for (let i = 0; i < n; i++) {
    let from;
    const u = r();
    if (ringFill > 0 && u < 0.7) from = ring[Math.floor(r() * ringFill)];
    else if (u < 0.82) from = Math.floor(r() * services);
    else from = Math.floor(r() * used);
    let to;
    const v = r();
    if (v < 0.12) to = Math.floor(r() * services);
    else if (v < 0.3 && used < addresses) to = used++;
    else to = services + Math.floor(r() * Math.max(1, Math.min(addresses, used + 1) - services));
    if (to === from) to = (to + 1) % addresses;
    if (to >= used) used = to + 1;
    ring[ringPos] = to;
    ringPos = (ringPos + 1) & 4095;
    if (ringFill < 4096) ringFill++;
    const amount = Math.floor(10 ** (4 + 6 * r()));
    emit(i, txOf(i), start + Math.floor(i / 10), from, to, amount);
  }
  return used;
}

function btc(sats) {
  const s = String(sats).padStart(9, '0');
  const whole = s.slice(0, -8);
  const frac = s.slice(-8).replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}

function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      time: { type: 'string', default: 'unix' },
    },
  });
  const n = Number(positionals[0] ?? 1_000_000);
  if (!Number.isInteger(n) || n <= 0) throw new Error('usage: trace-gen.js N [--seed S] [--out FILE]');
  const fd = values.out ? openSync(values.out, 'w') : 1;
  const iso = values.time === 'iso';
  let buf = 'chain,tx_hash,time,from,to,asset,amount\n';
  generateTransfers(n, { seed: Number(values.seed) }, (_i, tx, time, from, to, amount) => {
    const t = iso ? new Date(time * 1000).toISOString().replace('.000Z', 'Z') : time;
    buf += `BTC,${tx},${t},${addressOf(from)},${addressOf(to)},BTC,${btc(amount)}\n`;
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  });
  writeSync(fd, buf);
  if (fd !== 1) closeSync(fd);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
