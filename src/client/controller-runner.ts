// The worker loop every controller shares: wait for caches, then N workers take keys from the
// queue and call sync(key); failures are retried with rate limiting, then dropped and logged.

import { channel } from "node:diagnostics_channel";
import type { WorkQueue } from "./workqueue.js";

/** Each finished sync is published here: { controller, key, durationMs, error? , dropped? }. */
export const controllerSyncs = channel("svcnet.client.controller.sync");

/** Anything that can say when its cache is filled: an Informer, a factory. */
export interface CacheSyncWaiter {
  waitForCacheSync(signal?: AbortSignal): Promise<boolean>;
}

export interface ControllerOptions<K> {
  /** For logs and diagnostics. */
  name: string;
  queue: WorkQueue<K>;
  /**
   * Makes the world match the cache for one key. Must be idempotent, must re-read the
   * listers (never trust what a handler saw), must not mutate cached objects. A rejection
   * retries the key with backoff.
   */
  sync(key: K): Promise<void>;
  /** Concurrent workers; default 1. Never two on the same key. */
  workers?: number;
  /** Failed attempts retried before the key is dropped; default 15. */
  maxRetries?: number;
  /** Stops the controller: the queue shuts down and workers finish their current key. */
  signal: AbortSignal;
  /** Nothing is synced before all of these have synced. */
  caches?: readonly CacheSyncWaiter[];
  /** Called when a key is dropped after maxRetries; default console.error. */
  onDrop?(key: K, err: unknown): void;
}

/**
 * Runs a controller until `signal` aborts; resolves once every worker has stopped.
 * Contract: no `sync` call starts before every cache has synced (if the signal aborts first,
 * none starts at all); a key is synced by one worker at a time; a key that succeeds is
 * forgotten by the rate limiter; one that fails is re-added rate-limited until it has failed
 * `maxRetries` times, then forgotten and reported to `onDrop` (it comes back when a handler
 * adds it again). After the signal aborts, keys still queued are discarded without syncing.
 */
export async function runController<K>(o: ControllerOptions<K>): Promise<void> {
  const { queue, signal } = o;
  const stop = (): void => queue.shutDown();
  if (signal.aborted) stop();
  signal.addEventListener("abort", stop, { once: true });
  try {
    const synced = await Promise.all((o.caches ?? []).map((c) => c.waitForCacheSync(signal)));
    if (signal.aborted || !synced.every(Boolean)) {
      stop();
      return;
    }
    const workers = Array.from({ length: Math.max(1, o.workers ?? 1) }, () => worker(o));
    await Promise.all(workers);
  } finally {
    signal.removeEventListener("abort", stop);
  }
}

async function worker<K>(o: ControllerOptions<K>): Promise<void> {
  const { queue, signal } = o;
  const maxRetries = o.maxRetries ?? 15;
  for (;;) {
    const key = await queue.get();
    if (key === undefined) return;
    if (signal.aborted) {
      queue.done(key);
      continue;
    }
    const started = performance.now();
    try {
      await o.sync(key);
      queue.forget(key);
      if (controllerSyncs.hasSubscribers) controllerSyncs.publish({ controller: o.name, key, durationMs: performance.now() - started });
    } catch (err) {
      const dropped = queue.numRequeues(key) >= maxRetries;
      if (dropped) {
        queue.forget(key);
        if (o.onDrop) o.onDrop(key, err);
        else console.error(`svcnet: controller ${o.name}: dropping ${String(key)} after ${maxRetries} retries:`, err instanceof Error ? err.message : err);
      } else {
        queue.addRateLimited(key);
      }
      if (controllerSyncs.hasSubscribers) controllerSyncs.publish({ controller: o.name, key, durationMs: performance.now() - started, error: err, dropped });
    } finally {
      queue.done(key);
    }
  }
}
