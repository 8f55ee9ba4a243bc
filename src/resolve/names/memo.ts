// A bounded cache for the name engine: two generations, so filling up drops the oldest entries, not all of them.

/**
 * Keeps at most about twice `limit` entries. When the young generation fills it becomes the old one and the previous
 * old one is dropped; a hit in the old generation moves the entry back to the young. Clearing everything at once
 * instead (the former habit) made every hot entry (the query's words, common given names) miss together.
 */
export class BoundedCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit;
    const aged = this.old.get(key);
    if (aged !== undefined) this.set(key, aged);
    return aged;
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }

  set(key: K, value: V): void {
    if (this.young.size >= this.limit) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}
