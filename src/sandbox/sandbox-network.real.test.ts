// The real kernel: builds a two-node sandbox in its own namespaces, checks reachability inside it
// and that nothing leads out, then removes it. Needs root; every packet stays in svcnet-<id>-*.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, describe, it } from "node:test";
import { destroyByPrefix, listNamespaces } from "./destroy-by-prefix.js";
import { ExecIpRunner, IpCommandError } from "./ip-runner.js";
import { detectProbeMethod, probeReachable } from "./reachability.js";
import { buildSandboxNetwork } from "./sandbox-network.js";
import type { PodNetwork } from "./sandbox-network.js";
import { planTopology } from "./topology-plan.js";

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : "needs root to create network namespaces (CI runs as root)";

describe("sandbox network in the real kernel", { skip }, () => {
  const runner = new ExecIpRunner();
  const id = `t${randomBytes(4).toString("hex")}`;
  const plan = planTopology({ id, nodes: 2 });

  after(async () => {
    await destroyByPrefix(runner, { id });
    assert.deepEqual(await listNamespaces(runner, plan.prefix), []);
  });

  it("routes pod to pod on a node and across nodes, with no way out, and cleans up", async () => {
    const started = Date.now();
    const net = await buildSandboxNetwork(plan, runner);
    const [node1, node2] = net.nodes;
    const pods: Record<string, PodNetwork> = {};
    for (const [node, ip] of [[node1, "10.1.13.2"], [node1, "10.1.13.3"], [node2, "10.1.14.2"], [node2, "10.1.14.3"]] as const) {
      pods[ip] = await net.addPod(node, { podId: `default/pod-${ip}`, ip });
    }
    const method = await detectProbeMethod();

    const reachable: { name: string; from: string; to: string; want: boolean }[] = [
      { name: "pod to pod, same node", from: pods["10.1.13.2"].netns, to: "10.1.13.3", want: true },
      { name: "pod to pod, across nodes", from: pods["10.1.13.2"].netns, to: "10.1.14.3", want: true },
      { name: "pod to pod, across nodes, other way", from: pods["10.1.14.2"].netns, to: "10.1.13.3", want: true },
      { name: "node 1 to node 2 on the underlay", from: node1.netns, to: "172.17.8.102", want: true },
      { name: "node 1 to a pod on node 2 (host-gw)", from: node1.netns, to: "10.1.14.2", want: true },
      { name: "pod to its node's gateway", from: pods["10.1.14.3"].netns, to: "10.1.14.1", want: true },
      // This packet dies at the pod's node, which has no route for it. (No packet is ever sent
      // towards a public address, not even one that could not leave: the way out is checked
      // with `ip route get` below, which sends nothing.)
      { name: "pod to an unused pod range", from: pods["10.1.13.2"].netns, to: "10.1.20.2", want: false },
    ];
    for (const c of reachable) {
      const got = await probeReachable(runner, { from: c.from, to: c.to, method, timeoutMs: 1000 });
      assert.equal(got, c.want, `${c.name} (${method} probe from ${c.from} to ${c.to})`);
    }

    // A pod resolves the outside only through its sandbox-internal default route…
    const podRoute = await runner.ip(["-n", pods["10.1.13.2"].netns, "route", "get", "1.1.1.1"]);
    assert.match(podRoute, /^1\.1\.1\.1 via 10\.1\.13\.1 dev eth0 /);
    // …and neither the nodes nor the underlay have any way out.
    for (const node of net.nodes) {
      assert.equal((await runner.ip(["-n", node.netns, "-4", "route", "show", "default"])).trim(), "", node.name);
      await assert.rejects(runner.ip(["-n", node.netns, "route", "get", "1.1.1.1"]), (error: unknown) => {
        assert.ok(error instanceof IpCommandError);
        assert.match(error.stderr, /Network is unreachable/);
        return true;
      });
      assert.equal((await runner.ip(["netns", "exec", node.netns, "sysctl", "-n", "net.ipv4.ip_forward"])).trim(), "1");
    }
    assert.equal((await runner.ip(["-n", plan.underlay.netns, "-4", "route", "show"])).trim(), "");
    assert.equal((await runner.ip(["-n", plan.underlay.netns, "-4", "addr", "show", "dev", "br0"])).includes("inet "), false);

    // Removing a pod deletes its namespace and its veth on the node.
    const gone = pods["10.1.14.3"];
    await net.removePod("default/pod-10.1.14.3");
    assert.deepEqual(await listNamespaces(runner, gone.netns), []);
    await assert.rejects(runner.ip(["-n", node2.netns, "link", "show", "dev", gone.hostVeth]), IpCommandError);
    assert.equal(await probeReachable(runner, { from: pods["10.1.13.2"].netns, to: "10.1.14.3", method }), false);

    // MACs: docker0 keeps its own through all the pods that came and went; a pod's follows its IP,
    // so a pod made again at a deleted pod's address is reached at once, though the node's and
    // the other pods' ARP caches still hold that address.
    const macOf = async (netns: string, dev: string): Promise<string> => (JSON.parse(await runner.ip(["-n", netns, "-j", "link", "show", "dev", dev])) as { address: string }[])[0].address;
    assert.equal(await macOf(node1.netns, "docker0"), "02:42:0a:01:0d:01");
    assert.equal(await macOf(node2.netns, "docker0"), "02:42:0a:01:0e:01");
    assert.equal(await macOf(pods["10.1.13.3"].netns, "eth0"), "02:42:0a:01:0d:03");
    assert.equal(await probeReachable(runner, { from: pods["10.1.14.2"].netns, to: "10.1.13.3", method, timeoutMs: 1000 }), true);
    await net.removePod("default/pod-10.1.13.3");
    pods["10.1.13.3"] = await net.addPod(node1, { podId: "default/pod-10.1.13.3-again", ip: "10.1.13.3" });
    assert.equal(await probeReachable(runner, { from: pods["10.1.14.2"].netns, to: "10.1.13.3", method, timeoutMs: 1000 }), true, "a new pod at a reused address");
    assert.equal(await probeReachable(runner, { from: pods["10.1.13.2"].netns, to: "10.1.13.3", method, timeoutMs: 1000 }), true, "a new pod at a reused address, same node");
    assert.equal(await macOf(node1.netns, "docker0"), "02:42:0a:01:0d:01");

    await net.destroy();
    assert.deepEqual(await listNamespaces(runner, plan.prefix), []);
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  });
});
