// A network partition between one node and the control plane, then healed, with real pieces:
// `svcnet server` (node grace period 15 s), three `svcnet agent --proxy --speaker` processes on a
// namespace sandbox, each reaching the API through a relay the test can cut. While cut, the node
// keeps running its pods (its agent cannot hear otherwise) but the control plane sees it
// NotReady: its pods leave the endpoints and the ReplicationController replaces them elsewhere.
// Healed, the agent learns its pods were deleted and stops them: no duplicate pods, and no node's
// rules lead to the old pods. Needs root.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { podNetnsName } from "../../src/sandbox/topology-plan.js";
import type { AgentCluster } from "./helpers/agent-cluster.js";
import { startAgentCluster } from "./helpers/agent-cluster.js";
import { waitFor } from "./helpers/wait-for.js";
import { webEndpointIPs, webPods, webWorkload } from "./helpers/web-workload.js";
import { yamlStream } from "./helpers/yaml-stream.js";

const isRoot = process.getuid?.() === 0;

describe("a node is partitioned from the control plane and healed", { skip: isRoot ? false : "needs root for the namespace sandbox" }, () => {
  let c: AgentCluster;
  const pods = () => webPods(c.server);
  const endpointIPs = () => webEndpointIPs(c.server);

  before(async () => {
    c = await startAgentCluster({ nodes: 3, idPrefix: "p", serverArgs: ["--node-monitor-grace-period", "15s"] });
    for (const n of c.plan.nodes) await c.startAgent(n.name);
    const created = await c.server.kubectl(["create", "-f", "-"], { input: yamlStream(webWorkload) });
    assert.equal(created.code, 0, created.stderr);
  });
  after(async () => {
    await c?.stop();
  });

  test("the partitioned node's pods are replaced; healed, the old ones stop and every node's rules agree", async () => {
    await waitFor("three ready web pods on at least two nodes", async () => {
      const p = await pods();
      return p.length === 3 && p.every((x) => x.ready) && new Set(p.map((x) => x.node)).size >= 2;
    }, { timeoutMs: 30_000 });
    const before = await pods();
    const victim = before.find((p) => p.node !== "core-v2-01")?.node ?? "";
    const victimPlan = c.plan.nodes.find((n) => n.name === victim);
    assert.ok(victimPlan, "a web pod runs off core-v2-01");
    const lost = before.filter((p) => p.node === victim);
    const t0 = Date.now();
    c.partition(victim);
    await waitFor("the partitioned node's pods are replaced elsewhere", async () => (await pods()).filter((p) => p.ready && !p.deleting && p.node !== victim).length === 3, { timeoutMs: 45_000, intervalMs: 250 });
    const tReplaced = Date.now() - t0;
    assert.ok((await endpointIPs()).every((ip) => !lost.some((p) => p.ip === ip)), "the old pods are out of the endpoints");
    // Still running on the cut-off node: its agent has not heard of the deletion.
    const stillThere = (await c.inNetns(victimPlan.netns, ["ip", "netns", "list"])).stdout;
    assert.ok(lost.every((p) => stillThere.includes(podNetnsName(c.plan.prefix, `default/${p.name}`))), "the partitioned node keeps its pods while cut off");

    c.heal(victim);
    await waitFor("exactly three web pods, none terminating, the old ones' namespaces gone", async () => {
      const p = await pods();
      const namespaces = (await c.inNetns(victimPlan.netns, ["ip", "netns", "list"])).stdout;
      return p.length === 3 && p.every((x) => x.ready && !x.deleting) && lost.every((x) => !namespaces.includes(podNetnsName(c.plan.prefix, `default/${x.name}`)));
    }, { timeoutMs: 40_000, intervalMs: 250 });
    const tHealed = Date.now() - t0;
    const current = (await pods()).map((p) => `${p.ip}:80`).sort();
    await waitFor("every node's rules lead to the current pods only", async () => {
      for (const n of c.plan.nodes) {
        const nat = (await c.inNetns(n.netns, ["iptables-save", "-t", "nat"])).stdout;
        const targets = [...nat.matchAll(/-A KUBE-SEP-\w+ .*--comment "?default\/web"? .*-j DNAT --to-destination (\S+)/g)].map((m) => m[1]).sort();
        if (JSON.stringify(targets) !== JSON.stringify(current)) return false;
      }
      return true;
    }, { timeoutMs: 10_000, intervalMs: 250 });
    console.log(`partition of ${victim}: pods replaced after ${tReplaced} ms; healed and cleaned up ${tHealed - tReplaced} ms after that`);
  });
});
