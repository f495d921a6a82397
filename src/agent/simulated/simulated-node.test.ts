import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Endpoints, Node, Pod } from "../../api/types.js";
import { testToken } from "../../apiserver/test-api.js";
import { InProcessTransport } from "../../client/index.js";
import { allControllers } from "../../controllers/all-controllers.js";
import { resource } from "../../controllers/controller-context.js";
import type { TestCluster } from "../../controllers/test-cluster.js";
import { startTestCluster } from "../../controllers/test-cluster.js";
import { SimulatedNode } from "./simulated-node.js";

describe("simulated nodes (svcnet agent --simulated)", () => {
  let c: TestCluster;
  const stop = new AbortController();
  before(async () => {
    c = await startTestCluster({ controllers: allControllers });
    const transport = new InProcessTransport(c.api.api, { token: testToken, userAgent: "kubelet/svcnet" });
    for (const [i, name] of ["core-v2-01", "core-v2-02"].entries()) {
      void new SimulatedNode({ transport, name, nodeIP: `172.17.8.${101 + i}`, podCIDR: `10.1.${13 + i}.0/24`, renewMs: 200 }).run(stop.signal).catch((e: unknown) => console.error("simulated node failed:", e));
    }
  });
  after(async () => {
    stop.abort();
    await c.stop();
  });

  const pods = () => c.client<Pod>(resource("", "v1", "pods"));

  test("nodes register Ready with their pod ranges and renew their leases", async () => {
    const nodes = await c.waitFor("two Ready nodes", async () => {
      const list = (await c.client<Node>(resource("", "v1", "nodes")).list(undefined)).items;
      return list.length === 2 && list.every((n) => n.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True")) && list;
    });
    assert.deepEqual(nodes.map((n) => n.spec?.podCIDR).sort(), ["10.1.13.0/24", "10.1.14.0/24"]);
    // The Lease is created right after the Node: it may not be there yet when the Node is.
    const lease = await c.waitFor("the node's lease", async () => {
      const all = (await c.client(resource("coordination.k8s.io", "v1", "leases")).list("kube-node-lease")).items;
      return all.find((l) => l.metadata.name === "core-v2-01");
    });
    assert.equal((lease as { spec?: { holderIdentity?: string } }).spec?.holderIdentity, "core-v2-01");
  });

  test("a live node marked Unknown by a stale node controller posts Ready again within a renewal", async () => {
    const nodes = c.client<Node>(resource("", "v1", "nodes"));
    const live = await nodes.get(undefined, "core-v2-02");
    const t = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    // What the node lifecycle controller writes when it has not heard from a node in time.
    const conditions = (live.status?.conditions ?? []).map((x) => ({ ...x, status: "Unknown" as const, reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: t }));
    await nodes.updateStatus({ ...live, status: { ...live.status, conditions } });
    const back = await c.waitFor("core-v2-02 Ready again", async () => {
      const n = await nodes.get(undefined, "core-v2-02");
      return n.status?.conditions?.find((x) => x.type === "Ready" && x.status === "True" && x.reason === "KubeletReady") && n;
    });
    assert.ok(back.status?.conditions?.filter((x) => x.status === "Unknown").length === 0, "every condition the agent owns is its own again");
  });

  test("the seed's rc runs: three pods Running with IPs from their node's range, behind the service", async () => {
    await c.client(resource("", "v1", "replicationcontrollers")).create({
      metadata: { name: "nginx-controller", namespace: "default" },
      spec: { replicas: 3, selector: { app: "nginx" }, template: { metadata: { labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] }] } } },
    });
    await c.client(resource("", "v1", "services")).create({
      metadata: { name: "nginx-service", namespace: "default" },
      spec: { selector: { app: "nginx" }, ports: [{ port: 8000, targetPort: 80 }] },
    });
    const running = await c.waitFor("three running pods", async () => {
      const list = (await pods().list("default", { labelSelector: "app=nginx" })).items;
      return list.length === 3 && list.every((p) => p.status?.phase === "Running" && p.status.podIP) && list;
    });
    for (const p of running) {
      const third = p.spec.nodeName === "core-v2-01" ? "13" : "14";
      assert.match(p.status?.podIP ?? "", new RegExp(`^10\\.1\\.${third}\\.\\d+$`));
      assert.equal(p.status?.hostIP, p.spec.nodeName === "core-v2-01" ? "172.17.8.101" : "172.17.8.102");
      assert.ok(p.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True"));
    }
    assert.equal(new Set(running.map((p) => p.spec.nodeName)).size, 2, "spread over both nodes");
    const ep = await c.waitFor("three endpoints", async () => {
      const e = await c.client<Endpoints>(resource("", "v1", "endpoints")).get("default", "nginx-service");
      const ips = (e.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip));
      return ips.length === 3 && ips;
    });
    assert.deepEqual([...ep].sort(), running.map((p) => p.status?.podIP ?? "").sort());
  });

  test("a deleted pod goes (the node confirms it) and is replaced with a new address", async () => {
    const before = (await pods().list("default", { labelSelector: "app=nginx" })).items;
    const victim = before[0];
    await pods().delete("default", victim.metadata.name ?? "");
    const after = await c.waitFor("a replacement", async () => {
      const list = (await pods().list("default", { labelSelector: "app=nginx" })).items;
      return list.length === 3 && !list.some((p) => p.metadata.name === victim.metadata.name) && list.every((p) => p.status?.podIP) && list;
    });
    const newcomer = after.find((p) => !before.some((b) => b.metadata.name === p.metadata.name));
    assert.ok(newcomer);
    if (newcomer.spec.nodeName === victim.spec.nodeName) assert.notEqual(newcomer.status?.podIP, victim.status?.podIP, "host-local IPAM hands out the next address");
  });
});
