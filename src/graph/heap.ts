// A binary min-heap of (key, node) pairs on typed arrays, with lazy deletion left to the caller
// (push a node again with a better key; skip stale pops by comparing with the current best).

export class MinHeap {
  private keys: Float64Array;
  private items: Uint32Array;
  size = 0;

  constructor(capacity = 1024) {
    this.keys = new Float64Array(capacity);
    this.items = new Uint32Array(capacity);
  }

  push(key: number, item: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(this.size * 2);
      keys.set(this.keys);
      this.keys = keys;
      const items = new Uint32Array(this.size * 2);
      items.set(this.items);
      this.items = items;
    }
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.keys[parent] as number) <= key) break;
      this.keys[i] = this.keys[parent] as number;
      this.items[i] = this.items[parent] as number;
      i = parent;
    }
    this.keys[i] = key;
    this.items[i] = item;
  }

  /** The smallest key's item; read `lastKey` for its key. Call only when size > 0. */
  pop(): number {
    const top = this.items[0] as number;
    this.lastKey = this.keys[0] as number;
    const n = --this.size;
    const key = this.keys[n] as number;
    const item = this.items[n] as number;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && (this.keys[child + 1] as number) < (this.keys[child] as number)) child++;
      if ((this.keys[child] as number) >= key) break;
      this.keys[i] = this.keys[child] as number;
      this.items[i] = this.items[child] as number;
      i = child;
    }
    this.keys[i] = key;
    this.items[i] = item;
    return top;
  }

  lastKey = 0;
}
