// The lister side of an informer: a keyed store of frozen objects with label-selector lists
// and named secondary indexes. Pure and synchronous; the informer is its only writer.

import { deepFreeze } from "../api/json.js";
import type { LabelSelector } from "../api/selectors/label-selector.js";
import { matchesLabels, parseLabelSelector } from "../api/selectors/label-selector.js";
import type { KubeObject } from "../api/types.js";
import { objectKey } from "./object-key.js";

/** The values an object is filed under in one index (["core-v2-01"] for a byNode index). */
export type IndexFunc<T> = (obj: T) => readonly string[];

/**
 * Read-only access to cached objects. Every object handed out is deeply frozen and shared with
 * every other reader: never mutate it; `deepCopy` it to make changes. Lists are in key order.
 */
export interface Lister<T extends KubeObject = KubeObject> {
  get(namespace: string | undefined, name: string): T | undefined;
  getByKey(key: string): T | undefined;
  /** Objects in `namespace` (all when undefined) whose labels match `selector`. */
  list(namespace?: string, selector?: string | LabelSelector): T[];
  keys(): string[];
  /** Objects filed under `value` in the index `name`; throws if the index does not exist. */
  byIndex(name: string, value: string): T[];
  readonly size: number;
}

/**
 * A Lister plus the writes the informer makes. Objects given to `upsert`/`replace` are frozen
 * in place: the cache takes ownership. Indexes may be added at any time (existing objects are
 * filed immediately); index functions must be pure and must not throw.
 */
export class ObjectCache<T extends KubeObject = KubeObject> implements Lister<T> {
  readonly #items = new Map<string, T>();
  readonly #indexers = new Map<string, IndexFunc<T>>();
  /** index name → value → keys */
  readonly #indexes = new Map<string, Map<string, Set<string>>>();
  /** namespace ("" for cluster-scoped) → keys, so that a namespace's list does not scan everything. */
  readonly #namespaces = new Map<string, Set<string>>();
  /** Sorted key lists, kept until a key is added or removed (updates keep them). */
  #sortedAll: string[] | undefined;
  readonly #sortedByNamespace = new Map<string, string[]>();

  get size(): number {
    return this.#items.size;
  }

  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.#indexers.has(name)) throw new Error(`index ${name} already exists`);
    this.#indexers.set(name, fn);
    this.#indexes.set(name, new Map());
    for (const [key, obj] of this.#items) this.#file(name, key, obj);
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.#items.get(namespace ? `${namespace}/${name}` : name);
  }

  getByKey(key: string): T | undefined {
    return this.#items.get(key);
  }

  list(namespace?: string, selector?: string | LabelSelector): T[] {
    const sel = typeof selector === "string" ? parseLabelSelector(selector) : selector;
    const out: T[] = [];
    for (const key of namespace === undefined ? this.#allKeys() : this.#namespaceKeys(namespace)) {
      const obj = this.#items.get(key) as T;
      if (sel && sel.length && !matchesLabels(sel, obj.metadata.labels)) continue;
      out.push(obj);
    }
    return out;
  }

  keys(): string[] {
    return [...this.#allKeys()];
  }

  #allKeys(): readonly string[] {
    return (this.#sortedAll ??= [...this.#items.keys()].sort());
  }

  #namespaceKeys(namespace: string): readonly string[] {
    let keys = this.#sortedByNamespace.get(namespace);
    if (!keys) {
      keys = [...(this.#namespaces.get(namespace) ?? [])].sort();
      this.#sortedByNamespace.set(namespace, keys);
    }
    return keys;
  }

  /** Keeps the namespace sets and drops the sorted lists a new or removed key makes stale. */
  #membership(key: string, namespace: string, present: boolean): void {
    let set = this.#namespaces.get(namespace);
    if (present) {
      if (!set) this.#namespaces.set(namespace, (set = new Set()));
      set.add(key);
    } else {
      set?.delete(key);
      if (set?.size === 0) this.#namespaces.delete(namespace);
    }
    this.#sortedAll = undefined;
    this.#sortedByNamespace.delete(namespace);
  }

  byIndex(name: string, value: string): T[] {
    const index = this.#indexes.get(name);
    if (!index) throw new Error(`index ${name} does not exist`);
    return [...(index.get(value) ?? [])].sort().map((k) => this.#items.get(k) as T);
  }

  /** A copy of the key → object map (the objects themselves are shared and frozen). */
  snapshot(): Map<string, T> {
    return new Map(this.#items);
  }

  /** Inserts or replaces by key; returns the previous object, if any. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.#items.get(key);
    if (old) this.#unfileAll(key, old);
    else this.#membership(key, obj.metadata.namespace ?? "", true);
    deepFreeze(obj);
    this.#items.set(key, obj);
    for (const name of this.#indexers.keys()) this.#file(name, key, obj);
    return old;
  }

  /** Removes by key; returns what was there. */
  remove(key: string): T | undefined {
    const old = this.#items.get(key);
    if (!old) return undefined;
    this.#unfileAll(key, old);
    this.#items.delete(key);
    this.#membership(key, old.metadata.namespace ?? "", false);
    return old;
  }

  #file(name: string, key: string, obj: T): void {
    const index = this.#indexes.get(name) as Map<string, Set<string>>;
    for (const v of (this.#indexers.get(name) as IndexFunc<T>)(obj)) {
      let keys = index.get(v);
      if (!keys) index.set(v, (keys = new Set()));
      keys.add(key);
    }
  }

  #unfileAll(key: string, obj: T): void {
    for (const [name, fn] of this.#indexers) {
      const index = this.#indexes.get(name) as Map<string, Set<string>>;
      for (const v of fn(obj)) {
        const keys = index.get(v);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(v);
      }
    }
  }
}
