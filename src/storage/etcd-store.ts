// The multi-machine Store on etcd 3.4 through the `etcd3` client: conditional writes are etcd
// transactions on create/mod revision, the revision is etcd's own, and watches are raw etcd
// watch streams (one per Store.watch) so compaction answers can be told apart from failures.
import type { ICompare, IRequestOp, IResponseHeader, IWatchResponse } from "etcd3";
import { Etcd3 } from "etcd3";
import { AsyncQueue } from "./async-queue.js";
import { bytesPrefixEnd, etcdErrorKind, eventFromEtcd, kvFromEtcd, mapEtcdError } from "./etcd-codec.js";
import { rangeStart } from "./key-range.js";
import { StoreClosedError, StoreFutureRevisionError } from "./store-errors.js";
import type { KeyValue, ListOptions, ListResult, Store, StoreEvent } from "./store.js";
import { StoreCompactedError, StoreConflictError, StoreKeyExistsError, StoreNotFoundError } from "./store.js";

/** Options for EtcdStore. */
export interface EtcdStoreOptions {
  /** Client URLs, e.g. ["http://127.0.0.1:2379"]. */
  endpoints: string[];
  /** Prefix put before every key in etcd (default ""), so several stores can share one etcd. */
  keyPrefix?: string;
  /**
   * Where the compacted revision is recorded (default "compact_rev_key"). etcd compaction is
   * cluster-wide, so this key is deliberately not under keyPrefix: every store sharing the etcd
   * shares it.
   */
  compactKey?: string;
  /** Deadline for each unary call (default 10000 ms). */
  callTimeoutMs?: number;
}

/**
 * A Store on etcd. The constructor only sets up the client (gRPC connects lazily); use
 * `EtcdStore.connect` to also check that etcd answers. Revisions are etcd's, shared by every key
 * in the etcd, so revisions seen under one prefix have gaps. A watch whose stream breaks fails
 * (callers re-watch from the last revision they saw).
 */
export class EtcdStore implements Store {
  #client: Etcd3;
  #keyPrefix: string;
  #compactKey: Buffer;
  #closed = false;
  #watches = new Set<AbortController>();

  constructor(options: EtcdStoreOptions) {
    const timeout = options.callTimeoutMs ?? 10_000;
    this.#client = new Etcd3({
      hosts: options.endpoints,
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeout }),
    });
    this.#keyPrefix = options.keyPrefix ?? "";
    this.#compactKey = Buffer.from(options.compactKey ?? "compact_rev_key");
  }

  /** Creates the store and checks that etcd answers; closes it again if not. */
  static async connect(options: EtcdStoreOptions): Promise<EtcdStore> {
    const store = new EtcdStore(options);
    try {
      await store.currentRevision();
      return store;
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.#checkOpen();
    const response = await this.#client.kv.range({ key: this.#full(key) });
    const kv = response.kvs[0];
    return kv && kvFromEtcd(kv, this.#keyPrefix);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.#checkOpen();
    const requested = options.revision || 0;
    try {
      const response = await this.#client.kv.range({
        key: this.#full(rangeStart(prefix, options.startKey)),
        range_end: bytesPrefixEnd(this.#full(prefix)),
        limit: options.limit && options.limit > 0 ? options.limit : 0,
        revision: requested,
      });
      return {
        items: response.kvs.map((kv) => kvFromEtcd(kv, this.#keyPrefix)),
        revision: requested || Number(response.header.revision),
        more: response.more,
      };
    } catch (err) {
      throw await this.#mapError(err, requested);
    }
  }

  async create(key: string, value: string): Promise<KeyValue> {
    this.#checkOpen();
    const full = this.#full(key);
    const response = await this.#client.kv.txn({
      compare: [{ key: full, target: "Create", result: "Equal", create_revision: 0 }],
      success: [{ request_put: { key: full, value: Buffer.from(value) } }],
    });
    if (!response.succeeded) throw new StoreKeyExistsError(key);
    const revision = revisionOf(response.header);
    return Object.freeze({ key, value, createRevision: revision, modRevision: revision });
  }

  async update(key: string, value: string, expectedRevision: number): Promise<KeyValue> {
    this.#checkOpen();
    const full = this.#full(key);
    const response = await this.#conditional(key, expectedRevision, {
      request_put: { key: full, value: Buffer.from(value), prev_kv: true },
    });
    const prev = response.responses[0].response_put.prev_kv;
    return Object.freeze({
      key,
      value,
      createRevision: Number(prev.create_revision),
      modRevision: revisionOf(response.header),
    });
  }

  async delete(key: string, expectedRevision?: number): Promise<KeyValue> {
    this.#checkOpen();
    const response = await this.#conditional(key, expectedRevision, {
      request_delete_range: { key: this.#full(key), prev_kv: true },
    });
    const prev = kvFromEtcd(response.responses[0].response_delete_range.prev_kvs[0], this.#keyPrefix);
    return Object.freeze({ ...prev, modRevision: revisionOf(response.header) });
  }

  watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent> {
    return this.#watch(prefix, fromRevision, signal);
  }

  async currentRevision(): Promise<number> {
    this.#checkOpen();
    const response = await this.#client.kv.range({ key: this.#compactKey, count_only: true });
    return revisionOf(response.header);
  }

  /**
   * Compacts etcd (cluster-wide) at `revision`, then records it under the compact key. Like the
   * other stores, watches from below `revision` fail afterwards (etcd itself would still
   * serve a watch from revision - 1).
   */
  async compact(revision: number): Promise<void> {
    this.#checkOpen();
    const current = await this.currentRevision();
    if (revision > current) throw new StoreFutureRevisionError(revision, current);
    if (revision <= (await this.compactedRevision())) return;
    try {
      await this.#client.kv.compact({ revision });
    } catch (err) {
      // Someone compacted further already: fine, only the record below may lag.
      if (etcdErrorKind(err) !== "compacted") throw err;
    }
    for (;;) {
      const response = await this.#client.kv.range({ key: this.#compactKey });
      const existing = response.kvs[0];
      if (existing && Number(existing.value.toString()) >= revision) return;
      const txn = await this.#client.kv.txn({
        compare: [{ key: this.#compactKey, target: "Mod", result: "Equal", mod_revision: existing?.mod_revision ?? 0 }],
        success: [{ request_put: { key: this.#compactKey, value: Buffer.from(String(revision)) } }],
      });
      if (txn.succeeded) return;
    }
  }

  async compactedRevision(): Promise<number> {
    this.#checkOpen();
    const response = await this.#client.kv.range({ key: this.#compactKey });
    const kv = response.kvs[0];
    return kv ? Number(kv.value.toString()) || 0 : 0;
  }

  /** Ends open watches and releases the gRPC connections. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const watch of this.#watches) watch.abort(new StoreClosedError());
    this.#client.close();
    return Promise.resolve();
  }

  #full(key: string): Buffer {
    return Buffer.from(this.#keyPrefix + key);
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreClosedError();
  }

  /** Runs `op` if the key exists (and has `expectedRevision`, when given); else throws as the contract says. */
  async #conditional(key: string, expectedRevision: number | undefined, op: IRequestOp) {
    const full = this.#full(key);
    const compare: ICompare[] = [{ key: full, target: "Create", result: "Greater", create_revision: 0 }];
    if (expectedRevision !== undefined) {
      compare.push({ key: full, target: "Mod", result: "Equal", mod_revision: expectedRevision });
    }
    const response = await this.#client.kv.txn({ compare, success: [op], failure: [{ request_range: { key: full } }] });
    if (response.succeeded) return response;
    const current = response.responses[0].response_range.kvs[0];
    if (!current) throw new StoreNotFoundError(key);
    throw new StoreConflictError(key, kvFromEtcd(current, this.#keyPrefix));
  }

  async #mapError(err: unknown, requested: number): Promise<unknown> {
    if (etcdErrorKind(err) === undefined) return err;
    const [compacted, current] = await Promise.all([this.compactedRevision(), this.currentRevision()]);
    return mapEtcdError(err, { requested, compacted, current });
  }

  async *#watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncGenerator<StoreEvent> {
    this.#checkOpen();
    if (signal.aborted) return;
    const compacted = await this.compactedRevision();
    if (fromRevision < compacted) throw new StoreCompactedError(fromRevision, compacted);
    const local = new AbortController();
    const stop = (): void => local.abort();
    signal.addEventListener("abort", stop, { once: true });
    this.#watches.add(local);
    const queue = new AsyncQueue<StoreEvent>();
    let cursor = fromRevision;
    const stream = await this.#client.watchClient.watch();
    const onAbort = (): void => {
      queue.end();
      stream.cancel();
    };
    local.signal.addEventListener("abort", onAbort, { once: true });
    stream.on("data", (response: IWatchResponse) => {
      if (response.canceled) {
        const compactRevision = Number(response.compact_revision);
        queue.fail(
          compactRevision > 0
            ? new StoreCompactedError(cursor, compactRevision)
            : new Error(`etcd canceled the watch on ${prefix}: ${response.cancel_reason}`),
        );
        stream.cancel();
        return;
      }
      for (const event of response.events) queue.push(eventFromEtcd(event, this.#keyPrefix));
    });
    stream.on("error", (err: Error) => queue.fail(err));
    stream.on("end", () => queue.fail(new Error(`etcd watch stream on ${prefix} ended`)));
    if (local.signal.aborted) onAbort();
    const full = this.#full(prefix);
    stream.write({
      create_request: { key: full, range_end: bytesPrefixEnd(full), start_revision: fromRevision + 1, prev_kv: true },
    });
    try {
      for (;;) {
        const result = await queue.next().catch((err: unknown) => {
          if (local.signal.reason instanceof StoreClosedError) throw local.signal.reason;
          if (local.signal.aborted) return { done: true as const, value: undefined };
          throw err;
        });
        if (result.done) {
          if (local.signal.reason instanceof StoreClosedError) throw local.signal.reason;
          return;
        }
        cursor = result.value.revision;
        yield result.value;
      }
    } finally {
      signal.removeEventListener("abort", stop);
      local.signal.removeEventListener("abort", onAbort);
      this.#watches.delete(local);
      queue.end();
      stream.cancel();
    }
  }
}

function revisionOf(header: IResponseHeader): number {
  return Number(header.revision);
}
