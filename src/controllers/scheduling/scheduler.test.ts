import { test } from "node:test";
import assert from "node:assert/strict";
import type { Condition, Event, Node, Pod } from "../../api/types.js";
import type { KubeClient } from "../../client/index.js";
import { resource } from "../controller-context.js";
import { FakeKubelet, type FakeKubeletOptions } from "../nodelifecycle/fake-kubelet.js";
import { nodeLifecycleController } from "../nodelifecycle/nodelifecycle-controller.js";
import { startTestCluster, type TestCluster } from "../test-cluster.js";
import { scheduler } from "./scheduler.js";

const settings = { nodeMonitorGracePeriodMs: 1500, nodeMonitorPeriodMs: 200 };

interface World {
  cluster: TestCluster;
  pods: KubeClient<Pod>;
  nodes: KubeClient<Node>;
  kubelets: FakeKubelet[];
}

/** A cluster running the scheduler and the node lifecycle controller, with running kubelets. */
async function withCluster(nodes: Record<string, FakeKubeletOptions["edit"]>, fn: (w: World) => Promise<void>): Promise<void> {
  const cluster = await startTestCluster({ controllers: [scheduler, nodeLifecycleController], settings });
  const kubelets: FakeKubelet[] = [];
  try {
    for (const [name, edit] of Object.entries(nodes)) {
      const k = new FakeKubelet(cluster, name, { edit });
      await k.register();
      k.start();
      kubelets.push(k);
    }
    await fn({ cluster, pods: cluster.client<Pod>(resource("", "v1", "pods")), nodes: cluster.client<Node>(resource("", "v1", "nodes")), kubelets });
  } finally {
    await Promise.all(kubelets.map((k) => k.stop()));
    await cluster.stop();
  }
}

function makePod(name: string, edit?: (p: Pod) => void): Pod {
  const p: Pod = { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default", labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx" }] } };
  edit?.(p);
  return p;
}

async function boundNode(w: World, name: string): Promise<string> {
  return w.cluster.waitFor(`pod ${name} bound`, async () => (await w.pods.get("default", name)).spec.nodeName);
}

async function eventsFor(w: World, name: string, reason: string): Promise<Event[]> {
  const list = await w.cluster.client<Event>(resource("", "v1", "events")).list("default", { fieldSelector: `involvedObject.name=${name}` });
  return list.items.filter((e) => e.reason === reason);
}

function podScheduled(p: Pod): Condition | undefined {
  return p.status?.conditions?.find((c) => c.type === "PodScheduled");
}

const cordoned: FakeKubeletOptions["edit"] = (n) => (n.spec.unschedulable = true);
const dedicated: FakeKubeletOptions["edit"] = (n) => (n.spec.taints = [{ key: "dedicated", value: "infra", effect: "NoSchedule" }]);

test("a cordoned and a tainted node leave the third for the pod", async () => {
  await withCluster({ "core-v2-01": cordoned, "core-v2-02": dedicated, "core-v2-03": undefined }, async (w) => {
    await w.pods.create(makePod("nginx"));
    assert.equal(await boundNode(w, "nginx"), "core-v2-03");
    const [ev] = await w.cluster.waitFor("Scheduled event", async () => (await eventsFor(w, "nginx", "Scheduled")).length > 0 && eventsFor(w, "nginx", "Scheduled"));
    assert.equal(ev.type, "Normal");
    assert.equal(ev.message, "Successfully assigned default/nginx to core-v2-03");
    assert.equal(ev.source?.component, "default-scheduler");
  });
});

test("three replicas of one owner created at once spread over three ready nodes", async () => {
  await withCluster({ "core-v2-01": undefined, "core-v2-02": undefined, "core-v2-03": undefined }, async (w) => {
    const owner = { apiVersion: "v1", kind: "ReplicationController", name: "nginx-controller", uid: "6d5b4c3a-0000-4000-8000-000000000001", controller: true };
    const names = ["nginx-controller-a1", "nginx-controller-b2", "nginx-controller-c3"];
    await Promise.all(names.map((n) => w.pods.create(makePod(n, (p) => (p.metadata.ownerReferences = [owner])))));
    const placed = await Promise.all(names.map((n) => boundNode(w, n)));
    assert.deepEqual([...placed].sort(), ["core-v2-01", "core-v2-02", "core-v2-03"]);
  });
});

test("with no nodes a pod stays Pending and is scheduled once a node registers", async () => {
  await withCluster({}, async (w) => {
    await w.pods.create(makePod("lonely"));
    const cond = await w.cluster.waitFor("PodScheduled=False", async () => podScheduled(await w.pods.get("default", "lonely")));
    assert.deepEqual(
      { status: cond.status, reason: cond.reason, message: cond.message, lastProbeTime: cond.lastProbeTime },
      { status: "False", reason: "Unschedulable", message: "no nodes available to schedule pods", lastProbeTime: null },
    );
    const [ev] = await w.cluster.waitFor("FailedScheduling event", async () => (await eventsFor(w, "lonely", "FailedScheduling"))[0] && eventsFor(w, "lonely", "FailedScheduling"));
    assert.equal(ev.type, "Warning");
    assert.equal(ev.message, "no nodes available to schedule pods");
    assert.equal((await w.pods.get("default", "lonely")).status?.phase, "Pending");

    const k = new FakeKubelet(w.cluster, "core-v2-01");
    await k.register();
    k.start();
    w.kubelets.push(k);
    assert.equal(await boundNode(w, "lonely"), "core-v2-01");
    const after = await w.cluster.waitFor("PodScheduled=True", async () => podScheduled(await w.pods.get("default", "lonely"))?.status === "True");
    assert.ok(after);
  });
});

test("an unschedulable pod explains why, and is placed when a node is uncordoned", async () => {
  await withCluster({ "core-v2-01": cordoned, "core-v2-02": dedicated }, async (w) => {
    await w.pods.create(makePod("waiting"));
    const want =
      "0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: infra}, 1 node(s) were unschedulable. " +
      "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.";
    const cond = await w.cluster.waitFor("PodScheduled=False", async () => podScheduled(await w.pods.get("default", "waiting")));
    assert.equal(cond.message, want);
    const [ev] = await w.cluster.waitFor("FailedScheduling event", async () => (await eventsFor(w, "waiting", "FailedScheduling"))[0] && eventsFor(w, "waiting", "FailedScheduling"));
    assert.equal(ev.message, want);

    const node = await w.nodes.get(undefined, "core-v2-01");
    await w.nodes.update({ ...node, spec: { ...node.spec, unschedulable: false } });
    assert.equal(await boundNode(w, "waiting"), "core-v2-01");
  });
});

test("pods for another scheduler are left alone", async () => {
  await withCluster({ "core-v2-01": undefined }, async (w) => {
    // Created first: the scheduler, which takes pods in order, would have placed it by the
    // time "mine" is bound.
    await w.pods.create(makePod("theirs", (p) => (p.spec.schedulerName = "other-scheduler")));
    await w.pods.create(makePod("mine"));
    assert.equal(await boundNode(w, "mine"), "core-v2-01");
    const theirs = await w.pods.get("default", "theirs");
    assert.equal(theirs.spec.nodeName, undefined);
    assert.equal(podScheduled(theirs), undefined);
  });
});
