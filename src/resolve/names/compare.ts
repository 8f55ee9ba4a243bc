// Name comparison (temporary simple version; replaced by the aligned scorer).
export interface NameComparison {
  score: number;
  explanation: string;
  left: string;
  right: string;
}

export function normalizeName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function nameKeys(name: string): string[] {
  return [...new Set(normalizeName(name).split(' ').filter((t) => t.length >= 2))];
}

export function compareNames(_schema: string, a: readonly string[], b: readonly string[]): NameComparison {
  let best: NameComparison = { score: 0, explanation: 'no names', left: a[0] ?? '', right: b[0] ?? '' };
  for (const x of a) {
    for (const y of b) {
      const tx = new Set(nameKeys(x));
      const ty = new Set(nameKeys(y));
      let common = 0;
      for (const t of tx) if (ty.has(t)) common++;
      const score = tx.size + ty.size === 0 ? 0 : (2 * common) / (tx.size + ty.size);
      if (score > best.score) best = { score, explanation: `token overlap ${common}`, left: x, right: y };
    }
  }
  return best;
}
