// A watch cache in front of a Store for one key prefix: it lists, then watches, keeps every key's
// current value in memory and a window of recent events, and serves list/get/watch from memory
// so that many API watchers cost one store watch.
//
// Guarantees:
// - `list`/`get` reflect every event up to `revision` (and wait for `minRevision` first).
// - Each `watch` yields every event under its prefix with revision > fromRevision, in order,
//   exactly once. Watchers read the shared event window at their own pace (nothing is queued
//   per watcher); one that falls more than `capacity` events behind, or whose events were lost
//   when the cache had to relist, fails with StoreCompactedError so that its client relists.
// - If the store watch fails, the cache re-watches from its revision; only if that revision was
//   compacted does it relist, ending the watchers it can no longer serve.
import { RingBuffer } from "./ring-buffer.js";
import { SortedKeys } from "./sorted-keys.js";
import { WatchCacheTimeoutError } from "./store-errors.js";
import type { KeyValue, Store, StoreEvent } from "./store.js";
import { StoreCompactedError } from "./store.js";

/** Options for WatchCache. */
export interface WatchCacheOptions {
  /** The key prefix cached (default "/registry/"). */
  prefix?: string;
  /** How many recent events are kept for watchers (default 10000). */
  capacity?: number;
  /** How long list/get wait for `minRevision` by default (default 3000 ms). */
  waitTimeoutMs?: number;
  /** Pause before re-watching or relisting after a store failure (default 200 ms). */
  retryDelayMs?: number;
  /** Page size of the initial list (default 1000). */
  pageSize?: number;
  /** Told about each store failure the cache recovers from (default: ignored). */
  onError?: (err: unknown) => void;
}

/** Read options for list/get. */
export interface CacheReadOptions {
  /** Wait until the cache has seen at least this revision. */
  minRevision?: number;
  /** How long to wait (default: the cache's waitTimeoutMs). */
  timeoutMs?: number;
}

/** One WatchCache per store prefix. Objects it hands out are frozen and shared. */
/**
 * The values an event is about for one secondary index, e.g. a pod's spec.nodeName before and
 * after the change. Watchers of one value then see (and wake for) only those events.
 */
export type EventIndexer = (event: StoreEvent) => readonly string[];

/** A watch restricted to one value of a registered index. */
export interface IndexedWatch {
  index: string;
  value: string;
}

interface IndexedEvents {
  events: StoreEvent[];
  tick: Deferred;
}

interface EventIndex {
  prefix: string;
  indexer: EventIndexer;
  byValue: Map<string, IndexedEvents>;
}

export class WatchCache {
  #store: Store;
  #prefix: string;
  #waitTimeoutMs: number;
  #retryDelayMs: number;
  #pageSize: number;
  #onError: (err: unknown) => void;
  #items = new Map<string, KeyValue>();
  #keys = new SortedKeys();
  #events: RingBuffer<StoreEvent>;
  /** Every event with a revision above this one is in #events. */
  #windowStart = 0;
  #revision = 0;
  #started = false;
  #stopped = false;
  #tick = deferred();
  #ready = deferred();
  #indexes = new Map<string, EventIndex>();

  constructor(store: Store, options: WatchCacheOptions = {}) {
    this.#store = store;
    this.#prefix = options.prefix ?? "/registry/";
    this.#events = new RingBuffer(options.capacity ?? 10_000);
    this.#waitTimeoutMs = options.waitTimeoutMs ?? 3000;
    this.#retryDelayMs = options.retryDelayMs ?? 200;
    this.#pageSize = options.pageSize ?? 1000;
    this.#onError = options.onError ?? (() => {});
    this.#ready.promise.catch(() => {});
  }

  /** Resolves once the first list is loaded; rejects if the cache is stopped before. */
  get ready(): Promise<void> {
    return this.#ready.promise;
  }

  /** The latest revision the cache has seen (its list revision, then each event's). */
  get revision(): number {
    return this.#revision;
  }

  /** The oldest revision a watch may start from now. */
  get oldestWatchableRevision(): number {
    return this.#windowStart;
  }

  /**
   * Lists, then watches the store until `signal` aborts; the returned promise settles when the
   * cache has stopped (it never rejects). Open watches end when the cache stops. Call once.
   */
  start(signal: AbortSignal): Promise<void> {
    if (this.#started) throw new Error("WatchCache already started");
    this.#started = true;
    return this.#run(signal).finally(() => {
      this.#stopped = true;
      this.#stoppedDeferred.resolve();
      this.#ready.reject(new Error("watch cache stopped"));
      this.#notify();
    });
  }

  /** Waits until the cache has seen `revision`; throws WatchCacheTimeoutError after `timeoutMs`. */
  async waitForRevision(revision: number, timeoutMs: number = this.#waitTimeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await withTimeout(this.#ready.promise, timeoutMs, () => new WatchCacheTimeoutError(revision, this.#revision));
    while (this.#revision < revision) {
      const left = deadline - Date.now();
      if (left <= 0 || this.#stopped) throw new WatchCacheTimeoutError(revision, this.#revision);
      await withTimeout(this.#tick.promise, left, () => new WatchCacheTimeoutError(revision, this.#revision));
    }
  }

  /** The current values under `prefix` in key order, and the revision they reflect. */
  async list(prefix: string, options: CacheReadOptions = {}): Promise<{ items: KeyValue[]; revision: number }> {
    await this.waitForRevision(options.minRevision ?? 0, options.timeoutMs);
    const items = this.#keys.withPrefix(prefix).map((key) => this.#items.get(key) as KeyValue);
    return { items, revision: this.#revision };
  }

  /** The current value of `key`, if any. */
  async get(key: string, options: CacheReadOptions = {}): Promise<KeyValue | undefined> {
    await this.waitForRevision(options.minRevision ?? 0, options.timeoutMs);
    return this.#items.get(key);
  }

  /**
   * Keeps, per value of `indexer`, the events under `prefix` about that value, so that a watch
   * for one value (a node agent's pods: spec.nodeName=<node>) neither wakes for nor scans the
   * events of every other node: with thousands of nodes, each pod event costs one watcher, not all.
   */
  registerIndex(name: string, prefix: string, indexer: EventIndexer): void {
    this.#indexes.set(name, { prefix, indexer, byValue: new Map() });
  }

  /**
   * Every event under `prefix` with revision > fromRevision, then live ones, until `signal`
   * aborts or the cache stops. Throws StoreCompactedError (on the first read, or later if the
   * watcher falls out of the event window) when fromRevision is older than the window. With
   * `indexed`, only the events the index files under that value (a subset of the same stream).
   */
  async *watch(prefix: string, fromRevision: number, signal: AbortSignal, indexed?: IndexedWatch): AsyncGenerator<StoreEvent> {
    if (signal.aborted) return;
    if (indexed) {
      yield* this.#watchIndexed(prefix, fromRevision, signal, indexed);
      return;
    }
    await this.#ready.promise;
    let cursor = fromRevision;
    // Waiting watchers sleep on the shared tick; an abort wakes them all to re-check their signal.
    const wake = (): void => this.#notify();
    signal.addEventListener("abort", wake, { once: true });
    try {
      for (;;) {
        if (signal.aborted || this.#stopped) return;
        if (cursor < this.#windowStart) throw new StoreCompactedError(cursor, this.#windowStart);
        const index = this.#events.findFirst((event) => event.revision > cursor);
        const event = this.#events.at(index);
        if (event === undefined) {
          await this.#tick.promise;
          continue;
        }
        cursor = event.revision;
        if (event.kv.key.startsWith(prefix)) yield event;
      }
    } finally {
      signal.removeEventListener("abort", wake);
    }
  }

  async *#watchIndexed(prefix: string, fromRevision: number, signal: AbortSignal, indexed: IndexedWatch): AsyncGenerator<StoreEvent> {
    const index = this.#indexes.get(indexed.index);
    if (!index) throw new Error(`watch cache: no index ${indexed.index}`);
    await this.#ready.promise;
    let cursor = fromRevision;
    const entry = (): IndexedEvents => this.#indexedEvents(index, indexed.value);
    // Indexed watchers sleep on their value's tick only; an abort wakes those to re-check.
    const wake = (): void => entry().tick.resolve();
    signal.addEventListener("abort", wake, { once: true });
    try {
      for (;;) {
        if (signal.aborted || this.#stopped) return;
        if (cursor < this.#windowStart) throw new StoreCompactedError(cursor, this.#windowStart);
        const current = entry();
        const next = current.events[firstAfter(current.events, cursor)];
        if (next === undefined) {
          await Promise.race([current.tick.promise, this.#stoppedDeferred.promise]);
          continue;
        }
        cursor = next.revision;
        if (next.kv.key.startsWith(prefix)) yield next;
      }
    } finally {
      signal.removeEventListener("abort", wake);
    }
  }

  /** Resolves when the cache stops, so that indexed watchers (sleeping on their own tick) end too. */
  #stoppedDeferred = deferred();

  #indexedEvents(index: EventIndex, value: string): IndexedEvents {
    let entry = index.byValue.get(value);
    if (!entry) index.byValue.set(value, (entry = { events: [], tick: deferred() }));
    return entry;
  }

  async #run(signal: AbortSignal): Promise<void> {
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.#relist(signal);
          needList = false;
        }
        for await (const event of this.#store.watch(this.#prefix, this.#revision, signal)) this.#apply(event);
        if (!signal.aborted) throw new Error("store watch ended");
      } catch (err) {
        if (signal.aborted) break;
        this.#onError(err);
        if (err instanceof StoreCompactedError) needList = true;
        await sleep(this.#retryDelayMs, signal);
      }
    }
  }

  /** Loads the whole prefix at one revision (paged) and makes it the cache's state. */
  async #relist(signal: AbortSignal): Promise<void> {
    const items = new Map<string, KeyValue>();
    let revision = 0;
    let startKey: string | undefined;
    for (;;) {
      const page = await this.#store.list(this.#prefix, {
        limit: this.#pageSize,
        ...(startKey === undefined ? {} : { startKey, revision }),
      });
      revision = page.revision;
      for (const kv of page.items) items.set(kv.key, kv);
      if (!page.more || page.items.length === 0 || signal.aborted) break;
      startKey = `${page.items[page.items.length - 1].key}\u0000`;
    }
    if (signal.aborted) return;
    this.#items = items;
    this.#keys.reset(items.keys());
    if (revision !== this.#revision) {
      // Events between the old and the new revision are unknown: no watcher can bridge them.
      this.#events.clear();
      for (const index of this.#indexes.values()) for (const entry of index.byValue.values()) entry.events = [];
      this.#windowStart = revision;
    }
    this.#revision = revision;
    this.#ready.resolve();
    this.#notify();
  }

  #apply(event: StoreEvent): void {
    if (event.revision <= this.#revision) return;
    const key = event.kv.key;
    if (event.type === "put") {
      if (!this.#items.has(key)) this.#keys.add(key);
      this.#items.set(key, event.kv);
    } else {
      this.#items.delete(key);
      this.#keys.remove(key);
    }
    const evicted = this.#events.push(event);
    if (evicted) this.#windowStart = evicted.revision;
    this.#revision = event.revision;
    for (const index of this.#indexes.values()) {
      if (!key.startsWith(index.prefix)) continue;
      for (const value of new Set(index.indexer(event))) {
        const entry = this.#indexedEvents(index, value);
        // Events older than the window can never be served again; drop them as new ones arrive.
        let drop = 0;
        while (drop < entry.events.length && entry.events[drop].revision <= this.#windowStart) drop++;
        if (drop > 0) entry.events.splice(0, drop);
        entry.events.push(event);
        const tick = entry.tick;
        entry.tick = deferred();
        tick.resolve();
      }
    }
    this.#notify();
  }

  /** Wakes everything waiting for a change. */
  #notify(): void {
    const tick = this.#tick;
    this.#tick = deferred();
    tick.resolve();
  }
}

/** The position of the first event with a revision above `revision` (events are in revision order). */
function firstAfter(events: readonly StoreEvent[], revision: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid].revision <= revision) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function withTimeout(promise: Promise<void>, ms: number, error: () => Error): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
