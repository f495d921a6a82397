// The multi-machine Store on etcd 3.4 through the `etcd3` client: conditional writes are etcd
// transactions on create/mod revision, the revision is etcd's own, and watches are raw etcd
// watch streams (one per Store.watch) so compaction answers can be told apart from failures.
// One gRPC client per member, so that this store (not the client's random retries) decides which
// member a call goes to and when to give up: see etcd-failover.ts.
import type { CallOptions, Interceptor } from "@grpc/grpc-js";
import { InterceptingCall } from "@grpc/grpc-js";
import type { ICompare, IOptions, IRequestOp, IResponseHeader, IWatchResponse } from "etcd3";
import { Etcd3 } from "etcd3";
import { AsyncQueue } from "./async-queue.js";
import { bytesPrefixEnd, etcdErrorKind, eventFromEtcd, kvFromEtcd, mapEtcdError } from "./etcd-codec.js";
import type { EndpointState, EtcdCallKind, EtcdFailure } from "./etcd-failover.js";
import { afterFailure, endpointOrder, etcdFailureOf, etcdFailureReason, landedEarlier, outcomeUnknown, unavailableError } from "./etcd-failover.js";
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
  /**
   * How long one store call may take in all, across members (default 5000 ms). With etcd's
   * default tuning a member that lost its leader says so within about a second; this bounds the
   * rest (a member that does not answer at all).
   */
  callTimeoutMs?: number;
  /**
   * How long a call keeps trying while members answer "no leader" (default 2000 ms; a read that
   * timed out on a member gets one more round): long enough to ride out an election after the
   * leader died, short enough that a cluster without quorum is reported well before the deadline.
   */
  leaderWaitMs?: number;
  /**
   * Send etcd's require-leader metadata (`hasleader=true`) with every call (default true): a
   * member without a leader refuses at once instead of holding the call until etcd's own
   * request timeout, and closes watch streams when it loses its leader.
   */
  requireLeader?: boolean;
  /** How long a member that refused connections is tried only after the others (default 1000 ms). */
  downRetryMs?: number;
  /**
   * How long a read or a create/update waits for one member before it tries the next (default
   * 2000 ms): a call on a member whose leader just died would otherwise wait for the whole
   * call's deadline (etcd answers only after its own request timeout).
   */
  attemptMs?: number;
}

/** One member: its client and what the store remembers about it. */
interface Member extends EndpointState {
  client: Etcd3;
}

/**
 * A Store on etcd. The constructor only sets up the client (gRPC connects lazily); use
 * `EtcdStore.connect` to also check that etcd answers. Revisions are etcd's, shared by every key
 * in the etcd, so revisions seen under one prefix have gaps. A watch whose stream breaks fails
 * (callers re-watch from the last revision they saw).
 */
export class EtcdStore implements Store {
  #members: Member[];
  #preferred: string | undefined;
  #keyPrefix: string;
  #compactKey: Buffer;
  #callTimeoutMs: number;
  #leaderWaitMs: number;
  #downRetryMs: number;
  #attemptMs: number;
  #closed = false;
  #watches = new Set<AbortController>();

  constructor(options: EtcdStoreOptions) {
    if (options.endpoints.length === 0) throw new Error("EtcdStore needs at least one endpoint");
    this.#callTimeoutMs = options.callTimeoutMs ?? 5000;
    this.#leaderWaitMs = options.leaderWaitMs ?? 2000;
    this.#downRetryMs = options.downRetryMs ?? 1000;
    this.#attemptMs = options.attemptMs ?? 2000;
    const callOptions: CallOptions = options.requireLeader === false ? {} : { interceptors: [requireLeader] };
    this.#members = options.endpoints.map((url) => ({
      endpoint: url.replace(/^https?:\/\//, ""),
      downUntil: 0,
      client: new Etcd3({
        hosts: [url],
        // This store picks the member and retries itself: the client makes each call once.
        faultHandling: { host: () => passThrough, global: passThrough },
        // Unary calls get their deadline per store call (see #call); streams have none.
        defaultCallOptions: callOptions,
        // Notice a member that vanished without closing its connections (a cut link) while a
        // watch is open. etcd refuses pings more often than every 5 s.
        grpcOptions: { "grpc.keepalive_time_ms": 10_000, "grpc.keepalive_timeout_ms": 5000 },
      }),
    }));
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
    const response = await this.#call("read", (client, options) => client.kv.range({ key: this.#full(key) }, options));
    const kv = response.kvs[0];
    return kv && kvFromEtcd(kv, this.#keyPrefix);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const requested = options.revision || 0;
    try {
      const request = {
        key: this.#full(rangeStart(prefix, options.startKey)),
        range_end: bytesPrefixEnd(this.#full(prefix)),
        limit: options.limit && options.limit > 0 ? options.limit : 0,
        revision: requested,
      };
      const response = await this.#call("read", (client, callOptions) => client.kv.range(request, callOptions));
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
    const full = this.#full(key);
    const request = {
      compare: [{ key: full, target: "Create" as const, result: "Equal" as const, create_revision: 0 }],
      success: [{ request_put: { key: full, value: Buffer.from(value) } }],
      failure: [{ request_range: { key: full } }],
    };
    const retry = { afterUnknownOutcome: false };
    const response = await this.#call("checked-write", (client, options) => client.kv.txn(request, options), retry);
    if (!response.succeeded) {
      // Tried again after an attempt whose outcome was unknown: that attempt may have created it.
      const current = response.responses[0]?.response_range.kvs[0];
      if (current && landedEarlier(retry.afterUnknownOutcome, current.value.toString(), value)) return kvFromEtcd(current, this.#keyPrefix);
      throw new StoreKeyExistsError(key);
    }
    const revision = revisionOf(response.header);
    return Object.freeze({ key, value, createRevision: revision, modRevision: revision });
  }

  async update(key: string, value: string, expectedRevision: number): Promise<KeyValue> {
    const full = this.#full(key);
    const response = await this.#conditional(key, expectedRevision, { request_put: { key: full, value: Buffer.from(value), prev_kv: true } }, value);
    if ("landed" in response) return response.landed;
    const prev = response.responses[0].response_put.prev_kv;
    return Object.freeze({
      key,
      value,
      createRevision: Number(prev.create_revision),
      modRevision: revisionOf(response.header),
    });
  }

  async delete(key: string, expectedRevision?: number): Promise<KeyValue> {
    const response = await this.#conditional(key, expectedRevision, { request_delete_range: { key: this.#full(key), prev_kv: true } });
    if ("landed" in response) throw new Error("etcd store: a delete is never retried after an unknown outcome");
    const prev = kvFromEtcd(response.responses[0].response_delete_range.prev_kvs[0], this.#keyPrefix);
    return Object.freeze({ ...prev, modRevision: revisionOf(response.header) });
  }

  watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent> {
    return this.#watch(prefix, fromRevision, signal);
  }

  async currentRevision(): Promise<number> {
    const request = { key: this.#compactKey, count_only: true };
    const response = await this.#call("read", (client, options) => client.kv.range(request, options));
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
      await this.#call("write", (client, options) => client.kv.compact({ revision }, options));
    } catch (err) {
      // Someone compacted further already: fine, only the record below may lag.
      if (etcdErrorKind(err) !== "compacted") throw err;
    }
    for (;;) {
      const response = await this.#call("read", (client, options) => client.kv.range({ key: this.#compactKey }, options));
      const existing = response.kvs[0];
      if (existing && Number(existing.value.toString()) >= revision) return;
      const request = {
        compare: [{ key: this.#compactKey, target: "Mod" as const, result: "Equal" as const, mod_revision: existing?.mod_revision ?? 0 }],
        success: [{ request_put: { key: this.#compactKey, value: Buffer.from(String(revision)) } }],
      };
      const txn = await this.#call("write", (client, options) => client.kv.txn(request, options));
      if (txn.succeeded) return;
    }
  }

  async compactedRevision(): Promise<number> {
    const response = await this.#call("read", (client, options) => client.kv.range({ key: this.#compactKey }, options));
    const kv = response.kvs[0];
    return kv ? Number(kv.value.toString()) || 0 : 0;
  }

  /** Ends open watches and releases the gRPC connections. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const watch of this.#watches) watch.abort(new StoreClosedError());
    for (const member of this.#members) member.client.close();
    return Promise.resolve();
  }

  #full(key: string): Buffer {
    return Buffer.from(this.#keyPrefix + key);
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreClosedError();
  }

  /**
   * Runs one etcd call on the members in endpointOrder until one answers. Availability failures
   * (etcd-failover.ts) move on to the next member, and go round again after a short pause while
   * the cluster may be electing a leader (for leaderWaitMs, and once more after an attempt timed
   * out), all within callTimeoutMs. A read or checked write waits at most attemptMs for one
   * member, so that a member still waiting on a leader that just died does not hold it to the
   * deadline; `retry.afterUnknownOutcome` tells a checked write that an earlier attempt may have
   * landed. A call that gives up throws StoreUnavailableError naming each member's last
   * failure; any other error (an answer, such as "compacted") is thrown as it is.
   */
  async #call<T>(
    kind: EtcdCallKind,
    run: (client: Etcd3, options: CallOptions) => Promise<T>,
    retry: { afterUnknownOutcome: boolean } = { afterUnknownOutcome: false },
  ): Promise<T> {
    this.#checkOpen();
    const started = Date.now();
    const deadline = started + this.#callTimeoutMs;
    let retryUntil = started + this.#leaderWaitMs;
    const failures = new Map<string, { failure: EtcdFailure; reason: string }>();
    for (let pause = 25; ; pause = Math.min(pause * 2, 400)) {
      for (const member of endpointOrder(this.#members, this.#preferred, Date.now())) {
        const attempt = Date.now();
        if (attempt >= deadline) break;
        const attemptDeadline = kind === "write" ? deadline : Math.min(deadline, attempt + this.#attemptMs);
        try {
          const result = await run(member.client, { deadline: new Date(attemptDeadline) });
          member.downUntil = 0;
          this.#preferred = member.endpoint;
          return result;
        } catch (err) {
          this.#checkOpen();
          const failure = etcdFailureOf(err);
          if (failure === undefined) throw err;
          failures.set(member.endpoint, { failure, reason: etcdFailureReason(err, failure, Date.now() - attempt) });
          if (failure === "refused") member.downUntil = Date.now() + this.#downRetryMs;
          // Its wait ate the budget for elections: the member may know by now that it has no leader.
          if (failure === "timeout") retryUntil = Math.max(retryUntil, Date.now() + 500);
          if (this.#preferred === member.endpoint) this.#preferred = undefined;
          if (afterFailure(failure, kind) === "stop") throw unavailableError(failures, Date.now() - started);
          if (outcomeUnknown(failure)) retry.afterUnknownOutcome = true;
        }
      }
      const now = Date.now();
      if (now + pause >= Math.min(retryUntil, deadline)) throw unavailableError(failures, now - started);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /** The member new watch streams go to: the one that answered last, else the first in order. */
  #watchMember(): Member {
    return endpointOrder(this.#members, this.#preferred, Date.now())[0];
  }

  /**
   * Runs `op` if the key exists (and has `expectedRevision`, when given); else throws as the
   * contract says. With `writes` (the value a put writes) the call is a checked write: after a
   * retry, the key holding that value at another revision is this write having landed, returned
   * as `landed`. Deletes are not checked (another client's delete looks the same), so they are
   * never retried after an unknown outcome.
   */
  async #conditional(key: string, expectedRevision: number | undefined, op: IRequestOp, writes?: string) {
    const full = this.#full(key);
    const compare: ICompare[] = [{ key: full, target: "Create", result: "Greater", create_revision: 0 }];
    if (expectedRevision !== undefined) {
      compare.push({ key: full, target: "Mod", result: "Equal", mod_revision: expectedRevision });
    }
    const request = { compare, success: [op], failure: [{ request_range: { key: full } }] };
    const retry = { afterUnknownOutcome: false };
    const response = await this.#call(writes === undefined ? "write" : "checked-write", (client, options) => client.kv.txn(request, options), retry);
    if (response.succeeded) return response;
    const current = response.responses[0].response_range.kvs[0];
    if (!current) throw new StoreNotFoundError(key);
    if (writes !== undefined && landedEarlier(retry.afterUnknownOutcome, current.value.toString(), writes)) return { landed: kvFromEtcd(current, this.#keyPrefix) };
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
    const member = this.#watchMember();
    const stream = await member.client.watchClient.watch();
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
    stream.on("error", (err: Error) => {
      // The next watch (the cache re-watches) goes to another member if this one is gone.
      if (etcdFailureOf(err) === "refused") member.downUntil = Date.now() + this.#downRetryMs;
      if (this.#preferred === member.endpoint) this.#preferred = undefined;
      queue.fail(err);
    });
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

/** Adds etcd's require-leader metadata to a call (etcd: rpctypes.MetadataRequireLeaderKey). */
const requireLeader: Interceptor = (options, nextCall) =>
  new InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      metadata.set("hasleader", "true");
      next(metadata, listener);
    },
  });

type FaultPolicy = NonNullable<NonNullable<IOptions["faultHandling"]>["global"]>;

/** A fault-handling policy that runs the call once, as it is (the etcd3 client's default retries and opens circuits). */
const passThrough: FaultPolicy = {
  _altReturn: undefined as never,
  onSuccess: () => ({ dispose: () => undefined }),
  onFailure: () => ({ dispose: () => undefined }),
  execute: async (fn, signal) => fn({ signal: signal ?? new AbortController().signal }),
};
