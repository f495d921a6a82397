// The deployment controller with the replicaset controller against the in-process API server:
// create, roll out an image change under maxSurge 1 / maxUnavailable 0 while watching the pods,
// `kubectl rollout undo` (the JSON patch kubectl sends), `kubectl scale`, revisionHistoryLimit,
// and Recreate. The test acts as the kubelet.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment, Pod, ReplicaSet } from "../../api/types.js";
import type { TestCluster } from "../test-cluster.js";
import { startTestCluster } from "../test-cluster.js";
import { workloadControllers } from "./index.js";
import { isPodReady } from "./pod-state.js";
import { rollbackTo } from "./rollback.js";
import { rolloutStatusView } from "./rollout-status.js";
import { FakeKubelet, eventsAbout, workloadClients } from "./workload-test-kit.js";

const REVISION = "deployment.kubernetes.io/revision";

function makeDeployment(name: string, edit?: (d: Deployment) => void): Deployment {
  const d: Deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "default", labels: { app: name } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "nginx", image: "nginx:1.14.2", ports: [{ containerPort: 80 }] }] } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    },
  };
  edit?.(d);
  return d;
}

describe("deployment", () => {
  let cluster: TestCluster;
  let kubelet: FakeKubelet;
  let c: ReturnType<typeof workloadClients>;

  before(async () => {
    cluster = await startTestCluster({ controllers: workloadControllers });
    c = workloadClients(cluster);
    kubelet = new FakeKubelet(cluster).start();
  });
  after(async () => {
    await kubelet.stop();
    await cluster.stop();
  });

  const replicaSetsOf = async (d: Deployment): Promise<ReplicaSet[]> =>
    (await c.rss.list("default")).items.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid));
  const livePods = async (app: string): Promise<Pod[]> => (await c.pods.list("default", { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);

  /** Waits until `kubectl rollout status` would say "successfully rolled out". */
  const rolledOut = (name: string, what: string): Promise<Deployment> =>
    cluster.waitFor(what, async () => {
      const d = await c.deployments.get("default", name);
      const view = rolloutStatusView(d);
      if ("error" in view) throw new Error(view.error);
      return view.done && d;
    });

  /**
   * Polls the pods of `app` until `done` resolves, recording the fewest ready and the most
   * existing pods seen at any moment.
   */
  async function watchPods<T>(app: string, done: Promise<T>): Promise<{ result: T; minReady: number; maxPods: number; samples: number }> {
    let finished = false;
    let minReady = Infinity;
    let maxPods = 0;
    let samples = 0;
    const poller = (async () => {
      while (!finished) {
        const pods = await livePods(app);
        minReady = Math.min(minReady, pods.filter(isPodReady).length);
        maxPods = Math.max(maxPods, pods.length);
        samples++;
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    try {
      const result = await done;
      return { result, minReady, maxPods, samples };
    } finally {
      finished = true;
      await poller;
    }
  }

  test("a Deployment of 3 gets one ReplicaSet <name>-<hash> with 3 ready pods, revision 1", async () => {
    const created = await c.deployments.create(makeDeployment("nginx"));
    const d = await rolledOut("nginx", "the first rollout");
    const [rs] = await replicaSetsOf(created);
    assert.ok(rs, "a ReplicaSet owned by the Deployment");
    const hash = rs.metadata.labels?.["pod-template-hash"] ?? "";
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(rs.metadata.name, `nginx-${hash}`);
    assert.equal(rs.spec.replicas, 3);
    assert.equal(rs.metadata.annotations?.[REVISION], "1");
    assert.equal(d.metadata.annotations?.[REVISION], "1");
    const pods = await livePods("nginx");
    assert.equal(pods.length, 3);
    for (const p of pods) {
      assert.match(p.metadata.name ?? "", new RegExp(`^nginx-${hash}-[a-z0-9]{5}$`));
      assert.equal(p.metadata.labels?.["pod-template-hash"], hash);
    }
    assert.deepEqual(
      { ...d.status, conditions: undefined },
      { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: undefined },
    );
    const conds = Object.fromEntries((d.status?.conditions ?? []).map((x) => [x.type, `${x.status} ${x.reason}`]));
    assert.deepEqual(conds, { Available: "True MinimumReplicasAvailable", Progressing: "True NewReplicaSetAvailable" });
    const events = await eventsAbout(c.events, "nginx");
    assert.ok(events.includes(`ScalingReplicaSet: Scaled up replica set nginx-${hash} from 0 to 3`), events.join("\n"));
  });

  test("an image change rolls out within maxSurge 1 / maxUnavailable 0", async () => {
    const before = await c.deployments.get("default", "nginx");
    const [oldRS] = await replicaSetsOf(before);
    // What `kubectl set image deployment/nginx nginx=nginx:1.16.1` sends.
    await c.deployments.patch("default", "nginx", { type: "strategic", body: { spec: { template: { spec: { containers: [{ name: "nginx", image: "nginx:1.16.1" }] } } } } });
    const watched = await watchPods("nginx", rolledOut("nginx", "the image rollout"));
    assert.ok(watched.samples > 3, `observed the rollout ${watched.samples} times`);
    assert.ok(watched.minReady >= 3, `ready pods fell to ${watched.minReady} < 3 - 0`);
    assert.ok(watched.maxPods <= 4, `pods peaked at ${watched.maxPods} > 3 + 1`);

    const d = watched.result;
    assert.equal(d.metadata.annotations?.[REVISION], "2");
    assert.equal(d.status?.observedGeneration, 2);
    const rss = await replicaSetsOf(d);
    assert.equal(rss.length, 2);
    const old = rss.find((rs) => rs.metadata.uid === oldRS.metadata.uid);
    const fresh = rss.find((rs) => rs.metadata.uid !== oldRS.metadata.uid);
    assert.equal(old?.spec.replicas, 0);
    assert.equal(fresh?.spec.replicas, 3);
    assert.equal(fresh?.metadata.annotations?.[REVISION], "2");
    assert.equal(fresh?.spec.template?.spec.containers[0].image, "nginx:1.16.1");
    const pods = await cluster.waitFor("old pods gone", async () => {
      const p = await livePods("nginx");
      return p.length === 3 && p;
    });
    assert.ok(pods.every((p) => p.spec.containers[0].image === "nginx:1.16.1"));
    const events = await eventsAbout(c.events, "nginx");
    assert.ok(events.includes(`ScalingReplicaSet: Scaled up replica set ${fresh?.metadata.name ?? ""} from 0 to 1`), events.join("\n"));
    assert.ok(events.includes(`ScalingReplicaSet: Scaled down replica set ${oldRS.metadata.name ?? ""} from 1 to 0`), events.join("\n"));
  });

  test("rollout undo (kubectl's JSON patch) re-uses the old ReplicaSet as revision 3", async () => {
    const d = await c.deployments.get("default", "nginx");
    const rss = await replicaSetsOf(d);
    const undo = rollbackTo(d, rss);
    assert.equal(undo.kind, "patch");
    if (undo.kind !== "patch") return;
    await c.deployments.patch("default", "nginx", { type: "json", body: undo.jsonPatch });
    const watched = await watchPods("nginx", rolledOut("nginx", "the rollback"));
    assert.ok(watched.minReady >= 3, `ready pods fell to ${watched.minReady}`);
    const after = watched.result;
    assert.equal(after.metadata.annotations?.[REVISION], "3");
    const now = await replicaSetsOf(after);
    assert.equal(now.length, 2, "no third ReplicaSet");
    const reused = now.find((rs) => rs.metadata.annotations?.[REVISION] === "3");
    assert.ok(reused, "a ReplicaSet at revision 3");
    assert.equal(reused.spec.template?.spec.containers[0].image, "nginx:1.14.2");
    assert.equal(reused.metadata.annotations?.["deployment.kubernetes.io/revision-history"], "1");
    assert.equal(reused.spec.replicas, 3);
    assert.equal(now.find((rs) => rs !== reused)?.spec.replicas, 0);
    assert.deepEqual(rollbackTo(after, now, 3), { kind: "skipped", message: "skipped rollback (current template already matches revision 3)" });
  });

  test("kubectl scale goes through /scale to the ReplicaSet and its pods", async () => {
    await c.deployments.patch("default", "nginx", { type: "merge", subresource: "scale", body: { spec: { replicas: 5 } } });
    const d = await rolledOut("nginx", "5 replicas");
    assert.equal(d.status?.availableReplicas, 5);
    const active = (await replicaSetsOf(d)).filter((rs) => (rs.spec.replicas ?? 0) > 0);
    assert.equal(active.length, 1);
    assert.equal(active[0].spec.replicas, 5);
    assert.equal(active[0].metadata.annotations?.["deployment.kubernetes.io/desired-replicas"], "5");
    assert.equal((await livePods("nginx")).length, 5);
  });

  test("revisionHistoryLimit keeps only that many old ReplicaSets", async () => {
    const created = await c.deployments.create(makeDeployment("hist", (x) => ((x.spec.replicas = 1), (x.spec.revisionHistoryLimit = 1))));
    await rolledOut("hist", "hist revision 1");
    for (const image of ["nginx:2", "nginx:3"]) {
      await c.deployments.patch("default", "hist", { type: "strategic", body: { spec: { template: { spec: { containers: [{ name: "nginx", image }] } } } } });
      await rolledOut("hist", `hist on ${image}`);
    }
    const rss = await cluster.waitFor("one old ReplicaSet left", async () => {
      const r = await replicaSetsOf(created);
      return r.length === 2 && r;
    });
    assert.deepEqual(rss.map((rs) => rs.metadata.annotations?.[REVISION]).sort(), ["2", "3"]);
  });

  test("Recreate removes every old pod before creating new ones", async () => {
    await c.deployments.create(makeDeployment("recreate", (x) => ((x.spec.replicas = 2), (x.spec.strategy = { type: "Recreate" }))));
    await rolledOut("recreate", "recreate revision 1");
    await c.deployments.patch("default", "recreate", { type: "strategic", body: { spec: { template: { spec: { containers: [{ name: "nginx", image: "nginx:2" }] } } } } });
    let mixed = false;
    let finished = false;
    const poller = (async () => {
      while (!finished) {
        const images = new Set((await livePods("recreate")).map((p) => p.spec.containers[0].image));
        if (images.size > 1) mixed = true;
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    try {
      const d = await rolledOut("recreate", "the Recreate rollout");
      assert.equal(d.metadata.annotations?.[REVISION], "2");
    } finally {
      finished = true;
      await poller;
    }
    assert.equal(mixed, false, "old and new pods never ran together");
    const pods = await livePods("recreate");
    assert.deepEqual(pods.map((p) => p.spec.containers[0].image), ["nginx:2", "nginx:2"]);
  });
});
