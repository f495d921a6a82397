// An informer keeps a local, read-only cache of one resource in step with the API server by
// list-then-watch, and tells registered handlers about every change. This is the only way
// svcnet's controllers, proxy, DNS and agent read the API.

import { channel } from "node:diagnostics_channel";
import { deepFreeze } from "../api/json.js";
import { groupVersionOf } from "../api/resources.js";
import type { KubeObject } from "../api/types.js";
import { isExpired } from "./client-error.js";
import type { Clock } from "./clock.js";
import { realClock } from "./clock.js";
import type { Selectors } from "./client-options.js";
import type { EventHandlers, Notification } from "./handler-listener.js";
import { HandlerListener } from "./handler-listener.js";
import type { IndexFunc, Lister } from "./object-cache.js";
import { ObjectCache } from "./object-cache.js";
import { DeletedFinalStateUnknown, objectKey } from "./object-key.js";
import type { KubeClient } from "./rest-client.js";
import { sleepOn } from "./sleep.js";
import { diffSnapshot } from "./snapshot-diff.js";

/** Informer failures (list or watch errors, handler exceptions) are published here. */
export const informerErrors = channel("svcnet.client.informer.error");

export interface InformerOptions extends Selectors {
  /** Watch one namespace; default all (cluster-scoped resources ignore it). */
  namespace?: string;
  /** Re-deliver every cached object as an update this often; 0 (default) = never. */
  resyncMs?: number;
  /** Page size of lists; default 500. */
  pageSize?: number;
  /** Relist backoff after errors: starts at `initialMs` (800), doubles up to `maxMs` (30 000). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Server-side timeout of each watch; default a random 300–600 s, like client-go. */
  watchTimeoutSeconds?: number;
  /** For backoff pauses and resync; default the real clock. */
  clock?: Clock;
  /** Called for every error after it is published on `informerErrors`; default console.warn (410s excepted). */
  onError?: (err: unknown) => void;
}

/** A watch shorter than this that delivered nothing is unhealthy: the next one waits a backoff. */
const shortWatchMs = 1000;

/**
 * One resource (optionally one namespace and selectors) mirrored into a local cache.
 *
 * Contract:
 * - Nothing happens until `run(signal)`; it lists (in pages), fills the cache, marks the
 *   informer synced, then watches from the list's resourceVersion with bookmarks. When a watch
 *   ends it re-watches from the last resourceVersion seen (after a backoff if the watch closed at
 *   once without events). On 410 Expired, or any error, it
 *   relists after a backoff and delivers only the differences: adds, updates (when the
 *   resourceVersion changed) and, for objects that vanished meanwhile, onDelete with a
 *   `DeletedFinalStateUnknown` tombstone. `run` resolves once `signal` aborts.
 * - The cache is updated before handlers hear of a change. Handlers get notifications in
 *   order, asynchronously (never inside the watch loop) — see EventHandlers for what they may
 *   do. A handler registered after start first gets an add for every object then cached.
 * - Each change is delivered once: an event whose resourceVersion equals the cached one is
 *   not redelivered, and a DELETED for an object not in the cache is dropped.
 * - Objects in the cache and in notifications are deeply frozen and shared; never mutate them.
 *   Items lacking apiVersion/kind (list items from real clusters) get them filled in.
 */
export class Informer<T extends KubeObject = KubeObject> {
  readonly #client: KubeClient<T>;
  readonly #o: InformerOptions;
  readonly #clock: Clock;
  readonly #cache = new ObjectCache<T>();
  readonly #listeners = new Set<HandlerListener<T>>();
  #synced = false;
  #started = false;
  readonly #syncWaiters: (() => void)[] = [];
  #lastRv: string | undefined;

  constructor(client: KubeClient<T>, options: InformerOptions = {}) {
    this.#client = client;
    this.#o = options;
    this.#clock = options.clock ?? realClock;
  }

  /** The read-only view of the cache (empty until synced). */
  get lister(): Lister<T> {
    return this.#cache;
  }

  /** The resourceVersion the cache reflects (from the last list, event or bookmark). */
  get lastSyncResourceVersion(): string | undefined {
    return this.#lastRv;
  }

  /** Adds a named index to the cache; allowed before or after start. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    this.#cache.addIndex(name, fn);
  }

  /**
   * Registers handlers; returns a function that unregisters them (pending notifications are
   * dropped). Registered after start, they first get an add for every cached object.
   */
  addEventHandler(handlers: EventHandlers<T>): () => void {
    const l = new HandlerListener<T>(handlers, (e) => this.#report(e));
    this.#listeners.add(l);
    for (const obj of this.#cache.list()) l.push({ type: "add", obj });
    return () => {
      l.stop();
      this.#listeners.delete(l);
    };
  }

  /** Has the first list been loaded into the cache? */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** Resolves true once synced, or false if `signal` aborts first. */
  waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    if (this.#synced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = (): void => resolve(false);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#syncWaiters.push(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve(true);
      });
    });
  }

  /** Lists and watches until `signal` aborts. May be called once. */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#started) throw new Error(`informer for ${this.#client.resource.resource} already started`);
    this.#started = true;
    const stopResync = this.#startResync(signal);
    const initial = this.#o.backoff?.initialMs ?? 800;
    const max = this.#o.backoff?.maxMs ?? 30_000;
    let backoff = initial;
    let consistent = false;
    try {
      while (!signal.aborted) {
        try {
          await this.#listAndReplace(signal, consistent ? "" : (this.#lastRv ?? "0"));
          consistent = false;
          for (;;) {
            const healthy = await this.#watchOnce(signal);
            if (signal.aborted) return;
            if (healthy) {
              backoff = initial;
              continue;
            }
            // A watch that closed at once with nothing in it: pause before the next, do not spin.
            await sleepOn(this.#clock, backoff, signal);
            backoff = Math.min(backoff * 2, max);
          }
        } catch (e) {
          if (signal.aborted) return;
          if (isExpired(e)) consistent = true;
          this.#report(e);
          await sleepOn(this.#clock, backoff, signal);
          backoff = Math.min(backoff * 2, max);
        }
      }
    } finally {
      stopResync();
    }
  }

  async #listAndReplace(signal: AbortSignal, resourceVersion: string): Promise<void> {
    const list = await this.#client.list(this.#o.namespace, {
      labelSelector: this.#o.labelSelector,
      fieldSelector: this.#o.fieldSelector,
      limit: this.#o.pageSize ?? 500,
      resourceVersion,
      signal,
    });
    if (signal.aborted) return;
    const fresh = list.items.map((o) => this.#typed(o));
    const diff = diffSnapshot(this.#cache.snapshot(), fresh);
    for (const obj of diff.added) {
      this.#cache.upsert(obj);
      this.#notify({ type: "add", obj });
    }
    for (const [old, obj] of diff.updated) {
      this.#cache.upsert(obj);
      this.#notify({ type: "update", old, obj });
    }
    for (const [key, last] of diff.deleted) {
      this.#cache.remove(key);
      this.#notify({ type: "delete", obj: new DeletedFinalStateUnknown(key, last) });
    }
    this.#lastRv = list.metadata.resourceVersion;
    if (!this.#synced) {
      this.#synced = true;
      for (const w of this.#syncWaiters.splice(0)) w();
    }
  }

  /** One watch from #lastRv until the server ends it; false if it ended at once, empty. Throws on errors. */
  async #watchOnce(signal: AbortSignal): Promise<boolean> {
    const started = this.#clock.now();
    let events = 0;
    const stream = this.#client.watch(this.#o.namespace, {
      labelSelector: this.#o.labelSelector,
      fieldSelector: this.#o.fieldSelector,
      resourceVersion: this.#lastRv,
      allowWatchBookmarks: true,
      timeoutSeconds: this.#o.watchTimeoutSeconds ?? Math.floor(300 * (1 + Math.random())),
      signal,
    });
    for await (const ev of stream) {
      events++;
      const rv = ev.object.metadata.resourceVersion;
      if (ev.type === "BOOKMARK") {
        if (rv) this.#lastRv = rv;
        continue;
      }
      const obj = this.#typed(ev.object);
      const key = objectKey(obj);
      if (ev.type === "DELETED") {
        const old = this.#cache.remove(key);
        if (old) this.#notify({ type: "delete", obj: deepFreeze(obj) });
      } else {
        const old = this.#cache.upsert(obj);
        if (!old) this.#notify({ type: "add", obj });
        else if (old.metadata.resourceVersion !== rv) this.#notify({ type: "update", old, obj });
      }
      if (rv) this.#lastRv = rv;
    }
    return events > 0 || this.#clock.now() - started >= shortWatchMs;
  }

  #typed(obj: T): T {
    if (obj.apiVersion && obj.kind) return obj;
    return { ...obj, apiVersion: obj.apiVersion ?? groupVersionOf(this.#client.resource), kind: obj.kind ?? this.#client.resource.kind };
  }

  #notify(n: Notification<T>): void {
    for (const l of this.#listeners) l.push(n);
  }

  #startResync(signal: AbortSignal): () => void {
    const every = this.#o.resyncMs ?? 0;
    if (every <= 0) return () => undefined;
    let cancel = (): void => undefined;
    const tick = (): void => {
      if (signal.aborted) return;
      if (this.#synced) for (const obj of this.#cache.list()) this.#notify({ type: "update", old: obj, obj });
      cancel = this.#clock.setTimer(tick, every);
    };
    cancel = this.#clock.setTimer(tick, every);
    return () => cancel();
  }

  #report(err: unknown): void {
    informerErrors.publish({ resource: this.#client.resource.resource, namespace: this.#o.namespace, error: err });
    if (this.#o.onError) this.#o.onError(err);
    else if (!isExpired(err)) console.warn(`svcnet: informer ${this.#client.resource.resource}:`, err instanceof Error ? err.message : err);
  }
}
