// How long to wait before retrying a work item: per-item exponential backoff, an overall token
// bucket, and the maximum of several (client-go's DefaultControllerRateLimiter is the max of
// 5 ms·2ⁿ capped at 1000 s and 10 per second with a burst of 100).

import type { Clock } from "./clock.js";
import { realClock } from "./clock.js";

/**
 * Decides retry delays. `when(key)` records one more failure of `key` and returns the delay
 * in ms; `forget(key)` clears its history (call it when the item finally succeeds);
 * `numRequeues(key)` is the number of failures recorded since.
 */
export interface RateLimiter<K> {
  when(key: K): number;
  forget(key: K): void;
  numRequeues(key: K): number;
}

/** base·2^failures ms per item, capped at `maxMs`. */
export class ItemExponentialRateLimiter<K> implements RateLimiter<K> {
  readonly #failures = new Map<K, number>();
  readonly #baseMs: number;
  readonly #maxMs: number;

  /** Defaults: 5 ms doubling up to 1000 s. */
  constructor(o: { baseMs?: number; maxMs?: number } = {}) {
    this.#baseMs = o.baseMs ?? 5;
    this.#maxMs = o.maxMs ?? 1_000_000;
  }

  when(key: K): number {
    const n = this.#failures.get(key) ?? 0;
    this.#failures.set(key, n + 1);
    return Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(n, 1023));
  }

  forget(key: K): void {
    this.#failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.#failures.get(key) ?? 0;
  }
}

/**
 * A token bucket shared by all items: `burst` tokens, refilled at `qps` per second. Each
 * `when` takes a token now or reserves the next one, returning how long until it is due; it
 * keeps no per-item state.
 */
export class TokenBucketRateLimiter<K> implements RateLimiter<K> {
  readonly #qps: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;

  /** Defaults: 10 per second, burst 100. */
  constructor(o: { qps?: number; burst?: number; clock?: Clock } = {}) {
    this.#qps = o.qps ?? 10;
    this.#burst = o.burst ?? 100;
    this.#clock = o.clock ?? realClock;
    this.#tokens = this.#burst;
    this.#last = this.#clock.now();
  }

  when(_key: K): number {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) * this.#qps) / 1000);
    this.#last = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : (-this.#tokens * 1000) / this.#qps;
  }

  forget(_key: K): void {}

  numRequeues(_key: K): number {
    return 0;
  }
}

/** The longest delay any of `limiters` asks for; requeues counted as the most any reports. */
export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  readonly #limiters: readonly RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    this.#limiters = limiters;
  }

  when(key: K): number {
    return Math.max(0, ...this.#limiters.map((l) => l.when(key)));
  }

  forget(key: K): void {
    for (const l of this.#limiters) l.forget(key);
  }

  numRequeues(key: K): number {
    return Math.max(0, ...this.#limiters.map((l) => l.numRequeues(key)));
  }
}

/** client-go's default for controllers: max(5 ms·2ⁿ ≤ 1000 s per item, 10/s burst 100 overall). */
export function defaultControllerRateLimiter<K>(clock: Clock = realClock): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(new ItemExponentialRateLimiter<K>(), new TokenBucketRateLimiter<K>({ clock }));
}
