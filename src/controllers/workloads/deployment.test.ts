import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Deployment, IntOrString, Pod, ReplicaSet } from "../../api/types.js";
import {
  equalIgnoreHash,
  findNewReplicaSet,
  findOldReplicaSets,
  isScalingEvent,
  newReplicaSetFor,
  proportionalScalePlan,
  recreatePlan,
  rollingUpdatePlan,
  scaledReplicaSet,
} from "./deployment.js";
import { makeDeployment, makePod, makeRS, ownedBy } from "./workload-fixtures.js";

const rolling = (replicas: number, maxSurge: IntOrString, maxUnavailable: IntOrString): Deployment =>
  deepFreeze(makeDeployment((d) => ((d.spec.replicas = replicas), (d.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge, maxUnavailable } }))));

const annotate = (rs: ReplicaSet, desired: number, max: number): ReplicaSet => ({
  ...rs,
  metadata: { ...rs.metadata, annotations: { ...rs.metadata.annotations, "deployment.kubernetes.io/desired-replicas": String(desired), "deployment.kubernetes.io/max-replicas": String(max) } },
});

test("newReplicaSetFor builds the ReplicaSet upstream creates", () => {
  const d = deepFreeze(makeDeployment((x) => ((x.spec.minReadySeconds = 5), (x.metadata.annotations = { "kubernetes.io/change-cause": "v1" }))));
  const rs = newReplicaSetFor(d, "1", "5d9f8c7b6");
  assert.deepEqual(rs, {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: "nginx-5d9f8c7b6",
      namespace: "default",
      labels: { app: "nginx", "pod-template-hash": "5d9f8c7b6" },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "nginx", uid: "uid-deploy", controller: true, blockOwnerDeletion: true }],
      annotations: {
        "kubernetes.io/change-cause": "v1",
        "deployment.kubernetes.io/revision": "1",
        "deployment.kubernetes.io/desired-replicas": "3",
        "deployment.kubernetes.io/max-replicas": "4",
      },
    },
    spec: {
      replicas: 3,
      minReadySeconds: 5,
      selector: { matchLabels: { app: "nginx", "pod-template-hash": "5d9f8c7b6" } },
      template: { metadata: { labels: { app: "nginx", "pod-template-hash": "5d9f8c7b6" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.0" }] } },
    },
  });
});

test("newReplicaSetFor sizes the new ReplicaSet within maxSurge", async (t) => {
  const cases: { name: string; d: Deployment; old: number; want: number }[] = [
    { name: "no old pods: full size", d: rolling(10, 2, 2), old: 0, want: 10 },
    { name: "old at full size: surge only", d: rolling(10, 2, 2), old: 10, want: 2 },
    { name: "no surge: starts at 0", d: rolling(10, 0, 2), old: 10, want: 0 },
    { name: "recreate: full size", d: deepFreeze(makeDeployment((d) => ((d.spec.replicas = 4), (d.spec.strategy = { type: "Recreate" })))), old: 4, want: 4 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const rs = newReplicaSetFor(c.d, "2", "abc", { oldReplicaSets: [makeRS("nginx-old", { replicas: c.old })] });
      assert.equal(rs.spec.replicas, c.want);
    });
  }
});

test("findNewReplicaSet ignores the hash label and prefers the oldest", () => {
  const d = deepFreeze(makeDeployment());
  const a = makeRS("nginx-aaa", { replicas: 1, created: 10 });
  const b = makeRS("nginx-bbb", { replicas: 1, created: 5 });
  const other = makeRS("nginx-ccc", { replicas: 1, image: "nginx:2.0" });
  const rss = deepFreeze([a, other, b]);
  assert.equal(findNewReplicaSet(d, rss)?.metadata.name, "nginx-bbb");
  assert.deepEqual(findOldReplicaSets(d, rss).all.map((rs) => rs.metadata.name), ["nginx-aaa", "nginx-ccc"]);
  assert.equal(equalIgnoreHash(a.spec.template!, { metadata: {}, spec: a.spec.template!.spec }), false);
  assert.equal(equalIgnoreHash({ metadata: { labels: { "pod-template-hash": "x" } }, spec: { containers: [] } }, { spec: { containers: [] } }), true);
  assert.equal(equalIgnoreHash({ metadata: { creationTimestamp: null, labels: { app: "web" } }, spec: { containers: [] } }, { metadata: { labels: { app: "web" } }, spec: { containers: [] } }), true, "kubectl rollout undo sends creationTimestamp: null");
});

test("rollingUpdatePlan: the new ReplicaSet (reconcileNewReplicaSet)", async (t) => {
  const cases: { name: string; d: Deployment; oldReplicas: number; newReplicas: number; want?: number }[] = [
    { name: "no surge, old at full size: nothing to add", d: rolling(10, 0, 2), oldReplicas: 10, newReplicas: 0 },
    { name: "surge 2 over full old", d: rolling(10, 2, 2), oldReplicas: 10, newReplicas: 0, want: 2 },
    { name: "room below the ceiling, capped at replicas", d: rolling(10, 2, 2), oldReplicas: 5, newReplicas: 0, want: 7 },
    { name: "already at the ceiling", d: rolling(10, 2, 2), oldReplicas: 10, newReplicas: 2 },
    { name: "too big: shrink to replicas", d: rolling(10, 2, 2), oldReplicas: 2, newReplicas: 11, want: 10 },
    { name: "percentages round surge up", d: rolling(3, "25%", "25%"), oldReplicas: 3, newReplicas: 0, want: 1 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const oldRS = makeRS("nginx-old", { replicas: c.oldReplicas, image: "nginx:0.9" });
      const newRS = makeRS("nginx-new", { replicas: c.newReplicas, available: 0 });
      const plan = rollingUpdatePlan(c.d, deepFreeze(newRS), deepFreeze([oldRS]));
      assert.equal(plan.scaleNew, c.want);
      if (c.want !== undefined) assert.deepEqual(plan.scaleOld, []);
    });
  }
});

test("rollingUpdatePlan: old ReplicaSets (reconcileOldReplicaSets)", async (t) => {
  const cases: { name: string; d: Deployment; old: { replicas: number; available: number }[]; newRS: { replicas: number; available: number }; want: number[] }[] = [
    { name: "no unavailability allowed, nothing new ready", d: rolling(10, 2, 0), old: [{ replicas: 10, available: 10 }], newRS: { replicas: 2, available: 0 }, want: [10] },
    { name: "scale down by maxUnavailable", d: rolling(10, 0, 2), old: [{ replicas: 10, available: 10 }], newRS: { replicas: 0, available: 0 }, want: [8] },
    { name: "unavailable new pods block scale down", d: rolling(10, 0, 2), old: [{ replicas: 8, available: 8 }], newRS: { replicas: 2, available: 0 }, want: [8] },
    { name: "new pods available: old can go", d: rolling(10, 0, 2), old: [{ replicas: 8, available: 8 }], newRS: { replicas: 2, available: 2 }, want: [6] },
    { name: "unhealthy old replicas are cleaned up first", d: rolling(10, 0, 2), old: [{ replicas: 10, available: 9 }], newRS: { replicas: 0, available: 0 }, want: [8] },
    {
      name: "oldest ReplicaSet first",
      d: rolling(10, 0, 2),
      old: [
        { replicas: 5, available: 5 },
        { replicas: 5, available: 5 },
      ],
      newRS: { replicas: 0, available: 0 },
      want: [3, 5],
    },
    {
      name: "crash-looping old ReplicaSet is cleaned even when availability is at the floor",
      d: rolling(10, 3, 2),
      old: [
        { replicas: 5, available: 0 },
        { replicas: 8, available: 8 },
      ],
      newRS: { replicas: 0, available: 0 },
      want: [0, 8],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const olds = c.old.map((o, i) => makeRS(`nginx-old${i}`, { ...o, created: i, image: `nginx:0.${i}` }));
      const newRS = makeRS("nginx-new", { ...c.newRS, created: 100 });
      const plan = rollingUpdatePlan(c.d, deepFreeze(newRS), deepFreeze(olds));
      assert.equal(plan.scaleNew, undefined);
      const target = new Map(plan.scaleOld.map((s) => [s.rs.metadata.name, s.replicas]));
      assert.deepEqual(
        olds.map((rs) => target.get(rs.metadata.name) ?? rs.spec.replicas),
        c.want,
      );
    });
  }
});

test("recreatePlan", async (t) => {
  const d = deepFreeze(makeDeployment((x) => ((x.spec.replicas = 3), (x.spec.strategy = { type: "Recreate" }))));
  const oldRS = (replicas: number, actual: number) => makeRS("nginx-old", { replicas, actual, available: actual, image: "nginx:0.9" });
  const newRS = (replicas: number) => makeRS("nginx-new", { replicas, available: 0 });
  const podOf = (rs: ReplicaSet, phase: "Running" | "Succeeded" = "Running", deleting = false): Pod =>
    makePod(`p-${rs.metadata.name}`, (p) => (ownedBy(rs)(p), (p.status = { phase }), deleting && (p.metadata.deletionTimestamp = "2024-01-01T00:00:00Z")));
  const cases: { name: string; newRS?: ReplicaSet; old: ReplicaSet; pods: Pod[]; want: { scaleOld: number[]; wait: boolean; create: boolean; scaleNew?: number } }[] = [
    { name: "scale old to zero first", old: oldRS(3, 3), pods: [], want: { scaleOld: [0], wait: true, create: false } },
    { name: "old pods still reported", old: oldRS(0, 2), pods: [], want: { scaleOld: [], wait: true, create: false } },
    { name: "terminating old pod still running", old: oldRS(0, 0), pods: [podOf(oldRS(0, 0), "Running", true)], want: { scaleOld: [], wait: true, create: false } },
    { name: "finished old pods do not block", old: oldRS(0, 0), pods: [podOf(oldRS(0, 0), "Succeeded")], want: { scaleOld: [], wait: false, create: true } },
    { name: "create the new ReplicaSet", old: oldRS(0, 0), pods: [], want: { scaleOld: [], wait: false, create: true } },
    { name: "scale up an existing new ReplicaSet", newRS: newRS(0), old: oldRS(0, 0), pods: [podOf(newRS(0))], want: { scaleOld: [], wait: false, create: false, scaleNew: 3 } },
    { name: "done", newRS: newRS(3), old: oldRS(0, 0), pods: [], want: { scaleOld: [], wait: false, create: false } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const plan = recreatePlan(d, c.newRS && deepFreeze(c.newRS), deepFreeze([c.old]), deepFreeze(c.pods));
      assert.deepEqual({ scaleOld: plan.scaleOld.map((s) => s.replicas), wait: plan.waitForOldPods, create: plan.createNewReplicaSet, scaleNew: plan.scaleNew }, { scaleNew: undefined, ...c.want });
    });
  }
});

test("proportional scaling (sync on a scaling event)", async (t) => {
  const mk = (name: string, replicas: number, created: number, desired: number, max: number) => annotate(makeRS(name, { replicas, created, image: `nginx:${name}` }), desired, max);
  const cases: { name: string; d: Deployment; newRS?: ReplicaSet; old: ReplicaSet[]; want: Record<string, number> }[] = [
    { name: "single active ReplicaSet takes it all", d: rolling(7, 1, 1), newRS: mk("new", 3, 5, 3, 4), old: [mk("old", 0, 1, 3, 4)], want: { new: 7 } },
    { name: "no active ReplicaSet: the new one", d: rolling(2, 1, 1), newRS: mk("new", 0, 5, 0, 0), old: [mk("old", 0, 1, 0, 0)], want: { new: 2 } },
    { name: "grow 5 → 10 in proportion", d: rolling(10, 0, 1), newRS: mk("new", 2, 5, 5, 5), old: [mk("old", 3, 1, 5, 5)], want: { old: 6, new: 4 } },
    { name: "shrink 10 → 5 in proportion", d: rolling(5, 0, 1), newRS: mk("new", 4, 5, 10, 10), old: [mk("old", 6, 1, 10, 10)], want: { old: 3, new: 2 } },
    { name: "ties: newer grows first", d: rolling(3, 0, 1), newRS: mk("new", 1, 5, 2, 2), old: [mk("old", 1, 1, 2, 2)], want: { new: 2 } },
    { name: "saturated new ReplicaSet zeroes the old", d: rolling(3, 1, 1), newRS: mk("new", 3, 5, 3, 4), old: [mk("old", 1, 1, 3, 4)], want: { old: 0 } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const steps = proportionalScalePlan(c.d, c.newRS && deepFreeze(c.newRS), deepFreeze(c.old));
      assert.deepEqual(Object.fromEntries(steps.map((s) => [s.rs.metadata.name, s.replicas])), c.want);
    });
  }
});

test("isScalingEvent compares desired-replicas annotations", () => {
  const d = rolling(5, 1, 1);
  const rs = annotate(makeRS("nginx-a", { replicas: 3 }), 3, 4);
  assert.equal(isScalingEvent(d, deepFreeze(rs), []), true);
  assert.equal(isScalingEvent(rolling(3, 1, 1), deepFreeze(rs), []), false);
  assert.equal(isScalingEvent(d, deepFreeze(makeRS("nginx-b", { replicas: 3 })), []), false);
});

test("scaledReplicaSet copies and stamps the replicas annotations", () => {
  const rs = deepFreeze(makeRS("nginx-a", { replicas: 1 }));
  const out = scaledReplicaSet(rs, rolling(10, 3, 2), 4);
  assert.equal(out.spec.replicas, 4);
  assert.equal(out.metadata.annotations?.["deployment.kubernetes.io/desired-replicas"], "10");
  assert.equal(out.metadata.annotations?.["deployment.kubernetes.io/max-replicas"], "13");
  assert.equal(rs.spec.replicas, 1);
});
