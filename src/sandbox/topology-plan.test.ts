import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_IFNAME_LENGTH, planPod, planTopology, podHash, podNetnsName, sandboxPrefix, TopologyError } from "./topology-plan.js";

describe("planTopology", () => {
  it("plans the seed's two-node layout", () => {
    const plan = planTopology({ id: "ab12", nodes: 2 });
    assert.equal(plan.prefix, "svcnet-ab12-");
    assert.deepEqual(plan.underlay, { netns: "svcnet-ab12-underlay", bridge: "br0" });
    assert.deepEqual(plan.nodes[0], {
      index: 1,
      name: "core-v2-01",
      netns: "svcnet-ab12-core-v2-01",
      sandboxPrefix: "svcnet-ab12-",
      underlayDev: "eth0",
      underlayPeer: "veth-n01",
      ip: "172.17.8.101",
      ipPrefixLength: 24,
      bridge: "docker0",
      podCidr: "10.1.13.0/24",
      bridgeIp: "10.1.13.1",
      routes: [{ dst: "10.1.14.0/24", via: "172.17.8.102", dev: "eth0" }],
      deviceRoutes: [{ dst: "10.0.0.0/24", dev: "eth0" }],
    });
    assert.deepEqual(plan.client, { netns: "svcnet-ab12-client", dev: "eth0", underlayPeer: "veth-client", ip: "172.17.8.200", ipPrefixLength: 24 });
    assert.equal(plan.nodes[1].name, "core-v2-02");
    assert.equal(plan.nodes[1].ip, "172.17.8.102");
    assert.equal(plan.nodes[1].podCidr, "10.1.14.0/24");
    assert.deepEqual(plan.nodes[1].routes, [{ dst: "10.1.13.0/24", via: "172.17.8.101", dev: "eth0" }]);
  });

  it("routes the service range on each node's eth0, and refuses a range that is not a CIDR", () => {
    const plan = planTopology({ id: "x", nodes: 1, serviceCidr: "10.96.0.0/16" });
    assert.deepEqual(plan.nodes[0].deviceRoutes, [{ dst: "10.96.0.0/16", dev: "eth0" }]);
    assert.throws(() => planTopology({ id: "x", nodes: 1, serviceCidr: "10.96.0.0" }), TopologyError);
  });

  it("routes every node to every other node's pod range", () => {
    const plan = planTopology({ id: "x", nodes: 4 });
    for (const node of plan.nodes) {
      assert.deepEqual(
        node.routes.map((r) => `${r.dst} via ${r.via}`),
        plan.nodes.filter((n) => n !== node).map((n) => `${n.podCidr} via ${n.ip}`),
        node.name,
      );
    }
  });

  it("keeps names within Linux limits at the largest size", () => {
    const plan = planTopology({ id: "abcdefghijklmnop", nodes: 99 });
    const last = plan.nodes[98];
    assert.equal(last.name, "core-v2-99");
    assert.equal(last.ip, "172.17.8.199");
    assert.equal(last.podCidr, "10.1.111.0/24");
    for (const node of plan.nodes) {
      for (const dev of [node.underlayDev, node.underlayPeer, node.bridge, plan.underlay.bridge]) {
        assert.ok(dev.length <= MAX_IFNAME_LENGTH, dev);
      }
    }
    assert.equal(new Set(plan.nodes.map((n) => n.underlayPeer)).size, 99);
  });

  const invalid: { name: string; id: string; nodes: number }[] = [
    { name: "empty id", id: "", nodes: 1 },
    { name: "dash in id (prefix ambiguity)", id: "a-b", nodes: 1 },
    { name: "uppercase id", id: "AB", nodes: 1 },
    { name: "id too long", id: "abcdefghijklmnopq", nodes: 1 },
    { name: "zero nodes", id: "a", nodes: 0 },
    { name: "too many nodes", id: "a", nodes: 100 },
    { name: "fractional nodes", id: "a", nodes: 1.5 },
  ];
  for (const c of invalid) {
    it(`rejects ${c.name}`, () => {
      assert.throws(() => planTopology({ id: c.id, nodes: c.nodes }), TopologyError);
    });
  }
});

describe("planPod", () => {
  const [node1, node2] = planTopology({ id: "ab12", nodes: 2 }).nodes;

  it("plans a pod on node 1", () => {
    const pod = planPod(node1, { podId: "default/nginx-1", ip: "10.1.13.2" });
    const hash = podHash("default/nginx-1");
    assert.match(hash, /^[0-9a-f]{8}$/);
    assert.deepEqual(pod, {
      podId: "default/nginx-1",
      netns: `svcnet-ab12-pod-${hash}`,
      nodeNetns: "svcnet-ab12-core-v2-01",
      bridge: "docker0",
      hostVeth: `veth${hash}`,
      podDev: "eth0",
      ip: "10.1.13.2",
      prefixLength: 24,
      gateway: "10.1.13.1",
    });
    assert.equal(pod.hostVeth.length, 12);
    assert.equal(podNetnsName("svcnet-ab12-", "default/nginx-1"), pod.netns);
  });

  it("uses the pod's node gateway", () => {
    assert.equal(planPod(node2, { podId: "p", ip: "10.1.14.254" }).gateway, "10.1.14.1");
  });

  it("derives different names for different pods and the same for the same pod", () => {
    const a = planPod(node1, { podId: "uid-a", ip: "10.1.13.2" });
    const b = planPod(node1, { podId: "uid-b", ip: "10.1.13.3" });
    assert.notEqual(a.netns, b.netns);
    assert.notEqual(a.hostVeth, b.hostVeth);
    assert.equal(planPod(node2, { podId: "uid-a", ip: "10.1.14.9" }).hostVeth, a.hostVeth);
  });

  const invalid: { name: string; podId: string; ip: string }[] = [
    { name: "empty pod id", podId: "", ip: "10.1.13.2" },
    { name: "other node's range", podId: "p", ip: "10.1.14.2" },
    { name: "network address", podId: "p", ip: "10.1.13.0" },
    { name: "gateway address", podId: "p", ip: "10.1.13.1" },
    { name: "broadcast address", podId: "p", ip: "10.1.13.255" },
    { name: "out of range octet", podId: "p", ip: "10.1.13.300" },
    { name: "leading zero", podId: "p", ip: "10.1.13.02" },
    { name: "not an address", podId: "p", ip: "pod" },
  ];
  for (const c of invalid) {
    it(`rejects ${c.name}`, () => {
      assert.throws(() => planPod(node1, { podId: c.podId, ip: c.ip }), TopologyError);
    });
  }
});

describe("sandboxPrefix", () => {
  it("names one sandbox or all", () => {
    assert.equal(sandboxPrefix("ab12"), "svcnet-ab12-");
    assert.equal(sandboxPrefix(), "svcnet-");
  });
});
