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
