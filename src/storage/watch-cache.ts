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
//   A watcher that has caught up is at the cache's revision: being idle never makes it too old.
// - Secondary indexes (registerIndex) file items and events by a value (a pod's node): a list or
//   watch of one value reads only that value's items and events, and an indexed watcher is too
//   old only if events about its own value were dropped, not because others' passed by.
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
  /** list only: just the values a registered index files under this value. */
  indexed?: IndexedWatch;
}

/**
 * The values one stored value is filed under in a secondary index, e.g. a pod's spec.nodeName.
 * An event is about the values of its new and its previous value, so that watchers of one value
 * see (and wake for) only the events about it — both sides of a move included.
 */
export type ValueIndexer = (kv: KeyValue) => readonly string[];

/** A watch restricted to one value of a registered index. */
export interface IndexedWatch {
  index: string;
  value: string;
}

/** Options of WatchCache.watch. */
export interface CacheWatchOptions {
  /** Only the events a registered index files under this value (a subset of the same stream). */
  indexed?: IndexedWatch;
  /**
   * Called each time the watcher has caught up, before it waits: every event of its selection
   * with a revision up to the one given has been yielded (and taken by the consumer). Lets
   * the API send bookmarks that move an idle watcher's resourceVersion forward, so that it
   * can resume after the events of others have left the window.
   */
  onProgress?: (revision: number) => void;
}

interface IndexedEvents {
  events: StoreEvent[];
  tick: Deferred;
  /** The newest revision of an event dropped from `events` (it left the window); 0 if none. */
  droppedThrough: number;
}

interface EventIndex {
  prefix: string;
  valuesOf: ValueIndexer;
  byValue: Map<string, IndexedEvents>;
  /** The revision from which the index knows every event: its registration, or the last relist. */
  since: number;
  /** value → keys of the current items filed under it. */
  keysByValue: Map<string, Set<string>>;
  /** key → the values its current item is filed under. */
  valuesByKey: Map<string, readonly string[]>;
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
    const keys = options.indexed ? this.#indexedKeys(prefix, options.indexed) : this.#keys.withPrefix(prefix);
    const items = keys.map((key) => this.#items.get(key) as KeyValue);
    return { items, revision: this.#revision };
  }

  /** The keys under `prefix` of the current items filed under the value, in key order. */
  #indexedKeys(prefix: string, indexed: IndexedWatch): string[] {
    const index = this.#indexes.get(indexed.index);
    if (!index) throw new Error(`watch cache: no index ${indexed.index}`);
    const keys = [...(index.keysByValue.get(indexed.value) ?? [])].filter((k) => k.startsWith(prefix));
    return keys.sort();
  }

  /** The current value of `key`, if any. */
  async get(key: string, options: CacheReadOptions = {}): Promise<KeyValue | undefined> {
    await this.waitForRevision(options.minRevision ?? 0, options.timeoutMs);
    return this.#items.get(key);
  }

  /**
   * Files the items under `prefix` by the values of `valuesOf`, and keeps per value the events
   * about it, so that a list or a watch of one value (a node agent's pods: spec.nodeName=<node>)
   * neither wakes for nor scans the events and items of every other node: with thousands of
   * nodes, each pod event costs one watcher, not all. `valuesOf` must be pure and not throw.
   */
  registerIndex(name: string, prefix: string, valuesOf: ValueIndexer): void {
    const index: EventIndex = { prefix, valuesOf, byValue: new Map(), since: this.#revision, keysByValue: new Map(), valuesByKey: new Map() };
    this.#indexes.set(name, index);
    for (const [key, kv] of this.#items) if (key.startsWith(prefix)) fileItem(index, key, kv);
  }

  /**
   * Every event under `prefix` with revision > fromRevision, then live ones, until `signal`
   * aborts or the cache stops. Throws StoreCompactedError (on the first read, or later if the
   * watcher falls out of the event window) when fromRevision is older than the window. A
   * watcher that has caught up moves on to the cache's revision, so an idle one never falls
   * out of the window; see CacheWatchOptions for an index and progress reports.
   */
  async *watch(prefix: string, fromRevision: number, signal: AbortSignal, options: CacheWatchOptions = {}): AsyncGenerator<StoreEvent> {
    if (signal.aborted) return;
    if (options.indexed) {
      yield* this.#watchIndexed(prefix, fromRevision, signal, options.indexed, options.onProgress);
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
          // Every event up to the cache's revision has been looked at.
          cursor = Math.max(cursor, this.#revision);
          options.onProgress?.(cursor);
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

  async *#watchIndexed(
    prefix: string,
    fromRevision: number,
    signal: AbortSignal,
    indexed: IndexedWatch,
    onProgress: ((revision: number) => void) | undefined,
  ): AsyncGenerator<StoreEvent> {
    const index = this.#indexes.get(indexed.index);
    if (!index) throw new Error(`watch cache: no index ${indexed.index}`);
    await this.#ready.promise;
    let cursor = fromRevision;
    const entry = (): IndexedEvents => this.#indexedEvents(index, indexed.value);
    // Indexed watchers sleep on their value's tick only; an abort wakes those to re-check (with
    // a fresh tick for the next wait, so that the others do not spin on a resolved one).
    const wake = (): void => wakeEntry(entry());
    signal.addEventListener("abort", wake, { once: true });
    try {
      for (;;) {
        if (signal.aborted || this.#stopped) return;
        const current = entry();
        // Compacted only if events about this value were lost after the cursor; other values'
        // events leaving the window do not matter to this watcher.
        const oldest = Math.max(index.since, current.droppedThrough);
        if (cursor < oldest) throw new StoreCompactedError(cursor, oldest);
        const next = current.events[firstAfter(current.events, cursor)];
        if (next === undefined) {
          // The value's list holds every event about it since `oldest`: caught up.
          cursor = Math.max(cursor, this.#revision);
          onProgress?.(cursor);
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
    if (!entry) index.byValue.set(value, (entry = { events: [], tick: deferred(), droppedThrough: 0 }));
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
    for (const index of this.#indexes.values()) {
      index.keysByValue.clear();
      index.valuesByKey.clear();
      for (const [key, kv] of items) if (key.startsWith(index.prefix)) fileItem(index, key, kv);
    }
    if (revision !== this.#revision) {
      // Events between the old and the new revision are unknown: no watcher can bridge them.
      this.#events.clear();
      for (const index of this.#indexes.values()) {
        index.since = revision;
        for (const entry of index.byValue.values()) {
          entry.events = [];
          entry.droppedThrough = 0;
        }
      }
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
      const previous = index.valuesByKey.get(key) ?? [];
      unfileItem(index, key);
      const current = event.type === "put" ? fileItem(index, key, event.kv) : index.valuesOf(event.kv);
      for (const value of new Set([...current, ...previous])) {
        const entry = this.#indexedEvents(index, value);
        // Events older than the window can never be served again; drop them as new ones arrive.
        let drop = 0;
        while (drop < entry.events.length && entry.events[drop].revision <= this.#windowStart) drop++;
        if (drop > 0) {
          entry.droppedThrough = entry.events[drop - 1].revision;
          entry.events.splice(0, drop);
        }
        entry.events.push(event);
        wakeEntry(entry);
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

/** Wakes the watchers sleeping on the entry's tick, and gives the entry a fresh one. */
function wakeEntry(entry: IndexedEvents): void {
  const tick = entry.tick;
  entry.tick = deferred();
  tick.resolve();
}

/** Files the item `key` under its values in `index`; returns them. */
function fileItem(index: EventIndex, key: string, kv: KeyValue): readonly string[] {
  const values = index.valuesOf(kv);
  index.valuesByKey.set(key, values);
  for (const v of values) {
    let keys = index.keysByValue.get(v);
    if (!keys) index.keysByValue.set(v, (keys = new Set()));
    keys.add(key);
  }
  return values;
}

/** Takes the item `key` out of `index`. */
function unfileItem(index: EventIndex, key: string): void {
  for (const v of index.valuesByKey.get(key) ?? []) {
    const keys = index.keysByValue.get(v);
    keys?.delete(key);
    if (keys?.size === 0) index.keysByValue.delete(v);
  }
  index.valuesByKey.delete(key);
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
