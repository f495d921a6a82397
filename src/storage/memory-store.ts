// An in-memory Store with true watch semantics: a revision counter, an event history that
// watches replay from, list at an old revision, and compaction. It is the fake the other layers
// test against, so it passes the same contract tests (store-contract.ts) as sqlite and etcd.
import { compareKeys, rangeStart } from "./key-range.js";
import { StoreClosedError, StoreFutureRevisionError } from "./store-errors.js";
import type { KeyValue, ListOptions, ListResult, Store, StoreEvent } from "./store.js";
import { StoreCompactedError, StoreConflictError, StoreKeyExistsError, StoreNotFoundError } from "./store.js";
import { WatchHub } from "./watch-hub.js";

/**
 * A Store kept in process memory; nothing survives the process (the durability clause of the
 * contract does not apply). Returned KeyValues and events are frozen and shared: never mutate
 * them. History grows until `compact` is called.
 */
export class MemoryStore implements Store {
  #current = new Map<string, KeyValue>();
  /** Every event above the compacted revision, in revision order. */
  #history: StoreEvent[] = [];
  #revision = 0;
  #compacted = 0;
  #closed = false;
  #hub = new WatchHub();
  #reader = {
    currentRevision: () => this.#revision,
    compactedRevision: () => this.#compacted,
    readHistory: (prefix: string, range: { after: number; upTo: number; limit: number }) =>
      this.#readHistory(prefix, range),
  };

  get(key: string): Promise<KeyValue | undefined> {
    return this.#run(() => this.#current.get(key));
  }

  list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    return this.#run(() => {
      const revision = options.revision || this.#revision;
      if (revision > this.#revision) throw new StoreFutureRevisionError(revision, this.#revision);
      if (revision < this.#compacted) throw new StoreCompactedError(revision, this.#compacted);
      const state = revision === this.#revision ? this.#current : this.#stateAt(revision);
      const start = rangeStart(prefix, options.startKey);
      const keys = [...state.keys()]
        .filter((key) => key.startsWith(prefix) && compareKeys(key, start) >= 0)
        .sort(compareKeys);
      const limit = options.limit && options.limit > 0 ? options.limit : keys.length;
      const items = keys.slice(0, limit).map((key) => state.get(key) as KeyValue);
      return { items, revision, more: keys.length > limit };
    });
  }

  create(key: string, value: string): Promise<KeyValue> {
    return this.#run(() => {
      if (this.#current.has(key)) throw new StoreKeyExistsError(key);
      const revision = this.#revision + 1;
      const kv = freezeKv({ key, value, createRevision: revision, modRevision: revision });
      this.#commit({ type: "put", kv, revision });
      return kv;
    });
  }

  update(key: string, value: string, expectedRevision: number): Promise<KeyValue> {
    return this.#run(() => {
      const prevKv = this.#current.get(key);
      if (!prevKv) throw new StoreNotFoundError(key);
      if (prevKv.modRevision !== expectedRevision) throw new StoreConflictError(key, prevKv);
      const revision = this.#revision + 1;
      const kv = freezeKv({ key, value, createRevision: prevKv.createRevision, modRevision: revision });
      this.#commit({ type: "put", kv, prevKv, revision });
      return kv;
    });
  }

  delete(key: string, expectedRevision?: number): Promise<KeyValue> {
    return this.#run(() => {
      const prevKv = this.#current.get(key);
      if (!prevKv) throw new StoreNotFoundError(key);
      if (expectedRevision !== undefined && prevKv.modRevision !== expectedRevision) {
        throw new StoreConflictError(key, prevKv);
      }
      const revision = this.#revision + 1;
      const kv = freezeKv({ ...prevKv, modRevision: revision });
      this.#commit({ type: "delete", kv, prevKv, revision });
      return kv;
    });
  }

  watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent> {
    return this.#hub.watch(this.#reader, { prefix, fromRevision, signal });
  }

  currentRevision(): Promise<number> {
    return this.#run(() => this.#revision);
  }

  compact(revision: number): Promise<void> {
    return this.#run(() => {
      if (revision > this.#revision) throw new StoreFutureRevisionError(revision, this.#revision);
      if (revision <= this.#compacted) return;
      this.#compacted = revision;
      const keep = this.#history.findIndex((event) => event.revision > revision);
      this.#history = keep < 0 ? [] : this.#history.slice(keep);
    });
  }

  compactedRevision(): Promise<number> {
    return this.#run(() => this.#compacted);
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#hub.close();
    return Promise.resolve();
  }

  #run<T>(fn: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreClosedError());
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #commit(event: StoreEvent): void {
    Object.freeze(event);
    this.#revision = event.revision;
    if (event.type === "put") this.#current.set(event.kv.key, event.kv);
    else this.#current.delete(event.kv.key);
    this.#history.push(event);
    this.#hub.publish(event);
  }

  /** The state as of `revision` (>= compacted): the current state with later events undone. */
  #stateAt(revision: number): Map<string, KeyValue> {
    const state = new Map(this.#current);
    for (let i = this.#history.length - 1; i >= 0 && this.#history[i].revision > revision; i--) {
      const event = this.#history[i];
      if (event.prevKv) state.set(event.kv.key, event.prevKv);
      else state.delete(event.kv.key);
    }
    return state;
  }

  #readHistory(prefix: string, range: { after: number; upTo: number; limit: number }): StoreEvent[] {
    const out: StoreEvent[] = [];
    let lo = 0;
    let hi = this.#history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#history[mid].revision <= range.after) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.#history.length && out.length < range.limit; i++) {
      const event = this.#history[i];
      if (event.revision > range.upTo) break;
      if (event.kv.key.startsWith(prefix)) out.push(event);
    }
    return out;
  }
}

function freezeKv(kv: KeyValue): KeyValue {
  return Object.freeze(kv);
}
