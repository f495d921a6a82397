import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Pod, ReplicationController } from "../../api/types.js";
import { activePods, availabilityRecheckAfter, manageReplicas, replicaStatus, slowStartBatches, statusEqual, type ReplicaStatus } from "./replica-decisions.js";
import { at, dateAt, makePod, makeRC, pending, readyAt } from "./workload-fixtures.js";

test("activePods drops terminal and terminating pods", () => {
  const pods = deepFreeze([
    makePod("running"),
    makePod("pending", pending),
    makePod("succeeded", (p) => (p.status = { phase: "Succeeded" })),
    makePod("failed", (p) => (p.status = { phase: "Failed" })),
    makePod("deleting", (p) => (p.metadata.deletionTimestamp = at(1))),
  ]);
  assert.deepEqual(activePods(pods).map((p) => p.metadata.name), ["running", "pending"]);
});

test("manageReplicas", async (t) => {
  const pods = (n: number): Pod[] => Array.from({ length: n }, (_, i) => makePod(`p${i}`, i === 1 ? pending : undefined));
  const cases: { name: string; desired: number; have: number; burst?: number; want: { create: number } | { delete: string[] } }[] = [
    { name: "steady", desired: 2, have: 2, want: { create: 0 } },
    { name: "scale up", desired: 5, have: 2, want: { create: 3 } },
    { name: "scale up capped by burst", desired: 800, have: 0, want: { create: 500 } },
    { name: "custom burst", desired: 10, have: 0, burst: 4, want: { create: 4 } },
    { name: "scale down picks the pending pod", desired: 2, have: 3, want: { delete: ["p1"] } },
    { name: "scale to zero", desired: 0, have: 2, want: { delete: ["p0", "p1"] } },
    { name: "scale down capped by burst", desired: 0, have: 3, burst: 1, want: { delete: ["p1"] } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = manageReplicas(c.desired, deepFreeze(pods(c.have)), { burstReplicas: c.burst });
      assert.deepEqual("delete" in got ? { delete: got.delete.map((p) => p.metadata.name) } : got, c.want);
    });
  }
});

test("slowStartBatches doubles from 1", async (t) => {
  const cases: { name: string; n: number; want: number[] }[] = [
    { name: "zero", n: 0, want: [] },
    { name: "one", n: 1, want: [1] },
    { name: "ten", n: 10, want: [1, 2, 4, 3] },
    { name: "fifteen", n: 15, want: [1, 2, 4, 8] },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(slowStartBatches(c.n), c.want));
});

test("replicaStatus", async (t) => {
  const rc = (edit?: (r: ReplicationController) => void) => makeRC((r) => ((r.metadata.generation = 4), edit?.(r)));
  const failure = { type: "ReplicaFailure", status: "True" as const, lastTransitionTime: at(0), reason: "FailedCreate", message: "quota" };
  const cases: { name: string; owner: ReplicationController; pods: Pod[]; now: number; err?: string; want: ReplicaStatus }[] = [
    { name: "no pods", owner: rc(), pods: [], now: 0, want: { replicas: 0, observedGeneration: 4 } },
    {
      name: "ready and available",
      owner: rc(),
      pods: [makePod("a"), makePod("b", pending)],
      now: 10,
      want: { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 1, availableReplicas: 1, observedGeneration: 4 },
    },
    {
      name: "minReadySeconds holds availability back",
      owner: rc((r) => (r.spec.minReadySeconds = 30)),
      pods: [makePod("a", readyAt(0)), makePod("b", readyAt(20))],
      now: 40,
      want: { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 4 },
    },
    {
      name: "exactly minReadySeconds is not yet available",
      owner: rc((r) => (r.spec.minReadySeconds = 30)),
      pods: [makePod("a", readyAt(10))],
      now: 40,
      want: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, observedGeneration: 4 },
    },
    {
      name: "fully labeled needs every template label",
      owner: rc((r) => (r.spec.template!.metadata!.labels = { app: "nginx", tier: "web" })),
      pods: [makePod("a"), makePod("b", (p) => (p.metadata.labels = { app: "nginx", tier: "web" }))],
      now: 0,
      want: { replicas: 2, fullyLabeledReplicas: 1, readyReplicas: 2, availableReplicas: 2, observedGeneration: 4 },
    },
    {
      name: "create failure adds ReplicaFailure",
      owner: rc(),
      pods: [makePod("a")],
      now: 0,
      err: "quota",
      want: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 4, conditions: [failure] },
    },
    {
      name: "delete failure reason",
      owner: rc((r) => (r.spec.replicas = 0)),
      pods: [makePod("a")],
      now: 0,
      err: "boom",
      want: {
        replicas: 1,
        fullyLabeledReplicas: 1,
        readyReplicas: 1,
        availableReplicas: 1,
        observedGeneration: 4,
        conditions: [{ ...failure, reason: "FailedDelete", message: "boom" }],
      },
    },
    {
      name: "existing failure kept while failing",
      owner: rc((r) => (r.status = { replicas: 1, conditions: [failure] })),
      pods: [makePod("a")],
      now: 99,
      err: "other",
      want: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 4, conditions: [failure] },
    },
    {
      name: "success clears the failure",
      owner: rc((r) => (r.status = { replicas: 1, conditions: [failure] })),
      pods: [makePod("a")],
      now: 0,
      want: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 4 },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.deepEqual(replicaStatus(deepFreeze(c.owner), deepFreeze(c.pods), { now: dateAt(c.now), manageError: c.err }), c.want);
    });
  }
});

test("statusEqual treats absent and zero counts alike", () => {
  assert.equal(statusEqual({ replicas: 0 }, { replicas: 0, readyReplicas: 0 }), true);
  assert.equal(statusEqual({ replicas: 1 }, { replicas: 1, readyReplicas: 1 }), false);
  assert.equal(statusEqual(undefined, { replicas: 0 }), true);
});

test("availabilityRecheckAfter", () => {
  const rc = deepFreeze(makeRC((r) => (r.spec.minReadySeconds = 10)));
  assert.equal(availabilityRecheckAfter(rc, { replicas: 2, readyReplicas: 2, availableReplicas: 1 }), 10_000);
  assert.equal(availabilityRecheckAfter(rc, { replicas: 2, readyReplicas: 2, availableReplicas: 2 }), undefined);
  assert.equal(availabilityRecheckAfter(rc, { replicas: 2, readyReplicas: 1 }), undefined);
  assert.equal(availabilityRecheckAfter(rc, { replicas: 2, readyReplicas: 2 }, "err"), undefined);
});
