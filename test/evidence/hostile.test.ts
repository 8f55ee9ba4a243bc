// Hostile evidence is refused with its own code before anything is extracted or parsed (SECURITY.md R14): a zip
// bomb, a zip-slip path, a symbolic link in an archive, archives nested too deep, a polyglot, a truncated PDF; the
// rest of the folder is still read, and nothing is written anywhere.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nexus, tempHome } from '../cli/helpers.js';
import { makePdf, makeZip, plainJpeg } from './fixtures.js';

describe('hostile evidence', () => {
  let home: string;
  let codes: Map<string, string>;
  let summary: Record<string, number>;

  beforeAll(async () => {
    home = tempHome('nexus-evidence-hostile-');
    const dir = join(home, 'hostile');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'bomb.zip'),
      makeZip([{ name: 'zeros.txt', data: Buffer.alloc(8 * 1024 * 1024) }]),
    );
    writeFileSync(join(dir, 'slip.zip'), makeZip([{ name: '../../etc/evil.txt', data: Buffer.from('x') }]));
    writeFileSync(
      join(dir, 'link.zip'),
      makeZip([{ name: 'passwd', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]),
    );
    writeFileSync(
      join(dir, 'liar.zip'),
      makeZip([{ name: 'a.txt', data: Buffer.from('much more than stated'), claimSize: 3 }]),
    );
    let nested = makeZip([{ name: 'deep.txt', data: Buffer.from('deep') }]);
    for (let i = 0; i < 4; i++) nested = makeZip([{ name: `level${i}.zip`, data: nested }]);
    writeFileSync(join(dir, 'nested.zip'), nested);
    writeFileSync(
      join(dir, 'polyglot.pdf'),
      Buffer.concat([makePdf(['a PDF']), makeZip([{ name: 'x.txt', data: Buffer.from('and a ZIP') }])]),
    );
    writeFileSync(
      join(dir, 'gifar.jpg'),
      Buffer.concat([plainJpeg(), makeZip([{ name: 'x.js', data: Buffer.from('alert(1)') }])]),
    );
    const pdf = makePdf(['cut short']);
    writeFileSync(join(dir, 'truncated.pdf'), pdf.subarray(0, pdf.length - 60));
    writeFileSync(join(dir, 'fine.txt'), 'an ordinary file');
    const rejects = join(home, 'rejects.jsonl');
    const run = await nexus(
      home,
      'ingest',
      '--format',
      'files',
      '--dataset',
      'hostile',
      '--ocr',
      'off',
      '--rejects',
      rejects,
      '--json',
      dir,
    );
    expect(run.code).toBe(0);
    summary = JSON.parse(run.stdout);
    codes = new Map(
      readFileSync(rejects, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { file: string; code: string })
        .map((r) => [r.file, r.code]),
    );
  }, 60_000);

  it('refuses each hostile file with its own code', () => {
    expect(codes.get('hostile/bomb.zip')).toBe('ARCHIVE_BOMB');
    expect(codes.get('hostile/slip.zip')).toBe('ARCHIVE_UNSAFE_PATH');
    expect(codes.get('hostile/link.zip')).toBe('ARCHIVE_SYMLINK');
    expect(codes.get('hostile/liar.zip')).toBe('ARCHIVE_INVALID');
    expect(codes.get('hostile/polyglot.pdf')).toBe('FILE_POLYGLOT');
    expect(codes.get('hostile/gifar.jpg')).toBe('FILE_POLYGLOT');
    expect(codes.get('hostile/truncated.pdf')).toBe('PDF_TRUNCATED');
    expect([...codes].find(([file]) => file.startsWith('hostile/nested.zip/'))?.[1]).toBe('ARCHIVE_TOO_DEEP');
  });

  it('still reads the rest, and writes nothing outside the store', () => {
    // fine.txt and the outer levels of the nested archive.
    expect(summary.accepted).toBe(2);
    expect(
      readdirSync(home)
        .filter((n) => !n.startsWith('nexus.db'))
        .sort(),
    ).toEqual(['hostile', 'rejects.jsonl']);
    expect(readdirSync(join(home, 'hostile')).length).toBe(9);
  });
});
