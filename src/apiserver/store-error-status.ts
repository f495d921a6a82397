// Which Kubernetes Status an error from below the API (the registry, the store, the watch cache)
// becomes. kube-apiserver passes etcd's own errors through as a 500 with etcd's words
// ("Error from server: etcdserver: request timed out"); svcnet answers storage outages with
// what they are: 503 ServiceUnavailable when etcd has no leader or cannot be reached, 504 Timeout
// when it did not answer in time, the message naming each etcd member and what it answered.
// No Retry-After: clients (client-go, kubectl) would silently retry up to ten times.

import { ApiError } from "../api/errors.js";
import { StoreClosedError, StoreUnavailableError, WatchCacheTimeoutError } from "../storage/store-errors.js";

/** The ApiError to answer with: ApiErrors as they are, known storage conditions as above, anything else 500. */
export function apiErrorOf(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof StoreUnavailableError) return e.kind === "timeout" ? ApiError.timeout(e.message) : ApiError.unavailable(e.message);
  if (e instanceof StoreClosedError) return ApiError.unavailable("storage is closed: the server is shutting down");
  // kube-apiserver's watch cache answers so when it cannot catch up with a requested revision.
  if (e instanceof WatchCacheTimeoutError) return ApiError.timeout(`Too large resource version: ${e.wanted}, current: ${e.current}`);
  return ApiError.internal(e);
}

/** Whether an error is unexpected (a bug, worth logging), not a condition with its own Status. */
export function isInternalError(e: unknown): boolean {
  return apiErrorOf(e).reason === "InternalError" && !(e instanceof ApiError);
}
