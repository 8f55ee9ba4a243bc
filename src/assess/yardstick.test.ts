import { describe, expect, it } from 'vitest';
import { yardstick } from './yardstick.js';

describe('the probability yardstick', () => {
  it('words each band to its inclusive edges', () => {
    const cases: [number, string][] = [
      [0, 'remote chance'],
      [0.05, 'remote chance'],
      [0.1, 'highly unlikely'],
      [0.2, 'highly unlikely'],
      [0.25, 'unlikely'],
      [0.35, 'unlikely'],
      [0.4, 'realistic possibility'],
      [0.5, 'realistic possibility'],
      [0.55, 'likely'],
      [0.75, 'likely'],
      [0.8, 'highly likely'],
      [0.9, 'highly likely'],
      [0.95, 'almost certain'],
      [1, 'almost certain'],
    ];
    for (const [p, term] of cases) expect(yardstick(p), String(p)).toMatchObject({ term, in_gap: false });
  });

  it('words a value in a gap with the nearer band, midway with the band nearer 50%', () => {
    expect(yardstick(0.06)).toMatchObject({ term: 'remote chance', in_gap: true });
    expect(yardstick(0.09)).toMatchObject({ term: 'highly unlikely', in_gap: true });
    expect(yardstick(0.075).term).toBe('highly unlikely');
    expect(yardstick(0.225).term).toBe('unlikely');
    expect(yardstick(0.375).term).toBe('realistic possibility');
    expect(yardstick(0.525).term).toBe('realistic possibility');
    expect(yardstick(0.53).term).toBe('likely');
    expect(yardstick(0.775).term).toBe('likely');
    expect(yardstick(0.925).term).toBe('highly likely');
    expect(yardstick(0.93)).toMatchObject({ term: 'almost certain', in_gap: true });
  });

  it('refuses what is not a probability', () => {
    for (const p of [-0.01, 1.01, Number.NaN]) expect(() => yardstick(p)).toThrow(/not between 0 and 1/);
  });
});
