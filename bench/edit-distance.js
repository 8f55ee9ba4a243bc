#!/usr/bin/env node
// Edit-distance micro-benchmark: editSimilarity on name-part pairs as the name matcher meets them.
// Usage: node bench/edit-distance.js [path/to/distance.js] [--pairs 200000] [--rounds 5]
// The distance module defaults to ../dist/resolve/names/distance.js (build first: npx tsc -p tsconfig.build.json);
// give another build's file to time it on the same pairs. Prints ns per call for each kind of pair and a checksum of
// the results, which must be the same for any two builds that agree. Times are CPU time of the process (best of the
// rounds), so that other work sharing the machine counts less.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { analyseName } from '../dist/resolve/names/parts.js';

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: { pairs: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '5' } },
});
const modulePath = resolve(
  positionals[0] ?? new URL('../dist/resolve/names/distance.js', import.meta.url).pathname,
);
const { editSimilarity } = await import(pathToFileURL(modulePath).href);
const PAIRS = Number(opt.pairs);
const ROUNDS = Number(opt.rounds);

// Names from the OFAC SDN list (primary names and aliases), cut into parts by the matcher's own analysis.
const dir = new URL('../../shared/data/ofac-sdn/', import.meta.url);
const fallback = '/work/shared/data/ofac-sdn/';
const read = (file) => {
  try {
    return readFileSync(new URL(file, dir), 'latin1');
  } catch {
    return readFileSync(fallback + file, 'latin1');
  }
};
const names = [
  ...parse(read('sdn.csv'), { relax_quotes: true, relax_column_count: true }).map((r) => r[1]),
  ...parse(read('alt.csv'), { relax_quotes: true, relax_column_count: true }).map((r) => r[3]),
].filter((n) => typeof n === 'string' && n !== '-0-');
const parts = names.map((n) => analyseName(n, 'person').parts.filter((p) => p.text.length >= 2));
const words = parts.flat();

let seed = 12345;
const rand = (n) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return Math.floor((seed / 2147483648) * n);
};
const pick = (xs) => xs[rand(xs.length)];
const LOOK = {
  o: '0',
  i: '1',
  l: '1',
  e: '3',
  a: '4',
  s: '5',
  b: '6',
  g: '9',
  t: '7',
  m: 'rn',
  w: 'vv',
  d: 'cl',
};
const letters = 'abcdefghijklmnopqrstuvwxyz';
/** One or two typing or OCR slips: substitution, look-alike, insertion, deletion, transposition. */
function slip(w) {
  let s = w;
  for (let k = 1 + rand(2); k > 0 && s.length > 1; k--) {
    const i = rand(s.length);
    const kind = rand(5);
    if (kind === 0) s = s.slice(0, i) + pick(letters) + s.slice(i + 1);
    else if (kind === 1) s = s.slice(0, i) + (LOOK[s[i]] ?? pick(letters)) + s.slice(i + 1);
    else if (kind === 2) s = s.slice(0, i) + pick(letters) + s.slice(i);
    else if (kind === 3) s = s.slice(0, i) + s.slice(i + 1);
    else if (i + 1 < s.length) s = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  }
  return s;
}

// Kinds of call, in the shares the matcher makes them: most pairs are different words of similar length (the
// lengths filter of partSimilarity lets them through), fewer are slips of one word, and fused runs are checked at 0.85.
function makePairs(kind, count) {
  const out = [];
  while (out.length < count) {
    if (kind === 'different') {
      const a = pick(words);
      const b = pick(words);
      const lo = Math.min(a.text.length, b.text.length);
      const hi = Math.max(a.text.length, b.text.length);
      if (a.text === b.text || (hi - lo) / hi > 0.4) continue;
      out.push([a.text, b.text, 0.6]);
    } else if (kind === 'slipped') {
      const a = pick(words).text;
      const b = slip(a);
      if (a !== b) out.push([a, b, 0.6]);
    } else if (kind === 'phonetic') {
      const a = pick(words).phon;
      const b = rand(2) === 0 ? pick(words).phon : slip(a);
      if (a.length >= 2 && b.length >= 2) out.push([a, b, 0.65]);
    } else {
      const ps = pick(parts);
      if (ps.length < 2) continue;
      const i = rand(ps.length - 1);
      const joined = ps[i].text + ps[i + 1].text;
      const other = rand(2) === 0 ? slip(joined) : pick(words).text + pick(words).text;
      if (joined.length >= 6 && Math.abs(other.length - joined.length) <= 2) out.push([other, joined, 0.85]);
    }
  }
  return out;
}

const kinds = [
  ['different', 0.6],
  ['slipped', 0.2],
  ['phonetic', 0.1],
  ['fused', 0.1],
];
const sets = kinds.map(([kind, share]) => [kind, makePairs(kind, Math.round(PAIRS * share))]);
const mixed = sets.flatMap(([, pairs]) => pairs);
for (let i = mixed.length - 1; i > 0; i--) {
  const j = rand(i + 1);
  [mixed[i], mixed[j]] = [mixed[j], mixed[i]];
}

function time(pairs) {
  let sum = 0;
  for (const [a, b, floor] of pairs) sum += editSimilarity(a, b, floor); // warm-up
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.cpuUsage();
    for (const [a, b, floor] of pairs) sum += editSimilarity(a, b, floor);
    const { user, system } = process.cpuUsage(t0);
    const ns = ((user + system) * 1000) / pairs.length;
    if (ns < best) best = ns;
  }
  return { ns: best, sum };
}

console.log(`module: ${modulePath}`);
console.log(`${words.length} name parts from ${names.length} SDN names; best of ${ROUNDS} rounds`);
console.log('| pairs | count | ns/call | checksum |');
console.log('|---|---:|---:|---:|');
for (const [kind, pairs] of [...sets, ['mixed', mixed]]) {
  const { ns, sum } = time(pairs);
  // The checksum is over the first pass only, so builds that agree print the same figure.
  const check = pairs.reduce((s, [a, b, floor]) => s + editSimilarity(a, b, floor), 0);
  console.log(`| ${kind} | ${pairs.length} | ${ns.toFixed(1)} | ${check.toFixed(9)} |`);
  if (Number.isNaN(sum)) throw new Error('unreachable');
}
