// Store errors beyond the four in store.ts (which is fixed): conditions every engine can hit.

/** A read asked for a revision the store has not reached yet (etcd: "future revision"). */
export class StoreFutureRevisionError extends Error {
  readonly code = "STORE_FUTURE_REVISION";
  constructor(
    readonly requested: number,
    readonly current: number,
  ) {
    super(`required revision ${requested} is a future revision (current revision ${current})`);
  }
}

/** The store was closed: pending and later calls, and open watches, fail with this. */
export class StoreClosedError extends Error {
  readonly code = "STORE_CLOSED";
  constructor() {
    super("store is closed");
  }
}

/** A read wanted a revision the watch cache has not seen within the timeout (Kubernetes answers 504 "Too large resource version"). */
export class WatchCacheTimeoutError extends Error {
  readonly code = "WATCH_CACHE_TIMEOUT";
  constructor(
    readonly wanted: number,
    readonly current: number,
  ) {
    super(`timed out waiting for revision ${wanted}, current revision ${current}`);
  }
}

/** Why a store could not serve a call: no leader (no quorum), no member reachable, or no answer in time. */
export type StoreUnavailableCause = "no-leader" | "unreachable" | "timeout";

/** What one endpoint answered (or why it did not) to the last attempt of a failed call. */
export interface EndpointFailure {
  /** host:port */
  endpoint: string;
  /** A short reason, e.g. "etcdserver: no leader", "connection refused", "no answer in time". */
  reason: string;
}

const causeText: Record<StoreUnavailableCause, string> = {
  "no-leader": "etcd has no leader (fewer than a majority of its members are up and connected)",
  unreachable: "no etcd member could be reached",
  timeout: "etcd did not answer in time",
};

/**
 * The store cannot serve the call now (etcd lost its quorum or cannot be reached). Nothing was
 * written, unless `kind` is "timeout" for a write: then the write may or may not have happened.
 * The API answers 503 ServiceUnavailable (504 Timeout for "timeout"); callers may retry later.
 */
export class StoreUnavailableError extends Error {
  readonly code = "STORE_UNAVAILABLE";
  constructor(
    readonly kind: StoreUnavailableCause,
    readonly endpoints: readonly EndpointFailure[],
    readonly waitedMs: number,
  ) {
    const tried = endpoints.map((e) => `${e.endpoint}: ${e.reason}`).join("; ");
    super(`storage unavailable: ${causeText[kind]}${kind === "timeout" ? ` (waited ${waitedMs} ms)` : ""}${tried ? ` [${tried}]` : ""}`);
  }
}
