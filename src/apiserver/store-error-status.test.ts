import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../api/errors.js";
import { etcdFailureOf, etcdFailureReason, unavailableError } from "../storage/etcd-failover.js";
import type { EtcdFailure } from "../storage/etcd-failover.js";
import { StoreClosedError, StoreUnavailableError, WatchCacheTimeoutError } from "../storage/store-errors.js";
import { StoreConflictError } from "../storage/store.js";
import { apiErrorOf, isInternalError } from "./store-error-status.js";

/** What each etcd member answered (gRPC messages as the etcd3 client rejects with) → the Status the API answers. */
test("etcd answers → StoreUnavailableError → Kubernetes Status", () => {
  const refused = (ip: string) => new Error(`14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED ${ip}:2379. Resolution note: `);
  const cases: { name: string; answers: [string, Error][]; code: number; reason: string; message: string }[] = [
    {
      name: "two of three members dead, the third without leader",
      answers: [
        ["172.17.8.11:2379", new Error("14 UNAVAILABLE: etcdserver: no leader")],
        ["172.17.8.12:2379", refused("172.17.8.12")],
        ["172.17.8.13:2379", refused("172.17.8.13")],
      ],
      code: 503,
      reason: "ServiceUnavailable",
      message:
        "storage unavailable: etcd has no leader (fewer than a majority of its members are up and connected) " +
        "[172.17.8.11:2379: etcdserver: no leader; 172.17.8.12:2379: connection refused; 172.17.8.13:2379: connection refused]",
    },
    {
      name: "every member dead",
      answers: [
        ["172.17.8.11:2379", refused("172.17.8.11")],
        ["172.17.8.12:2379", refused("172.17.8.12")],
      ],
      code: 503,
      reason: "ServiceUnavailable",
      message: "storage unavailable: no etcd member could be reached [172.17.8.11:2379: connection refused; 172.17.8.12:2379: connection refused]",
    },
    {
      name: "the survivor has not noticed yet that its leader is gone",
      answers: [
        ["172.17.8.11:2379", Object.assign(new Error("4 DEADLINE_EXCEEDED: Deadline exceeded after 4.998s"), { code: 4 })],
        ["172.17.8.12:2379", refused("172.17.8.12")],
      ],
      code: 504,
      reason: "Timeout",
      message: "storage unavailable: etcd did not answer in time (waited 5000 ms) [172.17.8.11:2379: no answer within 5000 ms; 172.17.8.12:2379: connection refused]",
    },
    {
      name: "etcd's own request timeout",
      answers: [["172.17.8.11:2379", new Error("14 UNAVAILABLE: etcdserver: request timed out")]],
      code: 504,
      reason: "Timeout",
      message: "storage unavailable: etcd did not answer in time (waited 5000 ms) [172.17.8.11:2379: etcdserver: request timed out]",
    },
  ];
  for (const c of cases) {
    const failures = new Map<string, { failure: EtcdFailure; reason: string }>();
    for (const [endpoint, err] of c.answers) {
      const failure = etcdFailureOf(err);
      assert.ok(failure, `${c.name}: ${err.message} is an availability failure`);
      failures.set(endpoint, { failure, reason: etcdFailureReason(err, failure, 5000) });
    }
    const status = apiErrorOf(unavailableError(failures, 5000)).toStatus();
    assert.deepEqual(
      { code: status.code, reason: status.reason, message: status.message, details: status.details },
      { code: c.code, reason: c.reason, message: c.message, details: undefined },
      c.name,
    );
  }
});

test("apiErrorOf: every error becomes a Status, only the unexpected ones are internal", () => {
  const cases: { name: string; err: unknown; code: number; reason: string; message?: string; internal: boolean }[] = [
    { name: "an ApiError as it is", err: ApiError.notFound({ group: "", resource: "pods" }, "x"), code: 404, reason: "NotFound", internal: false },
    {
      name: "no leader",
      err: new StoreUnavailableError("no-leader", [], 2000),
      code: 503,
      reason: "ServiceUnavailable",
      message: "storage unavailable: etcd has no leader (fewer than a majority of its members are up and connected)",
      internal: false,
    },
    { name: "store closed", err: new StoreClosedError(), code: 503, reason: "ServiceUnavailable", message: "storage is closed: the server is shutting down", internal: false },
    { name: "watch cache behind", err: new WatchCacheTimeoutError(12, 10), code: 504, reason: "Timeout", message: "Too large resource version: 12, current: 10", internal: false },
    {
      name: "a store error that should have been mapped",
      err: new StoreConflictError("/k", { key: "/k", value: "", createRevision: 1, modRevision: 2 }),
      code: 500,
      reason: "InternalError",
      internal: true,
    },
    { name: "a bug", err: new TypeError("x is undefined"), code: 500, reason: "InternalError", message: "Internal error occurred: x is undefined", internal: true },
  ];
  for (const c of cases) {
    const err = apiErrorOf(c.err);
    assert.equal(err.code, c.code, c.name);
    assert.equal(err.reason, c.reason, c.name);
    if (c.message !== undefined) assert.equal(err.message, c.message, c.name);
    assert.equal(err.details?.retryAfterSeconds, undefined, `${c.name}: no Retry-After`);
    assert.equal(isInternalError(c.err), c.internal, c.name);
  }
});
