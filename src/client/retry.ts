// retryOnConflict: the read-modify-write loop every controller writes, done once.

import { isConflict } from "./client-error.js";

export interface RetryOptions {
  /** Attempts in all; default 5 (client-go's DefaultRetry). */
  steps?: number;
  /** Pause before the second attempt, ms; default 10, grown by `factor` each time. */
  delayMs?: number;
  /** Default 1 (constant pauses, as DefaultRetry). */
  factor?: number;
  /** Each pause is stretched by up to this fraction at random; default 0.1. */
  jitter?: number;
  signal?: AbortSignal;
  /** Injectable for tests; default a real timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs `fn` until it succeeds, retrying only when it rejects with a 409 Conflict (a stale
 * resourceVersion): `fn` must re-read the object each time. Any other error, or a conflict on
 * the last attempt, is rethrown unchanged.
 */
export async function retryOnConflict<R>(fn: () => Promise<R>, o: RetryOptions = {}): Promise<R> {
  const steps = o.steps ?? 5;
  let delay = o.delayMs ?? 10;
  const pause = o.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isConflict(e) || attempt >= steps) throw e;
    }
    await pause(delay * (1 + Math.random() * (o.jitter ?? 0.1)), o.signal);
    delay *= o.factor ?? 1;
  }
}
