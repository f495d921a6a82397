// A bitmap of taken offsets 0..size-1, shared by the service IP and NodePort allocators.
// Dynamic allocation follows the band rule of range-bands.ts: a random free offset from the
// upper (dynamic) band first, and from the lower (static) band only when the upper one is full.

import type { RandomInt } from "./random.js";

/** Options of a BitmapAllocator. */
export interface BitmapOptions {
  /** Offsets [0, staticBand) form the static band; default 0 (no band). Clamped to size. */
  staticBand?: number;
}

/**
 * A fixed-size set of taken offsets. Not thread-aware and not persistent: the store-backed
 * pool builds one from the store's keys for each decision.
 */
export class BitmapAllocator {
  readonly size: number;
  readonly staticBand: number;
  readonly #bits: Uint32Array;
  #used = 0;

  /** `size` must be a non-negative integer. */
  constructor(size: number, options: BitmapOptions = {}) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`invalid bitmap size ${size}`);
    this.size = size;
    this.staticBand = Math.min(Math.max(0, options.staticBand ?? 0), size);
    this.#bits = new Uint32Array(Math.ceil(size / 32));
  }

  #check(offset: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.size) {
      throw new RangeError(`offset ${offset} is outside 0..${this.size - 1}`);
    }
  }

  /** True when `offset` is taken. Throws RangeError outside the bitmap. */
  has(offset: number): boolean {
    this.#check(offset);
    return (this.#bits[offset >>> 5] & (1 << (offset & 31))) !== 0;
  }

  /** Takes `offset`; false when it was already taken. Throws RangeError outside the bitmap. */
  allocate(offset: number): boolean {
    if (this.has(offset)) return false;
    this.#bits[offset >>> 5] |= 1 << (offset & 31);
    this.#used++;
    return true;
  }

  /** Frees `offset`; false when it was already free. Throws RangeError outside the bitmap. */
  release(offset: number): boolean {
    if (!this.has(offset)) return false;
    this.#bits[offset >>> 5] &= ~(1 << (offset & 31));
    this.#used--;
    return true;
  }

  /**
   * Takes and returns a free offset chosen at random: a random start in the dynamic band
   * [staticBand, size), scanning forward with wrap-around; if that band is full, the same in
   * the static band [0, staticBand). Undefined when every offset is taken.
   */
  allocateNext(random: RandomInt): number | undefined {
    if (this.#used >= this.size) return undefined;
    const picked = this.#scan(this.staticBand, this.size, random) ?? this.#scan(0, this.staticBand, random);
    if (picked !== undefined) this.allocate(picked);
    return picked;
  }

  #scan(from: number, to: number, random: RandomInt): number | undefined {
    const span = to - from;
    if (span <= 0) return undefined;
    const start = random(span);
    for (let i = 0; i < span; i++) {
      const at = from + ((start + i) % span);
      if (!this.has(at)) return at;
    }
    return undefined;
  }

  /** Number of free offsets. */
  free(): number {
    return this.size - this.#used;
  }

  /** Number of taken offsets. */
  used(): number {
    return this.#used;
  }

  /** The taken offsets in ascending order. */
  *taken(): IterableIterator<number> {
    for (let i = 0; i < this.size; i++) if (this.has(i)) yield i;
  }
}
