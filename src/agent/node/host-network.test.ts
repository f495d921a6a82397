import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeIpRunner } from "../../sandbox/fake-ip-runner.js";
import { bridgeConflict, hostBridgeCommands, hostPodCommands, HostNodeNetwork, planHostNode, planHostPod } from "./host-network.js";

const node = planHostNode({ name: "machine-3", podCidr: "10.1.20.0/24" });

test("planHostNode: the bridge's address is the first of the range", async (t) => {
  assert.deepEqual(node, { podPrefix: "svcnet-machine-3-", bridge: "docker0", podCidr: "10.1.20.0/24", gateway: "10.1.20.1", prefixLength: 24 });
  const bad: { name: string; cidr: string }[] = [
    { name: "not a CIDR", cidr: "10.1.20.0" },
    { name: "IPv6", cidr: "fd00::/64" },
    { name: "too small", cidr: "10.1.20.0/31" },
    { name: "too large", cidr: "10.0.0.0/7" },
  ];
  for (const c of bad) await t.test(c.name, () => assert.throws(() => planHostNode({ name: "m", podCidr: c.cidr }), /--pod-cidr/));
  assert.equal(planHostNode({ name: "m", podCidr: "10.2.0.0/16" }).gateway, "10.2.0.1");
});

test("planHostPod: names from the pod id; only pod addresses of the range", async (t) => {
  const pod = planHostPod(node, { podId: "default/web-1", ip: "10.1.20.7" });
  assert.match(pod.netns, /^svcnet-machine-3-pod-[0-9a-f]{8}$/);
  assert.match(pod.hostVeth, /^veth[0-9a-f]{8}$/);
  assert.equal(planHostPod(node, { podId: "default/web-1", ip: "10.1.20.8" }).netns, pod.netns, "stable across restarts");
  const bad: { name: string; ip: string; podId?: string }[] = [
    { name: "network address", ip: "10.1.20.0" },
    { name: "the gateway", ip: "10.1.20.1" },
    { name: "broadcast", ip: "10.1.20.255" },
    { name: "another range", ip: "10.1.21.5" },
    { name: "not an IP", ip: "pod" },
    { name: "empty id", ip: "10.1.20.5", podId: "" },
  ];
  for (const c of bad) await t.test(c.name, () => assert.throws(() => planHostPod(node, { podId: c.podId ?? "p", ip: c.ip })));
});

test("commands act on this namespace for the node side and inside the pod for the rest", () => {
  assert.deepEqual(hostBridgeCommands(node), [
    ["link", "add", "name", "docker0", "address", "02:42:0a:01:14:01", "type", "bridge"],
    ["addr", "replace", "10.1.20.1/24", "dev", "docker0"],
    ["link", "set", "docker0", "up"],
  ]);
  const pod = { podId: "p", netns: "svcnet-machine-3-pod-1", hostVeth: "veth1", ip: "10.1.20.5" };
  assert.deepEqual(hostPodCommands(node, pod), [
    ["netns", "add", "svcnet-machine-3-pod-1"],
    ["-n", "svcnet-machine-3-pod-1", "link", "set", "lo", "up"],
    ["link", "add", "name", "veth1", "type", "veth", "peer", "name", "eth0", "address", "02:42:0a:01:14:05", "netns", "svcnet-machine-3-pod-1"],
    ["link", "set", "veth1", "master", "docker0"],
    ["link", "set", "veth1", "type", "bridge_slave", "hairpin", "on"],
    ["link", "set", "veth1", "up"],
    ["-n", "svcnet-machine-3-pod-1", "addr", "add", "10.1.20.5/24", "dev", "eth0"],
    ["-n", "svcnet-machine-3-pod-1", "link", "set", "eth0", "up"],
    ["-n", "svcnet-machine-3-pod-1", "route", "add", "default", "via", "10.1.20.1", "dev", "eth0"],
  ]);
});

test("bridgeConflict: someone else's bridge is refused, ours or a bare one is taken", async (t) => {
  const show = (addrs: string[]): string => JSON.stringify([{ ifname: "docker0", addr_info: addrs.map((a) => ({ local: a.split("/")[0], prefixlen: Number(a.split("/")[1]) })) }]);
  const cases: { name: string; json: string; want: RegExp | undefined }[] = [
    { name: "no address", json: show([]), want: undefined },
    { name: "our gateway", json: show(["10.1.20.1/24"]), want: undefined },
    { name: "Docker's", json: show(["172.17.0.1/16"]), want: /docker0 already exists with 172\.17\.0\.1\/16/ },
    { name: "our address with another length", json: show(["10.1.20.1/16"]), want: /already exists/ },
    { name: "unparsable output", json: "{", want: undefined },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = bridgeConflict(node, c.json);
      if (c.want) assert.match(got ?? "", c.want);
      else assert.equal(got, undefined);
    });
  }
});

test("HostNodeNetwork runs the plan: bridge once, forwarding on, pods added, adopted and removed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "svcnet-hostnet-"));
  try {
    const forward = join(dir, "ip_forward");
    writeFileSync(forward, "0\n");
    const runner = new FakeIpRunner();
    // No docker0 yet: `ip addr show dev docker0` fails.
    runner.failWhen((a) => a.join(" ") === "-j -4 addr show dev docker0", 'Device "docker0" does not exist.', { times: 1, exitCode: 1 });
    const net = new HostNodeNetwork(node, { runner, ipForwardFile: forward });
    await net.setUp();
    assert.equal(readFileSync(forward, "utf8").trim(), "1");
    assert.deepEqual(runner.commands.slice(1), hostBridgeCommands(node));
    // A second agent finds the bridge (with our address) and does not add it again.
    runner.respond((a) => a.join(" ") === "-j -4 addr show dev docker0", JSON.stringify([{ addr_info: [{ local: "10.1.20.1", prefixlen: 24 }] }]));
    runner.commands.length = 0;
    await new HostNodeNetwork(node, { runner, ipForwardFile: forward }).setUp();
    assert.ok(!runner.commands.some((a) => a[0] === "link" && a[1] === "add"));

    const added = await net.addPod({ podId: "default/web-1", ip: "10.1.20.5" });
    assert.deepEqual(runner.namespaces, [added.netns]);
    assert.deepEqual(await net.adoptPod({ podId: "default/web-1", ip: "10.1.20.5" }), added);
    await net.removePod("default/web-1");
    assert.deepEqual(runner.namespaces, []);
    assert.equal(await net.adoptPod({ podId: "default/web-1", ip: "10.1.20.5" }), undefined);
    await net.removePod("default/web-1");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("HostNodeNetwork refuses a bridge with other addresses", async () => {
  const runner = new FakeIpRunner();
  runner.respond((a) => a.join(" ") === "-j -4 addr show dev docker0", JSON.stringify([{ addr_info: [{ local: "172.17.0.1", prefixlen: 16 }] }]));
  await assert.rejects(new HostNodeNetwork(node, { runner, ipForwardFile: "/nonexistent" }).setUp(), /docker0 already exists with 172\.17\.0\.1\/16/);
});

test("a failed pod add leaves no namespace", async () => {
  const runner = new FakeIpRunner();
  runner.failWhen((a) => a.includes("route"), "RTNETLINK answers: Network is unreachable");
  const net = new HostNodeNetwork(node, { runner });
  await assert.rejects(net.addPod({ podId: "p", ip: "10.1.20.5" }), /Network is unreachable/);
  assert.deepEqual(runner.namespaces, []);
});
