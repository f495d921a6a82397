// The replicationcontroller and replicaset controllers against the in-process API server: the
// test creates owners as a user would and acts as the kubelet (FakeKubelet).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Pod, ReplicaSet, ReplicationController } from "../../api/types.js";
import type { TestCluster } from "../test-cluster.js";
import { startTestCluster } from "../test-cluster.js";
import { workloadControllers } from "./index.js";
import { FakeKubelet, eventsAbout, podsOwnedBy, workloadClients } from "./workload-test-kit.js";

const podName = /^nginx-controller-[a-z0-9]{5}$/;

function makeRC(name: string, replicas: number, labels: Record<string, string>): ReplicationController {
  return {
    apiVersion: "v1",
    kind: "ReplicationController",
    metadata: { name, namespace: "default" },
    spec: {
      replicas,
      selector: labels,
      template: { metadata: { labels }, spec: { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] }] } },
    },
  };
}

describe("replicationcontroller", () => {
  let cluster: TestCluster;
  let kubelet: FakeKubelet;
  let c: ReturnType<typeof workloadClients>;
  let rc: ReplicationController;

  before(async () => {
    cluster = await startTestCluster({ controllers: workloadControllers });
    c = workloadClients(cluster);
    kubelet = new FakeKubelet(cluster).start();
    rc = await c.rcs.create(makeRC("nginx-controller", 3, { app: "nginx" }));
  });
  after(async () => {
    await kubelet.stop();
    await cluster.stop();
  });

  const owned = (): Promise<Pod[]> => podsOwnedBy(c.pods, rc.metadata.uid);
  const status = async (): Promise<ReplicationController["status"]> => (await c.rcs.get("default", "nginx-controller")).status;

  test("an RC of 3 creates 3 pods named after it, owned by it, and reports them ready", async () => {
    const st = await cluster.waitFor("3 ready replicas", async () => {
      const s = await status();
      return s?.readyReplicas === 3 && s.availableReplicas === 3 && s;
    });
    assert.deepEqual(st, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    const pods = await owned();
    assert.equal(pods.length, 3, "exactly 3 pods: no double creation");
    for (const p of pods) {
      assert.match(p.metadata.name ?? "", podName);
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: "v1", kind: "ReplicationController", name: "nginx-controller", uid: rc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      assert.deepEqual(p.metadata.labels, { app: "nginx" });
    }
    const events = await cluster.waitFor("3 SuccessfulCreate events", async () => {
      const e = (await eventsAbout(c.events, "nginx-controller")).filter((x) => x.startsWith("SuccessfulCreate"));
      return e.length === 3 && e;
    });
    assert.deepEqual(events.sort(), pods.map((p) => `SuccessfulCreate: Created pod: ${p.metadata.name ?? ""}`).sort());
  });

  test("a deleted pod is replaced", async () => {
    const [victim] = await owned();
    await c.pods.delete("default", victim.metadata.name ?? "");
    const pods = await cluster.waitFor("a replacement pod", async () => {
      const p = await owned();
      return p.length === 3 && !p.some((x) => x.metadata.name === victim.metadata.name) && p;
    });
    assert.ok(pods.every((p) => podName.test(p.metadata.name ?? "")));
    await cluster.waitFor("3 ready again", async () => (await status())?.readyReplicas === 3);
  });

  test("scaling to 5 then back to 2 deletes the not-ready pods first", async () => {
    const original = new Set((await owned()).map((p) => p.metadata.name));
    // New pods never become ready.
    kubelet.setReady((p) => original.has(p.metadata.name));
    await c.rcs.patch("default", "nginx-controller", { type: "merge", subresource: "scale", body: { spec: { replicas: 5 } } });
    await cluster.waitFor("5 replicas, 3 ready", async () => {
      const s = await status();
      return s?.replicas === 5 && s.readyReplicas === 3 && s.observedGeneration === 2;
    });
    await c.rcs.patch("default", "nginx-controller", { type: "merge", subresource: "scale", body: { spec: { replicas: 2 } } });
    const pods = await cluster.waitFor("2 pods left", async () => {
      const p = await owned();
      return p.length === 2 && (await status())?.replicas === 2 && p;
    });
    assert.ok(
      pods.every((p) => original.has(p.metadata.name)),
      `the survivors are ready originals: ${pods.map((p) => p.metadata.name).join(", ")}`,
    );
    const deletes = (await eventsAbout(c.events, "nginx-controller")).filter((e) => e.startsWith("SuccessfulDelete"));
    assert.equal(deletes.length >= 3, true, deletes.join("\n"));
    kubelet.setReady(() => true);
  });

  test("status.readyReplicas follows pod readiness", async () => {
    const [first] = await owned();
    kubelet.setReady((p) => p.metadata.name !== first.metadata.name);
    await cluster.waitFor("1 ready of 2", async () => {
      const s = await status();
      return s?.replicas === 2 && s.readyReplicas === 1 && s.availableReplicas === 1;
    });
    kubelet.setReady(() => true);
    const s = await cluster.waitFor("2 ready", async () => {
      const st = await status();
      return st?.readyReplicas === 2 && st;
    });
    assert.deepEqual(s, { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 3 });
  });
});

describe("replicationcontroller adoption and release", () => {
  let cluster: TestCluster;
  let c: ReturnType<typeof workloadClients>;

  before(async () => {
    cluster = await startTestCluster({ controllers: workloadControllers });
    c = workloadClients(cluster);
  });
  after(async () => {
    await cluster.stop();
  });

  test("an orphan matching the selector is adopted, a pod whose labels change is released", async () => {
    const orphan = await c.pods.create({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "stray", namespace: "default", labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx" }] },
    });
    const rc = await c.rcs.create(makeRC("web", 2, { app: "web" }));
    const pods = await cluster.waitFor("2 pods owned", async () => {
      const p = await podsOwnedBy(c.pods, rc.metadata.uid);
      return p.length === 2 && (await c.rcs.get("default", "web")).status?.replicas === 2 && p;
    });
    assert.ok(pods.some((p) => p.metadata.uid === orphan.metadata.uid), "the orphan was adopted");
    assert.equal((await c.pods.list("default", { labelSelector: "app=web" })).items.length, 2, "only one pod was created");

    await c.pods.patch("default", "stray", { type: "merge", body: { metadata: { labels: { app: "other" } } } });
    const released = await cluster.waitFor("stray released and replaced", async () => {
      const p = await c.pods.get("default", "stray");
      const now = await podsOwnedBy(c.pods, rc.metadata.uid);
      return !p.metadata.ownerReferences?.length && now.length === 2 && !now.some((x) => x.metadata.name === "stray") && p;
    });
    assert.equal(released.metadata.ownerReferences, undefined);
  });
});

describe("replicaset", () => {
  let cluster: TestCluster;
  let c: ReturnType<typeof workloadClients>;

  before(async () => {
    cluster = await startTestCluster({ controllers: workloadControllers });
    c = workloadClients(cluster);
  });
  after(async () => {
    await cluster.stop();
  });

  test("a ReplicaSet of 2 creates 2 pods owned by it", async () => {
    const rs: ReplicaSet = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "frontend", namespace: "default" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { tier: "frontend" } },
        template: { metadata: { labels: { tier: "frontend" } }, spec: { containers: [{ name: "php", image: "php" }] } },
      },
    };
    const created = await c.rss.create(rs);
    const pods = await cluster.waitFor("2 pods", async () => {
      const p = await podsOwnedBy(c.pods, created.metadata.uid);
      return p.length === 2 && (await c.rss.get("default", "frontend")).status?.replicas === 2 && p;
    });
    for (const p of pods) {
      assert.match(p.metadata.name ?? "", /^frontend-[a-z0-9]{5}$/);
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "frontend", uid: created.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    const st = (await c.rss.get("default", "frontend")).status;
    assert.deepEqual(st, { replicas: 2, fullyLabeledReplicas: 2, observedGeneration: 1 });
  });
});
