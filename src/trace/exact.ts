// Exact amounts in base units. A value up to 2^53 - 1 is a plain number (the fast path: no allocation, exact
// integer arithmetic in doubles); anything larger is a bigint. Every function here returns that normal form,
// so equal values have one representation and zero is always the number 0. Amounts are never negative here.

export type Amt = number | bigint;

const MAX = Number.MAX_SAFE_INTEGER;
const MAX_BIG = BigInt(MAX);

/** The normal form of a non-negative bigint. */
export function norm(x: bigint): Amt {
  return x <= MAX_BIG ? Number(x) : x;
}

export function add(a: Amt, b: Amt): Amt {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (s <= MAX) return s;
  }
  return norm(BigInt(a) + BigInt(b));
}

/** a - b, for a >= b. */
export function sub(a: Amt, b: Amt): Amt {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return norm(BigInt(a) - BigInt(b));
}

/** floor(a * b / c), for c > 0: exact, whatever the sizes. */
export function mulDiv(a: Amt, b: Amt, c: Amt): Amt {
  if (typeof a === 'number' && typeof b === 'number' && typeof c === 'number' && b <= c)
    return mulDivNum(a, b, c);
  return norm((BigInt(a) * BigInt(b)) / BigInt(c));
}

/**
 * floor(a * b / c) for safe integers a, b and c > 0 whose result is below 2^53 (b <= c makes sure of it),
 * exactly and almost always without a bigint: when the product fits in 53 bits the double arithmetic is
 * exact; otherwise a * b / c in doubles is within x * 2^-52 of the true x, so when no integer lies within
 * a margin of it the floor is known; only a quotient that close to a whole number (an exact division among
 * them) takes the bigint way.
 */
export function mulDivNum(a: number, b: number, c: number): number {
  const p = a * b;
  if (p <= MAX) return (p - (p % c)) / c;
  const x = p / c;
  const m = x * 1e-15;
  const f = Math.floor(x - m);
  if (f === Math.floor(x + m)) return f;
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

export function min(a: Amt, b: Amt): Amt {
  return a < b ? a : b;
}

export function big(a: Amt): bigint {
  return typeof a === 'bigint' ? a : BigInt(a);
}

/** A number close to a / b, for shares. */
export function ratio(a: Amt, b: Amt): number {
  if (b === 0) return 0;
  if (typeof a === 'number' && typeof b === 'number') return a / b;
  const A = big(a);
  const B = big(b);
  // Scale both down so the division keeps about 50 significant bits.
  const shift = BigInt(Math.max(0, B.toString(2).length - 60));
  return Number(A >> shift) / Number(B >> shift);
}

/**
 * A column of amounts in a Float64Array: a value >= 0 is the amount itself, a negative value -(k + 1) refers
 * to `bigs[k]`. Used for the ledger's legs and per-address totals.
 */
export function decode(v: number, bigs: readonly bigint[]): Amt {
  return v >= 0 ? v : (bigs[-v - 1] as bigint);
}

export function encode(a: Amt, bigs: bigint[]): number {
  if (typeof a === 'number') return a;
  bigs.push(a);
  return -bigs.length;
}

/** A mutable array of amounts: doubles for the fast path, a side map for the rare bigints. */
export class AmtArray {
  readonly v: Float64Array;
  private readonly bigs = new Map<number, bigint>();

  /** n entries, or the given (zeroed) doubles. */
  constructor(n: number | Float64Array) {
    this.v = typeof n === 'number' ? new Float64Array(n) : n;
  }

  get(i: number): Amt {
    const x = this.v[i] as number;
    return x >= 0 ? x : (this.bigs.get(i) as bigint);
  }

  set(i: number, a: Amt): void {
    if (typeof a === 'number') {
      if ((this.v[i] as number) < 0) this.bigs.delete(i);
      this.v[i] = a;
    } else {
      this.v[i] = -1;
      this.bigs.set(i, a);
    }
  }

  /** True when the value at i is above zero (cheap: no bigint is read). */
  positive(i: number): boolean {
    return (this.v[i] as number) !== 0;
  }
}
