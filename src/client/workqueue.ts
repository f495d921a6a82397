// The keyed work queue of a controller, with client-go's semantics: de-duplicating, one worker
// per key at a time, delayed and rate-limited re-adds, and a clean shutdown.

import type { CancelTimer, Clock } from "./clock.js";
import { realClock } from "./clock.js";
import type { RateLimiter } from "./rate-limiter.js";
import { defaultControllerRateLimiter } from "./rate-limiter.js";

export interface WorkQueueOptions<K> {
  /** Default: the real clock. */
  clock?: Clock;
  /** Default: defaultControllerRateLimiter on the same clock. */
  rateLimiter?: RateLimiter<K>;
}

/**
 * A queue of keys (usually "namespace/name") for workers to process.
 *
 * Contract:
 * - `add` de-duplicates: a key waiting in the queue is queued once however often it is added.
 * - `get` hands each queued key to exactly one caller, in FIFO order, and marks it processing;
 *   the caller must call `done(key)` when finished, whatever the outcome.
 * - A key is never handed out twice at once: adding a key that is being processed marks it
 *   dirty, and it is queued again only when `done(key)` is called.
 * - `addAfter(key, ms)` adds it once `ms` have passed (an earlier pending deadline wins);
 *   `addRateLimited(key)` waits as long as the rate limiter says for this key's next failure;
 *   `forget(key)` resets that history (call it after a successful sync); `numRequeues(key)`
 *   counts failures since.
 * - After `shutDown()`, adds are ignored and pending delayed adds are dropped; `get` still
 *   hands out keys already queued, then resolves `undefined` — workers stop on that.
 */
export class WorkQueue<K> {
  readonly #clock: Clock;
  readonly #limiter: RateLimiter<K>;
  #queue: K[] = [];
  #head = 0;
  readonly #dirty = new Set<K>();
  readonly #processing = new Set<K>();
  readonly #waiters: ((key: K | undefined) => void)[] = [];
  readonly #delayed = new Map<K, { at: number; cancel: CancelTimer }>();
  #shuttingDown = false;

  constructor(o: WorkQueueOptions<K> = {}) {
    this.#clock = o.clock ?? realClock;
    this.#limiter = o.rateLimiter ?? defaultControllerRateLimiter<K>(this.#clock);
  }

  /** Keys queued and not yet handed out (neither processing nor delayed ones). */
  get length(): number {
    return this.#queue.length - this.#head;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  add(key: K): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    this.#queue.push(key);
    this.#dispatch();
  }

  /** The next key, waiting if none is queued; `undefined` once shut down and drained. */
  get(): Promise<K | undefined> {
    if (this.length > 0) return Promise.resolve(this.#take());
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Ends processing of `key`; queues it again if it was added meanwhile. */
  done(key: K): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key)) {
      this.#queue.push(key);
      this.#dispatch();
    }
  }

  addAfter(key: K, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.#clock.now() + ms;
    const pending = this.#delayed.get(key);
    if (pending && pending.at <= at) return;
    pending?.cancel();
    const cancel = this.#clock.setTimer(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, ms);
    this.#delayed.set(key, { at, cancel });
  }

  addRateLimited(key: K): void {
    this.addAfter(key, this.#limiter.when(key));
  }

  forget(key: K): void {
    this.#limiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.#limiter.numRequeues(key);
  }

  /** Stops accepting keys, drops delayed adds, and wakes idle `get` callers with `undefined`. */
  shutDown(): void {
    this.#shuttingDown = true;
    for (const d of this.#delayed.values()) d.cancel();
    this.#delayed.clear();
    for (const w of this.#waiters.splice(0)) w(undefined);
  }

  #take(): K {
    const key = this.#queue[this.#head++];
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#dirty.delete(key);
    this.#processing.add(key);
    return key;
  }

  #dispatch(): void {
    while (this.#waiters.length > 0 && this.length > 0) (this.#waiters.shift() as (k: K) => void)(this.#take());
  }
}
