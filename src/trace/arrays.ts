// Growable typed arrays and a compact pool of transaction ids, for building ledgers of tens of millions of
// events without an object per event.

export class GrowInt32 {
  a: Int32Array;
  n = 0;

  constructor(capacity = 1024) {
    this.a = new Int32Array(capacity);
  }

  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }

  /** The filled part, trimmed to its length (a copy only when there is spare room). */
  done(): Int32Array {
    return this.n === this.a.length ? this.a : this.a.slice(0, this.n);
  }
}

export class GrowFloat64 {
  a: Float64Array;
  n = 0;

  constructor(capacity = 1024) {
    this.a = new Float64Array(capacity);
  }

  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }

  done(): Float64Array {
    return this.n === this.a.length ? this.a : this.a.slice(0, this.n);
  }
}

/**
 * Transaction ids, one after another in one byte buffer. A lowercase hex id of even length (optionally with
 * 0x, as Bitcoin and Ethereum hashes are) is kept as its bytes, half the size of the text; any other id as
 * UTF-8. Each entry starts with a kind byte: 0 UTF-8, 1 hex, 2 0x-hex.
 */
export class TxIdPool {
  private bytes = Buffer.alloc(1 << 16);
  private used = 0;
  private readonly starts = new GrowFloat64();

  get size(): number {
    return this.starts.n;
  }

  get byteLength(): number {
    return this.used + this.starts.n * 8;
  }

  add(id: string): number {
    this.starts.push(this.used);
    if (HEX_ID.test(id)) {
      const prefixed = id.charCodeAt(1) === 120; // 'x'
      const len = (id.length - (prefixed ? 2 : 0)) / 2;
      this.ensure(1 + len);
      this.bytes[this.used] = prefixed ? 2 : 1;
      this.bytes.write(prefixed ? id.slice(2) : id, this.used + 1, len, 'hex');
      this.used += 1 + len;
    } else {
      this.ensure(1 + id.length * 3);
      this.bytes[this.used] = 0;
      this.used += 1 + this.bytes.write(id, this.used + 1, 'utf8');
    }
    return this.starts.n - 1;
  }

  get(i: number): string {
    const start = this.starts.a[i] as number;
    const end = i + 1 < this.starts.n ? (this.starts.a[i + 1] as number) : this.used;
    const kind = this.bytes[start] as number;
    const text = this.bytes.toString(kind === 0 ? 'utf8' : 'hex', start + 1, end);
    return kind === 2 ? `0x${text}` : text;
  }

  /** Frees spare capacity once no more ids will be added. */
  trim(): void {
    this.bytes = Buffer.from(this.bytes.subarray(0, this.used));
  }

  private ensure(extra: number): void {
    if (this.used + extra <= this.bytes.length) return;
    let cap = this.bytes.length * 2;
    while (cap < this.used + extra) cap *= 2;
    const b = Buffer.alloc(cap);
    this.bytes.copy(b, 0, 0, this.used);
    this.bytes = b;
  }
}

/** Lowercase hex of even, non-zero length, optionally after 0x: kept as bytes. */
const HEX_ID = /^(?:0x)?(?:[0-9a-f]{2})+$/;

/**
 * The order that sorts `keys[0..n)` ascending, ties kept in their original order (LSD radix sort on the
 * doubles' bits, 16 bits a pass, passes with one digit value skipped); undefined when already sorted.
 */
export function stableOrder(keys: Float64Array, n: number): Int32Array | undefined {
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if ((keys[i] as number) < (keys[i - 1] as number)) {
      sorted = false;
      break;
    }
  }
  if (sorted) return undefined;
  const f = new Float64Array(n);
  f.set(keys.subarray(0, n));
  const u = new Uint32Array(f.buffer);
  // Map each double to an unsigned 64-bit key with the same order: flip every bit of negatives, the sign of
  // the rest. Little-endian: u[2i] is the low word, u[2i+1] the high word.
  for (let i = 0; i < n; i++) {
    const hi = u[2 * i + 1] as number;
    if (hi & 0x80000000) {
      u[2 * i + 1] = ~hi >>> 0;
      u[2 * i] = ~(u[2 * i] as number) >>> 0;
    } else u[2 * i + 1] = (hi | 0x80000000) >>> 0;
  }
  let idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let tmp = new Int32Array(n);
  const count = new Int32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? 0 : 1;
    const shift = pass % 2 === 0 ? 0 : 16;
    count.fill(0);
    for (let i = 0; i < n; i++) {
      const d = ((u[2 * i + word] as number) >>> shift) & 0xffff;
      count[d] = (count[d] as number) + 1;
    }
    let single = false;
    for (let d = 0; d < 65536; d++) {
      if ((count[d] as number) === n) single = true;
      if ((count[d] as number) !== 0) break;
    }
    if (single) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d] as number;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const item = idx[i] as number;
      const d = ((u[2 * item + word] as number) >>> shift) & 0xffff;
      tmp[count[d] as number] = item;
      count[d] = (count[d] as number) + 1;
    }
    const t = idx;
    idx = tmp;
    tmp = t;
  }
  return idx;
}

/** Binary min-heap of non-negative integers, each its own key; duplicates allowed. */
export class IntHeap {
  private a = new Int32Array(1024);
  size = 0;

  push(x: number): void {
    if (this.size === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    const a = this.a;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = a[parent] as number;
      if (p <= x) break;
      a[i] = p;
      i = parent;
    }
    a[i] = x;
  }

  /** Removes and returns the smallest; call only when size > 0. */
  pop(): number {
    const a = this.a;
    const top = a[0] as number;
    const n = --this.size;
    const x = a[n] as number;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && (a[child + 1] as number) < (a[child] as number)) child++;
      if ((a[child] as number) >= x) break;
      a[i] = a[child] as number;
      i = child;
    }
    a[i] = x;
    return top;
  }
}
