// Whole rollouts in the fake cluster: every tick checks the RollingUpdate guarantees
// (available pods never below replicas - maxUnavailable once the Deployment was fully available,
// pods never above replicas + maxSurge) and records what `kubectl rollout status` would print.

import { test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment, IntOrString } from "../../api/types.js";
import { controllerOf } from "./claim.js";
import { FakeWorkloadCluster } from "./fake-workload-cluster.js";
import { isPodReady } from "./pod-state.js";
import { resolveFenceposts } from "./int-or-percent.js";
import { rollbackTo } from "./rollback.js";
import { rolloutStatusView } from "./rollout-status.js";
import { makeDeployment, dateAt } from "./workload-fixtures.js";

function deployment(replicas: number, maxSurge: IntOrString, maxUnavailable: IntOrString, edit?: (d: Deployment) => void): Deployment {
  return makeDeployment((d) => {
    d.spec.replicas = replicas;
    d.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge, maxUnavailable } };
    edit?.(d);
  });
}

/** Ticks until kubectl would report success (or `limit` ticks), returning kubectl's lines. */
function runUntilRolledOut(c: FakeWorkloadCluster, limit: number, check?: () => void): string[] {
  const lines: string[] = [];
  for (let i = 0; i < limit; i++) {
    c.tick();
    check?.();
    const view = rolloutStatusView(c.deployment);
    if ("error" in view) {
      lines.push(`error: ${view.error}`);
      return lines;
    }
    if (lines.at(-1) !== view.message) lines.push(view.message);
    if (view.done) return lines;
  }
  return lines;
}

const readyCount = (c: FakeWorkloadCluster): number => c.pods.filter(isPodReady).length;

test("RollingUpdate keeps availability and surge bounds", async (t) => {
  const cases: { name: string; replicas: number; surge: IntOrString; unavailable: IntOrString }[] = [
    { name: "10 replicas, surge 3, unavailable 2", replicas: 10, surge: 3, unavailable: 2 },
    { name: "3 replicas, defaults 25%/25%", replicas: 3, surge: "25%", unavailable: "25%" },
    { name: "5 replicas, surge 0, unavailable 1", replicas: 5, surge: 0, unavailable: 1 },
    { name: "4 replicas, surge 100%, unavailable 0", replicas: 4, surge: "100%", unavailable: 0 },
    { name: "7 replicas, surge 0, unavailable 0 (one may go)", replicas: 7, surge: 0, unavailable: 0 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const cluster = new FakeWorkloadCluster(deployment(c.replicas, c.surge, c.unavailable), { start: dateAt(0), nodes: ["n1", "n2", "n3"] });
      const initial = runUntilRolledOut(cluster, 60);
      assert.match(initial.at(-1) ?? "", /successfully rolled out/);
      assert.equal(readyCount(cluster), c.replicas);

      const { surge, unavailable } = resolveFenceposts(c.surge, c.unavailable, c.replicas);
      cluster.updateDeployment((d) => (d.spec.template.spec.containers[0].image = "nginx:2.0"));
      let maxPods = 0;
      let minReady = Infinity;
      const lines = runUntilRolledOut(cluster, 200, () => {
        maxPods = Math.max(maxPods, cluster.pods.length);
        minReady = Math.min(minReady, readyCount(cluster));
      });
      assert.match(lines.at(-1) ?? "", /^deployment "nginx" successfully rolled out\n$/);
      assert.ok(maxPods <= c.replicas + surge, `pods peaked at ${maxPods} > ${c.replicas} + ${surge}`);
      assert.ok(minReady >= c.replicas - unavailable, `ready pods fell to ${minReady} < ${c.replicas} - ${unavailable}`);

      // End state: the new ReplicaSet has every pod, all on the new image, revision 2.
      const [oldRS, newRS] = cluster.replicaSets;
      assert.equal(oldRS.spec.replicas, 0);
      assert.equal(newRS.spec.replicas, c.replicas);
      assert.equal(newRS.metadata.annotations?.["deployment.kubernetes.io/revision"], "2");
      assert.equal(cluster.deployment.metadata.annotations?.["deployment.kubernetes.io/revision"], "2");
      assert.ok(cluster.pods.every((p) => controllerOf(p)?.uid === newRS.metadata.uid && p.spec.containers[0].image === "nginx:2.0"));
      const conds = Object.fromEntries((cluster.deployment.status?.conditions ?? []).map((x) => [x.type, `${x.status} ${x.reason} ${x.message}`]));
      assert.deepEqual(conds, {
        Available: "True MinimumReplicasAvailable Deployment has minimum availability.",
        Progressing: `True NewReplicaSetAvailable ReplicaSet "${newRS.metadata.name}" has successfully progressed.`,
      });
      assert.deepEqual(
        { ...cluster.deployment.status, conditions: undefined },
        { observedGeneration: 2, replicas: c.replicas, updatedReplicas: c.replicas, readyReplicas: c.replicas, availableReplicas: c.replicas, conditions: undefined },
      );
    });
  }
});

test("kubectl rollout status lines during a rollout", () => {
  const cluster = new FakeWorkloadCluster(deployment(3, 1, 0), { start: dateAt(0) });
  runUntilRolledOut(cluster, 30);
  cluster.updateDeployment((d) => (d.spec.template.spec.containers[0].image = "nginx:2.0"));
  assert.equal((rolloutStatusView(cluster.deployment) as { message: string }).message, "Waiting for deployment spec update to be observed...\n");
  const lines = runUntilRolledOut(cluster, 60);
  // The new ReplicaSet exists before it reports pods, so kubectl first sees 0 updated replicas.
  assert.deepEqual(lines, [
    'Waiting for deployment "nginx" rollout to finish: 0 out of 3 new replicas have been updated...\n',
    'Waiting for deployment "nginx" rollout to finish: 1 out of 3 new replicas have been updated...\n',
    'Waiting for deployment "nginx" rollout to finish: 2 out of 3 new replicas have been updated...\n',
    'Waiting for deployment "nginx" rollout to finish: 1 old replicas are pending termination...\n',
    'deployment "nginx" successfully rolled out\n',
  ]);
});

test("kubectl sees updated replicas that are not yet available", () => {
  const cluster = new FakeWorkloadCluster(deployment(2, 2, 0), { start: dateAt(0), readyAfter: (p) => (p.spec.containers[0].image === "nginx:2.0" ? 5 : 1) });
  runUntilRolledOut(cluster, 30);
  cluster.updateDeployment((d) => ((d.spec.template.spec.containers[0].image = "nginx:2.0"), (d.spec.strategy = { type: "Recreate" })));
  const lines = runUntilRolledOut(cluster, 60);
  assert.ok(lines.includes('Waiting for deployment "nginx" rollout to finish: 0 of 2 updated replicas are available...\n'), lines.join(""));
  assert.equal(lines.at(-1), 'deployment "nginx" successfully rolled out\n');
});

test("Recreate removes every old pod before creating new ones", () => {
  const cluster = new FakeWorkloadCluster(makeDeployment((d) => ((d.spec.replicas = 4), (d.spec.strategy = { type: "Recreate" }))), { start: dateAt(0) });
  runUntilRolledOut(cluster, 30);
  const firstRS = cluster.replicaSets[0].metadata.uid;
  cluster.updateDeployment((d) => (d.spec.template.spec.containers[0].image = "nginx:2.0"));
  const lines = runUntilRolledOut(cluster, 60, () => {
    const owners = new Set(cluster.pods.map((p) => controllerOf(p)?.uid));
    assert.ok(!(owners.has(firstRS) && owners.size > 1), "old and new pods ran together");
  });
  assert.match(lines.at(-1) ?? "", /successfully rolled out/);
  assert.equal(cluster.replicaSets.length, 2);
  assert.equal(cluster.pods.length, 4);
});

test("rollout undo re-uses the old ReplicaSet with the next revision", () => {
  const cluster = new FakeWorkloadCluster(deployment(3, 1, 0), { start: dateAt(0) });
  cluster.updateDeployment((d) => (d.metadata.annotations = { "kubernetes.io/change-cause": "v1" }));
  runUntilRolledOut(cluster, 30);
  cluster.updateDeployment((d) => ((d.spec.template.spec.containers[0].image = "nginx:2.0"), (d.metadata.annotations = { ...d.metadata.annotations, "kubernetes.io/change-cause": "v2" })));
  runUntilRolledOut(cluster, 60);
  const [v1, v2] = cluster.replicaSets;

  const res = rollbackTo(cluster.deployment, cluster.replicaSets);
  assert.equal(res.kind, "patch");
  if (res.kind !== "patch") return;
  assert.equal(res.template.metadata?.labels?.["pod-template-hash"], undefined);
  assert.equal(res.annotations["kubernetes.io/change-cause"], "v1");
  assert.equal(res.annotations["deployment.kubernetes.io/revision"], "2");
  cluster.updateDeployment((d) => ((d.spec.template = res.template), (d.metadata.annotations = res.annotations)));
  const lines = runUntilRolledOut(cluster, 60);
  assert.match(lines.at(-1) ?? "", /successfully rolled out/);

  assert.equal(cluster.replicaSets.length, 2, "no third ReplicaSet");
  const reused = cluster.replicaSets.find((rs) => rs.metadata.uid === v1.metadata.uid)!;
  assert.equal(reused.spec.replicas, 3);
  assert.equal(reused.metadata.annotations?.["deployment.kubernetes.io/revision"], "3");
  assert.equal(reused.metadata.annotations?.["deployment.kubernetes.io/revision-history"], "1");
  assert.equal(cluster.replicaSets.find((rs) => rs.metadata.uid === v2.metadata.uid)?.spec.replicas, 0);
  assert.equal(cluster.deployment.metadata.annotations?.["deployment.kubernetes.io/revision"], "3");
  assert.deepEqual(rollbackTo(cluster.deployment, cluster.replicaSets, 3), { kind: "skipped", message: "skipped rollback (current template already matches revision 3)" });
});

test("a rollout whose pods never become ready stalls safely and times out", () => {
  const cluster = new FakeWorkloadCluster(
    deployment(4, 1, 1, (d) => (d.spec.progressDeadlineSeconds = 30)),
    { start: dateAt(0), readyAfter: (p) => (p.spec.containers[0].image === "broken" ? undefined : 1) },
  );
  runUntilRolledOut(cluster, 30);
  cluster.updateDeployment((d) => (d.spec.template.spec.containers[0].image = "broken"));
  let minReady = Infinity;
  const lines = runUntilRolledOut(cluster, 120, () => (minReady = Math.min(minReady, readyCount(cluster))));
  assert.equal(lines.at(-1), 'error: deployment "nginx" exceeded its progress deadline');
  assert.ok(minReady >= 3, `ready fell to ${minReady}`);
  assert.ok(cluster.pods.length <= 5);
  const progressing = cluster.deployment.status?.conditions?.find((x) => x.type === "Progressing");
  assert.equal(progressing?.status, "False");
  assert.match(progressing?.message ?? "", /^ReplicaSet "nginx-[a-z0-9]+" has timed out progressing\.$/);
});

test("revisionHistoryLimit cleans up old ReplicaSets after each rollout", () => {
  const cluster = new FakeWorkloadCluster(deployment(2, 1, 0, (d) => (d.spec.revisionHistoryLimit = 1)), { start: dateAt(0) });
  runUntilRolledOut(cluster, 30);
  for (const image of ["nginx:2", "nginx:3", "nginx:4"]) {
    cluster.updateDeployment((d) => (d.spec.template.spec.containers[0].image = image));
    runUntilRolledOut(cluster, 60);
    for (let i = 0; i < 3; i++) cluster.tick();
  }
  assert.deepEqual(
    cluster.replicaSets.map((rs) => [rs.metadata.annotations?.["deployment.kubernetes.io/revision"], rs.spec.replicas]),
    [
      ["3", 0],
      ["4", 2],
    ],
  );
});

test("scaling a Deployment mid-rollout spreads the change proportionally", () => {
  const cluster = new FakeWorkloadCluster(deployment(10, 3, 2), { start: dateAt(0), readyAfter: (p) => (p.spec.containers[0].image === "slow" ? 1000 : 1) });
  runUntilRolledOut(cluster, 30);
  cluster.updateDeployment((d) => (d.spec.template.spec.containers[0].image = "slow"));
  for (let i = 0; i < 5; i++) cluster.tick();
  const before = cluster.replicaSets.map((rs) => rs.spec.replicas ?? 0);
  assert.equal(before.reduce((a, b) => a + b, 0), 13, `mid-rollout sizes ${before}`);
  cluster.updateDeployment((d) => (d.spec.replicas = 20));
  cluster.tick();
  assert.deepEqual(before, [8, 5]);
  const after = cluster.replicaSets.map((rs) => rs.spec.replicas ?? 0);
  // 20 + 3 surge = 23, split in proportion to the sizes before: round(8·23/13) = 14, the rest 9.
  assert.deepEqual(after, [14, 9]);
  assert.ok(cluster.replicaSets.every((rs) => rs.metadata.annotations?.["deployment.kubernetes.io/desired-replicas"] === "20"));
});
