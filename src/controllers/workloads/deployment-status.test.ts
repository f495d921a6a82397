import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Deployment, ReplicaSet } from "../../api/types.js";
import { calculateDeploymentStatus, deploymentStatus, deploymentStatusEqual, pausedConditionStatus, progressRecheckAfter, withCondition, type DeploymentStatus } from "./deployment-status.js";
import { at, dateAt, makeDeployment, makeRS } from "./workload-fixtures.js";
import type { DeploymentCondition } from "./workload-types.js";

const cond = (type: string, status: "True" | "False" | "Unknown", reason: string, message: string, s: number, transition = s): DeploymentCondition => ({
  type,
  status,
  lastUpdateTime: at(s),
  lastTransitionTime: at(transition),
  reason,
  message,
});

test("calculateDeploymentStatus sums ReplicaSet statuses", () => {
  const d = deepFreeze(makeDeployment((x) => ((x.spec.replicas = 10), (x.metadata.generation = 3), (x.status = { collisionCount: 1 }))));
  const oldRS = makeRS("nginx-old", { replicas: 6, actual: 7, ready: 6, available: 5, image: "nginx:0.9" });
  const newRS = makeRS("nginx-new", { replicas: 6, actual: 4, ready: 3, available: 2 });
  const s = calculateDeploymentStatus(d, deepFreeze([oldRS, newRS]), { newRS, now: dateAt(5) });
  assert.deepEqual(s, {
    observedGeneration: 3,
    replicas: 11,
    updatedReplicas: 4,
    readyReplicas: 9,
    availableReplicas: 7,
    unavailableReplicas: 5,
    collisionCount: 1,
    conditions: [cond("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", 5)],
  });
});

test("deploymentStatus: the Progressing condition through a rollout", async (t) => {
  const name = "nginx-new";
  const cases: { name: string; d: Deployment; rss: ReplicaSet[]; now: number; want: DeploymentCondition[] | undefined }[] = [
    {
      name: "complete rollout → NewReplicaSetAvailable",
      d: makeDeployment((x) => (x.status = { conditions: [cond("Progressing", "True", "ReplicaSetUpdated", `ReplicaSet "${name}" is progressing.`, 0)] })),
      rss: [makeRS(name, { replicas: 3 })],
      now: 10,
      want: [
        cond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", 10),
        cond("Progressing", "True", "NewReplicaSetAvailable", `ReplicaSet "${name}" has successfully progressed.`, 10, 0),
      ],
    },
    {
      name: "progress refreshes lastUpdateTime, keeps transition time",
      d: makeDeployment((x) => (x.status = { replicas: 3, updatedReplicas: 1, conditions: [cond("Progressing", "True", "ReplicaSetUpdated", `ReplicaSet "${name}" is progressing.`, 2)] })),
      rss: [makeRS("nginx-old", { replicas: 2, image: "x" }), makeRS(name, { replicas: 2, available: 1 })],
      now: 20,
      want: [
        cond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", 20),
        cond("Progressing", "True", "ReplicaSetUpdated", `ReplicaSet "${name}" is progressing.`, 20, 2),
      ],
    },
    {
      name: "no progress past the deadline → ProgressDeadlineExceeded",
      d: makeDeployment(
        (x) => (
          (x.spec.progressDeadlineSeconds = 30),
          (x.status = { replicas: 4, updatedReplicas: 1, availableReplicas: 3, readyReplicas: 3, conditions: [cond("Progressing", "True", "ReplicaSetUpdated", `ReplicaSet "${name}" is progressing.`, 0)] })
        ),
      ),
      rss: [makeRS("nginx-old", { replicas: 3, image: "x" }), makeRS(name, { replicas: 1, available: 0, ready: 0 })],
      now: 31,
      want: [
        cond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", 31),
        cond("Progressing", "False", "ProgressDeadlineExceeded", `ReplicaSet "${name}" has timed out progressing.`, 31),
      ],
    },
    {
      name: "exactly at the deadline is not yet timed out",
      d: makeDeployment(
        (x) => (
          (x.spec.progressDeadlineSeconds = 30),
          (x.status = { replicas: 4, updatedReplicas: 1, availableReplicas: 3, readyReplicas: 3, conditions: [cond("Progressing", "True", "ReplicaSetUpdated", `ReplicaSet "${name}" is progressing.`, 0)] })
        ),
      ),
      rss: [makeRS("nginx-old", { replicas: 3, image: "x" }), makeRS(name, { replicas: 1, available: 0, ready: 0 })],
      now: 30,
      want: [
        cond("Progressing", "True", "ReplicaSetUpdated", `ReplicaSet "${name}" is progressing.`, 0),
        cond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", 30),
      ],
    },
    {
      name: "no deadline → no Progressing condition",
      d: makeDeployment((x) => ((x.spec.progressDeadlineSeconds = 2147483647), (x.status = { conditions: [cond("Progressing", "True", "ReplicaSetUpdated", "x", 0)] }))),
      rss: [makeRS(name, { replicas: 3 })],
      now: 5,
      want: [cond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", 5)],
    },
    {
      name: "ReplicaFailure promoted from the new ReplicaSet",
      d: makeDeployment(),
      rss: [
        (() => {
          const rs = makeRS(name, { replicas: 3, actual: 1, available: 1, ready: 1 });
          rs.status!.conditions = [{ type: "ReplicaFailure", status: "True", lastTransitionTime: at(1), reason: "FailedCreate", message: "quota exceeded" }];
          return rs;
        })(),
      ],
      now: 5,
      want: [
        cond("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", 5),
        cond("Progressing", "True", "ReplicaSetUpdated", `ReplicaSet "${name}" is progressing.`, 5),
        cond("ReplicaFailure", "True", "FailedCreate", "quota exceeded", 1),
      ],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const rss = deepFreeze(c.rss);
      const s = deploymentStatus(deepFreeze(c.d), rss, { newRS: rss.find((rs) => rs.metadata.name === name), now: dateAt(c.now) });
      assert.deepEqual(s.conditions, c.want);
    });
  }
});

test("withCondition keeps unchanged conditions and transition times", () => {
  const base: DeploymentStatus = { conditions: [cond("Available", "True", "MinimumReplicasAvailable", "m", 0)] };
  assert.equal(withCondition(base, cond("Available", "True", "MinimumReplicasAvailable", "other", 9)), base);
  assert.deepEqual(withCondition(base, cond("Available", "True", "Other", "m2", 9)).conditions, [cond("Available", "True", "Other", "m2", 9, 0)]);
  assert.deepEqual(withCondition(base, cond("Available", "False", "X", "m3", 9)).conditions, [cond("Available", "False", "X", "m3", 9)]);
});

test("paused and resumed conditions", async (t) => {
  const cases: { name: string; d: Deployment; want?: string }[] = [
    { name: "pausing", d: makeDeployment((x) => (x.spec.paused = true)), want: "Unknown DeploymentPaused Deployment is paused" },
    {
      name: "already paused",
      d: makeDeployment((x) => ((x.spec.paused = true), (x.status = { conditions: [cond("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", 0)] }))),
    },
    {
      name: "resuming",
      d: makeDeployment((x) => (x.status = { conditions: [cond("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", 0)] })),
      want: "Unknown DeploymentResumed Deployment is resumed",
    },
    {
      name: "timed out stays timed out",
      d: makeDeployment((x) => ((x.spec.paused = true), (x.status = { conditions: [cond("Progressing", "False", "ProgressDeadlineExceeded", "x", 0)] }))),
    },
    { name: "never paused", d: makeDeployment() },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const s = pausedConditionStatus(deepFreeze(c.d), dateAt(1));
      const p = s?.conditions?.find((x) => x.type === "Progressing");
      assert.equal(p ? `${p.status} ${p.reason} ${p.message}` : undefined, c.want);
    });
  }
});

test("deploymentStatusEqual ignores zero versus absent", () => {
  assert.equal(deploymentStatusEqual({ replicas: 0, observedGeneration: 1 }, { observedGeneration: 1 }), true);
  assert.equal(deploymentStatusEqual({ replicas: 1 }, {}), false);
});

test("progressRecheckAfter", async (t) => {
  const progressing = (reason: string, s: number) => makeDeployment((x) => ((x.spec.progressDeadlineSeconds = 600), (x.status = { conditions: [cond("Progressing", "True", reason, "m", s)] })));
  const cases: { name: string; d: Deployment; status: DeploymentStatus; now: number; want: number | undefined }[] = [
    { name: "deadline ahead", d: progressing("ReplicaSetUpdated", 0), status: { replicas: 3 }, now: 180, want: 421_000 },
    { name: "deadline passing", d: progressing("ReplicaSetUpdated", 0), status: { replicas: 3 }, now: 600, want: 0 },
    { name: "complete", d: progressing("ReplicaSetUpdated", 0), status: { replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 }, now: 5, want: undefined },
    { name: "already timed out", d: progressing("ProgressDeadlineExceeded", 0), status: {}, now: 5, want: undefined },
    { name: "no condition", d: makeDeployment(), status: {}, now: 5, want: undefined },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(progressRecheckAfter(deepFreeze(c.d), c.status, dateAt(c.now)), c.want));
});
