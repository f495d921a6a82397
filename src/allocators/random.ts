// Injected randomness for allocators: production uses Math.random, tests a seeded generator so
// that "random" allocations are reproducible.

/** Returns an integer in [0, n); n is at least 1. */
export type RandomInt = (n: number) => number;

/** Uniform random integers from Math.random. */
export const mathRandomInt: RandomInt = (n) => Math.floor(Math.random() * n);

/**
 * A deterministic generator (mulberry32) seeded with a 32-bit integer: the same seed gives the
 * same sequence, for tests and benchmarks.
 */
export function seededRandomInt(seed: number): RandomInt {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.floor(unit * n);
  };
}
