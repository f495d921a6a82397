// A sorted set of keys (code point order) with prefix scans: the watch cache's index.
import { compareKeys } from "./key-range.js";

/** Keys per block before it is split in two. */
const maxBlock = 512;

/**
 * Keys kept in compareKeys order, in a list of sorted blocks of at most `maxBlock` keys (each
 * block's keys all sort before the next block's): add and remove cost O(log n + block size)
 * rather than moving every later key of one big array, which with tens of thousands of keys
 * (a pod, its events, every node and lease) dominated the watch cache's writes. Prefix scans
 * are O(log n + matches).
 */
export class SortedKeys {
  #blocks: string[][] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Adds `key` unless present. */
  add(key: string): void {
    if (this.#blocks.length === 0) {
      this.#blocks.push([key]);
      this.#size = 1;
      return;
    }
    // The first block whose last key is >= key, or the last block (key sorts after everything).
    const b = Math.min(this.#blockFor(key), this.#blocks.length - 1);
    const block = this.#blocks[b];
    const i = lowerBound(block, key);
    if (block[i] === key) return;
    block.splice(i, 0, key);
    this.#size++;
    if (block.length > maxBlock) this.#blocks.splice(b + 1, 0, block.splice(block.length >> 1));
  }

  /** Removes `key` if present. */
  remove(key: string): void {
    const b = this.#blockFor(key);
    const block = this.#blocks[b];
    if (!block) return;
    const i = lowerBound(block, key);
    if (block[i] !== key) return;
    block.splice(i, 1);
    this.#size--;
    if (block.length === 0) this.#blocks.splice(b, 1);
  }

  /** Replaces the contents with `keys` (any order, no duplicates). */
  reset(keys: Iterable<string>): void {
    const sorted = [...keys].sort(compareKeys);
    this.#blocks = [];
    for (let i = 0; i < sorted.length; i += maxBlock) this.#blocks.push(sorted.slice(i, i + maxBlock));
    this.#size = sorted.length;
  }

  /** The keys starting with `prefix`, in order. */
  withPrefix(prefix: string): string[] {
    const out: string[] = [];
    const first = this.#blockFor(prefix);
    for (let b = first; b < this.#blocks.length; b++) {
      const block = this.#blocks[b];
      for (let i = b === first ? lowerBound(block, prefix) : 0; i < block.length; i++) {
        if (!block[i].startsWith(prefix)) return out;
        out.push(block[i]);
      }
    }
    return out;
  }

  /** The index of the first block whose last key is >= `key`; the block count if none. */
  #blockFor(key: string): number {
    let lo = 0;
    let hi = this.#blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const block = this.#blocks[mid];
      if (compareKeys(block[block.length - 1], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The first position in the sorted `keys` whose key is >= `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKeys(keys[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
