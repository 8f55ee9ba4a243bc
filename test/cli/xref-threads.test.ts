// nexus xref on scoring threads (the compiled thread script in dist/) stores exactly what one thread stores.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { nexusJson, tempHome } from './helpers.js';

const FIRST = [
  'Anna',
  'Oleg',
  'Ruslan',
  'Mariam',
  'Jong',
  'Ahmad',
  'Viktor',
  'Li',
  'Fatima',
  'Dmitri',
  'Sergei',
];
const LAST = [
  'Petrova',
  'Ivanov',
  'Belov',
  'Karimi',
  'Kim',
  'Haddad',
  'Sokolov',
  'Wei',
  'Nazari',
  'Orlov',
  'Kuznetsov',
];

/** People with names from a small pool, so many share parts: a page of candidates for every entity. */
function people(prefix: string, n: number, seed: number): string {
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = (i * 7919 + seed) % (FIRST.length * LAST.length * 3);
    const first = FIRST[k % FIRST.length] as string;
    const last = LAST[Math.floor(k / FIRST.length) % LAST.length] as string;
    // Every third a spelling slip, so scores spread between match and near miss.
    const name =
      k % 3 === 0 ? `${first} ${last.slice(0, -1)}${last.at(-1) === 'a' ? 'o' : 'a'}` : `${first} ${last}`;
    const birth = `19${50 + (k % 40)}-0${1 + (k % 9)}-1${k % 10}`;
    rows.push(
      JSON.stringify({
        id: `${prefix}-${i}`,
        schema: 'Person',
        properties: { name: [name], birthDate: [birth] },
      }),
    );
  }
  return `${rows.join('\n')}\n`;
}

function suggestions(home: string): string[] {
  const db = new Database(join(home, 'nexus.db'), { readonly: true });
  try {
    return (
      db.prepare('SELECT a, b, score, explanation FROM suggestions ORDER BY a, b').all() as object[]
    ).map((r) => JSON.stringify(r));
  } finally {
    db.close();
  }
}

describe('nexus xref --threads', () => {
  it('stores the same suggestions on two threads as on one, over more than one page', async () => {
    const runs: { summary: Record<string, unknown>; stored: string[] }[] = [];
    for (const threads of ['1', '2']) {
      const home = tempHome();
      const lists = join(home, 'lists.jsonl');
      const cases = join(home, 'case.jsonl');
      writeFileSync(lists, people('l', 400, 3));
      writeFileSync(cases, people('c', 1100, 11));
      await nexusJson(home, 'ingest', '--dataset', 'lists', lists);
      await nexusJson(home, 'ingest', '--dataset', 'case', cases);
      const summary = await nexusJson<Record<string, unknown>>(home, 'xref', 'case', '--threads', threads);
      runs.push({ summary: { ...summary, elapsedMs: 0 }, stored: suggestions(home) });
    }
    const [one, two] = runs;
    expect(one?.summary.entities).toBe(1100);
    expect(Number(one?.summary.suggestions)).toBeGreaterThan(100);
    expect(two?.summary).toEqual(one?.summary);
    expect(two?.stored).toEqual(one?.stored);
  }, 120_000);
});
