// A sorted set of keys (code point order) with prefix scans: the watch cache's index.
import { compareKeys } from "./key-range.js";

/** Keys kept in compareKeys order; add/remove are O(n), prefix scans O(log n + matches). */
export class SortedKeys {
  #keys: string[] = [];

  get size(): number {
    return this.#keys.length;
  }

  /** Adds `key` unless present. */
  add(key: string): void {
    const i = this.#lowerBound(key);
    if (this.#keys[i] !== key) this.#keys.splice(i, 0, key);
  }

  /** Removes `key` if present. */
  remove(key: string): void {
    const i = this.#lowerBound(key);
    if (this.#keys[i] === key) this.#keys.splice(i, 1);
  }

  /** Replaces the contents with `keys` (any order, no duplicates). */
  reset(keys: Iterable<string>): void {
    this.#keys = [...keys].sort(compareKeys);
  }

  /** The keys starting with `prefix`, in order. */
  withPrefix(prefix: string): string[] {
    const out: string[] = [];
    for (let i = this.#lowerBound(prefix); i < this.#keys.length && this.#keys[i].startsWith(prefix); i++) {
      out.push(this.#keys[i]);
    }
    return out;
  }

  #lowerBound(key: string): number {
    let lo = 0;
    let hi = this.#keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKeys(this.#keys[mid], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
