/**
 * A bounded memo for values derived from text (word lists, profiles of records), cheaper than an LRU on the hot
 * path: a hit is one Map lookup, no reordering. Two generations of up to `size` entries each: when the young one is
 * full it becomes the old one and the old one is dropped, and a hit in the old one moves the entry back to the young
 * one. So what is used stays, memory stays within 2 x size entries, and nothing is copied or sorted.
 */
export class Memo<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(private readonly size: number) {}

  get(key: K): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const aged = this.old.get(key);
    if (aged !== undefined) this.set(key, aged);
    return aged;
  }

  set(key: K, value: V): void {
    if (this.young.size >= this.size) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  /** The value for `key`, made by `make` when it is not remembered. */
  through(key: K, make: (key: K) => V): V {
    let value = this.get(key);
    if (value === undefined) {
      value = make(key);
      this.set(key, value);
    }
    return value;
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}
