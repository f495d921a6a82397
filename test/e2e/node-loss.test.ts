// A node disappears and comes back, with real pieces: `svcnet server` (node grace period 15 s),
// three `svcnet agent --proxy --speaker` processes on a namespace sandbox, and steady requests to
// a ClusterIP from a pod on a surviving node. The lost node's agent is SIGKILLed and its cable
// pulled (the underlay end of its link goes down): its pods leave the endpoints once the node is
// NotReady, the ReplicationController replaces them elsewhere (the pods tolerate unreachable for
// 2 s), and only requests that went to the lost node's pods fail. Then the cable goes back in and
// the agent starts again: the old pods are cleaned up, no duplicates, no stale rules. Needs root.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { podNetnsName } from "../../src/sandbox/topology-plan.js";
import type { AgentCluster } from "./helpers/agent-cluster.js";
import { startAgentCluster } from "./helpers/agent-cluster.js";
import { waitFor } from "./helpers/wait-for.js";
import { webEndpointIPs, webPods, webWorkload } from "./helpers/web-workload.js";
import { yamlStream } from "./helpers/yaml-stream.js";

const isRoot = process.getuid?.() === 0;

interface Attempt {
  at: number;
  code: number;
}

describe("a node is lost and comes back", { skip: isRoot ? false : "needs root for the namespace sandbox" }, () => {
  let c: AgentCluster;
  const pods = () => webPods(c.server);
  const endpointIPs = () => webEndpointIPs(c.server);

  before(async () => {
    c = await startAgentCluster({ nodes: 3, idPrefix: "n", serverArgs: ["--node-monitor-grace-period", "15s"] });
    for (const n of c.plan.nodes) await c.startAgent(n.name);
    const created = await c.server.kubectl(["create", "-f", "-"], { input: yamlStream(webWorkload) });
    assert.equal(created.code, 0, created.stderr);
  });
  after(async () => {
    await c?.stop();
  });

  test("its pods leave the endpoints and are replaced; only requests to them fail; back again, nothing is left over", async () => {
    await waitFor("three ready web pods on three nodes and the client", async () => {
      const p = await pods();
      const client = (await c.server.kubectl(["get", "pod", "client", "-o", "jsonpath={.status.phase}"])).stdout;
      return p.length === 3 && p.every((x) => x.ready) && new Set(p.map((x) => x.node)).size >= 2 && client === "Running";
    }, { timeoutMs: 30_000 });
    const before = await pods();
    const victim = before.find((p) => p.node !== "core-v2-01")?.node ?? "";
    const victimPlan = c.plan.nodes.find((n) => n.name === victim);
    assert.ok(victimPlan, "a web pod runs off the client's node");
    const lostIPs = before.filter((p) => p.node === victim).map((p) => p.ip);
    const clusterIP = (await c.server.kubectl(["get", "svc", "web", "-o", "jsonpath={.spec.clusterIP}"])).stdout;
    const clientNetns = podNetnsName(c.plan.prefix, "default/client");

    // Steady requests from the client pod, each a fresh connection, until told to stop.
    const attempts: Attempt[] = [];
    let stop = false;
    const traffic = (async () => {
      while (!stop) {
        const r = await c.inNetns(clientNetns, ["curl", "-s", "-o", "/dev/null", "--max-time", "1", `http://${clusterIP}/`], 3000);
        attempts.push({ at: Date.now(), code: r.code });
        await new Promise((res) => setTimeout(res, 50));
      }
    })();
    await new Promise((res) => setTimeout(res, 1000));
    const t0 = Date.now();
    await c.stopAgent(victim, "SIGKILL");
    await c.inNetns(c.plan.underlay.netns, ["ip", "link", "set", victimPlan.underlayPeer, "down"]);

    await waitFor("the lost node's pods leave the endpoints", async () => (await endpointIPs()).every((ip) => !lostIPs.includes(ip)), { timeoutMs: 40_000, intervalMs: 250 });
    const tEndpoints = Date.now() - t0;
    await waitFor("three ready web pods off the lost node", async () => (await pods()).filter((p) => p.ready && !p.deleting && p.node !== victim).length === 3, { timeoutMs: 40_000, intervalMs: 250 });
    const tReplaced = Date.now() - t0;
    // Requests keep flowing a little after the endpoints changed (the proxies sync at most once a second).
    await new Promise((res) => setTimeout(res, 3000));
    stop = true;
    await traffic;
    const settled = t0 + tEndpoints + 2000;
    const failedBefore = attempts.filter((a) => a.at > t0 && a.at <= settled && a.code !== 0).length;
    const failedAfter = attempts.filter((a) => a.at > settled && a.code !== 0);
    const total = attempts.filter((a) => a.at > t0).length;
    console.log(`node ${victim} lost: pods out of the endpoints after ${tEndpoints} ms, replaced after ${tReplaced} ms; ${failedBefore} of ${total} requests failed before that (curl exit codes: ${[...new Set(attempts.filter((a) => a.code !== 0).map((a) => a.code))].join(",") || "-"}), ${failedAfter.length} after`);
    assert.ok(tEndpoints < 15_000 + 5_000 + 5_000, `endpoints took ${tEndpoints} ms (grace 15 s + monitor period 5 s)`);
    assert.deepEqual(failedAfter, [], "no request fails once the endpoints have changed");

    // The cable goes back in and the agent starts again: the old pods go for good.
    await c.inNetns(c.plan.underlay.netns, ["ip", "link", "set", victimPlan.underlayPeer, "up"]);
    await c.startAgent(victim);
    await waitFor("exactly three web pods, none left terminating", async () => {
      const p = await pods();
      return p.length === 3 && p.every((x) => x.ready && !x.deleting);
    }, { timeoutMs: 30_000, intervalMs: 250 });
    const nat = await c.inNetns(victimPlan.netns, ["iptables-save", "-t", "nat"]);
    for (const ip of lostIPs) assert.ok(!nat.stdout.includes(`${ip}:80`), `the returned node's rules still lead to the old pod ${ip}`);
    const namespaces = (await c.inNetns(victimPlan.netns, ["ip", "netns", "list"])).stdout;
    for (const p of before.filter((x) => x.node === victim)) assert.ok(!namespaces.includes(podNetnsName(c.plan.prefix, `default/${p.name}`)), `the old pod ${p.name}'s namespace is gone`);
  });
});
