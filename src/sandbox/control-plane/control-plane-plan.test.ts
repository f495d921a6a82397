import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_IFNAME_LENGTH, planTopology, sandboxPrefix, TopologyError } from "../topology-plan.js";
import { MAX_CONTROL_PLANE_MACHINES, planControlPlane } from "./control-plane-plan.js";

describe("planControlPlane", () => {
  it("plans three machines at .11-.13 on the sandbox's underlay", () => {
    const plan = planControlPlane({ id: "ab12", machines: 3 });
    assert.equal(plan.prefix, "svcnet-ab12-");
    assert.deepEqual(plan.underlay, planTopology({ id: "ab12", nodes: 1 }).underlay);
    assert.deepEqual(plan.machines[0], {
      index: 1,
      name: "cp-1",
      netns: "svcnet-ab12-cp-1",
      underlayDev: "eth0",
      underlayPeer: "veth-cp1",
      ip: "172.17.8.11",
      ipPrefixLength: 24,
    });
    assert.deepEqual(
      plan.machines.map((m) => [m.name, m.netns, m.underlayPeer, m.ip]),
      [
        ["cp-1", "svcnet-ab12-cp-1", "veth-cp1", "172.17.8.11"],
        ["cp-2", "svcnet-ab12-cp-2", "veth-cp2", "172.17.8.12"],
        ["cp-3", "svcnet-ab12-cp-3", "veth-cp3", "172.17.8.13"],
      ],
    );
  });

  it("never collides with the nodes, the client or the LoadBalancer pool, and stays within IFNAMSIZ", () => {
    const id = "abcdefgh12345678";
    const plan = planControlPlane({ id, machines: MAX_CONTROL_PLANE_MACHINES });
    const topology = planTopology({ id, nodes: 99 });
    const taken = new Set([...topology.nodes.map((n) => n.ip), topology.client.ip]);
    const peers = new Set([...topology.nodes.map((n) => n.underlayPeer), topology.client.underlayPeer]);
    const namespaces = new Set([...topology.nodes.map((n) => n.netns), topology.client.netns, topology.underlay.netns]);
    for (const m of plan.machines) {
      const host = Number(m.ip.split(".")[3]);
      assert.ok(host >= 11 && host <= 19, m.ip);
      assert.ok(!taken.has(m.ip), m.ip);
      assert.ok(!peers.has(m.underlayPeer), m.underlayPeer);
      assert.ok(!namespaces.has(m.netns), m.netns);
      assert.ok(m.underlayPeer.length <= MAX_IFNAME_LENGTH, m.underlayPeer);
      // destroyByPrefix (sandbox id or every sandbox) finds them.
      assert.ok(m.netns.startsWith(sandboxPrefix(id)) && m.netns.startsWith(sandboxPrefix()), m.netns);
    }
  });

  const refused: { name: string; id: string; machines: number }[] = [
    { name: "no machines", id: "a", machines: 0 },
    { name: "too many machines", id: "a", machines: MAX_CONTROL_PLANE_MACHINES + 1 },
    { name: "fractional count", id: "a", machines: 1.5 },
    { name: "id with a dash", id: "a-b", machines: 1 },
    { name: "uppercase id", id: "AB", machines: 1 },
    { name: "empty id", id: "", machines: 1 },
  ];
  for (const c of refused) {
    it(`refuses ${c.name}`, () => {
      assert.throws(() => planControlPlane({ id: c.id, machines: c.machines }), TopologyError);
    });
  }
});
