import assert from "node:assert/strict";
import { test } from "node:test";
import type { EtcdCallKind, EtcdFailure } from "./etcd-failover.js";
import { afterFailure, endpointOrder, etcdFailureOf, etcdFailureReason, landedEarlier, outcomeUnknown, unavailableCause, unavailableError } from "./etcd-failover.js";
import { StoreUnavailableError } from "./store-errors.js";

/** An error as the etcd3 client rejects with: gRPC's "<code> <NAME>: <details>" message (class names vary). */
function grpcError(message: string, code?: number): Error {
  const err = new Error(message);
  if (code !== undefined) Object.assign(err, { code });
  return err;
}

const refusedMessage =
  "14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 172.17.8.13:2379. Resolution note: ";

test("etcdFailureOf and etcdFailureReason classify what etcd and gRPC answered (messages seen from etcd 3.4)", () => {
  const cases: { name: string; err: unknown; failure: EtcdFailure | undefined; reason?: string }[] = [
    { name: "require-leader refusal", err: grpcError("14 UNAVAILABLE: etcdserver: no leader"), failure: "no-leader", reason: "etcdserver: no leader" },
    { name: "connection refused", err: grpcError(refusedMessage), failure: "refused", reason: "connection refused" },
    { name: "host unreachable", err: grpcError("14 UNAVAILABLE: No connection established. Last error: Error: connect EHOSTUNREACH 10.0.0.1:2379"), failure: "refused", reason: "host unreachable" },
    { name: "etcd's request timeout", err: grpcError("14 UNAVAILABLE: etcdserver: request timed out"), failure: "timeout", reason: "etcdserver: request timed out" },
    {
      name: "etcd's timeout after a leader failure",
      err: grpcError("14 UNAVAILABLE: etcdserver: request timed out, possibly due to previous leader failure"),
      failure: "timeout",
      reason: "etcdserver: request timed out, possibly due to previous leader failure",
    },
    { name: "a write past etcd's deadline", err: grpcError("2 UNKNOWN: context deadline exceeded"), failure: "timeout", reason: "no answer within 6000 ms" },
    { name: "client deadline", err: grpcError("4 DEADLINE_EXCEEDED: Deadline exceeded after 5.002s", 4), failure: "timeout", reason: "no answer within 6000 ms" },
    { name: "leader changed during a read", err: grpcError("14 UNAVAILABLE: etcdserver: leader changed"), failure: "leader-changed", reason: "etcdserver: leader changed" },
    { name: "connection broke mid-call", err: grpcError("14 UNAVAILABLE: Connection dropped", 14), failure: "dropped", reason: "connection lost during the call" },
    { name: "compacted is an answer", err: grpcError("11 OUT_OF_RANGE: etcdserver: mvcc: required revision has been compacted"), failure: undefined },
    { name: "a bad request is an answer", err: grpcError("3 INVALID_ARGUMENT: etcdserver: key is not provided"), failure: undefined },
    { name: "not an Error", err: "boom", failure: undefined },
  ];
  for (const c of cases) {
    const failure = etcdFailureOf(c.err);
    assert.equal(failure, c.failure, c.name);
    if (failure && c.reason !== undefined) assert.equal(etcdFailureReason(c.err, failure, 6000), c.reason, c.name);
  }
});

test("afterFailure retries a plain write only when it surely was not applied, reads and checked writes always", () => {
  const cases: [EtcdFailure, EtcdCallKind, "next" | "stop", boolean][] = [
    ["refused", "write", "next", false],
    ["no-leader", "write", "next", false],
    ["timeout", "write", "stop", true],
    ["dropped", "write", "stop", true],
    ["leader-changed", "write", "stop", false],
    ["refused", "checked-write", "next", false],
    ["no-leader", "checked-write", "next", false],
    ["timeout", "checked-write", "next", true],
    ["dropped", "checked-write", "next", true],
    ["refused", "read", "next", false],
    ["no-leader", "read", "next", false],
    ["timeout", "read", "next", true],
    ["dropped", "read", "next", true],
    ["leader-changed", "read", "next", false],
  ];
  for (const [failure, kind, want, unknown] of cases) {
    assert.equal(afterFailure(failure, kind), want, `${kind} after ${failure}`);
    assert.equal(outcomeUnknown(failure), unknown, `outcome unknown after ${failure}`);
  }
});

test("landedEarlier: a failed compare after an unknown outcome is the write itself only if the key holds its value", () => {
  const cases: { name: string; unknown: boolean; current: string | undefined; want: boolean }[] = [
    { name: "first attempt answered: a real conflict", unknown: false, current: "mine", want: false },
    { name: "retried, key holds what I wrote", unknown: true, current: "mine", want: true },
    { name: "retried, someone else's value", unknown: true, current: "theirs", want: false },
    { name: "retried, key gone", unknown: true, current: undefined, want: false },
  ];
  for (const c of cases) assert.equal(landedEarlier(c.unknown, c.current, "mine"), c.want, c.name);
});

test("unavailableCause sums up the members' last failures", () => {
  const cases: { name: string; failures: EtcdFailure[]; want: string }[] = [
    { name: "two dead, one without leader", failures: ["refused", "refused", "no-leader"], want: "no-leader" },
    { name: "all dead", failures: ["refused", "refused", "refused"], want: "unreachable" },
    { name: "a member that never answered", failures: ["refused", "timeout", "refused"], want: "timeout" },
    { name: "connections broke", failures: ["dropped", "refused"], want: "unreachable" },
    { name: "leader went away during reads", failures: ["leader-changed"], want: "no-leader" },
  ];
  for (const c of cases) assert.equal(unavailableCause(c.failures), c.want, c.name);
});

test("unavailableError names every member and what it answered", () => {
  const err = unavailableError(
    new Map([
      ["172.17.8.11:2379", { failure: "no-leader" as const, reason: "etcdserver: no leader" }],
      ["172.17.8.12:2379", { failure: "refused" as const, reason: "connection refused" }],
    ]),
    2003,
  );
  assert.ok(err instanceof StoreUnavailableError);
  assert.equal(err.kind, "no-leader");
  assert.equal(
    err.message,
    "storage unavailable: etcd has no leader (fewer than a majority of its members are up and connected) " +
      "[172.17.8.11:2379: etcdserver: no leader; 172.17.8.12:2379: connection refused]",
  );
  const timeout = unavailableError(new Map([["a:1", { failure: "timeout" as const, reason: "no answer within 5000 ms" }]]), 5000);
  assert.equal(timeout.message, "storage unavailable: etcd did not answer in time (waited 5000 ms) [a:1: no answer within 5000 ms]");
});

test("endpointOrder sticks to the member that answered last and tries unreachable ones last", () => {
  const s = (endpoint: string, downUntil = 0) => ({ endpoint, downUntil });
  const cases: { name: string; states: { endpoint: string; downUntil: number }[]; preferred?: string; want: string[] }[] = [
    { name: "configured order", states: [s("a"), s("b"), s("c")], want: ["a", "b", "c"] },
    { name: "last good first", states: [s("a"), s("b"), s("c")], preferred: "c", want: ["c", "a", "b"] },
    { name: "down members last, soonest retry first", states: [s("a", 2000), s("b"), s("c", 1500)], want: ["b", "c", "a"] },
    { name: "a down member's time is over", states: [s("a", 500), s("b")], want: ["a", "b"] },
    { name: "preferred but down", states: [s("a"), s("b", 2000)], preferred: "b", want: ["a", "b"] },
    { name: "all down: all, still", states: [s("a", 3000), s("b", 2000)], want: ["b", "a"] },
  ];
  for (const c of cases) {
    assert.deepEqual(
      endpointOrder(c.states, c.preferred, 1000).map((m) => m.endpoint),
      c.want,
      c.name,
    );
  }
});
