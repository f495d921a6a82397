import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { ReplicaSet } from "../../api/types.js";
import { onReplicaSetNameConflict, planDeploymentSync, type DeploymentAction } from "./deployment-sync.js";
import { podTemplateHash } from "./template-hash.js";
import { at, dateAt, makeDeployment, makeRS } from "./workload-fixtures.js";

const summary = (actions: DeploymentAction[]): string[] =>
  actions.map((a) => {
    switch (a.kind) {
      case "createReplicaSet":
        return `create ${a.replicaSet.metadata.name} replicas=${a.replicaSet.spec.replicas}`;
      case "updateReplicaSet":
        return `update ${a.replicaSet.metadata.name} replicas=${a.replicaSet.spec.replicas}`;
      case "deleteReplicaSet":
        return `delete ${a.replicaSet.metadata.name}`;
      case "updateDeploymentStatus":
        return `status revision=${a.annotations["deployment.kubernetes.io/revision"]}`;
      case "event":
        return `event ${a.type} ${a.reason}: ${a.message}`;
    }
    return "";
  });

test("a new Deployment: create its first ReplicaSet", () => {
  const d = deepFreeze(makeDeployment());
  const actions = planDeploymentSync(d, [], { now: dateAt(1) });
  const hash = podTemplateHash(d.spec.template);
  assert.deepEqual(summary(actions), [`create nginx-${hash} replicas=3`, `event Normal ScalingReplicaSet: Scaled up replica set nginx-${hash} from 0 to 3`, "status revision=1"]);
  const status = actions.at(-1);
  assert.equal(status?.kind, "updateDeploymentStatus");
  if (status?.kind !== "updateDeploymentStatus") return;
  assert.deepEqual(status.status, {
    observedGeneration: 1,
    unavailableReplicas: 3,
    conditions: [
      { type: "Progressing", status: "True", lastUpdateTime: at(1), lastTransitionTime: at(1), reason: "NewReplicaSetCreated", message: `Created new replica set "nginx-${hash}"` },
      { type: "Available", status: "False", lastUpdateTime: at(1), lastTransitionTime: at(1), reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability." },
    ],
  });
});

test("a template change starts a rollout within maxSurge", () => {
  const d = deepFreeze(
    makeDeployment((x) => {
      x.spec.replicas = 10;
      x.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } };
      x.spec.template.spec.containers[0].image = "nginx:2.0";
      x.metadata.annotations = { "deployment.kubernetes.io/revision": "1" };
    }),
  );
  const old = makeRS("nginx-old", { replicas: 10, revision: 1 });
  old.metadata.annotations = { ...old.metadata.annotations, "deployment.kubernetes.io/desired-replicas": "10", "deployment.kubernetes.io/max-replicas": "13" };
  const hash = podTemplateHash(d.spec.template);
  const actions = planDeploymentSync(d, deepFreeze([old]), { now: dateAt(1) });
  // Same pass as upstream: create at maxSurge, then scale the old one down by maxUnavailable.
  assert.deepEqual(summary(actions), [
    `create nginx-${hash} replicas=3`,
    `event Normal ScalingReplicaSet: Scaled up replica set nginx-${hash} from 0 to 3`,
    "update nginx-old replicas=8",
    "event Normal ScalingReplicaSet: Scaled down replica set nginx-old from 10 to 8",
    "status revision=2",
  ]);
  // Next pass: old at 8 (all available), new at 3 (none available) → grow new to 13 - 8 = 5.
  const created = { ...(actions[0] as { replicaSet: ReplicaSet }).replicaSet, status: { replicas: 3 } };
  created.metadata = { ...created.metadata, uid: "uid-new", creationTimestamp: at(1) };
  const scaled = { ...(actions[2] as { replicaSet: ReplicaSet }).replicaSet, status: { replicas: 8, readyReplicas: 8, availableReplicas: 8 } };
  const next = planDeploymentSync({ ...d, metadata: { ...d.metadata, annotations: { "deployment.kubernetes.io/revision": "2" } } }, deepFreeze([scaled, created]), { now: dateAt(2) });
  assert.deepEqual(summary(next).slice(0, 2), [`update nginx-${hash} replicas=5`, `event Normal ScalingReplicaSet: Scaled up replica set nginx-${hash} from 3 to 5`]);
});

test("an empty selector is refused", () => {
  const d = deepFreeze(makeDeployment((x) => ((x.spec.selector = {}), (x.metadata.generation = 2))));
  assert.deepEqual(summary(planDeploymentSync(d, [], { now: dateAt(0) })), [
    "event Warning SelectingAll: This deployment is selecting all pods. A non-empty selector is required.",
    "status revision=undefined",
  ]);
});

test("a Deployment being deleted only gets status", () => {
  const d = deepFreeze(makeDeployment((x) => (x.metadata.deletionTimestamp = at(0))));
  const rs = makeRS("nginx-abc", { replicas: 3, revision: 1 });
  const actions = planDeploymentSync(d, deepFreeze([rs]), { now: dateAt(1) });
  assert.deepEqual(
    actions.map((a) => a.kind),
    ["updateDeploymentStatus"],
  );
});

test("a paused Deployment does not roll out", () => {
  const d = deepFreeze(makeDeployment((x) => ((x.spec.paused = true), (x.spec.template.spec.containers[0].image = "nginx:2.0"))));
  const old = makeRS("nginx-old", { replicas: 3, revision: 1 });
  const actions = planDeploymentSync(d, deepFreeze([old]), { now: dateAt(1) });
  assert.ok(!actions.some((a) => a.kind === "createReplicaSet"));
  const status = actions.find((a) => a.kind === "updateDeploymentStatus");
  assert.ok(status?.kind === "updateDeploymentStatus" && status.status.conditions?.some((c) => c.reason === "DeploymentPaused"));
});

test("name conflicts: adopt our own, otherwise bump collisionCount", () => {
  const d = deepFreeze(makeDeployment((x) => (x.status = { collisionCount: 2 })));
  const ours = makeRS("nginx-x", { replicas: 1 });
  assert.deepEqual(onReplicaSetNameConflict(d, deepFreeze(ours)), { adopt: ours });
  const foreign = makeRS("nginx-x", { replicas: 1 });
  foreign.metadata.ownerReferences = [];
  assert.deepEqual(onReplicaSetNameConflict(d, deepFreeze(foreign)), { collisionCount: 3 });
});
