// The generic registry: create, get, list, update, patch, delete and watch for every resource,
// over the Store (writes, consistent reads) and an object cache (lists and watches), with a
// per-resource ResourceStrategy for what differs between kinds.
//
// Contract:
// - Objects returned are private copies; callers may mutate them.
// - A write either reaches the store and its admission is committed, or is rolled back.
// - resourceVersion is the store revision; a stale resourceVersion on update is a 409 Conflict.

import { randomUUID } from "node:crypto";
import { ApiError } from "../api/errors.js";
import { deepCopy, deepFreeze, jsonEqual } from "../api/json.js";
import { rfc3339, secondsAfter } from "../api/time.js";
import type { ResourceInfo } from "../api/resources.js";
import { findResource, groupVersionOf } from "../api/resources.js";
import type { FieldSelector } from "../api/selectors/field-selector.js";
import { matchesFields } from "../api/selectors/field-selector.js";
import type { LabelSelector } from "../api/selectors/label-selector.js";
import { matchesLabels } from "../api/selectors/label-selector.js";
import type { KubeList, KubeObject } from "../api/types.js";
import type { KeyValue, StoreEvent, Store } from "../storage/store.js";
import { StoreCompactedError, StoreConflictError, StoreKeyExistsError, StoreNotFoundError } from "../storage/store.js";
import { decodeContinue, encodeContinue } from "./continue-token.js";
import { generateName } from "./generate-name.js";
import { listPrefix, objectKey } from "./keys.js";
import { decodeObject, encodeObject } from "./object-codec.js";
import type { Requester, ResourceStrategy, WriteContext } from "./strategy.js";

/** What the registry needs from the watch cache. */
export interface ObjectCache {
  /** With `indexed`, only the items a registered index files under that value. */
  list(prefix: string, options?: { minRevision?: number; timeoutMs?: number; indexed?: { index: string; value: string } }): Promise<{ items: KeyValue[]; revision: number }>;
  /**
   * With `indexed`, only the events a registered index files under that value; `onProgress`
   * hears the revision up to which the watch has delivered everything, when it has caught up.
   */
  watch(
    prefix: string,
    fromRevision: number,
    signal: AbortSignal,
    options?: { indexed?: { index: string; value: string }; onProgress?: (revision: number) => void },
  ): AsyncIterable<StoreEvent>;
  /** One key's current value once the cache has seen minRevision; optional for simple caches (reads then go to the store). */
  get?(key: string, options?: { minRevision?: number; timeoutMs?: number }): Promise<KeyValue | undefined>;
  /** A secondary index of items and events (see WatchCache.registerIndex); optional for simple caches. */
  registerIndex?(name: string, prefix: string, valuesOf: (kv: KeyValue) => readonly string[]): void;
}

export interface ListOptions {
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  limit?: number;
  continue?: string;
  /** "" (latest, consistent), "0" (any), or a revision the answer must not be older than. */
  resourceVersion?: string;
}

/** Options of Registry.watch: the list's selectors and resourceVersion, plus progress reports. */
export interface WatchOptions extends ListOptions {
  /**
   * Called whenever the watch has caught up, with the revision up to which every event of its
   * selection has been delivered — what a bookmark may carry (it is often newer than the last
   * event sent, when the changes were to other objects).
   */
  onProgress?: (revision: number) => void;
}

export interface WriteOptions {
  dryRun?: boolean;
  subresource?: string;
  /** The field manager of an ordinary (non-apply) write; its fields are recorded in managedFields. */
  manager?: string;
  /** For update: PUT may create when the strategy allows it. */
  now?: Date;
  /** Who writes (the request's user), for strategies that record it (CertificateSigningRequest). */
  requester?: Requester;
  /**
   * The request's own admission check, run on the final object once it is valid and before it
   * is stored (after any patch, on every retry); it throws to refuse. The API server passes the
   * RBAC escalation check here, which needs the writer and the object as it will be stored.
   */
  admit?: (obj: KubeObject, old: KubeObject | undefined) => void | Promise<void>;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: KubeObject;
}

/**
 * Records which fields a manager wrote (metadata.managedFields). Called after defaulting and
 * before validation, so that the writer owns the defaults its request brought in, as in
 * Kubernetes where defaulting happens while decoding.
 */
export type FieldTracker = (input: { old: KubeObject | undefined; obj: KubeObject; manager: string; subresource: string; apiVersion: string; now: Date }) => void;

export interface RegistryOptions {
  store: Store;
  fieldTracker?: FieldTracker;
  cache: ObjectCache;
  strategies: ReadonlyMap<ResourceInfo, ResourceStrategy>;
  /** Clock, for tests. */
  now?: () => Date;
}


const maxPatchRetries = 8;

/** Decoded watch-event values, per (shared, immutable) KeyValue of the watch cache. */
const sharedDecoded = new WeakMap<KeyValue, KubeObject>();
const sharedFieldLabels = new WeakMap<KubeObject, Record<string, string>>();

const POD_NODE_INDEX = "pods:spec.nodeName";

export class Registry {
  readonly #store: Store;
  readonly #cache: ObjectCache;
  #indexed = false;
  readonly #strategies: ReadonlyMap<ResourceInfo, ResourceStrategy>;
  readonly #now: () => Date;
  readonly #fieldTracker: FieldTracker | undefined;

  constructor(options: RegistryOptions) {
    this.#fieldTracker = options.fieldTracker;
    this.#store = options.store;
    this.#cache = options.cache;
    this.#strategies = options.strategies;
    this.#now = options.now ?? (() => new Date());
    // Every node agent lists and watches the pods bound to it (spec.nodeName=<node>): index
    // pods by node, so that one pod event wakes one agent's watch rather than every node's, and
    // an agent's list reads its own pods rather than every pod of the cluster.
    const pods = findResource("", "v1", "pods");
    if (pods && this.#cache.registerIndex) {
      this.#indexed = true;
      this.#cache.registerIndex(POD_NODE_INDEX, listPrefix(pods, undefined), (kv) => {
        if (kv.value === "") return [""];
        const spec = (this.#sharedDecode(pods, kv) as { spec?: { nodeName?: string } }).spec;
        return [spec?.nodeName ?? ""];
      });
    }
  }

  strategy(r: ResourceInfo): ResourceStrategy {
    const s = this.#strategies.get(r);
    if (!s) throw new Error(`no strategy for ${r.resource}`);
    return s;
  }

  #gr(r: ResourceInfo) {
    return { group: r.group, resource: r.resource };
  }

  #track(r: ResourceInfo, old: KubeObject | undefined, obj: KubeObject, ctx: WriteContext, manager: string | undefined): void {
    if (manager === undefined || !this.#fieldTracker) return;
    this.#fieldTracker({ old, obj, manager, subresource: ctx.subresource, apiVersion: groupVersionOf(r), now: ctx.now });
  }

  #ctx(o: WriteOptions): WriteContext {
    return { now: o.now ?? this.#now(), dryRun: o.dryRun ?? false, subresource: o.subresource ?? "", ...(o.requester && { requester: o.requester }) };
  }

  #stamp(r: ResourceInfo, obj: KubeObject): KubeObject {
    obj.apiVersion = groupVersionOf(r);
    obj.kind = r.kind;
    return obj;
  }

  /**
   * GET. resourceVersion as in Kubernetes: "" (or absent) reads the latest from the store (a
   * quorum read); "0" takes the cache's value, whatever its age (what keeps working when etcd
   * lost quorum); "N" the cache's once it has seen N (the store's if it does not catch up).
   */
  async get(r: ResourceInfo, ns: string | undefined, name: string, o: { resourceVersion?: string } = {}): Promise<KubeObject> {
    const key = objectKey(r, ns, name);
    const rv = o.resourceVersion ?? "";
    let kv: KeyValue | undefined;
    if (rv === "") {
      kv = await this.#store.get(key);
    } else {
      const minRevision = Number(rv);
      if (!Number.isSafeInteger(minRevision) || minRevision < 0) throw ApiError.badRequest(`invalid resource version: ${rv}`);
      kv = await this.#getFromCache(key, minRevision);
    }
    if (!kv) throw ApiError.notFound(this.#gr(r), name);
    return this.#stamp(r, decodeObject(kv));
  }

  /** The cache's value once it has seen minRevision; the store's if it does not catch up in time (see #listFromCache). */
  async #getFromCache(key: string, minRevision: number): Promise<KeyValue | undefined> {
    const get = this.#cache.get?.bind(this.#cache);
    if (!get) return this.#store.get(key);
    try {
      return await get(key, minRevision > 0 ? { minRevision, timeoutMs: 1000 } : {});
    } catch (e) {
      if (!(e instanceof Error && (e as { code?: string }).code === "WATCH_CACHE_TIMEOUT")) throw e;
      return this.#store.get(key);
    }
  }

  /** Like get, but undefined when absent. */
  async find(r: ResourceInfo, ns: string | undefined, name: string): Promise<KubeObject | undefined> {
    const kv = await this.#store.get(objectKey(r, ns, name));
    return kv ? this.#stamp(r, decodeObject(kv)) : undefined;
  }

  #matches(r: ResourceInfo, obj: KubeObject, o: ListOptions): boolean {
    if (o.labelSelector && o.labelSelector.length && !matchesLabels(o.labelSelector, obj.metadata.labels)) return false;
    if (o.fieldSelector && o.fieldSelector.length && !matchesFields(o.fieldSelector, this.#fieldLabels(r, obj))) return false;
    return true;
  }

  /** Field labels, computed once per shared (frozen) watch object rather than per watcher. */
  #fieldLabels(r: ResourceInfo, obj: KubeObject): Record<string, string> {
    if (!Object.isFrozen(obj)) return this.strategy(r).fieldLabels(obj);
    let labels = sharedFieldLabels.get(obj);
    if (!labels) sharedFieldLabels.set(obj, (labels = this.strategy(r).fieldLabels(obj)));
    return labels;
  }

  async list(r: ResourceInfo, ns: string | undefined, o: ListOptions = {}): Promise<KubeList> {
    const prefix = listPrefix(r, ns);
    let kvs: KeyValue[];
    let revision: number;
    let startAfter = "";
    if (o.continue) {
      const tok = decodeContinue(o.continue);
      try {
        const res = await this.#store.list(prefix, { startKey: tok.start, revision: tok.rv });
        kvs = res.items;
      } catch (e) {
        if (e instanceof StoreCompactedError) {
          throw ApiError.expired(
            "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
          );
        }
        throw e;
      }
      revision = tok.rv;
      startAfter = tok.start;
    } else {
      let minRevision: number | undefined;
      if (o.resourceVersion === undefined || o.resourceVersion === "") minRevision = await this.#store.currentRevision();
      else if (o.resourceVersion !== "0") {
        minRevision = Number(o.resourceVersion);
        if (!Number.isSafeInteger(minRevision) || minRevision < 0) throw ApiError.badRequest(`invalid resource version: ${o.resourceVersion}`);
      }
      const res = await this.#listFromCache(prefix, minRevision, this.#indexFor(r, o));
      kvs = res.items;
      revision = res.revision;
    }
    const items: KubeObject[] = [];
    let next: string | undefined;
    let remaining = 0;
    const selecting = Boolean(o.labelSelector?.length || o.fieldSelector?.length);
    for (let i = 0; i < kvs.length; i++) {
      const kv = kvs[i];
      if (kv.key < startAfter) continue;
      // Select on the shared decoded value (made once per stored value, also for watches);
      // only the objects returned are decoded into private copies.
      if (selecting && !this.#matches(r, this.#sharedDecode(r, kv), o)) continue;
      if (o.limit && items.length >= o.limit) {
        next = kv.key;
        remaining = kvs.length - i;
        break;
      }
      items.push(this.#stamp(r, decodeObject(kv)));
    }
    const list: KubeList = {
      apiVersion: groupVersionOf(r),
      kind: `${r.kind}List`,
      metadata: { resourceVersion: String(revision) },
      items,
    };
    if (next !== undefined) {
      list.metadata.continue = encodeContinue({ rv: revision, start: next });
      if (!selecting) list.metadata.remainingItemCount = remaining;
    }
    for (const it of list.items) {
      delete it.apiVersion;
      delete it.kind;
    }
    return list;
  }

  /**
   * A list from the cache once it has caught up with minRevision. If it does not catch up in
   * time (the last write was outside the cached prefix, e.g. etcd's own keys), the store
   * answers instead: still consistent, just not from memory.
   */
  async #listFromCache(
    prefix: string,
    minRevision: number | undefined,
    indexed?: { index: string; value: string },
  ): Promise<{ items: KeyValue[]; revision: number }> {
    try {
      return await this.#cache.list(prefix, minRevision === undefined ? { indexed } : { minRevision, timeoutMs: 1000, indexed });
    } catch (e) {
      if (!(e instanceof Error && (e as { code?: string }).code === "WATCH_CACHE_TIMEOUT")) throw e;
      const items: KeyValue[] = [];
      let revision = 0;
      let startKey: string | undefined;
      for (;;) {
        const page = await this.#store.list(prefix, { limit: 1000, startKey, revision: revision || undefined });
        revision = page.revision;
        items.push(...page.items);
        if (!page.more || !page.items.length) break;
        startKey = page.items[page.items.length - 1].key + "\u0000";
      }
      return { items, revision };
    }
  }

  /**
   * Namespace lifecycle admission: content goes only into a namespace that exists, and nothing
   * new into one being deleted (Kubernetes' NamespaceLifecycle wording).
   */
  async #admitIntoNamespace(r: ResourceInfo, ns: string | undefined, name: string): Promise<void> {
    if (!r.namespaced || ns === undefined) return;
    const kv = await this.#store.get(`/registry/core/namespaces/${ns}`);
    if (!kv) throw ApiError.notFound({ group: "", resource: "namespaces" }, ns);
    const nsObj = decodeObject(kv) as { status?: { phase?: string } } & KubeObject;
    if (nsObj.metadata.deletionTimestamp || nsObj.status?.phase === "Terminating") {
      // Clients (the EndpointSlice controller among them) recognise this case by its cause.
      throw ApiError.forbidden({ group: r.group, resource: r.resource }, name, `unable to create new content in namespace ${ns} because it is being terminated`, [
        { reason: "NamespaceTerminating", message: `namespace ${ns} is being terminated`, field: "metadata.namespace" },
      ]);
    }
  }

  async create(r: ResourceInfo, ns: string | undefined, input: KubeObject, o: WriteOptions = {}): Promise<KubeObject> {
    const ctx = this.#ctx(o);
    const obj = deepCopy(input);
    obj.metadata ??= {};
    if (r.namespaced) {
      if (obj.metadata.namespace && ns && obj.metadata.namespace !== ns) {
        throw ApiError.badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
      obj.metadata.namespace = ns ?? obj.metadata.namespace;
    } else {
      delete obj.metadata.namespace;
    }
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = generateName(obj.metadata.generateName);
    await this.#admitIntoNamespace(r, obj.metadata.namespace, obj.metadata.name ?? "");
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = rfc3339(ctx.now);
    delete obj.metadata.resourceVersion;
    delete obj.metadata.deletionTimestamp;
    delete obj.metadata.deletionGracePeriodSeconds;
    delete obj.metadata.selfLink;
    const strategy = this.strategy(r);
    strategy.prepareForCreate(obj, ctx);
    this.#stamp(r, obj);
    this.#track(r, undefined, obj, ctx, o.manager);
    const errs = strategy.validateCreate(obj);
    if (errs.length) throw ApiError.invalid(r.group, r.kind, obj.metadata.name ?? "", errs);
    await o.admit?.(obj, undefined);
    const admission = strategy.admitCreate ? await strategy.admitCreate(obj, ctx) : undefined;
    if (ctx.dryRun) {
      await admission?.rollback();
      return obj;
    }
    try {
      const kv = await this.#store.create(objectKey(r, obj.metadata.namespace, obj.metadata.name ?? ""), encodeObject(obj));
      await admission?.commit();
      return this.#stamp(r, decodeObject(kv));
    } catch (e) {
      await admission?.rollback();
      if (e instanceof StoreKeyExistsError) throw ApiError.alreadyExists(this.#gr(r), obj.metadata.name ?? "");
      throw e;
    }
  }

  /**
   * PUT: replaces the object. With metadata.resourceVersion set, it must match the stored one.
   * Returns `created` when the strategy allows create-on-update and the object was absent.
   */
  async update(
    r: ResourceInfo,
    ns: string | undefined,
    name: string,
    input: KubeObject,
    o: WriteOptions = {},
  ): Promise<{ object: KubeObject; created: boolean }> {
    const ctx = this.#ctx(o);
    input.metadata ??= {};
    if (input.metadata.name && input.metadata.name !== name) {
      throw ApiError.badRequest(`the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (r.namespaced && input.metadata.namespace && ns && input.metadata.namespace !== ns) {
      throw ApiError.badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    const key = objectKey(r, ns, name);
    const kv = await this.#store.get(key);
    if (!kv) {
      if (this.strategy(r).allowCreateOnUpdate && ctx.subresource === "") {
        const created = await this.create(r, ns, { ...input, metadata: { ...input.metadata, name } }, o);
        return { object: created, created: true };
      }
      throw ApiError.notFound(this.#gr(r), name);
    }
    const old = decodeObject(kv);
    if (input.metadata.resourceVersion && input.metadata.resourceVersion !== old.metadata.resourceVersion) {
      throw ApiError.modified(this.#gr(r), name);
    }
    const object = await this.#writeUpdate(r, ns, name, old, kv.modRevision, input, ctx, o.manager, o.admit);
    return { object, created: false };
  }

  /** Carries system metadata over from old, runs the strategy and stores with a revision check. */
  async #writeUpdate(
    r: ResourceInfo,
    ns: string | undefined,
    name: string,
    old: KubeObject,
    oldRevision: number,
    input: KubeObject,
    ctx: WriteContext,
    manager: string | undefined,
    admit?: WriteOptions["admit"],
  ): Promise<KubeObject> {
    const obj = deepCopy(input);
    obj.metadata ??= {};
    obj.metadata.name = name;
    if (r.namespaced) obj.metadata.namespace = ns;
    else delete obj.metadata.namespace;
    obj.metadata.uid = old.metadata.uid;
    obj.metadata.creationTimestamp = old.metadata.creationTimestamp;
    if (old.metadata.deletionTimestamp) {
      obj.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
      obj.metadata.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    } else {
      delete obj.metadata.deletionTimestamp;
      delete obj.metadata.deletionGracePeriodSeconds;
    }
    if (!obj.metadata.generateName && old.metadata.generateName) obj.metadata.generateName = old.metadata.generateName;
    delete obj.metadata.selfLink;
    const strategy = this.strategy(r);
    strategy.prepareForUpdate(obj, old, ctx);
    this.#stamp(r, obj);
    this.#stamp(r, old);
    this.#track(r, old, obj, ctx, manager);
    const errs = strategy.validateUpdate(obj, old, ctx);
    if (errs.length) throw ApiError.invalid(r.group, r.kind, name, errs);
    obj.metadata.resourceVersion = old.metadata.resourceVersion;
    if (jsonEqual(obj, old)) return old;
    await admit?.(obj, old);
    const admission = strategy.admitUpdate ? await strategy.admitUpdate(obj, old, ctx) : undefined;
    if (ctx.dryRun) {
      await admission?.rollback();
      return obj;
    }
    const key = objectKey(r, ns, name);
    try {
      const releasable = !(obj.metadata.finalizers ?? []).length && !old.metadata.deletionGracePeriodSeconds && !strategy.deletionBlocked?.(obj);
      if (obj.metadata.deletionTimestamp && releasable) {
        // The last finalizer is gone from an object being deleted: it goes now.
        const gone = await this.#store.delete(key, oldRevision);
        await admission?.commit();
        await strategy.afterDelete?.(obj);
        return this.#stamp(r, decodeObject(gone));
      }
      const kv = await this.#store.update(key, encodeObject(obj), oldRevision);
      await admission?.commit();
      return this.#stamp(r, decodeObject(kv));
    } catch (e) {
      await admission?.rollback();
      if (e instanceof StoreConflictError) throw ApiError.modified(this.#gr(r), name);
      if (e instanceof StoreNotFoundError) throw ApiError.notFound(this.#gr(r), name);
      throw e;
    }
  }

  /**
   * Read-modify-write with the patch function, retried on conflicts (a patch has no
   * resourceVersion of its own unless the patched object carries one).
   * `mutate` gets a private copy of the live object, or undefined when it does not exist
   * (only server-side apply creates then).
   */
  async patch(
    r: ResourceInfo,
    ns: string | undefined,
    name: string,
    mutate: (live: KubeObject | undefined) => KubeObject,
    o: WriteOptions = {},
  ): Promise<{ object: KubeObject; created: boolean }> {
    const ctx = this.#ctx(o);
    const key = objectKey(r, ns, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.#store.get(key);
      if (!kv) {
        // Only the object itself is made by apply: a subresource (status, approval, scale) of one
        // that does not exist is not found, as in update — else /approval could create a request
        // that never passed the checks a create gets.
        if (ctx.subresource !== "") throw ApiError.notFound(this.#gr(r), name);
        const created = mutate(undefined);
        return { object: await this.create(r, ns, created, o), created: true };
      }
      const live = this.#stamp(r, decodeObject(kv));
      const patched = mutate(deepCopy(live));
      patched.metadata ??= {};
      const requestedRv = patched.metadata.resourceVersion;
      if (requestedRv && requestedRv !== live.metadata.resourceVersion) throw ApiError.modified(this.#gr(r), name);
      try {
        return { object: await this.#writeUpdate(r, ns, name, live, kv.modRevision, patched, ctx, o.manager, o.admit), created: false };
      } catch (e) {
        const retry = e instanceof ApiError && e.reason === "Conflict" && !requestedRv && attempt < maxPatchRetries;
        if (!retry) throw e;
      }
    }
  }

  /**
   * DELETE. Objects with finalizers, or a grace period from the strategy, are marked with a
   * deletionTimestamp and stay until finalized; others go at once. Returns the object as it
   * now is and whether it is gone.
   */
  async delete(r: ResourceInfo, ns: string | undefined, name: string, o: DeleteOptions = {}): Promise<{ object: KubeObject; gone: boolean }> {
    const key = objectKey(r, ns, name);
    const strategy = this.strategy(r);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.#store.get(key);
      if (!kv) throw ApiError.notFound(this.#gr(r), name);
      const live = this.#stamp(r, decodeObject(kv));
      const pre = o.preconditions;
      if (pre?.uid && pre.uid !== live.metadata.uid) {
        throw ApiError.conflict(this.#gr(r), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${live.metadata.uid ?? ""}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== live.metadata.resourceVersion) {
        throw ApiError.conflict(
          this.#gr(r),
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${live.metadata.resourceVersion ?? ""}`,
        );
      }
      const next = deepCopy(live);
      const finalizers = new Set(next.metadata.finalizers ?? []);
      if (o.propagationPolicy === "Orphan") finalizers.add("orphan");
      if (o.propagationPolicy === "Foreground") finalizers.add("foregroundDeletion");
      const grace = strategy.gracePeriod ? await strategy.gracePeriod(live, o.gracePeriodSeconds) : 0;
      const blocked = strategy.prepareForDeletion?.(next) ?? false;
      const marking = finalizers.size > 0 || grace > 0 || blocked;
      if (!marking) {
        if (o.dryRun) return { object: live, gone: true };
        try {
          const gone = await this.#store.delete(key, kv.modRevision);
          await strategy.afterDelete?.(live);
          return { object: this.#stamp(r, decodeObject(gone)), gone: true };
        } catch (e) {
          if (e instanceof StoreConflictError && attempt < maxPatchRetries) continue;
          if (e instanceof StoreNotFoundError) throw ApiError.notFound(this.#gr(r), name);
          throw e;
        }
      }
      const now = this.#now();
      if (!next.metadata.deletionTimestamp) {
        next.metadata.deletionTimestamp = rfc3339(secondsAfter(now, grace));
        next.metadata.deletionGracePeriodSeconds = grace;
      } else if (grace < (next.metadata.deletionGracePeriodSeconds ?? 0)) {
        next.metadata.deletionTimestamp = rfc3339(secondsAfter(now, grace));
        next.metadata.deletionGracePeriodSeconds = grace;
      }
      if (finalizers.size) next.metadata.finalizers = [...finalizers];
      if (jsonEqual(next, live)) return { object: live, gone: false };
      if (o.dryRun) return { object: next, gone: false };
      try {
        const kv2 = await this.#store.update(key, encodeObject(next), kv.modRevision);
        return { object: this.#stamp(r, decodeObject(kv2)), gone: false };
      } catch (e) {
        if (e instanceof StoreConflictError && attempt < maxPatchRetries) continue;
        throw e;
      }
    }
  }

  /** Removes an object whose deletion is confirmed (grace period over, no finalizers left). */
  async finalizeDeletion(r: ResourceInfo, ns: string | undefined, name: string, uid: string): Promise<boolean> {
    const key = objectKey(r, ns, name);
    const kv = await this.#store.get(key);
    if (!kv) return false;
    const live = decodeObject(kv);
    if (live.metadata.uid !== uid || (live.metadata.finalizers ?? []).length) return false;
    try {
      await this.#store.delete(key, kv.modRevision);
    } catch (e) {
      if (e instanceof StoreConflictError || e instanceof StoreNotFoundError) return false;
      throw e;
    }
    await this.strategy(r).afterDelete?.(live);
    return true;
  }

  async deleteCollection(r: ResourceInfo, ns: string | undefined, lo: ListOptions, o: DeleteOptions): Promise<KubeList> {
    const list = await this.list(r, ns, { ...lo, limit: undefined, continue: undefined });
    const deleted: KubeObject[] = [];
    for (const item of list.items) {
      try {
        const res = await this.delete(r, item.metadata.namespace, item.metadata.name ?? "", o);
        deleted.push(res.object);
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
    }
    return { ...list, items: deleted };
  }

  /**
   * Watch events for a resource. resourceVersion "" or "0" starts with ADDED for every existing
   * object; a revision starts after it. Label/field selectors turn objects leaving the selection
   * into DELETED and entering it into ADDED.
   */
  async *watch(r: ResourceInfo, ns: string | undefined, o: WatchOptions, signal: AbortSignal): AsyncGenerator<WatchEvent> {
    const prefix = listPrefix(r, ns);
    let from: number;
    if (o.resourceVersion === undefined || o.resourceVersion === "" || o.resourceVersion === "0") {
      const minRevision = o.resourceVersion === "0" ? undefined : await this.#store.currentRevision();
      const snapshot = await this.#listFromCache(prefix, minRevision, this.#indexFor(r, o));
      for (const kv of snapshot.items) {
        const obj = this.#stamp(r, decodeObject(kv));
        if (this.#matches(r, obj, o)) yield { type: "ADDED", object: obj };
      }
      from = snapshot.revision;
    } else {
      from = Number(o.resourceVersion);
      if (!Number.isSafeInteger(from) || from < 0) throw ApiError.badRequest(`invalid resource version: ${o.resourceVersion}`);
    }
    let events: AsyncIterable<StoreEvent>;
    try {
      events = this.#cache.watch(prefix, from, signal, { indexed: this.#indexFor(r, o), onProgress: o.onProgress });
    } catch (e) {
      if (e instanceof StoreCompactedError) throw ApiError.expired(`too old resource version: ${from} (${e.compacted})`);
      throw e;
    }
    try {
      for await (const ev of events) {
        const cur = this.#sharedDecode(r, ev.kv);
        const prev = ev.prevKv ? this.#sharedDecode(r, ev.prevKv) : undefined;
        const curMatch = this.#matches(r, cur, o);
        const prevMatch = prev ? this.#matches(r, prev, o) : false;
        if (ev.type === "delete") {
          if (prevMatch || curMatch) yield { type: "DELETED", object: cur };
        } else if (curMatch) {
          yield { type: prev && prevMatch ? "MODIFIED" : "ADDED", object: cur };
        } else if (prevMatch) {
          yield { type: "DELETED", object: cur };
        }
      }
    } catch (e) {
      if (e instanceof StoreCompactedError) throw ApiError.expired(`too old resource version: ${from} (${e.compacted})`);
      throw e;
    }
  }

  /**
   * The cache index a list or watch can use: pods selected by exactly `spec.nodeName=<node>`.
   * (Served from the index, the selection is still checked on each object.)
   */
  #indexFor(r: ResourceInfo, o: ListOptions): { index: string; value: string } | undefined {
    if (!this.#indexed || r.group !== "" || r.resource !== "pods" || o.fieldSelector?.length !== 1) return undefined;
    const [req] = o.fieldSelector;
    return req.field === "spec.nodeName" && req.op === "=" ? { index: POD_NODE_INDEX, value: req.value } : undefined;
  }

  /**
   * Watch events are shared by every watcher of the cache, so each stored value is decoded once
   * for all of them (not once per watcher) and handed out frozen: watch consumers only read.
   */
  #sharedDecode(r: ResourceInfo, kv: KeyValue): KubeObject {
    let obj = sharedDecoded.get(kv);
    if (!obj) {
      obj = deepFreeze(this.#stamp(r, decodeObject(kv)));
      sharedDecoded.set(kv, obj);
    }
    return obj;
  }

  async currentRevision(): Promise<number> {
    return this.#store.currentRevision();
  }
}
