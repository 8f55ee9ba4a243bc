import { describe, expect, it } from 'vitest';
import { compareNames, nameKeys, normalizeName } from './index.js';

const score = (schema: string, a: string, b: string): number => compareNames(schema, [a], [b]).score;

describe('compareNames', () => {
  it('matches spelling, order, script and fused-token variants of a person', () => {
    expect(score('Person', 'Kim Jong Un', 'KIM Jong-un')).toBe(1);
    expect(score('Person', 'Smith, John', 'John Smith')).toBe(1);
    expect(score('Person', 'Владимир Путин', 'Vladimir Putin')).toBeGreaterThanOrEqual(0.9);
    expect(score('Person', '김정은', 'Kim Jong Un')).toBeGreaterThanOrEqual(0.7);
    expect(score('Person', 'أحمد حسن', 'Ahmed Hassan')).toBeGreaterThanOrEqual(0.7);
    expect(score('Person', 'SergeiLavrov', 'Sergei Lavrov')).toBeGreaterThanOrEqual(0.9);
    expect(score('Person', 'Ig0r Sech1n', 'Igor Sechin')).toBeGreaterThanOrEqual(0.7);
    expect(score('Person', 'Vladimir Vladimirovich Putin', 'Vladimir Putin')).toBeGreaterThanOrEqual(0.7);
    expect(score('Person', 'Dr. Rami Makhlouf', 'Rami Makhlouf')).toBe(1);
    expect(score('Person', 'J.-C. Juncker', 'Jean-Claude Juncker')).toBeGreaterThanOrEqual(0.7);
  });
  it('matches Arabic compound names however they are split or joined, and in Arabic script', () => {
    expect(score('Person', 'Abd al-Rahman Yasin', 'Abdurrahman Yasin')).toBe(1);
    expect(score('Person', 'عبد الرحمن ياسين', 'Abdul Rahman Yasin')).toBeGreaterThanOrEqual(0.7);
    expect(score('Person', 'شمس الدين حقاني', 'Shamsuddin Haqqani')).toBeGreaterThanOrEqual(0.7);
    expect(score('Person', 'نجيب الله محمد', 'Najibullah Muhammad')).toBeGreaterThanOrEqual(0.7);
    expect(score('Person', 'فضل محمد مظلوم', 'Fazl Mohammad Mazloom')).toBeGreaterThanOrEqual(0.7);
    expect(score('Person', 'طه ياسين رمضان', 'Taha Yassin Ramadan')).toBeGreaterThanOrEqual(0.7);
  });
  it('reads Abd and the name after it as one given name, which alone does not identify a person', () => {
    // "Abdelrahman" is one given name, however written: against a full name it is capped like any single part.
    expect(score('Person', 'Abdul Rahman Yasin', 'Abdelrahman')).toBeLessThan(0.7);
    expect(score('Person', 'Abdul Rahman Yasin', 'Abdul Rahman')).toBeLessThan(0.7);
    expect(score('Person', 'Mohammed Shamsuddin', 'Mohammed Shahabuddin')).toBeLessThan(0.7);
  });
  it('keeps different people apart', () => {
    expect(score('Person', 'Barack Obama', 'George Hussein Onyango Obama')).toBeLessThan(0.7);
    expect(score('Person', 'Sergey Viktorovich Lavrov', 'Sergey Ivanovich Lavrov')).toBeLessThan(0.7);
    expect(score('Person', 'Hugo Chacon', 'Hugo Chavez')).toBeLessThan(0.7);
    expect(score('Person', 'A. Nazarbayev', 'Nursultan Nazarbayev')).toBeLessThan(0.7);
    expect(score('Person', 'Salman bin Muhammad', 'Muhammad bin Salman')).toBeLessThan(0.7);
  });
  it('reads legal forms, generic words and numbers of organisations and vessels', () => {
    expect(
      score(
        'Company',
        'OOO Oboronnye Initsiativy',
        'Общество с ограниченной ответственностью Оборонные инициативы',
      ),
    ).toBe(1);
    expect(score('Company', 'Siemens AG', 'Siemens Aktiengesellschaft')).toBe(1);
    expect(score('Company', 'Deutsche Bank AG', 'Deutsche Bank GmbH')).toBeLessThan(0.7);
    expect(score('Organization', 'PLA', 'People’s Liberation Army')).toBeGreaterThanOrEqual(0.7);
    expect(score('Organization', 'Brigade Forty-Four', 'Brigade 44')).toBe(1);
    expect(score('Vessel', 'Ocean 1', 'Ocean 2')).toBeLessThan(0.7);
    expect(score('Vessel', 'MV Hellenic Spirit', 'Hellenic Spirit')).toBe(1);
  });
  it('returns the best pair of aliases with an explanation', () => {
    const r = compareNames('Person', ['Mr X', 'Kim Jong Un'], ['Someone Else', 'KIM Jong-un']);
    expect(r.left).toBe('Kim Jong Un');
    expect(r.right).toBe('KIM Jong-un');
    expect(r.explanation).toContain("'Kim Jong Un' ~ 'KIM Jong-un': name parts aligned");
  });
  it('never throws on hostile input', () => {
    const hostile = [
      '',
      'x',
      'é'.repeat(10_000),
      '😀🔥',
      'Vlаdimir Ρutin',
      '__proto__',
      'constructor',
      '\u0000\u200b',
      '...',
    ];
    for (const a of hostile) {
      for (const b of [...hostile, 'Vladimir Putin']) {
        const r = compareNames('Person', [a], [b]);
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(1);
      }
    }
    expect(compareNames('Person', [], []).score).toBe(0);
    expect(score('__proto__', '__proto__', 'Vladimir Putin')).toBe(0);
    expect(score('Person', 'Vlаdimir Ρutin', 'Vladimir Putin')).toBe(1); // Cyrillic а, Greek Ρ
  });
});

describe('nameKeys and normalizeName', () => {
  it('gives words and phonetic keys, without legal forms', () => {
    const keys = nameKeys('OOO "Gazprom Neft"');
    expect(keys).toContain('gazprom');
    expect(keys).toContain('neft');
    expect(keys).not.toContain('ooo');
    expect(keys.some((k) => k.startsWith('p:'))).toBe(true);
    expect(nameKeys('Газпром')).toContain('gazprom');
    expect(nameKeys('')).toEqual([]);
  });
  it('folds case, accents and scripts', () => {
    expect(normalizeName('Recep Tayyip Erdoğan')).toBe('recep tayyip erdogan');
    expect(normalizeName('Иван Иванов')).toBe('ivan ivanov');
    expect(normalizeName('__proto__')).toBe('proto');
  });
});
