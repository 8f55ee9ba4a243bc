import { describe, expect, it } from 'vitest';
import { analyseName, kindOfSchema } from './parts.js';

describe('analyseName', () => {
  it('tags titles, particles, patronymics and initials of people', () => {
    const { parts } = analyseName('Sheikh Isa bin Tarif Viktorovich J.', 'person');
    expect(parts.map((p) => `${p.text}:${p.tag}`)).toEqual([
      'isa:name',
      'bin:particle',
      'tarif:name',
      'viktorovich:patronymic',
      'j:initial',
    ]);
  });
  it('lifts legal forms and numbers out of organisation names', () => {
    const a = analyseName('Tactical Missiles Corporation Joint Stock Company No. 2', 'org');
    expect([...a.forms]).toEqual(['jsc']);
    expect([...a.numbers]).toEqual(['2']);
    expect(analyseName('Bain Capital Fund XI L.P.', 'org').numbers.has('11')).toBe(true);
    expect([...analyseName('A.B.C. Company', 'org').parts.map((p) => p.text)]).toEqual(['abc', 'company']);
  });
  it('maps schemata to name kinds', () => {
    expect(kindOfSchema('Person')).toBe('person');
    expect(kindOfSchema('Vessel')).toBe('vessel');
    expect(kindOfSchema('__proto__')).toBe('org');
  });
});
