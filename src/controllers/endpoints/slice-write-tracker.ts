// Remembers the EndpointSlice writes a controller made until its informer has caught up with
// them. A controller that acted on a cache still missing its own last create would create the
// slice a second time; so before reconciling a Service it asks isStale() and, when the cache
// is behind, waits for the informer event (or the expiry) instead.

import type { Clock } from "../../client/index.js";
import type { EndpointSlice } from "../../api/types.js";

/** Options of SliceWriteTracker. */
export interface SliceWriteTrackerOptions {
  clock: Clock;
  /**
   * A write not seen in the cache after this long is given up on (the slice may have been
   * replaced or deleted by someone else before the informer saw it). Default 10 000 ms.
   */
  expiryMs?: number;
}

interface Pending {
  /** The resourceVersion the server gave our write; undefined for a delete. */
  resourceVersion: string | undefined;
  at: number;
}

const integer = /^\d+$/;

/**
 * True when the cached resourceVersion is the written one or newer. Resource versions are
 * opaque in general; svcnet's (store revisions, SQLite or etcd) are increasing integers, which
 * is what makes "newer" decidable — anything else only matches exactly.
 */
export function atLeast(cached: string | undefined, written: string): boolean {
  if (cached === undefined) return false;
  if (cached === written) return true;
  if (!integer.test(cached) || !integer.test(written)) return false;
  return cached.length !== written.length ? cached.length > written.length : cached > written;
}

/**
 * Per-Service record of slice writes not yet reflected in the informer cache. Not I/O, only
 * memory. Contract: after every successful create or update call wrote(); after a delete (or
 * a delete answered NotFound) call deleted(); before reconciling call isStale() with a lookup
 * into the cache. Entries are dropped once the cache shows them, or after `expiryMs`.
 * Calls for one Service must not interleave (a work queue guarantees that).
 */
export class SliceWriteTracker {
  readonly #clock: Clock;
  readonly #expiryMs: number;
  readonly #pending = new Map<string, Map<string, Pending>>();

  constructor(o: SliceWriteTrackerOptions) {
    this.#clock = o.clock;
    this.#expiryMs = o.expiryMs ?? 10_000;
  }

  /** Records a create or update of a Service's slice, as the server answered it. */
  wrote(serviceKey: string, slice: EndpointSlice): void {
    const name = slice.metadata.name;
    if (!name) return;
    this.#entries(serviceKey).set(name, { resourceVersion: slice.metadata.resourceVersion, at: this.#clock.now() });
  }

  /** Records that a Service's slice was deleted. */
  deleted(serviceKey: string, name: string): void {
    this.#entries(serviceKey).set(name, { resourceVersion: undefined, at: this.#clock.now() });
  }

  /**
   * Whether the cache (looked up by slice name) still lacks one of this Service's writes: a
   * written slice missing or older than written, or a deleted one still present. Entries the
   * cache reflects, or that expired, are forgotten.
   */
  isStale(serviceKey: string, lookup: (name: string) => EndpointSlice | undefined): boolean {
    const entries = this.#pending.get(serviceKey);
    if (!entries) return false;
    const now = this.#clock.now();
    for (const [name, p] of entries) {
      const cached = lookup(name);
      const seen = p.resourceVersion === undefined ? cached === undefined : atLeast(cached?.metadata.resourceVersion, p.resourceVersion);
      if (seen || now - p.at >= this.#expiryMs) entries.delete(name);
    }
    if (entries.size === 0) this.#pending.delete(serviceKey);
    return entries.size > 0;
  }

  /** Milliseconds until the oldest pending write of this Service expires (0 when none). */
  msUntilExpiry(serviceKey: string): number {
    const entries = this.#pending.get(serviceKey);
    if (!entries || entries.size === 0) return 0;
    const oldest = Math.min(...[...entries.values()].map((p) => p.at));
    return Math.max(0, oldest + this.#expiryMs - this.#clock.now());
  }

  #entries(serviceKey: string): Map<string, Pending> {
    let e = this.#pending.get(serviceKey);
    if (!e) this.#pending.set(serviceKey, (e = new Map()));
    return e;
  }
}
