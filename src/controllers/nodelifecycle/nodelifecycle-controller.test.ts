import { test } from "node:test";
import assert from "node:assert/strict";
import type { Condition, Event, Node, Pod } from "../../api/types.js";
import type { KubeClient } from "../../client/index.js";
import { isNotFound } from "../../client/index.js";
import { resource } from "../controller-context.js";
import { nodeTaints, type Taint, type Toleration } from "../scheduling/taints.js";
import { startTestCluster, type TestCluster } from "../test-cluster.js";
import { FakeKubelet, type FakeKubeletOptions } from "./fake-kubelet.js";
import { nodeLifecycleController } from "./nodelifecycle-controller.js";

const grace = 1500;
const period = 200;

interface World {
  cluster: TestCluster;
  pods: KubeClient<Pod>;
  nodes: KubeClient<Node>;
  kubelet(name: string): FakeKubelet;
}

/** A cluster running the node lifecycle controller, with a running kubelet per node. */
async function withCluster(nodes: Record<string, FakeKubeletOptions["edit"]>, fn: (w: World) => Promise<void>): Promise<void> {
  const cluster = await startTestCluster({ controllers: [nodeLifecycleController], settings: { nodeMonitorGracePeriodMs: grace, nodeMonitorPeriodMs: period } });
  const kubelets = new Map<string, FakeKubelet>();
  try {
    for (const [name, edit] of Object.entries(nodes)) {
      const k = new FakeKubelet(cluster, name, { edit, renewMs: 100 });
      await k.register();
      k.start();
      kubelets.set(name, k);
    }
    await fn({
      cluster,
      pods: cluster.client<Pod>(resource("", "v1", "pods")),
      nodes: cluster.client<Node>(resource("", "v1", "nodes")),
      kubelet: (name) => kubelets.get(name) as FakeKubelet,
    });
  } finally {
    await Promise.all([...kubelets.values()].map((k) => k.stop()));
    await cluster.stop();
  }
}

/** Creates a pod already bound to `node` (no scheduler runs here) with the given tolerations. */
async function podOn(w: World, name: string, node: string, tolerations: Toleration[] = []): Promise<Pod> {
  return w.pods.create({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: { nodeName: node, containers: [{ name: "app", image: "nginx" }], tolerations },
  });
}

const ready = (n: Node): Condition | undefined => n.status?.conditions?.find((c) => c.type === "Ready");
const podReady = (p: Pod): Condition | undefined => p.status?.conditions?.find((c) => c.type === "Ready");
const lifecycleTaints = (n: Node): string[] => nodeTaints(n).map((t: Taint) => `${t.key}:${t.effect}`).sort();

async function events(w: World, name: string, reason: string): Promise<Event[]> {
  const list = await w.cluster.client<Event>(resource("", "v1", "events")).list("default", { fieldSelector: `involvedObject.name=${name}` });
  return list.items.filter((e) => e.reason === reason);
}

/** The pod is being deleted (graceful: its node still exists) or already gone. */
async function evicted(w: World, name: string): Promise<boolean> {
  try {
    return Boolean((await w.pods.get("default", name)).metadata.deletionTimestamp);
  } catch (e) {
    if (isNotFound(e)) return true;
    throw e;
  }
}

const unreachable = ["node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"];
const tolerateUnreachable = (seconds?: number): Toleration => ({ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) });

test("a silent node turns Unknown, is tainted unreachable and its pods NotReady; renewing again recovers it", async () => {
  await withCluster({ "core-v2-01": undefined, "core-v2-02": undefined, "core-v2-03": undefined }, async (w) => {
    await podOn(w, "web", "core-v2-03", [tolerateUnreachable(300)]);
    await w.kubelet("core-v2-03").runPod("default", "web", "10.1.3.2");
    await w.cluster.waitFor("RegisteredNode event", async () => (await events(w, "core-v2-03", "RegisteredNode")).length > 0);

    const silentSince = Date.now();
    await w.kubelet("core-v2-03").stop();
    await w.cluster.waitFor("node Unknown", async () => ready(await w.nodes.get(undefined, "core-v2-03"))?.status === "Unknown", 5000);
    const took = Date.now() - silentSince;
    assert.ok(took >= grace - 300, `Unknown after ${took} ms, before the grace period`);
    assert.ok(took <= grace + 2 * period + 1000, `Unknown after ${took} ms, long after grace + one period`);

    const node = await w.cluster.waitFor("unreachable taints", async () => {
      const n = await w.nodes.get(undefined, "core-v2-03");
      return lifecycleTaints(n).join() === unreachable.join() && n;
    });
    const cond = ready(node);
    assert.equal(cond?.reason, "NodeStatusUnknown");
    assert.equal(cond?.message, "Kubelet stopped posting node status.");
    assert.ok(nodeTaints(node).every((t) => t.timeAdded), "lifecycle taints carry timeAdded");

    const pod = await w.cluster.waitFor("pod Ready=False", async () => {
      const p = await w.pods.get("default", "web");
      return podReady(p)?.status === "False" && p;
    });
    assert.equal(pod.metadata.deletionTimestamp, undefined, "tolerated for 300 s: not evicted");
    const [nodeEvent] = await w.cluster.waitFor("NodeNotReady node event", async () => (await events(w, "core-v2-03", "NodeNotReady"))[0] && events(w, "core-v2-03", "NodeNotReady"));
    assert.equal(nodeEvent.message, "Node core-v2-03 status is now: NodeNotReady");
    assert.equal(nodeEvent.source?.component, "node-controller");
    const [podEvent] = await w.cluster.waitFor("NodeNotReady pod event", async () => (await events(w, "web", "NodeNotReady"))[0] && events(w, "web", "NodeNotReady"));
    assert.deepEqual([podEvent.type, podEvent.message], ["Warning", "Node is not ready"]);

    for (const other of ["core-v2-01", "core-v2-02"]) {
      const n = await w.nodes.get(undefined, other);
      assert.equal(ready(n)?.status, "True", other);
      assert.deepEqual(lifecycleTaints(n), [], other);
    }

    w.kubelet("core-v2-03").start();
    await w.cluster.waitFor("recovered", async () => {
      const n = await w.nodes.get(undefined, "core-v2-03");
      return ready(n)?.status === "True" && lifecycleTaints(n).length === 0;
    });
  });
});

test("pods on an unreachable node are evicted per their NoExecute tolerations", async () => {
  await withCluster({ "core-v2-01": undefined, "core-v2-02": undefined, "core-v2-03": undefined }, async (w) => {
    // Every pod gets the 300 s default tolerations at create; tolerationSeconds 0 opts out of them.
    await podOn(w, "untolerating", "core-v2-03", [tolerateUnreachable(0)]);
    await podOn(w, "two-seconds", "core-v2-03", [tolerateUnreachable(2)]);
    await podOn(w, "forever", "core-v2-03", [tolerateUnreachable()]);
    await podOn(w, "elsewhere", "core-v2-01");

    await w.kubelet("core-v2-03").stop();
    await w.cluster.waitFor("unreachable taints", async () => lifecycleTaints(await w.nodes.get(undefined, "core-v2-03")).join() === unreachable.join(), 5000);
    const tainted = Date.now();
    await w.cluster.waitFor("untolerating pod evicted", () => evicted(w, "untolerating"), 2000);
    // Its clock starts at the taints' timeAdded, which has whole seconds: due 1–2 s from now.
    assert.equal(await evicted(w, "two-seconds"), false, "two-seconds is tolerated for a while");
    await w.cluster.waitFor("two-seconds pod evicted", () => evicted(w, "two-seconds"), 5000);
    assert.ok(Date.now() - tainted >= 700, "two-seconds was not evicted at once");

    const [ev] = await w.cluster.waitFor("TaintManagerEviction event", async () => (await events(w, "untolerating", "TaintManagerEviction"))[0] && events(w, "untolerating", "TaintManagerEviction"));
    assert.equal(ev.message, "Marking for deletion Pod default/untolerating");
    const disruption = (await w.pods.get("default", "untolerating")).status?.conditions?.find((c) => c.type === "DisruptionTarget");
    assert.deepEqual([disruption?.status, disruption?.reason], ["True", "DeletionByTaintManager"]);

    assert.equal(await evicted(w, "forever"), false, "tolerating forever");
    assert.equal(await evicted(w, "elsewhere"), false, "on a healthy node");
  });
});

test("cordoning adds the unschedulable taint and uncordoning removes it", async () => {
  await withCluster({ "core-v2-01": undefined }, async (w) => {
    const node = await w.nodes.get(undefined, "core-v2-01");
    await w.nodes.update({ ...node, spec: { ...node.spec, unschedulable: true } });
    await w.cluster.waitFor("unschedulable taint", async () => lifecycleTaints(await w.nodes.get(undefined, "core-v2-01")).join() === "node.kubernetes.io/unschedulable:NoSchedule");
    const cordoned = await w.nodes.get(undefined, "core-v2-01");
    await w.nodes.update({ ...cordoned, spec: { ...cordoned.spec, unschedulable: false } });
    await w.cluster.waitFor("taint removed", async () => lifecycleTaints(await w.nodes.get(undefined, "core-v2-01")).length === 0);
  });
});

test("when every node is silent, nothing is evicted (full disruption)", async () => {
  await withCluster({ "core-v2-01": undefined }, async (w) => {
    await podOn(w, "survivor", "core-v2-01");
    await w.kubelet("core-v2-01").stop();
    await w.cluster.waitFor("NoSchedule taint only", async () => lifecycleTaints(await w.nodes.get(undefined, "core-v2-01")).join() === "node.kubernetes.io/unreachable:NoSchedule", 5000);
    // Two more monitor periods: still no NoExecute taint and the pod is still there.
    const until = Date.now() + 2 * period;
    await w.cluster.waitFor("two periods", async () => Date.now() >= until);
    assert.deepEqual(lifecycleTaints(await w.nodes.get(undefined, "core-v2-01")), ["node.kubernetes.io/unreachable:NoSchedule"]);
    assert.equal(await evicted(w, "survivor"), false);
  });
});
