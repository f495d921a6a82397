import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FakeIpRunner } from "./fake-ip-runner.js";
import { IpCommandError } from "./ip-runner.js";
import { attachSandbox, attachSandboxNetwork, buildSandboxNetwork, SandboxError } from "./sandbox-network.js";
import { planTopology, podHash } from "./topology-plan.js";

const plan = planTopology({ id: "t1", nodes: 2 });

describe("buildSandboxNetwork", () => {
  it("runs the underlay and node commands in order", async () => {
    const ip = new FakeIpRunner();
    const net = await buildSandboxNetwork(plan, ip);
    assert.deepEqual(net.nodes.map((n) => n.name), ["core-v2-01", "core-v2-02"]);
    const lines = ip.lines();
    assert.deepEqual(lines.slice(0, 15), [
      "ip netns list",
      "ip netns add svcnet-t1-underlay",
      "ip -n svcnet-t1-underlay link set lo up",
      "ip -n svcnet-t1-underlay link add name br0 type bridge",
      "ip -n svcnet-t1-underlay link set br0 up",
      "ip netns add svcnet-t1-core-v2-01",
      "ip -n svcnet-t1-core-v2-01 link set lo up",
      "ip -n svcnet-t1-underlay link add name veth-n01 type veth peer name eth0 address 02:42:ac:11:08:65 netns svcnet-t1-core-v2-01",
      "ip -n svcnet-t1-underlay link set veth-n01 master br0",
      "ip -n svcnet-t1-underlay link set veth-n01 up",
      "ip -n svcnet-t1-core-v2-01 addr add 172.17.8.101/24 dev eth0",
      "ip -n svcnet-t1-core-v2-01 link set eth0 up",
      "ip -n svcnet-t1-core-v2-01 link add name docker0 address 02:42:0a:01:0d:01 type bridge",
      "ip -n svcnet-t1-core-v2-01 addr add 10.1.13.1/24 dev docker0",
      "ip -n svcnet-t1-core-v2-01 link set docker0 up",
    ]);
    assert.ok(lines.includes("ip netns exec svcnet-t1-core-v2-01 sysctl -w net.ipv4.ip_forward=1"));
    assert.ok(lines.includes("ip -n svcnet-t1-core-v2-01 route add 10.1.14.0/24 via 172.17.8.102 dev eth0"));
    assert.ok(lines.includes("ip -n svcnet-t1-core-v2-02 route add 10.1.13.0/24 via 172.17.8.101 dev eth0"));
    assert.ok(lines.includes("ip -n svcnet-t1-core-v2-01 route add 10.0.0.0/24 dev eth0"));
    assert.ok(lines.includes("ip -n svcnet-t1-client addr add 172.17.8.200/24 dev eth0"));
    assert.deepEqual(ip.namespaces, ["svcnet-t1-underlay", "svcnet-t1-core-v2-01", "svcnet-t1-core-v2-02", "svcnet-t1-client"]);
  });

  it("never touches the root namespace: every command targets a sandbox namespace", async () => {
    const ip = new FakeIpRunner();
    const net = await buildSandboxNetwork(plan, ip);
    await net.addPod("core-v2-02", { podId: "p", ip: "10.1.14.2" });
    for (const args of ip.commands) {
      const target = args[0] === "-n" ? args[1] : args[0] === "netns" && args[1] !== "list" ? args[2] : "svcnet-t1-";
      assert.ok(target.startsWith("svcnet-t1-"), args.join(" "));
      assert.ok(!args.includes("default") || args[1].startsWith("svcnet-t1-pod-"), `default route outside a pod: ${args.join(" ")}`);
    }
  });

  it("refuses when the sandbox's namespaces already exist", async () => {
    const ip = new FakeIpRunner();
    ip.addNamespace("svcnet-t1-core-v2-01");
    await assert.rejects(buildSandboxNetwork(plan, ip), SandboxError);
    assert.deepEqual(ip.namespaces, ["svcnet-t1-core-v2-01"]);
  });

  it("removes what it created when a command fails, and rethrows that command's error", async () => {
    const ip = new FakeIpRunner();
    ip.addNamespace("unrelated");
    ip.failWhen((args) => args.includes("route"), "RTNETLINK answers: File exists");
    await assert.rejects(buildSandboxNetwork(plan, ip), (error: unknown) => {
      assert.ok(error instanceof IpCommandError);
      assert.match(error.message, /route add 10\.1\.14\.0\/24 .*File exists/);
      return true;
    });
    assert.deepEqual(ip.namespaces, ["unrelated"]);
  });
});

describe("SandboxNetwork pods", () => {
  it("adds a pod on its node's bridge", async () => {
    const ip = new FakeIpRunner();
    const net = await buildSandboxNetwork(plan, ip);
    const before = ip.commands.length;
    const pod = await net.addPod("core-v2-01", { podId: "default/a", ip: "10.1.13.2" });
    const hash = podHash("default/a");
    assert.equal(pod.netns, `svcnet-t1-pod-${hash}`);
    assert.equal(pod.hostVeth, `veth${hash}`);
    assert.deepEqual(ip.lines().slice(before), [
      `ip netns add svcnet-t1-pod-${hash}`,
      `ip -n svcnet-t1-pod-${hash} link set lo up`,
      `ip -n svcnet-t1-core-v2-01 link add name veth${hash} type veth peer name eth0 address 02:42:0a:01:0d:02 netns svcnet-t1-pod-${hash}`,
      `ip -n svcnet-t1-core-v2-01 link set veth${hash} master docker0`,
      `ip -n svcnet-t1-core-v2-01 link set veth${hash} type bridge_slave hairpin on`,
      `ip -n svcnet-t1-core-v2-01 link set veth${hash} up`,
      `ip -n svcnet-t1-pod-${hash} addr add 10.1.13.2/24 dev eth0`,
      `ip -n svcnet-t1-pod-${hash} link set eth0 up`,
      `ip -n svcnet-t1-pod-${hash} route add default via 10.1.13.1 dev eth0`,
    ]);
  });

  it("is idempotent for the same pod and refuses a conflicting one", async () => {
    const ip = new FakeIpRunner();
    const net = await buildSandboxNetwork(plan, ip);
    const first = await net.addPod(plan.nodes[0], { podId: "a", ip: "10.1.13.2" });
    const count = ip.commands.length;
    assert.equal(await net.addPod("core-v2-01", { podId: "a", ip: "10.1.13.2" }), first);
    assert.equal(ip.commands.length, count);
    await assert.rejects(net.addPod("core-v2-01", { podId: "a", ip: "10.1.13.3" }), SandboxError);
    await assert.rejects(net.addPod("core-v2-09", { podId: "b", ip: "10.1.13.3" }), SandboxError);
  });

  it("leaves no pod namespace behind when adding fails", async () => {
    const ip = new FakeIpRunner();
    const net = await buildSandboxNetwork(plan, ip);
    ip.failWhen((args) => args.includes("default"), "RTNETLINK answers: Network is unreachable");
    await assert.rejects(net.addPod("core-v2-01", { podId: "a", ip: "10.1.13.2" }), IpCommandError);
    assert.ok(!ip.namespaces.some((n) => n.includes("-pod-")));
  });

  it("removes pods, also unknown or earlier ones, and destroys everything twice safely", async () => {
    const ip = new FakeIpRunner();
    const net = await buildSandboxNetwork(plan, ip);
    await net.addPod("core-v2-01", { podId: "a", ip: "10.1.13.2" });
    ip.addNamespace(`svcnet-t1-pod-${podHash("from-before")}`);
    await net.removePod("a");
    await net.removePod("a");
    await net.removePod("from-before");
    await net.removePod("never-added");
    assert.ok(!ip.namespaces.some((n) => n.includes("-pod-")));
    await net.addPod("core-v2-02", { podId: "b", ip: "10.1.14.2" });
    ip.addNamespace("svcnet-t10-underlay");
    await net.destroy();
    await net.destroy();
    assert.deepEqual(ip.namespaces, ["svcnet-t10-underlay"]);
  });
});

describe("attaching to a sandbox another process built", () => {
  it("finds the node count from the kernel and adopts existing pod namespaces only", async () => {
    const ip = new FakeIpRunner();
    const built = await buildSandboxNetwork(plan, ip);
    await built.addPod("core-v2-02", { podId: "default/web", ip: "10.1.14.5" });
    const attached = await attachSandbox("t1", ip);
    assert.deepEqual(attached.nodes.map((n) => n.name), ["core-v2-01", "core-v2-02"]);
    const before = ip.commands.length;
    const adopted = await attached.adoptPod("core-v2-02", { podId: "default/web", ip: "10.1.14.5" });
    assert.equal(adopted?.netns, `svcnet-t1-pod-${podHash("default/web")}`);
    assert.equal(await attached.adoptPod("core-v2-02", { podId: "default/gone", ip: "10.1.14.6" }), undefined);
    assert.ok(ip.lines().slice(before).every((l) => l === "ip netns list"), "adopting only looks");
    await attached.removePod("default/web");
    assert.ok(!ip.namespaces.some((n) => n.includes("-pod-")));
  });

  const refusals = [
    { name: "no sandbox", namespaces: [], want: /sandbox t1 does not exist .*svcnet up --sandbox-id t1/ },
    { name: "another sandbox only", namespaces: ["svcnet-t10-core-v2-01"], want: /does not exist/ },
  ];
  for (const r of refusals) {
    it(`refuses: ${r.name}`, async () => {
      const ip = new FakeIpRunner();
      for (const n of r.namespaces) ip.addNamespace(n);
      await assert.rejects(attachSandbox("t1", ip), (e: unknown) => e instanceof SandboxError && r.want.test(e.message));
    });
  }

  it("attachSandboxNetwork names the node namespaces that are missing", async () => {
    const ip = new FakeIpRunner();
    ip.addNamespace("svcnet-t1-core-v2-01");
    await assert.rejects(attachSandboxNetwork(plan, ip), /missing svcnet-t1-core-v2-02/);
  });
});
