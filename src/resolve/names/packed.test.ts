import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareNames, runSounds } from './compare.js';
import { ANALYSIS_VERSION, packName, storedNames, unpackName, unpackNames } from './packed.js';
import { type AnalysedName, analyseName, cachedAnalysis, type NameKind } from './parts.js';

const KINDS: NameKind[] = ['person', 'org', 'vessel'];

// Names that exercise every step of analysis: scripts, titles, particles, patronymics, legal forms (one word and
// phrases), numbers in words and Roman numerals, dotted initialisms, digits used as letters, abbreviations, emoji.
const NAMES = [
  'Vladimir Vladimirovich PUTIN',
  'Владимир Владимирович Путин',
  'Володимир Зеленський',
  'Ραφαήλ Νικολάου',
  'محمد بن سلمان آل سعود',
  'علی خامنه‌ای',
  '김정은',
  '习近平',
  'カタカナ タロウ',
  'Usama bin Muhammad ibn Ladin',
  'Abd-al-Hamid Abd-al-Haimd',
  'Dr. Ayman al-Zawahiri',
  'Mr John Ronald Reuel Tolkien',
  'J. R. R. Tolkien',
  'Ludwig van Beethoven',
  'Jean-Claude Van Damme',
  'Ig0r Sech1n',
  'Zoë Ørsted-Straße',
  'Ǆemal Đukić',
  "Al-Qa'ida fi Bilad al-Rafidayn",
  'OOO Romashka',
  'ООО «Ромашка»',
  'Obshchestvo s ogranichennoy otvetstvennostyu Romashka',
  'Limited Liability Company Gazprom Neft',
  'A.B.C. Trading L.L.C.',
  'Sberbank of Russia PJSC',
  'Bank Melli Iran',
  "People's Liberation Army",
  'Forty Four Holdings Ltd',
  'Fund XI of the 1st Investors Co',
  'King Henry VIII',
  'M/V Ever Given',
  'MV Sea Star 7',
  'Korea Kwangson Banking Corp.',
  'Intl Trading Co SA',
  'emoji 😀 name',
  'x',
  '123',
  '',
  '.-.',
  'tschaikowsky schulze scholz',
  'Muammar Gaddafi Qadhafi Kadhafi',
];

/** The analysis with every field in the order analysis makes it, so equal text means an identical analysis. */
const exact = (a: AnalysedName): string => JSON.stringify([a.parts, [...a.forms], [...a.numbers]]);

describe('packed name analyses', () => {
  it('read back exactly as analysis made them, in every kind', () => {
    for (const name of NAMES)
      for (const kind of KINDS) {
        const a = analyseName(name, kind);
        expect([name, kind, exact(unpackName(packName(a)))]).toEqual([name, kind, exact(a)]);
      }
  });

  it('keep the sounds of the runs name comparison fuses, and read them back', () => {
    const a = analyseName('Kim Jong Un', 'person');
    const packed = packName(a);
    expect(packed.split('|')[2]).toBe(runSounds(a.parts).join(' '));
    expect(runSounds(a.parts)).toHaveLength(3);
    // Read back, the kept sounds are the ones used (here deliberately not the real ones).
    const forged = unpackName(`${packed.split('|').slice(0, 2).join('|')}|zz yy xx`);
    expect(runSounds(forged.parts)).toEqual(['zz', 'yy', 'xx']);
    // A list of the wrong length is ignored: the sounds are then worked out as usual.
    const short = unpackName(`${packed.split('|').slice(0, 2).join('|')}|zz`);
    expect(runSounds(short.parts)).toEqual(runSounds(a.parts));
  });

  it('are what comparison reads when their stamp and kind are the engine’s, and ignored otherwise', () => {
    const name = 'Zbigniew Packed-Testname';
    const stored = storedNames('Person', [name]);
    expect(stored.kind).toBe('person');
    // Under a name, an analysis of another: comparison shows which one it read.
    const other = 'Wiesław Otherstamp';
    const forged = packName(analyseName('Someone Else', 'person'));
    const known = unpackNames({ ...stored, list: [[other, forged]] });
    expect(known?.kind).toBe('person');
    expect(exact(known?.byName.get(other) as AnalysedName)).toBe(
      exact(analyseName('Someone Else', 'person')),
    );
    expect(compareNames('Person', ['Someone Else'], [other], known).score).toBe(1);
    // Passed along, not cached: the name's own analysis is what the cache then gives.
    expect(cachedAnalysis(other, 'person')).toBeUndefined();
    expect(compareNames('Person', ['Someone Else'], [other]).score).toBeLessThan(0.5);
    // Made for a person, not read for an organisation's comparison.
    expect(compareNames('Company', ['Someone Else'], [other], known).score).toBeLessThan(0.5);
    // A name the cache holds is taken from it (storedNames analysed this one), not unpacked again.
    const cached = unpackNames({ ...stored, list: [[name, forged]] });
    expect(cached?.byName.get(name)).toBe(analyseName(name, 'person'));
    expect(unpackNames({ stamp: 'old', kind: 'person', list: [[other, forged]] })).toBeUndefined();
    expect(unpackNames({ ...stored, kind: 'planet' })).toBeUndefined();
    expect(unpackNames(undefined)).toBeUndefined();
  });

  // When analysis output changes, stored profiles would be read back as the old analysis: the version must move so
  // their stamp no longer matches. Regenerate with NEXUS_UPDATE_SNAPSHOT=1 after bumping ANALYSIS_VERSION (then
  // `npx biome format --write src/resolve/names/packed.snapshot.json`).
  it('change only with ANALYSIS_VERSION (snapshot)', () => {
    const file = new URL('./packed.snapshot.json', import.meta.url);
    const now: Record<string, string[]> = {};
    for (const name of NAMES) now[name] = KINDS.map((k) => packName(analyseName(name, k)));
    const saved = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as { version: number; names: Record<string, string[]> })
      : undefined;
    if (process.env.NEXUS_UPDATE_SNAPSHOT === '1') {
      const changed = saved !== undefined && JSON.stringify(saved.names) !== JSON.stringify(now);
      if (changed && saved.version === ANALYSIS_VERSION)
        throw new Error(
          'name analysis changed: bump ANALYSIS_VERSION in packed.ts before updating the snapshot',
        );
      writeFileSync(file, `${JSON.stringify({ version: ANALYSIS_VERSION, names: now }, null, 1)}\n`);
      return;
    }
    expect(saved, 'packed.snapshot.json is missing: run with NEXUS_UPDATE_SNAPSHOT=1').toBeDefined();
    expect(saved?.version, 'ANALYSIS_VERSION moved: run with NEXUS_UPDATE_SNAPSHOT=1').toBe(ANALYSIS_VERSION);
    for (const name of NAMES)
      expect(
        [name, now[name]],
        'name analysis changed: bump ANALYSIS_VERSION in packed.ts, then run with NEXUS_UPDATE_SNAPSHOT=1',
      ).toEqual([name, saved?.names[name]]);
  });
});
