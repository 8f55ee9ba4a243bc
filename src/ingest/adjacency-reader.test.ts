// Tests for the network readers: adjacency matrices (symmetric, directed, broken) and edge lists.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNexusError } from '../model/errors.js';
import { isValidEntityId, stableId } from '../model/ids.js';
import {
  adjacencyReader,
  edgelistReader,
  MAX_MATRIX_LABELS,
  networkPersonId,
  weightSummary,
} from './adjacency-reader.js';
import { getReader } from './formats.js';
import type { EntityRecord, Reader, ReadItem, Reject, SourceRecord } from './reader.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nexus-network-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function readAll(reader: Reader, path: string, options: [string, string][] = []): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for await (const item of reader.read([path], { onBytes: () => {}, options: new Map(options) }))
    items.push(item);
  return items;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    return isNexusError(err) ? err.code : `not a NexusError: ${String(err)}`;
  }
  return undefined;
}

const records = (items: ReadItem[]) => items.filter((i): i is SourceRecord => i.kind === 'record');
const rejects = (items: ReadItem[]) => items.filter((i): i is Reject => i.kind === 'reject');
const problems = (items: ReadItem[]) => records(items).flatMap((r) => r.problems ?? []);
const entities = (items: ReadItem[]) => records(items).flatMap((r) => r.entities);
const ofSchema = (items: ReadItem[], schema: string) => entities(items).filter((e) => e.schema === schema);
const value = (e: EntityRecord | undefined, prop: string) => e?.properties.get(prop)?.[0];
const names = (items: ReadItem[]) => ofSchema(items, 'Person').map((e) => value(e, 'name'));

/** Ties as `from>to:summary` with node ids turned back into labels, sorted. */
function ties(items: ReadItem[], network: string): string[] {
  const label = new Map(ofSchema(items, 'Person').map((p) => [p.id, String(value(p, 'name'))]));
  expect(label.size).toBeGreaterThan(0);
  for (const id of label.keys()) expect(id).toBe(networkPersonId(network, label.get(id) ?? ''));
  return entities(items)
    .filter((e) => e.schema !== 'Person')
    .map((e) => {
      const [a, b] = e.schema === 'Associate' ? ['person', 'associate'] : ['subject', 'object'];
      return `${label.get(String(value(e, a)))}>${label.get(String(value(e, b)))}:${value(e, 'summary')}`;
    })
    .sort();
}

describe('adjacency reader', () => {
  it('reads a symmetric matrix as one Associate per pair, with the weight in summary', async () => {
    const path = write('gang.csv', '"",Ann,Bob,Cat\nAnn,0,52,0\nBob,52,0,1.5\nCat,,1.5,0\n');
    const items = await readAll(adjacencyReader, path);
    expect(rejects(items)).toEqual([]);
    expect(problems(items)).toEqual([]);
    expect(names(items)).toEqual(['Ann', 'Bob', 'Cat']);
    expect(ties(items, 'gang')).toEqual(['Ann>Bob:weight=52', 'Bob>Cat:weight=1.5']);
    const assoc = ofSchema(items, 'Associate');
    expect(assoc.map((a) => value(a, 'relationship'))).toEqual(['tie', 'tie']);
    expect(ofSchema(items, 'UnknownLink')).toEqual([]);
    // Summary follows the convention the graph projection parses.
    expect(String(value(assoc[0], 'summary'))).toMatch(/\bweight\s*[=:]\s*(-?[0-9]+(?:\.[0-9]+)?)/i);
    for (const e of entities(items)) expect(isValidEntityId(e.id)).toBe(true);
    // Nodes come first, each in its own record with its row's line; then one record per tie.
    const recs = records(items);
    expect(recs.map((r) => r.entities.length)).toEqual([1, 1, 1, 1, 1]);
    expect(recs.map((r) => r.origin.line)).toEqual([2, 3, 4, 2, 3]);
    expect(recs.every((r) => r.origin.file === path)).toBe(true);
  });

  it('reads an asymmetric matrix as one directed UnknownLink per nonzero cell', async () => {
    const path = write('calls.csv', ',A,B,C\nA,0,3,0\nB,1,0,0\nC,2,0,0\n');
    const items = await readAll(adjacencyReader, path);
    expect(rejects(items)).toEqual([]);
    expect(ofSchema(items, 'Associate')).toEqual([]);
    expect(ties(items, 'calls')).toEqual([
      'A>B:weight=3; directed',
      'B>A:weight=1; directed',
      'C>A:weight=2; directed',
    ]);
    const links = ofSchema(items, 'UnknownLink');
    expect(links.map((l) => value(l, 'role'))).toEqual(['tie', 'tie', 'tie']);
  });

  it('gives the same ids on every read, from the file name and label only', async () => {
    const path = write('stable.csv', ',x,y\nx,0,1\ny,1,0\n');
    const a = entities(await readAll(adjacencyReader, path)).map((e) => e.id);
    const b = entities(await readAll(adjacencyReader, path)).map((e) => e.id);
    expect(a).toEqual(b);
    expect(a[0]).toBe(stableId('net', 'stable', 'x'));
    // The `network` option names the namespace instead of the file name.
    const named = entities(await readAll(adjacencyReader, path, [['network', 'other']]));
    expect(named[0]?.id).toBe(networkPersonId('other', 'x'));
  });

  it('skips a UTF-8 byte order mark, CRLF line ends and a trailing delimiter', async () => {
    const path = write('bom.csv', '\uFEFF"",Zoë,Émile,\r\nZoë,0,2,\r\nÉmile,2,0,\r\n');
    const items = await readAll(adjacencyReader, path);
    expect(rejects(items)).toEqual([]);
    expect(names(items)).toEqual(['Zoë', 'Émile']);
    expect(ties(items, 'bom')).toEqual(['Zoë>Émile:weight=2']);
  });

  it('rejects a bad or negative cell and keeps the rest of the row', async () => {
    const path = write('bad-cell.csv', ',a,b,c\na,0,x,1\nb,0,0,-2\nc,1,0,0\n');
    const items = await readAll(adjacencyReader, path);
    const bad = rejects(items);
    expect(bad.map((r) => [r.line, r.field, r.code])).toEqual([
      [2, 'b', 'VALUE_INVALID'],
      [3, 'c', 'VALUE_INVALID'],
    ]);
    expect(bad[0]?.file).toBe(path);
    expect(bad[0]?.reason).toMatch(/"x" is not a number/);
    expect(bad[1]?.reason).toMatch(/negative/);
    // The unreadable cells do not vote: a<->c agree, b->a = 0 vs a->b unknown, so the matrix is symmetric.
    expect(ties(items, 'bad-cell')).toEqual(['a>c:weight=1']);
  });

  it('rejects a row whose label does not match its column, and a ragged row', async () => {
    const path = write('rows.csv', ',a,b,c,d\na,0,1,0,0\nx,1,0,0,0\nc,0,0,0\nd,0,0,0,0\n');
    const items = await readAll(adjacencyReader, path);
    const bad = rejects(items);
    expect(bad.map((r) => [r.line, r.field, r.code])).toEqual([
      [3, 'x', 'RECORD_INVALID'],
      [4, 'c', 'RECORD_INVALID'],
    ]);
    expect(bad[0]?.reason).toMatch(/does not match column label "b"/);
    expect(bad[1]?.reason).toMatch(/3 cells; the header has 4/);
    // Every column label is still a node; a->b is read from row a alone.
    expect(names(items)).toEqual(['a', 'b', 'c', 'd']);
    expect(ties(items, 'rows')).toEqual(['a>b:weight=1']);
  });

  it('rejects duplicate labels and a matrix that is not square', async () => {
    const path = write('dup.csv', ',a,b,a\na,0,1,1\nb,1,0,0\na,1,0,0\n');
    const items = await readAll(adjacencyReader, path);
    expect(rejects(items).map((r) => [r.line, r.field])).toEqual([
      [1, 'a'],
      [4, 'a'],
    ]);
    expect(rejects(items)[0]?.reason).toMatch(/repeats column 1/);
    expect(names(items)).toEqual(['a', 'b']);
    expect(ties(items, 'dup')).toEqual(['a>b:weight=1']);

    const short = await readAll(adjacencyReader, write('short.csv', ',a,b,c\na,0,1,0\nb,1,0,0\n'));
    expect(rejects(short).map((r) => [r.line, r.field, r.code])).toEqual([[3, 'c', 'RECORD_INVALID']]);
    expect(rejects(short)[0]?.reason).toMatch(/3 column labels but 2 rows/);
    expect(names(short)).toEqual(['a', 'b', 'c']);
    expect(ties(short, 'short')).toEqual(['a>b:weight=1']);

    const long = await readAll(adjacencyReader, write('long.csv', ',a,b\na,0,1\nb,1,0\nc,1,0\n'));
    expect(rejects(long).map((r) => [r.line, r.field])).toEqual([[4, 'c']]);
    expect(rejects(long)[0]?.reason).toMatch(/not square/);
  });

  it('reports a self tie on the diagonal and keeps it out', async () => {
    const items = await readAll(adjacencyReader, write('self.csv', ',a,b\na,4,1\nb,1,0\n'));
    expect(problems(items).map((p) => [p.line, p.field, p.code])).toEqual([[2, 'a', 'VALUE_INVALID']]);
    expect(ties(items, 'self')).toEqual(['a>b:weight=1']);
  });

  it('refuses what is not a matrix, and a matrix beyond the label cap', async () => {
    expect(await codeOf(readAll(adjacencyReader, write('empty.csv', '')))).toBe('FORMAT_MISMATCH');
    expect(await codeOf(readAll(adjacencyReader, write('edges.csv', 'a,b,1\nc,d,1\ne,f,2\n')))).toBe(
      'FORMAT_MISMATCH',
    );
    const labels = Array.from({ length: MAX_MATRIX_LABELS + 1 }, (_, i) => `n${i}`);
    const huge = write('huge.csv', `,${labels.join(',')}\n`);
    expect(await codeOf(readAll(adjacencyReader, huge))).toBe('LIMIT_REACHED');
    const latin1 = write('latin1.csv', Buffer.from(',Jos\xe9,b\nJos\xe9,0,1\nb,1,0\n', 'latin1'));
    expect(await codeOf(readAll(adjacencyReader, latin1))).toBe('ENCODING_INVALID');
  });

  it('is registered for --format adjacency and edgelist', () => {
    expect(getReader('adjacency')).toBe(adjacencyReader);
    expect(getReader('edgelist')).toBe(edgelistReader);
  });
});

describe('edgelist reader', () => {
  it('reads lines without a header: one Associate per pair, weight 1 by default, extra columns ignored', async () => {
    const path = write('net.txt', 'Ann,Bob,5,1\nBob,Cat\nCat,Dan,0.25,3\n');
    const items = await readAll(edgelistReader, path);
    expect(rejects(items)).toEqual([]);
    expect(ties(items, 'net')).toEqual(['Ann>Bob:weight=5', 'Bob>Cat:weight=1', 'Cat>Dan:weight=0.25']);
    expect(records(items).map((r) => r.origin.line)).toEqual([1, 2, 3]);
    expect(ofSchema(items, 'Associate').map((a) => value(a, 'relationship'))).toEqual(['tie', 'tie', 'tie']);
  });

  it('takes a first line whose third column is not a number as a header', async () => {
    const items = await readAll(edgelistReader, write('h.csv', 'source,target,weight\na,b,2\n'));
    expect(rejects(items)).toEqual([]);
    expect(ties(items, 'h')).toEqual(['a>b:weight=2']);
    const two = await readAll(edgelistReader, write('h2.csv', 'Source,Target\na,b\n'));
    expect(ties(two, 'h2')).toEqual(['a>b:weight=1']);
    expect(names(two)).toEqual(['a', 'b']);
  });

  it('keeps one Associate per unordered pair and reports a repeat with another weight', async () => {
    const path = write('rep.csv', 'a,b,5\nb,a,5\na,b,3\nb,c,1\n');
    const items = await readAll(edgelistReader, path);
    expect(ties(items, 'rep')).toEqual(['a>b:weight=5', 'b>c:weight=1']);
    expect(problems(items).map((p) => [p.line, p.field, p.code])).toEqual([[3, 'weight', 'VALUE_INVALID']]);
    expect(problems(items)[0]?.reason).toMatch(/differs from weight 5 given for this pair on line 1/);
    // Every line is a record (repeats carry only their nodes, which are already there).
    expect(records(items).length).toBe(4);
  });

  it('agrees with a matrix of the same network on node ids', async () => {
    const m = await readAll(adjacencyReader, write('same.csv', ',a,b\na,0,1\nb,1,0\n'));
    const e = await readAll(edgelistReader, write('same.txt', 'a,b\n'));
    expect(ofSchema(e, 'Person').map((p) => p.id)).toEqual(ofSchema(m, 'Person').map((p) => p.id));
  });

  it('rejects bad lines and keeps the rest', async () => {
    const path = write('bad.csv', 'a,b,1\n,c,1\nc,d,x\nd,e,-1\ne,e,1\nf,g,0\n');
    const items = await readAll(edgelistReader, path);
    expect(rejects(items).map((r) => [r.line, r.field])).toEqual([
      [2, 'source'],
      [3, 'weight'],
      [4, 'weight'],
    ]);
    // A self tie keeps its node and is reported; weight 0 keeps the nodes without a tie.
    expect(problems(items).map((p) => [p.line, p.field])).toEqual([[5, 'target']]);
    expect(ties(items, 'bad')).toEqual(['a>b:weight=1']);
    expect(names(items)).toEqual(['a', 'b', 'e', 'f', 'g']);
  });

  it('reads tab-separated lines and refuses a matrix', async () => {
    expect(ties(await readAll(edgelistReader, write('tab.tsv', 'a b\tc\t2\n')), 'tab')).toEqual([
      'a b>c:weight=2',
    ]);
    expect(await codeOf(readAll(edgelistReader, write('m.csv', '"",a,b,c\na,0,1,0\n')))).toBe(
      'FORMAT_MISMATCH',
    );
  });

  it('writes weights in plain decimals', () => {
    expect(weightSummary(52)).toBe('weight=52');
    expect(weightSummary(1e-7)).toBe('weight=0.0000001');
    expect(weightSummary(2e21)).toBe('weight=2000000000000000000000');
  });
});
