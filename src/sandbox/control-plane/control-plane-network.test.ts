import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FakeIpRunner } from "../fake-ip-runner.js";
import { SandboxError } from "../sandbox-network.js";
import { buildControlPlaneNetwork } from "./control-plane-network.js";
import { planControlPlane } from "./control-plane-plan.js";

describe("buildControlPlaneNetwork", () => {
  const plan = planControlPlane({ id: "ab12", machines: 2 });

  it("creates the underlay when no sandbox exists, wires each machine to br0, and removes all of it", async () => {
    const ip = new FakeIpRunner();
    const net = await buildControlPlaneNetwork(plan, ip);
    assert.equal(net.ownsUnderlay, true);
    const built = ip.lines().filter((l) => l !== "ip netns list");
    assert.deepEqual(built.slice(0, 11), [
      "ip netns add svcnet-ab12-underlay",
      "ip -n svcnet-ab12-underlay link set lo up",
      "ip -n svcnet-ab12-underlay link add name br0 type bridge",
      "ip -n svcnet-ab12-underlay link set br0 up",
      "ip netns add svcnet-ab12-cp-1",
      "ip -n svcnet-ab12-cp-1 link set lo up",
      "ip -n svcnet-ab12-underlay link add name veth-cp1 type veth peer name eth0 address 02:42:ac:11:08:0b netns svcnet-ab12-cp-1",
      "ip -n svcnet-ab12-underlay link set veth-cp1 master br0",
      "ip -n svcnet-ab12-underlay link set veth-cp1 up",
      "ip -n svcnet-ab12-cp-1 addr add 172.17.8.11/24 dev eth0",
      "ip -n svcnet-ab12-cp-1 link set eth0 up",
    ]);
    assert.deepEqual([...ip.namespaces].sort(), ["svcnet-ab12-cp-1", "svcnet-ab12-cp-2", "svcnet-ab12-underlay"]);
    await net.destroy();
    assert.deepEqual(ip.namespaces, []);
    await net.destroy();
  });

  it("joins an existing sandbox's underlay and leaves it (and the nodes) in place on destroy", async () => {
    const ip = new FakeIpRunner();
    for (const ns of ["svcnet-ab12-underlay", "svcnet-ab12-core-v2-01", "svcnet-other-cp-1"]) ip.addNamespace(ns);
    const net = await buildControlPlaneNetwork(plan, ip);
    assert.equal(net.ownsUnderlay, false);
    assert.ok(!ip.lines().some((l) => l.includes("type bridge")));
    await net.destroy();
    assert.deepEqual([...ip.namespaces].sort(), ["svcnet-ab12-core-v2-01", "svcnet-ab12-underlay", "svcnet-other-cp-1"]);
  });

  it("refuses leftover machine namespaces, naming them, and creates nothing", async () => {
    const ip = new FakeIpRunner();
    ip.addNamespace("svcnet-ab12-cp-2");
    await assert.rejects(buildControlPlaneNetwork(plan, ip), (e: unknown) => e instanceof SandboxError && /svcnet-ab12-cp-2/.test(e.message) && /svcnet down/.test(e.message));
    assert.deepEqual(ip.namespaces, ["svcnet-ab12-cp-2"]);
  });

  it("removes what it made when a command fails, and rethrows", async () => {
    const ip = new FakeIpRunner();
    ip.failWhen((args) => args.includes("172.17.8.12/24"), "RTNETLINK answers: File exists");
    await assert.rejects(buildControlPlaneNetwork(plan, ip), /File exists/);
    assert.deepEqual(ip.namespaces, []);
  });

  it("takes a machine's link down and up on br0, and refuses unknown machines", async () => {
    const ip = new FakeIpRunner();
    const net = await buildControlPlaneNetwork(plan, ip);
    await net.setLink("cp-2", false);
    await net.setLink(plan.machines[1], true);
    assert.deepEqual(ip.lines().slice(-2), ["ip -n svcnet-ab12-underlay link set veth-cp2 down", "ip -n svcnet-ab12-underlay link set veth-cp2 up"]);
    await assert.rejects(net.setLink("cp-9", false), SandboxError);
  });
});
