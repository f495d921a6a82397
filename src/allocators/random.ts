// Injected randomness for allocators: production uses Math.random, tests a seeded generator so
// that "random" allocations are reproducible.

/** Returns an integer in [0, n); n is at least 1. */
export type RandomInt = (n: number) => number;

/** Uniform random integers from Math.random. */
export const mathRandomInt: RandomInt = (n) => Math.floor(Math.random() * n);

/**
 * mulberry32, a seeded generator of integers in [0, 2^32): 32 bits of state and 32-bit integer
 * arithmetic only, so the same seed gives the same sequence on every machine and Node version
 * (tests, fuzz runs and benchmarks replay from their seed).
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * A deterministic generator (mulberry32) seeded with a 32-bit integer: the same seed gives the
 * same sequence, for tests and benchmarks.
 */
export function seededRandomInt(seed: number): RandomInt {
  const next = mulberry32(seed);
  return (n) => Math.floor((next() / 4294967296) * n);
}
