import { test } from "node:test";
import assert from "node:assert/strict";
import type { Condition } from "../api/types.js";
import { restoredConditions } from "./node-conditions.js";

const t0 = "2026-11-27T05:00:00Z";
const now = "2026-11-27T05:10:00Z";
const ready: Condition = { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: t0, lastTransitionTime: t0 };
const memory: Condition = { type: "MemoryPressure", status: "False", reason: "KubeletHasSufficientMemory", message: "kubelet has sufficient memory available", lastHeartbeatTime: t0, lastTransitionTime: t0 };
const unknown = (c: Condition): Condition => ({ ...c, status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: "2026-11-27T05:05:00Z" });

test("restoredConditions: nothing to write while the API agrees", () => {
  assert.equal(restoredConditions([ready, memory], [ready, memory], now), undefined);
  assert.equal(restoredConditions([memory, { ...ready, lastHeartbeatTime: "2026-11-27T04:00:00Z" }], [ready, memory], now), undefined, "times alone are no reason");
});

test("restoredConditions: conditions the node controller set to Unknown come back, with new times", () => {
  const got = restoredConditions([unknown(ready), unknown(memory)], [ready, memory], now);
  assert.deepEqual(got, [
    { ...ready, lastHeartbeatTime: now, lastTransitionTime: now },
    { ...memory, lastHeartbeatTime: now, lastTransitionTime: now },
  ]);
});

test("restoredConditions: an agreeing condition keeps its times; another's conditions are kept; a missing one is added", () => {
  const network: Condition = { type: "NetworkUnavailable", status: "False", reason: "RouteCreated", message: "", lastHeartbeatTime: t0, lastTransitionTime: t0 };
  const got = restoredConditions([memory, unknown(ready), network], [ready, memory], now);
  assert.deepEqual(got, [{ ...ready, lastHeartbeatTime: now, lastTransitionTime: now }, memory, network]);
  assert.deepEqual(restoredConditions(undefined, [ready], now), [{ ...ready, lastHeartbeatTime: now, lastTransitionTime: now }]);
});
