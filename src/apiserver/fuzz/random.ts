// A small seeded pseudo-random generator for the API fuzzer. The same seed yields the same
// sequence on every machine and Node version (no Math.random, no floating-point state beyond
// 32-bit integer arithmetic), so a failing fuzz run is replayed exactly from its printed seed.

import { mulberry32 } from "../../allocators/random.js";

/** mulberry32: 32 bits of state, good enough spread for picking test inputs, trivially portable. */
export class Random {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }

  /** The next value in [0, 2^32). */
  next(): number {
    return this.#next();
  }

  /** An integer in [0, n); n must be a positive integer. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Random.int: n must be a positive integer, got ${n}`);
    return this.next() % n;
  }

  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability p (0 ≤ p ≤ 1). */
  chance(p: number): boolean {
    return this.next() < p * 2 ** 32;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("Random.pick: empty list");
    return items[this.int(items.length)];
  }

  /** One element, chosen with the given relative weights. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let x = this.int(total);
    for (const [v, w] of items) {
      if (x < w) return v;
      x -= w;
    }
    return items[items.length - 1][0];
  }

  /** A child generator whose sequence depends only on this one's next value (stable per case). */
  fork(): Random {
    return new Random(this.next());
  }
}

/** A fresh seed for a run that was not given one (printed, so that the run can be replayed). */
export function freshSeed(): number {
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}

/** The seed from a decimal or 0x-hex string, or undefined when it is not one. */
export function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const n = Number(text.trim());
  return Number.isInteger(n) && n >= 0 && n < 2 ** 32 ? n : undefined;
}
